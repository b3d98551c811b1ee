//! Replay bundles, failure digests and the diagnostics index: lists of failures.

use serde_json::{Value, json};

use super::*;
use crate::model::{CaseOutcome, SourceLocation};

fn run_bundle() -> Value {
    json!({
        "schema": "pi.e2e.replay_bundle.v1",
        "generated_at": "2026-03-01T00:00:00Z",
        "correlation_id": "run-1",
        "source_summary_path": "tests/e2e_results/20260301T000000Z/summary.json",
        "one_command_replay": "./scripts/e2e/run_all.sh --rerun-from tests/e2e_results/20260301T000000Z/summary.json",
        "environment": {"profile": "ci", "git_sha": "abc1234", "git_branch": "main"},
        "failed_suites": [{"suite": "e2e_tui", "exit_code": 1, "root_cause_class": "assertion_failure",
            "runner_replay": "./scripts/e2e/run_all.sh --profile focused --skip-lint --suite e2e_tui",
            "cargo_replay": "cargo test --test e2e_tui -- --nocapture",
            "targeted_replay": "cargo test --test e2e_tui test_basic_chat -- --nocapture",
            "digest_path": "e2e_tui/failure_digest.json"}],
        "failed_unit_targets": [{"target": "node_http_shim", "exit_code": 1, "cargo_replay": "cargo test --test node_http_shim -- --nocapture"}],
        "failed_gates": [],
        "summary": {"total_failed_suites": 1, "total_failed_units": 1, "total_failed_gates": 0,
                    "all_commands_reference_valid_targets": true}
    })
}

#[test]
fn a_run_bundle_lists_failures_with_every_replay_command() {
    let ev = read_json(Format::PiReplayBundle, "run/replay_bundle.json", &run_bundle());
    let suite = failure(&ev, "e2e_tui");
    assert_eq!(suite.replay.as_deref(), Some("cargo test --test e2e_tui test_basic_chat -- --nocapture"));
    let message = suite.message.as_deref().unwrap_or_default();
    assert!(message.contains("cargo replay: cargo test --test e2e_tui -- --nocapture"), "{message}");
    assert!(message.contains("runner replay: ./scripts/e2e/run_all.sh"), "{message}");
    assert_eq!(failure(&ev, "node_http_shim").suite.as_deref(), Some("failed_unit_targets"));
    assert_eq!(ev.replay_commands.len(), 1);
    assert!(ev.provenance.iter().any(|p| p.value == "abc1234"));
    assert_verdict(vec![ev], 1, &[]);
}

#[test]
fn bundle_totals_are_checked_against_the_lists() {
    let mut doc = run_bundle();
    doc["summary"]["total_failed_suites"] = json!(0);
    let ev = read_json(Format::PiReplayBundle, "run/replay_bundle.json", &doc);
    assert_eq!(broken_claims(&ev), vec!["summary.total_failed_suites: 0 vs 1"]);
    assert_verdict(vec![ev], 3, &["TG103"]);
}

#[test]
fn a_clean_bundle_needs_no_cases_of_its_own() {
    let mut doc = run_bundle();
    doc["failed_suites"] = json!([]);
    doc["failed_unit_targets"] = json!([]);
    doc["summary"]["total_failed_suites"] = json!(0);
    doc["summary"]["total_failed_units"] = json!(0);
    let ev = read_json(Format::PiReplayBundle, "run/replay_bundle.json", &doc);
    // Alone, only the run-wide "nothing ran" fires, not the per-artifact one.
    let v = assert_verdict(vec![ev], 3, &["TG201"]);
    assert!(v.findings[0].artifact.is_none());
}

#[test]
fn a_bundle_listing_failures_its_summary_does_not_have_is_stale() {
    let summary = json!({"schema": "pi.e2e.summary.v1", "total_suites": 1, "passed_suites": 1, "failed_suites": 0,
        "failed_names": [], "total_units": 1, "passed_units": 0, "failed_units": 1, "failed_unit_names": ["node_http_shim"],
        "suites": [{"suite": "e2e_tui", "exit_code": 0, "passed": 3, "failed": 0, "ignored": 0, "total": 3}],
        "unit_targets": [{"target": "node_http_shim", "exit_code": 101, "passed": 0, "failed": 1, "ignored": 0, "total": 1}]});
    let v = assert_verdict(
        vec![
            read_json(Format::PiReplayBundle, "run/replay_bundle.json", &run_bundle()),
            read_json(Format::PiSummary, "run/summary.json", &summary),
        ],
        3,
        &["TG110"],
    );
    assert_eq!(v.findings.len(), 1, "only e2e_tui is stale: {:?}", v.findings);
    assert!(v.findings[0].message.contains("suites::e2e_tui"), "{}", v.findings[0].message);
}

