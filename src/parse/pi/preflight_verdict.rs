//! `tests/full_suite_gate/preflight_verdict.json` (`pi.ci.preflight_lane.v1`).
//!
//! Evidence: `blocking_gates[]`, the blocking gates pi evaluated (it stops at the
//! first failure). Claims: `verdict`, `gates_evaluated` and the `summary` counts.
//!
//! pi's preflight counted a blocking `skip` as not-a-failure until its fail-close
//! fix; truegreen always reads it as a failure, so an old `verdict: "pass"` with a
//! blocking skip is a claim-false-green. A gate in `waivers_applied` is not
//! counted as failed; the artifact holds no waiver record, so the waiver must be
//! found among the other artifacts (rule TG405).

use serde_json::Value;

use super::gates::{Gate, GateTally};
use super::{ParseError, lane_status, objects, provenance, root, strings};
use crate::model::{Claim, Evidence, Position, ProvenanceKind};

const SCOPE: &str = "preflight_verdict";

pub(super) fn read(doc: &Value, ev: &mut Evidence) -> Result<(), ParseError> {
    let root = root(doc)?;
    provenance(ev, &root, "generated_at", ProvenanceKind::GeneratedAt)?;
    // A set: looked up once per gate, and a document can hold a million of each.
    let applied: std::collections::HashSet<&str> = strings(&root, "waivers_applied")?.into_iter().collect();
    let mut tally = GateTally::default();
    let mut blocking_fail = 0u64;
    for gate_fields in objects(&root, "blocking_gates")? {
        let gate = Gate::parse(&gate_fields, "id", Some(true))?;
        // pi waives only gates that would otherwise fail (not pass, not skip).
        let waived = applied.contains(gate.id) && gate.status != "pass" && gate.status != "skip";
        if !waived && gate.status != "pass" && gate.status != "skip" {
            blocking_fail += 1;
        }
        tally.record(ev, &gate, "blocking_gates", waived);
    }
    let summary = root.object("summary")?;
    let pairs = [
        ("blocking_pass", tally.passed, "evaluated gates with status pass"),
        ("blocking_fail", blocking_fail, "evaluated gates neither pass, skip nor waived"),
        ("blocking_skip", tally.skipped, "evaluated gates with status skip"),
        ("blocking_waived", tally.waived, "evaluated gates listed in waivers_applied"),
    ];
    for (key, derived, evidence) in pairs {
        let field = summary.path(key);
        ev.add_claim(Claim::count(SCOPE, &field, summary.u64(key)?, derived, evidence).at(Position::field(&field)));
    }
    ev.add_claim(
        Claim::count(
            SCOPE,
            "gates_evaluated",
            root.u64("gates_evaluated")?,
            tally.total,
            "entries in blocking_gates[]",
        )
        .at(Position::field("gates_evaluated")),
    );
    // After a fast-fail stop the list is cut short, so only a full run must
    // list every blocking gate.
    let blocking_total = summary.u64("blocking_total")?;
    let fast_failed = summary.opt_bool("fail_fast_triggered")?.unwrap_or(false);
    if !fast_failed {
        let field = summary.path("blocking_total");
        ev.add_claim(
            Claim::count(SCOPE, &field, blocking_total, tally.total, "entries in blocking_gates[] (no fast-fail stop)")
                .at(Position::field(&field)),
        );
    }
    let raw = root.str("verdict")?;
    ev.add_claim(
        Claim::status(SCOPE, "verdict", raw, lane_status(raw), tally.derived(), tally.evidence())
            .at(Position::field("verdict")),
    );
    Ok(())
}
