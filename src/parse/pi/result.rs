//! `<run>/<suite>/result.json`, `<run>/unit/<target>/result.json`,
//! `<run>/lib/result.json` (`pi.e2e.result.v1`, and the older form without
//! `schema`/`result_kind`). The same objects are `summary.json`'s entries.
//!
//! Evidence: `exit_code`, the only input pi's runner decides pass/fail on: one
//! case per result. The counts are scraped from the log with `grep` and are
//! informational, so they are checked, not trusted:
//! - exit 0 with nothing counted (`total` 0) ran nothing: a skipped case, so a
//!   result that is only that ends as nothing-ran (TG201);
//! - a non-zero exit with no failed test counted is a target that did not run to
//!   completion (compile error, crash, timeout): an errored case that says so;
//! - exit 0 with failed tests counted, and a `total` that is not
//!   passed + failed + ignored, are count mismatches (TG103).

use serde_json::Value;

use super::{ParseError, cargo_replay, checked_sum, provenance, root};
use crate::model::{Case, CaseOutcome, Claim, Evidence, Position, ProvenanceKind};
use crate::parse::json::{Fields, wrong_type};

pub(super) fn read(doc: &Value, ev: &mut Evidence) -> Result<(), ParseError> {
    let root = root(doc)?;
    provenance(ev, &root, "correlation_id", ProvenanceKind::CorrelationId)?;
    provenance(ev, &root, "timestamp", ProvenanceKind::GeneratedAt)?;
    let category = match root.opt_str("result_kind")? {
        Some("lib") => "lib",
        Some("unit") => "unit_targets",
        Some("suite") => "suites",
        Some(other) => {
            return Err(ParseError::new(
                format!("field result_kind: expected lib, unit or suite, found {other:?}"),
                Position::field("result_kind"),
            ));
        }
        None if root.has("suite") => "suites",
        None => "unit_targets",
    };
    let mut checks = EntryChecks::default();
    record_entry(ev, &root, category, &mut checks)?;
    checks.claims(ev, "result", "")
}

/// The scraped counts of one or more entries, checked in aggregate so that a
/// summary of thousands of entries yields two claims, not thousands, while
/// still naming the entries that disagree.
#[derive(Default)]
pub(super) struct EntryChecks {
    /// Some entry declared passed, failed, ignored and total.
    counted: bool,
    declared_total: u64,
    summed_total: u64,
    odd_totals: Vec<String>,
    /// Some entry exited 0 and declared a failed count.
    exit0_counted: bool,
    failed_on_exit0: u64,
    exit0_with_failures: Vec<String>,
}

impl EntryChecks {
    /// Record the claims; `prefix` is the list's field path (`suites[].`) or empty.
    pub(super) fn claims(&self, ev: &mut Evidence, scope: &str, prefix: &str) -> Result<(), ParseError> {
        if self.counted {
            let field = format!("{prefix}total");
            let mut evidence = "passed + failed + ignored".to_owned();
            if !self.odd_totals.is_empty() {
                evidence.push_str(&format!("; differing: {}", super::bounded_list(&self.odd_totals)));
            }
            ev.add_claim(
                Claim::count(scope, &field, self.declared_total, self.summed_total, evidence)
                    .at(Position::field(&field)),
            );
        }
        if self.exit0_counted {
            let field = format!("{prefix}failed");
            let mut evidence = "exit_code 0: cargo test reported no failed test".to_owned();
            if !self.exit0_with_failures.is_empty() {
                evidence
                    .push_str(&format!("; failures counted in: {}", super::bounded_list(&self.exit0_with_failures)));
            }
            ev.add_claim(Claim::count(scope, &field, self.failed_on_exit0, 0, evidence).at(Position::field(&field)));
        }
        Ok(())
    }
}

/// What one result entry showed.
pub(super) struct Entry {
    pub name: String,
    /// A non-zero exit code or no result file: pi counts it as failed.
    pub failing: bool,
}

