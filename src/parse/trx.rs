//! Visual Studio TRX (`dotnet test --logger trx`, vstest.console, mstest.exe),
//! whatever the adapter (MSTest, xUnit.net, NUnit), in one streaming reader
//! over quick-xml events (never a DOM).
//!
//! First witness: every result element under `<Results>` and, nested, under a
//! result's `<InnerResults>` (data-driven rows, ordered tests), its outcome from
//! its `outcome` attribute ([`TrxOutcome`]). A test defined in
//! `<TestDefinitions>` or listed in `<TestEntries>` with no result is an
//! incomplete case; a run-level `<RunInfo outcome="Error">` that no failed
//! result explains (a crashed test host) is an errored case.
//!
//! Second witness: `<ResultSummary outcome>` (a status claim) and its
//! `<Counters>`, and the `<Counters>` a parent result declares for its inner
//! results, each paired with the count derived by the producer's own counting
//! rule (every result element counts, parents and rows alike; see
//! docs/formats/trx.md for the evidence).
//!
//! The file's sections come in either order (vstest writes `<Results>` first,
//! mstest.exe writes it last), so names for failures and the definition checks
//! are resolved at the end. Memory: 8 bytes per result (its test id, to check
//! definitions and entries against), the failures kept, and, for definitions
//! read before any result, 8 bytes each and a bounded table of names.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::hash::BuildHasher;
use std::io::BufRead;
use std::sync::Arc;

use quick_xml::events::BytesStart;

use self::listing::{Listing, Lookup};
use super::offload::{Check, Logged, Offload};
use super::xml_stream::{self, Handler, attributes, push_capped, short};
use super::{ParseError, ReadContext, Sniff};
use crate::model::{Case, CaseOutcome, Claim, Evidence, Format, Observation, Position, ProvenanceKind, Status, caps};

mod listing;

/// The namespace every TRX root declares.
const NAMESPACE: &str = "http://microsoft.com/schemas/VisualStudio/TeamTest/";
/// Result elements nested in result elements deeper than this (ordered tests in
/// ordered tests) are unparseable.
const MAX_RESULT_DEPTH: usize = 32;
/// Definitions whose class and method names are kept when they come before the
/// results (mstest.exe's layout): enough for any real run; past it, failures
/// are reported without a class and replay command.
const MAX_EARLY_DEFINITION_NAMES: usize = 100_000;
/// Run-level errors kept to report one by one; the rest are counted.
const MAX_RUN_ERRORS: usize = 1_000;

/// Recognize a TRX file by its root element `<TestRun` declaring the TeamTest
/// namespace, after any BOM, XML declaration, comments and DOCTYPE.
pub fn detect(sniff: &Sniff<'_>) -> Option<Format> {
    let (root, rest) = xml_stream::root_element(sniff)?;
    if root != b"TestRun" || !matches!(rest.first(), Some(b' ' | b'\t' | b'\r' | b'\n')) {
        return None;
    }
    let tag = &rest[..memchr::memchr(b'>', rest)?];
    memchr::memmem::find(tag, NAMESPACE.as_bytes()).map(|_| Format::Trx)
}

/// Tests defined or listed after the results are checked against them this
/// many at a time: each lookup is a cache miss in a large run, and a batch's
/// misses overlap ([`ResultIds::prefetch`]).
const LISTED_BATCH: usize = 32;

/// A result's `outcome`: vstest's and mstest's `TestOutcome` enum, plus the
/// two ways a file can fail to say one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TrxOutcome {
    Passed,
    Failed,
    NotExecuted,
    Inconclusive,
    Timeout,
    Error,
    Aborted,
    NotRunnable,
    Disconnected,
    Warning,
    PassedButRunAborted,
    Completed,
    InProgress,
    Pending,
    /// No `outcome` attribute: VS 2012's mstest for a test whose class could
    /// not be initialized; its own `Counters` count these as `error`.
    Missing,
    /// A value outside the enum.
    Unknown,
}

const OUTCOMES: usize = 16;

impl TrxOutcome {
    fn parse(raw: Option<&str>) -> Self {
        match raw {
            None => Self::Missing,
            Some("Passed") => Self::Passed,
            Some("Failed") => Self::Failed,
            Some("NotExecuted") => Self::NotExecuted,
            Some("Inconclusive") => Self::Inconclusive,
            Some("Timeout") => Self::Timeout,
            // `Min` is the enum's alias of its first value, `Error`.
            Some("Error" | "Min") => Self::Error,
            Some("Aborted") => Self::Aborted,
            Some("NotRunnable") => Self::NotRunnable,
            Some("Disconnected") => Self::Disconnected,
            Some("Warning") => Self::Warning,
            Some("PassedButRunAborted") => Self::PassedButRunAborted,
            Some("Completed") => Self::Completed,
            Some("InProgress") => Self::InProgress,
            // `Max` is the alias of the last value, `Pending`.
            Some("Pending" | "Max") => Self::Pending,
            Some(_) => Self::Unknown,
        }
    }

