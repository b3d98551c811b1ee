//! `tests/e2e_results/<run>/summary.json` in three shapes:
//! - `pi.e2e.summary.v1` (`scripts/e2e/run_all.sh`), with sub-objects added by
//!   later phases (failure diagnostics, replay bundle, release readiness,
//!   evidence contract);
//! - the older object without `schema` (`timestamp`, `total_suites`, `suites`, ...);
//! - the legacy JSON array of `tests/run_e2e.sh`, one row per provider. `[]` is
//!   what that script writes when one row fails to serialize: an empty artifact.
//!
//! Evidence: each entry of `suites[]` and `unit_targets[]` (its exit code, see
//! [`super::result`]); an entry `{"error": "no result file"}` is a target that
//! crashed before writing results (errored). Claims: every declared count and
//! name list against the entries, and the sub-objects' counts and statuses.
//! `summary.triage_diff` mirrors `triage_diff.json` and is judged there only.

use serde_json::Value;

use super::result::{Entry, EntryChecks, record_entry};
use super::{ParseError, bool_status, names_claims, objects, opt_objects, opt_strings, provenance, strings};
use crate::model::{Case, CaseOutcome, Claim, Evidence, Observation, Position, ProvenanceKind, Status};
use crate::parse::json::Fields;

const SCOPE: &str = "summary";

pub(super) fn read(doc: &Value, ev: &mut Evidence) -> Result<(), ParseError> {
    match doc {
        Value::Array(rows) if rows.is_empty() => {
            ev.observe(Observation::Empty);
            Ok(())
        }
        Value::Array(rows) => legacy_rows(rows, ev),
        _ => object(&Fields::of(doc, "")?, ev),
    }
}

fn object(root: &Fields<'_>, ev: &mut Evidence) -> Result<(), ParseError> {
    provenance(ev, root, "correlation_id", ProvenanceKind::CorrelationId)?;
    provenance(ev, root, "timestamp", ProvenanceKind::GeneratedAt)?;

    let suites = objects(root, "suites")?;
    let mut checks = EntryChecks::default();
    let suite_entries = suites
        .iter()
        .map(|s| record_entry(ev, s, "suites", &mut checks))
        .collect::<Result<Vec<Entry>, ParseError>>()?;
    checks.claims(ev, SCOPE, "suites[].")?;
    let failing_suites = failing(&suite_entries);
    let counts = [
        ("total_suites", suite_entries.len() as u64, "entries in suites[]"),
        ("passed_suites", (suite_entries.len() - failing_suites.len()) as u64, "suites[] with exit_code 0"),
        ("failed_suites", failing_suites.len() as u64, "suites[] with a non-zero exit_code or no result file"),
    ];
    count_claims(ev, root, &counts)?;
    let names = strings(root, "failed_names")?;
    names_claims(ev, SCOPE, "failed_names", &names, &failing_suites, Position::field("failed_names"));

    let units = opt_objects(root, "unit_targets")?;
    let mut checks = EntryChecks::default();
    let unit_entries = units
        .iter()
        .map(|u| record_entry(ev, u, "unit_targets", &mut checks))
        .collect::<Result<Vec<Entry>, ParseError>>()?;
    checks.claims(ev, SCOPE, "unit_targets[].")?;
    let failing_units = failing(&unit_entries);
    if root.has("total_units") || !units.is_empty() {
        let counts = [
            ("total_units", unit_entries.len() as u64, "entries in unit_targets[]"),
            ("passed_units", (unit_entries.len() - failing_units.len()) as u64, "unit_targets[] with exit_code 0"),
            ("failed_units", failing_units.len() as u64, "unit_targets[] with a non-zero exit_code or no result file"),
        ];
        count_claims(ev, root, &counts)?;
        let names = opt_strings(root, "failed_unit_names")?;
        names_claims(ev, SCOPE, "failed_unit_names", &names, &failing_units, Position::field("failed_unit_names"));
    }

    // The evidence contract validates these top-level counts (check
    // `summary.failed_suites_matches_suite_results`); entries and sub-objects are
    // judged on their own.
    let counts_hold = ev.claims.iter().filter(|c| c.scope == SCOPE && !c.field.contains("[]")).all(|c| c.holds());

    if let Some(diagnostics) = root.opt_object("failure_diagnostics")? {
        sub_count(ev, &diagnostics, "failed_suite_count", failing_suites.len(), "failing suites[]")?;
    }
    if let Some(bundle) = root.opt_object("replay_bundle")? {
        sub_count(ev, &bundle, "failed_suite_count", failing_suites.len(), "failing suites[]")?;
        sub_count(ev, &bundle, "failed_unit_count", failing_units.len(), "failing unit_targets[]")?;
        if let Some(cmd) = bundle.opt_str("one_command_replay")? {
            ev.add_replay_command(cmd);
        }
    }
    if let Some(readiness) = root.opt_object("release_readiness")? {
        release_readiness(ev, &readiness, &failing_suites, &failing_units)?;
    }
    if let Some(contract) = root.opt_object("evidence_contract")? {
        let errors = contract.opt_u64("error_count")?.unwrap_or(0);
        let raw = contract.str("status")?;
        let derived = if errors > 0 || !counts_hold { Status::Fail } else { Status::Pass };
        let evidence = format!(
            "{errors} error(s) reported; summary counts {}",
            if counts_hold { "consistent" } else { "contradict the entries" }
        );
        let field = contract.path("status");
        ev.add_claim(
            Claim::status(SCOPE, &field, raw, super::lane_status(raw), derived, evidence).at(Position::field(&field)),
        );
    }
    Ok(())
}

