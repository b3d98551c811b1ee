//! Rules judge the facts readers recorded. Each rule is one small unit with a
//! stable code, a kebab-case name, a one-line summary and its own doc, and is
//! registered once, in [`REGISTRY`].

mod doc;
mod finding;
mod run_policy;

mod advisory_failure;
mod artifact_too_large;
mod artifacts_disagree;
mod baseline_missing;
mod baseline_unusable;
mod claim_false_green;
mod claim_false_red;
mod commit_mismatch;
mod conflicting_duplicate;
mod count_mismatch;
mod cross_report_conflict;
mod empty_artifact;
mod exit_code_contradiction;
mod expected_report_missing;
mod flaky_test;
mod no_reports;
mod nothing_ran;
mod protocol;
mod provenance;
mod provenance_disagreement;
mod run_id_mismatch;
mod schema_violation;
mod set_aside;
mod stale_report;
mod stale_timestamp;
mod status_claims;
mod suite_below_min_tests;
mod suite_exit_contradiction;
mod suite_not_run;
mod suite_without_results;
mod suites;
mod tap_bail_out;
mod tap_plan_misplaced;
mod tap_plan_missing;
mod tap_test_number;
mod tap_unterminated_subtest;
mod test_count_floor;
mod test_newly_skipped;
mod test_vanished;
mod triage_hides_regression;
mod truncated_stream;
mod unknown_format;
mod unparseable;
mod unused_waiver;
mod vanished_explained;
mod waived_failure;
mod waiver;
mod waiver_unbacked;

pub use cross_report_conflict::CrossConflicts;
pub use doc::reference_markdown;
pub use finding::{Finding, Severity};
pub use flaky_test::FlakyPolicy;
pub use run_policy::{
    ExpectedReport, FRESHNESS_SLACK_SECONDS, FloorPolicy, ReusedReports, RunRequirements, SuitePolicy,
};

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
    /// Freshness and completeness: what must exist, and the run's identity.
    pub run: RunRequirements,
    /// Whether a case that passed only on a retry fails the run (`--flaky`).
    pub flaky: FlakyPolicy,
    /// How a test that passed in the baseline and is skipped now weighs (TG602).
    pub newly_skipped: Severity,
}

impl Policy {
    pub fn new(today: NaiveDate) -> Self {
        Self {
            min_tests: 1,
            exit_code: None,
            today,
            max_waiver_days: 30,
            waiver_warn_days: 3,
            run: RunRequirements::default(),
            flaky: FlakyPolicy::Pass,
            newly_skipped: Severity::Discrepancy,
        }
    }
}

/// What a rule sees: every artifact read, what discovery could not read, and policy.
pub struct RuleContext<'a> {
    pub artifacts: &'a [Evidence],
    pub discovery_issues: &'a [DiscoveryIssue],
    pub policy: &'a Policy,
    /// The cases two artifacts disagree about, when the caller found them
    /// already (the engine does, to name them); TG305 finds them otherwise.
    pub cross_conflicts: Option<&'a CrossConflicts>,
    /// The comparison with a baseline inventory, when one was asked for.
    pub baseline: Option<&'a crate::inventory::BaselineStatus>,
}

impl<'a> RuleContext<'a> {
    /// The artifacts a run writes (and an unreadable file, which may be one):
    /// what freshness is judged on. Configuration and ledgers are excluded.
    pub fn run_outputs(&self) -> impl Iterator<Item = &'a Evidence> + use<'a> {
        self.artifacts.iter().filter(|ev| ev.format().is_none_or(|f| f.is_run_output()))
    }
}

pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>);

    /// The rules of `truegreen gate` judge shard verdicts rather than artifacts;
    /// they return themselves here and check nothing in `check`.
    fn as_gate_rule(&self) -> Option<&dyn crate::gate::rules::GateRule> {
        None
    }
}

/// Every rule, in code order. The one place a rule is registered.
pub static REGISTRY: &[&dyn Rule] = &[
    &unparseable::Unparseable,
    &empty_artifact::EmptyArtifact,
    &unknown_format::UnknownFormat,
    &no_reports::NoReports,
    &truncated_stream::TruncatedStream,
    &artifact_too_large::ArtifactTooLarge,
    &tap_plan_missing::TapPlanMissing,
    &tap_plan_misplaced::TapPlanMisplaced,
    &tap_test_number::TapTestNumber,
    &tap_bail_out::TapBailOut,
    &tap_unterminated_subtest::TapUnterminatedSubtest,
    &schema_violation::SchemaViolation,
    &claim_false_green::ClaimFalseGreen,
    &claim_false_red::ClaimFalseRed,
    &count_mismatch::CountMismatch,
    &triage_hides_regression::TriageHidesRegression,
    &exit_code_contradiction::ExitCodeContradiction,
    &conflicting_duplicate::ConflictingDuplicate,
    &artifacts_disagree::ArtifactsDisagree,
    &flaky_test::FlakyTest,
    &nothing_ran::NothingRan,
    &suite_exit_contradiction::SuiteExitContradiction,
    &suite_without_results::SuiteWithoutResults,
    &suite_not_run::SuiteNotRun,
    &expected_report_missing::ExpectedReportMissing,
    &test_count_floor::TestCountFloor,
    &suite_below_min_tests::SuiteBelowMinTests,
    &crate::gate::rules::MissingCell,
    &crate::gate::rules::DuplicateCell,
    &crate::gate::rules::UnexpectedCell,
    &crate::gate::rules::StaleVerdict,
    &crate::gate::rules::UnreadableVerdict,
    &crate::gate::rules::CellDiscrepancy,
    &crate::gate::rules::SelfContradiction,
    &crate::gate::rules::CellFailed,
    &crate::gate::rules::JobCancelled,
    &crate::gate::rules::JobSkipped,
    &crate::gate::rules::JobFailed,
    &crate::gate::rules::JobUnknownResult,
    &crate::gate::rules::JobAllowed,
    &crate::gate::rules::NothingExpected,
    &stale_report::StaleReport,
    &commit_mismatch::CommitMismatch,
    &run_id_mismatch::RunIdMismatch,
    &stale_timestamp::StaleTimestamp,
    &cross_report_conflict::CrossReportConflict,
    &provenance_disagreement::ProvenanceDisagreement,
    &waiver::WaiverExpired,
    &waiver::WaiverTooLong,
    &waiver::WaiverIncomplete,
    &waiver::WaiverExpiringSoon,
    &waiver_unbacked::WaiverUnbacked,
    &waived_failure::WaivedFailure,
    &unused_waiver::UnusedWaiver,
    &advisory_failure::AdvisoryFailure,
    &set_aside::SetAside,
    &test_vanished::TestVanished,
    &test_newly_skipped::TestNewlySkipped,
    &vanished_explained::VanishedExplained,
    &baseline_missing::BaselineMissing,
    &baseline_unusable::BaselineUnusable,
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
