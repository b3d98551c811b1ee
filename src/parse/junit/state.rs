//! The state machine over quick-xml's events: which element the reader is in,
//! the levels (`<testsuites>`, `<testsuite>`) being counted, the testcase
//! being read, and what each finished level claims.

use quick_xml::events::{BytesRef, BytesStart, Event};

use crate::parse::xml_stream::{self, Phase, push_capped, short};

use super::UNNAMED;
use super::attrs::{self, Attrs};
use super::case::{CaseData, Detail, OpenCase, Ran, ResultKind, Results, SkipKind, compose_message, emit, outcome};
use super::counts::{self, Context, Counters, Declared, DirectChildren, Level, NodeTotals};
use super::dialect::{self, Dialect};
use super::offload::{self, Offload};
use super::reproduce::{self, CaseFields};
use super::retry::{Attempt, Held, HeldFailures, PytestGroup, flush_held, flush_pytest};
use super::timestamp::Latest;
use crate::model::{CaseOutcome, Claim, Evidence, Position, ProvenanceKind};
use crate::parse::ParseError;

/// What the innermost open element is, as far as the reader cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ctx {
    /// `<testsuites>` or `<testsuite>`: the innermost [`Level`].
    Level,
    /// Anything else inside a level and outside a testcase (`properties`, `system-out`).
    LevelOther,
    /// `<testcase>`.
    Case,
    /// Anything else inside a testcase outside a result (`system-out`).
    CaseOther,
    /// A result child of the testcase.
    Result,
    /// Anything inside a result element (nextest's `system-out` in `rerunFailure`).
    ResultOther,
}

pub(super) struct State<'w> {
    workspace: Option<&'w str>,
    capture_limit: usize,
    dialect: Dialect,
    phase: Phase,
    stack: Vec<Ctx>,
    levels: Vec<Level>,
    cx: Context,
    suites_seen: u64,
    /// The root element has no attributes (node, and nothing else seen).
    bare_root: bool,
    case: OpenCase,
    pytest: PytestGroup,
    held: Option<HeldFailures>,
    node_totals: NodeTotals,
    offload: Offload,
    /// Finds `status=` in a passing testcase, built once: a `memmem::find`
    /// per testcase built its searcher each time.
    status: memchr::memmem::Finder<'static>,
    timestamps: Latest,
    /// jest-junit: todo tests, written as result-less testcases that the root's
    /// `tests` leaves out. Which ones is not written, so their number moves
    /// from passed to skipped once every case is counted.
    jest_todo: u64,
    /// nose2: the test the previous testcase reported on.
    nose2_last: String,
}

impl<'w> State<'w> {
    pub(super) fn new(capture_limit: usize, workspace: Option<&'w str>) -> Self {
        Self {
            workspace,
            capture_limit,
            dialect: Dialect::Generic,
            phase: Phase::Prolog,
            stack: Vec::with_capacity(16),
            levels: Vec::with_capacity(8),
            cx: Context::default(),
            suites_seen: 0,
            bare_root: false,
            case: OpenCase::default(),
            pytest: PytestGroup::default(),
            held: None,
            node_totals: NodeTotals::default(),
            offload: Offload::default(),
            status: memchr::memmem::Finder::new(b"status="),
            timestamps: Latest::default(),
            jest_todo: 0,
            nose2_last: String::new(),
        }
    }

    #[inline]
    pub(super) fn event(&mut self, event: Event<'_>, offset: u64, ev: &mut Evidence) -> Result<(), ParseError> {
        match event {
            Event::Start(e) => self.start(&e, offset, ev, false),
            Event::Empty(e) => self.start(&e, offset, ev, true),
            Event::End(_) => self.end(offset, ev),
            Event::Text(t) => {
                if self.phase != Phase::Document && !t.trim_ascii().is_empty() {
                    return Err(self.misplaced("text", offset));
                }
                if self.case.capturing && self.stack.last() == Some(&Ctx::Result) {
                    let text = t.xml10_content();
                    self.capture(&text);
                }
                Ok(())
            }
            Event::CData(c) => {
                if self.phase != Phase::Document {
                    return Err(self.misplaced("CDATA", offset));
                }
                if self.case.capturing && self.stack.last() == Some(&Ctx::Result) {
                    let text = c.xml10_content();
                    self.capture(&text);
                }
                Ok(())
            }
            Event::GeneralRef(r) => self.reference(&r, offset),
            Event::Comment(c) => {
                if self.stack.len() == 1 && self.dialect_allows_node_totals() && self.node_totals.record(&c, offset) {
                    self.set_dialect(Dialect::Node);
                }
                Ok(())
            }
            Event::Decl(_) if self.phase == Phase::Prolog => Ok(()),
            Event::Decl(_) => Err(self.misplaced("an XML declaration", offset)),
            Event::PI(_) => Ok(()),
            // Entities it declares are never expanded: a reference to one is an error.
            Event::DocType(_) if self.phase == Phase::Prolog => Ok(()),
            Event::DocType(_) => Err(self.misplaced("a DOCTYPE", offset)),
            Event::Eof => Ok(()),
        }
    }

