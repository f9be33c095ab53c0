#!/usr/bin/env bash
# Bootstraps this repository's own Cake build (build/build.cake), which dogfoods the Cake.Parallel addin:
# restores the Cake tool, packs the addin and the engine from this checkout into a local folder feed, then runs
# the script, which loads the addin from that feed. Arguments go to Cake, e.g. ./build.sh --target=Demo
#
# For the Demo it first makes Docker usable on a Debian/Ubuntu machine (build/docker-engine.sh): installs docker.io
# and busybox-static when missing, starts a dockerd of its own when none answers (and stops it when the run ends).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

if [ "$(uname -s)" != Linux ]; then
  echo "CakeParallel runs on Linux only (it supervises legs with posix_spawn, pidfds and /proc); this is $(uname -s)." >&2
  exit 1
fi

# Cake colours every log line whenever TERM names a terminal, also when the output goes to a file or a pipe; it
# honours NO_COLOR. Colour stays on for a terminal, when FORCE_COLOR asks for it, and on CI systems that render it.
if [ ! -t 1 ] && [ -z "${FORCE_COLOR:-}" ] && [ -z "${GITHUB_ACTIONS:-}" ] && [ -z "${TF_BUILD:-}" ] && [ -z "${TEAMCITY_VERSION:-}" ]; then
  export NO_COLOR=1
fi

target=""
previous=""
for argument in "$@"; do
  case "$argument" in
    --target=*|-t=*) target="${argument#*=}" ;;
    *) if [ "$previous" = --target ] || [ "$previous" = -t ]; then target="$argument"; fi ;;
  esac
  previous="$argument"
done

engine_state="$PWD/artifacts/docker-engine"
if [ "${target,,}" = demo ]; then
  need=()
  if ! command -v docker >/dev/null 2>&1 || { ! docker info >/dev/null 2>&1 && ! command -v dockerd >/dev/null 2>&1; }; then
    need+=(docker.io)
  fi
  [ ${#need[@]} -eq 0 ] || build/docker-engine.sh install "${need[@]}"
  trap 'build/docker-engine.sh stop "$engine_state"' EXIT
  build/docker-engine.sh start "$engine_state"
  # The example's base image is made from a static busybox (examples/docker-matrix/prepare-base-image.sh).
  if ! docker image inspect local/busybox:1 >/dev/null 2>&1 && [ ! -x /bin/busybox ]; then
    build/docker-engine.sh install busybox-static
  fi
fi

feed="$PWD/artifacts/feed"
dotnet tool restore
rm -rf "$feed"
# Cake keeps installed addins by version; drop them so the script always loads what was just packed.
rm -rf build/tools/Addins/Cake.Parallel.* build/tools/Addins/CakeParallel.Core.*
for project in src/CakeParallel.Core src/Cake.Parallel; do
  dotnet pack "$project" --configuration Release --output "$feed" -nologo -v quiet
done

# Cake searches --nuget_source first, then the sources of the machine's NuGet configuration (for Polly.Core).
dotnet cake build/build.cake --nuget_source="$feed" "$@"
