//! Every real JUnit report in `../shared/fixtures/formats`, checked by the
//! built binary with `--exit-code` set to the exit code of the command that
//! produced it: 3 where the report hides a failure or nothing ran, 1 where it
//! honestly shows failures, 0 only where everything passed.

// A test may panic: a failed step should fail it loudly (the lints guard input paths).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::{Path, PathBuf};

use serde_json::Value;

/// Expected exit code and rule codes (in finding order) per fixture.
const EXPECTED: &[(&str, i32, &[&str])] = &[
    ("bats_sample_junit", 1, &[]),
    ("go_junit_report_from_text", 1, &[]),
    // A build failure shows only as the root's errors="1": TG103, and the
    // hidden error is recorded as a case.
    ("gotestsum_junit", 3, &["TG103"]),
    // The suite that failed to load is missing from the report and from its
    // counts; nothing in the file shows it, the visible failures keep it red.
    ("jest_junit", 1, &[]),
    ("jest_junit_only_broken_suite", 3, &["TG105", "TG201", "TG201"]),
    ("mocha_junit", 1, &[]),
    ("nextest_junit", 1, &["TG120"]),
    ("nextest_no_tests_junit", 3, &["TG105", "TG201", "TG201"]),
    ("node_junit", 1, &[]),
    ("pytest_collect_error_xunit2", 1, &[]),
    ("pytest_no_tests", 3, &["TG105", "TG201", "TG201"]),
    ("pytest_xunit1", 1, &[]),
    ("pytest_xunit2", 1, &[]),
];

fn fixtures_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/formats");
    assert!(
        dir.is_dir(),
        "shared fixtures are missing: expected {} (clone `shared` beside the project)",
        dir.display()
    );
    dir
}

fn junit_fixtures() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixtures_dir())
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "xml"));
    files.sort();
    assert!(files.len() >= EXPECTED.len(), "found only {} JUnit fixtures", files.len());
    files
}

fn stem(path: &Path) -> String {
    path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
}

fn producer_exit_code(xml: &Path) -> i32 {
    let rc_path = xml.with_extension("rc");
    let text = std::fs::read_to_string(&rc_path).unwrap_or_else(|e| panic!("{}: {e}", rc_path.display()));
    text.trim().parse().unwrap_or_else(|e| panic!("{}: {e}", rc_path.display()))
}

/// The verdict document with what varies between machines replaced.
fn redacted(mut doc: Value) -> Value {
    doc["truegreen_version"] = "[version]".into();
    if let Some(artifacts) = doc["artifacts"].as_array_mut() {
        for a in artifacts {
            a["path"] = Value::String(file_name(a["path"].as_str()));
            a["modified"] = "[modified]".into();
        }
    }
    if let Some(findings) = doc["findings"].as_array_mut() {
        for f in findings {
            if let Some(path) = f["artifact"].as_str() {
                f["artifact"] = Value::String(file_name(Some(path)));
            }
        }
    }
    doc
}

fn file_name(path: Option<&str>) -> String {
    path.and_then(|p| Path::new(p).file_name()).map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

#[test]
fn every_junit_fixture_gets_the_expected_verdict() {
    let out_dir = tempfile::tempdir().expect("temp dir");
    for xml in junit_fixtures() {
        let name = stem(&xml);
        let Some((_, exit, rules)) = EXPECTED.iter().find(|(n, _, _)| *n == name) else {
            panic!("{name}.xml has no expectation: add it to EXPECTED");
        };
        let json = out_dir.path().join(format!("{name}.json"));
        let output = common::truegreen(out_dir.path())
            .env("GITHUB_WORKSPACE", "/home/runner/work/demo")
            .args(["check", "--color", "never", "--today", "2026-11-21", "--exit-code"])
            .arg(producer_exit_code(&xml).to_string())
            .arg("--json")
            .arg(&json)
            .arg(&xml)
            .output()
            .expect("run truegreen");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert_eq!(output.status.code(), Some(*exit), "{name}:\n{stdout}");
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&json).expect("verdict written")).expect("JSON");
        let found: Vec<&str> = doc["findings"]
            .as_array()
            .map(|f| f.iter().filter_map(|f| f["rule"].as_str()).collect())
            .unwrap_or_default();
        assert_eq!(found, *rules, "{name}:\n{stdout}");
        assert_eq!(doc["artifacts"][0]["format"], "junit", "{name}");
        insta::assert_json_snapshot!(name.as_str(), redacted(doc));
    }
}

#[test]
fn flaky_fail_turns_a_flaky_test_into_a_failure() {
    let xml = fixtures_dir().join("nextest_junit.xml");
    let scratch = tempfile::tempdir().expect("temp dir");
    let run = |flaky: &str| {
        common::truegreen(scratch.path())
            .args(["check", "--color", "never", "--flaky", flaky])
            .arg(&xml)
            .output()
            .expect("run truegreen")
    };
    let default = run("pass");
    let stdout = String::from_utf8_lossy(&default.stdout);
    assert!(stdout.contains("WARNING TG120"), "{stdout}");
    let strict = run("fail");
    let stdout = String::from_utf8_lossy(&strict.stdout);
    assert!(stdout.contains("FAILURE TG120"), "{stdout}");
    assert_eq!(strict.status.code(), Some(1));
}

#[test]
fn a_flaky_only_report_passes_unless_flaky_fails() {
    let dir = tempfile::tempdir().expect("temp dir");
    let xml = dir.path().join("junit.xml");
    std::fs::write(
        &xml,
        r#"<testsuites name="nextest-run" tests="2" failures="0" errors="0" skipped="0" uuid="u">
<testsuite name="app" tests="2" failures="0" errors="0" skipped="0">
<testcase name="t::ok" classname="app"/>
<testcase name="t::flaky" classname="app"><flakyFailure message="panicked"/></testcase>
</testsuite></testsuites>"#,
    )
    .expect("write");
    let code = |flaky: &str| {
        common::truegreen(dir.path())
            .args(["check", "--color", "never", "--exit-code", "0", "--flaky", flaky])
            .arg(&xml)
            .output()
            .expect("run truegreen")
            .status
            .code()
    };
    assert_eq!(code("pass"), Some(0));
    assert_eq!(code("fail"), Some(1));
}