    /// What the outcome is as evidence. Only `Passed` passes, only
    /// `NotExecuted` (how vstest writes a skip) skips; every other state is a
    /// failure of some kind, never a pass.
    pub(crate) fn case_outcome(self) -> CaseOutcome {
        match self {
            Self::Passed => CaseOutcome::Passed,
            Self::NotExecuted => CaseOutcome::Skipped,
            Self::Failed => CaseOutcome::Failed,
            // Started and never reported a verdict.
            Self::InProgress | Self::Pending => CaseOutcome::Incomplete,
            // Ran without a pass: crashed, timed out, aborted, could not run,
            // reached no verdict (`Assert.Inconclusive`), or a state we do not know.
            Self::Error
            | Self::Timeout
            | Self::Aborted
            | Self::Disconnected
            | Self::PassedButRunAborted
            | Self::Inconclusive
            | Self::NotRunnable
            | Self::Warning
            | Self::Completed
            | Self::Missing
            | Self::Unknown => CaseOutcome::Errored,
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Results counted by outcome, the way the producer's `Counters` count them.
#[derive(Clone, Copy, Debug, Default)]
struct Counts {
    by_outcome: [u64; OUTCOMES],
}

impl Counts {
    fn add(&mut self, outcome: TrxOutcome) {
        self.by_outcome[outcome.index()] += 1;
    }

    fn of(&self, outcome: TrxOutcome) -> u64 {
        self.by_outcome[outcome.index()]
    }

    fn total(&self) -> u64 {
        self.by_outcome.iter().sum()
    }

    /// Results that did not pass and were not skipped.
    fn not_passed(&self) -> u64 {
        self.total() - self.of(TrxOutcome::Passed) - self.of(TrxOutcome::NotExecuted)
    }

    /// The derived value of a `Counters` attribute, for the attributes whose
    /// rule the real files pin down; `None` for the others.
    fn derived(&self, counter: &str) -> Option<(u64, &'static str)> {
        use TrxOutcome as O;
        Some(match counter {
            "total" => (self.total(), "result elements, inner results included"),
            "executed" => (self.total() - self.of(O::NotExecuted), "result elements not NotExecuted"),
            "passed" => (self.of(O::Passed), "results with outcome Passed"),
            "failed" => (self.of(O::Failed), "results with outcome Failed"),
            "error" => (self.of(O::Error) + self.of(O::Missing), "results with outcome Error or none"),
            "inconclusive" => (self.of(O::Inconclusive), "results with outcome Inconclusive"),
            _ => return None,
        })
    }
}

/// `Counters` attributes that count results that did not pass.
const NOT_PASSED_COUNTERS: &[&str] = &[
    "failed",
    "error",
    "timeout",
    "aborted",
    "inconclusive",
    "passedButRunAborted",
    "notRunnable",
    "disconnected",
    "warning",
    "completed",
    "inProgress",
    "pending",
];

/// A `Counters` element as declared: (attribute, value) in document order.
#[derive(Clone, Debug, Default)]
struct Declared {
    values: Vec<(String, u64)>,
    position: u64,
}

/// Where the reader is: what the innermost open element is to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ctx {
    Root,
    Results,
    /// A result element; its frame is the innermost in `results`.
    Result,
    InnerResults,
    ResultOutput,
    ErrorInfo,
    Message,
    StackTrace,
    Definitions,
    Definition,
    Entries,
    Entry,
    Summary,
    RunInfos,
    RunInfo,
    RunInfoText,
    /// Anything else: read for well-formedness, otherwise ignored.
    Other,
}

/// One open result element.
#[derive(Default)]
struct ResultFrame {
    test_id: String,
    test_name: String,
    outcome: Option<TrxOutcome>,
    position: u64,
    /// Its `duration` (`hh:mm:ss.fffffff`), in seconds.
    seconds: Option<f64>,
    message: String,
    stack_trace: String,
    /// The `Counters` it declares for its inner results.
    declared: Option<Declared>,
    /// Its direct inner results, by outcome.
    inner: Counts,
}

/// A failing result held until the definitions (which may come later) name it.
struct PendingFailure {
    test_id: String,
    test_name: String,
    outcome: TrxOutcome,
    message: String,
    position: u64,
    seconds: Option<f64>,
}

/// The names a definition gives its test.
#[derive(Clone, Debug, Default)]
struct DefinitionNames {
    class: Option<String>,
    method: Option<String>,
}

/// The definition being read; its buffers are reused from one to the next.
#[derive(Default)]
struct OpenDefinition {
    id: String,
    name: String,
    /// Set by its `TestMethod`, if it has one.
    names: DefinitionNames,
    has_names: bool,
    position: u64,
}

impl OpenDefinition {
    fn names(&self) -> Option<&DefinitionNames> {
        self.has_names.then_some(&self.names)
    }
}

/// Tests defined or listed once the results are all read, waiting to be
/// checked as a batch ([`LISTED_BATCH`]). Each keeps what naming it takes,
/// in one buffer for the batch: all but those with no result are dropped
/// unread.
#[derive(Default)]
struct ListedBatch {
    items: Vec<Listed>,
    text: String,
}

struct Listed {
    hash: u64,
    offset: u64,
    /// Where its strings start in [`ListedBatch::text`].
    start: usize,
    kind: ListedKind,
}

/// Where each string of a listed test ends in [`ListedBatch::text`].
enum ListedKind {
    /// A `TestEntry`: its test id.
    Entry { id: usize },
    /// A definition: its id, its name, and its method's class and name if it has them.
    Definition { id: usize, name: usize, class: Option<usize>, method: Option<usize> },
}

/// A run-level `RunInfo` being read, or kept.
#[derive(Default, Clone)]
struct RunInfo {
    outcome: String,
    text: String,
    position: u64,
}

struct State<'w> {
    workspace: Option<&'w str>,
    max_message: usize,
    stack: Vec<Ctx>,
    frames: Vec<ResultFrame>,
    open_frames: usize,
    counts: Counts,
    /// The test id of every result, hashed, indexed once `<Results>` closes,
    /// with the test ids of the failures held to be named: shared with the
    /// listing's worker then.
    results: Arc<Lookup>,
    results_seen: bool,
    results_closed: bool,
    /// Definitions and entries read before the results, checked at the end.
    early_ids: Vec<u64>,
    /// Tests already reported as having no result.
    reported_missing: HashSet<u64>,
    listed: ListedBatch,
    pending: Vec<PendingFailure>,
    names: HashMap<u64, DefinitionNames>,
    definition: OpenDefinition,
    summary_outcome: Option<(String, u64)>,
    summary_counters: Option<Declared>,
    summary_seen: bool,
    run_info: RunInfo,
    run_errors: Vec<RunInfo>,
    run_errors_dropped: u64,
    /// Passing self-closing results, checked and keyed on a second thread,
    /// when the evidence takes keys alone.
    offload: Option<Offload<PassedResult>>,
    /// Finds `outcome="Passed"`.
    passed: memchr::memmem::Finder<'static>,
    /// Definitions and entries read after the results, checked and looked up
    /// on a second thread, when the evidence takes keys alone.
    listing: Option<Listing>,
    /// Whether the open definition's tags go to the listing.
    queuing_definition: bool,
}

/// A passing self-closing result, queued as its whole tag (name and
/// attributes): checked as [`State::start`] checks a result, keyed by its
/// test id and name as [`State::close_result`] keys it, and its test id
/// hashed for the definition checks.
struct PassedResult;

impl Check for PassedResult {
    type Group = ();
    type Extra = u64;

