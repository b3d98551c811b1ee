//! A report's log kept on a second thread once the report proves big.
//!
//! Naming a test for the inventory (normalizing, escaping, compressing,
//! hashing) costs about as much as reading it. The reader's thread only copies
//! each case's suite and name into a batch; full batches go to a thread that
//! owns the [`ReportLog`]. Small reports never start it: their first batches
//! are recorded in line, so a run of many small reports costs no threads.
//!
//! Order is kept: batches are recorded in the order they were filled, so the
//! file is the same whichever thread wrote it.

use std::ops::Range;
use std::sync::mpsc::{SyncSender, sync_channel};
use std::thread::JoinHandle;

use super::log::{FinishedLog, ReportLog};
use crate::model::{Case, CaseLog, CaseOutcome};

/// Cases per batch.
const BATCH: usize = 4096;
/// Full batches recorded in line before the thread is started.
const INLINE_BATCHES: u32 = 4;
/// Batches waiting for the thread; the reader blocks beyond that.
const IN_FLIGHT: usize = 2;

/// One queued case: its suite and name are ranges of [`Batch::text`].
#[derive(Clone, Debug)]
struct Queued {
    suite: Option<Range<usize>>,
    name: Range<usize>,
    outcome: CaseOutcome,
    seconds: Option<f64>,
}

/// Cases copied out of the reader's buffers.
#[derive(Debug, Default)]
struct Batch {
    text: String,
    cases: Vec<Queued>,
}

impl Batch {
    /// Copy one case in; a suite equal to the previous case's is stored once.
    fn push(&mut self, case: &Case<'_>, max_name: usize) {
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

    fn record_into(&self, log: &mut ReportLog, max_name: usize) {
        for case in &self.cases {
            let suite = case.suite.clone().map(|range| &self.text[range]);
            log.record(suite, &self.text[case.name.clone()], case.outcome, case.seconds, max_name);
        }
    }

    fn clear(&mut self) {
        self.text.clear();
        self.cases.clear();
    }
}

#[derive(Debug)]
struct Worker {
    batches: SyncSender<Batch>,
    thread: JoinHandle<ReportLog>,
}

/// A [`ReportLog`] fed from the reader's thread, recorded on its own once the
/// report is big enough to be worth one.
#[derive(Debug)]
pub struct ThreadedLog {
    /// The log, while cases are recorded in line.
    inline: Option<ReportLog>,
    worker: Option<Worker>,
    batch: Batch,
    batches_inline: u32,
    max_name: usize,
    /// Why the log is incomplete, if a batch could not be recorded.
    lost: Option<String>,
}

impl ThreadedLog {
    pub fn new(log: ReportLog) -> Self {
        Self {
            inline: Some(log),
            worker: None,
            batch: Batch::default(),
            batches_inline: 0,
            max_name: usize::MAX,
            lost: None,
        }
    }

    /// Hand the current batch over: in line for the first few, then to the thread.
    fn flush(&mut self) {
        if self.batch.cases.is_empty() {
            return;
        }
        if self.worker.is_none() && self.batches_inline >= INLINE_BATCHES {
            self.start();
        }
        match &self.worker {
            Some(worker) => {
                let batch = std::mem::take(&mut self.batch);
                if worker.batches.send(batch).is_err() {
                    self.lost.get_or_insert_with(|| "the inventory's thread stopped".to_owned());
                }
            }
            None => {
                if let Some(log) = &mut self.inline {
                    self.batch.record_into(log, self.max_name);
                }
                self.batch.clear();
                self.batches_inline += 1;
            }
        }
    }

    /// Move the log to its thread. A thread that cannot be had loses the
    /// log with it: the inventory is then incomplete, and says so.
    fn start(&mut self) {
        let Some(mut log) = self.inline.take() else { return };
        let (batches, todo) = sync_channel::<Batch>(IN_FLIGHT);
        let max_name = self.max_name;
        let spawned = std::thread::Builder::new().name("inventory".into()).spawn(move || {
            for batch in todo {
                batch.record_into(&mut log, max_name);
            }
            log
        });
        match spawned {
            Ok(thread) => self.worker = Some(Worker { batches, thread }),
            Err(err) => {
                self.lost.get_or_insert_with(|| format!("the inventory's thread could not be started: {err}"));
            }
        }
    }

