use serde_json::{Value, json};

use super::full_suite::gate;
use super::waiver_audit::{audit, raw_waiver, validation};
use super::*;
use crate::model::CaseOutcome;

/// A certification verdict computed as pi computes it, given the gates it waives.
fn certification(gates: Vec<Value>, waived: &[&str], audit: Value) -> Value {
    let is_waived =
        |g: &Value| waived.iter().any(|w| g["id"] == *w) && (g["status"] == "fail" || g["status"] == "warn");
    let count = |s: &str| gates.iter().filter(|g| g["status"] == s && !is_waived(g)).count();
    let blocking: Vec<&Value> = gates.iter().filter(|g| g["blocking"] == true).collect();
    let blocking_pass = blocking.iter().filter(|g| g["status"] == "pass" || is_waived(g)).count();
    let all = blocking_pass == blocking.len();
    let blockers: Vec<&Value> =
        blocking.iter().filter(|g| g["status"] != "pass" && !is_waived(g)).map(|g| &g["id"]).collect();
    let verdict = if all && count("fail") == 0 {
        "pass"
    } else if all {
        "warn"
    } else {
        "fail"
    };
    let unusable = audit["expired"].as_u64().unwrap_or(0) + audit["invalid"].as_u64().unwrap_or(0);
    json!({
        "schema": "pi.ci.certification_lane.v1", "lane": "full", "generated_at": "2026-11-20T00:00:00.000Z",
        "verdict": verdict, "policy": "Full certification",
        "summary": {"total_gates": gates.len(), "passed": count("pass"), "failed": count("fail"), "warned": count("warn"),
                    "skipped": count("skip"), "waived": waived.len(), "blocking_pass": blocking_pass,
                    "blocking_total": blocking.len(), "all_blocking_pass": all},
        "gates": gates, "waiver_audit": audit, "waivers_applied": waived,
        "promotion_rules": {"can_promote": all && unusable == 0, "blocker_gates": blockers, "waiver_gates": waived, "conditions": []},
        "rerun_guidance": {"preflight_command": "cargo test --test ci_full_suite_gate -- preflight_fast_fail --nocapture --exact",
                           "full_command": "cargo test --test ci_full_suite_gate -- full_certification --nocapture --exact",
                           "single_gate_template": "See reproduce_command field on each gate"}
    })
}

fn read_cert(doc: &Value) -> Evidence {
    read_json(Format::PiCertificationVerdict, "gate/certification_verdict.json", doc)
}

#[test]
fn honest_pass_offers_the_lane_replays() {
    let ev = read_cert(&certification(vec![gate("a", "pass", true)], &[], audit(vec![], vec![])));
    assert_eq!(ev.replay_commands.len(), 2);
    assert_verdict(vec![ev], 0, &[]);
}

#[test]
fn a_validly_waived_gate_is_not_a_failure() {
    let doc = certification(
        vec![gate("a", "pass", true), gate("cross_platform", "fail", true)],
        &["cross_platform"],
        audit(
            vec![raw_waiver("cross_platform", "2026-11-10", "2026-11-30", "full")],
            vec![validation("cross_platform", "active")],
        ),
    );
    let ev = read_cert(&doc);
    assert_eq!((ev.tally.skipped, ev.tally.failures()), (1, 0));
    assert!(broken_claims(&ev).is_empty(), "{:?}", broken_claims(&ev));
    assert_verdict(vec![ev], 0, &[]);
}

#[test]
fn a_waiver_past_its_expiry_today_is_reported() {
    let doc = certification(
        vec![gate("a", "pass", true), gate("cross_platform", "fail", true)],
        &["cross_platform"],
        audit(
            vec![raw_waiver("cross_platform", "2026-11-01", "2026-11-15", "both")],
            vec![validation("cross_platform", "active")],
        ),
    );
    assert_verdict(vec![read_cert(&doc)], 3, &["TG401"]);
}

#[test]
fn a_waiver_for_another_lane_or_without_an_entry_does_not_waive() {
    for audit_doc in [
        audit(
            vec![raw_waiver("cross_platform", "2026-11-10", "2026-11-30", "preflight")],
            vec![validation("cross_platform", "active")],
        ),
        audit(vec![], vec![]),
        audit(
            vec![raw_waiver("cross_platform", "2026-11-10", "2026-11-30", "full")],
            vec![validation("cross_platform", "expired")],
        ),
    ] {
        let doc = certification(
            vec![gate("a", "pass", true), gate("cross_platform", "fail", true)],
            &["cross_platform"],
            audit_doc,
        );
        let ev = read_cert(&doc);
        assert_eq!(failure(&ev, "cross_platform").outcome, CaseOutcome::Failed);
        let broken = broken_claims(&ev);
        assert!(broken.contains(&"verdict: pass vs fail".to_owned()), "{broken:?}");
        assert!(broken.contains(&"summary.waived: 1 vs 0".to_owned()), "{broken:?}");
    }
}

#[test]
fn can_promote_over_a_blocking_skip_is_a_false_green() {
    let mut doc =
        certification(vec![gate("a", "pass", true), gate("ext_must_pass", "skip", true)], &[], audit(vec![], vec![]));
    // pi's blocker list leaves skips out; truegreen counts them as blockers.
    doc["promotion_rules"]["blocker_gates"] = json!([]);
    doc["promotion_rules"]["can_promote"] = json!(true);
    let ev = read_cert(&doc);
    assert_eq!(
        broken_claims(&ev),
        vec!["promotion_rules.can_promote: true vs fail", "promotion_rules.blocker_gates: 0 vs 1"]
    );
    assert_verdict(vec![ev], 3, &["TG101", "TG103"]);
}

#[test]
fn can_promote_with_invalid_waivers_is_a_false_green() {
    let mut doc = certification(
        vec![gate("a", "pass", true)],
        &[],
        audit(vec![], vec![json!({"gate_id": "x", "status": "invalid", "detail": "Waiver entry is not a table"})]),
    );
    doc["promotion_rules"]["can_promote"] = json!(true);
    let ev = read_cert(&doc);
    assert_eq!(broken_claims(&ev), vec!["promotion_rules.can_promote: true vs fail"]);
    assert_verdict(vec![ev], 3, &["TG101", "TG403"]);
}
