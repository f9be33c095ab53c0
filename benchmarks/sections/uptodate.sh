#!/usr/bin/env bash
# Up-to-date docker legs: the Demo matrix (examples/docker-matrix/matrix.json, under tags of its own) built from
# scratch, then again unchanged. The unchanged run's makespan (the engine's own, from start to the last result)
# as a fraction of the first run's (goal: under 10 %), and of the same legs' `docker build` with a warm layer cache
# run one after the other (what a build without up-to-date checks costs at best).
# Sourced by benchmarks/run.sh; runs on its own too: bash benchmarks/sections/uptodate.sh
if [ -z "${here:-}" ]; then
  # Standalone: the few helpers of run.sh this section uses.
  set -euo pipefail
  here=$(cd "$(dirname "$0")/.." && pwd)
  repo=$(cd "$here/.." && pwd)
  out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
  header() { printf '\n== %s ==\n' "$1"; }
  verdict() { python3 -c "import sys; print('meets' if float(sys.argv[1]) <= float(sys.argv[2]) else 'misses')" "$1" "$2"; }
  table_row() { printf '  -> %s: CakeParallel %s; %s; ratio %s; goal %s\n' "$1" "$2" "$3" "${4:--}" "${5:--}"; }
fi

header "Up-to-date legs: the Demo matrix from scratch, then unchanged"
if ! docker version >/dev/null 2>&1; then
  echo "  skipped: no docker daemon answers here"
  return 0 2>/dev/null || exit 0
fi

sh "$repo/examples/docker-matrix/prepare-base-image.sh" >/dev/null
work="$out/uptodate"  # the build context: the logs go beside it, not into it
mkdir -p "$work"
cp -r "$repo/examples/docker-matrix/." "$work/"
repository="cpar-bench-uptodate-$$"
# Own tags; a build channel of its own makes the RUN layers new, so the first run really builds.
python3 - "$work/matrix.json" "$repository" <<'PY'
import json, sys, uuid
path, repository = sys.argv[1], sys.argv[2]
matrix = json.load(open(path))
matrix["build"]["tags"] = [repository + "/app:node{node}-{os}"]
matrix["build"]["buildArgs"]["BUILD_CHANNEL"] = "bench-" + uuid.uuid4().hex[:8]
json.dump(matrix, open(path, "w"), indent=2)
PY
driver="$here/sections/uptodate-matrix.cs"
dotnet build -c Release -v q -nologo "$driver" >/dev/null
drive() { dotnet run -c Release --no-build --file "$driver" -- "$@"; }

cleanup_uptodate() {
  docker image ls --format '{{.Repository}}:{{.Tag}}' "$repository/app" | xargs -r docker image rm >/dev/null 2>&1 || true
}

first=$(drive run "$work/matrix.json" "$out/uptodate-logs-1") || { cleanup_uptodate; return 1 2>/dev/null || exit 1; }
second=$(drive run "$work/matrix.json" "$out/uptodate-logs-2") || { cleanup_uptodate; return 1 2>/dev/null || exit 1; }
plain=$(drive builds "$work/matrix.json") || { cleanup_uptodate; return 1 2>/dev/null || exit 1; }
cleanup_uptodate

first_s=${first%% *} second_s=${second%% *}
printf '  %-44s %8s s  (%s)\n' "from scratch" "$first_s" "${first#* }" \
  "unchanged" "$second_s" "${second#* }" \
  "docker build, warm cache, leg by leg" "$plain" "6 legs"
fraction=$(python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.3f}')" "$second_s" "$first_s")
versus_plain=$(python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.3f}')" "$second_s" "$plain")
table_row "Demo matrix unchanged vs from scratch (makespan)" "${second_s} s" "first run ${first_s} s" "$fraction ($(verdict "$fraction" 0.10))" "< 0.10"
table_row "Demo matrix unchanged vs docker build, warm cache, leg by leg" "${second_s} s" "docker build ${plain} s" "$versus_plain" ""
