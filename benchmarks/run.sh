#!/usr/bin/env bash
# Times CakeParallel side by side with GNU parallel and xargs -P in one run, and prints ratios.
#   benchmarks/run.sh [legs] [jobs]
# Needs: hyperfine, parallel (apt-get install -y hyperfine parallel), the .NET SDK.
set -euo pipefail
cd "$(dirname "$0")"
legs=${1:-500}
jobs=${2:-2}
for tool in hyperfine parallel; do
  command -v $tool >/dev/null || { echo "missing $tool: apt-get install -y hyperfine parallel" >&2; exit 1; }
done

dotnet build -c Release -v q -nologo CakeParallel.Bench >/dev/null
bench="dotnet $(pwd)/CakeParallel.Bench/bin/Release/net10.0/CakeParallel.Bench.dll"
out=$(mktemp -d)

echo "== $legs x 'true' with $jobs at a time (process start and supervision overhead) =="
hyperfine --warmup 1 --runs 3 --export-json "$out/start.json" \
  -n "xargs -P$jobs" "seq $legs | xargs -P$jobs -I{} true" \
  -n "xargs -P$jobs + setsid" "seq $legs | xargs -P$jobs -I{} setsid true" \
  -n "GNU parallel -j$jobs" "seq $legs | parallel -j$jobs true" \
  -n "CakeParallel -j$jobs" "$bench $jobs $legs true" >/dev/null

python3 - "$out/start.json" <<'PY'
import json, sys
results = {r["command"]: r["mean"] for r in json.load(open(sys.argv[1]))["results"]}
ours = next(v for k, v in results.items() if k.startswith("CakeParallel"))
for name, mean in results.items():
    print(f"  {name:24} {mean:7.2f} s   CakeParallel / this = {ours / mean:5.2f}")
PY

echo "== 1000 x 'true' with 2 at a time, without and with a machine-wide pool of 2 slots (goal: under 0.2 ms a leg) =="
pool="bench-$$"
hyperfine --warmup 1 --runs 5 --export-json "$out/slots.json" \
  -n "run slots only" "$bench 2 1000 true" \
  -n "run + shared slots" "CAKEPARALLEL_SHARED_SLOTS=$pool:2 $bench 2 1000 true" >/dev/null
rm -rf "/tmp/cakeparallel-slots/$pool"
python3 - "$out/slots.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
without, with_ = r["run slots only"], r["run + shared slots"]
for name, x in (("run slots only", without), ("run + shared slots", with_)):
    print(f"  {name:24} {x['mean']:7.3f} s ± {x['stddev']:.3f}")
print(f"  shared slot per leg: {(with_['mean'] - without['mean']) / 1000 * 1000:+.3f} ms (difference of means / 1000 legs; within the noise of the spawns)")
PY
echo "  $($bench shared-slot 100000) (the slot path alone, without spawns)"

echo "== one leg writing 200 MB of output (peak memory of the runner) =="
gen="yes 'a line of output from a chatty build step, about eighty bytes long....' | head -c 200000000"
rss() { /usr/bin/time -f "%M" "$@" 2>&1 >/dev/null | tail -1; }
p=$(rss parallel -j1 "$gen; : {}" ::: 1)
x=$(rss sh -c "echo 1 | xargs -P1 -I{} sh -c \"$gen\"")
c=$(rss $bench 1 1 sh -c "$gen")
printf '  %-24s %7s KB\n' "xargs -P1" "$x" "GNU parallel -j1" "$p" "CakeParallel -j1" "$c"
python3 -c "print(f'  CakeParallel / GNU parallel peak RSS = {$c/$p:.2f}')"
echo "== a service writing 500 MB in 100-byte lines; target: at most 1.5x the same writer into cat > /dev/null =="
line=$(printf 'x%.0s' $(seq 99))
chatty="yes $line | head -c 500000000"
hyperfine --runs 3 --export-json "$out/chatty.json" -n "writer | cat > /dev/null" "sh -c '$chatty | cat > /dev/null'" >/dev/null
service=$(for run in 1 2 3; do $bench service sh -c "$chatty"; done | python3 -c "import sys; v=[float(l) for l in sys.stdin]; print(sum(v)/len(v))")
python3 - "$out/chatty.json" "$service" <<'PY'
import json, sys
cat = json.load(open(sys.argv[1]))["results"][0]["mean"]
ours = float(sys.argv[2])
print(f"  {'writer | cat > /dev/null':28} {cat:7.2f} s")
print(f"  {'writer as a service':28} {ours:7.2f} s   service / cat = {ours / cat:5.2f}  (log capped at 100 MB)")
PY
echo "== matrix expansion (GitHub Actions rules, stable ids); target: 10,000 legs well under a second =="
echo "  $($bench expand 10000)"
echo "== scheduling by history: a skewed matrix's makespan, and shard balance (about 30 s) =="
$bench schedule
rm -rf "$out"
if command -v dockerd >/dev/null && [ "$(id -u)" = 0 ]; then
  ./docker-pool.sh
fi
