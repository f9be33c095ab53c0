#!/usr/bin/env bash
# Bootstraps this repository's own Cake build (build/build.cake), which dogfoods the Cake.Parallel addin:
# restores the Cake tool, packs the addin and the engine from this checkout into a local folder feed, then runs
# the script, which loads the addin from that feed. Arguments go to Cake, e.g. ./build.sh --target=Demo
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

feed="$PWD/artifacts/feed"
dotnet tool restore
rm -rf "$feed"
# Cake keeps installed addins by version; drop them so the script always loads what was just packed.
rm -rf build/tools/Addins/Cake.Parallel.* build/tools/Addins/CakeParallel.Core.*
for project in src/CakeParallel.Core src/Cake.Parallel; do
  dotnet pack "$project" --configuration Release --output "$feed" -nologo
done

exec dotnet cake build/build.cake --nuget_source="$feed;https://api.nuget.org/v3/index.json" "$@"
