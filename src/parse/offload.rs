//! Passing test elements, the bulk of any report, checked and reduced to
//! their keys on a second thread. JUnit, TRX and NUnit share this machinery;
//! each says what one element's check is ([`Check`]).
//!
//! The reader copies such an element's raw tag into a batch and counts the
//! case at once (claims need only the counts); a worker runs the format's
//! strict attribute checks on the batch and computes each case's
//! [`PassedKey`] (and whatever else the format needs back, [`Check::Extra`]).
//! The reader stays the only writer of the evidence: it applies finished
//! batches as they come back, and waits for all of them at the end of the
//! file (and after an error). An error found by the worker stops the reader at
//! its next check ([`Offload::error_so_far`]) after it comes back, or at the
//! end, with the offending element's offset; the report is unparseable either
//! way.
//!
//! When the evidence logs cases by name (`--inventory`), the worker also
//! copies each passing case's suite, name and duration for the log
//! ([`Logged`]), and the evidence records them in the reader's order, between
//! the cases the reader recorded itself ([`Evidence::log_passed`]): batches
//! are applied in the order they were queued, and the reader waits for them
//! ([`Offload::pace`]) rather than hold more than [`MAX_HELD`] of its own.
//!
//! Small reports never start the worker ([`super::worker`]): their batches
//! are processed in line.
//! A reader takes this path only when [`Evidence::takes_passed_keys`].

use crate::model::{Case, CaseBatch, CaseOutcome, Evidence, PassedKey, Position};
use crate::parse::ParseError;
use crate::parse::worker;

/// What a format checks in one queued element, on the worker.
pub(crate) trait Check: Send + 'static {
    /// What the cases of one batch share (JUnit: the enclosing suite's name
    /// and identity rule); `()` when nothing is.
    type Group: Default + Clone + Send + 'static;
    /// What the reader gets back for each case besides its key (TRX: its
    /// test id, hashed); `()` when nothing is.
    type Extra: Send + 'static;
    /// Check one element (its raw tag, as queued) exactly as the reader's
    /// general path does, and compute its key; the error is the message the
    /// general path gives. When the batch is logged (`log`), hand the case
    /// over as the general path records it ([`Logged::passed`]).
    fn check(raw: &str, group: &Self::Group, log: Option<&mut Logged<'_>>) -> Result<(PassedKey, Self::Extra), String>;
}

/// Where a [`Check`] hands a passing case over for the case log.
pub(crate) struct Logged<'a> {
    cases: &'a mut CaseBatch,
    max_name: usize,
}

impl Logged<'_> {
    /// The case, as the general path records it: `Case::new(name, Passed)`
    /// with its suite and its duration in seconds.
    pub fn passed(&mut self, suite: Option<&str>, name: &str, seconds: Option<f64>) {
        let mut case = Case::new(name, CaseOutcome::Passed).took(seconds);
        case.suite = suite;
        self.cases.push(&case, self.max_name);
    }
}

/// Elements per batch.
pub(crate) const BATCH: usize = 4096;
/// Bytes of raw tags per batch: a format whose tags are long (a TRX result
/// is about 500 bytes) sends shorter batches, so that the batches in flight
/// stay a few MiB; a JUnit testcase's attributes stay under it at [`BATCH`].
pub(crate) const BATCH_BYTES: usize = 512 * 1024;
/// Full batches processed in line before the worker is started.
pub(crate) const INLINE_BATCHES: u64 = 4;
/// Elements below which a batch is checked in line rather than sent.
const MIN_TRIP: usize = 256;
/// Cases the reader records itself that the evidence holds for the case log
/// while queued passing cases before them are out; past it, the reader waits.
pub(crate) const MAX_HELD: usize = 4096;

/// One element: its raw tag is `batch.raw[start..end]`.
#[derive(Clone, Copy, Debug)]
struct Item {
    start: usize,
    end: usize,
    offset: u64,
}

/// Elements that share a [`Check::Group`].
struct Batch<C: Check> {
    raw: String,
    items: Vec<Item>,
    /// Which group the cases belong to: [`Offload::push`]'s `group_id`.
    group_id: u64,
    group: C::Group,
    /// The case log's name cap, when the cases are logged.
    log: Option<usize>,
}

impl<C: Check> Default for Batch<C> {
    fn default() -> Self {
        Self { raw: String::new(), items: Vec::new(), group_id: 0, group: C::Group::default(), log: None }
    }
}

