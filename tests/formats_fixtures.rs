//! Every non-XML report in `shared/fixtures/formats` (CTRF, TAP, go test -json),
//! and the cargo output behind a pi `result.json`, checked by the built binary
//! with `--exit-code` set to the exit code of the command that produced it.
//!
//! Exit 3 where the report hides a failure or nothing ran, 1 where it honestly
//! shows failures, 0 only where everything passed. The redacted verdict
//! documents are insta snapshots (`tests/snapshots/`).

// A test may panic: a failed step should fail it loudly (the lints guard input paths).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::{Path, PathBuf};

use serde_json::Value;

fn shared_fixtures() -> PathBuf {
    common::shared_fixtures("")
}

/// Run `truegreen check` on one file; returns the exit code and the verdict document.
fn check(path: &Path, exit_code: Option<i32>) -> (i32, Value) {
    let code = exit_code.map(|c| c.to_string());
    let path = path.display().to_string();
    let mut args = vec![path.as_str()];
    if let Some(code) = &code {
        args.extend(["--exit-code", code]);
    }
    let run = common::check(&args);
    assert!(!run.verdict.is_null(), "no verdict for {path}");
    (run.code, run.verdict)
}

fn rule_codes(verdict: &Value) -> Vec<String> {
    let mut codes = common::rule_codes(verdict);
    codes.sort();
    codes.dedup();
    codes
}

/// The verdict without what changes from machine to machine.
fn redacted(mut verdict: Value) -> Value {
    verdict["truegreen_version"] = "[version]".into();
    if let Some(artifacts) = verdict["artifacts"].as_array_mut() {
        for artifact in artifacts {
            if let Some(object) = artifact.as_object_mut() {
                object.remove("modified");
                let name = object
                    .get("path")
                    .and_then(Value::as_str)
                    .and_then(|p| Path::new(p).file_name())
                    .map(|n| n.to_string_lossy().into_owned());
                if let Some(name) = name {
                    object.insert("path".into(), name.into());
                }
            }
        }
    }
    if let Some(findings) = verdict["findings"].as_array_mut() {
        for finding in findings {
            let name = finding["artifact"]
                .as_str()
                .and_then(|p| Path::new(p).file_name())
                .map(|n| n.to_string_lossy().into_owned());
            if let Some(name) = name {
                finding["artifact"] = name.into();
            }
        }
    }
    verdict
}

/// file name → (format id, expected exit code, expected rule codes).
const EXPECTED: &[(&str, &str, i32, &[&str])] = &[
    // bats killed mid-run: plan 1..3, two test points, rc 1 with no failure shown.
    ("bats_crash_midtest.tap", "tap", 3, &["TG103", "TG105"]),
    ("bats_sample.tap", "tap", 1, &[]),
    // go 1.19: one plain-text `FAIL pkg [build failed]` line, no JSON.
    ("go_buildfail.jsonl", "go-test-json", 1, &[]),
    ("go_ok.jsonl", "go-test-json", 1, &[]),
    ("go_panic.jsonl", "go-test-json", 1, &[]),
    // CTRF 0.0.0 with `suite` as a string (tolerated).
    ("jest_ctrf_report.json", "ctrf", 1, &[]),
    ("node_broken.tap", "tap", 1, &[]),
    // A failing TODO is not a failure; a nested failure under a failing suite is.
    ("node_sample.tap", "tap", 1, &[]),
    ("pytest_ctrf_report.json", "ctrf", 1, &[]),
];

#[test]
fn every_non_xml_format_fixture_gets_the_expected_verdict() {
    let dir = shared_fixtures().join("formats");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("json" | "tap" | "jsonl")))
        .collect();
    files.sort();
    let names: Vec<String> =
        files.iter().filter_map(|p| p.file_name()).map(|n| n.to_string_lossy().into_owned()).collect();
    let expected: Vec<&str> = EXPECTED.iter().map(|(name, ..)| *name).collect();
    assert_eq!(names, expected, "every fixture has an expectation, and every expectation a fixture");

    for (path, (name, format, exit, codes)) in files.iter().zip(EXPECTED) {
        let rc_path = path.with_extension("rc");
        let rc: i32 = std::fs::read_to_string(&rc_path)
            .unwrap_or_else(|e| panic!("{}: {e}", rc_path.display()))
            .trim()
            .parse()
            .unwrap_or_else(|e| panic!("{}: {e}", rc_path.display()));
        let (code, verdict) = check(path, Some(rc));
        assert_eq!(verdict["artifacts"][0]["format"], *format, "{name}");
        assert_eq!(code, *exit, "{name}: exit code; findings: {}", verdict["findings"]);
        assert_eq!(verdict["exit_code"], *exit, "{name}");
        assert_eq!(rule_codes(&verdict), *codes, "{name}");
        let snapshot = name.replace('.', "_");
        insta::assert_json_snapshot!(snapshot, redacted(verdict));
    }
}

