use serde_json::{Value, json};

use super::*;
use crate::model::CaseOutcome;

fn entry(key: &str, name: &str, exit_code: i64, passed: u64, failed: u64) -> Value {
    json!({"schema": "pi.e2e.result.v1", "result_kind": if key == "suite" { "suite" } else { "unit" },
           key: name, "exit_code": exit_code, "passed": passed, "failed": failed, "ignored": 0,
           "total": passed + failed, "timestamp": "20260301T000000Z"})
}

/// A v1 summary whose declared counts follow from its entries.
fn summary(suites: Vec<Value>, units: Vec<Value>) -> Value {
    let failing = |entries: &[Value], key: &str| -> Vec<String> {
        entries
            .iter()
            .filter(|e| e["exit_code"].as_i64() != Some(0) || e.get("error").is_some())
            .filter_map(|e| e[key].as_str().map(str::to_owned))
            .collect()
    };
    let failed_suites = failing(&suites, "suite");
    let failed_units = failing(&units, "target");
    json!({
        "schema": "pi.e2e.summary.v1",
        "timestamp": "20260301T000000Z",
        "profile": "ci",
        "correlation_id": "20260301T000000Z-none",
        "artifact_dir": "/work/tests/e2e_results/20260301T000000Z",
        "shard": {"kind": "none", "name": "none", "index": null, "total": null},
        "total_units": units.len(),
        "passed_units": units.len() - failed_units.len(),
        "failed_units": failed_units.len(),
        "failed_unit_names": failed_units,
        "total_suites": suites.len(),
        "passed_suites": suites.len() - failed_suites.len(),
        "failed_suites": failed_suites.len(),
        "failed_names": failed_suites,
        "unit_targets": units,
        "suites": suites,
    })
}

fn read_summary(doc: &Value) -> Evidence {
    read_json(Format::PiSummary, "run/summary.json", doc)
}

#[test]
fn honest_pass() {
    let doc = summary(
        vec![entry("suite", "e2e_tools", 0, 8, 0), entry("suite", "e2e_tui", 0, 3, 0)],
        vec![entry("target", "node_http_shim", 0, 4, 0)],
    );
    let ev = read_summary(&doc);
    assert_eq!(ev.tally.passed, 3);
    assert!(broken_claims(&ev).is_empty(), "{:?}", broken_claims(&ev));
    assert_verdict(vec![ev], 0, &[]);
}

#[test]
fn honest_failure_with_a_missing_result_file() {
    let mut doc = summary(
        vec![
            entry("suite", "e2e_tools", 101, 7, 1),
            json!({"suite": "e2e_rpc", "exit_code": 1, "error": "no result file"}),
        ],
        vec![entry("target", "node_http_shim", 0, 4, 0)],
    );
    doc["replay_bundle"] = json!({"schema": "pi.e2e.replay_bundle.v1", "path": "replay_bundle.json",
        "one_command_replay": "./scripts/e2e/run_all.sh --rerun-from run/summary.json",
        "failed_suite_count": 2, "failed_unit_count": 0});
    doc["failure_diagnostics"] =
        json!({"schema": "pi.e2e.failure_diagnostics.v1", "failed_suite_count": 2, "suites": []});
    let ev = read_summary(&doc);
    let missing = failure(&ev, "e2e_rpc");
    assert_eq!(missing.outcome, CaseOutcome::Errored);
    assert!(missing.message.as_deref().is_some_and(|m| m.contains("crashed or never ran")), "{:?}", missing.message);
    assert_eq!(failure(&ev, "e2e_tools").outcome, CaseOutcome::Failed);
    assert_eq!(ev.replay_commands, vec!["./scripts/e2e/run_all.sh --rerun-from run/summary.json"]);
    assert_verdict(vec![ev], 1, &[]);
}

#[test]
fn declared_counts_that_hide_a_failure_are_mismatches() {
    let mut doc = summary(vec![entry("suite", "e2e_tools", 101, 0, 2), entry("suite", "e2e_tui", 0, 3, 0)], vec![]);
    doc["failed_suites"] = json!(0);
    doc["passed_suites"] = json!(2);
    doc["failed_names"] = json!([]);
    let ev = read_summary(&doc);
    assert_eq!(broken_claims(&ev), vec!["passed_suites: 2 vs 1", "failed_suites: 0 vs 1", "failed_names: 0 vs 1"]);
    assert_verdict(vec![ev], 3, &["TG103"]);
}

#[test]
fn failed_names_naming_the_wrong_suite_is_a_mismatch() {
    let mut doc = summary(vec![entry("suite", "e2e_tools", 101, 0, 2), entry("suite", "e2e_tui", 0, 3, 0)], vec![]);
    doc["failed_names"] = json!(["e2e_tui"]);
    let ev = read_summary(&doc);
    assert_eq!(broken_claims(&ev), vec!["failed_names (entries naming a failing unit): 1 vs 0"]);
    assert_verdict(vec![ev], 3, &["TG103"]);
}

#[test]
fn failed_unit_names_are_checked_too() {
    let mut doc = summary(vec![entry("suite", "e2e_tools", 0, 1, 0)], vec![entry("target", "a", 1, 0, 1)]);
    doc["failed_unit_names"] = json!([]);
    doc["failed_units"] = json!(0);
    let ev = read_summary(&doc);
    assert_eq!(broken_claims(&ev), vec!["failed_units: 0 vs 1", "failed_unit_names: 0 vs 1"]);
}

