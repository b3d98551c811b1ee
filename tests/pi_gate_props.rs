//! Property: whatever a pi gate verdict claims (verdict, counts, promotion,
//! waivers it cannot back), a blocking gate that is not `pass` never lets
//! truegreen exit 0. Also: no byte sequence makes a pi reader panic.

use proptest::prelude::*;
use serde_json::{Value, json};

use truegreen::engine;
use truegreen::model::{ArtifactInfo, Evidence, EvidenceLimits, Format};
use truegreen::parse::{ReadContext, ReadOptions, read_format};
use truegreen::rules::Policy;

#[derive(Clone, Debug)]
struct Gate {
    status: String,
    blocking: bool,
}

fn status() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => Just("pass".to_owned()),
        2 => Just("fail".to_owned()),
        1 => Just("warn".to_owned()),
        2 => Just("skip".to_owned()),
        1 => Just("blocked".to_owned()),
        1 => Just("waived".to_owned()),
        1 => "[a-zA-Z_]{0,8}",
    ]
}

fn verdict_word() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("pass".to_owned()),
        Just("warn".to_owned()),
        Just("fail".to_owned()),
        Just("CERTIFIED".to_owned()),
        Just("NOT_CERTIFIED".to_owned()),
        "[a-z_]{0,10}",
    ]
}

/// What the artifact claims. An optimist is the hardest liar to catch: its
/// counts are exactly what pi computes from the statuses, and every verdict
/// and flag it states is green, so only the reading of the gates themselves
/// stands between it and exit 0.
#[derive(Clone, Debug)]
struct Claims {
    optimist: bool,
    verdict: String,
    counts: Vec<u64>,
    flags: Vec<bool>,
    waived: Vec<usize>,
}

fn claims() -> impl Strategy<Value = Claims> {
    (
        any::<bool>(),
        verdict_word(),
        prop::collection::vec(0u64..30, 10),
        prop::collection::vec(any::<bool>(), 3),
        prop::collection::vec(0usize..12, 0..4),
    )
        .prop_map(|(optimist, verdict, counts, flags, waived)| Claims { optimist, verdict, counts, flags, waived })
}

/// pi's own counts over the gates (`[total, passed, failed, warned, skipped,
/// blocking_pass, blocking_total, preflight blocking_fail]`), as an optimist states them.
fn pi_counts(gates: &[Gate]) -> Vec<u64> {
    let count = |f: &dyn Fn(&Gate) -> bool| gates.iter().filter(|g| f(g)).count() as u64;
    vec![
        gates.len() as u64,
        count(&|g| g.status == "pass"),
        count(&|g| g.status == "fail"),
        count(&|g| g.status == "warn"),
        count(&|g| g.status == "skip"),
        count(&|g| g.blocking && g.status == "pass"),
        count(&|g| g.blocking),
        count(&|g| g.status != "pass" && g.status != "skip"),
    ]
}

fn optimist(lane: u8, gates: &[Gate]) -> (String, Value) {
    let c = pi_counts(gates);
    let gate_list = |key: &str| gates.iter().enumerate().map(|(i, g)| gate_json(i, g, key)).collect::<Vec<_>>();
    match lane {
        0 => (
            "full_suite_verdict.json".into(),
            json!({"schema": "pi.ci.full_suite_gate.v1", "generated_at": "2026-03-01T00:00:00Z", "verdict": "pass",
                   "policy": "p", "gates": gate_list("id"),
                   "summary": {"total_gates": c[0], "passed": c[1], "failed": c[2], "warned": c[3], "skipped": c[4],
                               "blocking_pass": c[5], "blocking_total": c[6], "all_blocking_pass": true}}),
        ),
        1 => (
            "preflight_verdict.json".into(),
            json!({"schema": "pi.ci.preflight_lane.v1", "lane": "preflight", "generated_at": "2026-03-01T00:00:00Z",
                   "verdict": "pass", "policy": "p", "gates_evaluated": c[0], "first_failure": null,
                   "blocking_gates": gate_list("id"), "waivers_applied": [],
                   "summary": {"blocking_pass": c[1], "blocking_fail": c[7], "blocking_skip": c[4], "blocking_waived": 0,
                               "blocking_total": c[0], "fail_fast_triggered": false}}),
        ),
        2 => (
            "certification_verdict.json".into(),
            json!({"schema": "pi.ci.certification_lane.v1", "lane": "full", "generated_at": "2026-03-01T00:00:00Z",
                   "verdict": "pass", "policy": "p", "gates": gate_list("id"),
                   "waiver_audit": {"schema": "pi.ci.waiver_audit.v1", "generated_at": "2026-03-01T00:00:00Z",
                                    "total_waivers": 0, "active": 0, "expired": 0, "expiring_soon": 0, "invalid": 0,
                                    "waivers": [], "raw_waivers": []},
                   "waivers_applied": [],
                   "summary": {"total_gates": c[0], "passed": c[1], "failed": c[2], "warned": c[3], "skipped": c[4],
                               "waived": 0, "blocking_pass": c[5], "blocking_total": c[6], "all_blocking_pass": true},
                   "promotion_rules": {"can_promote": true, "blocker_gates": [], "waiver_gates": [], "conditions": []}}),
        ),
        _ => (
            "dropin-certification-verdict.json".into(),
            json!({"schema": "pi.dropin.certification_verdict.v1", "git_commit": "abc", "generated_at_utc": "2026-03-01T00:00:00Z",
                   "overall_verdict": "CERTIFIED", "hard_gate_results": gate_list("gate_id"), "blocking_reasons": [],
                   "evidence_index": [{"path": "p", "exists": true}], "source": {"lane_verdict": "pass"}}),
        ),
    }
}

