# The Cake addin and the MSBuild tasks as a user gets them: CakeParallel.Core, Cake.Parallel and CakeParallel.MSBuild
# packed from this tree with a version of their own, in a configuration of their own (optimized like Release), so the
# Release build $bench runs from stays as it is. Sourced by the sections that run the alias or the task (dispatch,
# memory); they share one packing a run, in $out/feed.
#   adapter_packages    packs, unless this run already has; sets $feed (a folder to use as a NuGet source) and
#                       $version (the packages' version)
adapter_packages() {
  feed="$out/feed"
  if [ ! -f "$feed/version" ]; then
    local packing="0.0.0-bench.$(date +%s)" project
    mkdir -p "$feed"
    for project in src/CakeParallel.Core src/Cake.Parallel src/Msbuild.Tasks; do
      dotnet pack "$repo/$project" -c Bench -p:Optimize=true -o "$feed" -p:Version="$packing" -nologo -nodeReuse:false -v q >/dev/null || return 1
    done
    echo "$packing" > "$feed/version"
  fi
  version=$(cat "$feed/version")
}
