use serde_json::{Value, json};

use super::*;
use crate::model::{CaseOutcome, ProvenanceKind};

fn result(kind: &str, name: &str, exit_code: i64, passed: u64, failed: u64, ignored: u64) -> Value {
    let name_key = if kind == "suite" { "suite" } else { "target" };
    json!({
        "schema": "pi.e2e.result.v1",
        "result_kind": kind,
        "correlation_id": "20260301T000000Z-none",
        name_key: name,
        "exit_code": exit_code,
        "duration_ms": 1200,
        "passed": passed,
        "failed": failed,
        "ignored": ignored,
        "total": passed + failed + ignored,
        "log_file": format!("/work/tests/e2e_results/20260301T000000Z/{name}/output.log"),
        "timestamp": "20260301T000000Z"
    })
}

fn read_result(doc: &Value) -> Evidence {
    read_json(Format::PiResult, "run/e2e_tools/result.json", doc)
}

#[test]
fn honest_pass_records_one_passed_case_and_provenance() {
    let ev = read_result(&result("suite", "e2e_tools", 0, 12, 0, 1));
    assert_eq!(ev.tally.passed, 1);
    assert!(
        ev.provenance.iter().any(|p| p.kind == ProvenanceKind::CorrelationId && p.value == "20260301T000000Z-none")
    );
    assert_verdict(vec![ev], 0, &[]);
}

#[test]
fn honest_failure_carries_the_cargo_replay() {
    let ev = read_result(&result("suite", "e2e_tools", 101, 10, 2, 0));
    let f = failure(&ev, "e2e_tools");
    assert_eq!(f.outcome, CaseOutcome::Failed);
    assert_eq!(f.replay.as_deref(), Some("cargo test --test e2e_tools -- --nocapture"));
    assert!(f.message.as_deref().is_some_and(|m| m.contains("2 test(s) failed")), "{:?}", f.message);
    assert_verdict(vec![ev], 1, &[]);
}

#[test]
fn nonzero_exit_with_nothing_counted_is_an_errored_case() {
    // The committed e2e_rpc sample: a compile failure (disk full), counts all 0.
    let doc = json!({"suite": "e2e_rpc", "exit_code": 101, "duration_ms": 47863, "passed": 0, "failed": 0,
                     "ignored": 0, "total": 0, "log_file": "/x/e2e_rpc/output.log", "timestamp": "20260206T212320Z"});
    let ev = read_result(&doc);
    let f = failure(&ev, "e2e_rpc");
    assert_eq!(f.outcome, CaseOutcome::Errored);
    let message = f.message.as_deref().unwrap_or_default();
    assert!(message.contains("exit code 101 with no failed test counted"), "{message}");
    assert!(message.contains("/x/e2e_rpc/output.log"), "{message}");
    assert_verdict(vec![ev], 1, &[]);
}

#[test]
fn exit_zero_with_nothing_run_is_vacuous() {
    let ev = read_result(&result("suite", "e2e_tools", 0, 0, 0, 0));
    assert_eq!(ev.tally.skipped, 1);
    assert_eq!(ev.tally.executed(), 0);
    assert_verdict(vec![ev], 3, &["TG201"]);
}

#[test]
fn exit_zero_with_failed_tests_counted_is_a_count_mismatch() {
    let ev = read_result(&result("unit", "node_http_shim", 0, 3, 1, 0));
    assert_eq!(broken_claims(&ev), vec!["failed: 1 vs 0"]);
    assert_verdict(vec![ev], 3, &["TG103"]);
}

#[test]
fn a_total_that_does_not_add_up_is_a_count_mismatch() {
    let mut doc = result("suite", "e2e_tools", 0, 5, 0, 1);
    doc["total"] = json!(9);
    let ev = read_result(&doc);
    assert_eq!(broken_claims(&ev), vec!["total: 9 vs 6"]);
    assert_verdict(vec![ev], 3, &["TG103"]);
}

#[test]
fn lib_results_replay_the_inline_tests() {
    let ev = read_result(&result("lib", "lib", 101, 50, 1, 0));
    assert_eq!(failure(&ev, "lib").replay.as_deref(), Some("cargo test --lib -- --nocapture"));
    assert_eq!(failure(&ev, "lib").suite.as_deref(), Some("lib"));
}

#[test]
fn hostile_names_are_quoted_in_the_replay() {
    let ev = read_result(&result("suite", "$(touch pwned)", 1, 0, 1, 0));
    assert_eq!(
        failure(&ev, "$(touch pwned)").replay.as_deref(),
        Some("cargo test --test '$(touch pwned)' -- --nocapture")
    );
}

#[test]
fn malformed_input_is_unparseable_never_a_pass() {
    let cut = read(Format::PiResult, "r.json", "{\"suite\": \"e2e_tools\", \"exit_code\": 0, \"passed\": 12");
    assert!(unparseable(&cut).is_some_and(|m| m.contains("EOF")), "{:?}", unparseable(&cut));
    assert_verdict(vec![cut], 3, &["TG001", "TG201"]);

    let cases = [
        (
            json!({"suite": "s", "exit_code": "0", "passed": 1, "failed": 0}),
            "field exit_code: expected an integer, found string",
        ),
        (
            json!({"suite": "s", "exit_code": 0, "passed": -1, "failed": 0}),
            "field passed: expected a non-negative integer, found number -1",
        ),
        (
            json!({"suite": "s", "exit_code": 0, "passed": 1e30, "failed": 0}),
            "field passed: expected a non-negative integer",
        ),
        (json!({"suite": "s", "exit_code": 1e30, "passed": 1, "failed": 0}), "field exit_code: expected an integer"),
        (json!({"suite": "s", "passed": 1, "failed": 0}), "field exit_code: expected a value, found nothing"),
        (json!({"exit_code": 0, "passed": 1, "failed": 0}), "field suite: expected a suite or target name"),
        (
            json!({"suite": "s", "result_kind": "bench", "exit_code": 0}),
            "field result_kind: expected lib, unit or suite",
        ),
        (json!(["not", "an", "object"]), "field (root): expected an object, found an array"),
    ];
    for (doc, expected) in cases {
        let ev = read_result(&doc);
        let message = unparseable(&ev).unwrap_or_default();
        assert!(message.starts_with(expected), "{doc}: {message}");
    }
}

#[test]
fn counts_that_overflow_when_added_are_unparseable() {
    let doc = json!({"suite": "s", "exit_code": 0, "passed": u64::MAX, "failed": 1, "ignored": 0, "total": 1});
    let ev = read_result(&doc);
    assert!(unparseable(&ev).is_some_and(|m| m.contains("too large")), "{:?}", unparseable(&ev));
}