    fn check(raw: &str, (): &(), log: Option<&mut Logged<'_>>) -> Result<(crate::model::PassedKey, u64), String> {
        let name_len = raw.find([' ', '\t', '\r', '\n']).unwrap_or(raw.len());
        let tag = BytesStart::from_content(raw, name_len);
        // Only the names (and the duration, for the log) are read; every
        // attribute is checked, whichever are read, with the same errors as in `start`.
        let [id, name, duration] = attributes(&tag, ["testId", "testName", "duration"])?;
        let id = id.as_deref().unwrap_or("");
        let name = name.as_deref().unwrap_or("");
        if let Some(log) = log {
            log.passed(Some(id), name, duration.as_deref().and_then(super::duration::timespan));
        }
        Ok((crate::model::PassedKey::new(Some(id), name), id_hash(id)))
    }
}

fn id_hash(id: &str) -> u64 {
    // The ids are GUIDs written in either case (xUnit v3 writes upper-case testType),
    // lower-cased on the stack: there are millions of them.
    let hasher = foldhash::fast::FixedState::default();
    let id = id.trim();
    let mut lower = [0u8; 64];
    if let Some(copy) = lower.get_mut(..id.len()) {
        copy.copy_from_slice(id.as_bytes());
        copy.make_ascii_lowercase();
        // ASCII lower-casing keeps UTF-8 valid.
        if let Ok(lower) = std::str::from_utf8(copy) {
            return hasher.hash_one(lower);
        }
    }
    hasher.hash_one(id.to_ascii_lowercase().as_str())
}

/// Read a TRX file.
///
/// Generic over the input so that quick-xml's many small reads from it are
/// inlined, not dynamic calls.
pub fn read<R: BufRead + ?Sized>(input: &mut R, ev: &mut Evidence, cx: &ReadContext<'_>) -> Result<(), ParseError> {
    let mut state = State::new(ev.limits().max_message_bytes, cx.workspace);
    if ev.takes_passed_keys() {
        state.offload = Some(Offload::default());
    }
    let mut result = xml_stream::drive(input, ev, &mut state);
    if let Some(offload) = &mut state.offload {
        result = offload.settle(result, ev);
    }
    if let Some(listing) = &mut state.listing {
        result = listing.settle(result);
    }
    if let Err(error) = &result {
        // Failures read past an error the offloaded checks found came after it.
        if let Some(at) = error.position.byte_offset {
            state.pending.retain(|p| p.position < at);
        }
        // Tests read before the error with no result are reported, and the
        // failures read are kept, named as far as known.
        state.take_listed(ev);
        state.check_listed(ev);
        state.flush_failures(ev);
    }
    result
}

impl Handler for State<'_> {
    fn open(&mut self, e: &BytesStart<'_>, depth: usize, offset: u64, ev: &mut Evidence) -> Result<(), String> {
        self.start(e, depth, offset, ev)
    }

    fn close(&mut self, offset: u64, ev: &mut Evidence) -> Result<(), String> {
        self.end(offset, ev)
    }

    /// A passing self-closing result is counted here and queued: its checks
    /// and key are made on the offload's thread. Anything else is read whole.
    #[inline]
    fn empty(&mut self, e: &BytesStart<'_>, depth: usize, offset: u64, ev: &mut Evidence) -> Result<(), String> {
        if let Some(offload) = &mut self.offload
            && matches!(self.stack.last(), Some(Ctx::Results | Ctx::InnerResults))
            && self.open_frames < MAX_RESULT_DEPTH
            && xml_stream::says_plainly(e.attributes_raw(), &self.passed)
        {
            self.counts.add(TrxOutcome::Passed);
            if let Some(parent) = self.open_frames.checked_sub(1) {
                self.frames[parent].inner.add(TrxOutcome::Passed);
            }
            let qname = e.name();
            offload.push(&[qname.as_ref(), e.attributes_raw()], offset, (0, |_: &mut ()| {}), ev);
            return Ok(());
        }
        self.open(e, depth, offset, ev)?;
        self.close(offset, ev)
    }

    fn wants_text(&self) -> bool {
        matches!(self.stack.last(), Some(Ctx::Message | Ctx::StackTrace | Ctx::RunInfoText))
    }

    fn text(&mut self, text: &str) {
        self.capture(text);
    }
}

