#!/usr/bin/env bash
# Scaling benchmark: every reader and rule must do work (and take memory) in
# proportion to its input. For each shape of input that once made some code
# quadratic (many tests, many failures, many started tests, many binaries,
# packages, keys, waivers, duplicates), write it with N and 4N entries, judge both
# with the release binary and print seconds and peak RSS. Linear work grows about
# 4x from the first column to the second; quadratic work grows 16x.
# Usage: scripts/scaling.sh [N]   (default 20000; needs python3 and GNU time)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-20000}"
cargo build --release --quiet
bin="$PWD/target/release/truegreen"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for size in "$n" "$((4 * n))"; do
  mkdir -p "$work/$size"
  python3 scripts/scaling_inputs.py "$size" "$work/$size"
done
measure() { # measure DIR FILE -> "seconds RSS-MB exit"
  local status=0
  ( cd "$1" && /usr/bin/time -f "%e %M" -o "$work/time" timeout 600 "$bin" check --color never "$2" > /dev/null ) || status=$?
  read -r seconds kb < <(tail -n 1 "$work/time") || true
  echo "${seconds:-?} $(( ${kb:-0} / 1024 )) $status"
}
printf '| input | N=%s: s, MB, exit | N=%s: s, MB, exit | time ratio |\n|---|---|---|---|\n' "$n" "$((4 * n))"
for file in $(ls "$work/$n"); do
  read -r s1 m1 e1 <<< "$(measure "$work/$n" "$file")"
  read -r s2 m2 e2 <<< "$(measure "$work/$((4 * n))" "$file")"
  ratio=$(awk -v a="$s1" -v b="$s2" 'BEGIN { if (a >= 0.02) printf "%.1f", b / a; else print "-" }')
  printf '| %s | %s, %s, %s | %s, %s, %s | %s |\n' "$file" "$s1" "$m1" "$e1" "$s2" "$m2" "$e2" "$ratio"
done
