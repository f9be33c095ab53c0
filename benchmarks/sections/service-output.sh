#!/usr/bin/env bash
# Service output drain (issue 16): a service writing 500 MB in 100-byte lines, timed from its start until it has
# exited and all its output is in its log (capped at the default 100 MB), against the same writer piped into
# `cat > /dev/null`. Goal: at most 1.5x. The stop after that, which moves the kept part of the capped log up under
# its note (about 0.05-0.2 s for 100 MB), is not timed: it does not hold up the service.
#   benchmarks/sections/service-output.sh [runs (3)]
# Run on its own, or sourced by benchmarks/run.sh (which provides $bench, $quick, header, verdict and table_row;
# with --quick, one run each). Needs: hyperfine, python3; a C compiler (cc) for the floor row, else it is skipped.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  runs=${1:-3}
else
  runs=3
  if [ "${quick:-0}" = 1 ]; then runs=1; fi
fi
source "$(dirname "${BASH_SOURCE[0]}")/../section-standalone.sh"

header "Service output: a service writing 500 MB in 100-byte lines against the same writer into cat > /dev/null (goal: at most 1.5x)"
line=$(printf 'x%.0s' $(seq 99))
chatty="yes $line | head -c 500000000"
hyperfine --runs "$runs" --export-json "$scratch/cat.json" -n "writer | cat > /dev/null" "sh -c '$chatty | cat > /dev/null'" >/dev/null
# The floor of keeping the output at all: the same bytes into a file, without timestamps or a cap.
hyperfine --runs "$runs" --export-json "$scratch/file.json" -n "writer | cat > file" \
  --prepare "rm -f '$scratch/plain.log'" "sh -c '$chatty | cat > $scratch/plain.log'" >/dev/null
# The floor of a capped, timestamped log (benchmarks/peers/stamped-log.c): what any runner keeping this log must do
# at the least, in C, without UTF-8 checks, masking, patterns or tail. Against it, what is ours is the difference.
floor=""
if command -v cc >/dev/null && cc -O2 -o "$scratch/stamped-log" "$here/peers/stamped-log.c" 2>/dev/null; then
  hyperfine --runs "$runs" --export-json "$scratch/floor.json" -n "writer | stamped log (C)" \
    --prepare "rm -f '$scratch/floor.log'" "sh -c '$chatty | $scratch/stamped-log $scratch/floor.log'" >/dev/null
  floor=$(python3 -c "import json, sys; print(f'{json.load(open(sys.argv[1]))[\"results\"][0][\"mean\"]:.2f}')" "$scratch/floor.json")
fi
service=$(for _ in $(seq "$runs"); do $bench service sh -c "$chatty"; done | python3 -c "import sys; v=[float(l) for l in sys.stdin]; print(sum(v)/len(v))")
cat=$(python3 -c "import json, sys; print(f'{json.load(open(sys.argv[1]))[\"results\"][0][\"mean\"]:.2f}')" "$scratch/cat.json")
file=$(python3 -c "import json, sys; print(f'{json.load(open(sys.argv[1]))[\"results\"][0][\"mean\"]:.2f}')" "$scratch/file.json")
ratio=$(python3 -c "print(f'{$service / $cat:.2f}')")
printf '  %-28s %7.2f s\n' "writer | cat > /dev/null" "$cat" "writer | cat > file" "$file" "writer as a service" "$service"
[ -z "$floor" ] || printf '  %-28s %7.2f s\n' "writer | stamped log (C)" "$floor"
echo "  service / cat = $ratio  (goal 1.50; log capped at 100 MB); cat > file / cat > /dev/null = $(python3 -c "print(f'{$file / $cat:.2f}')")"
floor_peer=""
if [ -n "$floor" ]; then
  echo "  stamped log (C) / cat = $(python3 -c "print(f'{$floor / $cat:.2f}')"): the floor of this log on this machine; service / stamped log (C) = $(python3 -c "print(f'{$service / $floor:.2f}')")"
  floor_peer="; into the C floor of a stamped, capped log: $floor s ($(python3 -c "print(f'{$floor / $cat:.2f}')") × cat)"
fi
table_row "Service output drain: 500 MB in 100-byte lines" "$(printf '%.2f' "$service") s" "writer into cat > /dev/null: $cat s; into cat > file: $file s$floor_peer" "$ratio" \
  "≤ 1.5 ($(python3 -c "print('meets' if $ratio <= 1.5 else 'misses')"))"
