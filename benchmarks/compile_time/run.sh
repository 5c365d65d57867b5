#!/usr/bin/env bash
# Compile-time cost of a registry: for N migrations, compiles
#   (a) the registry TU, (b) the same types listed in a plain constexpr array of ids,
#   (c) the same source over a strata-free stand-in header,
# with g++ and clang++ (-O0, -fsyntax-only is not used: a real object file is produced),
# and prints wall time, peak memory and the ratios (a)/(b) and (a)/(c).
# Usage: benchmarks/compile_time/run.sh [N...]   (default: 500 1000 3000)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
include="$here/../../include"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(500 1000 3000)

measure() {  # compiler file -> "seconds kilobytes", or "DNF" when it does not compile
  if /usr/bin/time -o "$work/time" -f "%e %M" "$1" -std=c++20 -O0 -I"$include" -c "$2" -o "$work/out.o" \
      >/dev/null 2>"$work/err"; then
    tail -1 "$work/time"
  else
    echo "DNF"
  fi
}

printf '| compiler | N | (a) registry s | (a) MB | (b) array s | (c) stand-in s | (a)/(b) | (a)/(c) |\n'
printf '|---|---|---|---|---|---|---|---|\n'
for n in "${sizes[@]}"; do
  for v in registry array standin; do
    python3 "$here/generate.py" "$n" "$v" "$work/$v.cpp"
  done
  for cxx in g++ clang++; do
    read -r a_s a_kb <<<"$(measure "$cxx" "$work/registry.cpp")" || true
    read -r b_s _ <<<"$(measure "$cxx" "$work/array.cpp")" || true
    read -r c_s _ <<<"$(measure "$cxx" "$work/standin.cpp")" || true
    if [ "$a_s" = "DNF" ]; then
      printf '| %s | %s | DNF | - | %s | %s | - | - |\n' "$cxx" "$n" "$b_s" "$c_s"
    else
      printf '| %s | %s | %s | %d | %s | %s | %.2f | %.2f |\n' "$cxx" "$n" "$a_s" $((a_kb / 1024)) "$b_s" "$c_s" \
        "$(echo "$a_s / $b_s" | bc -l)" "$(echo "$a_s / $c_s" | bc -l)"
    fi
  done
done
