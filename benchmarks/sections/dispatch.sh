# Dispatch: N x `true`, 2 at a time, through xargs, xargs + setsid (the fair peer: every leg leads a session of its
# own), GNU parallel, the engine, the Cake alias and the MSBuild task. The engine, the alias and the task are timed
# from their entry to their return (the bench prints it; the Cake script and the MSBuild target take a timestamp
# around the call), since `dotnet` start-up is not ours; the engine's whole process is shown beside it.
# Goals: engine at most 1.1 x xargs -P2 + setsid; the alias and the task (with their logging, at their default
# verbosity) at most 1.25 x. The alias's and the task's ratios are to xargs + setsid runs interleaved with theirs.
legs=1000
jobs=2
runs=5
[ "$quick" = 1 ] && legs=300 runs=2

header "Dispatch: $legs x 'true', $jobs at a time ($runs runs each, interleaved; wall s, and CPU s of the whole process tree)"
xa="" xs="" gp="" en="" en_in="" xa_c="" xs_c="" gp_c="" en_c=""
engine_logs="$out/engine-logs"
mkdir -p "$engine_logs"
# GNU parallel creates and deletes temporary files for each job: on a tmpfs, where freed inodes cost the next runs'
# file creations nothing (see settle_files).
parallel_tmp=$([ -d /dev/shm ] && [ -w /dev/shm ] && echo /dev/shm || echo "${TMPDIR:-/tmp}")
settle_files
for run in $(seq "$runs"); do
  timed t sh -c "seq $legs | xargs -P$jobs -I{} true" || return 1
  xa="$xa $t" xa_c="$xa_c $t_cpu"
  timed t sh -c "seq $legs | xargs -P$jobs -I{} setsid true" || return 1
  xs="$xs $t" xs_c="$xs_c $t_cpu"
  if [ "$run" -le 2 ]; then
    timed t env TMPDIR="$parallel_tmp" sh -c "seq $legs | parallel -j$jobs true" || return 1
    gp="$gp $t" gp_c="$gp_c $t_cpu"
  fi
  # Each run's logs stay until the section ends (see CAKEPARALLEL_BENCH_KEEP_LOGS in the driver), in a folder of its own.
  timed t env TMPDIR="$engine_logs" CAKEPARALLEL_BENCH_KEEP_LOGS=1 $bench dispatch "$jobs" "$legs" true || return 1
  en="$en $t" en_c="$en_c $t_cpu" en_in="$en_in $(cat "$out/timed.out")"
done
printf '  %-34s %s s   CPU %s s\n' "xargs -P$jobs" "$(stats "$xa")" "$(mean "$xa_c")" \
  "xargs -P$jobs + setsid" "$(stats "$xs")" "$(mean "$xs_c")" \
  "GNU parallel -j$jobs" "$(stats "$gp")" "$(mean "$gp_c")" \
  "CakeParallel engine, whole process" "$(stats "$en")" "$(mean "$en_c")"
printf '  %-34s %s s (runs:%s; xargs + setsid:%s)\n' "CakeParallel engine, RunAsync" "$(stats "$en_in")" "$en_in" "$xs"
peer=$(mean "$xs")
ratio=$(python3 -c "print(f'{$(mean "$en_in") / $peer:.2f}')")
cpu_ratio=$(python3 -c "print(f'{$(mean "$en_c") / $(mean "$xs_c"):.2f}')")
printf '  engine (RunAsync) / xargs + setsid = %s (goal: at most 1.10, %s); CPU, whole process / xargs + setsid = %s\n' "$ratio" "$(verdict "$ratio" 1.10)" "$cpu_ratio"
table_row "Dispatch, engine: $legs x true, -j$jobs (entry to return; whole process)" "$(mean "$en_in") s; $(mean "$en") s" \
  "xargs+setsid $peer s; xargs $(mean "$xa") s; GNU parallel $(mean "$gp") s" "$ratio ($(verdict "$ratio" 1.10))" "≤ 1.10 × xargs+setsid"

if [ "$quick" = 1 ]; then
  echo "  (Cake alias and MSBuild task: skipped in --quick, packing and their start-up take minutes)"
  rm -rf "$engine_logs"
  return 0
fi

# The alias and the task come from packages packed from this tree (see adapter-packages.sh).
source "$here/adapter-packages.sh"
adapter_packages || return 1
settle_files

