//! Test definitions and entries read after the results, checked and looked up
//! on a second thread.
//!
//! vstest writes each test three times: its result, its definition
//! (`UnitTest`, with `Execution` and `TestMethod` inside) and its entry
//! (`TestEntry`). Only the result is a case; the definition and the entry are
//! checked attribute by attribute, as every element is, and their test id is
//! looked up among the results' (a test with no result is incomplete). In a
//! big run that is as much work as reading the results, and it needs none of
//! the reader's state but the results' ids. So the reader copies their tags
//! into a batch, and [`process`] checks them, looks their ids up, and hands
//! back only what the reader acts on ([`Back`]): a test with no result, and a
//! definition whose names a failure wants. What comes back is what the
//! general path ([`State::close_definition`](super::State)) finds, in
//! document order.
//!
//! A batch holds whole definitions. Batches are processed in the order they
//! were filled: in line for the first few (a small run costs no thread),
//! then on the worker ([`crate::parse::worker`]). An error stops its batch
//! at the offending tag, whose offset it carries; the reader reports the
//! earlier of it and its own.

use std::collections::HashSet;
use std::sync::Arc;

use quick_xml::events::BytesStart;

use super::{DefinitionNames, LISTED_BATCH, Listed, ResultIds, id_hash, listed_definition, listed_entry};
use crate::model::Position;
use crate::parse::ParseError;
use crate::parse::offload::{BATCH, BATCH_BYTES, INLINE_BATCHES};
use crate::parse::worker;
use crate::parse::xml_stream::attributes;

/// What the lookups need from the results, once they are all read.
#[derive(Clone, Default)]
pub(super) struct Lookup {
    pub ids: ResultIds,
    /// The test ids of the failures held to be named by their definitions.
    pub wanted: HashSet<u64>,
}

/// What a queued tag is to the definition or entry it belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// A definition's own tag (`UnitTest` or another kind): starts a definition.
    Definition,
    /// Its direct `TestMethod`, which names it.
    Method,
    /// Any other tag within it: only checked.
    Inner,
    /// A `TestEntry`.
    Entry,
}

/// One tag: `raw[start..end]`, its name and attributes as quick-xml gave them.
struct Tag {
    kind: Kind,
    start: usize,
    /// Where its name ends.
    name_end: usize,
    end: usize,
    offset: u64,
}

#[derive(Default)]
struct Batch {
    raw: String,
    tags: Vec<Tag>,
}

impl Batch {
    fn tag(&self, index: usize) -> BytesStart<'_> {
        let tag = &self.tags[index];
        BytesStart::from_content(&self.raw[tag.start..tag.end], tag.name_end - tag.start)
    }

    fn full(&self) -> bool {
        self.tags.len() >= BATCH || self.raw.len() >= BATCH_BYTES
    }
}

/// A definition or entry the reader acts on: named as the general path names it.
pub(super) struct Back {
    pub listed: Listed,
    /// The strings `listed` points into.
    pub text: String,
    /// No result has its test id.
    pub missing: bool,
    /// A definition a failure wants named: its `TestMethod`'s names, if any.
    pub names: Option<DefinitionNames>,
}

struct Done {
    back: Vec<Back>,
    error: Option<ParseError>,
    batch: Batch,
}

/// Check every definition and entry of `batch`, in order, and look up their
/// test ids, a few at a time so that the cache misses overlap.
fn process(batch: Batch, lookup: &Lookup) -> Done {
    let mut back = Vec::new();
    let mut error = None;
    // (test id hash, first tag, end tag) of the definitions and entries checked.
    let mut checked: Vec<(u64, usize, usize)> = Vec::with_capacity(LISTED_BATCH);
    let mut first = 0;
    while first < batch.tags.len() {
        let mut end = first + 1;
        while batch.tags.get(end).is_some_and(|t| matches!(t.kind, Kind::Method | Kind::Inner)) {
            end += 1;
        }
        match check(&batch, first, end) {
            Ok(hash) => checked.push((hash, first, end)),
            Err(e) => {
                error = Some(e);
                break;
            }
        }
        if checked.len() == LISTED_BATCH {
            look_up(&batch, &checked, lookup, &mut back);
            checked.clear();
        }
        first = end;
    }
    look_up(&batch, &checked, lookup, &mut back);
    Done { back, error, batch }
}

/// Check the tags `first..end` (one definition and what is in it, or one
/// entry) as the general path checks them; the test id's hash.
fn check(batch: &Batch, first: usize, end: usize) -> Result<u64, ParseError> {
    let at = |i: usize| move |message: String| ParseError::new(message, Position::offset(batch.tags[i].offset));
    let head = batch.tag(first);
    let id = match batch.tags[first].kind {
        Kind::Entry => attributes(&head, ["testId"]).map_err(at(first))?,
        _ => {
            let [id, _name] = attributes(&head, ["id", "name"]).map_err(at(first))?;
            [id]
        }
    };
    for i in first + 1..end {
        let tag = batch.tag(i);
        match batch.tags[i].kind {
            Kind::Method => attributes(&tag, ["className", "name"]).map(|_| ()),
            _ => attributes(&tag, []).map(|_| ()),
        }
        .map_err(at(i))?;
    }
    let [id] = id;
    Ok(id_hash(id.as_deref().unwrap_or("")))
}

