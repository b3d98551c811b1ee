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

use std::sync::mpsc::{SyncSender, sync_channel};
use std::thread::JoinHandle;

use super::log::{FinishedLog, ReportLog};
use crate::model::{Case, CaseBatch, CaseLog};

/// Cases per batch.
const BATCH: usize = 4096;
/// Full batches recorded in line before the thread is started.
const INLINE_BATCHES: u32 = 4;
/// Batches waiting for the thread; the reader blocks beyond that.
const IN_FLIGHT: usize = 2;

/// What the thread records: cases copied out of the reader's buffers.
type Batch = CaseBatch;

fn record_into(batch: &Batch, log: &mut ReportLog, max_name: usize) {
    for case in batch.iter() {
        log.record(case.suite, case.name, case.outcome, case.duration, max_name);
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
    /// Cases recorded in line so far.
    cases_inline: usize,
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
            cases_inline: 0,
            max_name: usize::MAX,
            lost: None,
        }
    }

    /// Hand the current batch over: in line for the first few, then to the thread.
    fn flush(&mut self) {
        if self.batch.is_empty() {
            return;
        }
        if self.worker.is_none() && self.cases_inline >= BATCH * INLINE_BATCHES as usize {
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
                    record_into(&self.batch, log, self.max_name);
                }
                self.cases_inline += self.batch.len();
                self.batch.clear();
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
                record_into(&batch, &mut log, max_name);
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
        if self.batch.len() >= BATCH {
            self.flush();
        }
    }

    /// The batch is handed on as it is, after what is queued already: to the
    /// thread without copying it once the thread runs.
    fn record_batch(&mut self, batch: &mut CaseBatch, max_name: usize) {
        self.max_name = max_name;
        self.flush();
        std::mem::swap(&mut self.batch, batch);
        self.flush();
    }

    fn into_any(self: Box<Self>) -> Box<dyn std::any::Any> {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CaseOutcome, Format};

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
    fn batches_handed_over_whole_are_recorded_in_order_with_single_cases() {
        let n = BATCH * (INLINE_BATCHES as usize + 3) + 17;
        let cases = cases(n);
        let mut plain = ReportLog::new(Format::Junit, "r.xml", None);
        feed(&mut plain, &cases);
        // Runs of every length, alternately one by one and as a batch.
        let mut threaded = ThreadedLog::new(ReportLog::new(Format::Junit, "r.xml", None));
        let (mut at, mut run, mut whole) = (0, 1, false);
        while at < n {
            let chunk = &cases[at..(at + run).min(n)];
            if whole {
                let mut batch = CaseBatch::default();
                for (suite, name, outcome, seconds) in chunk {
                    batch.push(&Case::new(name, *outcome).suite(suite).took(*seconds), 1000);
                }
                threaded.record_batch(&mut batch, 1000);
                assert!(batch.is_empty());
            } else {
                feed(&mut threaded, chunk);
            }
            at += chunk.len();
            run = run * 3 % 5000 + 1;
            whole = !whole;
        }
        assert!(threaded.worker.is_some());
        let (plain, threaded) = (plain.finish(), threaded.finish());
        let Ok(threaded) = threaded else { panic!("{threaded:?}") };
        assert_eq!(plain.keys, threaded.keys);
        assert_eq!(plain.member, threaded.member);
        assert_eq!(plain.slowest.into_vec(), threaded.slowest.into_vec());
    }
}