# An adapter's dispatch time, $runs runs, each beside a run of the peer (so a machine whose load changed since the
# engine's runs does not skew the ratio): the command writes "dispatch-seconds S" into its log, timed inside it.
#   adapter_dispatch CASE LABEL WHAT LOG COMMAND...
adapter_dispatch() {
  local case=$1 label=$2 what=$3 log=$4; shift 4
  local own="" peer="" t seconds ratio
  for run in $(seq "$runs"); do
    timed t sh -c "seq $legs | xargs -P$jobs -I{} setsid true" || return 1
    peer="$peer $t"
    "$@" > "$log" 2>&1 || { echo "  $what failed:"; tail -20 "$log"; return 1; }
    seconds=$(grep -o 'dispatch-seconds [0-9.]*' "$log" | cut -d' ' -f2)
    [ -n "$seconds" ] || { echo "  $what printed no time:"; tail -20 "$log"; return 1; }
    own="$own $seconds"
  done
  printf '  %-34s %s s (runs:%s; log lines of the last run: %s)\n' "$label, entry to return" "$(stats "$own")" "$own" "$(wc -l < "$log")"
  printf '  %-34s %s s\n' "xargs -P$jobs + setsid, beside it" "$(stats "$peer")"
  ratio=$(python3 -c "print(f'{$(mean "$own") / $(mean "$peer"):.2f}')")
  printf '  %s / xargs + setsid = %s (goal: at most 1.25, %s)\n' "$case" "$ratio" "$(verdict "$ratio" 1.25)"
  table_row "Dispatch, $case: $legs x true, -j$jobs (entry to return, default verbosity)" "$(mean "$own") s" "xargs+setsid $(mean "$peer") s" "$ratio ($(verdict "$ratio" 1.25))" "≤ 1.25 × xargs+setsid"
}

# Each run of the alias and the task writes its logs into a new folder, as the engine's runs above do (and as a run
# that names no folder does): rewriting the last run's thousand logs costs the file system more than creating them.
header "Dispatch through the Cake alias RunParallel: $legs x 'true', -j$jobs (timed inside the script around the call)"
mkdir -p "$out/cake"
cat > "$out/cake/build.cake" <<CAKE
#addin nuget:?package=Cake.Parallel&version=$version&loaddependencies=true
Task("Default").Does(() =>
{
    var legs = Enumerable.Range(1, $legs).Select(i => new ParallelLeg("leg-" + i, "true")).ToArray();
    var settings = new ParallelSettings { MaxParallel = $jobs, LogDirectory = "$out/cake/logs/" + Guid.NewGuid().ToString("N") };
    var clock = System.Diagnostics.Stopwatch.StartNew();
    RunParallel(legs, settings);
    Information("dispatch-seconds {0:0.000}", clock.Elapsed.TotalSeconds);
});
RunTarget("Default");
CAKE
(cd "$repo" && dotnet tool restore >/dev/null) || return 1
# From the repository root, whose tool manifest pins cake.tool; default verbosity, output to a file.
run_cake() { (cd "$repo" && NO_COLOR=1 dotnet cake "$out/cake/build.cake" --nuget_source="$feed"); }
adapter_dispatch "Cake alias" "RunParallel" "dotnet cake" "$out/cake/run.log" run_cake || return 1

header "Dispatch through the MSBuild task ParallelExec: $legs x 'true', -j$jobs (timed by the target around the task)"
msbuild_project "$out/msbuild" Dispatch "$legs" <<XML || return 1
  <Target Name="Dispatch">
    <PropertyGroup><DispatchStart>\$([System.DateTime]::UtcNow.Ticks)</DispatchStart></PropertyGroup>
    <ParallelExec Commands="@(Leg)" MaxParallel="$jobs" LogDirectory="$out/msbuild/logs/\$([System.Guid]::NewGuid())" />
    <PropertyGroup><DispatchEnd>\$([System.DateTime]::UtcNow.Ticks)</DispatchEnd></PropertyGroup>
    <Message Importance="high" Text="dispatch-seconds \$([MSBuild]::Divide(\$([MSBuild]::Subtract(\$(DispatchEnd), \$(DispatchStart))), 10000000.0))" />
  </Target>
XML
adapter_dispatch "MSBuild task" "ParallelExec" "dotnet msbuild" "$out/msbuild/run.log" \
  env NUGET_PACKAGES="$out/msbuild/packages" dotnet msbuild "$out/msbuild/Dispatch.csproj" -t:Dispatch -nodeReuse:false -nologo || return 1
# The engine's logs go last: on ext4 without a journal, deleting thousands of files slows the file creations of the
# next minutes (each new inode steps over the recently freed ones), which would land on the adapters' runs above.
rm -rf "$engine_logs"
