#!/usr/bin/env bash
# What including a header costs a translation unit that declares nothing: `-fsyntax-only` on a file
# holding only `#include <HEADER>`, against two versions of strata's headers, alternating; the
# least user time of each (the floor is the header's cost; the rest is the machine's noise).
# Usage: benchmarks/compile_time/headers.sh OLD_GIT_REF [HEADER] [RUNS] [COMPILER]
#        (default strata/strata.hpp 6 g++); EXTRA_FLAGS adds flags (-I/usr/include/postgresql for cli.hpp)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
old_ref="${1:?usage: headers.sh OLD_GIT_REF [HEADER] [RUNS] [COMPILER]}"
header="${2:-strata/strata.hpp}" runs="${3:-6}" cxx="${4:-g++}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/old"
git -C "$root" archive "$old_ref" include | tar -x -C "$work/old"
echo "#include <$header>" >"$work/tu.cpp"
measure() {  # include-dir -> user seconds
  # shellcheck disable=SC2086
  /usr/bin/time -o "$work/time" -f "%U" "$cxx" -std=c++20 -fsyntax-only -I"$1" ${EXTRA_FLAGS:-} "$work/tu.cpp" \
    2>"$work/err" || { echo "compile failed with $1:" >&2; head -5 "$work/err" >&2; exit 1; }
  tail -1 "$work/time"
}
old_s=() new_s=()
for ((i = 0; i < runs; i++)); do
  old_s+=("$(measure "$work/old/include")")
  new_s+=("$(measure "$root/include")")
done
least() { printf '%s\n' "$@" | sort -n | head -1; }
echo "$cxx, #include <$header>, $runs alternating runs: old ($old_ref) ${old_s[*]} s; new ${new_s[*]} s"
echo "least old $(least "${old_s[@]}") s, new $(least "${new_s[@]}") s"
