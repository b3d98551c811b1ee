//! `docs/dropin-certification-verdict.json` (`pi.dropin.certification_verdict.v1`).
//!
//! Two shapes share the schema id:
//! - hand-written: `hard_gate_results[{gate_id, status: pass|fail|blocked|waived,
//!   reason}]`, free-text `blocking_reasons[]`, `evidence_index[{path, description}]`;
//! - CI-generated from the certification lane: gates carry `blocking` and
//!   `detail`, `blocking_reasons` are `"<id>:<status> (<detail>)"` for each blocking
//!   gate not passing, `evidence_index[{path, exists}]`, and `source.lane_verdict`.
//!
//! Evidence: one case per hard gate (hard gates block unless the CI shape says
//! otherwise); in the hand-written shape each blocking reason is a blocker of its
//! own (open parity gaps) and becomes a failed case. A `waived` gate is not a
//! failure; the artifact holds no waiver record, so one must be found among the
//! other artifacts (rule TG405). Claims: `overall_verdict` (CERTIFIED only when
//! every hard gate passes, no blocking reason remains and the evidence index is
//! non-empty with nothing missing), `source.lane_verdict`, and in the CI shape the
//! number of blocking reasons.

use serde_json::Value;

use super::gates::{Gate, GateTally};
use super::{ParseError, lane_status, objects, provenance, root, strings};
use crate::model::{Case, CaseOutcome, Claim, Evidence, Position, ProvenanceKind, Status};

const SCOPE: &str = "dropin_certification_verdict";

pub(super) fn read(doc: &Value, ev: &mut Evidence) -> Result<(), ParseError> {
    let root = root(doc)?;
    // The contract's required fields: a verdict without them cannot be checked.
    let commit = root.str("git_commit")?;
    ev.add_provenance(ProvenanceKind::Commit, "git_commit", commit);
    let generated = root.str("generated_at_utc")?;
    ev.add_provenance(ProvenanceKind::GeneratedAt, "generated_at_utc", generated);
    let gates = objects(&root, "hard_gate_results")?;
    let reasons = strings(&root, "blocking_reasons")?;
    let evidence_index = objects(&root, "evidence_index")?;
    let raw = root.str("overall_verdict")?;
    let source = root.opt_object("source")?;
    let ci_shape = source.is_some() || gates.iter().any(|g| g.has("blocking"));

    let mut tally = GateTally::default();
    for gate_fields in &gates {
        let gate = Gate::parse(gate_fields, "gate_id", Some(true))?;
        tally.record(ev, &gate, "hard_gate_results", gate.status == "waived");
    }

    if ci_shape {
        let field = "blocking_reasons";
        ev.add_claim(
            Claim::count(
                SCOPE,
                field,
                reasons.len() as u64,
                tally.blockers.len() as u64,
                "blocking hard gates not passing",
            )
            .at(Position::field(field)),
        );
    } else {
        for (i, reason) in reasons.iter().enumerate() {
            let name = format!("blocking reason #{}", i + 1);
            ev.add_case(
                Case::new(&name, CaseOutcome::Failed)
                    .suite("blocking_reasons")
                    .message(reason)
                    .at(Position::field(format!("blocking_reasons[{i}]"))),
            );
        }
    }

    let mut missing_evidence = Vec::new();
    for entry in &evidence_index {
        if entry.opt_bool("exists")? == Some(false) {
            missing_evidence.push(entry.str("path")?.to_owned());
        }
    }
    let mut problems = Vec::new();
    if gates.is_empty() {
        problems.push("hard_gate_results is empty: nothing was certified".to_owned());
    }
    if !tally.blockers.is_empty() {
        problems.push(format!("{} hard gate(s) not passing", tally.blockers.len()));
    }
    if !reasons.is_empty() {
        problems.push(format!("{} blocking reason(s)", reasons.len()));
    }
    if evidence_index.is_empty() {
        problems.push("evidence_index is empty".to_owned());
    }
    if !missing_evidence.is_empty() {
        problems.push(format!("evidence missing: {}", missing_evidence.join(", ")));
    }
    let derived = if problems.is_empty() { Status::Pass } else { Status::Fail };
    let evidence =
        if problems.is_empty() { tally.evidence() } else { format!("{}; {}", tally.evidence(), problems.join("; ")) };
    let claimed = match raw {
        "CERTIFIED" => Status::Pass,
        "NOT_CERTIFIED" => Status::Fail,
        _ => Status::Unknown,
    };
    ev.add_claim(
        Claim::status(SCOPE, "overall_verdict", raw, claimed, derived, evidence).at(Position::field("overall_verdict")),
    );

    if let Some(source) = source {
        provenance(ev, &source, "lane_generated_at", ProvenanceKind::GeneratedAt)?;
        // `missing` is the generator's marker for "no certification verdict to
        // read"; the empty gate list already shows it (nothing ran).
        if let Some(lane) = source.opt_str("lane_verdict")?.filter(|l| *l != "missing") {
            let field = source.path("lane_verdict");
            ev.add_claim(
                Claim::status(SCOPE, &field, lane, lane_status(lane), tally.derived(), tally.evidence())
                    .at(Position::field(&field)),
            );
        }
    }
    Ok(())
}