    /// Record what is queued and hand the log's part of the inventory over;
    /// an error if any case could not be recorded.
    pub fn finish(mut self) -> Result<FinishedLog, String> {
        self.flush();
        let log = match self.worker.take() {
            Some(worker) => {
                drop(worker.batches);
                worker.thread.join().ok()
            }
            None => self.inline.take(),
        };
        match (self.lost, log) {
            (None, Some(log)) => Ok(log.finish()),
            (Some(reason), _) => Err(reason),
            (None, None) => Err("the inventory's thread failed".to_owned()),
        }
    }
}

impl CaseLog for ThreadedLog {
    fn record(&mut self, case: &Case<'_>, max_name: usize) {
        // One cap for the whole report: the evidence's limits do not change.
        self.max_name = max_name;
        self.batch.push(case, max_name);
        if self.batch.cases.len() >= BATCH {
            self.flush();
        }
    }

    fn into_any(self: Box<Self>) -> Box<dyn std::any::Any> {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Format;

    fn cases(n: usize) -> Vec<(String, String, CaseOutcome, Option<f64>)> {
        (0..n)
            .map(|i| {
                let outcome = if i % 97 == 0 { CaseOutcome::Failed } else { CaseOutcome::Passed };
                (format!("suite{}", i / 1000), format!("test_{i}"), outcome, (i % 3 == 0).then_some(i as f64 / 1000.0))
            })
            .collect()
    }

    fn feed(log: &mut dyn CaseLog, cases: &[(String, String, CaseOutcome, Option<f64>)]) {
        for (suite, name, outcome, seconds) in cases {
            let mut case = Case::new(name, *outcome).suite(suite);
            if let Some(s) = seconds {
                case = case.took(*s);
            }
            log.record(&case, 1000);
        }
    }

    #[test]
    fn the_threaded_log_writes_what_the_plain_log_writes() {
        // Past the in-line batches, so the thread does most of the work.
        for n in [0, 10, BATCH * (INLINE_BATCHES as usize + 3) + 17] {
            let cases = cases(n);
            let mut plain = ReportLog::new(Format::Junit, "r.xml", None);
            feed(&mut plain, &cases);
            let mut threaded = ThreadedLog::new(ReportLog::new(Format::Junit, "r.xml", None));
            feed(&mut threaded, &cases);
            assert_eq!(threaded.worker.is_some(), n > BATCH * INLINE_BATCHES as usize, "n = {n}");
            let (plain, threaded) = (plain.finish(), threaded.finish());
            let threaded = threaded.map_err(|e| format!("n = {n}: {e}"));
            let Ok(threaded) = threaded else { panic!("{threaded:?}") };
            assert_eq!(plain.keys, threaded.keys, "n = {n}");
            assert_eq!(plain.member, threaded.member, "n = {n}");
            assert_eq!(plain.slowest.into_vec(), threaded.slowest.into_vec(), "n = {n}");
        }
    }

    #[test]
    fn a_suite_shared_by_consecutive_cases_is_copied_once() {
        let mut batch = Batch::default();
        batch.push(&Case::new("a", CaseOutcome::Passed).suite("s"), 100);
        batch.push(&Case::new("b", CaseOutcome::Passed).suite("s"), 100);
        batch.push(&Case::new("c", CaseOutcome::Passed), 100);
        batch.push(&Case::new("d", CaseOutcome::Passed).suite("t"), 100);
        assert_eq!(batch.text, "sabctd");
        assert_eq!(batch.cases[0].suite, batch.cases[1].suite);
        assert_eq!(batch.cases[2].suite, None);
    }
}
