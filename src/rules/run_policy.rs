//! What the run is judged against beyond knobs: the reports and suites that must
//! exist, the test-count floor, and the run's identity (time, commit, run id).
//! The engine resolves these (globs matched, baseline read) before rules run, so
//! rules stay free of I/O.

use chrono::{DateTime, Utc};

/// Modification times and embedded timestamps may be this much older than
/// `--since` and still count as fresh: file systems round times (FAT to 2 s,
/// ext4 and others take a coarse clock that lags the wall clock by a few ms).
pub const FRESHNESS_SLACK_SECONDS: i64 = 1;

/// A report that must exist and hold results.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExpectedReport {
    /// The path, directory or glob as declared.
    pub pattern: String,
    /// Where it was declared: `--expect`, `.truegreen.yml expect`, `suite "vm"`.
    pub origin: String,
    /// Paths of the artifacts read for it (what `ArtifactInfo::path` holds).
    pub matched: Vec<String>,
}

/// Reports accepted as reused from an earlier run (`--accept-reused`,
/// `reused-reports` in the configuration): older than the run is then a warning.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReusedReports {
    /// The path, directory or glob as declared.
    pub pattern: String,
    /// Where it was declared: `--accept-reused`, `reused-reports`.
    pub origin: String,
    /// Why, as the configuration says.
    pub reason: Option<String>,
    /// Paths of the artifacts it matches (what `ArtifactInfo::path` holds).
    pub matched: Vec<String>,
}

impl ReusedReports {
    /// `accepted as reused by reused-reports "build/**/*.xml" (Gradle build cache)`.
    pub fn describe(&self) -> String {
        let reason = self.reason.as_deref().map(|r| format!(" ({r})")).unwrap_or_default();
        format!("accepted as reused by {} {:?}{reason}", self.origin, self.pattern)
    }
}

/// A suite the configuration declares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SuitePolicy {
    pub name: String,
    /// At least this many cases must execute in the suite's reports.
    pub min_tests: Option<u64>,
    /// The suite may legitimately run nothing (a platform-specific suite).
    pub allow_empty: bool,
    /// Paths of the artifacts attributed to the suite: those its ledger records
    /// list, or without a ledger those matching its declared report patterns.
    pub reports: Vec<String>,
}

/// The test-count floor (`floor:` in `.truegreen.yml`), resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FloorPolicy {
    /// At least `executed` cases must run; `basis` says where the number comes from.
    Minimum { executed: u64, basis: String },
    /// The floor depends on a baseline that could not be read.
    Unverifiable { basis: String, error: String },
}

/// The run's identity and completeness requirements. Empty by default: then the
/// freshness and completeness rules have nothing to compare and stay silent.
#[derive(Clone, Debug, Default)]
pub struct RunRequirements {
    /// Reports last modified before this instant are stale (`--since`; `truegreen
    /// run` sets it to the command's start).
    pub since: Option<DateTime<Utc>>,
    /// The commit under test (`--commit`, `GITHUB_SHA`, `git rev-parse HEAD`).
    pub commit: Option<String>,
    /// The CI run id (`--run-id`, `GITHUB_RUN_ID`).
    pub run_id: Option<String>,
    /// The producer's correlation id (`--correlation-id`, e.g. pi's `CORRELATION_ID`).
    pub correlation_id: Option<String>,
    pub expected: Vec<ExpectedReport>,
    pub suites: Vec<SuitePolicy>,
    /// The ledger given to `check --ledger`: every configured suite must appear in it.
    pub ledger: Option<String>,
    pub floor: Option<FloorPolicy>,
    /// Artifacts of suites allowed to be empty: TG201 does not ask each of them to
    /// hold an executed case.
    pub empty_allowed: Vec<String>,
    /// Reports accepted as reused: TG301 and TG304 warn about them instead.
    pub reused: Vec<ReusedReports>,
}

impl RunRequirements {
    /// The earliest instant a fresh artifact may carry.
    pub fn fresh_after(&self) -> Option<DateTime<Utc>> {
        self.since.map(|s| s - chrono::Duration::seconds(FRESHNESS_SLACK_SECONDS))
    }

    /// The declaration that accepts the artifact at `path` as reused, if any.
    pub fn reused(&self, path: &str) -> Option<&ReusedReports> {
        self.reused.iter().find(|r| r.matched.iter().any(|m| m == path))
    }
}
