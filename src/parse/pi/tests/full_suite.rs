use serde_json::{Value, json};

use super::*;
use crate::model::CaseOutcome;

pub(super) fn gate(id: &str, status: &str, blocking: bool) -> Value {
    json!({"id": id, "name": format!("{id} gate"), "bead": "bd-1", "status": status, "blocking": blocking,
           "artifact_path": format!("tests/{id}.json"), "reproduce_command": format!("cargo test --test {id}")})
}

/// A full-suite verdict whose summary follows pi's own computation.
pub(super) fn verdict_doc(gates: Vec<Value>) -> Value {
    let count = |status: &str| gates.iter().filter(|g| g["status"] == status).count();
    let blocking: Vec<&Value> = gates.iter().filter(|g| g["blocking"] == true).collect();
    let blocking_pass = blocking.iter().filter(|g| g["status"] == "pass").count();
    let all_blocking_pass = blocking_pass == blocking.len();
    let verdict = if all_blocking_pass && count("fail") == 0 {
        "pass"
    } else if all_blocking_pass {
        "warn"
    } else {
        "fail"
    };
    json!({
        "schema": "pi.ci.full_suite_gate.v1",
        "generated_at": "2026-03-01T00:00:00.000Z",
        "verdict": verdict,
        "policy": "Full-suite gate",
        "summary": {"total_gates": gates.len(), "passed": count("pass"), "failed": count("fail"), "warned": count("warn"),
                    "skipped": count("skip"), "blocking_pass": blocking_pass, "blocking_total": blocking.len(),
                    "all_blocking_pass": all_blocking_pass},
        "gates": gates,
    })
}

fn read_verdict(doc: &Value) -> Evidence {
    read_json(Format::PiFullSuiteVerdict, "gate/full_suite_verdict.json", doc)
}

#[test]
fn honest_pass() {
    let ev =
        read_verdict(&verdict_doc(vec![gate("a", "pass", true), gate("b", "pass", false), gate("c", "skip", false)]));
    assert_eq!((ev.tally.passed, ev.tally.skipped), (2, 1));
    assert_verdict(vec![ev], 0, &[]);
}

#[test]
fn honest_failure_lists_the_gate_with_its_reproduce_command() {
    let ev = read_verdict(&verdict_doc(vec![gate("a", "pass", true), gate("cross_platform", "fail", true)]));
    let f = failure(&ev, "cross_platform");
    assert_eq!((f.outcome, f.blocking), (CaseOutcome::Failed, true));
    assert_eq!(f.replay.as_deref(), Some("cargo test --test cross_platform"));
    assert_verdict(vec![ev], 1, &[]);
}

#[test]
fn pass_with_a_failed_blocking_gate_is_a_false_green() {
    let mut doc = verdict_doc(vec![gate("a", "pass", true), gate("cross_platform", "fail", true)]);
    doc["verdict"] = json!("pass");
    doc["summary"]["all_blocking_pass"] = json!(true);
    let ev = read_verdict(&doc);
    assert_eq!(broken_claims(&ev), vec!["verdict: pass vs fail", "summary.all_blocking_pass: true vs fail"]);
    assert_verdict(vec![ev], 3, &["TG101"]);
}

#[test]
fn a_blocking_skip_fails_closed() {
    // Before pi's fail-close fix: the skip was counted, verdict fail, and nothing "failed".
    let ev = read_verdict(&verdict_doc(vec![gate("a", "pass", true), gate("ext_must_pass", "skip", true)]));
    let f = failure(&ev, "ext_must_pass");
    assert_eq!(f.outcome, CaseOutcome::Errored);
    assert!(f.message.as_deref().is_some_and(|m| m.contains("fail-closed")), "{:?}", f.message);
    assert_verdict(vec![ev], 1, &[]);
}

#[test]
fn blocking_warn_and_unknown_statuses_fail_closed() {
    for status in ["warn", "flaky", "PASS", ""] {
        let mut doc = verdict_doc(vec![gate("a", "pass", true), gate("b", status, true)]);
        doc["verdict"] = json!("fail");
        let ev = read_verdict(&doc);
        assert!(failure(&ev, "b").outcome.is_failure(), "{status}");
        assert_eq!(verdict(vec![ev]).exit_code, 1, "{status}");
    }
}

#[test]
fn a_failing_non_blocking_gate_is_advisory_and_makes_pass_a_warn() {
    let doc = verdict_doc(vec![gate("a", "pass", true), gate("evidence_bundle", "fail", false)]);
    assert_eq!(doc["verdict"], "warn");
    let ev = read_verdict(&doc);
    let f = failure(&ev, "evidence_bundle");
    assert!(!f.blocking);
    assert_eq!(ev.tally.advisory_failed, 1);
    assert_verdict(vec![ev], 0, &["TG501"]);

    let mut lying = verdict_doc(vec![gate("a", "pass", true), gate("evidence_bundle", "fail", false)]);
    lying["verdict"] = json!("pass");
    let ev = read_verdict(&lying);
    assert_eq!(broken_claims(&ev), vec!["verdict: pass vs warn"]);
    assert_verdict(vec![ev], 3, &["TG101", "TG501"]);
}

#[test]
fn a_non_blocking_warn_does_not_change_the_verdict() {
    let ev = read_verdict(&verdict_doc(vec![gate("a", "pass", true), gate("b", "warn", false)]));
    assert_verdict(vec![ev], 0, &["TG501"]);
}

#[test]
fn fail_over_passing_gates_is_a_false_red() {
    let mut doc = verdict_doc(vec![gate("a", "pass", true)]);
    doc["verdict"] = json!("fail");
    assert_verdict(vec![read_verdict(&doc)], 3, &["TG102"]);
}

#[test]
fn summary_counts_are_checked() {
    let mut doc = verdict_doc(vec![gate("a", "pass", true), gate("b", "fail", true), gate("c", "skip", false)]);
    doc["summary"]["failed"] = json!(0);
    doc["summary"]["total_gates"] = json!(2);
    doc["summary"]["blocking_total"] = json!(1);
    let ev = read_verdict(&doc);
    assert_eq!(
        broken_claims(&ev),
        vec!["summary.total_gates: 2 vs 3", "summary.failed: 0 vs 1", "summary.blocking_total: 1 vs 2"]
    );
}

#[test]
fn zero_gates_ran_nothing() {
    assert_verdict(vec![read_verdict(&verdict_doc(vec![]))], 3, &["TG201"]);
}

#[test]
fn malformed_gates_are_unparseable() {
    let mut doc = verdict_doc(vec![gate("a", "pass", true)]);
    doc["gates"][0].as_object_mut().map(|g| g.remove("blocking"));
    assert_eq!(unparseable(&read_verdict(&doc)), Some("field gates[0].blocking: expected a value, found nothing"));
    let mut doc = verdict_doc(vec![gate("a", "pass", true)]);
    doc["summary"]["passed"] = json!(-1);
    assert_eq!(
        unparseable(&read_verdict(&doc)),
        Some("field summary.passed: expected a non-negative integer, found number -1")
    );
    let mut doc = verdict_doc(vec![gate("a", "pass", true)]);
    doc["summary"]["passed"] = json!(1e300);
    assert!(unparseable(&read_verdict(&doc)).is_some());
}
