#!/usr/bin/env bash
# Service output drain (issue 16): a service writing 500 MB in 100-byte lines, timed from its start until it has
# exited and all its output is in its log (capped at the default 100 MB), against the same writer piped into
# `cat > /dev/null`. Goal: at most 1.5x.
#   benchmarks/sections/service-output.sh [runs (3)]
# Standalone, or sourced by benchmarks/run.sh (which may set $bench). Needs: hyperfine.
set -euo pipefail
runs=${1:-3}
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ -z "${bench:-}" ]; then
  dotnet build -c Release -v q -nologo "$here/CakeParallel.Bench" >/dev/null
  bench="dotnet $here/CakeParallel.Bench/bin/Release/net10.0/CakeParallel.Bench.dll"
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

echo "== a service writing 500 MB in 100-byte lines; target: at most 1.5x the same writer into cat > /dev/null =="
line=$(printf 'x%.0s' $(seq 99))
chatty="yes $line | head -c 500000000"
hyperfine --runs "$runs" --export-json "$scratch/cat.json" -n "writer | cat > /dev/null" "sh -c '$chatty | cat > /dev/null'" >/dev/null
service=$(for _ in $(seq "$runs"); do $bench service sh -c "$chatty"; done | python3 -c "import sys; v=[float(l) for l in sys.stdin]; print(sum(v)/len(v))")
python3 - "$scratch/cat.json" "$service" <<'PY'
import json, sys
cat = json.load(open(sys.argv[1]))["results"][0]["mean"]
ours = float(sys.argv[2])
print(f"  {'writer | cat > /dev/null':28} {cat:7.2f} s")
print(f"  {'writer as a service':28} {ours:7.2f} s   service / cat = {ours / cat:5.2f}  (goal 1.50; log capped at 100 MB)")
PY