#[test]
fn the_cargo_output_behind_a_pi_result_is_a_failed_build() {
    let run = shared_fixtures().join("pi/tests/e2e_results/20260206T212320Z/e2e_rpc");
    let result: Value = serde_json::from_str(
        &std::fs::read_to_string(run.join("result.json")).unwrap_or_else(|e| panic!("result.json: {e}")),
    )
    .unwrap_or_else(|e| panic!("result.json: {e}"));
    let rc = result["exit_code"].as_i64().and_then(|c| i32::try_from(c).ok());
    assert_eq!(rc, Some(101));
    let (code, verdict) = check(&run.join("output.log"), rc);
    assert_eq!(verdict["artifacts"][0]["format"], "libtest");
    assert_eq!(code, 1, "{}", verdict["findings"]);
    assert_eq!(rule_codes(&verdict), Vec::<String>::new());
    let failure = &verdict["artifacts"][0]["failures"][0];
    assert_eq!(failure["outcome"], "errored");
    assert!(failure["message"].as_str().is_some_and(|m| m.contains("No space left on device")), "{failure}");
    insta::assert_json_snapshot!("pi_e2e_rpc_output_log", redacted(verdict));
}

/// Copy a fixture into a temp dir with `edit` applied to its text.
fn tampered(name: &str, edit: impl Fn(&str) -> String) -> (tempfile::TempDir, PathBuf) {
    let source = shared_fixtures().join("formats").join(name);
    let text = std::fs::read_to_string(&source).unwrap_or_else(|e| panic!("{name}: {e}"));
    let edited = edit(&text);
    assert_ne!(edited, text, "the edit of {name} changed nothing");
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let path = dir.path().join(name);
    std::fs::write(&path, edited).unwrap_or_else(|e| panic!("write: {e}"));
    (dir, path)
}

/// A fixture, how to tamper with it, the producer's exit code, and rules expected.
type Tampering = (&'static str, Box<dyn Fn(&str) -> String>, i32, &'static [&'static str]);

#[test]
fn tampered_fixtures_are_discrepancies() {
    let cases: Vec<Tampering> = vec![
        // A summary that hides the failures.
        (
            "jest_ctrf_report.json",
            Box::new(|t: &str| t.replace("\"failed\": 3", "\"failed\": 0")),
            0,
            &["TG103", "TG105"],
        ),
        // A status outside the schema's values.
        (
            "pytest_ctrf_report.json",
            Box::new(|t: &str| t.replacen("\"status\": \"failed\"", "\"status\": \"FAIL\"", 1)),
            1,
            &["TG025"],
        ),
        // A package that says pass over its failing tests.
        (
            "go_ok.jsonl",
            Box::new(|t: &str| {
                t.replace(
                    r#""Action":"fail","Package":"example.com/demo/ok","Elapsed":0.004"#,
                    r#""Action":"pass","Package":"example.com/demo/ok","Elapsed":0.004"#,
                )
            }),
            1,
            &["TG101"],
        ),
        // The last events cut off: TestPanics runs and never ends, the package never ends.
        ("go_panic.jsonl", Box::new(|t: &str| t.lines().take(7).map(|l| format!("{l}\n")).collect()), 1, &["TG005"]),
        // The plan removed.
        ("bats_sample.tap", Box::new(|t: &str| t.replace("1..3\n", "")), 1, &["TG020"]),
        // The parent of a failing subtest says ok.
        ("node_sample.tap", Box::new(|t: &str| t.replace("not ok 5 - suite", "ok 5 - suite")), 1, &["TG101"]),
        // A bail-out in the middle.
        (
            "node_sample.tap",
            Box::new(|t: &str| t.replace("# Subtest: skipped\n", "Bail out! out of memory\n")),
            1,
            &["TG023"],
        ),
    ];
    for (name, edit, rc, codes) in cases {
        let (_dir, path) = tampered(name, edit);
        let (code, verdict) = check(&path, Some(rc));
        assert_eq!(code, 3, "{name}: {}", verdict["findings"]);
        let found = rule_codes(&verdict);
        for c in codes {
            assert!(found.iter().any(|f| f == c), "{name}: expected {c} in {found:?}");
        }
    }
}

#[test]
fn empty_and_comment_only_tap_streams_are_not_green() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    for (name, text) in [("empty.tap", ""), ("version.tap", "TAP version 14\n")] {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("write: {e}"));
        let (code, verdict) = check(&path, Some(0));
        assert_eq!(code, 3, "{name}");
        assert!(rule_codes(&verdict).contains(&"TG002".to_owned()), "{name}: {}", verdict["findings"]);
    }
    // Comments alone look like no format at all; forced to TAP they are an empty stream.
    let path = dir.path().join("comments.tap");
    std::fs::write(&path, "# a comment\n# another\n").unwrap_or_else(|e| panic!("write: {e}"));
    let (code, verdict) = check(&path, Some(0));
    assert_eq!((code, rule_codes(&verdict)), (3, vec!["TG003".to_owned(), "TG201".to_owned()]));
    let out = common::bin()
        .args(["check", "--color", "never", "--format", "tap"])
        .arg(&path)
        .output()
        .unwrap_or_else(|e| panic!("run: {e}"));
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stdout).contains("TG002"));
}