    /// Inside a result element whose text becomes the failure message.
    pub(super) fn capturing(&self) -> bool {
        self.case.capturing
    }

    fn misplaced(&self, what: &str, offset: u64) -> ParseError {
        self.phase.misplaced(what, offset)
    }

    fn dialect_allows_node_totals(&self) -> bool {
        self.bare_root && matches!(self.dialect, Dialect::Generic | Dialect::Node)
    }

    fn set_dialect(&mut self, dialect: Dialect) {
        if self.dialect == Dialect::Generic {
            self.dialect = dialect;
        }
    }

    /// `&name;` in text: only XML's predefined entities and character
    /// references exist; anything else is an error, never dropped.
    fn reference(&mut self, r: &BytesRef<'_>, offset: u64) -> Result<(), ParseError> {
        let resolved =
            xml_stream::reference(r).map_err(|message| ParseError::new(message, Position::offset(offset)))?;
        if self.phase != Phase::Document {
            return Err(self.misplaced("text", offset));
        }
        if self.case.capturing && self.stack.last() == Some(&Ctx::Result) {
            let mut tmp = [0u8; 4];
            self.capture(resolved.encode_utf8(&mut tmp));
        }
        Ok(())
    }

    fn capture(&mut self, text: &str) {
        self.case.body_cut += push_capped(&mut self.case.body, text, self.capture_limit);
    }

    fn start(&mut self, e: &BytesStart<'_>, offset: u64, ev: &mut Evidence, empty: bool) -> Result<(), ParseError> {
        let name = e.name();
        let tag = name.as_ref();
        let bad = |message: String| ParseError::new(message, Position::offset(offset));
        match self.phase {
            Phase::Epilog => return Err(self.misplaced(&format!("element <{}>", short(tag)), offset)),
            Phase::Prolog => {
                if tag != "testsuites" && tag != "testsuite" {
                    return Err(bad(format!(
                        "the root element is <{}>, not <testsuites> or <testsuite>: not a JUnit report",
                        short(tag)
                    )));
                }
                let a = attrs::read(e).map_err(bad)?;
                self.phase = Phase::Document;
                self.bare_root = a.count == 0;
                if let Some(d) = dialect::from_root(tag, &a) {
                    self.set_dialect(d);
                }
                if tag == "testsuite"
                    && let Some(d) = dialect::from_suite(&a, false)
                {
                    self.set_dialect(d);
                }
                self.open_level(tag, &a, offset, true).map_err(bad)?;
                return self.after_open(Ctx::Level, offset, ev, empty);
            }
            Phase::Document => {}
        }
        let top = self.stack.last().copied().unwrap_or(Ctx::LevelOther);
        let ctx = match top {
            Ctx::Level | Ctx::LevelOther => match tag {
                "testsuite" | "testsuites" => {
                    let a = attrs::read(e).map_err(bad)?;
                    if let Some(d) = dialect::from_suite(&a, self.bare_root) {
                        self.set_dialect(d);
                    }
                    self.open_level(tag, &a, offset, false).map_err(bad)?;
                    Ctx::Level
                }
                "testcase" => {
                    if self.levels.len() == 1 && self.bare_root && self.levels[0].element == "testsuites" {
                        // node writes top-level tests directly under <testsuites>.
                        self.set_dialect(Dialect::Node);
                    }
                    if empty && self.record_pass(e, offset, ev) {
                        return Ok(());
                    }
                    let a = attrs::read_case(e).map_err(bad)?;
                    if empty {
                        let data = CaseData {
                            position: offset,
                            name: a.name.as_deref().unwrap_or(""),
                            classname: a.classname.as_deref().unwrap_or(""),
                            file: a.file.as_deref().unwrap_or(""),
                            class: a.class.as_deref().unwrap_or(""),
                            line: a.line.as_deref().and_then(attrs::line),
                            seconds: a.seconds(),
                            results: Results {
                                ran: Ran::from_attrs(a.status.as_deref(), a.result.as_deref()),
                                ..Results::default()
                            },
                            message: "",
                            body: "",
                            body_cut: 0,
                        };
                        self.record(&data, ev);
                        return Ok(());
                    }
                    self.case.open(&a, offset);
                    Ctx::Case
                }
                "error" | "failure" if top == Ctx::Level => {
                    let a = attrs::read(e).map_err(bad)?;
                    self.suite_result(tag, a.message.as_deref().unwrap_or(""), offset, ev);
                    Ctx::LevelOther
                }
                "property" => {
                    let a = attrs::read(e).map_err(bad)?;
                    let has_errors = self.levels.last().is_some_and(|l| l.has_errors_attr);
                    if let Some(d) = a.name.as_deref().and_then(|n| dialect::from_property(n, has_errors)) {
                        self.set_dialect(d);
                    }
                    Ctx::LevelOther
                }
                _ => {
                    attrs::read(e).map_err(bad)?;
                    Ctx::LevelOther
                }
            },
            Ctx::Case | Ctx::CaseOther => {
                let a = attrs::read(e).map_err(bad)?;
                match tag {
                    "testcase" | "testsuite" | "testsuites" => {
                        return Err(bad(format!("<{tag}> inside a <testcase>: not a JUnit structure")));
                    }
                    _ => match ResultKind::from_tag(tag) {
                        Some(kind) => {
                            self.result(kind, &a, empty);
                            Ctx::Result
                        }
                        None => Ctx::CaseOther,
                    },
                }
            }
            Ctx::Result | Ctx::ResultOther => {
                attrs::read(e).map_err(bad)?;
                if matches!(tag, "testcase" | "testsuite" | "testsuites") {
                    return Err(bad(format!("<{tag}> inside a test result: not a JUnit structure")));
                }
                Ctx::ResultOther
            }
        };
        self.after_open(ctx, offset, ev, empty)
    }

