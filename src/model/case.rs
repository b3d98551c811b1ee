use serde::{Deserialize, Serialize};

use super::{Position, SourceLocation};

/// The outcome of one raw unit of evidence, as the artifact records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseOutcome {
    Passed,
    /// An assertion failed.
    Failed,
    /// The case could not run to an assertion: setup, teardown, collection, crash.
    Errored,
    /// Started and never finished (a `run` with no final event, a crashed suite).
    Incomplete,
    Skipped,
    /// Passed on a retry after failing at least once.
    Flaky,
}

impl CaseOutcome {
    /// Failed, errored or incomplete: evidence that something is broken.
    pub fn is_failure(self) -> bool {
        matches!(self, Self::Failed | Self::Errored | Self::Incomplete)
    }

    /// Whether the case actually executed (a skip is not an execution).
    pub fn executed(self) -> bool {
        !matches!(self, Self::Skipped)
    }

    /// The outcome in 3 bits, as compact case keys pack it beside an identity.
    pub fn bits(self) -> u64 {
        match self {
            Self::Passed => 0,
            Self::Failed => 1,
            Self::Errored => 2,
            Self::Incomplete => 3,
            Self::Skipped => 4,
            Self::Flaky => 5,
        }
    }

    /// The outcome [`CaseOutcome::bits`] packed (the low 3 bits of `bits`).
    pub fn from_bits(bits: u64) -> Self {
        match bits & 7 {
            0 => Self::Passed,
            1 => Self::Failed,
            2 => Self::Errored,
            3 => Self::Incomplete,
            4 => Self::Skipped,
            _ => Self::Flaky,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Passed => "passed",
            Self::Failed => "failed",
            Self::Errored => "errored",
            Self::Incomplete => "incomplete",
            Self::Skipped => "skipped",
            Self::Flaky => "flaky",
        }
    }
}

/// One raw unit of evidence as a reader hands it over. Borrowed, so a streaming
/// reader does not allocate for the passing majority.
#[derive(Clone, Debug)]
pub struct Case<'a> {
    /// Fully qualified name, unique within the artifact where the format allows.
    pub name: &'a str,
    /// Suite, class, package or file the case belongs to, when the format has one.
    pub suite: Option<&'a str>,
    pub outcome: CaseOutcome,
    /// A non-blocking (advisory) unit fails without failing the run, as pi's
    /// non-blocking gates do. Almost everything is blocking.
    pub blocking: bool,
    pub message: Option<&'a str>,
    /// Where in the artifact the case was read.
    pub position: Position,
    /// Where in the code under test it failed, for annotations.
    pub source: Option<SourceLocation>,
    /// The command that reproduces it, as the artifact states or as derived from it.
    pub replay: Option<String>,
    /// How long it ran, in seconds, where the report says: kept in the test
    /// inventory (`--inventory`) for the slowest tests.
    pub duration: Option<f64>,
}

impl<'a> Case<'a> {
    pub fn new(name: &'a str, outcome: CaseOutcome) -> Self {
        Self {
            name,
            suite: None,
            outcome,
            blocking: true,
            message: None,
            position: Position::default(),
            source: None,
            replay: None,
            duration: None,
        }
    }

    /// The time the report gives the case, in seconds (readers convert their
    /// format's unit with `parse::duration`); none, negative and non-finite
    /// values say nothing and are dropped.
    pub fn took(mut self, seconds: impl Into<Option<f64>>) -> Self {
        self.duration = seconds.into().filter(|s| s.is_finite() && *s >= 0.0);
        self
    }

    pub fn suite(mut self, suite: &'a str) -> Self {
        self.suite = Some(suite);
        self
    }

    pub fn message(mut self, message: &'a str) -> Self {
        self.message = Some(message);
        self
    }

    pub fn at(mut self, position: Position) -> Self {
        self.position = position;
        self
    }

    pub fn replay(mut self, replay: impl Into<String>) -> Self {
        self.replay = Some(replay.into());
        self
    }

    pub fn advisory(mut self) -> Self {
        self.blocking = false;
        self
    }
}

/// A failing (or flaky) case kept for reporting. Only these are kept, so memory
/// grows with the number of failures, not with the number of cases.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailureRecord {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suite: Option<String>,
    pub outcome: CaseOutcome,
    pub blocking: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(skip_serializing_if = "Position::is_empty", default)]
    pub position: Position,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceLocation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replay: Option<String>,
    /// The active waiver or quarantine entry that keeps this failure from failing
    /// the run (`waiver "id" (owner: x, until 2026-12-01)`), set by the engine.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub waived: Option<String>,
    /// How many cases the record stands for: 1, except for a format that knows
    /// its cases only by number (`failed=3`), which gets one record per count.
    #[serde(skip_serializing_if = "is_one", default = "one")]
    pub cases: u64,
}

fn is_one(n: &u64) -> bool {
    *n == 1
}

fn one() -> u64 {
    1
}

impl FailureRecord {
    /// A failure that fails the run: blocking, a failure outcome, and not waived.
    pub fn fails_run(&self) -> bool {
        self.blocking && self.outcome.is_failure() && self.waived.is_none()
    }
}

/// Counts derived from the cases themselves: the first witness.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub passed: u64,
    pub failed: u64,
    pub errored: u64,
    pub incomplete: u64,
    pub skipped: u64,
    pub flaky: u64,
    /// Failures of non-blocking units; reported, never failing the run.
    pub advisory_failed: u64,
}

impl Tally {
    /// Count `n` cases with this outcome.
    pub fn record(&mut self, outcome: CaseOutcome, blocking: bool, n: u64) {
        let slot = if !blocking && outcome.is_failure() {
            &mut self.advisory_failed
        } else {
            match outcome {
                CaseOutcome::Passed => &mut self.passed,
                CaseOutcome::Failed => &mut self.failed,
                CaseOutcome::Errored => &mut self.errored,
                CaseOutcome::Incomplete => &mut self.incomplete,
                CaseOutcome::Skipped => &mut self.skipped,
                CaseOutcome::Flaky => &mut self.flaky,
            }
        };
        *slot += n;
    }

    /// Every case recorded.
    pub fn total(&self) -> u64 {
        self.executed() + self.skipped
    }

    /// Cases that ran (passed, flaky, failed, errored, incomplete, advisory).
    pub fn executed(&self) -> u64 {
        self.passed + self.flaky + self.failures() + self.advisory_failed
    }

    /// Blocking cases that did not pass: failed, errored or incomplete.
    pub fn failures(&self) -> u64 {
        self.failed + self.errored + self.incomplete
    }

    pub fn add(&mut self, other: &Tally) {
        self.passed += other.passed;
        self.failed += other.failed;
        self.errored += other.errored;
        self.incomplete += other.incomplete;
        self.skipped += other.skipped;
        self.flaky += other.flaky;
        self.advisory_failed += other.advisory_failed;
    }
}
