# What a section file needs when it runs on its own rather than sourced by run.sh (which provides $bench, header
# and table_row): the bench driver built, plain printers, and a scratch folder removed on exit.
# Sourced by the sections; sets $here (benchmarks/) and $scratch.
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ -z "${bench:-}" ]; then
  dotnet build -c Release -v q -nologo "$here/CakeParallel.Bench" >/dev/null
  bench="dotnet $here/CakeParallel.Bench/bin/Release/net10.0/CakeParallel.Bench.dll"
fi
declare -F header >/dev/null || header() { printf '\n== %s ==\n' "$*"; }
declare -F table_row >/dev/null || table_row() { printf '  -> %s: CakeParallel %s; %s; ratio %s; goal %s\n' "$1" "$2" "$3" "${4:--}" "${5:--}"; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