/// Look the checked tests up; hand back those the reader acts on.
fn look_up(batch: &Batch, checked: &[(u64, usize, usize)], lookup: &Lookup, back: &mut Vec<Back>) {
    lookup.ids.prefetch(checked.iter().map(|c| c.0));
    for &(hash, first, end) in checked {
        let missing = !lookup.ids.contains(hash);
        let definition = batch.tags[first].kind != Kind::Entry;
        let named = definition && lookup.wanted.contains(&hash);
        if !missing && !named {
            continue;
        }
        // Read again for the strings: rare, and checked already.
        let mut text = String::new();
        let offset = batch.tags[first].offset;
        let head = batch.tag(first);
        if !definition {
            let Ok([id]) = attributes(&head, ["testId"]) else { continue };
            let listed = listed_entry(&mut text, hash, offset, id.as_deref().unwrap_or(""));
            back.push(Back { listed, text, missing, names: None });
            continue;
        }
        let Ok([id, name]) = attributes(&head, ["id", "name"]) else { continue };
        let mut names = None;
        for i in first + 1..end {
            if batch.tags[i].kind == Kind::Method
                && let Ok([class, method]) = attributes(&batch.tag(i), ["className", "name"])
            {
                let names = names.get_or_insert_with(DefinitionNames::default);
                crate::parse::xml_stream::assign(&mut names.class, class.as_deref());
                crate::parse::xml_stream::assign(&mut names.method, method.as_deref());
            }
        }
        let (id, name) = (id.as_deref().unwrap_or(""), name.as_deref().unwrap_or(""));
        let listed = listed_definition(&mut text, hash, offset, id, name, names.as_ref());
        back.push(Back { listed, text, missing, names });
    }
}

/// The worker's thread.
type Worker = worker::Worker<Batch, Done>;

fn spawn(lookup: Arc<Lookup>) -> Option<Worker> {
    Worker::spawn("listed-tests", move |batch| process(batch, &lookup))
}

/// The definitions and entries queued after the results, and what came back.
pub(super) struct Listing {
    lookup: Arc<Lookup>,
    batch: Batch,
    worker: Option<Worker>,
    batches_sent: u64,
    spare: Vec<Batch>,
    back: Vec<Back>,
    /// The first error found, held until [`Listing::settle`].
    error: Option<ParseError>,
}

impl Listing {
    pub fn new(lookup: Arc<Lookup>) -> Self {
        Self {
            lookup,
            batch: Batch::default(),
            worker: None,
            batches_sent: 0,
            spare: Vec::new(),
            back: Vec::new(),
            error: None,
        }
    }

    /// Queue a definition's own tag: a definition starts.
    pub fn definition(&mut self, tag: &BytesStart<'_>, offset: u64) {
        self.push(Kind::Definition, tag, offset);
    }

    /// Queue a tag within the open definition; `method` for its direct `TestMethod`.
    pub fn inner(&mut self, tag: &BytesStart<'_>, offset: u64, method: bool) {
        self.push(if method { Kind::Method } else { Kind::Inner }, tag, offset);
    }

    /// Queue an entry, which is whole at once.
    pub fn entry(&mut self, tag: &BytesStart<'_>, offset: u64) {
        self.push(Kind::Entry, tag, offset);
        self.end();
    }

    /// A definition or entry is whole: send the batch if it is full.
    pub fn end(&mut self) {
        if self.batch.full() {
            self.send();
        }
    }

    #[inline]
    fn push(&mut self, kind: Kind, tag: &BytesStart<'_>, offset: u64) {
        let start = self.batch.raw.len();
        self.batch.raw.push_str(tag.name().as_ref());
        let name_end = self.batch.raw.len();
        self.batch.raw.push_str(tag.attributes_raw());
        self.batch.tags.push(Tag { kind, start, name_end, end: self.batch.raw.len(), offset });
    }

    /// Hand the batch over: checked here for the first [`INLINE_BATCHES`],
    /// then on the worker.
    fn send(&mut self) {
        if self.batch.tags.is_empty() {
            return;
        }
        let mut next = self.spare.pop().unwrap_or_default();
        next.raw.clear();
        next.tags.clear();
        let batch = std::mem::replace(&mut self.batch, next);
        self.batches_sent += 1;
        if self.worker.is_none() && self.batches_sent > INLINE_BATCHES && batch.full() {
            self.worker = spawn(Arc::clone(&self.lookup));
        }
        let sent = match self.worker.as_mut() {
            Some(worker) => worker.send(batch),
            None => Err(batch),
        };
        let batch = match sent {
            Ok(()) => {
                // Apply what is already back, without waiting.
                while let Some(done) = self.worker.as_mut().and_then(Worker::ready) {
                    self.apply(done);
                }
                return;
            }
            // No worker, or it is gone: check this batch here.
            Err(batch) => batch,
        };
        // In line: what the worker holds comes first.
        self.wait_in_flight();
        let done = process(batch, &self.lookup);
        self.apply(done);
    }

    fn apply(&mut self, mut done: Done) {
        if self.error.is_none() {
            self.back.append(&mut done.back);
            self.error = done.error;
        }
        self.spare.push(done.batch);
    }

    fn wait_in_flight(&mut self) {
        while let Some(worker) = self.worker.as_mut() {
            match worker.next() {
                Ok(Some(done)) => self.apply(done),
                Ok(None) => break,
                Err(lost) => {
                    self.error.get_or_insert(lost);
                    break;
                }
            }
        }
    }

    /// What came back so far, in document order, taken.
    pub fn take_back(&mut self) -> Vec<Back> {
        std::mem::take(&mut self.back)
    }

    /// Whether an error came back: the reader stops at its next check.
    pub fn failed(&self) -> bool {
        self.error.is_some()
    }

    /// Check everything queued and take back what comes of it.
    pub fn wait(&mut self) {
        self.send();
        self.wait_in_flight();
    }

    /// Check everything queued. `result` (the reader's) and the first error
    /// found in what was queued: whichever comes first in the file.
    pub fn settle(&mut self, result: Result<(), ParseError>) -> Result<(), ParseError> {
        self.wait();
        worker::first_in_file(result, self.error.take())
    }
}
