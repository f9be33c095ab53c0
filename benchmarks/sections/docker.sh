# Docker: a matrix of `RUN sleep S` builds without cache on the local daemon, N at a time, by GNU parallel running
# `docker build` and by CakeParallel's docker matrix; all timed as whole processes (start-up included, paid once),
# interleaved on the same daemon. Goal: CakeParallel's makespan within 3 % of parallel's building the same images.
# Like with like: CakeParallel's images carry two labels (cakeparallel.leg and the inputs hash, which the up-to-date
# check needs), and on the classic builder a label costs a step: a container created, committed and removed.
# CakeParallel puts all of a leg's labels into one LABEL step; so parallel builds the same images the same way (the
# Dockerfile with that LABEL line appended), and what the labels cost is shown apart, from parallel building the
# plain Dockerfile, as is the docker client's start (`docker version`, which asks the daemon too; both pay it once
# a leg) and each driver's own start (`dotnet` running the bench with no work; `parallel` running nothing).
# Each timed build command starts from the same daemon: the images it built (untagged; none was dangling before the
# section) are removed after it, outside the timing. Left to pile up, they slowed later builds and widened the spread.
if ! docker version >/dev/null 2>&1; then
  header "Docker"
  echo "  skipped: no docker daemon answers here"
  return 0
fi

count=8 seconds=3 jobs=2 runs=5
[ "$quick" = 1 ] && count=4 seconds=1 runs=1
host=${DOCKER_HOST:-unix:///var/run/docker.sock}

header "Docker makespan: $count builds of 'RUN sleep $seconds' (no cache), $jobs at a time ($runs runs each, interleaved)"
hyperfine --runs 10 --export-json "$out/docker-version.json" -n "docker version" "docker version" >/dev/null
client=$(python3 -c "import json; print(f\"{json.load(open('$out/docker-version.json'))['results'][0]['mean'] * 1000:.0f}\")")
hyperfine --runs 5 --export-json "$out/starts.json" -n dotnet "$bench expand 1" -n parallel "parallel true ::: 1" >/dev/null
starts=$(python3 -c "import json; r=json.load(open('$out/starts.json'))['results']; print(f\"dotnet {r[0]['mean'] * 1000:.0f} ms, parallel {r[1]['mean'] * 1000:.0f} ms\")")
context="$out/docker-context"
mkdir -p "$context"
printf 'FROM local/busybox:1\nARG n\nRUN sleep %s && echo $n > /n\n' "$seconds" > "$context/Dockerfile"
# The same labels as CakeParallel's legs get, of the same lengths (a 12-digit leg id, a sha256 inputs hash).
{ cat "$context/Dockerfile"; printf 'LABEL "cakeparallel.leg"="%s" "cakeparallel.inputs-hash"="sha256:%s"\n' "$(printf '%012d' 0)" "$(printf '%064d' 0)"; } > "$out/Dockerfile.labelled"
docker images -q --no-trunc --filter dangling=true | sort > "$out/dangling-before"
remove_built() {
  docker images -q --no-trunc --filter dangling=true | sort | comm -13 "$out/dangling-before" - | xargs -r docker rmi -f > /dev/null
}
gp="" gl="" cp="" glc="" cpc=""
for run in $(seq "$runs"); do
  timed t sh -c "seq $count | parallel -j$jobs docker build -q --no-cache --build-arg n=parallel-$run-{} '$context' > /dev/null" || return 1
  gp="$gp $t"
  remove_built
  timed t sh -c "seq $count | parallel -j$jobs docker build -q --no-cache --build-arg n=labelled-$run-{} --file '$out/Dockerfile.labelled' '$context' > /dev/null" || return 1
  gl="$gl $t" glc="$glc $t_cpu"
  remove_built
  timed t $bench docker-pool "$count" "$seconds" "$jobs" "$host" || return 1
  cp="$cp $t" cpc="$cpc $t_cpu"
  remove_built
  echo "  run $run: CakeParallel's own report: $(head -1 "$out/timed.out")"
  echo "    $(tail -n +2 "$out/timed.out")"
done
ideal=$(python3 -c "import math; print(math.ceil($count / $jobs) * $seconds)")
printf '  %-48s %s s\n' "parallel -j$jobs docker build, the same images" "$(stats "$gl")" "CakeParallel docker matrix, whole process" "$(stats "$cp")" \
  "parallel -j$jobs docker build, no labels" "$(stats "$gp")"
printf '  %-48s %s ms a leg\n' "docker client start (docker version)" "$client"
printf '  %-48s %s\n' "driver start (no work)" "$starts"
# CPU (user + system) of the whole process tree, docker clients included. On 2 cores the builds' own steps (a
# container created, committed, removed) wait for what the driver uses; most of CakeParallel's is the .NET JIT
# compiling again the methods a run makes hot (tiered compilation), which a long build hides.
printf '  %-48s CakeParallel %s s, parallel %s s\n' "CPU a run (user + system, mean)" "$(mean "$cpc")" "$(mean "$glc")"
ratio=$(python3 -c "print(f'{$(mean "$cp") / $(mean "$gl"):.3f}')")
plain=$(python3 -c "print(f'{$(mean "$cp") / $(mean "$gp"):.3f}')")
labels=$(python3 -c "print(f'{($(mean "$gl") - $(mean "$gp")) * $jobs / $count * 1000:.0f}')")
printf '  CakeParallel / parallel, same images = %s (goal: at most 1.03, %s); / parallel, no labels = %s\n' "$ratio" "$(verdict "$ratio" 1.03)" "$plain"
printf '  the one LABEL step costs about %s ms a leg; the sleeps alone take %s s\n' "$labels" "$ideal"
table_row "Docker makespan: $count × RUN sleep $seconds, -j$jobs (whole processes)" "$(mean "$cp") s" "parallel docker build, same images $(mean "$gl") s, no labels $(mean "$gp") s ($plain); docker client start $client ms a leg" "$ratio ($(verdict "$ratio" 1.03))" "≤ 1.03 × parallel, same images"

if [ "$quick" = 0 ] && command -v dockerd >/dev/null && [ "$(id -u)" = 0 ]; then
  header "Docker matrix over one engine vs a pool of two"
  ./docker-pool.sh
fi
