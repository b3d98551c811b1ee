#!/usr/bin/env bash
# Run every fuzz target for RUNS executions each (default 1,000,000), seeded from
# the shared fixtures, the examples and fuzz/seeds. Needs cargo-fuzz and a nightly
# toolchain:
#   cargo install cargo-fuzz --locked && rustup toolchain install nightly
# Usage: scripts/fuzz.sh [RUNS] [TARGET...]
#
# Each target runs with debug assertions (integer overflow panics), a 512 MB RSS
# limit (a larger allocation or resident set is a failure: "bounded memory"), a
# 10 s per-input timeout (a hang is a failure), inputs up to 16 KiB, and the
# extreme numbers and times of fuzz/extremes.dict to splice in. Every
# target runs even when one fails; the script exits 1 if any failed. One table row
# per target (executions, seconds, peak RSS, crashes) is appended to
# fuzz/results.md; crashing inputs are in fuzz/artifacts/TARGET.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-1000000}"
shift || true
shared="../shared/fixtures"
targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
  mapfile -t targets < <(cargo +nightly fuzz list --fuzz-dir fuzz)
fi

seed() { # seed TARGET FILE...
  local dir="fuzz/corpus/$1"; shift
  mkdir -p "$dir"
  local f
  for f in "$@"; do
    # libFuzzer reads the first -max_len bytes of a larger seed.
    if [ -f "$f" ] && [ "$(wc -c < "$f")" -le 1048576 ]; then cp "$f" "$dir/"; fi
  done
}

# Files under DIR... whose name matches any of the -name patterns that follow.
files() { # files DIR... -- PATTERN...
  local dirs=() names=()
  while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do [ -d "$1" ] && dirs+=("$1"); shift; done
  shift || true
  for p in "$@"; do names+=(-o -name "$p"); done
  [ "${#dirs[@]}" -eq 0 ] && return 0
  find "${dirs[@]}" -type f \( -false "${names[@]}" \) -print0 | xargs -0 -r printf '%s\n' | sort
}

seed_target() {
  local target="$1"
  [ -d "fuzz/seeds/$target" ] && seed "$target" fuzz/seeds/"$target"/*
  case "$target" in
    kane) mapfile -t f < <(files "$shared/kane" examples -- '*.ndjson') ;;
    pi) mapfile -t f < <(files "$shared/pi" examples -- '*.json' '*.toml') ;;
    junit) mapfile -t f < <(files "$shared/formats" tests/fixtures/junit -- '*.xml') ;;
    trx) mapfile -t f < <(files "$shared/peer-reports" tests/fixtures/trx -- '*.trx') ;;
    nunit) mapfile -t f < <(files tests/fixtures/nunit -- '*.xml'; files "$shared/peer-reports" -- '*nunit*.xml') ;;
    xunit) mapfile -t f < <(files tests/fixtures/xunit -- '*.xml') ;;
    mocha-json) mapfile -t f < <(files tests/fixtures/mocha-json -- '*.json'; files "$shared/peer-reports" -- 'mocha*.json') ;;
    jest-json) mapfile -t f < <(files tests/fixtures/jest-json tests/fixtures/vitest-json -- '*.json') ;;
    playwright-json) mapfile -t f < <(files tests/fixtures/playwright-json -- '*.json') ;;
    rspec-json) mapfile -t f < <(files tests/fixtures/rspec-json -- '*.json'; files "$shared/peer-reports" -- 'rspec*.json') ;;
    dart-json) mapfile -t f < <(files "$shared/peer-reports" -- 'dart*.json' 'provider-test-results.json') ;;
    ctrf) mapfile -t f < <(files "$shared/formats" -- '*ctrf*.json') ;;
    tap) mapfile -t f < <(files "$shared/formats" -- '*.tap') ;;
    go-test-json) mapfile -t f < <(files "$shared/formats" -- '*.jsonl') ;;
    auto) mapfile -t f < <(files "$shared" examples fuzz/seeds -- '*') ;;
    *) f=() ;;
  esac
  # pi picks its reader from the first byte: seed each file under every selector.
  if [ "$target" = pi ]; then
    local i=0 file
    mkdir -p fuzz/corpus/pi
    for file in "${f[@]}"; do
      { printf "\\x$(printf %02x $((i % 13)))"; cat "$file"; } > "fuzz/corpus/pi/seed-$i"
      i=$((i + 1))
    done
  else
    seed "$target" "${f[@]}"
  fi
}

results="fuzz/results.md"
if [ ! -f "$results" ]; then
  printf '| target | executions | seconds | peak RSS (MB) | crashes |\n|---|---|---|---|---|\n' > "$results"
fi
failed=()
for target in "${targets[@]}"; do
  seed_target "$target"
  echo "== fuzz $target: $runs runs"
  status=0
  mkdir -p "fuzz/artifacts/$target"
  before=$(find "fuzz/artifacts/$target" -type f | wc -l)
  start=$(date +%s)
  cargo +nightly fuzz run --fuzz-dir fuzz -O -a -s none "$target" "fuzz/corpus/$target" -- \
    -runs="$runs" -max_len=16384 -rss_limit_mb=512 -malloc_limit_mb=512 -timeout=10 -print_final_stats=1 \
    -dict=fuzz/extremes.dict \
    > "fuzz/last-$target.log" 2>&1 || status=$?
  seconds=$(( $(date +%s) - start ))
  executed=$(sed -n 's/^stat::number_of_executed_units: *//p' "fuzz/last-$target.log" | tail -1)
  rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "fuzz/last-$target.log" | tail -1)
  crashes=$(( $(find "fuzz/artifacts/$target" -type f | wc -l) - before ))
  printf '| %s | %s | %s | %s | %s |\n' "$target" "${executed:-?}" "$seconds" "${rss:-?}" "$crashes" | tee -a "$results"
  if [ "$status" -ne 0 ]; then
    echo "fuzz $target FAILED (exit $status): see fuzz/last-$target.log and fuzz/artifacts/$target" >&2
    failed+=("$target")
  fi
done
if [ "${#failed[@]}" -gt 0 ]; then
  echo "failed: ${failed[*]}" >&2
  exit 1
fi
