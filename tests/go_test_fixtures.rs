//! The real go 1.19 `go test -json` streams in tests/fixtures/go-test/go1.19,
//! judged through the binary, with and without go's own exit code (`.rc`).

mod common;

use std::path::PathBuf;

use common::{check, fixture};

fn go119(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/go-test/go1.19").join(name)
}

#[test]
fn a_fail_event_forged_by_printed_output_is_not_a_failure() {
    // go exits 0: a passing test printed `--- FAIL: TestGhost (0.00s)`, which go
    // 1.19's test2json turned into a `fail` event for a test that never ran.
    let report = go119("forged-event.jsonl");
    let rc = std::fs::read_to_string(go119("forged-event.rc")).unwrap_or_default();
    assert_eq!(rc.trim(), "0");
    let path = report.display().to_string();
    for args in [vec![path.as_str()], vec!["--exit-code", "0", path.as_str()]] {
        let run = check(&args);
        assert_eq!(run.code, 0, "{args:?}\n{}", run.stdout);
        assert_eq!(run.rules(), ["TG502"], "{args:?}");
        let warning = &common::findings(&run.verdict, "TG502")[0];
        assert_eq!(warning["severity"], "warning");
        assert_eq!(warning["position"]["line"], 4);
        assert!(warning["message"].as_str().is_some_and(|m| m.contains("TestGhost")), "{warning}");
        // TestPrintsForgedLines, TestReal, and the forged TestGhost2 (the documented limit).
        assert_eq!(run.verdict["totals"]["derived"]["passed"], 3, "{}", run.verdict["totals"]);
        assert_eq!(run.verdict["totals"]["derived"]["failed"], 0);
    }
}

#[test]
fn honest_go_failures_still_fail() {
    let honest = go119("honest-failure.jsonl").display().to_string();
    for args in [vec![honest.as_str()], vec!["--exit-code", "1", honest.as_str()]] {
        let run = check(&args);
        assert_eq!((run.code, run.rules()), (1, Vec::<String>::new()), "{args:?}\n{}", run.stdout);
        assert_eq!(run.verdict["totals"]["derived"]["failed"], 2, "TestFails and TestSubtests/bad");
    }
    for shared in ["formats/go_panic.jsonl", "formats/go_ok.jsonl"] {
        let run = check(&[&fixture(shared).display().to_string()]);
        assert_eq!((run.code, run.rules()), (1, Vec::<String>::new()), "{shared}\n{}", run.stdout);
    }
}

#[test]
fn the_inventory_records_each_tests_elapsed_seconds() {
    // dorny/test-reporter's go run: `Elapsed` on each final event, in seconds.
    let tests = common::inventory_of(&fixture("peer-reports/golang-json.json"));
    assert_eq!(common::millis_of(&tests, "TestFailing"), Some(890));
    assert_eq!(common::millis_of(&tests, "TestPassing"), Some(60));
    assert_eq!(common::millis_of(&tests, "TestSkipped"), Some(940));
    assert_eq!(common::millis_of(&tests, "TestCases/1_/_2_=_1"), Some(920));
    // The parent speaks for its subtests: not a test of its own, so no line.
    assert!(!tests.iter().any(|t| t.name == "TestCases"), "{tests:#?}");
    // go 1.19 rounds to the hundredth: a fast test took 0 s, which is a duration.
    let honest = common::inventory_of(&go119("honest-failure.jsonl"));
    assert_eq!(common::millis_of(&honest, "TestPasses"), Some(0));
}