/// Run a replay command with its program replaced by one that prints its
/// arguments, in an empty directory: nothing in it may execute.
fn run_inert(command: &str) -> (String, Vec<String>) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let script = format!(
        "show() {{ for a in \"$@\"; do printf '%s\\n' \"$a\"; done; }}\n\
         npx() {{ show \"$@\"; }}; bats() {{ show \"$@\"; }}; go() {{ show \"$@\"; }}\n\
         cargo() {{ show \"$@\"; }}; node() {{ show \"$@\"; }}; pytest() {{ show \"$@\"; }}\n{command}\n"
    );
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(&script)
        .current_dir(dir.path())
        .output()
        .unwrap_or_else(|e| panic!("sh: {e}"));
    let created: Vec<String> = std::fs::read_dir(dir.path())
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    (String::from_utf8_lossy(&out.stdout).into_owned(), created)
}

#[test]
fn hostile_test_names_give_inert_replay_commands() {
    let hostile = "$(touch pwned) `touch pwned2` 'q\" \u{1b}[31mred";
    let json_name = serde_json::to_string(hostile).unwrap_or_default();
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let files = [
        ("bats.tap", format!("1..1\nnot ok 1 {hostile}\n# (in test file tests/x.bats, line 3)\n")),
        (
            "node.tap",
            format!(
                "TAP version 13\n# Subtest: {hostile}\nnot ok 1 - {hostile}\n  ---\n  location: '/w/a.test.mjs:1:1'\n  ...\n1..1\n"
            ),
        ),
        (
            "go.jsonl",
            format!(
                "{{\"Action\":\"run\",\"Package\":\"example.com/p\",\"Test\":{json_name}}}\n{{\"Action\":\"fail\",\"Package\":\"example.com/p\",\"Test\":{json_name}}}\n{{\"Action\":\"fail\",\"Package\":\"example.com/p\"}}\n"
            ),
        ),
        (
            "jest.json",
            format!(
                "{{\"reportFormat\":\"CTRF\",\"specVersion\":\"0.0.0\",\"results\":{{\"tool\":{{\"name\":\"jest\"}},\"summary\":{{\"tests\":1,\"passed\":0,\"failed\":1,\"skipped\":0,\"pending\":0,\"other\":0,\"start\":1,\"stop\":2}},\"tests\":[{{\"name\":{json_name},\"status\":\"failed\",\"duration\":1,\"filePath\":\"$(touch pwned3).js\"}}]}}}}"
            ),
        ),
        (
            "pytest.json",
            format!(
                "{{\"reportFormat\":\"CTRF\",\"specVersion\":\"1.0.0\",\"results\":{{\"tool\":{{\"name\":\"pytest\"}},\"summary\":{{\"tests\":1,\"passed\":0,\"failed\":1,\"skipped\":0,\"pending\":0,\"other\":0,\"start\":1,\"stop\":2}},\"tests\":[{{\"name\":{json_name},\"status\":\"failed\",\"duration\":1}}]}}}}"
            ),
        ),
        (
            "cargo.log",
            format!(
                "     Running tests/api.rs (target/debug/deps/api-0123)\n\nrunning 1 test\ntest {hostile} ... FAILED\n\ntest result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out\n"
            ),
        ),
    ];
    for (name, text) in &files {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("write: {e}"));
        let (_, verdict) = check(&path, None);
        let replay = verdict["artifacts"][0]["failures"][0]["replay"].as_str().unwrap_or_default().to_owned();
        assert!(!replay.is_empty(), "{name}: no replay in {verdict}");
        let (printed, created) = run_inert(&replay);
        assert!(created.is_empty(), "{name}: `{replay}` created {created:?}");
        assert!(printed.contains("touch pwned"), "{name}: the name is passed through literally: {printed}");
        assert!(printed.contains('\u{1b}'), "{name}: even escapes stay inside the quoted argument: {printed:?}");
    }
}

