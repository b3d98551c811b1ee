//! `tests/full_suite_gate/certification_dossier.json` (`pi.qa.certification_dossier.v1`).
//!
//! The dossier's `verdict` and closure-question statuses are constants in its
//! producer (`pass_with_residuals` whatever happened), so they are claims only.
//! Its only gate evidence is `ci_gate_status`, a copy of the full-suite verdict's
//! summary: the status is derived from it (any failed gate, or fewer blocking
//! gates passing than exist, is a failure).
//!
//! The gate counts become claims, not cases: the gates are the full-suite
//! verdict's, and a directory holding both must count each gate once. The counts
//! are also recorded as a quote of the sibling `full_suite_verdict.json`, which
//! rule TG110 compares with that verdict's gates. Further claims: the suite
//! classification, test-double inventory and scenario matrix totals.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use super::{ParseError, checked_sum, provenance, root};
use crate::model::{Claim, Evidence, Observation, Position, ProvenanceKind, Status};
use crate::parse::json::Fields;

const SCOPE: &str = "certification_dossier";

pub(super) fn read(doc: &Value, ev: &mut Evidence) -> Result<(), ParseError> {
    let root = root(doc)?;
    provenance(ev, &root, "generated_at", ProvenanceKind::GeneratedAt)?;

    let gates = root.object("ci_gate_status")?;
    let total = gates.u64("total_gates")?;
    let failed = gates.u64("failed")?;
    let skipped = gates.u64("skipped")?;
    let blocking_pass = gates.u64("blocking_pass")?;
    let blocking_total = gates.u64("blocking_total")?;
    let derived = if failed > 0 || blocking_pass < blocking_total { Status::Fail } else { Status::Pass };
    let evidence = format!(
        "ci_gate_status: {failed} of {total} gate(s) failed, {skipped} skipped, {blocking_pass} of {blocking_total} blocking pass"
    );

    let raw = root.str("verdict")?;
    ev.add_claim(
        Claim::status(SCOPE, "verdict", raw, dossier_status(raw), derived, &evidence).at(Position::field("verdict")),
    );
    let questions = root.opt_object("closure_questions")?;
    if let (Some(questions), Some(map)) = (questions, root.get("closure_questions").and_then(Value::as_object)) {
        for key in map.keys() {
            let question = questions.object(key)?;
            let status = question.str("status")?;
            let field = question.path("status");
            ev.add_claim(
                Claim::status(SCOPE, &field, status, dossier_status(status), derived, &evidence)
                    .at(Position::field(&field)),
            );
        }
    }

    let mut counts = BTreeMap::new();
    for key in ["total_gates", "passed", "failed", "skipped", "blocking_pass", "blocking_total"] {
        counts.insert(format!("summary.{key}"), gates.u64(key)?);
    }
    ev.observe(Observation::Quote {
        source: sibling_verdict_name(&ev.info.path),
        counts,
        failing: Vec::new(),
        position: Position::field("ci_gate_status"),
    });

    if let Some(classes) = root.opt_object("suite_classification")? {
        let parts = [classes.u64("unit_files")?, classes.u64("vcr_files")?, classes.u64("e2e_files")?];
        let classified = classes.u64("total_classified")?;
        let field = classes.path("total_classified");
        let sum = checked_sum(&parts, &field)?;
        ev.add_claim(
            Claim::count(SCOPE, &field, classified, sum, "unit_files + vcr_files + e2e_files")
                .at(Position::field(&field)),
        );
        let files = classes.u64("total_test_files")?;
        ev.add_claim(
            Claim::count(
                SCOPE,
                format!("{field} (every test file classified)"),
                classified,
                files,
                "total_test_files: the test files under tests/",
            )
            .at(Position::field(&field)),
        );
    }
    sum_claim(ev, root.opt_object("test_double_inventory")?, "entry_count", &["high_risk", "medium_risk", "low_risk"])?;
    sum_claim(ev, root.opt_object("e2e_scenario_matrix")?, "total_workflows", &["covered", "waived", "planned"])?;
    Ok(())
}

/// `pass_with_residuals` claims a pass (the residuals are known gaps, not
/// failures); anything else unknown is never read as a pass.
fn dossier_status(raw: &str) -> Status {
    match raw {
        "pass" | "pass_with_residuals" => Status::Pass,
        "fail" => Status::Fail,
        _ => Status::Unknown,
    }
}

/// A declared total against the sum of its parts.
fn sum_claim(ev: &mut Evidence, section: Option<Fields<'_>>, total: &str, parts: &[&str]) -> Result<(), ParseError> {
    let Some(section) = section else { return Ok(()) };
    let field = section.path(total);
    let values = parts.iter().map(|p| section.u64(p)).collect::<Result<Vec<_>, _>>()?;
    let sum = checked_sum(&values, &field)?;
    ev.add_claim(Claim::count(SCOPE, &field, section.u64(total)?, sum, parts.join(" + ")).at(Position::field(&field)));
    Ok(())
}

/// The full-suite verdict the dossier was built from: pi writes both into one
/// directory; copies kept side by side carry the same suffix
/// (`certification_dossier.<sha>.json` next to `full_suite_verdict.<sha>.json`).
fn sibling_verdict_name(path: &str) -> String {
    let name = Path::new(path).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    match name.strip_prefix("certification_dossier") {
        Some(suffix) => format!("full_suite_verdict{suffix}"),
        None => "full_suite_verdict.json".to_owned(),
    }
}
