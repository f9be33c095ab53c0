#!/usr/bin/env bash
# A docker matrix on one engine vs two engines, side by side: the same legs (each `RUN sleep S`, no cache), the same
# slots per engine; prints both makespans and their ratio.
#   benchmarks/docker-pool.sh [legs] [seconds] [slots per engine]
# Needs root, dockerd, docker-registry, curl and busybox (examples/docker-matrix/engine-pool.sh starts two engines
# beside the default daemon and stops them afterwards).
set -euo pipefail
cd "$(dirname "$0")"
legs=${1:-8}
seconds=${2:-3}
slots=${3:-2}

dotnet build -c Release -v q -nologo CakeParallel.Bench >/dev/null
bench="dotnet $(pwd)/CakeParallel.Bench/bin/Release/net10.0/CakeParallel.Bench.dll"
pool=$(mktemp -d /tmp/cpar-bench-pool-XXXX)
trap 'sh ../examples/docker-matrix/engine-pool.sh stop "$pool"; rm -rf "$pool"' EXIT
mapfile -t hosts < <(sh ../examples/docker-matrix/engine-pool.sh start "$pool" 2 | grep '^unix://')

echo "== docker matrix: $legs legs of 'RUN sleep $seconds', $slots slots per engine =="
one=$($bench docker-pool "$legs" "$seconds" "$slots" "${hosts[0]}")
two=$($bench docker-pool "$legs" "$seconds" "$slots" "${hosts[0]}" "${hosts[1]}")
printf '  %-12s %s\n' "one engine" "$one" "two engines" "$two"
python3 -c "import sys; a=float(sys.argv[1]); b=float(sys.argv[2]); print(f'  two engines / one engine makespan = {b/a:.2f}')" "${one%% s*}" "${two%% s*}"