fn failing(entries: &[Entry]) -> Vec<String> {
    entries.iter().filter(|e| e.failing).map(|e| e.name.clone()).collect()
}

fn count_claims(ev: &mut Evidence, root: &Fields<'_>, counts: &[(&str, u64, &str)]) -> Result<(), ParseError> {
    for (key, derived, evidence) in counts {
        let field = root.path(key);
        ev.add_claim(Claim::count(SCOPE, &field, root.u64(key)?, *derived, *evidence).at(Position::field(&field)));
    }
    Ok(())
}

fn sub_count(ev: &mut Evidence, f: &Fields<'_>, key: &str, derived: usize, evidence: &str) -> Result<(), ParseError> {
    let field = f.path(key);
    ev.add_claim(Claim::count(SCOPE, &field, f.u64(key)?, derived as u64, evidence).at(Position::field(&field)));
    Ok(())
}

/// `release_readiness`: `ready` needs no failing suite or unit target and no
/// reported risk.
fn release_readiness(
    ev: &mut Evidence,
    readiness: &Fields<'_>,
    failing_suites: &[String],
    failing_units: &[String],
) -> Result<(), ParseError> {
    let risks = readiness.opt_u64("risk_count")?.unwrap_or(0);
    let failures = failing_suites.len() + failing_units.len();
    let derived = if failures > 0 || risks > 0 { Status::Fail } else { Status::Pass };
    let evidence = format!("{failures} failing suite(s) and unit target(s), risk_count {risks}");
    if let Some(raw) = readiness.opt_str("status")? {
        let claimed = match raw {
            "ready" => Status::Pass,
            "not_ready" => Status::Fail,
            _ => Status::Unknown,
        };
        let field = readiness.path("status");
        ev.add_claim(Claim::status(SCOPE, &field, raw, claimed, derived, &evidence).at(Position::field(&field)));
    }
    if let Some(ready) = readiness.opt_bool("overall_ready")? {
        let field = readiness.path("overall_ready");
        ev.add_claim(
            Claim::status(SCOPE, &field, ready.to_string(), bool_status(ready), derived, &evidence)
                .at(Position::field(&field)),
        );
    }
    for (key, failing) in [("failing_suites", failing_suites), ("failing_unit_targets", failing_units)] {
        if readiness.get(key).is_some() {
            let listed = strings(readiness, key)?;
            names_claims(ev, SCOPE, &readiness.path(key), &listed, failing, Position::field(readiness.path(key)));
        }
    }
    Ok(())
}

/// `tests/run_e2e.sh` rows: `verdict` is PASS only when the provider's `status`
/// is `passed` and cargo exited 0, so a PASS row with another status is a
/// claim the row itself contradicts.
fn legacy_rows(rows: &[Value], ev: &mut Evidence) -> Result<(), ParseError> {
    for (i, row) in rows.iter().enumerate() {
        let f = Fields::of(row, &format!("[{i}]"))?;
        let fallback = format!("row {}", i + 1);
        let name = f.opt_str("provider")?.unwrap_or(&fallback);
        let verdict = f.str("verdict")?;
        let status = f.opt_str("status")?;
        let position = Position::field(f.path("verdict"));
        let outcome = match (verdict, status) {
            ("SKIP", _) => CaseOutcome::Skipped,
            ("PASS", Some("passed") | None) => CaseOutcome::Passed,
            ("PASS" | "FAIL", _) => CaseOutcome::Failed,
            _ => CaseOutcome::Errored,
        };
        let message = format!("verdict {verdict}, status {}", status.unwrap_or("absent"));
        let mut case = Case::new(name, outcome).suite("providers").at(position.clone());
        if outcome != CaseOutcome::Passed {
            case = case.message(&message);
        }
        ev.add_case(case);
        let claimed = match verdict {
            "PASS" => Status::Pass,
            "FAIL" => Status::Fail,
            _ => continue,
        };
        let derived = if outcome == CaseOutcome::Passed { Status::Pass } else { Status::Fail };
        ev.add_claim(
            Claim::status(format!("providers::{name}"), f.path("verdict"), verdict, claimed, derived, message)
                .at(position),
        );
    }
    Ok(())
}