#[test]
fn the_new_readers_claim_no_other_formats_files() {
    use truegreen::model::Format;
    let ours = [Format::Ctrf, Format::Tap, Format::GoTestJson, Format::Libtest, Format::LibtestJson];
    let files = common::files_under(&shared_fixtures());
    assert!(files.len() > 100, "the shared fixtures look incomplete: {} files", files.len());
    let mut claimed = Vec::new();
    for path in &files {
        if let Some(format) = common::detected_format(path).filter(|f| ours.contains(f)) {
            let relative = path.strip_prefix(shared_fixtures()).unwrap_or(path).display().to_string();
            claimed.push(format!("{relative} {format}"));
        }
    }
    // Exactly the reports of these formats, the cargo log behind a pi result,
    // and the go report among the peers' fixtures.
    let mut expected: Vec<String> =
        EXPECTED.iter().map(|(name, format, ..)| format!("formats/{name} {format}")).collect();
    expected.push("pi/tests/e2e_results/20260206T212320Z/e2e_rpc/output.log libtest".to_owned());
    // dorny/test-reporter's own `go test -json` fixture.
    expected.push("peer-reports/golang-json.json go-test-json".to_owned());
    expected.sort();
    claimed.sort();
    assert_eq!(claimed, expected);
}

#[test]
fn the_inventory_records_libtest_exec_time() {
    // `cargo test -- -Z unstable-options --format json --report-time`: `exec_time` in seconds.
    let report = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/libtest-json/cargo/report-time.log");
    let (code, verdict) = check(&report, Some(101));
    assert_eq!(verdict["artifacts"][0]["format"], "libtest-json");
    assert_eq!(code, 1, "one honest failure: {}", verdict["findings"]);
    let tests = common::inventory_of(&report);
    assert_eq!(common::millis_of(&tests, "tests::sleeps_a_quarter_second"), Some(250));
    assert_eq!(common::millis_of(&tests, "tests::fails_after_a_tenth_of_a_second"), Some(100));
    // An ignored test's event has no `exec_time`.
    assert_eq!(common::millis_of(&tests, "tests::ignored"), None);
}

#[test]
fn the_inventory_records_node_tests_duration_ms_and_nothing_for_bats() {
    // node:test's TAP writes `duration_ms` in each test point's YAML block.
    let broken = common::inventory_of(&shared_fixtures().join("formats/node_broken.tap"));
    assert_eq!(common::millis_of(&broken, "/home/runner/work/demo/node_proj/broken.test.mjs"), Some(87));
    let sample = common::inventory_of(&shared_fixtures().join("formats/node_sample.tap"));
    assert_eq!(common::millis_of(&sample, "passes"), Some(1));
    // bats writes no duration.
    let bats = common::inventory_of(&shared_fixtures().join("formats/bats_sample.tap"));
    assert!(!bats.is_empty() && bats.iter().all(|t| t.millis.is_none()), "{bats:#?}");
}
