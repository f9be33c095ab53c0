# Docker: a matrix of `RUN sleep S` builds without cache on the local daemon, N at a time, by GNU parallel running
# `docker build` and by CakeParallel's docker matrix; both timed as whole processes, one after the other on the
# same daemon. Goal: CakeParallel's makespan within 3 % of parallel's. The docker client's own start cost
# (`docker version`, which asks the daemon too) is shown apart: both pay it once a leg.
if ! docker version >/dev/null 2>&1; then
  header "Docker"
  echo "  skipped: no docker daemon answers here"
  return 0
fi

count=8 seconds=3 jobs=2 runs=2
[ "$quick" = 1 ] && count=4 seconds=1 runs=1
host=${DOCKER_HOST:-unix:///var/run/docker.sock}

header "Docker makespan: $count builds of 'RUN sleep $seconds' (no cache), $jobs at a time ($runs runs each, interleaved)"
hyperfine --runs 10 --export-json "$out/docker-version.json" -n "docker version" "docker version" >/dev/null
client=$(python3 -c "import json; print(f\"{json.load(open('$out/docker-version.json'))['results'][0]['mean'] * 1000:.0f}\")")
context="$out/docker-context"
mkdir -p "$context"
printf 'FROM local/busybox:1\nARG n\nRUN sleep %s && echo $n > /n\n' "$seconds" > "$context/Dockerfile"
gp="" cp=""
for run in $(seq "$runs"); do
  timed t sh -c "seq $count | parallel -j$jobs docker build -q --no-cache --build-arg n=parallel-$run-{} '$context' > /dev/null" || return 1
  gp="$gp $t"
  timed t $bench docker-pool "$count" "$seconds" "$jobs" "$host" || return 1
  cp="$cp $t"
  echo "  run $run: CakeParallel's own report: $(cat "$out/timed.out")"
done
ideal=$(python3 -c "import math; print(math.ceil($count / $jobs) * $seconds)")
printf '  %-40s %s s\n' "parallel -j$jobs docker build" "$(stats "$gp")" "CakeParallel docker matrix, whole process" "$(stats "$cp")"
printf '  %-40s %s ms a leg\n' "docker client start (docker version)" "$client"
ratio=$(python3 -c "print(f'{$(mean "$cp") / $(mean "$gp"):.3f}')")
printf '  CakeParallel / parallel = %s (goal: at most 1.03, %s); the sleeps alone take %s s\n' "$ratio" "$(verdict "$ratio" 1.03)" "$ideal"
table_row "Docker makespan: $count × RUN sleep $seconds, -j$jobs (whole processes)" "$(mean "$cp") s" "parallel docker build $(mean "$gp") s; docker client start $client ms a leg" "$ratio ($(verdict "$ratio" 1.03))" "≤ 1.03 × parallel"

if [ "$quick" = 0 ] && command -v dockerd >/dev/null && [ "$(id -u)" = 0 ]; then
  header "Docker matrix over one engine vs a pool of two"
  ./docker-pool.sh
fi
