#!/usr/bin/env bash
# A release, tried end to end before one is needed, on this machine:
#   1. build the x86_64 musl binary as the release workflow does (scripts/release.sh build), and
#      stage it (scripts/release.sh stage: the static check must pass);
#   2. serve it from a local HTTP server on 127.0.0.1 and write the manifest for that server with
#      scripts/release.sh manifest;
#   3. let dist/launcher.sh download it, verify its sha256 against that manifest and run it:
#      --version, then the action's pass example (exit 0) and false-green example (exit 3);
#   4. run it again: the verified copy in the tool cache answers, nothing is downloaded;
#   5. alter one byte of the served binary: the launcher must refuse it (exit 2, "checksum
#      mismatch"), never run it, and keep nothing;
#   6. with no release binary for the runner (a manifest without entries, the action's real
#      source beside it): the first job builds from source and keeps the build under the key
#      `launcher.sh plan` names; the next job, given that directory as actions/cache restores
#      it, starts from it without cargo. By default the first job's "cargo" hands over the musl
#      binary built in step 1 (the build's cost is step 1's time); --cold-build runs the real
#      `cargo build --release --locked` through the launcher instead.
# Usage: scripts/launcher-e2e.sh [--no-build] [--cold-build]
# Needs: the x86_64-unknown-linux-musl Rust target, musl-tools (ring compiles C), readelf, curl,
# python3. --no-build stages the binary an earlier build left in target/.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
target=x86_64-unknown-linux-musl
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)

failures=0
pass() { printf 'ok   %s\n' "$*"; }
fail() {
  printf 'FAIL %s\n' "$*"
  failures=$((failures + 1))
}
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

work=$(mktemp -d)
server=""
cleanup() {
  [ -z "$server" ] || kill "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

build=true
cold_build=false
for arg in "$@"; do
  case "$arg" in
    --no-build) build=false ;;
    --cold-build) cold_build=true ;;
    *) echo "usage: $0 [--no-build] [--cold-build]" >&2 && exit 2 ;;
  esac
done

if [ "$build" = true ]; then
  start=$(now)
  scripts/release.sh build "$target"
  printf 'build: %s s (cargo build --release --locked --target %s)\n' "$(elapsed "$start" "$(now)")" "$target"
fi
scripts/release.sh stage "$target" "$work/assets"

python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$work/assets" >"$work/server.log" 2>&1 &
server=$!
port=""
for _ in $(seq 1 100); do
  port=$(sed -n 's/^Serving HTTP on 127\.0\.0\.1 port \([0-9]*\).*/\1/p' "$work/server.log")
  [ -z "$port" ] || break
  sleep 0.1
done
[ -n "$port" ] || {
  cat "$work/server.log"
  echo "the local server did not start" >&2
  exit 1
}
echo "serving $work/assets on http://127.0.0.1:$port"

mkdir -p "$work/action/dist" "$work/tool-cache" "$work/temp"
cp dist/launcher.sh "$work/action/dist/launcher.sh"
scripts/release.sh manifest "$version" "$work/assets" "http://127.0.0.1:$port" "$work/action/dist/manifest" 1

# The launcher as action.yml runs it, with nothing from this shell's environment.
launcher() {
  env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$work" \
    GITHUB_ACTION_PATH="$work/action" RUNNER_OS=Linux RUNNER_ARCH=X64 \
    RUNNER_TOOL_CACHE="$work/tool-cache" RUNNER_TEMP="$work/temp" \
    INPUT_BUILD_FROM_SOURCE=never INPUT_PUBLISH=off "$@"
}
downloads() { grep -c 'GET /truegreen-' "$work/server.log" || true; }

# 3. Download, verify, run.
bin=""
start=$(now)
if bin=$(launcher bash "$work/action/dist/launcher.sh" resolve 2>"$work/resolve.err"); then
  pass "first run: downloaded and verified in $(elapsed "$start" "$(now)") s: $bin"
else
  fail "first run: the launcher refused the honest binary: $(cat "$work/resolve.err")"