fn gate_json(i: usize, g: &Gate, id_key: &str) -> Value {
    json!({id_key: format!("gate_{i}"), "name": format!("Gate {i}"), "bead": "bd-1", "status": g.status,
           "blocking": g.blocking, "reproduce_command": format!("cargo test --test gate_{i}")})
}

/// One of pi's four gate lanes, with the given gates and arbitrary claims.
fn artifact(lane: u8, gates: &[Gate], c: &Claims) -> (String, Value) {
    if c.optimist {
        return optimist(lane, gates);
    }
    let n = |i: usize| c.counts[i];
    let waived: Vec<String> = c.waived.iter().map(|i| format!("gate_{i}")).collect();
    match lane {
        0 => (
            "full_suite_verdict.json".into(),
            json!({"schema": "pi.ci.full_suite_gate.v1", "generated_at": "2026-03-01T00:00:00Z", "verdict": c.verdict,
                   "policy": "p", "gates": gates.iter().enumerate().map(|(i, g)| gate_json(i, g, "id")).collect::<Vec<_>>(),
                   "summary": {"total_gates": n(0), "passed": n(1), "failed": n(2), "warned": n(3), "skipped": n(4),
                               "blocking_pass": n(5), "blocking_total": n(6), "all_blocking_pass": c.flags[0]}}),
        ),
        1 => (
            "preflight_verdict.json".into(),
            json!({"schema": "pi.ci.preflight_lane.v1", "lane": "preflight", "generated_at": "2026-03-01T00:00:00Z",
                   "verdict": c.verdict, "policy": "p", "gates_evaluated": n(0), "first_failure": null,
                   "blocking_gates": gates.iter().enumerate().map(|(i, g)| gate_json(i, g, "id")).collect::<Vec<_>>(),
                   "waivers_applied": waived,
                   "summary": {"blocking_pass": n(1), "blocking_fail": n(2), "blocking_skip": n(3), "blocking_waived": n(4),
                               "blocking_total": n(5), "fail_fast_triggered": c.flags[0]}}),
        ),
        2 => (
            "certification_verdict.json".into(),
            json!({"schema": "pi.ci.certification_lane.v1", "lane": "full", "generated_at": "2026-03-01T00:00:00Z",
                   "verdict": c.verdict, "policy": "p",
                   "gates": gates.iter().enumerate().map(|(i, g)| gate_json(i, g, "id")).collect::<Vec<_>>(),
                   "waiver_audit": {"schema": "pi.ci.waiver_audit.v1", "generated_at": "2026-03-01T00:00:00Z",
                                    "total_waivers": n(7), "active": n(8), "expired": 0, "expiring_soon": 0, "invalid": 0,
                                    "waivers": [], "raw_waivers": []},
                   "waivers_applied": waived,
                   "summary": {"total_gates": n(0), "passed": n(1), "failed": n(2), "warned": n(3), "skipped": n(4),
                               "waived": n(9), "blocking_pass": n(5), "blocking_total": n(6), "all_blocking_pass": c.flags[0]},
                   "promotion_rules": {"can_promote": c.flags[1], "blocker_gates": [], "waiver_gates": waived, "conditions": []}}),
        ),
        _ => (
            "dropin-certification-verdict.json".into(),
            json!({"schema": "pi.dropin.certification_verdict.v1", "git_commit": "abc", "generated_at_utc": "2026-03-01T00:00:00Z",
                   "overall_verdict": c.verdict,
                   "hard_gate_results": gates.iter().enumerate().map(|(i, g)| gate_json(i, g, "gate_id")).collect::<Vec<_>>(),
                   "blocking_reasons": if c.flags[2] { vec!["x"] } else { vec![] },
                   "evidence_index": [{"path": "p", "exists": true}],
                   "source": {"lane_verdict": c.verdict}}),
        ),
    }
}

fn exit_code(file_name: &str, doc: &Value) -> i32 {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default();
    let read = ReadOptions::default();
    engine::check_bytes(file_name, doc.to_string().as_bytes(), &read, &Policy::new(today)).exit_code
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn a_blocking_gate_that_is_not_pass_never_exits_zero(
        lane in 0u8..4,
        gates in prop::collection::vec((status(), any::<bool>()).prop_map(|(status, blocking)| Gate { status, blocking }), 0..12),
        claims in claims(),
    ) {
        let (file_name, doc) = artifact(lane, &gates, &claims);
        let code = exit_code(&file_name, &doc);
        if gates.iter().any(|g| g.blocking && g.status != "pass") {
            prop_assert_ne!(code, 0, "lane {} passed: {}", lane, doc);
        }
        prop_assert!([0, 1, 3].contains(&code), "exit {}", code);
    }

    #[test]
    fn no_input_makes_a_pi_reader_panic(bytes in prop::collection::vec(any::<u8>(), 0..512), which in 0usize..14) {
        let pi_formats: Vec<Format> = Format::ALL.iter().copied().filter(|f| f.id().starts_with("pi-")).collect();
        let format = pi_formats[which % pi_formats.len()];
        let info = ArtifactInfo { path: "x".into(), format: Some(format), sha256: None, size: 0, modified: None };
        let mut ev = Evidence::new(info, EvidenceLimits::default());
        let _ = read_format(&mut bytes.as_slice(), &mut ev, &ReadContext::new(format, None, EvidenceLimits::default()));
    }
}