impl<'w> State<'w> {
    fn new(max_message: usize, workspace: Option<&'w str>) -> Self {
        Self {
            workspace,
            max_message,
            stack: Vec::with_capacity(16),
            frames: Vec::new(),
            open_frames: 0,
            counts: Counts::default(),
            results: Arc::default(),
            results_seen: false,
            results_closed: false,
            early_ids: Vec::new(),
            reported_missing: HashSet::new(),
            listed: ListedBatch::default(),
            pending: Vec::new(),
            names: HashMap::new(),
            definition: OpenDefinition::default(),
            summary_outcome: None,
            summary_counters: None,
            summary_seen: false,
            run_info: RunInfo::default(),
            run_errors: Vec::new(),
            run_errors_dropped: 0,
            offload: None,
            passed: memchr::memmem::Finder::new(r#"outcome="Passed""#),
            listing: None,
            queuing_definition: false,
        }
    }

    /// Text inside an element whose text the reader keeps (capped).
    fn capture(&mut self, text: &str) {
        let limit = self.max_message;
        let target = match self.stack.last() {
            Some(Ctx::Message) => self.frames.get_mut(self.open_frames.wrapping_sub(1)).map(|f| &mut f.message),
            Some(Ctx::StackTrace) => self.frames.get_mut(self.open_frames.wrapping_sub(1)).map(|f| &mut f.stack_trace),
            Some(Ctx::RunInfoText) => Some(&mut self.run_info.text),
            _ => None,
        };
        if let Some(target) = target {
            push_capped(target, text, limit);
        }
    }

    /// An element opens. Every attribute of every element is checked, before
    /// anything else is said about the element; only those used are read.
    fn start(&mut self, e: &BytesStart<'_>, depth: usize, offset: u64, ev: &mut Evidence) -> Result<(), String> {
        let qname = e.name();
        let tag: &str = qname.as_ref();
        let check = || attributes(e, []).map(|_| ());
        let ctx = match depth {
            0 => {
                check()?;
                if tag != "TestRun" {
                    return Err(format!("the root element is <{}>, not <TestRun>: not a TRX file", short(tag)));
                }
                Ctx::Root
            }
            _ => {
                let top = self.stack.last().copied().unwrap_or(Ctx::Other);
                if let Some(ctx) = self.queue_listed(e, top, offset) {
                    self.stack.push(ctx);
                    return Ok(());
                }
                match (top, tag) {
                    (Ctx::Root, "Times") => {
                        let [finish, creation] = attributes(e, ["finish", "creation"])?;
                        // The finish time is the closest to when the file was written.
                        match (finish, creation) {
                            (Some(at), _) => ev.add_provenance(ProvenanceKind::GeneratedAt, "Times.finish", &at),
                            (None, Some(at)) => ev.add_provenance(ProvenanceKind::GeneratedAt, "Times.creation", &at),
                            (None, None) => {}
                        }
                        Ctx::Other
                    }
                    (Ctx::Root, "Results") => {
                        check()?;
                        if self.results_seen {
                            return Err("a second <Results> element".to_owned());
                        }
                        self.results_seen = true;
                        Ctx::Results
                    }
                    (Ctx::Root, "ResultSummary") => {
                        let [outcome] = attributes(e, ["outcome"])?;
                        if self.summary_seen {
                            return Err("a second <ResultSummary> element".to_owned());
                        }
                        self.summary_seen = true;
                        self.summary_outcome = outcome.map(|o| (o.into_owned(), offset));
                        Ctx::Summary
                    }
                    // Every element directly in <Results> or <InnerResults> is a
                    // result: UnitTestResult, TestResultAggregation, and the
                    // other kinds mstest writes with the same attributes.
                    (Ctx::Results | Ctx::InnerResults, _) => {
                        let [id, name, outcome, duration] =
                            attributes(e, ["testId", "testName", "outcome", "duration"])?;
                        let seconds = duration.as_deref().and_then(super::duration::timespan);
                        self.open_result(id.as_deref(), name.as_deref(), outcome.as_deref(), seconds, offset)?;
                        Ctx::Result
                    }
                    (Ctx::Result, "Counters") => {
                        let declared = read_counters(e, offset)?;
                        if let Some(frame) = self.frames.get_mut(self.open_frames.wrapping_sub(1)) {
                            frame.declared = Some(declared);
                        }
                        Ctx::Other
                    }
                    (Ctx::Definitions, _) => {
                        let [id, name] = attributes(e, ["id", "name"])?;
                        let def = &mut self.definition;
                        def.id.clear();
                        def.id.push_str(id.as_deref().unwrap_or(""));
                        def.name.clear();
                        def.name.push_str(name.as_deref().unwrap_or(""));
                        def.has_names = false;
                        def.position = offset;
                        Ctx::Definition
                    }
                    (Ctx::Definition, "TestMethod") => {
                        let [class, method] = attributes(e, ["className", "name"])?;
                        let def = &mut self.definition;
                        xml_stream::assign(&mut def.names.class, class.as_deref());
                        xml_stream::assign(&mut def.names.method, method.as_deref());
                        def.has_names = true;
                        Ctx::Other
                    }
                    (Ctx::Entries, "TestEntry") => {
                        let [id] = attributes(e, ["testId"])?;
                        self.listed_entry(id.as_deref().unwrap_or(""), offset, ev);
                        Ctx::Entry
                    }
                    (Ctx::Summary, "Counters") => {
                        self.summary_counters = Some(read_counters(e, offset)?);
                        Ctx::Other
                    }
                    (Ctx::RunInfos, "RunInfo") => {
                        let [outcome] = attributes(e, ["outcome"])?;
                        self.run_info = RunInfo {
                            outcome: outcome.map(Cow::into_owned).unwrap_or_default(),
                            text: String::new(),
                            position: offset,
                        };
                        Ctx::RunInfo
                    }
                    (top, tag) => {
                        check()?;
                        match (top, tag) {
                            (Ctx::Root, "TestDefinitions") => Ctx::Definitions,
                            (Ctx::Root | Ctx::Entry, "TestEntries") => Ctx::Entries,
                            (Ctx::Result, "InnerResults") => Ctx::InnerResults,
                            (Ctx::Result, "Output") => Ctx::ResultOutput,
                            (Ctx::ResultOutput, "ErrorInfo") => Ctx::ErrorInfo,
                            (Ctx::ErrorInfo, "Message") => Ctx::Message,
                            (Ctx::ErrorInfo, "StackTrace") => Ctx::StackTrace,
                            (Ctx::Summary, "RunInfos") => Ctx::RunInfos,
                            (Ctx::RunInfo, "Text") => Ctx::RunInfoText,
                            _ => Ctx::Other,
                        }
                    }
                }
            }
        };
        self.stack.push(ctx);
        Ok(())
    }

    fn open_result(
        &mut self,
        id: Option<&str>,
        name: Option<&str>,
        outcome: Option<&str>,
        seconds: Option<f64>,
        offset: u64,
    ) -> Result<(), String> {
        if self.open_frames >= MAX_RESULT_DEPTH {
            return Err(format!("results nested more than {MAX_RESULT_DEPTH} levels deep"));
        }
        if self.frames.len() == self.open_frames {
            self.frames.push(ResultFrame::default());
        }
        let frame = &mut self.frames[self.open_frames];
        self.open_frames += 1;
        frame.test_id.clear();
        frame.test_id.push_str(id.unwrap_or(""));
        frame.test_name.clear();
        frame.test_name.push_str(name.unwrap_or(""));
        frame.outcome = Some(TrxOutcome::parse(outcome));
        frame.position = offset;
        frame.seconds = seconds;
        frame.message.clear();
        frame.stack_trace.clear();
        frame.declared = None;
        frame.inner = Counts::default();
        Ok(())
    }

    fn end(&mut self, offset: u64, ev: &mut Evidence) -> Result<(), String> {
        let Some(ctx) = self.stack.pop() else {
            return Err("an end tag with no open element".to_owned());
        };
        match ctx {
            Ctx::Root => self.finish(offset, ev)?,
            Ctx::Results => self.close_results(ev)?,
            Ctx::Result => self.close_result(ev),
            Ctx::Definition if self.queuing_definition => {
                self.queuing_definition = false;
                if let Some(listing) = &mut self.listing {
                    listing.end();
                }
            }
            Ctx::Definition => self.close_definition(ev),
            Ctx::RunInfo => {
                let info = std::mem::take(&mut self.run_info);
                if run_info_is_error(&info.outcome) {
                    if self.run_errors.len() < MAX_RUN_ERRORS {
                        self.run_errors.push(info);
                    } else {
                        self.run_errors_dropped += 1;
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn close_result(&mut self, ev: &mut Evidence) {
        if let Some(offload) = &mut self.offload {
            offload.pace(ev);
        }
        let Some(index) = self.open_frames.checked_sub(1) else { return };
        self.open_frames = index;
        let frame = &mut self.frames[index];
        let outcome = frame.outcome.unwrap_or(TrxOutcome::Missing);
        self.counts.add(outcome);
        Arc::make_mut(&mut self.results).ids.sorted.push(id_hash(&frame.test_id));
        if let Some(declared) = frame.declared.take() {
            let scope = format!("result {}", short(&frame.test_name));
            pair_counters(ev, &scope, &declared, &frame.inner, false);
        }
        let case_outcome = outcome.case_outcome();
        if case_outcome.is_failure() && self.pending.len() < caps::FAILURES {
            let mut message = std::mem::take(&mut frame.message);
            if outcome != TrxOutcome::Failed {
                message = format!(
                    "outcome {}{}{message}",
                    outcome_label(outcome),
                    if message.is_empty() { "" } else { ": " }
                );
            }
            if !frame.stack_trace.is_empty() {
                if !message.is_empty() {
                    message.push('\n');
                }
                push_capped(&mut message, &frame.stack_trace, self.max_message.saturating_mul(2));
            }
            self.pending.push(PendingFailure {
                test_id: frame.test_id.clone(),
                test_name: frame.test_name.clone(),
                outcome,
                message,
                position: frame.position,
                seconds: frame.seconds,
            });
        } else {
            // A pass, a skip, or a failure past what is kept (the evidence counts it
            // and reports what it dropped).
            let message = frame.message.as_str();
            let mut case = Case::new(&frame.test_name, case_outcome)
                .suite(&frame.test_id)
                .at(Position::offset(frame.position))
                .took(frame.seconds);
            if case_outcome.is_failure() && !message.is_empty() {
                case = case.message(message);
            }
            ev.add_case(case);
        }
        if let Some(parent) = index.checked_sub(1) {
            self.frames[parent].inner.add(outcome);
        }
    }

    /// Every result is read: sort the ids for the definition checks, and note
    /// which definitions can name a failure.
    fn close_results(&mut self, ev: &mut Evidence) -> Result<(), String> {
        if let Some(offload) = &mut self.offload {
            offload.wait(ev);
            if offload.failed() {
                // `read` reports the offloaded error, which comes first.
                return Err("a passing result failed its checks".to_owned());
            }
            let mut ids = offload.take_extras();
            let sorted = &mut Arc::make_mut(&mut self.results).ids.sorted;
            if ids.len() > sorted.len() {
                std::mem::swap(&mut ids, sorted);
            }
            sorted.extend(ids);
        }
        self.results_closed = true;
        let results = Arc::make_mut(&mut self.results);
        results.ids.index();
        results.wanted = self.pending.iter().map(|p| id_hash(&p.test_id)).collect();
        self.names.retain(|id, _| results.wanted.contains(id));
        if self.offload.is_some() {
            self.listing = Some(Listing::new(Arc::clone(&self.results)));
        }
        Ok(())
    }

    /// Once the results are read, a definition's tags and an entry's go to
    /// the listing ([`listing`]) when there is one. The context each tag
    /// opens is the one the general path gives it, which depends on names
    /// alone; `None`: the general path reads the tag.
    fn queue_listed(&mut self, e: &BytesStart<'_>, top: Ctx, offset: u64) -> Option<Ctx> {
        let listing = self.listing.as_mut()?;
        if self.queuing_definition {
            // Within a definition every element opens `Ctx::Other`; a direct
            // `TestMethod` names it.
            listing.inner(e, offset, top == Ctx::Definition && e.name().as_ref() == "TestMethod");
            return Some(Ctx::Other);
        }
        match (top, e.name().as_ref()) {
            (Ctx::Definitions, _) => {
                listing.definition(e, offset);
                self.queuing_definition = true;
                Some(Ctx::Definition)
            }
            (Ctx::Entries, "TestEntry") => {
                listing.entry(e, offset);
                Some(Ctx::Entry)
            }
            _ => None,
        }
    }

    /// What the listing handed back, in document order: names for the held
    /// failures, and tests with no result, reported as [`State::check_listed`]
    /// reports them.
    fn take_listed(&mut self, ev: &mut Evidence) {
        let Some(listing) = &mut self.listing else { return };
        for back in listing.take_back() {
            let hash = back.listed.hash;
            if !matches!(back.listed.kind, ListedKind::Entry { .. }) && self.results.wanted.contains(&hash) {
                self.names.insert(hash, back.names.unwrap_or_default());
            }
            if back.missing && self.reported_missing.insert(hash) {
                report_missing(&back.listed, &back.text, ev);
            }
        }
    }

    fn close_definition(&mut self, ev: &mut Evidence) {
        let def = &self.definition;
        let hash = id_hash(&def.id);
        let keep = if self.results_closed {
            self.results.wanted.contains(&hash)
        } else {
            self.names.len() < MAX_EARLY_DEFINITION_NAMES
        };
        if keep {
            self.names.insert(hash, def.names().cloned().unwrap_or_default());
        }
        if !self.results_closed {
            self.early_ids.push(hash);
            return;
        }
        let batch = &mut self.listed;
        let listed = listed_definition(&mut batch.text, hash, def.position, &def.id, &def.name, def.names());
        batch.items.push(listed);
        self.check_listed_if_full(ev);
    }

    /// A test the run lists (`TestEntry`): it must have a result.
    fn listed_entry(&mut self, id: &str, offset: u64, ev: &mut Evidence) {
        let hash = id_hash(id);
        if !self.results_closed {
            self.early_ids.push(hash);
            return;
        }
        let batch = &mut self.listed;
        let listed = listed_entry(&mut batch.text, hash, offset, id);
        batch.items.push(listed);
        self.check_listed_if_full(ev);
    }

    fn check_listed_if_full(&mut self, ev: &mut Evidence) {
        if self.listed.items.len() >= LISTED_BATCH {
            self.check_listed(ev);
        }
    }

    /// Every test defined or listed (read after the results, waiting in the
    /// batch) must have a result; those with none are incomplete cases, each
    /// reported once, in document order.
    fn check_listed(&mut self, ev: &mut Evidence) {
        let batch = &mut self.listed;
        self.results.ids.prefetch(batch.items.iter().map(|l| l.hash));
        for listed in &batch.items {
            if !self.results.ids.contains(listed.hash) && self.reported_missing.insert(listed.hash) {
                report_missing(listed, &batch.text, ev);
            }
        }
        batch.items.clear();
        batch.text.clear();
    }

    /// The root closed: everything is known.
    fn finish(&mut self, offset: u64, ev: &mut Evidence) -> Result<(), String> {
        if !self.results_closed {
            // No <Results> at all (a run that found no tests): nothing to wait for.
            self.close_results(ev)?;
        }
        if let Some(listing) = &mut self.listing {
            // `read` reports the error, if any, with what was read before it.
            listing.wait();
            if listing.failed() {
                return Err("a test definition or entry failed its checks".to_owned());
            }
        }
        self.take_listed(ev);
        self.check_listed(ev);
        self.check_early_ids(offset, ev);
        self.report_run_errors(ev);
        self.flush_failures(ev);
        self.pair_summary(offset, ev);
        Ok(())
    }

    /// Definitions and entries read before the results, with no result.
    fn check_early_ids(&mut self, offset: u64, ev: &mut Evidence) {
        let mut early = std::mem::take(&mut self.early_ids);
        early.sort_unstable();
        early.dedup();
        let mut missing = Vec::new();
        missing_from(&early, &self.results.ids.sorted, &mut missing);
        let missing = missing.iter().filter(|h| !self.reported_missing.contains(h)).count() as u64;
        if missing > 0 {
            let case = Case::new("(tests defined with no result)", CaseOutcome::Incomplete)
                .message("tests defined or listed in the run, but the file holds no result for them")
                .at(Position::offset(offset));
            ev.add_counted(case, missing);
        }
    }

    /// Run-level errors. xUnit.net's adapter writes a `[FAIL]` line for each
    /// failed test and the testing platform writes its exit code 2 when tests
    /// failed: those are explained by a failed result. Anything else (a crashed
    /// test host, an aborted run) is an errored case.
    fn report_run_errors(&mut self, ev: &mut Evidence) {
        let errors = std::mem::take(&mut self.run_errors);
        if errors.is_empty() && self.run_errors_dropped == 0 {
            return;
        }
        let failed_names: HashSet<&str> = self.pending.iter().map(|p| p.test_name.as_str()).collect();
        for info in &errors {
            let text = info.text.trim();
            let explained = match xunit_fail_line(text) {
                Some(name) => failed_names.contains(name),
                None => text.starts_with("Exit code indicates failure: '2'") && !self.pending.is_empty(),
            };
            if explained {
                continue;
            }
            let message = if text.is_empty() { "RunInfo outcome=Error with no text" } else { text };
            let name = format!("(test run) RunInfo {}", short(&info.outcome));
            ev.add_case(Case::new(&name, CaseOutcome::Errored).message(message).at(Position::offset(info.position)));
        }
        if self.run_errors_dropped > 0 {
            let case = Case::new("(test run) RunInfo Error", CaseOutcome::Errored)
                .message("more run-level errors than are reported one by one");
            ev.add_counted(case, self.run_errors_dropped);
        }
    }

    /// Hand the held failures to the evidence, named by their definitions.
    fn flush_failures(&mut self, ev: &mut Evidence) {
        for p in std::mem::take(&mut self.pending) {
            let names = self.names.get(&id_hash(&p.test_id));
            let class = names.and_then(|n| n.class.as_deref()).map(class_name);
            let mut case = Case::new(&p.test_name, p.outcome.case_outcome())
                .suite(&p.test_id)
                .at(Position::offset(p.position))
                .took(p.seconds);
            if !p.message.is_empty() {
                case = case.message(&p.message);
                // Windows paths (`C:\\src\\X.cs`) cannot be inside a Unix checkout.
                case.source = super::location::first_workspace_frame(&dotnet_frames(&p.message), self.workspace)
                    .filter(|loc| !loc.file.contains('\\'));
            }
            case.replay = names.and_then(replay_for);
            let before = ev.failures.len();
            ev.add_case(case);
            // The key above uses the test id, unique where short test names are
            // not; the record shows the class instead.
            if ev.failures.len() > before
                && let Some(record) = ev.failures.last_mut()
            {
                record.suite = class.filter(|c| !p.test_name.starts_with(*c)).map(str::to_owned);
            }
        }
    }

    fn pair_summary(&mut self, offset: u64, ev: &mut Evidence) {
        if !self.summary_seen {
            ev.observe(Observation::Truncated {
                detail: "no <ResultSummary>: every tool that writes TRX ends the run with one".to_owned(),
                position: Position::offset(offset),
            });
            return;
        }
        if let Some(declared) = self.summary_counters.take() {
            pair_counters(ev, "ResultSummary", &declared, &self.counts, true);
        }
        if let Some((raw, at)) = self.summary_outcome.take() {
            let failures = ev.tally.failures();
            let derived = if failures > 0 { Status::Fail } else { Status::Pass };
            let evidence = format!(
                "{} result(s), {} not passed or skipped; {failures} failing case(s) in all",
                self.counts.total(),
                self.counts.not_passed()
            );
            ev.add_claim(
                Claim::status("ResultSummary", "outcome", raw.as_str(), summary_status(&raw), derived, evidence)
                    .at(Position::offset(at)),
            );
        }
    }
}

/// Pair each declared counter with the derived one. `top` is the
/// `ResultSummary`'s `Counters` (which has `total` and `executed`).
fn pair_counters(ev: &mut Evidence, scope: &str, declared: &Declared, counts: &Counts, top: bool) {
    let position = Position::offset(declared.position);
    let mut not_passed_claimed = 0u64;
    for (field, value) in &declared.values {
        if NOT_PASSED_COUNTERS.contains(&field.as_str()) {
            not_passed_claimed = not_passed_claimed.saturating_add(*value);
        }
        if !top && matches!(field.as_str(), "total" | "executed") {
            continue;
        }
        if let Some((derived, evidence)) = counts.derived(field) {
            ev.add_claim(
                Claim::count(scope, format!("Counters.{field}"), *value, derived, evidence).at(position.clone()),
            );
        }
    }
    // The counters whose rule no real file pins down one by one (timeout,
    // aborted, notRunnable, ...) still say together whether anything did not pass.
    let claimed = if not_passed_claimed > 0 { Status::Fail } else { Status::Pass };
    let derived = if counts.not_passed() > 0 { Status::Fail } else { Status::Pass };
    ev.add_claim(
        Claim::status(
            scope,
            "Counters (failed, error, timeout, aborted, ...)",
            format!("{not_passed_claimed} not passed"),
            claimed,
            derived,
            format!("{} result(s) neither Passed nor NotExecuted", counts.not_passed()),
        )
        .at(position),
    );
}

/// The summary's `outcome` as a status: `Completed` (vstest, nothing failed),
/// `Passed`, and `Warning` (mstest: passed, with run warnings such as a
/// deployment issue) are passes; the failing states fail; anything else is unknown.
fn summary_status(raw: &str) -> Status {
    match raw {
        "Completed" | "Passed" | "Warning" => Status::Pass,
        "Failed"
        | "Error"
        | "Min"
        | "Timeout"
        | "Aborted"
        | "Disconnected"
        | "PassedButRunAborted"
        | "Inconclusive"
        | "NotRunnable"
        | "NotExecuted"
        | "InProgress"
        | "Pending"
        | "Max" => Status::Fail,
        _ => Status::Unknown,
    }
}

/// Whether a `RunInfo` outcome makes the run fail: anything but a warning or
/// an informational state.
fn run_info_is_error(outcome: &str) -> bool {
    !matches!(outcome, "Warning" | "Passed" | "Completed" | "NotExecuted")
}

/// The test name of an xUnit.net `[FAIL]` line:
/// `[xUnit.net 00:00:00.19]     Ns.Class.Method [FAIL]`.
fn xunit_fail_line(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("[xUnit.net ")?;
    let rest = &rest[rest.find(']')? + 1..];
    Some(rest.strip_suffix("[FAIL]")?.trim())
}

/// .NET stack frames say `in /path/File.cs:line 12`: rewritten to `path:12`
/// for the frame search.
fn dotnet_frames(text: &str) -> Cow<'_, str> {
    if text.contains(":line ") { Cow::Owned(text.replace(":line ", ":")) } else { Cow::Borrowed(text) }
}

/// A `className` without the assembly qualification mstest.exe appends
/// (`Ns.Class, Assembly, Version=1.0.0.0, ...`).
fn class_name(raw: &str) -> &str {
    raw.split(',').next().unwrap_or(raw).trim()
}

/// `dotnet test --filter FullyQualifiedName=Ns.Class.Method` from a definition.
fn replay_for(names: &DefinitionNames) -> Option<String> {
    let class = class_name(names.class.as_deref()?);
    let method = names.method.as_deref()?.trim();
    if class.is_empty() || method.is_empty() {
        return None;
    }
    // xUnit.net v3 writes the fully qualified name as the method's name.
    let fqn = if method.starts_with(class) && method[class.len()..].starts_with('.') {
        method.to_owned()
    } else {
        format!("{class}.{method}")
    };
    Some(crate::replay::dotnet_test(&fqn))
}

fn outcome_label(outcome: TrxOutcome) -> &'static str {
    match outcome {
        TrxOutcome::Missing => "(none)",
        TrxOutcome::Unknown => "(unknown value)",
        TrxOutcome::Passed => "Passed",
        TrxOutcome::Failed => "Failed",
        TrxOutcome::NotExecuted => "NotExecuted",
        TrxOutcome::Inconclusive => "Inconclusive",
        TrxOutcome::Timeout => "Timeout",
        TrxOutcome::Error => "Error",
        TrxOutcome::Aborted => "Aborted",
        TrxOutcome::NotRunnable => "NotRunnable",
        TrxOutcome::Disconnected => "Disconnected",
        TrxOutcome::Warning => "Warning",
        TrxOutcome::PassedButRunAborted => "PassedButRunAborted",
        TrxOutcome::Completed => "Completed",
        TrxOutcome::InProgress => "InProgress",
        TrxOutcome::Pending => "Pending",
    }
}

fn read_counters(e: &BytesStart<'_>, offset: u64) -> Result<Declared, String> {
    let mut values = Vec::new();
    let mut error = None;
    xml_stream::each_attribute(e, |key, value| {
        if error.is_some() {
            return;
        }
        let n = match value.trim().parse::<u64>() {
            Ok(n) => n,
            Err(_) => {
                error = Some(format!("Counters {}=\"{}\" is not a count", short(key), short(&value)));
                return;
            }
        };
        match super::capped_count(n, key, Position::offset(offset)) {
            Ok(n) => values.push((key.to_owned(), n)),
            Err(e) => error = Some(e.message),
        }
    })?;
    match error {
        Some(error) => Err(error),
        None => Ok(Declared { values, position: offset }),
    }
}

/// A definition as [`report_missing`] names it: its strings appended to `text`.
fn listed_definition(
    text: &mut String,
    hash: u64,
    offset: u64,
    id: &str,
    name: &str,
    names: Option<&DefinitionNames>,
) -> Listed {
    let start = text.len();
    let mut end = |s: &str| {
        text.push_str(s);
        text.len()
    };
    let (id, name) = (end(id), end(name));
    let class = names.and_then(|n| n.class.as_deref()).map(&mut end);
    let method = names.and_then(|n| n.method.as_deref()).map(&mut end);
    Listed { hash, offset, start, kind: ListedKind::Definition { id, name, class, method } }
}

/// An entry as [`report_missing`] names it: its test id appended to `text`.
fn listed_entry(text: &mut String, hash: u64, offset: u64, id: &str) -> Listed {
    let start = text.len();
    text.push_str(id);
    Listed { hash, offset, start, kind: ListedKind::Entry { id: text.len() } }
}

/// A test defined or listed with no result: an incomplete case, named by its
/// definition.
fn report_missing(listed: &Listed, text: &str, ev: &mut Evidence) {
    let from = |start: usize, end: usize| text.get(start..end).unwrap_or("");
    let (id, name, replay) = match listed.kind {
        ListedKind::Entry { id } => {
            let id = from(listed.start, id);
            (id, format!("TestEntry testId={id}"), None)
        }
        ListedKind::Definition { id: id_end, name: name_end, class, method } => {
            let id = from(listed.start, id_end);
            let name = from(id_end, name_end);
            let names = DefinitionNames {
                class: class.map(|end| from(name_end, end).to_owned()),
                method: method.map(|end| from(class.unwrap_or(name_end), end).to_owned()),
            };
            let name = if name.is_empty() { id } else { name };
            (id, name.to_owned(), replay_for(&names))
        }
    };
    let mut case = Case::new(&name, CaseOutcome::Incomplete)
        .suite(id)
        .message("defined or listed in the run, but the file holds no result for it")
        .at(Position::offset(listed.offset));
    case.replay = replay;
    ev.add_case(case);
}

/// The hashed test ids of the results, sorted, with an index of where the ids
/// of each value of their top bits start: a lookup searches the few ids of
/// one bucket (about 16) instead of all of them. A lookup's cost does not
/// depend on the ids being spread out: a bucket holding all the ids (ids
/// chosen to collide) is binary-searched.
#[derive(Clone, Default)]
struct ResultIds {
    sorted: Vec<u64>,
    /// `starts[b]` is the first id whose top bits are `b`; one more at the end.
    starts: Vec<usize>,
    /// How far an id is shifted to leave its bucket: 64 for a single bucket.
    shift: u32,
}

impl ResultIds {
    /// Ids per bucket, on average (between 8 and 16): two or three cache lines.
    const PER_BUCKET: usize = 8;

    /// Sort the ids pushed to `sorted` and index them.
    fn index(&mut self) {
        self.sorted.sort_unstable();
        self.sorted.dedup();
        self.sorted.shrink_to_fit();
        let buckets = (self.sorted.len() / Self::PER_BUCKET).max(1).ilog2();
        self.shift = 64 - buckets;
        let count = 1usize << buckets;
        self.starts.clear();
        self.starts.reserve_exact(count + 1);
        let mut at = 0;
        for b in 0..count as u64 {
            while self.sorted.get(at).is_some_and(|&h| self.bucket(h) < b) {
                at += 1;
            }
            self.starts.push(at);
        }
        self.starts.push(self.sorted.len());
    }

    fn bucket(&self, id: u64) -> u64 {
        id.checked_shr(self.shift).unwrap_or(0)
    }

    fn candidates(&self, id: u64) -> &[u64] {
        let b = self.bucket(id) as usize;
        match (self.starts.get(b), self.starts.get(b + 1)) {
            (Some(&start), Some(&end)) => &self.sorted[start..end],
            // Not indexed yet: everything.
            _ => &self.sorted,
        }
    }

    fn contains(&self, id: u64) -> bool {
        self.candidates(id).binary_search(&id).is_ok()
    }

    /// Load each lookup's bucket, a cache line at a time, before any lookup
    /// waits for its own: the loads are independent, so their cache misses
    /// overlap, and the lookups then find their buckets in the cache.
    fn prefetch(&self, ids: impl Iterator<Item = u64>) {
        const IDS_PER_LINE: usize = 64 / std::mem::size_of::<u64>();
        let mut loaded = 0u64;
        for id in ids {
            let bucket = self.candidates(id);
            // A bucket of ids chosen to collide can be large: its first lines only.
            for line in bucket.chunks(IDS_PER_LINE).take(4) {
                loaded ^= line[0];
            }
        }
        std::hint::black_box(loaded);
    }
}

/// The values of `needles` that `haystack` does not hold, into `missing`; both
/// sorted. Each needle gallops forward from the last one's place, so a batch
/// of needles costs one pass over the part of the haystack it spans.
fn missing_from(needles: &[u64], haystack: &[u64], missing: &mut Vec<u64>) {
    missing.clear();
    let mut rest = haystack;
    for &needle in needles {
        // The first place at or past `needle`: probe 1, 2, 4, ... ahead, then
        // search the last step.
        let mut step = 1;
        while step < rest.len() && rest[step - 1] < needle {
            step *= 2;
        }
        let window = &rest[..step.min(rest.len())];
        let at = window.partition_point(|&h| h < needle);
        rest = &rest[at..];
        if rest.first() != Some(&needle) {
            missing.push(needle);
        }
    }
}

#[cfg(test)]
mod tests;
