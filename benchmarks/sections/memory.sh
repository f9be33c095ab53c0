#!/usr/bin/env bash
# Memory of the runner (issue 18): peak resident set size above the host's idle baseline, side by side with GNU
# parallel and xargs -P where they do the same job, and the ratio to the goals (16 MB whatever one leg's output
# volume; 64 MB for 10,000 finished legs with every report). Also the idle baselines of the hosts the engine runs
# in: the bench driver, `dotnet cake` and `dotnet msbuild`.
#   benchmarks/sections/memory.sh [legs (10000)] [matrix legs (20000)]
# Run on its own, or sourced by benchmarks/run.sh (which provides $bench, $quick, header and table_row; with --quick
# the cases are 1,000 legs and a 2,000-leg matrix). Needs: GNU time (/usr/bin/time), parallel, python3.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  legs=${1:-10000}
  matrix_legs=${2:-20000}
else
  legs=10000
  matrix_legs=20000
  if [ "${quick:-0}" = 1 ]; then legs=1000; matrix_legs=2000; fi
fi
source "$(dirname "${BASH_SOURCE[0]}")/../section-standalone.sh"

# Peak RSS in kB of a command (its whole process tree's largest member, as GNU time reports it).
rss() { /usr/bin/time -f "%M" "$@" 2>&1 >/dev/null | tail -1; }
mb() { python3 -c "print(f'{$1 / 1024:7.1f}')"; }
# name, peak kB, baseline kB, goal MB (or -)[, warmed baseline kB]: the peak, the growth above the baseline (and
# above the warmed one) and its ratio to the goal.
row() {
  python3 - "$@" <<'PY'
import sys
name, peak, base, goal = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
above = (peak - base) / 1024
line = f"  {name:44} peak {peak / 1024:6.1f} MB   above idle {above:6.1f} MB"
if goal != "-":
    line += f" ({above / float(goal):4.2f} x goal)"
if len(sys.argv) > 5:
    warm = (peak - int(sys.argv[5])) / 1024
    line += f"   above warmed idle {warm:6.1f} MB ({warm / float(goal):4.2f} x goal)"
print(line)
PY
}

header "Memory: idle baselines (peak RSS of each host doing nothing)"
idle=$(rss $bench memory idle)
warm=$(rss $bench memory idle-warm)
printf '  %-46s %7s MB\n' "bench host, 1 leg of true" "$(mb $idle)" \
  "bench host warmed (GC at working size), 1 leg" "$(mb $warm)" \
  "bench host, 1 leg of true, every report" "$(mb "$(rss $bench memory legs 1 all)")"
hosts="bench $(mb $idle | tr -d ' ') MB (warmed $(mb $warm | tr -d ' ') MB)"
cake_dll=$(find "${NUGET_PACKAGES:-$HOME/.nuget/packages}/cake.tool" -path '*net10.0/any/Cake.dll' 2>/dev/null | sort -V | tail -1 || true)
if [ -n "$cake_dll" ]; then
  printf 'Task("Default");\nRunTarget("Default");\n' > "$scratch/build.cake"
  cake=$(mb "$(cd "$scratch" && rss dotnet "$cake_dll" build.cake)")
  printf '  %-46s %7s MB\n' "dotnet cake (empty script)" "$cake"
  hosts="$hosts, dotnet cake $(echo $cake) MB"
else
  echo "  dotnet cake: Cake.Tool is not in the NuGet package cache; skipped"
fi
printf '<Project><Target Name="Build" /></Project>\n' > "$scratch/empty.proj"
msbuild=$(mb "$(rss dotnet msbuild -nodeReuse:false -nologo -v:q "$scratch/empty.proj")")
printf '  %-46s %7s MB\n' "dotnet msbuild -nodeReuse:false (empty project)" "$msbuild"
table_row "Memory: idle baseline of each host (peak RSS)" "$hosts, dotnet msbuild $(echo $msbuild) MB" "" "" ""
echo "  (the rows below are against the bench host's baselines: idle, and warmed, as a host that has done some work is;"
echo "   in dotnet cake or dotnet msbuild the runner adds to that host's own baseline)"

