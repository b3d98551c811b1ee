#!/usr/bin/env bash
# truegreen action launcher: find (or build) the truegreen binary for this
# runner, verify it, then run it with the action's inputs.
#
#   launcher.sh [run]   resolve the binary (below), then run it with the inputs
#   launcher.sh resolve resolve the binary and print its path (action.yml's
#                       step before the build cache is saved)
#   launcher.sh plan    say whether this runner will build from source and, if
#                       so, the cache directory and key for that build, as step
#                       outputs (action.yml's first step, before actions/cache)
#
# 1. RUNNER_OS / RUNNER_ARCH name a target (x86_64/aarch64 Linux musl, macOS,
#    x86_64 Windows).
# 2. dist/manifest, committed in the action's repository at the ref the
#    workflow uses, holds one "target sha256 url" line per target, written by
#    the release workflow (scripts/release.sh manifest). The binary comes from
#    that release, cached in RUNNER_TOOL_CACHE; its sha256 must match the
#    manifest, else the launcher stops (exit 2) and never falls back: a
#    mismatch is tampering or corruption. URLs are https (or http on the
#    loopback address, for a mirror on the runner itself and for tests: the
#    sha256 from the action's repository is what makes a download trusted).
# 3. No entry for the target (an unknown platform, or a manifest with no
#    release yet) or a failed download: build from the action's own source
#    with `cargo build --release --locked` (build-from-source: auto), or stop
#    (never). build-from-source: always skips the download. The built binary
#    is kept under a key made of the sha256 of the source cargo builds from
#    (Cargo.toml, Cargo.lock, src/) and the platform, where action.yml's
#    actions/cache steps restore and save it: one build per repository and
#    platform for each version of the source (build-cache: false keeps it to
#    this job).
#
# Inputs arrive as environment variables (INPUT_*), set by action.yml's `env:`.
# Only bash and POSIX tools are used (plus curl and sha256sum or shasum).

set -euo pipefail

# Workflow-command data escaping, so no value can start a new command.
escape() {
  local s=$1
  s=${s//'%'/'%25'}
  s=${s//$'\r'/'%0D'}
  s=${s//$'\n'/'%0A'}
  printf '%s' "$s"
}

notice() { printf '::notice title=truegreen::%s\n' "$(escape "$*")" >&2; }
warn() { printf '::warning title=truegreen::%s\n' "$(escape "$*")" >&2; }
die() {
  printf '::error title=truegreen::%s\n' "$(escape "$*")" >&2
  exit 2
}

trim() {
  local s=${1%$'\r'}
  s="${s#"${s%%[![:space:]]*}"}"
  s="${s%"${s##*[![:space:]]}"}"
  printf '%s' "$s"
}

action_path=${GITHUB_ACTION_PATH:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
manifest="$action_path/dist/manifest"
build_mode=$(trim "${INPUT_BUILD_FROM_SOURCE:-auto}")
requested_version=$(trim "${INPUT_VERSION:-}")

build_cache=$(trim "${INPUT_BUILD_CACHE:-true}")
subcommand=${1:-run}

case "$subcommand" in
  run | resolve | plan) ;;
  *) die "launcher.sh takes run, resolve or plan, not '$subcommand'" ;;
esac
case "$build_mode" in
  auto | always | never) ;;
  *) die "build-from-source must be auto, always or never, not '$build_mode'" ;;
esac
case "$build_cache" in
  true | false) ;;
  *) die "build-cache must be true or false, not '$build_cache'" ;;
esac

target_triple() {
  local os=${RUNNER_OS:-$(uname -s)} arch=${RUNNER_ARCH:-$(uname -m)}
  case "$os/$arch" in
    Linux/X64 | Linux/x86_64) echo x86_64-unknown-linux-musl ;;
    Linux/ARM64 | Linux/aarch64 | Linux/arm64) echo aarch64-unknown-linux-musl ;;
    macOS/X64 | Darwin/x86_64) echo x86_64-apple-darwin ;;
    macOS/ARM64 | Darwin/arm64) echo aarch64-apple-darwin ;;
    Windows/X64 | MINGW*/x86_64 | MSYS*/x86_64 | CYGWIN*/x86_64) echo x86_64-pc-windows-msvc ;;
    *) echo "" ;;
  esac
}

target=$(target_triple)
exe=""
case "$target" in *windows*) exe=".exe" ;; esac
case "${RUNNER_OS:-$(uname -s)}" in Windows | MINGW* | MSYS* | CYGWIN*) exe=".exe" ;; esac

