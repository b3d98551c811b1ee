//! `<run>/failure_diagnostics_index.json` (`pi.e2e.failure_diagnostics_index.v1`):
//! one entry per e2e suite that exited non-zero.
//!
//! Evidence: each listed suite is a failed case (outcome by its root cause
//! class, message and source from its first failing assertion, replay
//! `cargo test --test <suite>`). It is empty on a clean run. Claims:
//! `failed_suite_count` against the entries.

use serde_json::Value;

use super::failure_digest::{assertion_lines, outcome_for};
use super::{ParseError, assertion_location, cargo_replay, objects, provenance, root};
use crate::model::{Case, Claim, Evidence, Position, ProvenanceKind};

pub(super) fn read(doc: &Value, ev: &mut Evidence) -> Result<(), ParseError> {
    let root = root(doc)?;
    provenance(ev, &root, "correlation_id", ProvenanceKind::CorrelationId)?;
    provenance(ev, &root, "generated_at", ProvenanceKind::GeneratedAt)?;
    let suites = objects(&root, "suites")?;
    for entry in &suites {
        let suite = entry.str("suite")?;
        let class = entry.opt_str("root_cause_class")?.unwrap_or("unknown");
        let mut lines = vec![format!("root cause {class}")];
        let mut source = None;
        if let Some(assertion) = entry.opt_object("first_failing_assertion")? {
            lines.extend(assertion_lines(&assertion)?);
            source = assertion_location(&assertion)?;
        }
        if let Some(path) = entry.opt_str("digest_path")? {
            lines.push(format!("digest: {path}"));
        }
        let message = lines.join("\n");
        let mut case = Case::new(suite, outcome_for(class))
            .suite("suites")
            .message(&message)
            .replay(cargo_replay(None, suite))
            .at(Position::field(entry.path("suite")));
        case.source = source;
        ev.add_case(case);
    }
    ev.add_claim(
        Claim::count(
            "failure_diagnostics_index",
            "failed_suite_count",
            root.u64("failed_suite_count")?,
            suites.len() as u64,
            "entries in suites[]",
        )
        .at(Position::field("failed_suite_count")),
    );
    Ok(())
}