fi
shown=$("$bin" --version 2>&1) || true
if [ "$shown" = "truegreen $version" ]; then pass "it runs: $bin --version: $shown"; else fail "--version printed '$shown'"; fi
for example in pass:0 false-green:3; do
  name=${example%%:*}
  want=${example#*:}
  status=0
  (cd "$repo" && launcher INPUT_PATHS="examples/action/$name/" bash "$work/action/dist/launcher.sh" >"$work/$name.out" 2>&1) || status=$?
  if [ "$status" -eq "$want" ]; then pass "launcher check examples/action/$name/: exit $status"; else fail "examples/action/$name/: exit $status, $want expected: $(tail -n 5 "$work/$name.out")"; fi
done

# 4. Cached.
before=$(downloads)
start=$(now)
launcher bash "$work/action/dist/launcher.sh" resolve >/dev/null 2>&1 || fail "second run failed"
took=$(elapsed "$start" "$(now)")
if [ "$(downloads)" = "$before" ]; then pass "second run: the cached copy was re-hashed and used in $took s, no download"; else fail "second run downloaded again"; fi

# 5. One byte altered on the server.
python3 -c 'import sys; p = sys.argv[1]; b = bytearray(open(p, "rb").read()); b[len(b) // 2] ^= 0x01; open(p, "wb").write(b)' \
  "$work/assets/truegreen-$target"
rm -rf "$work/tool-cache"/*
status=0
launcher bash "$work/action/dist/launcher.sh" resolve >"$work/tampered.out" 2>"$work/tampered.err" || status=$?
message=$(cat "$work/tampered.err")
if [ "$status" -eq 2 ] && [[ $message == *"checksum mismatch"* ]]; then
  pass "one byte altered: refused with exit 2: $message"
else
  fail "one byte altered: exit $status, stdout '$(cat "$work/tampered.out")', stderr '$message'"
fi
kept=$(find "$work/tool-cache" -type f | wc -l)
if [ "$kept" -eq 0 ]; then pass "nothing unverified was kept"; else fail "$kept files left in the tool cache"; fi

# 6. A source build, cached once.
action="$work/source-action"
mkdir -p "$action/dist" "$work/stub"
cp dist/launcher.sh "$action/dist/launcher.sh"
printf '# no release binaries yet\n' >"$action/dist/manifest"
# What a runner unpacks of the action and cargo reads (benches: Cargo.toml names one).
cp Cargo.toml Cargo.lock "$action/"
cp -R src benches "$action/"
# The stand-in for cargo copies the musl binary where `cargo build --target-dir DIR` puts one.
cat >"$work/stub/cargo" <<STUB
#!/bin/sh
echo "cargo \$*" >>"$work/cargo.log"
while [ \$# -gt 0 ]; do [ "\$1" = --target-dir ] && dir="\$2"; shift; done
mkdir -p "\$dir/release" && cp "$work/assets/truegreen-$target" "\$dir/release/truegreen"
STUB
# Step 5 altered the served copy: hand over the built one.
cp "${CARGO_TARGET_DIR:-$repo/target}/$target/release/truegreen" "$work/assets/truegreen-$target"
chmod +x "$work/stub/cargo"
cargo_path="$work/stub"
[ "$cold_build" = false ] || cargo_path=$(dirname "$(command -v cargo)")
job() { # job NAME [launcher arguments]: one job, with its own tool cache and temp directory
  local name=$1
  shift
  mkdir -p "$work/$name/tool-cache" "$work/$name/temp"
  env -i PATH="$cargo_path:/usr/local/bin:/usr/bin:/bin" HOME="$HOME" \
    CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}" \
    GITHUB_ACTION_PATH="$action" RUNNER_OS=Linux RUNNER_ARCH=X64 \
    RUNNER_TOOL_CACHE="$work/$name/tool-cache" RUNNER_TEMP="$work/$name/temp" \
    INPUT_PUBLISH=off INPUT_PATHS="$repo/examples/action/pass/" \
    bash "$action/dist/launcher.sh" "$@"
}
plan_output=$(job first-job plan)
cache_dir=$(printf '%s\n' "$plan_output" | sed -n 's/^cache-dir=//p')
cache_key=$(printf '%s\n' "$plan_output" | sed -n 's/^cache-key=//p')
echo "plan: $(printf '%s' "$plan_output" | tr '\n' ' ')"
start=$(now)
status=0
job first-job >"$work/first-job.out" 2>&1 || status=$?
took=$(elapsed "$start" "$(now)")
if [ "$status" -eq 0 ] && [ -x "$cache_dir/truegreen" ]; then
  pass "cold: the first job built truegreen ($([ "$cold_build" = true ] && echo "cargo build --release --locked" || echo "stand-in cargo; the real build is step 1's time")) and judged the pass example in $took s"
else
  fail "cold: exit $status, $(tail -n 5 "$work/first-job.out")"
fi
# The next job: actions/cache restores the directory at the same path under its tool cache.
restored=${cache_dir/"$work/first-job/"/"$work/next-job/"}
mkdir -p "$(dirname "$restored")"
cp -R "$cache_dir" "$restored" || fail "the first job kept no build in $cache_dir"
[ "$(job next-job plan | sed -n 's/^cache-key=//p')" = "$cache_key" ] || fail "the next job's plan names another key"
rm -f "$work/cargo.log"
start=$(now)
status=0
job next-job >"$work/next-job.out" 2>&1 || status=$?
took=$(elapsed "$start" "$(now)")
if [ "$status" -eq 0 ] && [ ! -e "$work/cargo.log" ] && ! grep -q "building truegreen" "$work/next-job.out"; then
  pass "warm: the next job started from the cached build, no cargo, and judged the pass example in $took s"
else
  fail "warm: exit $status, $(tail -n 5 "$work/next-job.out")"
fi

if [ "$failures" -gt 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all checks passed"
