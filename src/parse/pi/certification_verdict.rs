//! `tests/full_suite_gate/certification_verdict.json` (`pi.ci.certification_lane.v1`).
//!
//! Evidence: `gates[]` (waived gates keep their original status) and the embedded
//! `waiver_audit`. A gate listed in `waivers_applied` counts as waived, not
//! failed, only when the audit holds a waiver for it that pi itself would apply
//! in the full lane (status active or expiring_soon, scope full or both); the
//! waiver's dates are then judged against today by TG401–TG404. Claims:
//! `verdict`, every `summary` count, `all_blocking_pass`,
//! `promotion_rules.can_promote`, the blocker and waiver gate lists, and the
//! audit's counts. `rerun_guidance` commands replay the whole lane.

use serde_json::Value;

use super::full_suite_verdict::{all_blocking_pass_claim, gate_count_claims};
use super::gates::{Gate, GateTally};
use super::waiver_audit::read_audit;
use super::{ParseError, bool_status, lane_status, objects, provenance, root, strings};
use crate::model::{Claim, Evidence, Position, ProvenanceKind, Status};

const SCOPE: &str = "certification_verdict";

pub(super) fn read(doc: &Value, ev: &mut Evidence) -> Result<(), ParseError> {
    let root = root(doc)?;
    provenance(ev, &root, "generated_at", ProvenanceKind::GeneratedAt)?;
    let audit = read_audit(&root.object("waiver_audit")?, SCOPE, ev)?;
    // A set: looked up once per gate, and a document can hold a million of each.
    let applied: std::collections::HashSet<&str> = strings(&root, "waivers_applied")?.into_iter().collect();

    let mut tally = GateTally::default();
    let mut unbacked = Vec::new();
    for gate_fields in objects(&root, "gates")? {
        let gate = Gate::parse(&gate_fields, "id", None)?;
        let listed = applied.contains(gate.id) && matches!(gate.status, "fail" | "warn");
        let backed = audit.backing.get(gate.id).is_some_and(|w| w.applies_to("full"));
        if listed && !backed {
            unbacked.push(gate.id.to_owned());
        }
        tally.record(ev, &gate, "gates", listed && backed);
    }

    let summary = root.object("summary")?;
    gate_count_claims(ev, SCOPE, &summary, &tally)?;
    let field = summary.path("waived");
    let evidence = if unbacked.is_empty() {
        "failing gates in waivers_applied backed by an applicable waiver".to_owned()
    } else {
        format!("waivers_applied without an applicable waiver in waiver_audit: {}", unbacked.join(", "))
    };
    ev.add_claim(
        Claim::count(SCOPE, &field, summary.u64("waived")?, tally.waived, evidence).at(Position::field(&field)),
    );
    all_blocking_pass_claim(ev, SCOPE, &summary, &tally)?;

    let raw = root.str("verdict")?;
    ev.add_claim(
        Claim::status(SCOPE, "verdict", raw, lane_status(raw), tally.derived(), tally.evidence())
            .at(Position::field("verdict")),
    );

    let promotion = root.object("promotion_rules")?;
    let can_promote = promotion.bool("can_promote")?;
    let promotable = tally.blockers.is_empty() && audit.unusable == 0;
    let evidence = format!("{}; {} expired or invalid waiver(s) in waiver_audit", tally.evidence(), audit.unusable);
    ev.add_claim(
        Claim::status(
            SCOPE,
            promotion.path("can_promote"),
            can_promote.to_string(),
            bool_status(can_promote),
            if promotable { Status::Pass } else { Status::Fail },
            evidence,
        )
        .at(Position::field(promotion.path("can_promote"))),
    );
    let blockers = strings(&promotion, "blocker_gates")?;
    let field = promotion.path("blocker_gates");
    ev.add_claim(
        Claim::count(
            SCOPE,
            &field,
            blockers.len() as u64,
            tally.blockers.len() as u64,
            "blocking gates neither pass nor waived (a blocking skip included: fail-closed)",
        )
        .at(Position::field(&field)),
    );
    let waiver_gates = strings(&promotion, "waiver_gates")?;
    let field = promotion.path("waiver_gates");
    ev.add_claim(
        Claim::count(SCOPE, &field, waiver_gates.len() as u64, tally.waived, "gates waived by an applicable waiver")
            .at(Position::field(&field)),
    );

    if let Some(guidance) = root.opt_object("rerun_guidance")? {
        for key in ["preflight_command", "full_command"] {
            if let Some(cmd) = guidance.opt_str(key)? {
                ev.add_replay_command(cmd);
            }
        }
    }
    Ok(())
}
