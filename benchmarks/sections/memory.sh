#!/usr/bin/env bash
# Memory of the runner (issue 18): peak resident set size above the host's idle baseline, side by side with GNU
# parallel and xargs -P where they do the same job, and the ratio to the goals (16 MB whatever one leg's output
# volume; 64 MB for 10,000 finished legs with every report). Also the idle baselines of the hosts the engine runs
# in: the bench driver, `dotnet cake` and `dotnet msbuild`.
#   benchmarks/sections/memory.sh [legs (10000)] [matrix legs (20000)]
# Standalone, or sourced by benchmarks/run.sh (which may set $bench). Needs: GNU time (/usr/bin/time), parallel.
set -euo pipefail
legs=${1:-10000}
matrix_legs=${2:-20000}
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ -z "${bench:-}" ]; then
  dotnet build -c Release -v q -nologo "$here/CakeParallel.Bench" >/dev/null
  bench="dotnet $here/CakeParallel.Bench/bin/Release/net10.0/CakeParallel.Bench.dll"
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# Peak RSS in kB of a command (its whole process tree's largest member, as GNU time reports it).
rss() { /usr/bin/time -f "%M" "$@" 2>&1 >/dev/null | tail -1; }
mb() { python3 -c "print(f'{$1 / 1024:7.1f}')"; }
# name, peak kB, baseline kB, goal MB (or -): one line with the peak, the growth and its ratio to the goal.
row() {
  python3 - "$@" <<'PY'
import sys
name, peak, base, goal = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
above = (peak - base) / 1024
ratio = f"   above / goal = {above / float(goal):5.2f}  (goal {goal} MB)" if goal != "-" else ""
print(f"  {name:46} peak {peak / 1024:7.1f} MB   above baseline {above:7.1f} MB{ratio}")
PY
}

echo "== idle baselines (peak RSS of each host doing nothing) =="
idle=$(rss $bench memory idle)
idle_reports=$(rss $bench memory legs 1 all)
printf '  %-46s %7s MB\n' "bench host, 1 leg of true" "$(mb $idle)" "bench host, 1 leg of true, every report" "$(mb $idle_reports)"
cake_dll=$(find "${NUGET_PACKAGES:-$HOME/.nuget/packages}/cake.tool" -path '*net10.0/any/Cake.dll' 2>/dev/null | sort -V | tail -1 || true)
if [ -n "$cake_dll" ]; then
  printf 'Task("Default");\nRunTarget("Default");\n' > "$scratch/build.cake"
  printf '  %-46s %7s MB\n' "dotnet cake (empty script)" "$(mb "$(cd "$scratch" && rss dotnet "$cake_dll" build.cake)")"
else
  echo "  dotnet cake: Cake.Tool is not in the NuGet package cache; skipped"
fi
printf '<Project><Target Name="Build" /></Project>\n' > "$scratch/empty.proj"
printf '  %-46s %7s MB\n' "dotnet msbuild -nodeReuse:false (empty project)" "$(mb "$(rss dotnet msbuild -nodeReuse:false -nologo -v:q "$scratch/empty.proj")")"
echo "  (a host's own baseline is what the runner adds to; the rows below are measured against the bench host's)"

echo "== one leg writing 200 MB of output (goal: at most 16 MB above the baseline) =="
gen="yes 'a line of output from a chatty build step, about eighty bytes long....' | head -c 200000000"
row "CakeParallel -j1" "$(rss $bench 1 1 sh -c "$gen")" "$idle" 16
row "GNU parallel -j1 (vs. the writer alone)" "$(rss parallel -j1 "$gen; : {}" ::: 1)" "$(rss sh -c "$gen > /dev/null")" -
row "xargs -P1 (vs. the writer alone)" "$(rss sh -c "echo 1 | xargs -P1 -I{} sh -c \"$gen\"")" "$(rss sh -c "$gen > /dev/null")" -

echo "== $legs legs of true, 2 at a time, JSON + JUnit + Markdown + HTML reports and the journal (goal: at most 64 MB above the baseline) =="
all=$(rss $bench memory legs "$legs" all)
row "CakeParallel -j2, every report" "$all" "$idle" 64
row "  the same, against the baseline with every report" "$all" "$idle_reports" 64
row "CakeParallel -j2, no reports (journal only)" "$(rss $bench memory legs "$legs" none)" "$idle" 64
row "GNU parallel -j2 --joblog" "$(rss sh -c "seq $legs | parallel -j2 --joblog $scratch/joblog true")" "$(rss parallel -j1 true ::: 1)" -
row "xargs -P2" "$(rss sh -c "seq $legs | xargs -P2 -I{} true")" "$(rss sh -c "echo 1 | xargs -P1 -I{} true")" -

echo "== a $matrix_legs-leg matrix (one axis): planning only, and planning and running true =="
row "CakeParallel, plan" "$(rss $bench memory matrix "$matrix_legs" plan)" "$idle" 64
row "CakeParallel, plan and run -j2" "$(rss $bench memory matrix "$matrix_legs" run)" "$idle" 64
row "GNU parallel -j2" "$(rss sh -c "seq $matrix_legs | parallel -j2 true")" "$(rss parallel -j1 true ::: 1)" -
echo "  (where memory goes: CAKEPARALLEL_BENCH_ALLOCATIONS=1 $bench memory legs 3000 all  lists the allocated types)"
