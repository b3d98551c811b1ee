use serde_json::{Value, json};

use super::*;
use crate::model::{WaiverEntry, WaiverKind};

pub(super) fn raw_waiver(gate: &str, created: &str, expires: &str, scope: &str) -> Value {
    json!({"gate_id": gate, "owner": "alice", "created": created, "expires": expires, "bead": "bd-7",
           "reason": "runner outage", "scope": scope, "remove_when": "runner is back"})
}

/// An audit whose counts follow from its lists.
pub(super) fn audit(raw: Vec<Value>, validations: Vec<Value>) -> Value {
    let count = |s: &str| validations.iter().filter(|v| v["status"] == s).count();
    json!({"schema": "pi.ci.waiver_audit.v1", "generated_at": "2026-11-20T00:00:00.000Z",
           "total_waivers": raw.len(), "active": count("active"), "expired": count("expired"),
           "expiring_soon": count("expiring_soon"), "invalid": count("invalid"),
           "waivers": validations, "raw_waivers": raw})
}

pub(super) fn validation(gate: &str, status: &str) -> Value {
    json!({"gate_id": gate, "status": status, "days_remaining": 5})
}

fn entries(ev: &Evidence) -> Vec<&WaiverEntry> {
    ev.observations
        .iter()
        .filter_map(|o| match o {
            Observation::Waiver(w) => Some(w),
            _ => None,
        })
        .collect()
}

#[test]
fn an_empty_audit_is_policy_without_cases() {
    let ev = read_json(Format::PiWaiverAudit, "g/waiver_audit.json", &audit(vec![], vec![]));
    assert!(entries(&ev).is_empty());
    let v = assert_verdict(vec![ev], 3, &["TG201"]);
    assert!(v.findings[0].artifact.is_none(), "only the run-wide finding");
}

#[test]
fn raw_waivers_are_judged_by_the_waiver_rules() {
    let doc = audit(
        vec![
            raw_waiver("cross_platform", "2026-11-10", "2026-11-30", "full"),
            raw_waiver("ext_must_pass", "2026-10-01", "2026-11-19", "both"),
            raw_waiver("evidence_bundle", "2026-11-18", "2026-11-22", "lane"),
        ],
        vec![
            validation("cross_platform", "active"),
            validation("ext_must_pass", "expired"),
            validation("evidence_bundle", "invalid"),
        ],
    );
    let ev = read_json(Format::PiWaiverAudit, "g/waiver_audit.json", &doc);
    let found = entries(&ev);
    assert_eq!(found.len(), 3);
    assert_eq!(found[2].invalid_fields, vec!["scope \"lane\" (expected full, preflight or both)"]);
    // expired (TG401), 49 days (TG402), bad scope (TG403), expires in 2 days (TG404).
    assert_verdict(vec![ev], 3, &["TG201", "TG401", "TG402", "TG403", "TG404"]);
}

#[test]
fn entries_pi_dropped_as_invalid_still_need_fixing() {
    let doc = audit(
        vec![],
        vec![json!({"gate_id": "cross_platform", "status": "invalid",
        "detail": "Missing required fields: owner, expires"})],
    );
    let ev = read_json(Format::PiWaiverAudit, "g/waiver_audit.json", &doc);
    let found = entries(&ev);
    assert_eq!(found.len(), 1);
    assert_eq!((found[0].kind, found[0].id.as_str()), (WaiverKind::Waiver, "cross_platform"));
    assert_eq!(found[0].missing_fields, vec!["owner", "expires"]);
    assert_verdict(vec![ev], 3, &["TG201", "TG403"]);
}

#[test]
fn counts_are_checked_against_the_lists() {
    let mut doc = audit(vec![raw_waiver("a", "2026-11-10", "2026-11-30", "full")], vec![validation("a", "invalid")]);
    doc["invalid"] = json!(0);
    doc["total_waivers"] = json!(0);
    let ev = read_json(Format::PiWaiverAudit, "g/waiver_audit.json", &doc);
    assert_eq!(broken_claims(&ev), vec!["total_waivers: 0 vs 1", "invalid: 0 vs 1"]);
}

#[test]
fn empty_or_malformed_fields_are_incomplete_or_unparseable() {
    let mut raw = raw_waiver("a", "2026-11-10", "soon", "full");
    raw["owner"] = json!("  ");
    let ev = read_json(Format::PiWaiverAudit, "w.json", &audit(vec![raw], vec![validation("a", "invalid")]));
    let found = entries(&ev);
    assert_eq!(found[0].missing_fields, vec!["owner"]);
    assert_eq!(found[0].invalid_fields, vec!["expires \"soon\" (expected YYYY-MM-DD)"]);
    let mut bad = audit(vec![], vec![]);
    bad["waivers"] = json!([{"gate_id": 3, "status": "active"}]);
    assert_eq!(
        unparseable(&read_json(Format::PiWaiverAudit, "w.json", &bad)),
        Some("field waivers[0].gate_id: expected a string, found number 3")
    );
}