#[test]
fn green_sub_statuses_over_failures_are_false_greens() {
    let mut doc = summary(vec![entry("suite", "e2e_tools", 101, 0, 2)], vec![]);
    doc["release_readiness"] = json!({"schema": "pi.e2e.release_readiness.v1", "status": "ready", "overall_ready": true,
        "risk_count": 0, "failing_suites": [], "failing_unit_targets": []});
    doc["evidence_contract"] =
        json!({"schema": "pi.evidence.contract.v1", "status": "pass", "error_count": 0, "warning_count": 0});
    let ev = read_summary(&doc);
    assert_eq!(
        broken_claims(&ev),
        vec![
            "release_readiness.status: ready vs fail",
            "release_readiness.overall_ready: true vs fail",
            "release_readiness.failing_suites: 0 vs 1",
        ]
    );
    assert_verdict(vec![ev], 3, &["TG101", "TG103"]);
}

#[test]
fn an_evidence_contract_pass_over_inconsistent_counts_is_a_false_green() {
    let mut doc = summary(vec![entry("suite", "e2e_tools", 101, 0, 2)], vec![]);
    doc["failed_suites"] = json!(0);
    doc["evidence_contract"] = json!({"status": "pass", "error_count": 0});
    let ev = read_summary(&doc);
    assert!(
        broken_claims(&ev).contains(&"evidence_contract.status: pass vs fail".to_owned()),
        "{:?}",
        broken_claims(&ev)
    );
}

#[test]
fn entry_counts_are_checked_in_aggregate_naming_the_odd_entries() {
    let mut doc = summary(
        vec![entry("suite", "e2e_a", 0, 5, 0), entry("suite", "e2e_b", 0, 5, 0), entry("suite", "e2e_c", 0, 2, 1)],
        vec![],
    );
    doc["suites"][1]["total"] = json!(9);
    let ev = read_summary(&doc);
    assert_eq!(broken_claims(&ev), vec!["suites[].total: 17 vs 13", "suites[].failed: 1 vs 0"]);
    let evidence: Vec<String> = ev.claims.iter().filter(|c| !c.holds()).map(|c| c.derived_text()).collect();
    assert!(evidence[0].contains("differing: e2e_b (total 9, sum 5)"), "{evidence:?}");
    assert!(evidence[1].contains("failures counted in: e2e_c (1)"), "{evidence:?}");
    assert_eq!(ev.claims.len(), 10, "2 aggregated entry claims + 4 suite + 4 unit list claims, none per entry");
}

#[test]
fn replay_bundle_counts_are_checked() {
    let mut doc = summary(vec![entry("suite", "e2e_tools", 101, 0, 2)], vec![]);
    doc["replay_bundle"] = json!({"failed_suite_count": 0, "failed_unit_count": 0});
    let ev = read_summary(&doc);
    assert_eq!(broken_claims(&ev), vec!["replay_bundle.failed_suite_count: 0 vs 1"]);
}

#[test]
fn the_older_object_form_is_read() {
    // The committed 20260206T212320Z sample.
    let doc = json!({"timestamp": "20260206T212320Z", "artifact_dir": "/x", "total_suites": 1, "passed_suites": 0,
        "failed_suites": 1, "failed_names": ["e2e_rpc"],
        "suites": [{"suite": "e2e_rpc", "exit_code": 101, "duration_ms": 47863, "passed": 0, "failed": 0,
                    "ignored": 0, "total": 0, "log_file": "/x/e2e_rpc/output.log", "timestamp": "20260206T212320Z"}]});
    let ev = read_summary(&doc);
    assert_eq!(failure(&ev, "e2e_rpc").outcome, CaseOutcome::Errored);
    assert_verdict(vec![ev], 1, &[]);
}

#[test]
fn an_empty_legacy_array_is_an_empty_artifact() {
    let ev = read(Format::PiSummary, "run/summary.json", "[]\n");
    assert_eq!(ev.observations, vec![Observation::Empty]);
    assert_verdict(vec![ev], 3, &["TG002", "TG201"]);
}

#[test]
fn legacy_rows_are_cases_and_their_verdicts_claims() {
    let doc = json!([
        {"provider": "openai", "verdict": "PASS", "status": "passed", "elapsed_ms": 10},
        {"provider": "anthropic", "verdict": "PASS", "status": "unknown", "elapsed_ms": 10},
        {"provider": "gemini", "verdict": "SKIP", "status": "skipped"},
    ]);
    let ev = read_summary(&doc);
    assert_eq!((ev.tally.passed, ev.tally.failed, ev.tally.skipped), (1, 1, 1));
    assert_eq!(broken_claims(&ev), vec!["[1].verdict: PASS vs fail"]);
    assert_verdict(vec![ev], 3, &["TG101"]);
}

#[test]
fn wrong_types_name_the_field() {
    let mut doc = summary(vec![entry("suite", "e2e_tools", 0, 1, 0)], vec![]);
    doc["suites"][0]["exit_code"] = json!(true);
    let ev = read_summary(&doc);
    assert_eq!(unparseable(&ev), Some("field suites[0].exit_code: expected an integer, found boolean true"));
    let mut doc = summary(vec![], vec![]);
    doc["failed_names"] = json!([1]);
    let ev = read_summary(&doc);
    assert_eq!(unparseable(&ev), Some("field failed_names[0]: expected a string, found number 1"));
    let ev = read(Format::PiSummary, "run/summary.json", "[{\"verdict\": 3}]");
    assert_eq!(unparseable(&ev), Some("field [0].verdict: expected a string, found number 3"));
}