fn digest(exit_code: i64, location: Value) -> Value {
    json!({
        "schema": "pi.e2e.failure_digest.v1",
        "generated_at": "2026-03-01T00:00:00Z",
        "correlation_id": "run-1",
        "suite": "e2e_tui",
        "exit_code": exit_code,
        "root_cause_class": "assertion_failure",
        "impacted_scenario_ids": ["tui-basic-chat"],
        "first_failing_assertion": {"test": "test_basic_chat", "location": location,
            "message": "assertion `left == right` failed", "raw_header": "thread 'test_basic_chat' panicked"},
        "remediation_pointer": {"class": "assertion_failure", "summary": "Inspect the assertion",
            "replay_command": "./scripts/e2e/run_all.sh --profile focused --skip-lint --suite e2e_tui",
            "suite_replay_command": "cargo test --test e2e_tui -- --nocapture",
            "targeted_test_replay_command": "cargo test --test e2e_tui test_basic_chat -- --exact --nocapture",
            "cargo_rerun_hint": "cargo test --test e2e_tui"},
        "artifact_paths": {"result_json": "e2e_tui/result.json"},
        "timeline": {"schema": "pi.e2e.failure_timeline_event.v1", "path": "e2e_tui/failure_timeline.jsonl", "event_count": 4}
    })
}

#[test]
fn a_digest_is_a_located_failure_with_its_targeted_replay() {
    let ev = read_json(
        Format::PiFailureDigest,
        "run/e2e_tui/failure_digest.json",
        &digest(101, json!({"file": "tests/e2e_tui.rs", "line": 88, "column": 5})),
    );
    let f = failure(&ev, "e2e_tui");
    assert_eq!(f.outcome, CaseOutcome::Failed);
    assert_eq!(f.source, Some(SourceLocation { file: "tests/e2e_tui.rs".into(), line: Some(88) }));
    assert_eq!(f.replay.as_deref(), Some("cargo test --test e2e_tui test_basic_chat -- --exact --nocapture"));
    let message = f.message.as_deref().unwrap_or_default();
    for expected in [
        "root cause assertion_failure",
        "first failing test: test_basic_chat",
        "assertion `left == right` failed",
        "suite replay: cargo test --test e2e_tui -- --nocapture",
        "runner replay: ./scripts/e2e/run_all.sh",
    ] {
        assert!(message.contains(expected), "{expected:?} not in {message}");
    }
    assert_verdict(vec![ev], 1, &[]);
}

#[test]
fn the_placeholder_location_is_skipped() {
    let ev = read_json(Format::PiFailureDigest, "d.json", &digest(101, json!({"file": "", "line": 0, "column": 0})));
    assert_eq!(failure(&ev, "e2e_tui").source, None);
}

#[test]
fn a_digest_of_a_passing_suite_contradicts_itself() {
    let ev = read_json(Format::PiFailureDigest, "d.json", &digest(0, json!({"file": "", "line": 0, "column": 0})));
    assert_verdict(vec![ev], 3, &["TG102"]);
}

#[test]
fn a_timeout_digest_is_incomplete() {
    let mut doc = digest(124, json!(null));
    doc["root_cause_class"] = json!("timeout");
    let ev = read_json(Format::PiFailureDigest, "d.json", &doc);
    assert_eq!(failure(&ev, "e2e_tui").outcome, CaseOutcome::Incomplete);
}

#[test]
fn the_diagnostics_index_count_is_checked() {
    let doc = json!({
        "schema": "pi.e2e.failure_diagnostics_index.v1", "generated_at": "2026-03-01T00:00:00Z", "correlation_id": "run-1",
        "artifact_dir": "run", "failed_suite_count": 1, "run_timeline_path": "run/failure_timeline.jsonl",
        "suites": [
            {"suite": "e2e_tui", "digest_path": "e2e_tui/failure_digest.json", "root_cause_class": "panic",
             "impacted_scenario_ids": [], "first_failing_assertion": {"test": "t", "location": {"file": "tests/e2e_tui.rs", "line": 3, "column": 1}, "message": "boom"}},
            {"suite": "e2e_rpc", "digest_path": "e2e_rpc/failure_digest.json", "root_cause_class": "missing_file",
             "impacted_scenario_ids": [], "first_failing_assertion": {"test": "", "location": {"file": "", "line": 0, "column": 0}, "message": ""}}
        ]
    });
    let ev = read_json(Format::PiFailureDiagnosticsIndex, "run/failure_diagnostics_index.json", &doc);
    assert_eq!(failure(&ev, "e2e_tui").outcome, CaseOutcome::Failed);
    assert_eq!(failure(&ev, "e2e_rpc").outcome, CaseOutcome::Errored);
    assert_eq!(failure(&ev, "e2e_rpc").replay.as_deref(), Some("cargo test --test e2e_rpc -- --nocapture"));
    assert_eq!(broken_claims(&ev), vec!["failed_suite_count: 1 vs 2"]);
    assert_verdict(vec![ev], 3, &["TG103"]);
}
