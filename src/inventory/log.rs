//! One report's part of the inventory, recorded by the evidence as the reader
//! hands over each case: its compressed lines for the file, and an 8-byte key
//! per test for the comparison with a baseline.

use super::file::MemberWriter;
use super::identity::{normalize_into, test_id};
use crate::model::{Case, CaseLog, CaseOutcome, Format};

/// How many of the slowest tests a log keeps.
pub const SLOWEST: usize = 10;

/// A test's identity with its outcome in the low 3 bits, as the evidence's own
/// case keys are packed: one `u64` per test.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Key(u64);

impl Key {
    pub fn new(id: u64, outcome: CaseOutcome) -> Self {
        Self((id & !7) | outcome.bits())
    }

    /// The identity, without the outcome bits.
    pub fn id(self) -> u64 {
        self.0 & !7
    }

    pub fn outcome(self) -> CaseOutcome {
        CaseOutcome::from_bits(self.0)
    }
}

/// A test and how long it took, for the slowest-tests list.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Timed {
    pub millis: u64,
    pub name: String,
    /// The report it was read from.
    pub report: String,
}

/// Keep the `SLOWEST` longest: a small sorted list, longest first.
#[derive(Clone, Debug, Default)]
pub struct Slowest(Vec<Timed>);

impl Slowest {
    /// Whether a test of this duration would enter the list.
    pub fn admits(&self, millis: u64) -> bool {
        self.0.len() < SLOWEST || self.0.last().is_some_and(|t| t.millis < millis)
    }

    pub fn offer(&mut self, timed: Timed) {
        if !self.admits(timed.millis) {
            return;
        }
        let at = self.0.partition_point(|t| t.millis >= timed.millis);
        self.0.insert(at, timed);
        self.0.truncate(SLOWEST);
    }

    pub fn merge(&mut self, other: Slowest) {
        for t in other.0 {
            self.offer(t);
        }
    }

    pub fn into_vec(self) -> Vec<Timed> {
        self.0
    }
}

/// One report's inventory, filled case by case.
#[derive(Debug)]
pub struct ReportLog {
    format: Format,
    path: String,
    workspace: Option<String>,
    member: MemberWriter,
    /// The suite of the last case, as given and as normalized, so a suite is
    /// normalized and written once per run of cases that share it.
    suite_given: Option<String>,
    suite: String,
    name: String,
    keys: Vec<Key>,
    slowest: Slowest,
}

/// What a finished log hands to the inventory.
#[derive(Debug)]
pub struct FinishedLog {
    /// The report's gzip member.
    pub member: Vec<u8>,
    /// One key per test line, in file order.
    pub keys: Vec<Key>,
    pub slowest: Slowest,
}

impl ReportLog {
    pub fn new(format: Format, path: &str, workspace: Option<&str>) -> Self {
        Self {
            format,
            path: path.to_owned(),
            workspace: workspace.map(str::to_owned),
            member: MemberWriter::report(format, path),
            suite_given: None,
            suite: String::new(),
            name: String::new(),
            keys: Vec::new(),
            slowest: Slowest::default(),
        }
    }

    /// Record one case. A name longer than `max_name` bytes is cut (on a char
    /// boundary) as the evidence cuts it.
    pub fn record(
        &mut self,
        suite: Option<&str>,
        name: &str,
        outcome: CaseOutcome,
        seconds: Option<f64>,
        max_name: usize,
    ) {
        let suite = suite.unwrap_or("");
        if self.suite_given.as_deref() != Some(suite) {
            normalize_into(crate::text::prefix_within(suite, max_name), self.workspace.as_deref(), &mut self.suite);
            self.member.suite(&self.suite);
            self.suite_given = Some(suite.to_owned());
        }
        normalize_into(crate::text::prefix_within(name, max_name), self.workspace.as_deref(), &mut self.name);
        let millis = seconds.map(|s| (s * 1000.0).round() as u64);
        self.member.test(outcome, millis, &self.name);
        self.keys.push(Key::new(test_id(self.format, &self.suite, &self.name), outcome));
        if let Some(ms) = millis
            && self.slowest.admits(ms)
        {
            let name = crate::model::qualified_name(Some(&self.suite), &self.name);
            self.slowest.offer(Timed { millis: ms, name, report: self.path.clone() });
        }
    }

    pub fn finish(self) -> FinishedLog {
        FinishedLog { member: self.member.finish(), keys: self.keys, slowest: self.slowest }
    }
}

impl CaseLog for ReportLog {
    fn record(&mut self, case: &Case<'_>, max_name: usize) {
        ReportLog::record(self, case.suite, case.name, case.outcome, case.duration, max_name);
    }

    fn into_any(self: Box<Self>) -> Box<dyn std::any::Any> {
        self
    }
}
