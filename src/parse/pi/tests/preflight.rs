use serde_json::{Value, json};

use super::full_suite::gate;
use super::*;
use crate::model::{CaseOutcome, Position, WaiverEntry, WaiverKind};

fn preflight(verdict: &str, gates: Vec<Value>, waived: &[&str], summary: [u64; 5], fast_fail: bool) -> Value {
    json!({
        "schema": "pi.ci.preflight_lane.v1", "lane": "preflight", "generated_at": "2026-03-01T00:00:00.000Z",
        "verdict": verdict, "policy": "Preflight lane", "gates_evaluated": gates.len(), "first_failure": null,
        "blocking_gates": gates, "waivers_applied": waived,
        "summary": {"blocking_pass": summary[0], "blocking_fail": summary[1], "blocking_skip": summary[2],
                    "blocking_waived": summary[3], "blocking_total": summary[4], "fail_fast_triggered": fast_fail}
    })
}

fn read_preflight(doc: &Value) -> Evidence {
    read_json(Format::PiPreflightVerdict, "gate/preflight_verdict.json", doc)
}

#[test]
fn pass_with_a_blocking_skip_is_a_false_green() {
    // The shape of history/preflight_verdict.489489f8.json.
    let doc = preflight(
        "pass",
        vec![gate("a", "pass", true), gate("ext_must_pass", "skip", true)],
        &[],
        [1, 0, 1, 0, 2],
        false,
    );
    let ev = read_preflight(&doc);
    assert_eq!(broken_claims(&ev), vec!["verdict: pass vs fail"]);
    assert_verdict(vec![ev], 3, &["TG101"]);
}

#[test]
fn a_fast_fail_stop_may_list_fewer_gates_than_exist() {
    let doc = preflight("fail", vec![gate("a", "pass", true), gate("b", "fail", true)], &[], [1, 1, 0, 0, 5], true);
    let ev = read_preflight(&doc);
    assert_eq!(failure(&ev, "b").outcome, CaseOutcome::Failed);
    assert_verdict(vec![ev], 1, &[]);
    let full_run = preflight("pass", vec![gate("a", "pass", true)], &[], [1, 0, 0, 0, 5], false);
    assert_eq!(broken_claims(&read_preflight(&full_run)), vec!["summary.blocking_total: 5 vs 1"]);
}

#[test]
fn a_waived_gate_is_no_failure_but_needs_a_waiver_entry() {
    let doc = preflight(
        "pass",
        vec![gate("a", "pass", true), gate("cross_platform", "fail", true)],
        &["cross_platform"],
        [1, 0, 0, 1, 2],
        false,
    );
    let ev = read_preflight(&doc);
    assert_eq!(ev.tally.failures(), 0);
    assert!(broken_claims(&ev).is_empty(), "{:?}", broken_claims(&ev));
    assert_verdict(vec![read_preflight(&doc)], 3, &["TG405"]);

    let mut toml = super::read(Format::PiSuiteClassification, "tests/suite_classification.toml", "");
    toml.observe(Observation::Waiver(WaiverEntry {
        kind: WaiverKind::Waiver,
        id: "cross_platform".into(),
        owner: Some("alice".into()),
        reason: Some("runner outage".into()),
        created: chrono::NaiveDate::from_ymd_opt(2026, 11, 10),
        expires: chrono::NaiveDate::from_ymd_opt(2026, 11, 30),
        max_days: 30,
        missing_fields: vec![],
        invalid_fields: vec![],
        position: Position::default(),
    }));
    assert_verdict(vec![ev, toml], 0, &[]);
}

#[test]
fn declared_counts_are_checked() {
    let doc = preflight("fail", vec![gate("a", "pass", true), gate("b", "fail", true)], &[], [2, 0, 0, 0, 2], false);
    assert_eq!(
        broken_claims(&read_preflight(&doc)),
        vec!["summary.blocking_pass: 2 vs 1", "summary.blocking_fail: 0 vs 1"]
    );
}