/// Record one result object (a `result.json`, or an entry of `summary.json`'s
/// `suites[]`/`unit_targets[]`) as one case in `category`.
pub(super) fn record_entry(
    ev: &mut Evidence,
    f: &Fields<'_>,
    category: &str,
    checks: &mut EntryChecks,
) -> Result<Entry, ParseError> {
    let name = match (f.opt_str("suite")?, f.opt_str("target")?) {
        (Some(name), _) | (None, Some(name)) => name,
        (None, None) => return Err(wrong_type(&f.path("suite"), "a suite or target name", None)),
    };
    let kind = (category == "lib").then_some("lib");
    let replay = cargo_replay(kind, name);

    // `summary.json` writes `{"suite": …, "exit_code": 1, "error": "no result file"}`
    // for a target whose result.json is missing: it crashed or never started.
    if let Some(error) = f.opt_str("error")? {
        if f.get("exit_code").is_some() {
            f.i64("exit_code")?;
        }
        let message = format!("{error}: no result.json was written, so the target crashed or never ran");
        ev.add_case(
            Case::new(name, CaseOutcome::Errored)
                .suite(category)
                .message(&message)
                .replay(replay)
                .at(Position::field(f.path("error"))),
        );
        return Ok(Entry { name: name.to_owned(), failing: true });
    }

    let exit_code = f.i64("exit_code")?;
    let passed = f.opt_u64("passed")?;
    let failed = f.opt_u64("failed")?;
    let ignored = f.opt_u64("ignored")?;
    let total = f.opt_u64("total")?;
    if let (Some(p), Some(fl), Some(i), Some(t)) = (passed, failed, ignored, total) {
        let field = f.path("total");
        let sum = checked_sum(&[p, fl, i], &field)?;
        checks.counted = true;
        checks.declared_total = checked_sum(&[checks.declared_total, t], &field)?;
        checks.summed_total = checked_sum(&[checks.summed_total, sum], &field)?;
        if sum != t {
            checks.odd_totals.push(format!("{name} (total {t}, sum {sum})"));
        }
    }
    let log = f.opt_str("log_file")?.map(|l| format!(" (log: {l})")).unwrap_or_default();
    let position = Position::field(f.path("exit_code"));

    if exit_code != 0 {
        let failed_tests = failed.unwrap_or(0);
        let (outcome, message) = if failed_tests > 0 {
            (CaseOutcome::Failed, format!("exit code {exit_code}; {failed_tests} test(s) failed{log}"))
        } else {
            (
                CaseOutcome::Errored,
                format!(
                    "exit code {exit_code} with no failed test counted: the target did not run to completion \
                     (compile error, crash, timeout or kill){log}"
                ),
            )
        };
        ev.add_case(Case::new(name, outcome).suite(category).message(&message).replay(replay).at(position));
        return Ok(Entry { name: name.to_owned(), failing: true });
    }

    if let Some(failed_tests) = failed {
        checks.exit0_counted = true;
        checks.failed_on_exit0 = checked_sum(&[checks.failed_on_exit0, failed_tests], &f.path("failed"))?;
        if failed_tests > 0 {
            checks.exit0_with_failures.push(format!("{name} ({failed_tests})"));
        }
    }
    let counted = match (total, passed, failed, ignored) {
        (Some(t), ..) => Some(t),
        (None, Some(p), Some(fl), Some(i)) => Some(checked_sum(&[p, fl, i], &f.path("total"))?),
        _ => None,
    };
    if counted == Some(0) {
        let message = format!("exit code 0 but no test ran: a vacuous pass{log}");
        ev.add_case(Case::new(name, CaseOutcome::Skipped).suite(category).message(&message).at(position));
    } else {
        ev.add_case(Case::new(name, CaseOutcome::Passed).suite(category).at(position));
    }
    Ok(Entry { name: name.to_owned(), failing: false })
}
