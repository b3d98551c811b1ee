//! Every real mocha, Jest, Vitest and Playwright JSON report in
//! `tests/fixtures/{mocha-json,jest-json,vitest-json,playwright-json}/`, checked
//! by the built binary with `--exit-code` set to the exit code of the command
//! that wrote it (the `.rc` beside it), and dorny/test-reporter's mocha
//! fixtures in `shared/fixtures/peer-reports/`.
//!
//! Honest passes exit 0 (a retried pass is a TG120 warning), honest failures
//! exit 1; a tampered copy of an honest report exits 3.

// A test may panic: a failed step should fail it loudly (the lints guard input paths).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::{Path, PathBuf};

use serde_json::Value;

fn fixtures(dir: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(dir)
}

/// `(format id, exit code, rule codes, [passed, failed, errored, incomplete, skipped, flaky])`.
type Expected = (&'static str, i32, &'static [&'static str], [u64; 6]);

fn check(path: &Path, exit_code: Option<i32>, expected: Expected) {
    let (format, code, rules, counts) = expected;
    let code_arg = exit_code.map(|c| c.to_string());
    let path_arg = path.display().to_string();
    let mut args = vec![path_arg.as_str()];
    if let Some(c) = &code_arg {
        args.extend(["--exit-code", c]);
    }
    let run = common::check(&args);
    let name = path.display();
    assert_eq!(run.verdict["artifacts"][0]["format"], format, "{name}");
    assert_eq!(run.code, code, "{name}: {}", run.stdout);
    assert_eq!(run.rules(), rules.iter().map(|r| (*r).to_owned()).collect::<Vec<_>>(), "{name}: {}", run.stdout);
    let derived = &run.verdict["totals"]["derived"];
    let got: Vec<u64> = ["passed", "failed", "errored", "incomplete", "skipped", "flaky"]
        .iter()
        .map(|k| derived[*k].as_u64().unwrap_or(u64::MAX))
        .collect();
    assert_eq!(got, counts, "{name}: derived passed, failed, errored, incomplete, skipped, flaky");
}

fn rc(path: &Path) -> i32 {
    let rc = path.with_extension("rc");
    let text = std::fs::read_to_string(&rc).unwrap_or_else(|e| panic!("{}: {e}", rc.display()));
    text.trim().parse().unwrap_or_else(|e| panic!("{}: {e}", rc.display()))
}

/// Check every `<scenario>.json` of one directory against the table, and that
/// the table names every one of them.
fn check_dir(dir: &str, table: &[(&str, Expected)]) {
    let dir = fixtures(dir);
    let mut found: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|n| n.ends_with(".json"))
        .collect();
    found.sort();
    let mut listed: Vec<String> = table.iter().map(|(n, _)| format!("{n}.json")).collect();
    listed.sort();
    assert_eq!(found, listed, "{}", dir.display());
    for (scenario, expected) in table {
        let path = dir.join(format!("{scenario}.json"));
        check(&path, Some(rc(&path)), *expected);
    }
}

const MOCHA: &[(&str, Expected)] = &[
    ("all_pass", ("mocha-json", 0, &[], [3, 0, 0, 0, 0, 0])),
    // Two failures, four pending (it.skip, no body, this.skip(), describe.skip).
    ("mixed", ("mocha-json", 1, &[], [1, 2, 0, 0, 4, 0])),
    ("retry", ("mocha-json", 0, &["TG120"], [1, 0, 0, 0, 0, 1])),
    ("retry_fail", ("mocha-json", 1, &[], [1, 1, 0, 0, 0, 0])),
    // A failing before-all hook (its two tests never ran) and a failing after-all hook.
    ("hook_fail", ("mocha-json", 1, &[], [2, 0, 2, 0, 0, 0])),
];

const JEST: &[(&str, Expected)] = &[
    ("all_pass", ("jest-json", 0, &[], [3, 0, 0, 0, 0, 0])),
    // test.failing that fails is a pass, that passes a failure; skip and todo are skipped.
    ("mixed", ("jest-json", 1, &[], [2, 3, 0, 0, 2, 0])),
    ("retry", ("jest-json", 0, &["TG120"], [1, 0, 0, 0, 0, 1])),
    ("retry_fail", ("jest-json", 1, &[], [1, 1, 0, 0, 0, 0])),
    // Two files that fail to load.
    ("crash", ("jest-json", 1, &[], [1, 0, 2, 0, 0, 0])),
];

const PLAYWRIGHT: &[(&str, Expected)] = &[
    ("all_pass", ("playwright-json", 0, &[], [3, 0, 0, 0, 0, 0])),
    ("mixed", ("playwright-json", 1, &[], [2, 3, 0, 0, 3, 0])),
    ("retry", ("playwright-json", 0, &["TG120"], [1, 0, 0, 0, 0, 1])),
    ("retry_fail", ("playwright-json", 1, &[], [1, 1, 0, 0, 0, 0])),
    // Two files that fail to load: no suites, two top-level errors.
    ("crash", ("playwright-json", 1, &[], [0, 0, 2, 0, 0, 0])),
    ("global_setup", ("playwright-json", 1, &[], [0, 0, 1, 0, 0, 0])),
];

#[test]
fn mocha_fixtures() {
    check_dir("mocha-json/mocha", MOCHA);
}

#[test]
fn jest_fixtures() {
    check_dir("jest-json/jest", JEST);
}

#[test]
fn vitest_fixtures() {
    // The same scenarios, the same verdicts: Vitest writes Jest's shape.
    check_dir("vitest-json/vitest", JEST);
}

#[test]
fn vitest5_fixtures() {
    // vitest 5 only added `benchmarks` to each test: the same verdicts again.
    check_dir("vitest-json/vitest5", JEST);
}

#[test]
fn playwright_fixtures() {
    check_dir("playwright-json/playwright", PLAYWRIGHT);
}

#[test]
fn peer_mocha_reports() {
    // dorny/test-reporter's fixtures: a run with failures (one a timeout), an
    // empty run, and mocha's own suite (839 tests, two titles repeated in a file).
    check(&common::fixture("peer-reports/mocha-json.json"), None, ("mocha-json", 1, &[], [1, 4, 0, 0, 1, 0]));
    check(&common::fixture("peer-reports/empty/mocha-json.json"), None, ("mocha-json", 3, &["TG201"], [0; 6]));
    check(
        &common::fixture("peer-reports/external/mocha/mocha-test-results.json"),
        None,
        ("mocha-json", 0, &[], [833, 0, 0, 0, 6, 0]),
    );
}

/// A copy of a fixture with `edit` applied, in a scratch directory.
fn tampered(dir: &str, scenario: &str, edit: impl FnOnce(&mut Value)) -> (tempfile::TempDir, PathBuf) {
    let source = fixtures(dir).join(format!("{scenario}.json"));
    let text = std::fs::read_to_string(&source).unwrap_or_else(|e| panic!("{}: {e}", source.display()));
    let mut doc: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", source.display()));
    edit(&mut doc);
    let scratch = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let path = scratch.path().join(format!("{scenario}.json"));
    std::fs::write(&path, doc.to_string()).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (scratch, path)
}

#[test]
fn tampered_reports_are_discrepancies() {
    // mocha: the failure dropped from failures[] and the counts fixed; tests[] still holds it.
    let (_d, path) = tampered("mocha-json/mocha", "retry_fail", |doc| {
        doc["failures"] = Value::Array(Vec::new());
        doc["stats"]["failures"] = 0.into();
        doc["stats"]["tests"] = 1.into();
    });
    let run = common::check(&[path.display().to_string().as_str(), "--exit-code", "0"]);
    assert_eq!(run.code, 3, "{}", run.stdout);
    // jest: a file that failed to load dropped, success flipped.
    let (_d, path) = tampered("jest-json/jest", "crash", |doc| {
        if let Some(files) = doc["testResults"].as_array_mut() {
            files.retain(|f| f["status"] == "passed");
        }
        doc["success"] = true.into();
    });
    let run = common::check(&[path.display().to_string().as_str(), "--exit-code", "0"]);
    assert_eq!(run.code, 3, "{}", run.stdout);
    assert!(run.rules().contains(&"TG103".to_owned()), "{:?}", run.rules());
    // playwright: the unexpected test relabelled expected, stats to match.
    let (_d, path) = tampered("playwright-json/playwright", "retry_fail", |doc| {
        doc["suites"][0]["specs"][0]["tests"][0]["status"] = "expected".into();
        doc["suites"][0]["specs"][0]["ok"] = true.into();
        doc["stats"]["expected"] = 2.into();
        doc["stats"]["unexpected"] = 0.into();
    });
    let run = common::check(&[path.display().to_string().as_str(), "--exit-code", "0"]);
    assert_eq!(run.code, 3, "{}", run.stdout);
    assert!(run.rules().contains(&"TG101".to_owned()), "{:?}", run.rules());
}

#[test]
fn truncated_reports_are_unparseable() {
    for (dir, scenario) in [
        ("mocha-json/mocha", "mixed"),
        ("jest-json/jest", "mixed"),
        ("vitest-json/vitest", "mixed"),
        ("playwright-json/playwright", "mixed"),
    ] {
        let source = fixtures(dir).join(format!("{scenario}.json"));
        let text = std::fs::read(&source).unwrap_or_else(|e| panic!("{}: {e}", source.display()));
        let scratch = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let path = scratch.path().join("report.json");
        std::fs::write(&path, &text[..text.len() * 2 / 3]).unwrap_or_else(|e| panic!("{e}"));
        let run = common::check(&[path.display().to_string().as_str()]);
        assert_eq!(run.code, 3, "{dir}: {}", run.stdout);
        assert!(run.rules().contains(&"TG001".to_owned()), "{dir}: {:?}", run.rules());
    }
}

#[test]
fn the_inventory_records_each_tests_duration_in_milliseconds() {
    let jest = common::inventory_of(&fixtures("jest-json/jest").join("all_pass.json"));
    assert_eq!(common::millis_of(&jest, "math adds"), Some(11));
    // Jest writes `duration: null` for a test that did not run.
    let jest = common::inventory_of(&fixtures("jest-json/jest").join("mixed.json"));
    assert_eq!(common::millis_of(&jest, "mixed passes"), Some(6));
    assert_eq!(common::millis_of(&jest, "mixed is skipped"), None);
    // Vitest writes fractions of a millisecond, and no `duration` for a skipped test.
    let vitest = common::inventory_of(&fixtures("vitest-json/vitest").join("mixed.json"));
    assert_eq!(common::millis_of(&vitest, "mixed fails on assertion"), Some(4));
    assert_eq!(common::millis_of(&vitest, "mixed is skipped"), None);
}

#[test]
fn the_inventory_records_mocha_durations_and_none_for_pending_tests() {
    let peers = common::inventory_of(&common::fixture("peer-reports/external/mocha/mocha-test-results.json"));
    assert_eq!(common::millis_of(&peers, "durations when slow should highlight in red"), Some(103));
    // A pending test has no `duration`; one skipped at run time (`this.skip()`) has.
    let mixed = common::inventory_of(&fixtures("mocha-json/mocha").join("mixed.json"));
    assert_eq!(common::millis_of(&mixed, "mixed fails on assertion"), Some(1));
    assert_eq!(common::millis_of(&mixed, "mixed is skipped (it.skip)"), None);
    assert_eq!(common::millis_of(&mixed, "mixed skips itself at run time (this.skip)"), Some(0));
}

#[test]
fn a_retried_playwright_test_took_the_sum_of_its_attempts() {
    let dir = fixtures("playwright-json/playwright");
    // results 8 ms (failed) + 14 ms (passed on retry 1).
    let retry = common::inventory_of(&dir.join("retry.json"));
    assert_eq!(common::millis_of(&retry, "flaky passes on retry"), Some(22));
    assert_eq!(common::millis_of(&retry, "stable"), Some(9));
    // Three failed attempts: 7 + 11 + 6 ms.
    let retry_fail = common::inventory_of(&dir.join("retry_fail.json"));
    assert_eq!(common::millis_of(&retry_fail, "always fails despite retry"), Some(24));
}
