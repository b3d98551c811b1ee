//! Shared helpers for integration tests: locate the shared fixtures and run the
//! real binary.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

/// `../shared/fixtures/<sub>` beside the repository. Panics with a clear message
/// when it is missing, because the fixture tests must not pass vacuously.
pub fn shared_fixtures(sub: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures").join(sub);
    assert!(dir.is_dir(), "shared fixtures missing at {}: CI must run with shared/ beside the repo", dir.display());
    dir
}

/// The result of one `truegreen` run.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub verdict: Value,
}

impl Run {
    /// The distinct rule codes of all findings, sorted.
    pub fn rules(&self) -> Vec<String> {
        let mut codes: Vec<String> = self.verdict["findings"]
            .as_array()
            .map(|a| a.iter().filter_map(|f| f["rule"].as_str().map(str::to_owned)).collect())
            .unwrap_or_default();
        codes.sort();
        codes.dedup();
        codes
    }
}

/// Run `truegreen check ARGS --json <tmp>` and return its exit code, stdout and verdict document.
pub fn check(args: &[&str]) -> Run {
    let dir = tempfile::tempdir().expect("tempdir");
    let json = dir.path().join("verdict.json");
    let output = Command::cargo_bin("truegreen")
        .expect("binary")
        .arg("check")
        .args(["--color", "never", "--today", "2026-11-20", "--json"])
        .arg(&json)
        .args(args)
        .output()
        .expect("run truegreen");
    let code = output.status.code().expect("exit code");
    let verdict =
        std::fs::read_to_string(&json).ok().and_then(|s| serde_json::from_str(&s).ok()).unwrap_or(Value::Null);
    Run { code, stdout: String::from_utf8_lossy(&output.stdout).into_owned(), verdict }
}
