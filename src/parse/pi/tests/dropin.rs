use serde_json::{Value, json};

use super::*;
use crate::model::{CaseOutcome, ProvenanceKind};

fn hand_written(verdict: &str, gates: &[(&str, &str)], reasons: &[&str]) -> Value {
    json!({
        "schema": "pi.dropin.certification_verdict.v1",
        "git_commit": "c7bd1b33cdb6289c8c0cc83fdbd6fecc337e1e54",
        "generated_at_utc": "2026-02-18T05:49:09Z",
        "overall_verdict": verdict,
        "hard_gate_results": gates.iter().map(|(id, s)| json!({"gate_id": id, "status": s, "reason": format!("{id} is {s}")})).collect::<Vec<_>>(),
        "blocking_reasons": reasons,
        "evidence_index": [{"path": "docs/dropin-certification-contract.json", "description": "contract"}]
    })
}

fn ci_shape(verdict: &str, gates: &[(&str, &str, bool)], reasons: &[&str], lane: &str) -> Value {
    json!({
        "schema": "pi.dropin.certification_verdict.v1",
        "git_commit": "abc",
        "generated_at_utc": "2026-03-01T00:00:00Z",
        "overall_verdict": verdict,
        "hard_gate_results": gates.iter().map(|(id, s, b)| json!({"gate_id": id, "status": s, "blocking": b,
            "detail": null, "artifact_path": "x", "bead": "bd-1"})).collect::<Vec<_>>(),
        "blocking_reasons": reasons,
        "evidence_index": [{"path": "tests/full_suite_gate/certification_verdict.json", "exists": true}],
        "source": {"certification_lane_artifact": "tests/full_suite_gate/certification_verdict.json",
                   "lane_verdict": lane, "lane_generated_at": "2026-03-01T00:00:00Z"}
    })
}

fn read_dropin(doc: &Value) -> Evidence {
    read_json(Format::PiDropinVerdict, "docs/dropin-certification-verdict.json", doc)
}

#[test]
fn the_committed_shape_is_an_honest_failure() {
    let doc = hand_written(
        "NOT_CERTIFIED",
        &[("G01", "pass"), ("G04", "fail"), ("G07", "blocked")],
        &["Open critical gaps: gap-sdk"],
    );
    let ev = read_dropin(&doc);
    assert_eq!(failure(&ev, "G04").outcome, CaseOutcome::Failed);
    assert_eq!(failure(&ev, "G07").outcome, CaseOutcome::Errored);
    assert_eq!(failure(&ev, "blocking reason #1").message.as_deref(), Some("Open critical gaps: gap-sdk"));
    assert!(ev.provenance.iter().any(|p| p.kind == ProvenanceKind::Commit));
    assert_verdict(vec![ev], 1, &[]);
}

#[test]
fn certified_over_a_failing_gate_or_a_blocking_reason_is_a_false_green() {
    let ev = read_dropin(&hand_written("CERTIFIED", &[("G01", "pass"), ("G04", "fail")], &[]));
    assert_verdict(vec![ev], 3, &["TG101"]);
    let ev = read_dropin(&hand_written("CERTIFIED", &[("G01", "pass")], &["an open gap"]));
    assert_verdict(vec![ev], 3, &["TG101"]);
}

#[test]
fn certified_with_everything_passing_is_a_pass() {
    assert_verdict(vec![read_dropin(&hand_written("CERTIFIED", &[("G01", "pass"), ("G02", "pass")], &[]))], 0, &[]);
}

#[test]
fn a_waived_hard_gate_needs_a_waiver_entry() {
    let ev = read_dropin(&hand_written("CERTIFIED", &[("G01", "pass"), ("G12", "waived")], &[]));
    assert_eq!(ev.tally.failures(), 0);
    assert_verdict(vec![ev], 3, &["TG405"]);
}

#[test]
fn the_ci_shape_counts_its_blocking_reasons_and_checks_the_lane_verdict() {
    let doc = ci_shape(
        "NOT_CERTIFIED",
        &[("cross_platform", "fail", true), ("evidence_bundle", "fail", false)],
        &["cross_platform:fail (x)"],
        "fail",
    );
    let ev = read_dropin(&doc);
    assert!(broken_claims(&ev).is_empty(), "{:?}", broken_claims(&ev));
    assert_verdict(vec![ev], 1, &["TG501"]);

    let lying = ci_shape("CERTIFIED", &[("cross_platform", "fail", true)], &[], "pass");
    let ev = read_dropin(&lying);
    assert_eq!(
        broken_claims(&ev),
        vec!["blocking_reasons: 0 vs 1", "overall_verdict: CERTIFIED vs fail", "source.lane_verdict: pass vs fail"]
    );
}

#[test]
fn a_missing_source_lane_ran_nothing() {
    let doc = ci_shape("NOT_CERTIFIED", &[], &[], "missing");
    let ev = read_dropin(&doc);
    assert_verdict(vec![ev], 3, &["TG201"]);
}

#[test]
fn missing_evidence_blocks_certification() {
    let mut doc = ci_shape("CERTIFIED", &[("a", "pass", true)], &[], "pass");
    doc["evidence_index"][0]["exists"] = json!(false);
    assert_verdict(vec![read_dropin(&doc)], 3, &["TG101"]);
    let mut doc = hand_written("CERTIFIED", &[("a", "pass")], &[]);
    doc["evidence_index"] = json!([]);
    assert_verdict(vec![read_dropin(&doc)], 3, &["TG101"]);
}

#[test]
fn the_contract_required_fields_are_required() {
    for key in
        ["git_commit", "generated_at_utc", "overall_verdict", "hard_gate_results", "blocking_reasons", "evidence_index"]
    {
        let mut doc = hand_written("NOT_CERTIFIED", &[("G01", "fail")], &[]);
        doc.as_object_mut().map(|o| o.remove(key));
        let ev = read_dropin(&doc);
        assert_eq!(unparseable(&ev), Some(format!("field {key}: expected a value, found nothing").as_str()), "{key}");
    }
}
