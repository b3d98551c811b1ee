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

use quick_xml::events::BytesStart;

use super::xml_stream::{self, Handler, push_capped, short};
use super::{ParseError, ReadContext, Sniff};
use crate::model::{Case, CaseOutcome, Claim, Evidence, Format, Observation, Position, ProvenanceKind, Status, caps};

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
}

/// The names a definition gives its test.
#[derive(Clone, Debug, Default)]
struct DefinitionNames {
    class: Option<String>,
    method: Option<String>,
}

/// The definition being read.
#[derive(Default)]
struct OpenDefinition {
    id: String,
    name: String,
    names: DefinitionNames,
    position: u64,
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
    /// The test id of every result, hashed; sorted once `<Results>` closes.
    result_ids: Vec<u64>,
    results_seen: bool,
    results_closed: bool,
    /// Definitions and entries read before the results, checked at the end.
    early_ids: Vec<u64>,
    /// Tests already reported as having no result.
    reported_missing: HashSet<u64>,
    pending: Vec<PendingFailure>,
    /// Test ids of pending failures, once the results are all read.
    wanted: HashSet<u64>,
    names: HashMap<u64, DefinitionNames>,
    definition: OpenDefinition,
    summary_outcome: Option<(String, u64)>,
    summary_counters: Option<Declared>,
    summary_seen: bool,
    run_info: RunInfo,
    run_errors: Vec<RunInfo>,
    run_errors_dropped: u64,
}

fn id_hash(id: &str) -> u64 {
    // The ids are GUIDs written in either case (xUnit v3 writes upper-case testType).
    foldhash::fast::FixedState::default().hash_one(id.trim().to_ascii_lowercase())
}

