//! The record of every case an artifact holds, by name ([`CaseLog`], the test
//! inventory implements it), and the batches cases reach it in
//! ([`CaseBatch`]).
//!
//! A reader may check its passing cases on another thread
//! (`parse::offload`), which hands them back in batches, later than the cases
//! the reader recorded itself in between. [`LogOrder`] puts them back in the
//! order the reader met them, so the log is the same whichever path a case
//! took.

use std::ops::Range;

use super::{Case, CaseOutcome};

/// A record of every case an artifact holds, by name, kept outside the
/// evidence (whose memory does not grow with passing cases).
pub trait CaseLog: std::fmt::Debug + Send {
    /// Record one case; names longer than `max_name` bytes are cut.
    fn record(&mut self, case: &Case<'_>, max_name: usize);
    /// Record a batch of cases, in order, and leave it empty. A log that
    /// keeps batches (one recorded on another thread) takes the batch's
    /// buffers rather than copying them.
    fn record_batch(&mut self, batch: &mut CaseBatch, max_name: usize) {
        for case in batch.iter() {
            self.record(&case, max_name);
        }
        batch.clear();
    }
    /// For the owner to take its own type back.
    fn into_any(self: Box<Self>) -> Box<dyn std::any::Any>;
}

/// One case of a [`CaseBatch`]: its suite and name are ranges of the batch's text.
#[derive(Clone, Debug, PartialEq)]
struct Queued {
    suite: Option<Range<usize>>,
    name: Range<usize>,
    outcome: CaseOutcome,
    seconds: Option<f64>,
}

/// Cases copied out of a reader's buffers (suite, name, outcome, duration;
/// names cut to the log's `max_name` as they are copied), for a [`CaseLog`].
#[derive(Debug, Default, PartialEq)]
pub struct CaseBatch {
    text: String,
    cases: Vec<Queued>,
}

impl CaseBatch {
    /// Copy one case in; a suite equal to the previous case's is stored once.
    pub fn push(&mut self, case: &Case<'_>, max_name: usize) {
        let suite = case.suite.map(|suite| {
            let suite = crate::text::prefix_within(suite, max_name);
            match self.cases.last().and_then(|last| last.suite.clone()) {
                Some(last) if &self.text[last.clone()] == suite => last,
                _ => self.append(suite),
            }
        });
        let name = self.append(crate::text::prefix_within(case.name, max_name));
        self.cases.push(Queued { suite, name, outcome: case.outcome, seconds: case.duration });
    }

    fn append(&mut self, text: &str) -> Range<usize> {
        let start = self.text.len();
        self.text.push_str(text);
        start..self.text.len()
    }

    /// The cases, in order, as the log records them (suite, name, outcome and duration).
    pub fn iter(&self) -> impl Iterator<Item = Case<'_>> + '_ {
        self.cases.iter().map(|q| self.case(q))
    }

    fn case<'a>(&'a self, q: &Queued) -> Case<'a> {
        let mut case = Case::new(&self.text[q.name.clone()], q.outcome).took(q.seconds);
        case.suite = q.suite.clone().map(|range| &self.text[range]);
        case
    }

    pub fn len(&self) -> usize {
        self.cases.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cases.is_empty()
    }

    pub fn clear(&mut self) {
        self.text.clear();
        self.cases.clear();
    }

    /// Keep only the cases from `first` on.
    fn keep_from(&mut self, first: usize) {
        if first == 0 {
            return;
        }
        if first >= self.cases.len() {
            self.clear();
            return;
        }
        let mut rest = CaseBatch::default();
        for q in &self.cases[first..] {
            rest.push(&self.case(q), usize::MAX);
        }
        *self = rest;
    }
}

/// Keeps a [`CaseLog`] in the reader's order while passing cases are checked
/// elsewhere. The reader queues each such case ([`LogOrder::queue`]); a case
/// it records itself while any queued before it is still out is held, and
/// recorded when they come back ([`LogOrder::record_passed`]).
#[derive(Debug, Default)]
pub(super) struct LogOrder {
    /// Passing cases queued, in the reader's order.
    queued: u64,
    /// Queued passing cases handed back (or lost to an error), in order.
    back: u64,
    /// Cases met while queued ones before them were still out.
    held: CaseBatch,
    /// For each held case, how many passing cases were queued before it.
    held_after: Vec<u64>,
    /// A buffer for merging held cases into a batch, reused.
    spare: Vec<Queued>,
}

impl LogOrder {
    pub(super) fn queue(&mut self) {
        self.queued += 1;
    }

    /// Whether a case met now must wait for queued ones.
    pub(super) fn waiting(&self) -> bool {
        self.back < self.queued
    }

    /// Cases held, waiting for queued ones.
    pub(super) fn held(&self) -> usize {
        self.held.len()
    }

    /// Hold a case the reader recorded while queued ones are out.
    pub(super) fn hold(&mut self, case: &Case<'_>, max_name: usize) {
        self.held.push(case, max_name);
        self.held_after.push(self.queued);
    }

