//! Passing self-closing testcases, the bulk of any report, checked and reduced
//! to their keys on a second thread.
//!
//! The reader copies such a tag's attributes into a batch and counts the case
//! at once (claims need only the counts); a worker runs the same strict
//! attribute checks on the batch and computes each case's [`PassedKey`]. The
//! reader stays the only writer of the evidence: it applies finished batches
//! as they come back, and waits for all of them at the end of the file (and
//! after an error). An error found by the worker stops the reader at the next
//! suite boundary after it comes back, or at the end, with the offending
//! testcase's offset; the report is unparseable either way.
//!
//! Small reports never start the worker: their batches are processed in line.

use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

use quick_xml::events::BytesStart;

use super::attrs;
use crate::model::{Evidence, PassedKey, Position};
use crate::parse::ParseError;

/// Testcases per batch.
const BATCH: usize = 4096;
/// Full batches processed in line before the worker is started.
const INLINE_BATCHES: u64 = 4;
/// Testcases below which a batch is checked in line rather than sent.
const MIN_TRIP: usize = 256;
/// Batches waiting for the worker; the reader blocks beyond that.
const IN_FLIGHT: usize = 2;

/// One testcase: its attributes are `batch.attrs[start..end]`.
#[derive(Clone, Copy, Debug)]
struct Item {
    start: usize,
    end: usize,
    offset: u64,
}

/// Testcases of one suite that share an identity rule.
#[derive(Debug, Default)]
struct Batch {
    attrs: String,
    items: Vec<Item>,
    /// Which level (suite) the cases belong to: [`Offload::push`]'s `level_id`.
    level_id: u64,
    /// The enclosing suite's name, the identity of a case without a classname.
    suite: Option<String>,
    /// Whether a case is identified by its classname.
    by_classname: bool,
}

impl Batch {
    fn reset(&mut self, level_id: u64, suite: Option<&str>, by_classname: bool) {
        self.attrs.clear();
        self.items.clear();
        self.level_id = level_id;
        self.suite = suite.map(str::to_owned);
        self.by_classname = by_classname;
    }
}

/// A checked batch: the keys of its cases, or the first error.
struct Done {
    keys: Vec<PassedKey>,
    error: Option<ParseError>,
    batch: Batch,
}

/// Check every testcase of a batch and compute its key.
fn process(batch: Batch, mut keys: Vec<PassedKey>) -> Done {
    keys.clear();
    for item in &batch.items {
        let raw = &batch.attrs[item.start..item.end];
        // The tag is rebuilt as quick-xml gave it: name, then the attributes.
        let tag = BytesStart::from_content(raw, 0);
        let a = match attrs::read_case(&tag) {
            Ok(a) => a,
            Err(message) => {
                let error = Some(ParseError::new(message, Position::offset(item.offset)));
                return Done { keys, error, batch };
            }
        };
        let classname = a.classname.as_deref().unwrap_or("");
        let suite = if batch.by_classname && !classname.is_empty() { Some(classname) } else { batch.suite.as_deref() };
        let name = match a.name.as_deref() {
            None | Some("") => super::UNNAMED,
            Some(name) => name,
        };
        keys.push(PassedKey::new(suite, name));
    }
    Done { keys, error: None, batch }
}

struct Worker {
    batches: SyncSender<(Batch, Vec<PassedKey>)>,
    done: Receiver<Done>,
    thread: JoinHandle<()>,
}

fn spawn() -> Option<Worker> {
    let (batches, todo) = sync_channel::<(Batch, Vec<PassedKey>)>(IN_FLIGHT);
    let (finished, done) = sync_channel::<Done>(IN_FLIGHT + 2);
    let thread = std::thread::Builder::new()
        .name("junit-cases".into())
        .spawn(move || {
            for (batch, keys) in todo {
                if finished.send(process(batch, keys)).is_err() {
                    break;
                }
            }
        })
        .ok()?;
    Some(Worker { batches, done, thread })
}

#[derive(Default)]
pub(super) struct Offload {
    batch: Batch,
    worker: Option<Worker>,
    in_flight: usize,
    batches_sent: u64,
    /// Buffers back from finished batches, for the next ones.
    spare_batches: Vec<Batch>,
    spare_keys: Vec<Vec<PassedKey>>,
    /// The first error, held until the next sync point reports it.
    error: Option<ParseError>,
}

impl Offload {
    /// Queue a passing self-closing testcase. `raw` is its attributes as
    /// quick-xml gave them (`BytesStart::attributes_raw`); `level_id` tells
    /// suites apart (each with its `suite` name), cheaper than comparing names.
    #[inline]
    pub fn push(
        &mut self,
        raw: &str,
        offset: u64,
        (level_id, suite): (u64, Option<&str>),
        by_classname: bool,
        ev: &mut Evidence,
    ) {
        if self.batch.level_id != level_id || self.batch.by_classname != by_classname || self.batch.items.is_empty() {
            self.send(ev);
            self.batch.reset(level_id, suite, by_classname);
        }
        let start = self.batch.attrs.len();
        self.batch.attrs.push_str(raw);
        self.batch.items.push(Item { start, end: self.batch.attrs.len(), offset });
        if self.batch.items.len() >= BATCH {
            self.send(ev);
        }
    }