/// Read a TRX file.
pub fn read(input: &mut dyn BufRead, ev: &mut Evidence, cx: &ReadContext<'_>) -> Result<(), ParseError> {
    let mut state = State::new(ev.limits().max_message_bytes, cx.workspace);
    let result = xml_stream::drive(input, ev, &mut state);
    if result.is_err() {
        // Failures read before the error are kept, named as far as known.
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
            result_ids: Vec::new(),
            results_seen: false,
            results_closed: false,
            early_ids: Vec::new(),
            reported_missing: HashSet::new(),
            pending: Vec::new(),
            wanted: HashSet::new(),
            names: HashMap::new(),
            definition: OpenDefinition::default(),
            summary_outcome: None,
            summary_counters: None,
            summary_seen: false,
            run_info: RunInfo::default(),
            run_errors: Vec::new(),
            run_errors_dropped: 0,
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

    fn start(&mut self, e: &BytesStart<'_>, depth: usize, offset: u64, ev: &mut Evidence) -> Result<(), String> {
        let qname = e.name();
        let tag: &str = qname.as_ref();
        let attrs = Attrs::read(e)?;
        let ctx = match depth {
            0 => {
                if tag != "TestRun" {
                    return Err(format!("the root element is <{}>, not <TestRun>: not a TRX file", short(tag)));
                }
                Ctx::Root
            }
            _ => {
                let top = self.stack.last().copied().unwrap_or(Ctx::Other);
                match (top, tag) {
                    (Ctx::Root, "Times") => {
                        // The finish time is the closest to when the file was written.
                        if let Some(at) = attrs.get("finish").or_else(|| attrs.get("creation")) {
                            let field = if attrs.get("finish").is_some() { "Times.finish" } else { "Times.creation" };
                            ev.add_provenance(ProvenanceKind::GeneratedAt, field, at);
                        }
                        Ctx::Other
                    }
                    (Ctx::Root, "Results") => {
                        if self.results_seen {
                            return Err("a second <Results> element".to_owned());
                        }
                        self.results_seen = true;
                        Ctx::Results
                    }
                    (Ctx::Root, "TestDefinitions") => Ctx::Definitions,
                    (Ctx::Root | Ctx::Entry, "TestEntries") => Ctx::Entries,
                    (Ctx::Root, "ResultSummary") => {
                        if self.summary_seen {
                            return Err("a second <ResultSummary> element".to_owned());
                        }
                        self.summary_seen = true;
                        self.summary_outcome = attrs.get("outcome").map(|o| (o.to_owned(), offset));
                        Ctx::Summary
                    }
                    // Every element directly in <Results> or <InnerResults> is a
                    // result: UnitTestResult, TestResultAggregation, and the
                    // other kinds mstest writes with the same attributes.
                    (Ctx::Results | Ctx::InnerResults, _) => {
                        self.open_result(&attrs, offset)?;
                        Ctx::Result
                    }
                    (Ctx::Result, "InnerResults") => Ctx::InnerResults,
                    (Ctx::Result, "Output") => Ctx::ResultOutput,
                    (Ctx::Result, "Counters") => {
                        let declared = read_counters(&attrs, offset)?;
                        if let Some(frame) = self.frames.get_mut(self.open_frames.wrapping_sub(1)) {
                            frame.declared = Some(declared);
                        }
                        Ctx::Other
                    }
                    (Ctx::ResultOutput, "ErrorInfo") => Ctx::ErrorInfo,
                    (Ctx::ErrorInfo, "Message") => Ctx::Message,
                    (Ctx::ErrorInfo, "StackTrace") => Ctx::StackTrace,
                    (Ctx::Definitions, _) => {
                        self.definition = OpenDefinition {
                            id: attrs.get("id").unwrap_or("").to_owned(),
                            name: attrs.get("name").unwrap_or("").to_owned(),
                            names: DefinitionNames::default(),
                            position: offset,
                        };
                        Ctx::Definition
                    }
                    (Ctx::Definition, "TestMethod") => {
                        self.definition.names = DefinitionNames {
                            class: attrs.get("className").map(str::to_owned),
                            method: attrs.get("name").map(str::to_owned),
                        };
                        Ctx::Other
                    }
                    (Ctx::Entries, "TestEntry") => {
                        let id = attrs.get("testId").unwrap_or("");
                        self.listed_test(id, None, offset, ev);
                        Ctx::Entry
                    }
                    (Ctx::Summary, "Counters") => {
                        self.summary_counters = Some(read_counters(&attrs, offset)?);
                        Ctx::Other
                    }
                    (Ctx::Summary, "RunInfos") => Ctx::RunInfos,
                    (Ctx::RunInfos, "RunInfo") => {
                        self.run_info = RunInfo {
                            outcome: attrs.get("outcome").unwrap_or("").to_owned(),
                            text: String::new(),
                            position: offset,
                        };
                        Ctx::RunInfo
                    }
                    (Ctx::RunInfo, "Text") => Ctx::RunInfoText,
                    _ => Ctx::Other,
                }
            }
        };
        self.stack.push(ctx);
        Ok(())
    }

    fn open_result(&mut self, attrs: &Attrs<'_>, offset: u64) -> Result<(), String> {
        if self.open_frames >= MAX_RESULT_DEPTH {
            return Err(format!("results nested more than {MAX_RESULT_DEPTH} levels deep"));
        }
        if self.frames.len() == self.open_frames {
            self.frames.push(ResultFrame::default());
        }
        let frame = &mut self.frames[self.open_frames];
        self.open_frames += 1;
        frame.test_id.clear();
        frame.test_id.push_str(attrs.get("testId").unwrap_or(""));
        frame.test_name.clear();
        frame.test_name.push_str(attrs.get("testName").unwrap_or(""));
        frame.outcome = Some(TrxOutcome::parse(attrs.get("outcome")));
        frame.position = offset;
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
            Ctx::Root => self.finish(offset, ev),
            Ctx::Results => self.close_results(),
            Ctx::Result => self.close_result(ev),
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
        let Some(index) = self.open_frames.checked_sub(1) else { return };
        self.open_frames = index;
        let frame = &mut self.frames[index];
        let outcome = frame.outcome.unwrap_or(TrxOutcome::Missing);
        self.counts.add(outcome);
        self.result_ids.push(id_hash(&frame.test_id));
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
            });
        } else {
            // A pass, a skip, or a failure past what is kept (the evidence counts it
            // and reports what it dropped).
            let message = frame.message.as_str();
            let mut case =
                Case::new(&frame.test_name, case_outcome).suite(&frame.test_id).at(Position::offset(frame.position));
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
    fn close_results(&mut self) {
        self.results_closed = true;
        self.result_ids.sort_unstable();
        self.result_ids.dedup();
        self.result_ids.shrink_to_fit();
        self.wanted = self.pending.iter().map(|p| id_hash(&p.test_id)).collect();
        self.names.retain(|id, _| self.wanted.contains(id));
    }

    fn close_definition(&mut self, ev: &mut Evidence) {
        let def = std::mem::take(&mut self.definition);
        let hash = id_hash(&def.id);
        if self.results_closed {
            if self.wanted.contains(&hash) {
                self.names.insert(hash, def.names.clone());
            }
        } else if self.names.len() < MAX_EARLY_DEFINITION_NAMES {
            self.names.insert(hash, def.names.clone());
        }
        self.listed_test(&def.id, Some(&def), def.position, ev);
    }

    /// A test the file defines or lists: it must have a result.
    /// (Looked up by [`sorted_contains`]: a binary search over a million
    /// result ids was most of the time on a large run.)
    fn listed_test(&mut self, id: &str, def: Option<&OpenDefinition>, offset: u64, ev: &mut Evidence) {
        let hash = id_hash(id);
        if !self.results_closed {
            self.early_ids.push(hash);
            return;
        }
        if sorted_contains(&self.result_ids, hash) || !self.reported_missing.insert(hash) {
            return;
        }
        let (name, replay) = match def {
            Some(d) => {
                let name = if d.name.is_empty() { d.id.as_str() } else { d.name.as_str() };
                (name.to_owned(), replay_for(&d.names))
            }
            None => (format!("TestEntry testId={id}"), None),
        };
        let mut case = Case::new(&name, CaseOutcome::Incomplete)
            .suite(id)
            .message("defined or listed in the run, but the file holds no result for it")
            .at(Position::offset(offset));
        case.replay = replay;
        ev.add_case(case);
    }

    /// The root closed: everything is known.
    fn finish(&mut self, offset: u64, ev: &mut Evidence) {
        if !self.results_closed {
            // No <Results> at all (a run that found no tests): nothing to wait for.
            self.close_results();
        }
        self.check_early_ids(offset, ev);
        self.report_run_errors(ev);
        self.flush_failures(ev);
        self.pair_summary(offset, ev);
    }

    /// Definitions and entries read before the results, with no result.
    fn check_early_ids(&mut self, offset: u64, ev: &mut Evidence) {
        let mut early = std::mem::take(&mut self.early_ids);
        early.sort_unstable();
        early.dedup();
        let missing = early
            .iter()
            .filter(|h| !sorted_contains(&self.result_ids, **h) && !self.reported_missing.contains(h))
            .count() as u64;
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
            let mut case =
                Case::new(&p.test_name, p.outcome.case_outcome()).suite(&p.test_id).at(Position::offset(p.position));
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

fn read_counters(attrs: &Attrs<'_>, offset: u64) -> Result<Declared, String> {
    let mut values = Vec::with_capacity(attrs.list.len());
    for (key, value) in &attrs.list {
        let n: u64 =
            value.trim().parse().map_err(|_| format!("Counters {}=\"{}\" is not a count", short(key), short(value)))?;
        let n = super::capped_count(n, key, Position::offset(offset)).map_err(|e| e.message)?;
        values.push(((*key).to_owned(), n));
    }
    Ok(Declared { values, position: offset })
}

/// The attributes of one element, unescaped; quick-xml checks for repeats.
struct Attrs<'a> {
    list: Vec<(&'a str, Cow<'a, str>)>,
}

impl<'a> Attrs<'a> {
    fn read(e: &'a BytesStart<'_>) -> Result<Self, String> {
        let mut list = Vec::new();
        xml_stream::each_attribute(e, |key, value| list.push((key, value)))?;
        Ok(Self { list })
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.list.iter().find(|(k, _)| *k == key).map(|(_, v)| v.as_ref())
    }
}

/// Whether `sorted` holds `x`. The ids' hashes are uniform, so interpolation
/// lands on the spot in a few probes where a binary search over a million ids
/// takes twenty cache misses; after eight probes a binary search takes over,
/// so a skewed (hostile) set of ids costs no more than one.
fn sorted_contains(sorted: &[u64], x: u64) -> bool {
    let (mut lo, mut hi) = (0usize, sorted.len());
    for _ in 0..8 {
        if lo >= hi {
            return false;
        }
        let (first, last) = (sorted[lo], sorted[hi - 1]);
        if x < first || x > last {
            return false;
        }
        if first == last {
            return x == first;
        }
        let span = (hi - 1 - lo) as u128;
        let at = lo + ((u128::from(x - first) * span) / u128::from(last - first)) as usize;
        match sorted[at].cmp(&x) {
            std::cmp::Ordering::Equal => return true,
            std::cmp::Ordering::Less => lo = at + 1,
            std::cmp::Ordering::Greater => hi = at,
        }
    }
    sorted[lo..hi].binary_search(&x).is_ok()
}

#[cfg(test)]
mod tests;
