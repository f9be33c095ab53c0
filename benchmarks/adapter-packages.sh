# The Cake addin and the MSBuild tasks as a user gets them: CakeParallel.Core, Cake.Parallel and CakeParallel.MSBuild
# packed from this tree with a version of their own, in a configuration of their own (optimized like Release), so the
# Release build $bench runs from stays as it is. Sourced by the sections that run the alias or the task (dispatch,
# memory); they share one packing a run, in $out/feed.
#   adapter_packages    packs, unless this run already has; sets $feed (a folder to use as a NuGet source) and
#                       $version (the packages' version)
#   msbuild_project DIR NAME LEGS
#                       writes DIR/NAME.csproj, a project that uses CakeParallel.MSBuild $version from $feed (the
#                       repository's Directory.Build files shut out) with LEGS items `Leg` of `true`, and the targets
#                       read from stdin; restores it into DIR/packages (run it with NUGET_PACKAGES=DIR/packages)
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

msbuild_project() {
  local dir=$1 name=$2 legs=$3 file i
  mkdir -p "$dir"
  for file in Directory.Build.props Directory.Build.targets Directory.Packages.props; do echo "<Project />" > "$dir/$file"; done
  printf '<?xml version="1.0" encoding="utf-8"?>\n<configuration><packageSources><clear /><add key="bench" value="%s" /></packageSources></configuration>\n' "$feed" > "$dir/nuget.config"
  {
    echo '<Project Sdk="Microsoft.NET.Sdk">'
    echo '  <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>'
    echo "  <ItemGroup><PackageReference Include=\"CakeParallel.MSBuild\" Version=\"$version\" PrivateAssets=\"all\" /></ItemGroup>"
    echo '  <ItemGroup>'
    for i in $(seq "$legs"); do echo "    <Leg Include=\"leg-$i\" Executable=\"true\" />"; done
    echo '  </ItemGroup>'
    cat
    echo '</Project>'
  } > "$dir/$name.csproj"
  NUGET_PACKAGES="$dir/packages" dotnet restore "$dir/$name.csproj" -nologo -v q >/dev/null
}
