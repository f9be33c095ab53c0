#!/usr/bin/env bash
# Checks every claim about CakeParallel's speed and memory: each section times CakeParallel and its peers side by
# side in one run, prints them with the ratio to the goal, and adds a row to the closing Markdown table (which the
# README's Benchmarks section shows).
#
#   benchmarks/run.sh [--quick] [--only section[,section...]] [--list]
#
#   --quick   smaller cases and fewer runs, under two minutes; the table says so.
#   --only    runs the named sections only (see --list).
#
# Sections are the files benchmarks/sections/<name>.sh, run in the order of $order, then any others by name.
# A section file is sourced by this script, in a subshell of its own, and uses what it provides:
#   $bench            the driver (CakeParallel.Bench, Release), e.g. "$bench dispatch 2 1000 true"
#   $quick            1 in --quick mode, else 0;      $out  a scratch folder, removed at the end
#   $repo             the repository root;            $here the benchmarks folder
#   header TITLE      prints a section heading
#   timed VAR CMD...  runs CMD (its stdout kept in $out/timed.out), sets VAR to its wall seconds and VAR_cpu to
#                     its user+system CPU seconds (children included); fails when CMD does
#   stats LIST        prints "mean ± stddev" of a space-separated list of numbers (as seconds, 3 decimals)
#   mean LIST         prints the mean of a list
#   table_row CASE CAKEPARALLEL PEERS RATIO GOAL
#                     adds a row to the final table (RATIO and GOAL as text; use "" when there is none) and
#                     prints it; a ratio above its limit is marked by `verdict`.
#   verdict RATIO LIMIT  prints "meets" or "misses"
#   settle_files      before timed runs that create many files: syncs, then waits 60 s (not in --quick)
# Needs: hyperfine, GNU parallel, python3, the .NET SDK; docker for the docker section.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
cd "$here"

quick=0
only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --only) only=",$2,"; shift ;;
    --list) ls sections | sed 's/\.sh$//'; exit 0 ;;
    *) echo "usage: $0 [--quick] [--only section,...] [--list]" >&2; exit 2 ;;
  esac
  shift
done

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
# Steal: CPU time the hypervisor gave to other guests while this machine's processes were ready to run. On a virtual
# machine it slows every process start, CakeParallel's and its peers' alike but not in proportion, so each section and
# the table say how much of it there was (as a share of all CPU time); compare runs only at similar steal.
cpu_times() { head -1 /proc/stat; }
steal_since() {
  python3 -c "import sys; a, b = ([int(x) for x in t.split()[1:9]] for t in sys.argv[1:3]); total = sum(b) - sum(a); print(f'{100 * (b[7] - a[7]) / total if total else 0:.0f} %')" "$1" "$(cpu_times)"
}
run_times=$(cpu_times)
for tool in hyperfine parallel python3; do
  command -v $tool >/dev/null || { echo "missing $tool: apt-get install -y hyperfine parallel python3" >&2; exit 1; }
done

dotnet build -c Release -v q -nologo CakeParallel.Bench >/dev/null
bench="dotnet $here/CakeParallel.Bench/bin/Release/net10.0/CakeParallel.Bench.dll"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
table="$out/table.md"
: > "$table"

header() { printf '\n== %s ==\n' "$*"; }

# Lets the file system forget the files deleted just before timed runs that create many (a leg's log each). On ext4
# without a journal, creating a file steps over every inode freed in the last 60 s (360 s while the inode's table
# block is unwritten): right after a build or a test run had deleted thousands of files, 1000 legs of `true` took
# the engine 1.05 s, and 0.57 s a minute later (`xargs -P2` + `setsid`: 0.74 and 0.82 s). sync writes the tables;
# the wait covers the rest. Skipped in --quick mode, whose timings are rough anyway.
settle_files() {
  sync
  if [ "$quick" = 0 ]; then
    echo "  (waiting 60 s after sync, so no file freed just before is stepped over by the runs' file creations)"
    sleep 60
  fi
}

timed() {
  local var=$1 wall user system; shift
  if ! /usr/bin/time -f '%e %U %S' -o "$out/time" "$@" >"$out/timed.out" 2>"$out/timed.err"; then
    echo "  FAILED: $*" >&2
    tail -5 "$out/timed.err" | sed 's/^/    /' >&2
    return 1
  fi
  read -r wall user system < "$out/time"
  printf -v "$var" '%s' "$wall"
  printf -v "${var}_cpu" '%s' "$(python3 -c "print(f'{$user + $system:.2f}')")"
}

stats() { python3 -c "import statistics as s, sys; v=[float(x) for x in sys.argv[1:]]; print(f'{s.mean(v):.3f} ± {s.stdev(v) if len(v) > 1 else 0:.3f}')" $1; }
mean() { python3 -c "import statistics as s, sys; print(f'{s.mean(float(x) for x in sys.argv[1:]):.3f}')" $1; }
verdict() { python3 -c "import sys; print('meets' if float(sys.argv[1]) <= float(sys.argv[2]) else 'misses')" "$1" "$2"; }

table_row() {
  printf '| %s | %s | %s | %s | %s |\n' "$1" "$2" "$3" "$4" "$5" >> "$table"
  printf '  -> %s: CakeParallel %s; %s; ratio %s; goal %s\n' "$1" "$2" "$3" "${4:--}" "${5:--}"
}

order="dispatch latency docker matrix scheduling memory service-output uptodate"
sections=$(
  for name in $order; do [ -f "sections/$name.sh" ] && echo "$name"; done
  for file in sections/*.sh; do name=$(basename "$file" .sh); case " $order " in *" $name "*) ;; *) echo "$name" ;; esac; done
)
for name in $sections; do
  if [ -n "$only" ] && [[ "$only" != *",$name,"* ]]; then
    continue
  fi

  # In a subshell: a section sees everything defined here, and what it defines or traps stays its own. The rows
  # it adds go to the table file.
  section_times=$(cpu_times)
  # shellcheck source=/dev/null
  ( source "sections/$name.sh" ) || echo "  section $name failed (exit $?); its rows are missing from the table" >&2
  echo "  (CPU steal during this section: $(steal_since "$section_times"))"
done
steal=$(steal_since "$run_times")

cpu=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
commit=$(git -C "$repo" rev-parse --short HEAD)
dirty=$(git -C "$repo" status --porcelain --untracked-files=no | grep -q . && echo " (with uncommitted changes)" || true)
printf '\n## Benchmarks table (paste into the README)\n\n'
printf 'Measured %s UTC on %s (%s cores, %s, %s), commit %s%s, load average before the run %s, CPU steal during it %s%s.\n\n' \
  "$(date -u '+%Y-%m-%d %H:%M')" "$(hostname)" "$(nproc)" "$cpu" "$(uname -sr)" "$commit" "$dirty" "$load_before" "$steal" \
  "$([ $quick = 1 ] && echo '; --quick mode (smaller cases, fewer runs)' || true)"
printf '| Case | CakeParallel | Peers | Ratio | Goal |\n|------|--------------|-------|-------|------|\n'
cat "$table"
