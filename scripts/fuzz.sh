#!/usr/bin/env bash
# Run every fuzz target for RUNS executions each (default 1,000,000), seeded from
# the shared fixtures and the examples. Needs cargo-fuzz and a nightly toolchain:
#   cargo install cargo-fuzz --locked && rustup toolchain install nightly
# Usage: scripts/fuzz.sh [RUNS] [TARGET...]
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
  for f in "$@"; do [ -f "$f" ] && cp "$f" "$dir/" 2>/dev/null || true; done
}

for target in "${targets[@]}"; do
  case "$target" in
    kane) seed kane $(find "$shared/kane" examples -name '*.ndjson') ;;
    pi) seed pi $(find "$shared/pi" -name '*.json' -o -name '*.toml') ;;
    junit) seed junit "$shared"/formats/*.xml ;;
    ctrf) seed ctrf "$shared"/formats/*ctrf*.json ;;
    tap) seed tap "$shared"/formats/*.tap ;;
    go-test-json) seed go-test-json "$shared"/formats/*.jsonl ;;
    *) seed "$target" $(find "$shared" examples -type f -size -256k | head -200) ;;
  esac
  echo "== fuzz $target: $runs runs"
  # -rss_limit_mb bounds memory; -timeout turns a hang into a failure. Any
  # non-zero exit (a crash, a leak, an OOM, a timeout, a build error) fails.
  status=0
  cargo +nightly fuzz run --fuzz-dir fuzz "$target" "fuzz/corpus/$target" -- \
    -runs="$runs" -max_len=65536 -rss_limit_mb=512 -timeout=10 -print_final_stats=1 \
    > "fuzz/last-$target.log" 2>&1 || status=$?
  grep -E '^stat::(number_of_executed_units|peak_rss_mb|average_exec_per_sec)|^Done' "fuzz/last-$target.log" || true
  if [ "$status" -ne 0 ]; then
    echo "fuzz $target FAILED (exit $status): see fuzz/last-$target.log and fuzz/artifacts/$target" >&2
    exit 1
  fi
done