# The sha256 tool, as a command line: sha256sum (Linux, Git Bash) or shasum (macOS).
sha256_tool=()
if command -v sha256sum >/dev/null 2>&1; then
  sha256_tool=(sha256sum)
elif command -v shasum >/dev/null 2>&1; then
  sha256_tool=(shasum -a 256)
fi

sha256_of() {
  [ ${#sha256_tool[@]} -gt 0 ] || return 1
  "${sha256_tool[@]}" "$1" | cut -d ' ' -f 1
}

manifest_version() {
  [ -f "$manifest" ] || return 0
  sed -n 's/^#[[:space:]]*version:[[:space:]]*//p' "$manifest" | head -n 1
}

# Prints "sha256 url" for the target; fails when the manifest has no entry.
manifest_entry() {
  [ -f "$manifest" ] || return 1
  local t sha url rest
  while read -r t sha url rest || [ -n "$t" ]; do
    case "$t" in '' | '#'*) continue ;; esac
    if [ "$t" = "$1" ]; then
      printf '%s %s\n' "$sha" "$url"
      return 0
    fi
  done <"$manifest"
  return 1
}

# https, or http to the loopback address only (a mirror on the runner itself,
# and the tests). No user-info part: "http://127.0.0.1:80@host/" is host.
url_allowed() {
  local url=$1 host rest port
  case "$url" in *[[:space:]@\\]*) return 1 ;; esac
  case "$url" in https://?*) return 0 ;; esac
  for host in 127.0.0.1 localhost; do
    case "$url" in "http://$host"*) ;; *) continue ;; esac
    rest=${url#"http://$host"}
    case "$rest" in
      /*) return 0 ;;
      :*/*)
        port=${rest#:}
        port=${port%%/*}
        case "$port" in '' | *[!0-9]*) return 1 ;; esac
        return 0
        ;;
    esac
    return 1
  done
  return 1
}

download() {
  command -v curl >/dev/null 2>&1 || return 1
  # --proto also binds redirects: an https download never continues over http.
  local proto='=https'
  case "$1" in http://*) proto='=http' ;; esac
  curl --proto "$proto" --tlsv1.2 --fail --location --silent --show-error \
    --retry 5 --retry-delay 2 --connect-timeout 20 --max-time 300 \
    --output "$2" "$1"
}

# The verified release binary's path on stdout. Returns 3 when there is none
# to use (the caller may build from source); exits 2 on a checksum mismatch.
prebuilt() {
  local version entry sha url cache_dir bin tmp actual
  version=$(manifest_version)
  if [ -n "$requested_version" ] && [ "${requested_version#v}" != "${version#v}" ]; then
    die "version '$requested_version' was requested, but this action's dist/manifest pins '${version:-no release}'. Only binaries whose digest the action's repository commits are run: use the action at that version (uses: <owner>/truegreen@v${requested_version#v}) or build-from-source: always."
  fi
  if [ -z "$target" ]; then
    notice "no prebuilt truegreen for ${RUNNER_OS:-$(uname -s)}/${RUNNER_ARCH:-$(uname -m)}"
    return 3
  fi
  if ! entry=$(manifest_entry "$target"); then
    notice "dist/manifest lists no release binary for $target (no release yet, or a commit between releases)"
    return 3
  fi
  sha=${entry%% *}
  url=${entry#* }
  case "$sha" in
    *[!0-9a-f]* | '') die "dist/manifest: the sha256 for $target is not lower-case hex: '$sha'" ;;
  esac
  [ ${#sha} -eq 64 ] || die "dist/manifest: the sha256 for $target is not 64 hex digits: '$sha'"
  url_allowed "$url" || die "dist/manifest: the URL for $target is not https: '$url'"

  cache_dir="${RUNNER_TOOL_CACHE:-${RUNNER_TEMP:-${TMPDIR:-/tmp}}}/truegreen/${version:-unversioned}/$target/$sha"
  bin="$cache_dir/truegreen$exe"
  if [ -f "$bin" ]; then
    if actual=$(sha256_of "$bin") && [ "$actual" = "$sha" ]; then
      printf '%s\n' "$bin"
      return 0
    fi
    warn "the cached truegreen at $bin does not match dist/manifest; downloading it again"
    rm -f "$bin"
  fi

  mkdir -p "$cache_dir"
  tmp="$cache_dir/truegreen$exe.download.$$"
  if ! download "$url" "$tmp"; then
    rm -f "$tmp"
    warn "could not download $url"
    return 3
  fi
  if ! actual=$(sha256_of "$tmp"); then
    rm -f "$tmp"
    warn "neither sha256sum nor shasum is installed: the download cannot be verified, so it is not used"
    return 3
  fi
  if [ "$actual" != "$sha" ]; then
    rm -f "$tmp"
    die "checksum mismatch for $url: dist/manifest says $sha, the download is $actual. Not running it, and not falling back: the release asset or the download was altered."
  fi
  chmod +x "$tmp"
  mv -f "$tmp" "$bin"
  printf '%s\n' "$bin"
}

# The sha256 of the source cargo builds from (Cargo.toml, Cargo.lock, src/ and
# the toolchain files), from the file contents and their paths. The action's
# directory on a runner is an unpacked archive without .git, and its ref may be
# a moving tag, so the source itself is what identifies a build.
source_digest() {
  [ -f "$action_path/Cargo.toml" ] && [ ${#sha256_tool[@]} -gt 0 ] || return 1
  local files=() file listing
  # Glob order under the C locale: the same list on every runner.
  while IFS= read -r file; do files+=("$file"); done < <(
    cd "$action_path" || exit 1
    LC_ALL=C
    list_source_files() {
      local f
      for f in "$1"/* "$1"/.[!.]*; do
        if [ -d "$f" ] && [ ! -L "$f" ]; then
          list_source_files "$f"
        elif [ -f "$f" ]; then
          printf '%s\n' "${f#./}"
        fi
      done
    }
    for f in Cargo.toml Cargo.lock build.rs rust-toolchain rust-toolchain.toml; do
      [ ! -f "$f" ] || printf '%s\n' "$f"
    done
    [ ! -d src ] || list_source_files ./src
  )
  # "hash path" per file (sha256sum may mark binary mode with "*"), then the hash of that list.
  listing=$(cd "$action_path" && "${sha256_tool[@]}" "${files[@]}" | sed 's/^\([0-9a-f]*\) [ *]/\1 /') || return 1
  printf '%s\n' "$listing" | "${sha256_tool[@]}" | cut -d ' ' -f 1
}

# Where a build may run: system, architecture, runner image and C library, so a
# binary built on one image is never restored on another whose libc is older.
platform_id() {
  local libc
  libc=$(getconf GNU_LIBC_VERSION 2>/dev/null) || libc=""
  printf '%s-%s-%s-%s' "${RUNNER_OS:-$(uname -s)}" "${RUNNER_ARCH:-$(uname -m)}" \
    "${ImageOS:-self-hosted}" "${libc:-libc-unknown}" | tr -c 'A-Za-z0-9._-' '-'
}

# The directory that keeps the binary built from source with DIGEST. With
# build-cache: true, under the tool cache, which action.yml's actions/cache
# steps restore and save; else under RUNNER_TEMP, which lasts one job.
source_cache_dir() {
  local base
  if [ "$build_cache" = true ]; then
    base=${RUNNER_TOOL_CACHE:-${RUNNER_TEMP:-${TMPDIR:-/tmp}}}
  else
    base=${RUNNER_TEMP:-${TMPDIR:-/tmp}}/truegreen-this-job
  fi
  printf '%s/truegreen/source/%s/%s\n' "$base" "$1" "$(platform_id)"
}

# A binary built earlier from the same source, if its recorded sha256 still
# holds (a half-restored or altered cache entry is rebuilt, not run).
cached_build() {
  local bin="$1/truegreen$exe" recorded actual
  [ -f "$bin" ] && [ -f "$bin.sha256" ] || return 1
  recorded=$(head -n 1 "$bin.sha256")
  if actual=$(sha256_of "$bin") && [ -n "$recorded" ] && [ "$actual" = "$recorded" ]; then
    printf '%s\n' "$bin"
    return 0
  fi
  warn "the cached build at $bin does not match its recorded sha256; building again"
  rm -f "$bin" "$bin.sha256"
  return 1
}

# Keep BUILT in the source-build cache directory; prints the kept copy's path.
store_build() {
  local built=$1 dir=$2 bin="$2/truegreen$exe" sha
  mkdir -p "$dir" && cp "$built" "$bin.tmp.$$" && chmod +x "$bin.tmp.$$" &&
    sha=$(sha256_of "$bin.tmp.$$") && mv -f "$bin.tmp.$$" "$bin" &&
    printf '%s\n' "$sha" >"$bin.sha256" || {
    rm -f "$bin.tmp.$$"
    return 1
  }
  printf '%s\n' "$bin"
}

build_from_source() {
  local digest cache_dir="" cached built kept
  if digest=$(source_digest); then
    cache_dir=$(source_cache_dir "$digest")
    if cached=$(cached_build "$cache_dir"); then
      notice "using truegreen built from this action's source earlier (source sha256 $digest)"
      printf '%s\n' "$cached"
      return 0
    fi
  fi
  command -v cargo >/dev/null 2>&1 ||
    die "no prebuilt truegreen to use here, and cargo is not installed to build one (install Rust, e.g. with dtolnay/rust-toolchain)"
  local target_dir="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/truegreen-build"
  notice "building truegreen from the action's source (cargo build --release --locked): this takes a few minutes"
  cargo build --release --locked --quiet --manifest-path "$action_path/Cargo.toml" --target-dir "$target_dir" >&2 ||
    die "cargo build failed"
  built="$target_dir/release/truegreen$exe"
  if [ -n "$cache_dir" ] && [ -f "$built" ]; then
    if kept=$(store_build "$built" "$cache_dir"); then
      printf '%s\n' "$kept"
      return 0
    fi
    warn "could not keep the build in $cache_dir; the next job builds again"
  fi
  printf '%s\n' "$built"
}

# action.yml's first step: will this runner build from source, and if so where
# and under which key actions/cache keeps the build.
plan() {
  local build=false digest dir key
  if [ "$build_mode" = always ]; then
    build=true
  elif [ "$build_mode" = auto ] && { [ -z "$target" ] || ! manifest_entry "$target" >/dev/null; }; then
    build=true
  fi
  {
    printf 'build=%s\n' "$build"
    if [ "$build" = true ] && [ "$build_cache" = true ] && digest=$(source_digest); then
      dir=$(source_cache_dir "$digest")
      key="truegreen-source-v1-$(platform_id)-$digest"
      printf 'cache-dir=%s\ncache-key=%s\n' "$dir" "$key"
    fi
  } >>"${GITHUB_OUTPUT:-/dev/stdout}"
}

if [ "$subcommand" = plan ]; then
  plan
  exit 0
fi

bin=""
if [ "$build_mode" != always ]; then
  status=0
  bin=$(prebuilt) || status=$?
  case "$status" in
    0) ;;
    3)
      [ "$build_mode" = never ] && die "no verified prebuilt truegreen is available, and build-from-source is never"
      bin=""
      ;;
    *) exit "$status" ;;
  esac
fi
if [ -z "$bin" ]; then
  bin=$(build_from_source)
fi
[ -x "$bin" ] || die "truegreen was not found at $bin"
if [ "$subcommand" = resolve ]; then
  printf '%s\n' "$bin"
  exit 0
fi

# --- arguments, from the inputs ---------------------------------------------

mode=$(trim "${INPUT_MODE:-check}")
case "$mode" in
  check | gate) ;;
  *) die "mode must be check or gate" ;;
esac
args=(
  --publish "$(trim "${INPUT_PUBLISH:-auto}")"
  --fail-on "$(trim "${INPUT_FAIL_ON:-failure}")"
)
# Empty: the subcommand's own default name (truegreen, or truegreen gate).
check_name=$(trim "${INPUT_CHECK_NAME:-}")
[ -z "$check_name" ] || args+=(--check-name "$check_name")
case "$(trim "${INPUT_COMMIT_STATUS:-false}")" in
  true) args+=(--commit-status) ;;
  false | '') ;;
  *) die "commit-status must be true or false" ;;
esac
max_annotations=$(trim "${INPUT_MAX_ANNOTATIONS:-}")
case "$max_annotations" in
  '') ;;
  *[!0-9]*) die "max-annotations must be a whole number" ;;
  *) args+=(--max-annotations "$max_annotations") ;;
esac
case "$(trim "${INPUT_COMMENT:-auto}")" in
  auto | '') ;;
  off) args+=(--comment off) ;;
  *) die "comment must be auto or off" ;;
esac

# One path (file, directory or glob) per line; blank lines and comments skipped.
lines() {
  local line
  while IFS= read -r line || [ -n "$line" ]; do
    line=$(trim "$line")
    case "$line" in '' | '#'*) continue ;; esac
    printf '%s\n' "$line"
  done <<<"$1"
}
paths=()
while IFS= read -r line; do paths+=("$line"); done < <(lines "${INPUT_PATHS:-}")

out_dir=$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/truegreen.XXXXXX")

# baseline: auto writes this run's inventory where action.yml's upload step
# finds it (step outputs inventory and baseline-artifact), under the name the
# binary gives this check name and matrix cell, and compares with the base
# run's. A path compares with that file. A check keeps its cell's inventory;
# the gate merges its cells' into the matrix's. $1: the matrix cell (a check's
# shard input) or empty; $2: the check name's default.
add_baseline_args() {
  local shard=$1 default_name=$2 baseline inventory_dir inventory artifact
  local name_args=()
  baseline=$(trim "${INPUT_BASELINE:-}")
  case "$baseline" in
    '') ;;
    auto)
      inventory_dir="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/truegreen"
      inventory="$inventory_dir/inventory.tginv"
      mkdir -p "$inventory_dir"
      # An earlier step's inventory must not be uploaded as this check's.
      rm -f "$inventory"
      name_args=(--check-name "${check_name:-$default_name}")
      [ -z "$shard" ] || [ "$shard" = "null" ] || name_args+=(--shard "$shard")
      artifact=$("$bin" baseline artifact-name "${name_args[@]}") || die "cannot name the baseline artifact"
      args+=(--inventory "$inventory" --baseline auto --baseline-artifact "$artifact")
      printf 'baseline-artifact=%s\ninventory=%s\n' "$artifact" "$inventory" >>"${GITHUB_OUTPUT:-/dev/null}"
      ;;
    *) args+=(--baseline "$baseline") ;;
  esac
}

if [ "$mode" = gate ]; then
  for input in COMMAND OUTCOME EXIT_CODE SHARD EXPECT CONFIG; do
    name="INPUT_$input"
    [ -z "$(trim "${!name:-}")" ] ||
      die "$(printf '%s' "$input" | tr 'A-Z_' 'a-z-') is a check input; the gate takes the shard verdicts in paths"
  done
  expect_matrix=$(trim "${INPUT_EXPECT_MATRIX:-}")
  workflow=$(trim "${INPUT_WORKFLOW:-}")
  job=$(trim "${INPUT_JOB:-}")
  expect_count=$(trim "${INPUT_EXPECT_COUNT:-}")
  needs=$(trim "${INPUT_NEEDS:-}")
  [ -z "$expect_matrix" ] || args+=(--expect-matrix "$expect_matrix")
  [ -z "$workflow" ] || args+=(--workflow "$workflow")
  [ -z "$job" ] || args+=(--job "$job")
  [ -z "$expect_count" ] || args+=(--expect-count "$expect_count")
  [ -z "$needs" ] || [ "$needs" = "{}" ] || args+=(--needs "$needs")
  while IFS= read -r line; do args+=(--allow-failure "$line"); done < <(lines "${INPUT_ALLOW_FAILURE:-}")
  while IFS= read -r line; do args+=(--allow-skip "$line"); done < <(lines "${INPUT_ALLOW_SKIP:-}")
  args+=(--json "$out_dir/gate.json" --markdown "$out_dir/gate.md")
  add_baseline_args "" "truegreen gate"
  exec "$bin" gate "${args[@]}" -- "${paths[@]}"
fi

for input in EXPECT_MATRIX WORKFLOW JOB EXPECT_COUNT NEEDS ALLOW_FAILURE ALLOW_SKIP; do
  name="INPUT_$input"
  [ -z "$(trim "${!name:-}")" ] ||
    die "$(printf '%s' "$input" | tr 'A-Z_' 'a-z-') is a gate input: set mode: gate"
done
command_input=${INPUT_COMMAND:-}
outcome=$(trim "${INPUT_OUTCOME:-}")
exit_code=$(trim "${INPUT_EXIT_CODE:-}")
shard=$(trim "${INPUT_SHARD:-}")
config=$(trim "${INPUT_CONFIG:-}")

if [ -n "$(trim "$command_input")" ]; then
  [ -z "$outcome" ] || die "set command or outcome, not both: with command, truegreen runs the tests and sees their exit code itself"
  [ -z "$exit_code" ] || die "set command or exit-code, not both: with command, truegreen runs the tests and sees their exit code itself"
fi
[ -z "$outcome" ] || [ -z "$exit_code" ] || die "set outcome or exit-code, not both"
[ -z "$outcome" ] || args+=(--outcome "$outcome")
[ -z "$exit_code" ] || args+=(--exit-code "$exit_code")
[ -z "$shard" ] || [ "$shard" = "null" ] || args+=(--shard "$shard")
[ -z "$config" ] || args+=(--config "$config")
while IFS= read -r line; do args+=(--expect "$line"); done < <(lines "${INPUT_EXPECT:-}")
args+=(--json "$out_dir/verdict.json" --markdown "$out_dir/verdict.md")
add_baseline_args "$shard" truegreen

[ ${#paths[@]} -gt 0 ] || die "the paths input is empty: give the report files, directories or globs, one per line"

if [ -n "$(trim "$command_input")" ]; then
  exec "$bin" run "${args[@]}" "${paths[@]}" -- bash -c "$command_input"
fi
exec "$bin" check "${args[@]}" -- "${paths[@]}"