    /// Hand the current batch over: to the worker once the report has proved
    /// big enough to be worth a thread (after [`INLINE_BATCHES`] full
    /// batches), else checked here. Batches shorter than [`MIN_TRIP`] are
    /// always checked here, so that many small suites cost no round trips.
    fn send(&mut self, ev: &mut Evidence) {
        if self.batch.items.is_empty() {
            return;
        }
        // A short batch (a small suite, a suite's tail) is not worth a round trip.
        let worth_a_trip =
            self.batch.items.len() >= BATCH || (self.worker.is_some() && self.batch.items.len() >= MIN_TRIP);
        let mut next = self.spare_batches.pop().unwrap_or_default();
        next.reset(self.batch.level_id, self.batch.suite.as_deref(), self.batch.by_classname);
        let batch = std::mem::replace(&mut self.batch, next);
        let keys = self.spare_keys.pop().unwrap_or_default();
        if !worth_a_trip {
            self.apply(process(batch, keys), ev);
            return;
        }
        self.batches_sent += 1;
        if self.worker.is_none() && self.batches_sent > INLINE_BATCHES {
            self.worker = spawn();
        }
        let Some(worker) = self.worker.take() else {
            self.apply(process(batch, keys), ev);
            return;
        };
        match worker.batches.send((batch, keys)) {
            Ok(()) => {
                self.in_flight += 1;
                // Apply what is already back, without waiting.
                while let Ok(done) = worker.done.try_recv() {
                    self.in_flight -= 1;
                    self.apply(done, ev);
                }
                self.worker = Some(worker);
            }
            // The worker is gone: check this batch here; those it held are
            // reported lost at the next sync.
            Err(returned) => {
                let (batch, keys) = returned.0;
                self.apply(process(batch, keys), ev);
            }
        }
    }

    fn apply(&mut self, done: Done, ev: &mut Evidence) {
        ev.add_passed(&done.keys);
        if self.error.is_none() {
            self.error = done.error;
        }
        self.spare_batches.push(done.batch);
        self.spare_keys.push(done.keys);
    }

    /// The first error found so far, without waiting for batches in flight.
    pub fn error_so_far(&mut self) -> Result<(), ParseError> {
        match self.error.take() {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }

    /// Check everything queued so far and apply it; the first error found.
    pub fn sync(&mut self, ev: &mut Evidence) -> Result<(), ParseError> {
        self.send(ev);
        while self.in_flight > 0 {
            let Some(done) = self.worker.as_ref().and_then(|w| w.done.recv().ok()) else {
                // The worker died with batches in hand: their cases are unchecked.
                self.in_flight = 0;
                self.error.get_or_insert_with(|| {
                    ParseError::new("internal error: the testcase worker stopped", Position::default())
                });
                break;
            };
            self.in_flight -= 1;
            self.apply(done, ev);
        }
        match self.error.take() {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }
}

impl Drop for Offload {
    fn drop(&mut self) {
        if let Some(worker) = self.worker.take() {
            drop(worker.batches);
            // Unblock a worker waiting to hand back a result, then let it end.
            while worker.done.recv().is_ok() {}
            let _ = worker.thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ArtifactInfo, EvidenceLimits, Format};

    fn evidence() -> Evidence {
        let info =
            ArtifactInfo { path: "r.xml".into(), format: Some(Format::Junit), sha256: None, size: 0, modified: None };
        Evidence::new(info, EvidenceLimits::default())
    }

    #[test]
    fn batches_in_line_and_on_the_worker_give_the_same_keys() {
        let n = BATCH * (INLINE_BATCHES as usize + 3) + 5;
        let mut offload = Offload::default();
        let mut ev = evidence();
        for i in 0..n {
            let raw = format!(r#" classname="c" name="t{i}" time="0.1""#);
            offload.push(&raw, i as u64, (1, Some("s")), true, &mut ev);
        }
        assert_eq!(offload.sync(&mut ev), Ok(()));
        assert!(offload.worker.is_some(), "a report this big uses the worker");
        assert_eq!(ev.tally.passed, n as u64);
        // Each key is the key of its own case: a failing twin conflicts.
        ev.add_case(crate::model::Case::new("t7", crate::model::CaseOutcome::Failed).suite("c"));
        ev.finish();
        assert_eq!(ev.observations.len(), 1, "{:?}", ev.observations);
    }

    #[test]
    fn an_error_in_a_batch_surfaces_at_the_next_sync_with_its_offset() {
        let mut offload = Offload::default();
        let mut ev = evidence();
        offload.push(r#" name="ok""#, 10, (1, None), false, &mut ev);
        offload.push(r#" name="bad &nope;""#, 20, (1, None), false, &mut ev);
        let err = offload.sync(&mut ev).err();
        assert_eq!(err.map(|e| e.position.byte_offset), Some(Some(20)));
        assert_eq!(ev.tally.passed, 1, "the case before the error is kept");
    }
}