impl<C: Check> Batch<C> {
    fn clear(&mut self) {
        self.raw.clear();
        self.items.clear();
    }
}

/// A checked batch: what came back for its cases, up to the first error.
struct Done<C: Check> {
    out: Out<C>,
    error: Option<ParseError>,
    batch: Batch<C>,
}

/// Buffers for one batch's results, reused.
struct Out<C: Check> {
    keys: Vec<PassedKey>,
    extras: Vec<C::Extra>,
    /// The cases for the log, when the batch is logged.
    logged: CaseBatch,
}

impl<C: Check> Default for Out<C> {
    fn default() -> Self {
        Self { keys: Vec::new(), extras: Vec::new(), logged: CaseBatch::default() }
    }
}

/// Check every element of a batch and compute its key.
fn process<C: Check>(batch: Batch<C>, mut out: Out<C>) -> Done<C> {
    out.keys.clear();
    out.extras.clear();
    out.logged.clear();
    let mut log = batch.log.map(|max_name| Logged { cases: &mut out.logged, max_name });
    for item in &batch.items {
        match C::check(&batch.raw[item.start..item.end], &batch.group, log.as_mut()) {
            Ok((key, extra)) => {
                out.keys.push(key);
                out.extras.push(extra);
            }
            Err(message) => {
                let error = Some(ParseError::new(message, Position::offset(item.offset)));
                return Done { out, error, batch };
            }
        }
    }
    Done { out, error: None, batch }
}

/// The worker's thread: a batch and the buffers for what comes of it, in.
type Worker<C> = worker::Worker<(Batch<C>, Out<C>), Done<C>>;

fn spawn<C: Check>() -> Option<Worker<C>> {
    Worker::spawn("passed-cases", |(batch, out)| process(batch, out))
}

pub(crate) struct Offload<C: Check> {
    batch: Batch<C>,
    worker: Option<Worker<C>>,
    batches_sent: u64,
    /// Buffers back from finished batches, for the next ones.
    spare_batches: Vec<Batch<C>>,
    spare_outs: Vec<Out<C>>,
    /// What came back for each case checked so far, in no set order.
    extras: Vec<C::Extra>,
    /// The first error, held until the next sync point reports it.
    error: Option<ParseError>,
}

impl<C: Check> Default for Offload<C> {
    fn default() -> Self {
        Self {
            batch: Batch::default(),
            worker: None,
            batches_sent: 0,
            spare_batches: Vec::new(),
            spare_outs: Vec::new(),
            extras: Vec::new(),
            error: None,
        }
    }
}

impl<C: Check> Offload<C> {
    /// Queue a passing element whose raw tag is the concatenation of `raw`
    /// (what [`Check::check`] receives). `group_id` tells groups apart
    /// (cheaper than comparing them); `group` fills in the group of a batch
    /// that starts with this element.
    #[inline]
    pub fn push(
        &mut self,
        raw: &[&str],
        offset: u64,
        (group_id, group): (u64, impl FnOnce(&mut C::Group)),
        ev: &mut Evidence,
    ) {
        if self.batch.group_id != group_id || self.batch.items.is_empty() {
            self.send(ev);
            self.batch.group_id = group_id;
            group(&mut self.batch.group);
            self.batch.log = ev.case_log_cap();
        }
        if self.batch.log.is_some() {
            ev.queue_passed();
        }
        let start = self.batch.raw.len();
        for part in raw {
            self.batch.raw.push_str(part);
        }
        self.batch.items.push(Item { start, end: self.batch.raw.len(), offset });
        if self.batch.items.len() >= BATCH || self.batch.raw.len() >= BATCH_BYTES {
            self.send(ev);
        }
    }

