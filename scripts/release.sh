#!/usr/bin/env bash
# The release's build, stage and manifest steps, as .github/workflows/release.yml runs them, so
# that they can be run (and tested) anywhere before a release needs them.
#
#   scripts/release.sh build TARGET
#       cargo build --release --locked --target TARGET (into $CARGO_TARGET_DIR, default target/).
#   scripts/release.sh stage TARGET OUT_DIR
#       Copy the built binary to OUT_DIR/truegreen-TARGET[.exe]. A musl binary must be static
#       (see check-static): it has to run on any distribution and in any container.
#   scripts/release.sh check-static FILE
#       Fail unless FILE is an ELF executable with no program interpreter (no INTERP segment)
#       and no shared-library dependencies (no NEEDED entry). `file` is not asked: it calls a
#       musl static-pie binary "static-pie linked", not "statically linked", and its wording
#       changes between versions.
#   scripts/release.sh manifest VERSION ASSETS_DIR BASE_URL OUT_FILE [COUNT]
#       Write dist/manifest for the launcher: one "target sha256 url" line per
#       ASSETS_DIR/truegreen-TARGET[.exe], the URL being BASE_URL/<asset name>. With COUNT, fail
#       unless exactly COUNT binaries are listed.
#
# Only bash (3.2 is enough, for macOS) and POSIX tools, plus readelf for check-static and
# sha256sum or shasum for manifest.
set -euo pipefail

die() {
  printf 'release.sh: %s\n' "$*" >&2
  exit 1
}

usage() {
  sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

exe_suffix() {
  case "$1" in *windows*) printf '.exe' ;; esac
}

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d ' ' -f 1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d ' ' -f 1
  else
    die "neither sha256sum nor shasum is installed"
  fi
}

valid_target() {
  printf '%s\n' "$1" | grep -Eq '^[a-z0-9_]+(-[a-z0-9_]+)+$'
}

cmd_build() {
  [ $# -eq 1 ] || usage
  valid_target "$1" || die "not a target triple: '$1'"
  cargo build --release --locked --target "$1"
}

cmd_check_static() {
  [ $# -eq 1 ] || usage
  local file=$1 headers dynamic interp needed
  [ -f "$file" ] || die "$file: no such file"
  command -v readelf >/dev/null 2>&1 || die "readelf is needed to check that $file is static (binutils)"
  headers=$(LC_ALL=C readelf --wide --program-headers "$file" 2>&1) ||
    die "$file is not an ELF executable: $headers"
  # A program interpreter (ld-linux, ld-musl) means the kernel hands the binary to a dynamic
  # loader that the target system may not have.
  interp=$(printf '%s\n' "$headers" | sed -n 's/.*\[Requesting program interpreter: \(.*\)\]/\1/p')
  if printf '%s\n' "$headers" | grep -Eq '^[[:space:]]*INTERP[[:space:]]'; then
    die "$file is dynamically linked: it asks for the program interpreter ${interp:-(unnamed)}"
  fi
  # A static-pie binary has a dynamic section (for its own relocations) but needs no library.
  dynamic=$(LC_ALL=C readelf --wide --dynamic "$file" 2>&1) || die "readelf --dynamic $file: $dynamic"
  needed=$(printf '%s\n' "$dynamic" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
  [ -z "$needed" ] || die "$file needs shared libraries: $needed"
  printf '%s: static (no program interpreter, no shared library needed)\n' "$file"
}

cmd_stage() {
  [ $# -eq 2 ] || usage
  local target=$1 out=$2 ext built staged
  valid_target "$target" || die "not a target triple: '$target'"
  ext=$(exe_suffix "$target")
  built="${CARGO_TARGET_DIR:-target}/$target/release/truegreen$ext"
  [ -f "$built" ] || die "$built does not exist: run '$0 build $target' first"
  mkdir -p "$out"
  staged="$out/truegreen-$target$ext"
  cp "$built" "$staged"
  case "$target" in
    *-linux-musl*) cmd_check_static "$staged" ;;
  esac
  printf 'staged %s\n' "$staged"
}

cmd_manifest() {
  [ $# -eq 4 ] || [ $# -eq 5 ] || usage
  local version=$1 assets=$2 base_url=${3%/} out=$4 expected=${5:-} tag file name target sha lines=0 text
  printf '%s\n' "$version" | grep -Eq '^v?[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$' ||
    die "not a version: '$version' (expected X.Y.Z)"
  tag="v${version#v}"
  [ -d "$assets" ] || die "$assets is not a directory"
  case "$base_url" in
    *[[:space:]]*) die "the base URL contains white space: '$base_url'" ;;
    https://* | http://127.0.0.1:* | http://localhost:*) ;;
    *) die "the base URL must be https (or a loopback http URL for a local test): '$base_url'" ;;
  esac
  text='# truegreen release binaries for dist/launcher.sh: one "target sha256 url" line per target.
# Written by scripts/release.sh manifest (run by .github/workflows/release.yml) into the release
# commit, so the action'"'"'s ref pins both the release and the digest of every binary. The
# launcher refuses a download whose sha256 differs.'
  text="$text
# version: $tag"
  for file in "$assets"/truegreen-*; do
    [ -f "$file" ] || continue
    name=$(basename "$file")
    target=${name#truegreen-}
    target=${target%.exe}
    valid_target "$target" || die "$name: not truegreen-<target>[.exe]"
    sha=$(sha256_of "$file")
    text="$text
$target $sha $base_url/$name"
    lines=$((lines + 1))
  done
  [ "$lines" -gt 0 ] || die "no truegreen-<target> binary in $assets"
  if [ -n "$expected" ] && [ "$lines" -ne "$expected" ]; then
    die "$lines binaries in $assets, $expected expected"
  fi
  printf '%s\n' "$text" >"$out"
  cat "$out"
}

[ $# -ge 1 ] || usage
command=$1
shift
case "$command" in
  build) cmd_build "$@" ;;
  stage) cmd_stage "$@" ;;
  check-static) cmd_check_static "$@" ;;
  manifest) cmd_manifest "$@" ;;
  -h | --help | help) usage ;;
  *) die "unknown command '$command' (build, stage, check-static, manifest)" ;;
esac
