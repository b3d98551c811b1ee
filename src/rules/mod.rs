//! Rules judge the facts readers recorded. Each rule is one small unit with a
//! stable code, a kebab-case name, a one-line summary and its own doc, and is
//! registered once, in [`REGISTRY`].

mod finding;

mod advisory_failure;
mod claim_false_green;
mod claim_false_red;
mod conflicting_duplicate;
mod count_mismatch;
mod empty_artifact;
mod exit_code_contradiction;
mod flaky_test;
mod no_reports;
mod nothing_ran;
mod triage_hides_regression;
mod truncated_stream;
mod unknown_format;
mod unparseable;
mod waiver;

pub use finding::{Finding, Severity};
pub use flaky_test::FlakyPolicy;

use chrono::NaiveDate;

use crate::discover::DiscoveryIssue;
use crate::model::Evidence;

/// A rule's identity and documentation.
#[derive(Debug)]
pub struct RuleMeta {
    /// Stable code, e.g. `TG101`. Never reused for another meaning.
    pub code: &'static str,
    /// Stable kebab-case name, e.g. `claim-false-green`.
    pub name: &'static str,
    /// One line: what the rule reports.
    pub summary: &'static str,
    /// The severity of the findings it produces.
    pub severity: Severity,
    /// Markdown: what it checks, why it matters, an example, how to fix.
    pub doc: &'static str,
}

impl RuleMeta {
    /// Start a finding of this rule.
    pub fn finding(&'static self, message: impl Into<String>) -> Finding {
        Finding::new(self, message)
    }
}

/// Policy knobs rules consult. Everything here has a documented CLI flag.
#[derive(Clone, Debug)]
pub struct Policy {
    /// At least this many cases must have executed across all artifacts.
    pub min_tests: u64,
    /// The producing command's exit code, when known.
    pub exit_code: Option<i32>,
    /// "Today", for waiver expiry. Injected so tests are deterministic.
    pub today: NaiveDate,
    /// Waivers longer than this (in days) are a discrepancy unless the
    /// artifact's own policy is stricter.
    pub max_waiver_days: i64,
    /// A waiver expiring within this many days is a warning.
    pub waiver_warn_days: i64,
    /// Whether a case that passed only on a retry fails the run (`--flaky`).
    pub flaky: FlakyPolicy,
}

impl Policy {
    pub fn new(today: NaiveDate) -> Self {
        Self {
            min_tests: 1,
            exit_code: None,
            today,
            max_waiver_days: 30,
            waiver_warn_days: 3,
            flaky: FlakyPolicy::Pass,
        }
    }
}

/// What a rule sees: every artifact read, what discovery could not read, and policy.
pub struct RuleContext<'a> {
    pub artifacts: &'a [Evidence],
    pub discovery_issues: &'a [DiscoveryIssue],
    pub policy: &'a Policy,
}

pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>);
}

/// Every rule, in code order. The one place a rule is registered.
pub static REGISTRY: &[&dyn Rule] = &[
    &unparseable::Unparseable,
    &empty_artifact::EmptyArtifact,
    &unknown_format::UnknownFormat,
    &no_reports::NoReports,
    &truncated_stream::TruncatedStream,
    &claim_false_green::ClaimFalseGreen,
    &claim_false_red::ClaimFalseRed,
    &count_mismatch::CountMismatch,
    &triage_hides_regression::TriageHidesRegression,
    &exit_code_contradiction::ExitCodeContradiction,
    &conflicting_duplicate::ConflictingDuplicate,
    &flaky_test::FlakyTest,
    &nothing_ran::NothingRan,
    &waiver::WaiverExpired,
    &waiver::WaiverTooLong,
    &waiver::WaiverIncomplete,
    &waiver::WaiverExpiringSoon,
    &advisory_failure::AdvisoryFailure,
];

/// Look a rule up by code (`TG101`) or name (`claim-false-green`), case-insensitively.
pub fn lookup(code_or_name: &str) -> Option<&'static dyn Rule> {
    REGISTRY.iter().copied().find(|r| {
        let m = r.meta();
        m.code.eq_ignore_ascii_case(code_or_name) || m.name.eq_ignore_ascii_case(code_or_name)
    })
}

/// Run every registered rule.
pub fn run_all(cx: &RuleContext<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for rule in REGISTRY {
        rule.check(cx, &mut out);
    }
    out
}

#[cfg(test)]
pub(crate) mod testing;

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let mut codes = HashSet::new();
        let mut names = HashSet::new();
        for rule in REGISTRY {
            let m = rule.meta();
            assert!(codes.insert(m.code), "duplicate code {}", m.code);
            assert!(names.insert(m.name), "duplicate name {}", m.name);
            assert!(m.code.starts_with("TG") && m.code.len() == 5, "bad code {}", m.code);
            assert!(m.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "bad name {}", m.name);
            assert!(!m.summary.contains('\n'), "{} summary must be one line", m.code);
            assert!(m.doc.contains("## Why"), "{} doc lacks a Why section", m.code);
        }
    }

    #[test]
    fn registry_is_in_code_order() {
        let codes: Vec<_> = REGISTRY.iter().map(|r| r.meta().code).collect();
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        assert_eq!(codes, sorted);
    }

    #[test]
    fn lookup_finds_by_code_or_name() {
        assert_eq!(lookup("tg101").map(|r| r.meta().name), Some("claim-false-green"));
        assert_eq!(lookup("claim-false-green").map(|r| r.meta().code), Some("TG101"));
        assert!(lookup("TG999").is_none());
    }
}
