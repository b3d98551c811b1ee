//! `tests/full_suite_gate/full_suite_verdict.json` (`pi.ci.full_suite_gate.v1`).
//!
//! Evidence: `gates[]` (status + blocking), one case per gate. Claims: `verdict`,
//! `summary.all_blocking_pass` and every `summary` count.

use serde_json::Value;

use super::gates::{Gate, GateTally};
use super::{ParseError, lane_status, objects, provenance, root};
use crate::model::{Claim, Evidence, Position, ProvenanceKind, Status};
use crate::parse::json::Fields;

const SCOPE: &str = "full_suite_verdict";

pub(super) fn read(doc: &Value, ev: &mut Evidence) -> Result<(), ParseError> {
    let root = root(doc)?;
    provenance(ev, &root, "generated_at", ProvenanceKind::GeneratedAt)?;
    let mut tally = GateTally::default();
    for gate in objects(&root, "gates")? {
        tally.record(ev, &Gate::parse(&gate, "id", None)?, "gates", false);
    }
    let summary = root.object("summary")?;
    gate_count_claims(ev, SCOPE, &summary, &tally)?;
    let raw = root.str("verdict")?;
    ev.add_claim(
        Claim::status(SCOPE, "verdict", raw, lane_status(raw), tally.derived(), tally.evidence())
            .at(Position::field("verdict")),
    );
    all_blocking_pass_claim(ev, SCOPE, &summary, &tally)?;
    Ok(())
}

/// The counts pi's full-suite and certification summaries share, each against
/// the gates. `blocking_pass` counts waived blocking gates too, as pi's
/// certification lane does (in the full-suite lane nothing is waived).
pub(super) fn gate_count_claims(
    ev: &mut Evidence,
    scope: &str,
    summary: &Fields<'_>,
    tally: &GateTally,
) -> Result<(), ParseError> {
    let pairs = [
        ("total_gates", tally.total, "entries in gates[]"),
        ("passed", tally.passed, "gates with status pass"),
        ("failed", tally.failed, "gates with status fail, not waived"),
        ("warned", tally.warned, "gates with status warn, not waived"),
        ("skipped", tally.skipped, "gates with status skip"),
        ("blocking_pass", tally.blocking_passed + tally.waived, "blocking gates with status pass or waived"),
        ("blocking_total", tally.blocking_total, "gates with blocking true"),
    ];
    for (key, derived, evidence) in pairs {
        let claimed = summary.u64(key)?;
        ev.add_claim(
            Claim::count(scope, summary.path(key), claimed, derived, evidence).at(Position::field(summary.path(key))),
        );
    }
    Ok(())
}

/// `summary.all_blocking_pass`, true only when every blocking gate passed or
/// was waived.
pub(super) fn all_blocking_pass_claim(
    ev: &mut Evidence,
    scope: &str,
    summary: &Fields<'_>,
    tally: &GateTally,
) -> Result<(), ParseError> {
    let claimed = summary.bool("all_blocking_pass")?;
    let derived = if tally.blockers.is_empty() { Status::Pass } else { Status::Fail };
    ev.add_claim(
        Claim::status(
            scope,
            summary.path("all_blocking_pass"),
            claimed.to_string(),
            super::bool_status(claimed),
            derived,
            tally.evidence(),
        )
        .at(Position::field(summary.path("all_blocking_pass"))),
    );
    Ok(())
}
