#!/usr/bin/env bash
# The registry TU of N migrations compiled against two versions of strata's headers, alternating
# (old, new, old, new, ...): wall time and peak memory of each, and the ratio of the medians.
# Usage: benchmarks/compile_time/compare.sh OLD_GIT_REF [N] [RUNS] [COMPILER]   (default 3000 3 g++)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
old_ref="${1:?usage: compare.sh OLD_GIT_REF [N] [RUNS] [COMPILER]}"
n="${2:-3000}" runs="${3:-3}" cxx="${4:-g++}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/old"
git -C "$root" archive "$old_ref" include | tar -x -C "$work/old"
python3 "$here/generate.py" "$n" registry "$work/registry.cpp"
measure() {  # include-dir -> "seconds kilobytes"
  /usr/bin/time -o "$work/time" -f "%e %M" "$cxx" -std=c++20 -O0 -I"$1" -c "$work/registry.cpp" -o "$work/out.o" \
    >/dev/null 2>"$work/err" || { echo "compile failed with $1:" >&2; head -5 "$work/err" >&2; exit 1; }
  tail -1 "$work/time"
}
old_s=() new_s=() old_kb=0 new_kb=0
for ((i = 0; i < runs; i++)); do
  read -r s kb <<<"$(measure "$work/old/include")"; old_s+=("$s"); old_kb=$((kb > old_kb ? kb : old_kb))
  read -r s kb <<<"$(measure "$root/include")"; new_s+=("$s"); new_kb=$((kb > new_kb ? kb : new_kb))
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
om="$(median "${old_s[@]}")" nm="$(median "${new_s[@]}")"
echo "$cxx, N = $n, $runs alternating runs: old ($old_ref) ${old_s[*]} s, peak $((old_kb / 1024)) MB; new ${new_s[*]} s, peak $((new_kb / 1024)) MB"
printf 'median old %s s, new %s s, ratio new/old %.3f\n' "$om" "$nm" "$(echo "$nm / $om" | bc -l)"
