use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{CaseOutcome, Position, Status};

/// A structural fact about an artifact that a rule will judge.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Observation {
    /// The bytes could not be read as the format: invalid syntax, wrong types,
    /// truncation, invalid UTF-8.
    Unparseable { message: String, position: Position },
    /// Zero bytes, or nothing but whitespace.
    Empty,
    /// Content that no reader recognizes (only for paths named explicitly).
    UnknownFormat { detail: String },
    /// Larger than truegreen reads: over `--max-file-bytes` (not read, or not read
    /// to the end for a stream of unknown size), or holding more cases, failures,
    /// claims or observations than one artifact may keep (the rest not kept).
    TooLarge {
        what: Excess,
        /// The size, when known (a regular file's length; for counts, how many
        /// there were, the dropped ones included).
        #[serde(skip_serializing_if = "Option::is_none", default)]
        size: Option<u64>,
        limit: u64,
    },
    /// The stream stopped before its producer finished it: a run that started
    /// and never reported an end, a summary with no terminal event.
    Truncated { detail: String, position: Position },
    /// The same case reported more than once with different outcomes.
    ConflictingDuplicate {
        name: String,
        outcomes: Vec<CaseOutcome>,
        /// The case identity while `name` is only its key: no failure record
        /// named it, and no naming read has yet (see `Evidence::set_case_names`).
        #[serde(skip)]
        unnamed: Option<u64>,
    },
    /// A triage diff's status next to the regressions it lists.
    TriageStatus {
        claimed_raw: String,
        claimed: Status,
        regression_count: u64,
        new_failure_count: u64,
        /// Names listed as regressions or new failures (bounded).
        listed: Vec<String>,
        position: Position,
    },
    /// A waiver or quarantine entry, for the policy rules.
    Waiver(WaiverEntry),
    /// A unit the artifact excuses by a waiver instead of counting its failure
    /// (pi's `waivers_applied`, a drop-in gate in state `waived`). A waiver entry
    /// with the same id must back it.
    Waived {
        id: String,
        /// What the artifact says about the waived unit (its original status, reason).
        detail: String,
        position: Position,
    },
    /// What an artifact states about another artifact of the same run: pi's
    /// certification dossier quotes the full-suite verdict's counts, a replay
    /// bundle lists the failures of the verdict or summary it was built from.
    /// Cross-artifact rules compare the quote with the quoted artifact.
    Quote {
        /// File name of the quoted artifact, a sibling of the quoting one.
        source: String,
        /// Quoted counts, keyed by the quoted artifact's count-claim field
        /// (e.g. `summary.failed`).
        #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
        counts: BTreeMap<String, u64>,
        /// Units quoted as failing, as qualified names (`gates::cross_platform`)
        /// of the quoted artifact's cases.
        #[serde(skip_serializing_if = "Vec::is_empty", default)]
        failing: Vec<String>,
        position: Position,
    },
    /// A breach of the format's own rules that leaves its results incomplete or
    /// ambiguous: a TAP stream without a plan or with a bail-out, a CTRF document
    /// that fails its schema.
    ProtocolViolation { violation: Violation, detail: String, position: Position },
    /// Something that reads as a test result and is not one, kept out of the
    /// results: go 1.19's test2json turns a `--- FAIL: TestX` line that a test
    /// prints into a `fail` event for a test that never started. A warning that
    /// names the line; a genuine result is never set aside this way.
    SetAside { detail: String, position: Position },
    /// One suite run recorded in a ledger by `truegreen run --ledger`: a fact about
    /// a process (its exit, its timing, what it wrote), not about any report.
    SuiteRun(SuiteRun),
}

/// Which limit an [`Observation::TooLarge`] artifact went past.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Excess {
    /// Bytes, over `--max-file-bytes`.
    FileBytes,
    /// Cases, over what is keyed for duplicate detection.
    Cases,
    /// Failing and flaky cases, over what is kept for reporting.
    Failures,
    /// Claims the artifact makes about itself.
    Claims,
    /// Observations and provenance values.
    Observations,
}

impl Excess {
    /// The unit, for messages.
    pub fn unit(self) -> &'static str {
        match self {
            Self::FileBytes => "bytes",
            Self::Cases => "cases",
            Self::Failures => "failures",
            Self::Claims => "claims",
            Self::Observations => "observations",
        }
    }
}

/// The kinds of [`Observation::ProtocolViolation`], one rule each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Violation {
    /// TAP: no `1..N` plan.
    PlanMissing,
    /// TAP: a plan in the middle of the test points, or more than one plan.
    PlanMisplaced,
    /// TAP: a test number outside the plan, out of order, or repeated.
    TestNumber,
    /// TAP: `Bail out!`.
    BailOut,
    /// TAP: a subtest not closed by its parent's test point.
    UnterminatedSubtest,
    /// A document that does not conform to its format's schema (CTRF).
    Schema,
}

/// One execution of a suite's command, as `truegreen run --ledger` recorded it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuiteRun {
    /// The suite name given with `--suite`.
    pub suite: String,
    /// The command as run.
    pub argv: Vec<String>,
    /// The exit status; 128 + N when the process died of signal N (the shell's
    /// convention), 127 when it could not be started.
    pub exit_status: i32,
    /// The signal that killed the process, if one did.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub signal: Option<i32>,
    pub started: chrono::DateTime<chrono::Utc>,
    pub ended: chrono::DateTime<chrono::Utc>,
    /// Reports the suite wrote during the run: files matching its declared report
    /// paths whose modification time falls within the run.
    pub reports: Vec<String>,
    /// Why the command could not be started, when it could not.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub spawn_error: Option<String>,
    /// Where in the ledger the record was read.
    #[serde(skip_serializing_if = "Position::is_empty", default)]
    pub position: Position,
}

impl SuiteRun {
    /// Whether the process failed: a non-zero exit, a signal, or no start at all.
    pub fn failed(&self) -> bool {
        self.exit_status != 0 || self.signal.is_some() || self.spawn_error.is_some()
    }

    /// `exited 1`, `killed by signal 9`, `could not start: ...`.
    pub fn describe_exit(&self) -> String {
        if let Some(err) = &self.spawn_error {
            format!("could not be started ({err})")
        } else if let Some(sig) = self.signal {
            format!("was killed by signal {sig} (exit status {})", self.exit_status)
        } else {
            format!("exited {}", self.exit_status)
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WaiverKind {
    Waiver,
    Quarantine,
}

/// One waiver or quarantine entry as declared, before any policy is applied.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaiverEntry {
    pub kind: WaiverKind,
    /// The gate or test id the entry waives.
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<NaiveDate>,
    /// The longest lifetime the producer's policy allows, in days.
    pub max_days: i64,
    /// Required fields that are absent or empty.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub missing_fields: Vec<String>,
    /// Fields present but unusable (a date that does not parse, a bad enum value).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub invalid_fields: Vec<String>,
    #[serde(skip_serializing_if = "Position::is_empty", default)]
    pub position: Position,
}
