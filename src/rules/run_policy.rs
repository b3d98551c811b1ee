//! What the run is judged against beyond knobs: the reports and suites that must
//! exist, the test-count floor, and the run's identity (time, commit, run id).
//! The engine resolves these (globs matched, baseline read) before rules run, so
//! rules stay free of I/O.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

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

/// The run's facts, in one place: its identity (start, commit, run id,
/// attempt, matrix cell), the producing command's exit code, the minimum of
/// executed cases, the ledger and configuration judged, and the expectations
/// the engine resolved from them. The CLI builds it once; rules read it from
/// [`super::Policy::run`]; the verdict document records its identity as
/// `context`. Empty by default: then the freshness and completeness rules have
/// nothing to compare and stay silent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunContext {
    /// The producing command's exit code (`--exit-code`; `truegreen run` sets it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exit_code: Option<i32>,
    /// At least this many cases must have executed across all artifacts.
    pub min_tests: u64,
    /// The commit under test (`--commit`, `GITHUB_SHA`, `git rev-parse HEAD`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// The CI run id (`--run-id`, `GITHUB_RUN_ID`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_attempt: Option<String>,
    /// The matrix cell this verdict belongs to (`--shard`), as given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shard: Option<serde_json::Value>,
    /// Artifacts modified before this instant are stale (`--since`, or the start
    /// of the command under `truegreen run`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub since: Option<DateTime<Utc>>,
    /// The correlation id artifacts must carry (`--correlation-id`, e.g. pi's `CORRELATION_ID`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub correlation_id: Option<String>,
    /// The suite ledger judged (`check --ledger`): every configured suite must appear in it.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub ledger: Option<String>,
    /// The configuration file applied (`--config` or `.truegreen.yml`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub config: Option<String>,
    /// Reports that must exist, resolved by the engine.
    #[serde(skip)]
    pub expected: Vec<ExpectedReport>,
    #[serde(skip)]
    pub suites: Vec<SuitePolicy>,
    #[serde(skip)]
    pub floor: Option<FloorPolicy>,
    /// Artifacts of suites allowed to be empty: TG201 does not ask each of them to
    /// hold an executed case.
    #[serde(skip)]
    pub empty_allowed: Vec<String>,
    /// Reports accepted as reused: TG301 and TG304 warn about them instead.
    #[serde(skip)]
    pub reused: Vec<ReusedReports>,
}

impl RunContext {
    /// What the verdict document records: the facts, without the expectations
    /// resolved from them (the document lists what they found instead).
    pub fn recorded(&self) -> Self {
        Self {
            expected: Vec::new(),
            suites: Vec::new(),
            floor: None,
            empty_allowed: Vec::new(),
            reused: Vec::new(),
            ..self.clone()
        }
    }

    /// The earliest instant a fresh artifact may carry.
    pub fn fresh_after(&self) -> Option<DateTime<Utc>> {
        self.since.map(|s| s - chrono::Duration::seconds(FRESHNESS_SLACK_SECONDS))
    }

    /// The declaration that accepts the artifact at `path` as reused, if any.
    pub fn reused(&self, path: &str) -> Option<&ReusedReports> {
        self.reused.iter().find(|r| r.matched.iter().any(|m| m == path))
    }
}