header "Memory: one leg writing 200 MB of output (goal: at most 16 MB above the idle baseline)"
gen="yes 'a line of output from a chatty build step, about eighty bytes long....' | head -c 200000000"
chatty=$(rss $bench 1 1 sh -c "$gen")
row "CakeParallel -j1" "$chatty" "$idle" 16
# GNU parallel and xargs against their own idle baselines (one job of true), as the runner is against its own.
parallel_idle=$(rss parallel -j1 true ::: 1)
xargs_idle=$(rss sh -c "echo 1 | xargs -P1 -I{} true")
parallel_chatty=$(rss parallel -j1 "$gen; : {}" ::: 1)
row "GNU parallel -j1" "$parallel_chatty" "$parallel_idle" 16
above() { python3 -c "print(f'{($1 - $2) / 1024:.1f}')"; }
table_row "Memory: one leg writing 200 MB (peak RSS above idle)" "+$(above $chatty $idle) MB" "GNU parallel +$(above $parallel_chatty $parallel_idle) MB" \
  "$(python3 -c "print(f'{($chatty - $idle) / 1024 / 16:.2f}')") × goal" "≤ 16 MB ($(python3 -c "print('meets' if ($chatty - $idle) / 1024 <= 16 else 'misses')"))"
row "xargs -P1" "$(rss sh -c "echo 1 | xargs -P1 -I{} sh -c \"$gen\"")" "$xargs_idle" 16

header "Memory: $legs legs of true, 2 at a time, JSON + JUnit + Markdown + HTML reports and the journal (goal: at most 64 MB above the baseline)"
all=$(rss $bench memory legs "$legs" all)
row "CakeParallel -j2, every report" "$all" "$idle" 64 "$warm"
row "CakeParallel -j2, no reports (journal only)" "$(rss $bench memory legs "$legs" none)" "$idle" 64 "$warm"
parallel_legs=$(rss sh -c "seq $legs | parallel -j2 --joblog $scratch/joblog true")
row "GNU parallel -j2 --joblog" "$parallel_legs" "$parallel_idle" 64
table_row "Memory: $legs legs with every report (peak RSS above idle; above warmed idle)" "+$(above $all $idle) MB; +$(above $all $warm) MB" \
  "GNU parallel --joblog +$(above $parallel_legs $parallel_idle) MB" "$(python3 -c "print(f'{($all - $idle) / 1024 / 64:.2f}; {($all - $warm) / 1024 / 64:.2f}')") × goal" \
  "≤ 64 MB ($(python3 -c "print('meets' if ($all - $idle) / 1024 <= 64 else 'meets above warmed idle' if ($all - $warm) / 1024 <= 64 else 'misses')"))"
row "xargs -P2" "$(rss sh -c "seq $legs | xargs -P2 -I{} true")" "$xargs_idle" 64

# The same legs in the hosts users run them in, through the Cake alias and the MSBuild task: the growth is the peak
# RSS during the call above the host's RSS just before it (the script or the target resets the kernel's high-water
# mark, /proc/<pid>/clear_refs, right before the call, and reads it right after). Each host has done its own work by
# then (Cake has compiled the script; MSBuild has evaluated the project and its 10,000 items), which is the baseline
# a user's build has.
in_hosts() {
  out=${out:-$scratch}
  repo=${repo:-$(cd "$here/.." && pwd)}
  source "$here/adapter-packages.sh"
  adapter_packages || return 1
  local folder="$out/memory-hosts" runs=2 cake_kb="" msbuild_kb="" kb
  mkdir -p "$folder/cake"
  cat > "$folder/cake/build.cake" <<CAKE
#addin nuget:?package=Cake.Parallel&version=$version&loaddependencies=true
static long Kb(string field) => long.Parse(System.IO.File.ReadLines("/proc/self/status").First(l => l.StartsWith(field + ":")).Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries)[1]);
Task("Default").Does(() =>
{
    var legs = Enumerable.Range(1, $legs).Select(i => new ParallelLeg("leg-" + i, "true")).ToArray();
    var dir = "$folder/cake/out";
    var settings = new ParallelSettings { MaxParallel = 2, LogDirectory = dir + "/logs", ReportFile = dir + "/report.json", JUnitFile = dir + "/junit.xml", MarkdownFile = dir + "/summary.md", HtmlFile = dir + "/timeline.html" };
    System.IO.File.WriteAllText("/proc/self/clear_refs", "5");
    var before = Kb("VmRSS");
    RunParallel(legs, settings);
    Information("memory-kb {0} {1}", before, Kb("VmHWM"));
});
RunTarget("Default");
CAKE
  msbuild_project "$folder/msbuild" Memory "$legs" <<XML || return 1
  <Target Name="Memory">
    <!-- Exec's shell is a child of the node that runs the target, so \$PPID is that node. -->
    <Exec Command="echo 5 &gt; /proc/\$PPID/clear_refs; echo memory-before \`grep VmRSS /proc/\$PPID/status\`" />
    <ParallelExec Commands="@(Leg)" MaxParallel="2" LogDirectory="$folder/msbuild/out/logs" ReportFile="$folder/msbuild/out/report.json" JUnitFile="$folder/msbuild/out/junit.xml" MarkdownFile="$folder/msbuild/out/summary.md" HtmlFile="$folder/msbuild/out/timeline.html" />
    <Exec Command="echo memory-after \`grep VmHWM /proc/\$PPID/status\`" />
  </Target>