    /// The next `count` queued cases are back: `passed` holds those that
    /// passed their checks, in order (fewer than `count` after an error).
    /// Records them into `log` with the held cases between them, in the
    /// reader's order.
    pub(super) fn record_passed(&mut self, log: &mut dyn CaseLog, passed: &mut CaseBatch, count: u64, max_name: usize) {
        let start = self.back;
        self.back += count;
        if self.held.is_empty() {
            log.record_batch(passed, max_name);
            return;
        }
        // Held cases go before the queued case whose number they were held
        // at. Their text is appended to the batch's, and the cases' ranges
        // merged: nothing of the passing cases is copied.
        let base = passed.text.len();
        passed.text.push_str(&self.held.text);
        let held = &self.held.cases;
        let moved = |q: &Queued| Queued {
            suite: q.suite.as_ref().map(|r| r.start + base..r.end + base),
            name: q.name.start + base..q.name.end + base,
            outcome: q.outcome,
            seconds: q.seconds,
        };
        let mut merged = std::mem::take(&mut self.spare);
        merged.clear();
        merged.reserve(passed.cases.len() + held.len());
        let mut next = 0;
        for (i, case) in passed.cases.drain(..).enumerate() {
            while next < held.len() && self.held_after[next] <= start + i as u64 {
                merged.push(moved(&held[next]));
                next += 1;
            }
            merged.push(case);
        }
        while next < held.len() && self.held_after[next] <= self.back {
            merged.push(moved(&held[next]));
            next += 1;
        }
        self.spare = std::mem::replace(&mut passed.cases, merged);
        self.held.keep_from(next);
        self.held_after.drain(..next);
        log.record_batch(passed, max_name);
    }

    /// Record whatever is held, whether or not the queued cases before it
    /// came back (they cannot come back any more: the read is over).
    pub(super) fn release(&mut self, log: &mut dyn CaseLog, max_name: usize) {
        self.back = self.queued;
        self.held_after.clear();
        if !self.held.is_empty() {
            log.record_batch(&mut self.held, max_name);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records every case's suite and name, as `suite/name`.
    #[derive(Debug, Default)]
    struct Names(Vec<String>);

    impl CaseLog for Names {
        fn record(&mut self, case: &Case<'_>, _: usize) {
            self.0.push(format!("{}/{}", case.suite.unwrap_or(""), case.name));
        }
        fn into_any(self: Box<Self>) -> Box<dyn std::any::Any> {
            self
        }
    }

    fn batch(names: &[&str]) -> CaseBatch {
        let mut batch = CaseBatch::default();
        for name in names {
            batch.push(&Case::new(name, CaseOutcome::Passed).suite("s"), usize::MAX);
        }
        batch
    }

    #[test]
    fn a_suite_shared_by_consecutive_cases_is_copied_once() {
        let mut batch = CaseBatch::default();
        batch.push(&Case::new("a", CaseOutcome::Passed).suite("s"), 100);
        batch.push(&Case::new("b", CaseOutcome::Passed).suite("s"), 100);
        batch.push(&Case::new("c", CaseOutcome::Passed), 100);
        batch.push(&Case::new("d", CaseOutcome::Passed).suite("t"), 100);
        assert_eq!(batch.text, "sabctd");
        assert_eq!(batch.cases[0].suite, batch.cases[1].suite);
        assert_eq!(batch.cases[2].suite, None);
    }

    #[test]
    fn held_cases_are_recorded_between_the_queued_ones_they_followed() {
        let mut order = LogOrder::default();
        let mut log = Names::default();
        // Reader's order: p1 p2 F1 p3 F2 p4 F3, the p's queued.
        order.queue();
        order.queue();
        order.hold(&Case::new("F1", CaseOutcome::Failed).suite("s"), usize::MAX);
        order.queue();
        order.hold(&Case::new("F2", CaseOutcome::Failed).suite("s"), usize::MAX);
        order.queue();
        order.hold(&Case::new("F3", CaseOutcome::Failed).suite("s"), usize::MAX);
        // p1..p3 come back first; F3 still waits for p4.
        order.record_passed(&mut log, &mut batch(&["p1", "p2", "p3"]), 3, usize::MAX);
        assert_eq!(log.0, ["s/p1", "s/p2", "s/F1", "s/p3", "s/F2"]);
        assert!(order.waiting());
        order.record_passed(&mut log, &mut batch(&["p4"]), 1, usize::MAX);
        assert_eq!(log.0[5..], ["s/p4", "s/F3"]);
        assert!(!order.waiting());
        assert_eq!(order.held(), 0);
    }

    #[test]
    fn a_batch_cut_short_by_an_error_still_moves_the_count_on() {
        let mut order = LogOrder::default();
        let mut log = Names::default();
        for _ in 0..3 {
            order.queue();
        }
        order.hold(&Case::new("F", CaseOutcome::Failed).suite("s"), usize::MAX);
        // The second of three failed its checks: only the first came back.
        order.record_passed(&mut log, &mut batch(&["p1"]), 3, usize::MAX);
        assert_eq!(log.0, ["s/p1", "s/F"]);
        order.release(&mut log, usize::MAX);
        assert_eq!(log.0.len(), 2);
    }
}
