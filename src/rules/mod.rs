//! Rules judge the facts readers recorded. Each rule is one small unit with a
//! stable code, a kebab-case name, a one-line summary and its own doc, and is
//! registered once, in [`REGISTRY`]. The rules of `truegreen gate` have a
//! registry of their own (`crate::gate::rules::REGISTRY`); `crate::catalogue`
//! lists both.

/// Implements [`HasMeta`] for a rule: `rule_meta!(Rule)` returns the module's
/// `META`, `rule_meta!(Rule, STATIC)` another static of the module.
macro_rules! rule_meta {
    ($rule:ident) => {
        rule_meta!($rule, META);
    };
    ($rule:ident, $meta:ident) => {
        impl $crate::rules::HasMeta for $rule {
            fn meta(&self) -> &'static $crate::rules::RuleMeta {
                &$meta
            }
        }
    };
}
pub(crate) use rule_meta;

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
pub use finding::{Finding, Severity};
pub use flaky_test::FlakyPolicy;
pub use nothing_ran::NothingRan;
pub use run_policy::{ExpectedReport, FRESHNESS_SLACK_SECONDS, FloorPolicy, ReusedReports, RunContext, SuitePolicy};

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

/// What rules judge against: the knobs (each has a documented CLI flag) and
/// the run's facts.
#[derive(Clone, Debug)]
pub struct Policy {
    /// "Today", for waiver expiry. Injected so tests are deterministic.
    pub today: NaiveDate,
    /// Waivers longer than this (in days) are a discrepancy unless the
    /// artifact's own policy is stricter.
    pub max_waiver_days: i64,
    /// A waiver expiring within this many days is a warning.
    pub waiver_warn_days: i64,
    /// The run's facts: identity, exit code, minimum, ledger, expectations.
    pub run: RunContext,
    /// Whether a case that passed only on a retry fails the run (`--flaky`).
    pub flaky: FlakyPolicy,
    /// How a test that passed in the baseline and is skipped now weighs (TG602).
    pub newly_skipped: Severity,
}

impl Policy {
    pub fn new(today: NaiveDate) -> Self {
        Self {
            today,
            max_waiver_days: 30,
            waiver_warn_days: 3,
            run: RunContext { min_tests: 1, ..RunContext::default() },
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

/// What every rule, of `check` or of `gate`, has: its identity and docs.
pub trait HasMeta {
    fn meta(&self) -> &'static RuleMeta;
}

/// A rule of `truegreen check`: it judges the artifacts read.
pub trait Rule: HasMeta + Sync {
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>);
}

/// Every rule of `check`, in code order. The one place such a rule is registered.
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
