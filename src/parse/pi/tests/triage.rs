use serde_json::{Value, json};

use super::*;
use crate::model::{CaseOutcome, ClaimKind, Status};

fn record(name: &str, baseline: Option<i64>, current: Option<i64>) -> Value {
    json!({"name": name, "baseline_exit_code": baseline, "current_exit_code": current,
           "baseline_log_file": "b.log", "current_log_file": "c.log"})
}

fn surface(lists: &[(&str, Vec<Value>)]) -> Value {
    let mut section = json!({"baseline_total": 0, "current_total": 0, "regressions": [], "fixed": [],
        "unresolved_failures": [], "new_failures": [], "added_pass": [], "removed": [], "stable_pass": []});
    for (key, records) in lists {
        section[*key] = json!(records);
    }
    section
}

fn triage(status: &str, counts: [u64; 4], suites: Value) -> Value {
    json!({
        "schema": "pi.e2e.triage_diff.v1",
        "generated_at": "2026-03-01T00:00:00Z",
        "status": status,
        "baseline_summary_path": "base/summary.json",
        "current_summary_path": "run/summary.json",
        "summary": {"regression_count": counts[0], "new_failure_count": counts[1],
                    "unresolved_failure_count": counts[2], "fixed_count": counts[3],
                    "unit_regression_count": 0, "suite_regression_count": counts[0]},
        "unit_targets": surface(&[]),
        "suites": suites,
        "recommended_commands": {
            "runner_repro_command": "./scripts/e2e/run_all.sh --profile focused --skip-lint --suite e2e_tools",
            "target_commands": {"suite:e2e_tools": "cargo test --test e2e_tools -- --nocapture"},
            "ranked_repro_commands": [], "semantic_focus_commands": []
        }
    })
}

fn read_triage(doc: &Value) -> Evidence {
    read_json(Format::PiTriageDiff, "run/triage_diff.json", doc)
}

fn triage_observation(ev: &Evidence) -> (Status, u64, u64, Vec<String>) {
    match ev.observations.iter().find(|o| matches!(o, Observation::TriageStatus { .. })) {
        Some(Observation::TriageStatus { claimed, regression_count, new_failure_count, listed, .. }) => {
            (*claimed, *regression_count, *new_failure_count, listed.clone())
        }
        _ => panic!("no triage status in {:?}", ev.observations),
    }
}

#[test]
fn an_honest_regression_is_a_failure_with_its_replay() {
    let suites = surface(&[
        ("regressions", vec![record("e2e_tools", Some(0), Some(101))]),
        ("stable_pass", vec![record("e2e_tui", Some(0), Some(0))]),
    ]);
    let ev = read_triage(&triage("regression", [1, 0, 0, 0], suites));
    let f = failure(&ev, "e2e_tools");
    assert_eq!(f.outcome, CaseOutcome::Failed);
    assert_eq!(f.replay.as_deref(), Some("cargo test --test e2e_tools -- --nocapture"));
    assert_eq!(ev.replay_commands.len(), 1);
    // The status is an observation only: no status claim for the same field.
    assert!(!ev.claims.iter().any(|c| matches!(c.kind, ClaimKind::Status { .. })));
    assert_verdict(vec![ev], 1, &[]);
}

#[test]
fn stable_over_a_listed_regression_hides_it() {
    let suites = surface(&[("regressions", vec![record("e2e_tools", Some(0), Some(101))])]);
    let ev = read_triage(&triage("stable", [1, 0, 0, 0], suites));
    assert_eq!(triage_observation(&ev), (Status::Pass, 1, 0, vec!["suite:e2e_tools".to_owned()]));
    assert_verdict(vec![ev], 3, &["TG104"]);
}

#[test]
fn known_failures_only_over_a_new_failure_hides_it() {
    let suites = surface(&[
        ("new_failures", vec![record("e2e_new", None, Some(1))]),
        ("unresolved_failures", vec![record("e2e_old", Some(1), Some(1))]),
    ]);
    let ev = read_triage(&triage("known_failures_only", [0, 1, 1, 0], suites));
    assert_verdict(vec![ev], 3, &["TG104"]);
}

#[test]
fn a_regression_filed_as_stable_is_found_from_the_exit_codes() {
    let suites = surface(&[("stable_pass", vec![record("e2e_tools", Some(0), Some(101))])]);
    let ev = read_triage(&triage("stable", [0, 0, 0, 0], suites));
    assert_eq!(broken_claims(&ev), vec!["summary.regression_count: 0 vs 1", "summary.suite_regression_count: 0 vs 1"]);
    assert_eq!(failure(&ev, "e2e_tools").outcome, CaseOutcome::Failed);
    assert_verdict(vec![ev], 3, &["TG103", "TG104"]);
}

#[test]
fn fixed_and_removed_are_not_failures() {
    let suites = surface(&[
        ("fixed", vec![record("e2e_a", Some(1), Some(0))]),
        ("removed", vec![record("e2e_b", Some(1), None)]),
    ]);
    let ev = read_triage(&triage("stable", [0, 0, 0, 1], suites));
    assert_eq!((ev.tally.passed, ev.tally.skipped, ev.tally.failures()), (1, 1, 0));
    assert_verdict(vec![ev], 0, &[]);
}

#[test]
fn ranked_diagnostics_supply_a_replay_where_target_commands_have_none() {
    let suites = surface(&[("unresolved_failures", vec![record("e2e_old", Some(1), Some(1))])]);
    let mut doc = triage("known_failures_only", [0, 0, 1, 0], suites);
    doc["ranked_diagnostics"] = json!([{"surface": "suite", "name": "e2e_old", "severity": "unresolved_failure",
        "priority_score": 70, "recommended_command": "cargo test --test e2e_old -- --nocapture", "rank": 1}]);
    let ev = read_triage(&doc);
    assert_eq!(failure(&ev, "e2e_old").replay.as_deref(), Some("cargo test --test e2e_old -- --nocapture"));
    assert_verdict(vec![ev], 1, &[]);
}

#[test]
fn wrong_types_are_unparseable() {
    let mut doc = triage("stable", [0, 0, 0, 0], surface(&[]));
    doc["suites"]["regressions"] = json!([{"name": "x", "current_exit_code": "1"}]);
    let ev = read_triage(&doc);
    assert_eq!(
        unparseable(&ev),
        Some("field suites.regressions[0].current_exit_code: expected an integer, found string \"1\"")
    );
}
