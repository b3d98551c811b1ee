//! Reader tests, one module per artifact, on fixtures built from the field
//! tables of `shared/fixtures/pi/SCHEMAS.md` (few real v1 samples exist).
//! Each test runs the reader and the full rule set, and asserts the verdict.

mod certification_verdict;
mod detection;
mod dossier;
mod dropin;
mod failure_lists;
mod full_suite;
mod preflight;
mod result;
mod suite_classification;
mod summary;
mod triage;
mod waiver_audit;

use std::collections::BTreeSet;

use serde_json::Value;

use crate::engine::{Collected, judge};
use crate::model::{ArtifactInfo, ClaimKind, Evidence, EvidenceLimits, FailureRecord, Format, Observation};
use crate::rules::testing::policy;
use crate::verdict::Verdict;

/// Read `text` as `format`, as the driver does (a reader error becomes an
/// unparseable observation, and the evidence is finished).
pub(super) fn read(format: Format, path: &str, text: &str) -> Evidence {
    let info =
        ArtifactInfo { path: path.into(), format: Some(format), sha256: None, size: text.len() as u64, modified: None };
    let mut ev = Evidence::new(info, EvidenceLimits::default());
    if let Err(err) = crate::parse::read_format(
        &mut text.as_bytes(),
        &mut ev,
        &crate::parse::ReadContext::new(format, None, EvidenceLimits::default()),
    ) {
        ev.observe(Observation::Unparseable { message: err.message, position: err.position });
    }
    ev.finish();
    ev
}

pub(super) fn read_json(format: Format, path: &str, doc: &Value) -> Evidence {
    read(format, path, &doc.to_string())
}

/// Judge artifacts with every rule, "today" being 2026-11-20.
pub(super) fn verdict(artifacts: Vec<Evidence>) -> Verdict {
    judge(Collected { artifacts, issues: Vec::new(), ignored: Vec::new() }, &policy())
}

/// The rule codes a verdict reports.
pub(super) fn codes(v: &Verdict) -> BTreeSet<&str> {
    v.findings.iter().map(|f| f.rule.as_str()).collect()
}

pub(super) fn set<'a>(codes: &[&'a str]) -> BTreeSet<&'a str> {
    codes.iter().copied().collect()
}

/// Assert the exit code and the exact set of rule codes.
#[track_caller]
pub(super) fn assert_verdict(artifacts: Vec<Evidence>, exit: i32, expected: &[&str]) -> Verdict {
    let v = verdict(artifacts);
    let messages: Vec<String> = v.findings.iter().map(|f| format!("{} {}", f.rule, f.message)).collect();
    assert_eq!(codes(&v), set(expected), "findings: {messages:#?}");
    assert_eq!(v.exit_code, exit, "findings: {messages:#?}");
    v
}

/// The unparseable message of an artifact, if reading failed.
pub(super) fn unparseable(ev: &Evidence) -> Option<&str> {
    ev.observations.iter().find_map(|o| match o {
        Observation::Unparseable { message, .. } => Some(message.as_str()),
        _ => None,
    })
}

pub(super) fn failure<'a>(ev: &'a Evidence, name: &str) -> &'a FailureRecord {
    match ev.failures.iter().find(|f| f.name == name) {
        Some(f) => f,
        None => panic!("no failure {name} in {:?}", ev.failures.iter().map(|f| &f.name).collect::<Vec<_>>()),
    }
}

/// Claims that do not hold, as `field: claimed vs derived`.
pub(super) fn broken_claims(ev: &Evidence) -> Vec<String> {
    ev.claims
        .iter()
        .filter(|c| !c.holds())
        .map(|c| match &c.kind {
            ClaimKind::Count { claimed, derived, .. } => format!("{}: {claimed} vs {derived}", c.field),
            ClaimKind::Status { claimed_raw, derived, .. } => {
                format!("{}: {claimed_raw} vs {}", c.field, derived.as_str())
            }
        })
        .collect()
}