    /// Hand the current batch over: to the worker once the report has proved
    /// big enough to be worth a thread (after [`INLINE_BATCHES`] full
    /// batches), else checked here. Batches shorter than [`MIN_TRIP`] are
    /// always checked here, so that many small groups cost no round trips.
    fn send(&mut self, ev: &mut Evidence) {
        if self.batch.items.is_empty() {
            return;
        }
        // A short batch (a small suite, a suite's tail) is not worth a round trip.
        let full = self.batch.items.len() >= BATCH || self.batch.raw.len() >= BATCH_BYTES;
        let worth_a_trip = full || (self.worker.is_some() && self.batch.items.len() >= MIN_TRIP);
        let mut next = self.spare_batches.pop().unwrap_or_default();
        next.clear();
        // The next batch goes on with the same group until told otherwise.
        next.group_id = self.batch.group_id;
        next.group.clone_from(&self.batch.group);
        let batch = std::mem::replace(&mut self.batch, next);
        let out = self.spare_outs.pop().unwrap_or_default();
        if !worth_a_trip {
            // The case log takes batches in the order they were queued.
            if batch.log.is_some() {
                self.wait_in_flight(ev);
            }
            self.apply(process(batch, out), ev);
            return;
        }
        self.batches_sent += 1;
        if self.worker.is_none() && self.batches_sent > INLINE_BATCHES {
            self.worker = spawn();
        }
        let Some(worker) = self.worker.as_mut() else {
            self.apply(process(batch, out), ev);
            return;
        };
        match worker.send((batch, out)) {
            // Apply what is already back, without waiting.
            Ok(()) => {
                while let Some(done) = self.worker.as_mut().and_then(Worker::ready) {
                    self.apply(done, ev);
                }
            }
            // The worker is gone: check this batch here; those it held are
            // reported lost at the next sync.
            Err((batch, out)) => self.apply(process(batch, out), ev),
        }
    }

    fn apply(&mut self, mut done: Done<C>, ev: &mut Evidence) {
        ev.add_passed(&done.out.keys);
        if done.batch.log.is_some() {
            ev.log_passed(&mut done.out.logged, done.batch.items.len() as u64);
        }
        self.extras.append(&mut done.out.extras);
        if self.error.is_none() {
            self.error = done.error;
        }
        self.spare_batches.push(done.batch);
        self.spare_outs.push(done.out);
    }

    /// Bound what the evidence holds for the case log: once the reader has
    /// recorded [`MAX_HELD`] cases of its own while queued ones before them
    /// are out, check and apply what is queued. Call before recording a case
    /// on the general path.
    #[inline]
    pub fn pace(&mut self, ev: &mut Evidence) {
        if ev.held_cases() >= MAX_HELD {
            self.wait(ev);
        }
    }