XML
  (cd "$repo" && dotnet tool restore >/dev/null) || return 1
  for run in $(seq "$runs"); do
    rm -rf "$folder/cake/out" "$folder/msbuild/out"
    (cd "$repo" && NO_COLOR=1 dotnet cake "$folder/cake/build.cake" --nuget_source="$feed") > "$folder/cake.log" 2>&1 \
      || { echo "  dotnet cake failed:"; tail -20 "$folder/cake.log"; return 1; }
    kb=$(grep -o 'memory-kb [0-9]* [0-9]*' "$folder/cake.log" | awk '{ print $3 - $2 }')
    [ -n "$kb" ] || { echo "  dotnet cake printed no memory line:"; tail -20 "$folder/cake.log"; return 1; }
    cake_kb="$cake_kb $kb"
    NUGET_PACKAGES="$folder/msbuild/packages" dotnet msbuild "$folder/msbuild/Memory.csproj" -t:Memory -nodeReuse:false -nologo > "$folder/msbuild.log" 2>&1 \
      || { echo "  dotnet msbuild failed:"; tail -20 "$folder/msbuild.log"; return 1; }
    kb=$(python3 - "$folder/msbuild.log" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
print(int(re.search(r"memory-after VmHWM:\s+(\d+)", text)[1]) - int(re.search(r"memory-before VmRSS:\s+(\d+)", text)[1]))
PY
) || { echo "  dotnet msbuild printed no memory lines:"; tail -20 "$folder/msbuild.log"; return 1; }
    msbuild_kb="$msbuild_kb $kb"
  done
  local host list largest
  for host in cake msbuild; do
    [ "$host" = cake ] && list=$cake_kb || list=$msbuild_kb
    largest=$(python3 -c "import sys; print(max(int(x) for x in sys.argv[1:]))" $list)
    printf '  %-46s %s MB (largest of %s runs: %s MB; %s x goal)\n' "dotnet $host, growth during the call" \
      "$(python3 -c "import sys; print(' '.join(f'{int(x) / 1024:.1f}' for x in sys.argv[1:]))" $list)" "$runs" "$(mb "$largest" | tr -d ' ')" \
      "$(python3 -c "print(f'{$largest / 1024 / 64:.2f}')")"
    table_row "Memory in dotnet $host: $legs legs with every report (peak RSS during the call above the host's RSS before it; largest of $runs)" "+$(mb "$largest" | tr -d ' ') MB" "" \
      "$(python3 -c "print(f'{$largest / 1024 / 64:.2f}')") × goal" "≤ 64 MB ($(python3 -c "print('meets' if $largest / 1024 <= 64 else 'misses')"))"
  done
}

if [ "${quick:-0}" = 1 ]; then
  echo "  (the same legs in dotnet cake and dotnet msbuild: skipped in --quick, packing takes minutes)"
else
  header "Memory in the hosts: $legs legs of true, 2 at a time, every report, through the Cake alias and the MSBuild task (goal: at most 64 MB above the host's RSS just before the call)"
  in_hosts || echo "  the in-host cases failed; their rows are missing"
fi

header "Memory: a $matrix_legs-leg matrix (one axis), planning only, and planning and running true"
row "CakeParallel, plan" "$(rss $bench memory matrix "$matrix_legs" plan)" "$idle" 64 "$warm"
matrix_run=$(rss $bench memory matrix "$matrix_legs" run)
row "CakeParallel, plan and run -j2" "$matrix_run" "$idle" 64 "$warm"
table_row "Memory: $matrix_legs-leg matrix planned and run (peak RSS above idle; above warmed idle)" "+$(above $matrix_run $idle) MB; +$(above $matrix_run $warm) MB" "" "" ""
row "GNU parallel -j2" "$(rss sh -c "seq $matrix_legs | parallel -j2 true")" "$parallel_idle" 64
echo "  (where memory goes: CAKEPARALLEL_BENCH_ALLOCATIONS=1 $bench memory legs 3000 all  lists the allocated types)"
