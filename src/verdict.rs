//! The verdict and its document (`--json`), which every renderer consumes.
//!
//! The document is versioned by [`SCHEMA`]; fields are only ever added within a
//! version. `docs/verdict-schema.md` describes each field.

use serde::{Deserialize, Serialize};

use crate::exit_code::TruegreenExitCode;
use crate::model::{ArtifactInfo, Claim, Evidence, FailureRecord, Tally};
use crate::rules::{Finding, Severity};

pub const SCHEMA: &str = "truegreen.verdict.v1";

/// What a run (or the gate) concluded; [`Status::exit_code`] maps it to the
/// process exit code (`crate::exit_code`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Every check holds and something ran.
    Pass,
    /// Tests or gates failed, and the evidence is consistent.
    Fail,
    /// A contradiction, or evidence that is missing, unreadable or empty.
    Discrepancy,
}

impl Status {
    /// The one status ladder, for `check`, the gate and a shard's re-derived
    /// status alike: any discrepancy outranks any failure; a pass has neither.
    /// Each caller counts what it judges (findings, failed cases, cells).
    pub fn decide(discrepancies: u64, failures: u64) -> Self {
        if discrepancies > 0 {
            Self::Discrepancy
        } else if failures > 0 {
            Self::Fail
        } else {
            Self::Pass
        }
    }

    pub fn exit_code(self) -> i32 {
        match self {
            Self::Pass => TruegreenExitCode::PASS,
            Self::Fail => TruegreenExitCode::FAIL,
            Self::Discrepancy => TruegreenExitCode::DISCREPANCY,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Fail => "fail",
            Self::Discrepancy => "discrepancy",
        }
    }
}

/// The run's facts; the document records its identity as `context`.
pub use crate::rules::RunContext;

/// One artifact as the document records it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArtifactReport {
    #[serde(flatten)]
    pub info: ArtifactInfo,
    pub tally: Tally,
    /// Every claim, with what the evidence says beside it.
    pub claims: Vec<ClaimReport>,
    pub failures: Vec<FailureRecord>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub replay_commands: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimReport {
    #[serde(flatten)]
    pub claim: Claim,
    pub holds: bool,
}

/// Totals over all artifacts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// Derived from the raw cases of every artifact.
    pub derived: Tally,
    pub executed: u64,
    pub claims_checked: u64,
    pub claims_contradicted: u64,
    pub discrepancies: u64,
    pub warnings: u64,
    /// Blocking failures kept out of the verdict by an active waiver or quarantine.
    #[serde(default)]
    pub waived: u64,
}

/// The verdict document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    pub schema: String,
    pub truegreen_version: String,
    pub status: Status,
    pub exit_code: i32,
    pub context: RunContext,
    pub totals: Totals,
    pub artifacts: Vec<ArtifactReport>,
    /// Discrepancies first, then failures, then warnings; stable within each.
    pub findings: Vec<Finding>,
    /// Files found while scanning directories that no reader recognizes.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub ignored: Vec<String>,
    /// The comparison with a baseline inventory (`--baseline`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub baseline: Option<crate::inventory::BaselineStatus>,
    /// The slowest tests, longest first, when the run's inventory was kept.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub slowest: Vec<crate::inventory::Timed>,
}

impl Verdict {
    /// Every failure of every artifact, with the artifact's path.
    pub fn failures(&self) -> impl Iterator<Item = (&ArtifactReport, &FailureRecord)> {
        self.artifacts.iter().flat_map(|a| a.failures.iter().map(move |f| (a, f)))
    }

    /// Blocking failures only: those that fail the run (waived ones do not).
    pub fn blocking_failures(&self) -> impl Iterator<Item = (&ArtifactReport, &FailureRecord)> {
        self.failures().filter(|(_, f)| f.fails_run())
    }
}

/// Decide the verdict. A discrepancy outranks a failure; a pass needs no
/// discrepancy and no blocking failure (TG201 already covers "nothing ran").
pub fn decide(
    artifacts: Vec<Evidence>,
    mut findings: Vec<Finding>,
    ignored: Vec<String>,
    context: RunContext,
) -> Verdict {
    findings.sort_by_key(|f| f.severity);
    let mut totals = Totals::default();
    let reports: Vec<ArtifactReport> = artifacts
        .into_iter()
        .map(|ev| {
            totals.derived.add(&ev.tally);
            totals.waived += ev
                .failures
                .iter()
                .filter(|f| f.blocking && f.outcome.is_failure() && f.waived.is_some())
                .map(|f| f.cases)
                .sum::<u64>();
            let claims: Vec<ClaimReport> = ev
                .claims
                .into_iter()
                .map(|claim| {
                    let holds = claim.holds();
                    totals.claims_checked += 1;
                    totals.claims_contradicted += u64::from(!holds);
                    ClaimReport { claim, holds }
                })
                .collect();
            ArtifactReport {
                info: ev.info,
                tally: ev.tally,
                claims,
                failures: ev.failures,
                replay_commands: ev.replay_commands,
            }
        })
        .collect();
    totals.executed = totals.derived.executed();
    totals.discrepancies = findings.iter().filter(|f| f.severity == Severity::Discrepancy).count() as u64;
    totals.warnings = findings.iter().filter(|f| f.severity == Severity::Warning).count() as u64;
    // Every failing case has a record (one per count for count-only formats), so
    // the cases the waived records stand for can be taken off the count.
    let failed_cases = totals.derived.failures().saturating_sub(totals.waived);
    let failure_findings = findings.iter().filter(|f| f.severity == Severity::Failure).count() as u64;
    let status = Status::decide(totals.discrepancies, failed_cases.saturating_add(failure_findings));
    Verdict {
        schema: SCHEMA.to_owned(),
        truegreen_version: env!("CARGO_PKG_VERSION").to_owned(),
        status,
        exit_code: status.exit_code(),
        context,
        totals,
        artifacts: reports,
        findings,
        ignored,
        baseline: None,
        slowest: Vec::new(),
    }
}
