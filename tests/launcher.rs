//! `dist/launcher.sh`, run as action.yml runs it, in a sandbox with stub curl
//! and cargo: verified downloads, the cache, the checksum-mismatch stop, the
//! build-from-source fallback, and how the inputs become flags.

// A test may panic: a failed step should fail it loudly (the lints guard input paths).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg(unix)]

mod common;

use common::launcher::{LocalRelease, RELEASE_BINARY, Sandbox, release_script, sha256_hex, stderr, stdout};

const LINUX: &str = "x86_64-unknown-linux-musl";

fn paths() -> (&'static str, &'static str) {
    ("INPUT_PATHS", "reports/a.xml\n  reports/b/**/*.xml  \n\n")
}

#[test]
fn a_verified_release_binary_is_downloaded_cached_and_run() {
    let sb = Sandbox::new();
    let line = sb.release_asset(LINUX, RELEASE_BINARY);
    sb.manifest(&format!("# version: v0.1.0\n{line}"));
    let out = sb.run(&[paths()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let printed = stdout(&out);
    assert!(printed.starts_with("release-binary check --publish auto --fail-on failure --json "), "{printed}");
    assert!(printed.trim_end().ends_with("-- reports/a.xml reports/b/**/*.xml"), "{printed}");
    assert_eq!(sb.calls(), [format!("curl https://github.com/o/truegreen/releases/download/v0.1.0/truegreen-{LINUX}")]);
    let sha = sha256_hex(RELEASE_BINARY.as_bytes());
    let cached = sb.tool_cache.join(format!("truegreen/v0.1.0/{LINUX}/{sha}/truegreen"));
    assert!(cached.is_file(), "{} is cached", cached.display());

    // Second run: the cache answers, nothing is downloaded.
    let again = sb.run(&[paths()]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert_eq!(sb.calls().len(), 1, "{:?}", sb.calls());
}

#[test]
fn a_cache_hit_skips_the_download() {
    let sb = Sandbox::new();
    let sha = sha256_hex(RELEASE_BINARY.as_bytes());
    // The manifest points at an asset the fake release does not have: any
    // download attempt would fail the test.
    sb.manifest(&format!("# version: v0.1.0\n{LINUX} {sha} https://example.invalid/missing\n"));
    let dir = sb.tool_cache.join(format!("truegreen/v0.1.0/{LINUX}/{sha}"));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let bin = dir.join("truegreen");
    std::fs::write(&bin, RELEASE_BINARY).unwrap_or_else(|e| panic!("{e}"));
    std::process::Command::new("chmod").arg("+x").arg(&bin).status().unwrap_or_else(|e| panic!("{e}"));

    let out = sb.run(&[paths()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("release-binary check "));
    assert!(sb.calls().is_empty(), "no curl, no cargo: {:?}", sb.calls());
}

#[test]
fn a_tampered_cache_entry_is_downloaded_again() {
    let sb = Sandbox::new();
    let line = sb.release_asset(LINUX, RELEASE_BINARY);
    sb.manifest(&line);
    let sha = sha256_hex(RELEASE_BINARY.as_bytes());
    let dir = sb.tool_cache.join(format!("truegreen/unversioned/{LINUX}/{sha}"));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.join("truegreen"), "#!/bin/sh\necho tampered\n").unwrap_or_else(|e| panic!("{e}"));

    let out = sb.run(&[paths()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("release-binary "), "{}", stdout(&out));
    assert!(stderr(&out).contains("does not match dist/manifest"), "{}", stderr(&out));
    assert_eq!(sb.calls().len(), 1);
}

#[test]
fn a_checksum_mismatch_is_fatal_and_never_falls_back() {
    let sb = Sandbox::new();
    let line = sb.release_asset(LINUX, RELEASE_BINARY);
    // The manifest was written for other bytes than the release now serves.
    let honest = sha256_hex(b"the binary the release workflow built");
    let tampered_line = line.replace(&sha256_hex(RELEASE_BINARY.as_bytes()), &honest);
    sb.manifest(&tampered_line);

    let out = sb.run(&[paths()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("::error title=truegreen::checksum mismatch"), "{}", stderr(&out));
    assert!(!stdout(&out).contains("release-binary"), "the download never runs");
    assert!(!sb.calls().iter().any(|c| c.starts_with("cargo")), "no fallback build: {:?}", sb.calls());
    let leftovers: Vec<_> = walk(&sb.tool_cache).into_iter().filter(|p| p.is_file()).collect();
    assert!(leftovers.is_empty(), "nothing unverified is kept: {leftovers:?}");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            }
            out.push(p);
        }
    }
    out
}

#[test]
fn an_unknown_platform_builds_from_source() {
    let sb = Sandbox::new();
    let line = sb.release_asset(LINUX, RELEASE_BINARY);
    sb.manifest(&line);
    let out = sb.run(&[paths(), ("RUNNER_OS", "Plan9"), ("RUNNER_ARCH", "MIPS")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("built-from-source check "), "{}", stdout(&out));
    let calls = sb.calls();
    assert_eq!(calls.len(), 1, "{calls:?}");
    let manifest_path = sb.action.join("Cargo.toml");
    assert!(
        calls[0].starts_with(&format!(
            "cargo build --release --locked --quiet --manifest-path {} --target-dir ",
            manifest_path.display()
        )),
        "{calls:?}"
    );
    assert!(stderr(&out).contains("no prebuilt truegreen for Plan9/MIPS"), "{}", stderr(&out));
}

#[test]
fn a_manifest_without_release_builds_from_source_unless_told_never() {
    let sb = Sandbox::new();
    let out = sb.run(&[paths()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("built-from-source check "));

    let never = sb.run(&[paths(), ("INPUT_BUILD_FROM_SOURCE", "never")]);
    assert_eq!(never.status.code(), Some(2));
    assert!(stderr(&never).contains("build-from-source is never"), "{}", stderr(&never));
}

#[test]
fn a_failed_download_falls_back_to_source_in_auto_mode() {
    let sb = Sandbox::new();
    let sha = sha256_hex(RELEASE_BINARY.as_bytes());
    sb.manifest(&format!("{LINUX} {sha} https://github.com/o/truegreen/releases/download/v9/gone\n"));
    let out = sb.run(&[paths()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("built-from-source "), "{}", stdout(&out));
    assert!(stderr(&out).contains("could not download"), "{}", stderr(&out));
}

#[test]
fn build_from_source_always_skips_the_download() {
    let sb = Sandbox::new();
    let line = sb.release_asset(LINUX, RELEASE_BINARY);
    sb.manifest(&line);
    let out = sb.run(&[paths(), ("INPUT_BUILD_FROM_SOURCE", "always")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("built-from-source "));
    assert!(sb.calls().iter().all(|c| c.starts_with("cargo ")), "{:?}", sb.calls());
}

#[test]
fn a_version_the_manifest_does_not_pin_is_refused() {
    let sb = Sandbox::new();
    let line = sb.release_asset(LINUX, RELEASE_BINARY);
    sb.manifest(&format!("# version: v0.1.0\n{line}"));
    let same = sb.run(&[paths(), ("INPUT_VERSION", "0.1.0")]);
    assert_eq!(same.status.code(), Some(0), "{}", stderr(&same));
    let other = sb.run(&[paths(), ("INPUT_VERSION", "v0.2.0")]);
    assert_eq!(other.status.code(), Some(2));
    assert!(stderr(&other).contains("pins 'v0.1.0'"), "{}", stderr(&other));
}

#[test]
fn windows_gets_the_exe() {
    let sb = Sandbox::new();
    let line = sb.release_asset("x86_64-pc-windows-msvc", RELEASE_BINARY);
    sb.manifest(&line);
    let out = sb.run(&[paths(), ("RUNNER_OS", "Windows"), ("RUNNER_ARCH", "X64")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let sha = sha256_hex(RELEASE_BINARY.as_bytes());
    let cached = sb.tool_cache.join(format!("truegreen/unversioned/x86_64-pc-windows-msvc/{sha}/truegreen.exe"));
    assert!(cached.is_file());
}

#[test]
fn inputs_become_flags() {
    let sb = Sandbox::new();
    let out = sb.run(&[
        paths(),
        ("INPUT_OUTCOME", "failure"),
        ("INPUT_SHARD", r#"{"os":"ubuntu-latest","node":20}"#),
        ("INPUT_COMMIT_STATUS", "true"),
        ("INPUT_MAX_ANNOTATIONS", " 200 "),
        ("INPUT_COMMENT", "off"),
        ("INPUT_EXPECT", "reports/unit/*.xml\nreports/e2e.xml\n"),
        ("INPUT_CONFIG", "ci/truegreen.yml"),
        ("INPUT_CHECK_NAME", "tests, all"),
        ("INPUT_PUBLISH", "summary"),
        ("INPUT_FAIL_ON", "discrepancy"),
        ("TRUEGREEN_GITHUB_TOKEN", "ghs_secret"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let printed = stdout(&out);
    for expected in [
        "check --publish summary --fail-on discrepancy --check-name tests, all --commit-status --max-annotations 200 --comment off --outcome failure",
        r#"--shard {"os":"ubuntu-latest","node":20}"#,
        "--config ci/truegreen.yml --expect reports/unit/*.xml --expect reports/e2e.xml --json ",
    ] {
        assert!(printed.contains(expected), "{expected:?} in {printed}");
    }
    assert!(!printed.contains("ghs_secret") && !stderr(&out).contains("ghs_secret"), "the token is no argument");
}

#[test]
fn a_command_runs_through_truegreen_run() {
    let sb = Sandbox::new();
    let out = sb.run(&[paths(), ("INPUT_COMMAND", "cargo nextest run --profile ci")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let printed = stdout(&out);
    assert!(printed.starts_with("built-from-source run --publish auto "), "{printed}");
    assert!(
        printed.trim_end().ends_with("reports/a.xml reports/b/**/*.xml -- bash -c cargo nextest run --profile ci"),
        "{printed}"
    );
}

#[test]
fn gate_mode_runs_truegreen_gate_with_its_inputs() {
    let sb = Sandbox::new();
    let out = sb.run(&[
        ("INPUT_MODE", "gate"),
        ("INPUT_PATHS", "verdicts/\n"),
        ("INPUT_EXPECT_MATRIX", r#"{"os":["linux","macos"]}"#),
        ("INPUT_NEEDS", r#"{"lint":{"result":"success"}}"#),
        ("INPUT_ALLOW_SKIP", "docs\nbench"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let printed = stdout(&out);
    assert!(printed.contains("gate --publish auto --fail-on failure --expect-matrix"), "{printed}");
    assert!(
        printed.contains(r#"--needs {"lint":{"result":"success"}} --allow-skip docs --allow-skip bench --json "#),
        "{printed}"
    );
    assert!(printed.trim_end().ends_with("gate.md -- verdicts/"), "{printed}");
    assert!(!printed.contains("--check-name"), "the gate's own default name applies: {printed}");
}

#[test]
fn check_and_gate_inputs_do_not_mix() {
    let sb = Sandbox::new();
    for (inputs, message) in [
        (vec![("INPUT_MODE", "gate"), ("INPUT_PATHS", "v/"), ("INPUT_COMMAND", "make")], "command is a check input"),
        (vec![paths(), ("INPUT_EXPECT_MATRIX", "{}")], "expect-matrix is a gate input"),
        (vec![paths(), ("INPUT_MODE", "both")], "mode must be check or gate"),
    ] {
        let out = sb.run(&inputs);
        assert_eq!(out.status.code(), Some(2), "{inputs:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(message), "{message:?}: {}", stderr(&out));
    }
}

#[test]
fn contradictory_inputs_are_usage_errors() {
    let sb = Sandbox::new();
    for (inputs, message) in [
        (vec![paths(), ("INPUT_COMMAND", "make test"), ("INPUT_OUTCOME", "success")], "set command or outcome"),
        (vec![paths(), ("INPUT_OUTCOME", "success"), ("INPUT_EXIT_CODE", "0")], "set outcome or exit-code"),
        (vec![("INPUT_PATHS", "\n  \n")], "the paths input is empty"),
        (vec![paths(), ("INPUT_BUILD_FROM_SOURCE", "sometimes")], "build-from-source must be"),
        (vec![paths(), ("INPUT_COMMIT_STATUS", "yes")], "commit-status must be true or false"),
        (vec![paths(), ("INPUT_MAX_ANNOTATIONS", "-1")], "max-annotations must be a whole number"),
        (vec![paths(), ("INPUT_MAX_ANNOTATIONS", "all")], "max-annotations must be a whole number"),
        (vec![paths(), ("INPUT_COMMENT", "always")], "comment must be auto or off"),
    ] {
        let out = sb.run(&inputs);
        assert_eq!(out.status.code(), Some(2), "{inputs:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(message), "{message:?}: {}", stderr(&out));
    }
}

#[test]
fn launcher_messages_cannot_inject_workflow_commands() {
    let sb = Sandbox::new();
    let out = sb.run(&[paths(), ("INPUT_BUILD_FROM_SOURCE", "x\n::set-output name=a::b\r%0A")]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("x%0A::set-output name=a::b%0D%250A"), "{err}");
}

// --- The release's manifest and the launcher, end to end --------------------
//
// scripts/release.sh writes the manifest the release commits; the launcher
// downloads with the real curl from a server on 127.0.0.1, checks the sha256
// and runs the real binary. (scripts/launcher-e2e.sh does the same with the
// static musl release build; see docs/action.md.)

/// The binary under test, published as the release asset for `LINUX`, with
/// the manifest scripts/release.sh writes for it.
fn publish_real_binary(sb: &Sandbox) -> LocalRelease {
    let assets = sb.root.path().join("assets");
    std::fs::create_dir_all(&assets).unwrap_or_else(|e| panic!("{e}"));
    std::fs::copy(env!("CARGO_BIN_EXE_truegreen"), assets.join(format!("truegreen-{LINUX}")))
        .unwrap_or_else(|e| panic!("{e}"));
    let release = LocalRelease::serve(&assets);
    let manifest = sb.action.join("dist/manifest");
    let out = release_script(&[
        "manifest",
        env!("CARGO_PKG_VERSION"),
        &assets.display().to_string(),
        &release.base_url,
        &manifest.display().to_string(),
        "1",
    ]);
    assert!(out.status.success(), "release.sh manifest: {}", stderr(&out));
    let text = std::fs::read_to_string(&manifest).unwrap_or_default();
    let sha = sha256_hex(&std::fs::read(env!("CARGO_BIN_EXE_truegreen")).unwrap_or_default());
    let line = format!("{LINUX} {sha} {}/truegreen-{LINUX}", release.base_url);
    assert!(text.lines().any(|l| l == line), "{line:?} in\n{text}");
    assert!(text.contains(&format!("# version: v{}", env!("CARGO_PKG_VERSION"))), "{text}");
    release
}

#[test]
fn the_release_manifest_lets_the_launcher_download_verify_and_run_the_binary() {
    let sb = Sandbox::new();
    sb.use_real_curl();
    let release = publish_real_binary(&sb);
    let never = ("INPUT_BUILD_FROM_SOURCE", "never");

    let resolved = sb.run_subcommand("resolve", &[never]);
    assert_eq!(resolved.status.code(), Some(0), "{}", stderr(&resolved));
    let bin = std::path::PathBuf::from(stdout(&resolved).trim_end());
    assert!(bin.starts_with(&sb.tool_cache), "{}", bin.display());
    let version = std::process::Command::new(&bin).arg("--version").output().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(stdout(&version).trim_end(), format!("truegreen {}", env!("CARGO_PKG_VERSION")));
    assert_eq!(release.served(), 1);

    // The whole action: the verified binary judges the examples.
    let examples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/action");
    for (example, code) in [("pass", 0), ("false-green", 3)] {
        let dir = examples.join(example).display().to_string();
        let out = sb.run(&[never, ("INPUT_PATHS", &dir), ("INPUT_PUBLISH", "off")]);
        assert_eq!(out.status.code(), Some(code), "{example}: {}", stderr(&out));
    }
    assert_eq!(release.served(), 1, "later runs re-hash the cached copy and download nothing");
    assert!(sb.calls().is_empty(), "no stub was called: {:?}", sb.calls());
}

#[test]
fn one_altered_byte_in_the_release_asset_is_refused() {
    let sb = Sandbox::new();
    sb.use_real_curl();
    let release = publish_real_binary(&sb);
    let asset = release.dir.join(format!("truegreen-{LINUX}"));
    let mut bytes = std::fs::read(&asset).unwrap_or_else(|e| panic!("{e}"));
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(&asset, bytes).unwrap_or_else(|e| panic!("{e}"));

    // auto would build from source on a failed download, but never on a mismatch.
    let out = sb.run_subcommand("resolve", &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("::error title=truegreen::checksum mismatch for http://127.0.0.1:"), "{err}");
    assert!(err.contains("Not running it, and not falling back"), "{err}");
    assert!(stdout(&out).is_empty(), "no binary path is given out: {}", stdout(&out));
    assert_eq!(release.served(), 1);
    assert!(sb.tool_cache_files().is_empty(), "nothing unverified is kept: {:?}", sb.tool_cache_files());
    assert!(sb.calls().is_empty(), "no fallback build: {:?}", sb.calls());
}

#[test]
fn only_https_or_loopback_http_urls_are_downloaded() {
    let sha = sha256_hex(RELEASE_BINARY.as_bytes());
    for url in [
        "http://example.com/truegreen",
        "http://127.0.0.1.example.com/truegreen",
        "http://127.0.0.1:80@example.com/truegreen",
        "http://localhost:x/truegreen",
        "ftp://127.0.0.1/truegreen",
        "file:///tmp/truegreen",
    ] {
        let sb = Sandbox::new();
        sb.manifest(&format!("{LINUX} {sha} {url}\n"));
        let out = sb.run(&[paths()]);
        assert_eq!(out.status.code(), Some(2), "{url}: {}", stderr(&out));
        assert!(stderr(&out).contains("is not https"), "{url}: {}", stderr(&out));
        assert!(sb.calls().is_empty(), "{url}: {:?}", sb.calls());
    }
    let sb = Sandbox::new();
    sb.release_asset(LINUX, RELEASE_BINARY);
    sb.manifest(&format!("{LINUX} {sha} http://127.0.0.1:8080/truegreen-{LINUX}\n"));
    let out = sb.run(&[paths()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(sb.calls(), [format!("curl http://127.0.0.1:8080/truegreen-{LINUX}")]);
}

#[test]
fn the_release_manifest_refuses_what_the_launcher_could_not_use() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let assets = dir.path().join("assets");
    std::fs::create_dir_all(&assets).unwrap_or_else(|e| panic!("{e}"));
    let out_file = dir.path().join("manifest").display().to_string();
    let assets_arg = assets.display().to_string();
    let base = "https://github.com/o/truegreen/releases/download/v0.1.0";
    let refused = |args: &[&str], message: &str| {
        let out = release_script(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(message), "{message:?}: {}", stderr(&out));
    };
    refused(&["manifest", "0.1.0", &assets_arg, base, &out_file], "no truegreen-<target> binary");
    std::fs::write(assets.join("truegreen-x86_64-unknown-linux-musl"), b"a").unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(assets.join("truegreen-x86_64-pc-windows-msvc.exe"), b"b").unwrap_or_else(|e| panic!("{e}"));
    refused(&["manifest", "0.1.0", &assets_arg, base, &out_file, "5"], "2 binaries in");
    refused(&["manifest", "latest", &assets_arg, base, &out_file], "not a version");
    refused(&["manifest", "0.1.0", &assets_arg, "http://example.com/x", &out_file], "must be https");

    let out = release_script(&["manifest", "v0.1.0", &assets_arg, &format!("{base}/"), &out_file, "2"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(&out_file).unwrap_or_default();
    let entries: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(
        entries,
        [
            format!("x86_64-pc-windows-msvc {} {base}/truegreen-x86_64-pc-windows-msvc.exe", sha256_hex(b"b")),
            format!("x86_64-unknown-linux-musl {} {base}/truegreen-x86_64-unknown-linux-musl", sha256_hex(b"a")),
        ]
    );
    assert!(text.contains("# version: v0.1.0\n"), "{text}");
}

/// The static check reads the ELF program headers and dynamic section, not
/// `file`'s wording, which calls a static-pie binary "static-pie linked".
#[cfg(target_os = "linux")]
#[test]
fn staging_a_musl_binary_requires_it_to_be_static() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let built = dir.path().join("target/x86_64-unknown-linux-musl/release");
    std::fs::create_dir_all(&built).unwrap_or_else(|e| panic!("{e}"));
    // The test binary is dynamically linked (glibc): it must be refused.
    std::fs::copy(env!("CARGO_BIN_EXE_truegreen"), built.join("truegreen")).unwrap_or_else(|e| panic!("{e}"));
    let out = std::process::Command::new("bash")
        .arg(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/release.sh"))
        .args(["stage", "x86_64-unknown-linux-musl"])
        .arg(dir.path().join("out"))
        .env("CARGO_TARGET_DIR", dir.path().join("target"))
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(stderr(&out).contains("is dynamically linked: it asks for the program interpreter /"), "{}", stderr(&out));

    // glibc's ldconfig is a static-pie executable on Debian and Ubuntu: accepted.
    let out = release_script(&["check-static", "/sbin/ldconfig"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("static (no program interpreter, no shared library needed)"));
    let not_elf = release_script(&["check-static", "README.md"]);
    assert_eq!(not_elf.status.code(), Some(1));
    assert!(stderr(&not_elf).contains("is not an ELF executable"), "{}", stderr(&not_elf));
}

// --- The source build, cached once per repository ---------------------------

/// `launcher.sh plan`'s step outputs, as `name=value` pairs.
fn plan(sb: &Sandbox, inputs: &[(&str, &str)]) -> std::collections::BTreeMap<String, String> {
    let out = sb.run_subcommand("plan", inputs);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    stdout(&out).lines().filter_map(|l| l.split_once('=')).map(|(k, v)| (k.to_owned(), v.to_owned())).collect()
}

fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[test]
fn plan_names_the_build_cache_by_source_digest_and_platform() {
    let sb = Sandbox::new();
    sb.source_tree("fn main() {}\n");
    let first = plan(&sb, &[]);
    assert_eq!(first["build"], "true", "no release binary in the manifest: {first:?}");
    let key = &first["cache-key"];
    let digest = key.rsplit('-').next().unwrap_or_default();
    assert!(is_sha256(digest), "{key}");
    assert!(key.starts_with("truegreen-source-v1-Linux-X64-self-hosted-"), "{key}");
    let dir = std::path::PathBuf::from(&first["cache-dir"]);
    assert!(dir.starts_with(sb.tool_cache.join(format!("truegreen/source/{digest}"))), "{}", dir.display());
    assert_eq!(plan(&sb, &[]), first, "the same source, the same key");

    // Another source (a new commit of the action) is another key; the runner image is part of it.
    sb.source_tree("fn main() { println!(\"v2\"); }\n");
    let second = plan(&sb, &[]);
    assert_ne!(second["cache-key"], first["cache-key"]);
    let image = plan(&sb, &[("ImageOS", "ubuntu24")]);
    assert!(image["cache-key"].starts_with("truegreen-source-v1-Linux-X64-ubuntu24-"), "{image:?}");

    // A release binary for the runner: nothing to build, nothing to cache.
    let line = sb.release_asset(LINUX, RELEASE_BINARY);
    sb.manifest(&line);
    assert_eq!(plan(&sb, &[]), [("build".to_owned(), "false".to_owned())].into());
    assert_eq!(plan(&sb, &[("INPUT_BUILD_FROM_SOURCE", "always")])["build"], "true");
    sb.manifest("");
    assert_eq!(plan(&sb, &[("INPUT_BUILD_FROM_SOURCE", "never")]), [("build".to_owned(), "false".to_owned())].into());
    assert_eq!(plan(&sb, &[("INPUT_BUILD_CACHE", "false")]), [("build".to_owned(), "true".to_owned())].into());

    // In a job, the outputs go to $GITHUB_OUTPUT.
    let output = sb.runner_temp.join("github_output");
    let out = sb.run_subcommand("plan", &[("GITHUB_OUTPUT", &output.display().to_string())]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
    let written = std::fs::read_to_string(&output).unwrap_or_default();
    assert!(written.starts_with("build=true\ncache-dir=") && written.contains("\ncache-key=truegreen-source-v1-"));
}

/// What `cargo build --release` leaves for the launcher to keep: a stand-in
/// of the release binary's size (8 MiB, which the launcher hashes on every
/// start), that prints its arguments.
fn built_stand_in(sb: &Sandbox) -> std::path::PathBuf {
    let path = sb.root.path().join("built-truegreen");
    let mut script = b"#!/bin/sh\necho \"restored-build $*\"\nexit 0\n".to_vec();
    script.resize(8 << 20, b'#');
    std::fs::write(&path, script).unwrap_or_else(|e| panic!("{e}"));
    path
}

/// A build reused from the cache costs hashing the source and the binary; a
/// cold one the whole `cargo build --release --locked` (207 s on a 2-core
/// runner, 9 min here: see docs/action.md; the stub cargo only copies).
#[test]
fn a_source_build_is_built_once_then_restored_and_started_in_well_under_a_second() {
    let first_job = Sandbox::new();
    first_job.source_tree("fn main() {}\n");
    let stand_in = built_stand_in(&first_job);
    let built = ("STUB_BUILT_BINARY", stand_in.to_str().unwrap_or_default());
    let cold = std::time::Instant::now();
    let out = first_job.run(&[paths(), built]);
    let cold = cold.elapsed();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("restored-build check "), "{}", stdout(&out));
    let cache_dir = std::path::PathBuf::from(&plan(&first_job, &[])["cache-dir"]);
    assert_eq!(first_job.calls().iter().filter(|c| c.starts_with("cargo build")).count(), 1);
    let recorded = std::fs::read_to_string(cache_dir.join("truegreen.sha256")).unwrap_or_default();
    assert_eq!(recorded.trim_end(), sha256_hex(&std::fs::read(&stand_in).unwrap_or_default()));

    // The next job: actions/cache restores the directory under the key plan named.
    let next_job = Sandbox::new();
    next_job.source_tree("fn main() {}\n");
    let next_plan = plan(&next_job, &[]);
    assert_eq!(next_plan["cache-key"], plan(&first_job, &[])["cache-key"], "same source, same platform, same key");
    let restored = std::path::PathBuf::from(&next_plan["cache-dir"]);
    std::fs::create_dir_all(&restored).unwrap_or_else(|e| panic!("{e}"));
    for name in ["truegreen", "truegreen.sha256"] {
        std::fs::copy(cache_dir.join(name), restored.join(name)).unwrap_or_else(|e| panic!("{e}"));
    }
    let warm = std::time::Instant::now();
    let out = next_job.run(&[paths()]);
    let warm = warm.elapsed();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("restored-build check "), "{}", stdout(&out));
    assert!(next_job.calls().is_empty(), "restored: no cargo: {:?}", next_job.calls());
    assert!(stderr(&out).contains("using truegreen built from this action's source earlier"), "{}", stderr(&out));
    eprintln!("source build: cold (stub cargo) {cold:?}; warm start {warm:?}");
    assert!(warm < std::time::Duration::from_secs(1), "the warm start took {warm:?}");

    // A restored binary that is not what was recorded is rebuilt, never run.
    std::fs::write(restored.join("truegreen"), "#!/bin/sh\necho altered\n").unwrap_or_else(|e| panic!("{e}"));
    let out = next_job.run(&[paths(), built]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("restored-build "), "{}", stdout(&out));
    assert!(stderr(&out).contains("does not match its recorded sha256; building again"), "{}", stderr(&out));
    assert_eq!(next_job.calls().iter().filter(|c| c.starts_with("cargo build")).count(), 1);
}

#[test]
fn without_the_build_cache_the_build_lasts_one_job() {
    let sb = Sandbox::new();
    sb.source_tree("fn main() {}\n");
    let no_cache = ("INPUT_BUILD_CACHE", "false");
    let first = sb.run_subcommand("resolve", &[no_cache]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    assert!(stdout(&first).trim_end().starts_with(&sb.runner_temp.display().to_string()), "{}", stdout(&first));
    // action.yml's last step finds this job's build: no second cargo run.
    let run = sb.run(&[paths(), no_cache]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(stdout(&run).starts_with("built-from-source check "), "{}", stdout(&run));
    assert_eq!(sb.calls().len(), 1, "{:?}", sb.calls());
    assert!(sb.tool_cache_files().is_empty(), "{:?}", sb.tool_cache_files());
    let bad = sb.run(&[paths(), ("INPUT_BUILD_CACHE", "yes")]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("build-cache must be true or false"), "{}", stderr(&bad));
}