    /// The first error found so far, without waiting for batches in flight.
    pub fn error_so_far(&mut self) -> Result<(), ParseError> {
        match self.error.take() {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }

    /// Whether an error has come back that [`Offload::error_so_far`] or
    /// [`Offload::sync`] will report.
    pub fn failed(&self) -> bool {
        self.error.is_some()
    }

    /// What came back for the cases checked so far ([`Check::Extra`]), taken.
    pub fn take_extras(&mut self) -> Vec<C::Extra> {
        std::mem::take(&mut self.extras)
    }

    /// Whether the worker thread was started.
    #[cfg(test)]
    pub fn uses_worker(&self) -> bool {
        self.worker.is_some()
    }

    /// Check everything queued so far and apply it; the first error found.
    pub fn sync(&mut self, ev: &mut Evidence) -> Result<(), ParseError> {
        self.wait(ev);
        match self.error.take() {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }

    /// Check everything queued so far and apply it, keeping any error for
    /// [`Offload::failed`] and [`Offload::sync`].
    pub fn wait(&mut self, ev: &mut Evidence) {
        self.send(ev);
        self.wait_in_flight(ev);
    }

    /// Apply every batch the worker holds.
    fn wait_in_flight(&mut self, ev: &mut Evidence) {
        while let Some(worker) = self.worker.as_mut() {
            match worker.next() {
                Ok(Some(done)) => self.apply(done, ev),
                Ok(None) => break,
                Err(lost) => {
                    self.error.get_or_insert(lost);
                    break;
                }
            }
        }
    }

    /// `result` (the reader's) and the first error found in what is queued,
    /// once all of it is checked: whichever comes first in the file. Cases
    /// queued after an error the worker found were read past it.
    pub fn settle(&mut self, result: Result<(), ParseError>, ev: &mut Evidence) -> Result<(), ParseError> {
        worker::first_in_file(result, self.sync(ev).err())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use std::path::{Path, PathBuf};

    use crate::model::Format;
    use crate::parse::testing::{copies, detected, read_both_ways};

    /// Every file under `dir`, recursively, sorted.
    fn files(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files(&path, out);
            } else {
                out.push(path);
            }
        }
        out.sort();
    }

    /// The real JUnit, TRX and NUnit reports among the fixtures, with their format.
    fn fixtures() -> Vec<(PathBuf, Format, String)> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut paths = Vec::new();
        for dir in ["tests/fixtures/junit", "tests/fixtures/trx", "tests/fixtures/nunit", "../shared/fixtures/formats"]
        {
            files(&root.join(dir), &mut paths);
        }
        paths
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "xml" || e == "trx"))
            .filter_map(|path| {
                let text = std::fs::read_to_string(&path).ok()?;
                let format = detected(&text).filter(|f| matches!(f, Format::Junit | Format::Trx | Format::Nunit))?;
                Some((path, format, text))
            })
            .collect()
    }

    /// How a format writes a passing test element on one line, the attribute
    /// that tells copies apart, and what a non-passing element says.
    fn shape(format: Format) -> (&'static str, &'static str, &'static str, &'static [&'static str]) {
        match format {
            Format::Junit => ("<testcase", "", "name", &["<failure", "<error", "<skipped"]),
            Format::Trx => {
                ("<UnitTestResult", r#"outcome="Passed""#, "testId", &[r#"outcome="Failed""#, "NotExecuted"])
            }
            _ => ("<test-case", r#"result="Passed""#, "fullname", &[r#"result="Failed""#, r#"result="Skipped""#]),
        }
    }

    /// The first whole element `<tag ...>...</tag>` of `text` that says one of `marks`.
    fn non_passing<'a>(text: &'a str, tag: &str, marks: &[&str]) -> Option<&'a str> {
        let close = format!("</{}>", &tag[1..]);
        let mut from = 0;
        while let Some(at) = text[from..].find(&format!("{tag} ")) {
            let start = from + at;
            let end = start + text[start..].find(&close)? + close.len();
            let element = &text[start..end];
            let self_closed = element.find('>').is_some_and(|gt| element[..gt].ends_with('/'));
            if !self_closed && !element[1..].contains(tag) && marks.iter().any(|m| element.contains(m)) {
                return Some(element);
            }
            from = start + 1;
        }
        None
    }

    /// `text` with a passing element of its own repeated 20,000 times where
    /// it stands, a non-passing one of its own after every hundredth, so that
    /// the worker starts and the cases the reader records itself fall
    /// between the offloaded ones.
    fn grown(format: Format, text: &str) -> Option<(String, bool)> {
        let (tag, passed, attribute, marks) = shape(format);
        let line = text.lines().map(str::trim).find(|l| {
            l.starts_with(tag)
                && l.ends_with("/>")
                && l.contains(passed)
                && l.contains(&format!(" {attribute}=\""))
                && !l.contains("status=")
        })?;
        let bad = non_passing(text, tag, marks).unwrap_or("");
        let passes = copies(line, attribute, 20_000);
        let others = if bad.is_empty() { String::new() } else { copies(bad, attribute, 200) };
        let end = format!("</{}>\n", &tag[1..]);
        let mut others = others.split_inclusive(end.as_str());
        let mut body = String::new();
        for (i, pass) in passes.lines().enumerate() {
            body.push_str(pass);
            body.push('\n');
            if i % 100 == 99 {
                body.push_str(others.next().unwrap_or(""));
            }
        }
        Some((text.replacen(line, &body, 1), !bad.is_empty()))
    }

    #[test]
    fn every_real_report_logs_the_same_inventory_both_ways() {
        let fixtures = fixtures();
        let mut read = [0usize; 3];
        let mut grown_dirs = Vec::new();
        let mut interleaved = [0usize; 3];
        for (path, format, text) in &fixtures {
            let [fast, general] = read_both_ways(*format, text);
            assert_eq!(fast, general, "{}", path.display());
            read[format_index(*format)] += 1;
            // Grown: one report per folder, to keep the test short.
            let dir = path.parent().map(Path::to_path_buf);
            if grown_dirs.contains(&dir) {
                continue;
            }
            let Some((big, mixed)) = grown(*format, text) else { continue };
            interleaved[format_index(*format)] += usize::from(mixed);
            let [fast, general] = read_both_ways(*format, &big);
            assert!(fast.2.keys.len() >= 20_000, "{}: {}", path.display(), fast.2.keys.len());
            assert_eq!(fast, general, "{} grown", path.display());
            grown_dirs.push(dir);
        }
        assert!(read[0] >= 20 && read[1] >= 10 && read[2] >= 10, "{read:?}");
        assert!(interleaved.iter().all(|n| *n > 0), "{interleaved:?} {grown_dirs:?}");
        assert!(grown_dirs.len() >= 5, "{grown_dirs:?}");
    }

    fn format_index(format: Format) -> usize {
        match format {
            Format::Junit => 0,
            Format::Trx => 1,
            _ => 2,
        }
    }
}