    /// Push the context of a start tag; a self-closing one closes at once.
    fn after_open(&mut self, ctx: Ctx, offset: u64, ev: &mut Evidence, empty: bool) -> Result<(), ParseError> {
        self.stack.push(ctx);
        if empty { self.end(offset, ev) } else { Ok(()) }
    }

    fn open_level(&mut self, tag: &str, a: &Attrs<'_>, offset: u64, root: bool) -> Result<(), String> {
        let parse = |field: &str, v: &Option<std::borrow::Cow<'_, str>>| -> Result<Option<u64>, String> {
            v.as_deref().map(|raw| attrs::count(field, raw)).transpose()
        };
        let declared = Declared {
            tests: parse("tests", &a.tests)?,
            failures: parse("failures", &a.failures)?,
            errors: parse("errors", &a.errors)?,
            skipped: parse("skipped", &a.skipped)?,
            disabled: parse("disabled", &a.disabled)?,
            flakes: parse("flakes", &a.flakes)?,
        };
        if root && self.dialect == Dialect::Mocha {
            self.cx.mocha_pending_budget = declared.skipped.unwrap_or(0);
        }
        if !root || tag == "testsuite" {
            self.suites_seen += 1;
        }
        if let Some(timestamp) = a.timestamp.as_deref() {
            self.timestamps.see(timestamp);
        }
        self.levels.push(Level {
            root,
            element: if tag == "testsuites" { "testsuites" } else { "testsuite" },
            name: a.name.as_deref().map(str::to_owned),
            file: a.file.as_deref().map(str::to_owned),
            index: self.suites_seen,
            offset,
            declared,
            has_errors_attr: a.errors.is_some(),
            counts: Counters::default(),
            direct: DirectChildren::default(),
        });
        Ok(())
    }

    fn result(&mut self, kind: ResultKind, a: &Attrs<'_>, empty: bool) {
        let r = &mut self.case.results;
        let kind_attr = a.kind.as_deref().unwrap_or("");
        match kind {
            ResultKind::Failure => {
                r.failures += 1;
                if dialect::is_node_cancellation(kind_attr) {
                    r.cancelled = true;
                }
            }
            ResultKind::Error => r.errors += 1,
            ResultKind::Skipped => {
                r.skipped = Some(SkipKind::from_result(kind_attr, a.message.as_deref().unwrap_or("")));
            }
            ResultKind::FlakyFailure | ResultKind::FlakyError => r.flakes += 1,
            ResultKind::RerunFailure | ResultKind::RerunError => r.reruns += 1,
        }
        let rank = kind.rank();
        if rank > 0 && self.case.captured_rank.is_none_or(|r| rank > r) {
            self.case.captured_rank = Some(rank);
            self.case.message.clear();
            // A bare `<failure type="test timeout"/>` (nextest) says what
            // happened in its type alone.
            let said = a.message.as_deref().filter(|m| !m.trim().is_empty());
            let said = said.or(if empty { a.kind.as_deref() } else { None });
            self.case.message.push_str(said.unwrap_or(""));
            self.case.body.clear();
            self.case.body_cut = 0;
            self.case.capturing = !empty;
        }
    }

    fn end(&mut self, offset: u64, ev: &mut Evidence) -> Result<(), ParseError> {
        match self.stack.pop() {
            Some(Ctx::Level) => self.close_level(ev)?,
            Some(Ctx::Case) => {
                let case = std::mem::take(&mut self.case);
                self.record(&case.data(), ev);
                self.case = case;
            }
            Some(Ctx::Result) => self.case.capturing = false,
            Some(_) => {}
            None => return Err(ParseError::new("an end tag with no open element", Position::offset(offset))),
        }
        if self.stack.is_empty() {
            self.phase = Phase::Epilog;
        }
        Ok(())
    }

    /// A self-closing testcase: passed, nothing to keep but its key. The path
    /// of the passing majority: counted here, checked and keyed by
    /// [`Offload`]. False when the general path must take it (a suite's first
    /// case, which may reveal the dialect; a dialect that groups attempts).
    #[inline]
    fn record_pass(&mut self, e: &BytesStart<'_>, position: u64, ev: &mut Evidence) -> bool {
        let dialect = self.dialect;
        let Some(level) = self.levels.last_mut() else { return false };
        if matches!(dialect, Dialect::Pytest | Dialect::Gotestsum | Dialect::Nose2 | Dialect::CommonTest)
            || level.counts.cases == 0
            || !ev.takes_passed_keys()
        {
            return false;
        }
        // A test the tool says it did not run is no pass: the general path reads why.
        if matches!(dialect, Dialect::Generic | Dialect::Googletest | Dialect::Ctest)
            && self.status.find(e.attributes_raw().as_bytes()).is_some()
        {
            let raw = e.attributes_raw().as_bytes();
            let said = |what: &[u8]| memchr::memmem::find(raw, what).is_some();
            if said(b"notrun") || said(b"disabled") || said(b"suppressed") || said(b"fail") {
                return false;
            }
        }
        level.counts.cases += 1;
        level.counts.passed += 1;
        level.counts.pass_looking += 1;
        level.direct.children += 1;
        let by_classname = dialect.identity_from_classname();
        let group = offload::group(level.index, level.name.as_deref(), by_classname);
        self.offload.push(&[e.attributes_raw()], position, group, ev);
        true
    }

    /// One finished testcase: count it, then record it, or hold it while it
    /// may turn out to be one attempt of a retried test.
    fn record(&mut self, case: &CaseData<'_>, ev: &mut Evidence) {
        self.offload.pace(ev);
        let Some(depth) = self.levels.len().checked_sub(1) else { return };
        // Go's naming shows in a suite's first testcase, if anywhere.
        if self.dialect == Dialect::Generic && self.levels[depth].counts.cases == 0 {
            let level = &self.levels[depth];
            if let Some(d) = dialect::from_case(case.name, case.classname, level.name.as_deref(), level.has_errors_attr)
            {
                self.dialect = d;
            }
        }
        let dialect = self.dialect;
        let r = &case.results;
        let outcome = outcome(dialect, r);
        if dialect == Dialect::CommonTest && dialect::is_common_test_config(case.name) {
            // Not a test, and counted nowhere; one that failed fails the run
            // (ct_run exits 1), one that passed or was skipped is no result.
            if outcome.is_failure() {
                let detail = self.detail(case, outcome);
                let suite = self.levels[depth].name.as_deref();
                emit(ev, case.name, suite, outcome, (case.position, case.seconds), Some(detail));
            }
            return;
        }
        let failing_element = r.failures > 0 || (r.reruns > 0 && r.errors == 0);
        let todo = r.skipped == Some(SkipKind::Todo);
        {
            let level = &mut self.levels[depth];
            let c = &mut level.counts;
            c.cases += 1;
            c.failure += u64::from(failing_element);
            c.error += u64::from(r.errors > 0);
            c.skipped += u64::from(r.skipped.is_some());
            c.flaky += u64::from(outcome == CaseOutcome::Flaky);
            c.passed += u64::from(outcome == CaseOutcome::Passed);
            c.pass_looking += u64::from(!r.any());
            c.todo += u64::from(todo);
            c.skipped_plain += u64::from(r.skipped.is_some_and(|k| k != SkipKind::Todo));
            if r.failures + r.errors > 0 && !todo {
                c.cancelled += u64::from(r.cancelled);
                c.fail_plain += u64::from(!r.cancelled);
            }
            c.hook += u64::from(dialect == Dialect::Mocha && dialect::is_mocha_hook(case.name));
            c.failure_elements += u64::from(r.failures);
            c.error_elements += u64::from(r.errors);
            if r.skipped == Some(SkipKind::MayFail) {
                c.allowed_failure_elements += u64::from(r.failures);
            }
            c.disabled += u64::from(r.ran == Ran::Disabled);
            if dialect == Dialect::Jest && case.classname == dialect::JEST_SUITE_ERROR {
                c.suite_error_cases += 1;
                c.suite_error_failures += u64::from(failing_element);
            }
            c.pseudo += u64::from(
                outcome.is_failure()
                    && match dialect {
                        Dialect::Gotestsum => case.name == "TestMain",
                        Dialect::Cucumber => case.classname.is_empty(),
                        _ => false,
                    },
            );
            if dialect == Dialect::Nose2 {
                match dialect::nose2_case(case.classname, case.name) {
                    dialect::Nose2Case::Scope(_) => c.not_in_tests += 1,
                    dialect::Nose2Case::Test(id) => {
                        c.not_in_tests += u64::from(id == self.nose2_last);
                        self.nose2_last = id;
                    }
                }
            }
            let dc = &mut level.direct;
            dc.children += 1;
            dc.failing += u64::from(r.failures > 0);
            dc.skipped += u64::from(r.skipped.is_some());
            dc.skipped_legacy += u64::from(r.skipped.is_some());
        }
        let detail = (outcome.is_failure() || outcome == CaseOutcome::Flaky).then(|| self.detail(case, outcome));
        let level_name = self.levels[depth].name.as_deref();
        let suite = if dialect.identity_from_classname() && !case.classname.is_empty() {
            Some(case.classname)
        } else {
            level_name
        };
        let name = if case.name.is_empty() { UNNAMED } else { case.name };
        match dialect {
            Dialect::Pytest => {
                let suite = suite.unwrap_or("");
                if !self.pytest.matches(suite, name) {
                    let logical = flush_pytest(&mut self.pytest, dialect, self.workspace, ev);
                    self.pytest.start(suite, name, case.classname, case.file, case.line);
                    self.levels[depth].counts.logical += logical;
                }
                self.pytest.attempts.push(Attempt {
                    outcome,
                    has_result: r.any(),
                    detail,
                    position: case.position,
                    seconds: case.seconds,
                });
            }
            Dialect::Gotestsum => {
                if self.held.as_ref().is_none_or(|h| h.level != depth) {
                    flush_held(self.held.take(), ev);
                    self.held = Some(HeldFailures::for_level(depth));
                }
                let Some(held) = self.held.as_mut() else { return };
                match (outcome, detail) {
                    (o, Some(detail)) if o.is_failure() => match held.get_mut(name) {
                        Some(h) => {
                            h.attempts += 1;
                            h.detail = detail;
                        }
                        None => held.hold(Held {
                            name: name.to_owned(),
                            suite: suite.map(str::to_owned),
                            position: case.position,
                            attempts: 1,
                            passed_after: false,
                            outcome: o,
                            detail,
                        }),
                    },
                    (CaseOutcome::Passed, _) if held.contains(name) => {
                        // A rerun that passed: the held failure becomes flaky.
                        if let Some(h) = held.get_mut(name) {
                            h.passed_after = true;
                        }
                    }
                    (o, detail) => emit(ev, name, suite, o, (case.position, case.seconds), detail),
                }
            }
            _ => emit(ev, name, suite, outcome, (case.position, case.seconds), detail),
        }
    }

    /// Message, source location and replay command of a failing or flaky case.
    fn detail(&self, case: &CaseData<'_>, outcome: CaseOutcome) -> Detail {
        let mut message = compose_message(case.message, case.body, case.body_cut);
        let r = &case.results;
        let note = if outcome == CaseOutcome::Flaky {
            Some(format!("passed after {} failed attempt(s)", r.flakes))
        } else if r.reruns > 0 {
            Some(format!("failed all {} attempts", r.reruns + r.failures.max(1)))
        } else {
            None
        };
        if let Some(note) = note {
            message = Some(match message {
                Some(m) => format!("{note}: {m}"),
                None => note,
            });
        }
        let level = self.levels.last();
        let fields = CaseFields {
            name: case.name,
            classname: case.classname,
            file: case.file,
            line: case.line,
            class: case.class,
            suite: level.and_then(|l| l.name.as_deref()),
            top_suite: self.levels.iter().find(|l| l.element == "testsuite").and_then(|l| l.name.as_deref()),
            suite_file: level.and_then(|l| l.file.as_deref()).unwrap_or(""),
        };
        let text = message.as_deref().unwrap_or("");
        Detail {
            source: reproduce::source(self.dialect, &fields, text, self.workspace),
            replay: reproduce::replay(self.dialect, &fields, text, self.workspace),
            message,
        }
    }

    fn flush_held(&mut self, ev: &mut Evidence) {
        flush_held(self.held.take(), ev);
    }

    fn close_level(&mut self, ev: &mut Evidence) -> Result<(), ParseError> {
        // Counts are complete (cases are counted as they are queued); a case
        // the worker found malformed stops the reader here if known already.
        self.offload.error_so_far()?;
        let depth = self.levels.len().saturating_sub(1);
        if self.pytest.active {
            let logical = flush_pytest(&mut self.pytest, self.dialect, self.workspace, ev);
            if let Some(level) = self.levels.last_mut() {
                level.counts.logical += logical;
            }
        }
        if self.held.as_ref().is_some_and(|h| h.level == depth) {
            self.flush_held(ev);
        }
        let Some(mut level) = self.levels.pop() else { return Ok(()) };
        let scope = level.scope();
        if level.root
            && self.dialect == Dialect::Jest
            && let Some(tests) = level.declared.tests
        {
            let cases = level.counts.cases - level.counts.suite_error_cases;
            if tests < cases && cases - tests <= level.counts.pass_looking {
                self.jest_todo = cases - tests;
            }
        }
        for d in counts::derive(self.dialect, &mut level, &mut self.cx) {
            let position =
                Position { byte_offset: Some(level.offset), field: Some(d.field.to_owned()), ..Position::default() };
            ev.add_claim(Claim::count(&scope, d.field, d.claimed, d.derived, d.evidence).at(position));
        }
        let mut declared_failing = level.declared.failing();
        if level.root && self.node_totals.any() {
            for d in self.node_totals.derive(&level.counts) {
                let position = Position {
                    byte_offset: self.node_totals.offset,
                    field: Some(format!("<!-- {} -->", d.field)),
                    ..Position::default()
                };
                ev.add_claim(
                    Claim::count(format!("{scope} summary comments"), d.field, d.claimed, d.derived, d.evidence)
                        .at(position),
                );
            }
            declared_failing = declared_failing.max(self.node_totals.failing());
        }
        self.hidden_failures(&mut level, declared_failing, &scope, ev);
        if let Some(parent) = self.levels.last_mut() {
            parent.counts.add(&level.counts);
            parent.counts.suites += 1;
            parent.direct.children += 1;
            parent.direct.failing += u64::from(level.direct.failing > 0);
            parent.direct.skipped += u64::from(level.direct.skipped > 0);
            parent.direct.skipped_legacy += u64::from(level.direct.failing > 0 || level.direct.skipped > 0);
        }
        Ok(())
    }

    /// A level that declares more failures and errors than its testcases show
    /// hides a failure (gotestsum's build failure exists only as the root's
    /// `errors="1"`). It becomes a case, so the run is red whichever witness
    /// shows the failure; the count claims already show the disagreement.
    fn hidden_failures(&mut self, level: &mut Level, declared: Option<u64>, scope: &str, ev: &mut Evidence) {
        let Some(declared) = declared else { return };
        let shown = level.counts.failing_elements().saturating_add(level.counts.hidden);
        if declared <= shown {
            return;
        }
        let missing = declared - shown;
        level.counts.hidden = level.counts.hidden.saturating_add(missing);
        let name = format!("{missing} declared failure(s) with no testcase");
        let message = format!(
            "{scope} declares {declared} failure(s) and error(s), but its testcases show {}: \
             something failed that no testcase records (a build failure, a crash, a suite that did not load)",
            level.counts.failing_elements()
        );
        let replay = reproduce::replay_level(self.dialect, level.name.as_deref());
        let detail = Detail { message: Some(message), source: None, replay };
        emit(ev, &name, Some(scope), CaseOutcome::Errored, (level.offset, None), Some(detail));
    }

    /// A `<failure>` or `<error>` directly in a suite, outside every testcase:
    /// the suite itself failed. TAP::Formatter::JUnit writes a script's
    /// non-zero exit so (`Dubious, test returned 2`) and counts it in
    /// `errors`, so it counts as one testcase with that child would.
    fn suite_result(&mut self, tag: &str, message: &str, offset: u64, ev: &mut Evidence) {
        self.offload.pace(ev);
        let Some(level) = self.levels.last_mut() else { return };
        let c = &mut level.counts;
        if tag == "error" {
            c.error += 1;
            c.error_elements += 1;
        } else {
            c.failure += 1;
            c.failure_elements += 1;
        }
        let scope = level.scope();
        let message = match message.trim() {
            "" => format!("{scope} holds a <{tag}> outside any testcase: the suite itself failed"),
            said => said.to_owned(),
        };
        let replay = reproduce::replay_level(self.dialect, level.name.as_deref());
        let detail = Detail { message: Some(message), source: None, replay };
        emit(ev, &format!("<{tag}> of the suite"), Some(&scope), CaseOutcome::Errored, (offset, None), Some(detail));
    }

    /// The end of the input: every queued case checked, and the document
    /// complete.
    pub(super) fn end_of_input(&mut self, offset: u64, ev: &mut Evidence) -> Result<(), ParseError> {
        self.offload.sync(ev)?;
        match self.phase {
            Phase::Epilog => {
                if self.dialect == Dialect::Eunit {
                    ev.names_are_shared();
                }
                let todo = self.jest_todo.min(ev.tally.passed);
                ev.tally.passed -= todo;
                ev.tally.skipped += todo;
                if let Some(generated) = self.timestamps.resolve(self.dialect) {
                    let value = generated.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
                    ev.add_provenance(ProvenanceKind::GeneratedAt, "<testsuite timestamp>", &value);
                }
                Ok(())
            }
            Phase::Prolog => Err(ParseError::new("no root element: not a JUnit report", Position::offset(offset))),
            Phase::Document => {
                let open: Vec<&str> = self.levels.iter().map(|l| l.element).collect();
                let inside =
                    if self.stack.contains(&Ctx::Case) { "<testcase>" } else { open.last().copied().unwrap_or("") };
                Err(ParseError::new(
                    format!("truncated: the file ends inside {inside} ({} element(s) still open)", self.stack.len()),
                    Position::offset(offset),
                ))
            }
        }
    }

    /// After an error: record what is buffered (a testcase cut off, held
    /// failures) so that evidence read before the error is not lost. Claims of
    /// unfinished levels are not made: their counts are incomplete.
    pub(super) fn abandon(&mut self, ev: &mut Evidence) {
        // Keep the passing cases checked so far; the error is already reported.
        let _ = self.offload.sync(ev);
        if self.stack.contains(&Ctx::Case) {
            let name = if self.case.name.is_empty() { UNNAMED } else { self.case.name.as_str() };
            let suite = if self.dialect.identity_from_classname() && !self.case.classname.is_empty() {
                Some(self.case.classname.as_str())
            } else {
                self.levels.last().and_then(|l| l.name.as_deref())
            };
            let detail = Detail {
                message: Some("the report stops inside this testcase; its result is unknown".to_owned()),
                ..Detail::default()
            };
            emit(ev, name, suite, CaseOutcome::Incomplete, (self.case.position, None), Some(detail));
        }
        if self.pytest.active {
            flush_pytest(&mut self.pytest, self.dialect, self.workspace, ev);
        }
        self.flush_held(ev);
    }
}
