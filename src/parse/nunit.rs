//! NUnit XML results: NUnit 3 (`<test-run>`, or a document rooted at one
//! `<test-suite>`; the Unity Test Framework writes this format too) and
//! NUnit 2 (`<test-results>`, from 2.2's `executed`/`success` pairs to 2.6's
//! `result` attribute). One streaming reader over quick-xml events.
//!
//! First witness: every `<test-case>`, judged by its own `result` (and
//! `label`), or by `executed`/`success` where NUnit 2.2 writes no `result`. A
//! suite that failed outside its test cases (a `OneTimeTearDown` error, a
//! fixture NUnit could not run, a setup failure with no case to carry it)
//! becomes an errored case named after the suite, so the run is never green.
//!
//! Second witness: the counts on the root (`total`, `passed`, `failed`, ... on
//! NUnit 3; `total`, `errors`, `failures`, `not-run`, ... on NUnit 2) and on
//! every NUnit 3 `<test-suite>`, each paired with the count of the test cases
//! below it by NUnit's own rule, and the `result` of the root and of every
//! suite paired with what its test cases show. The root's claims are always
//! recorded; a suite's only when it does not hold (a report with 100,000
//! parameterized methods would otherwise fill the claims cap). The counting
//! rules, with the fixtures that show them, are in `docs/formats/nunit.md`.
//!
//! Timestamps: NUnit 3 writes `start-time`/`end-time` in UTC with a `Z`; the
//! root's `end-time` becomes the generation time. NUnit 2's `date`/`time` and
//! the 2011 alpha's `run-date`/`start-time` are local times without a zone: they
//! are not recorded, since a local time read as UTC could make a fresh report
//! look stale.

use std::borrow::Cow;
use std::io::BufRead;

use quick_xml::events::BytesStart;

use super::offload::{Check, Logged, Offload};
use super::xml_stream::{self, Capture, Handler, attributes, short};
use super::{ParseError, ReadContext, Sniff};
use crate::model::{Case, CaseOutcome, Claim, Evidence, Format, Position, ProvenanceKind, Status};

/// Recognize an NUnit report by its root element. `<test-suite>` (hyphenated)
/// is NUnit 3's element; JUnit's is `<testsuite>`, which this never claims.
pub fn detect(sniff: &Sniff<'_>) -> Option<Format> {
    let (root, _) = xml_stream::root_element(sniff)?;
    matches!(root, b"test-run" | b"test-results" | b"test-suite").then_some(Format::Nunit)
}

/// Read an NUnit 2 or 3 results document.
pub fn read<R: BufRead + ?Sized>(input: &mut R, ev: &mut Evidence, cx: &ReadContext<'_>) -> Result<(), ParseError> {
    let mut state = State::new(cx);
    if ev.takes_passed_keys() {
        state.offload = Some(Offload::default());
    }
    let mut result = xml_stream::drive(input, ev, &mut state);
    if let Some(offload) = &mut state.offload {
        result = offload.settle(result, ev);
    }
    if result.is_err() {
        state.abandon(ev);
    }
    result
}

/// Which generation of the format the root says this is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Version {
    /// `<test-run>` or a `<test-suite>` root: `result`/`label`/`site`, counts on every suite.
    Three,
    /// `<test-results>`: `result` (2.5+) or `executed`/`success` (2.2), counts on the root only.
    Two,
}

/// What an open element is, as far as the reader cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ctx {
    Level,
    Case,
    /// `<failure>` of a case or a suite.
    Failure,
    /// `<reason>` of a case or a suite (why it was skipped or not runnable).
    Reason,
    /// `<message>` or `<stack-trace>` whose text is captured.
    Captured,
    Other,
}

/// Where captured text goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Target {
    CaseMessage,
    CaseStack,
    CaseReason,
    LevelMessage,
    LevelReason,
}

/// How many test cases below a level had each result, both generations'
/// buckets (a case lands in the buckets of its own generation only).
#[derive(Clone, Copy, Debug, Default)]
struct Counts {
    cases: u64,
    // NUnit 3: by `result`.
    passed: u64,
    failed: u64,
    inconclusive: u64,
    skipped: u64,
    warnings: u64,
    // NUnit 2: `total` counts the cases that ran.
    run: u64,
    failures: u64,
    errors: u64,
    not_run: u64,
    ignored: u64,
    skipped2: u64,
    invalid: u64,
    /// Failing cases (read or made for a suite's own failure): the derived status.
    failing: u64,
}

impl Counts {
    fn add(&mut self, o: &Counts) {
        self.cases += o.cases;
        self.passed += o.passed;
        self.failed += o.failed;
        self.inconclusive += o.inconclusive;
        self.skipped += o.skipped;
        self.warnings += o.warnings;
        self.run += o.run;
        self.failures += o.failures;
        self.errors += o.errors;
        self.not_run += o.not_run;
        self.ignored += o.ignored;
        self.skipped2 += o.skipped2;
        self.invalid += o.invalid;
        self.failing += o.failing;
    }
}

/// A root or `<test-suite>` being read.
struct Level {
    root: bool,
    element: &'static str,
    /// `fullname`, else `name`.
    name: String,
    offset: u64,
    /// Declared counts: (attribute, value).
    declared: Vec<(&'static str, u64)>,
    /// `result` (with `label`) as written, and what it claims.
    status: Option<(String, Status)>,
    /// NUnit 3 `site`: where the suite's own failure happened.
    site: Option<String>,
    counts: Counts,
    message: Capture,
    reason: Capture,
}

/// The test case being read.
#[derive(Default)]
struct OpenCase {
    name: String,
    class: String,
    full_name: String,
    result: Option<String>,
    label: Option<String>,
    executed: Option<String>,
    success: Option<String>,
    offset: u64,
    /// NUnit 3's `duration`, else NUnit 2's (and early NUnit 3's) `time`: seconds.
    seconds: Option<f64>,
    message: Capture,
    stack: Capture,
    reason: Capture,
}

struct State<'w> {
    workspace: Option<&'w str>,
    capture_limit: usize,
    version: Version,
    stack: Vec<Ctx>,
    levels: Vec<Level>,
    case: Option<OpenCase>,
    /// The last case's buffers, for the next one.
    spare_case: OpenCase,
    target: Option<Target>,
    /// The NUnit 3 console's NUnit 2 driver: suites typed `Namespace` or
    /// `ParameterizedTest` (NUnit 2's names) inside a `<test-run>`.
    v2_driver: bool,
    /// The Unity Test Framework wrote this (`_APPDOMAIN` "Unity Child Domain").
    unity: bool,
    /// Unity's `platform` property (`EditMode`, `PlayMode`).
    platform: Option<String>,
    /// Passing self-closing test cases, checked and keyed on a second
    /// thread, when the evidence takes keys alone.
    offload: Option<Offload<PassedCase>>,
    /// Finds the `result` of a passing case: `Passed` (NUnit 3), `Success` (NUnit 2).
    passed: [memchr::memmem::Finder<'static>; 2],
}

/// A passing self-closing test case, queued as its whole tag (name and
/// attributes): checked as [`State::open_case`] checks it and keyed as
/// [`State::record_case`] keys it.
struct PassedCase;

impl Check for PassedCase {
    type Group = ();
    type Extra = ();

    fn check(raw: &str, (): &(), log: Option<&mut Logged<'_>>) -> Result<(crate::model::PassedKey, ()), String> {
        let name_len = raw.find([' ', '\t', '\r', '\n']).unwrap_or(raw.len());
        let tag = BytesStart::from_content(raw, name_len);
        // Only the names (and the duration, for the log) are read; every
        // attribute is checked, whichever are read, with the same errors as in `open_case`.
        let [name, full, class, duration, time] =
            attributes(&tag, ["name", "fullname", "classname", "duration", "time"])?;
        let (_, suite, name) =
            identity(name.as_deref().unwrap_or(""), full.as_deref().unwrap_or(""), class.as_deref().unwrap_or(""));
        if let Some(log) = log {
            log.passed(suite, name, duration.or(time).as_deref().and_then(super::duration::seconds_text));
        }
        Ok((crate::model::PassedKey::new(suite, name), ()))
    }
}

/// A case's full name, and its suite and name, from its `name`, `fullname`
/// and `classname`: `classname` as the suite and the rest of `fullname` as
/// the name, so the pair still names the case uniquely and reads without
/// repetition; else the full name alone.
fn identity<'a>(name: &'a str, full_name: &'a str, class: &'a str) -> (&'a str, Option<&'a str>, &'a str) {
    let full_name = if !full_name.is_empty() {
        full_name
    } else if !name.is_empty() {
        name
    } else {
        "(unnamed test-case)"
    };
    let in_class = (!class.is_empty())
        .then(|| full_name.strip_prefix(class)?.strip_prefix('.'))
        .flatten()
        .filter(|rest| !rest.is_empty());
    match in_class {
        Some(rest) => (full_name, Some(class), rest),
        None => (full_name, None, full_name),
    }
}

impl<'w> State<'w> {
    fn new(cx: &ReadContext<'w>) -> Self {
        Self {
            workspace: cx.workspace,
            capture_limit: cx.limits.max_message_bytes,
            version: Version::Three,
            stack: Vec::with_capacity(32),
            levels: Vec::with_capacity(16),
            case: None,
            spare_case: OpenCase::default(),
            target: None,
            v2_driver: false,
            unity: false,
            platform: None,
            offload: None,
            passed: [
                memchr::memmem::Finder::new(r#"result="Passed""#),
                memchr::memmem::Finder::new(r#"result="Success""#),
            ],
        }
    }

    /// The document broke off: a case being read has no verdict; it is not a pass.
    fn abandon(&mut self, ev: &mut Evidence) {
        if let Some(case) = self.case.take() {
            let name = if case.full_name.is_empty() { case.name.as_str() } else { case.full_name.as_str() };
            if !name.is_empty() {
                ev.add_case(
                    Case::new(name, CaseOutcome::Incomplete)
                        .message("the report ends inside this test case")
                        .at(Position::offset(case.offset)),
                );
            }
        }
    }

    fn open_root(&mut self, e: &BytesStart<'_>, tag: &str, offset: u64, ev: &mut Evidence) -> Result<(), String> {
        self.version = match tag {
            "test-run" | "test-suite" => Version::Three,
            "test-results" => Version::Two,
            other => return Err(format!("the root element is <{}>, not an NUnit report", short(other))),
        };
        if tag == "test-suite" {
            return self.open_suite(e, offset, true);
        }
        let level = match self.version {
            Version::Three => {
                let [name, full, result, label, end, start, total, passed, failed, inconclusive, skipped, warnings] =
                    attributes(
                        e,
                        [
                            "name",
                            "fullname",
                            "result",
                            "label",
                            "end-time",
                            "start-time",
                            "total",
                            "passed",
                            "failed",
                            "inconclusive",
                            "skipped",
                            "warnings",
                        ],
                    )?;
                if let Some(t) = end.as_deref().or(start.as_deref()).and_then(xml_stream::utc_timestamp) {
                    let field = if end.is_some() { "test-run end-time" } else { "test-run start-time" };
                    ev.add_provenance(ProvenanceKind::GeneratedAt, field, &t);
                }
                let declared = declared(
                    [
                        ("total", total),
                        ("passed", passed),
                        ("failed", failed),
                        ("inconclusive", inconclusive),
                        ("skipped", skipped),
                        ("warnings", warnings),
                    ],
                    offset,
                )?;
                Level {
                    root: true,
                    element: "test-run",
                    name: full.or(name).map(Cow::into_owned).unwrap_or_default(),
                    offset,
                    declared,
                    status: result.map(|r| status_v3(&r, label.as_deref())),
                    site: None,
                    counts: Counts::default(),
                    message: Capture::default(),
                    reason: Capture::default(),
                }
            }
            Version::Two => {
                let [name, total, errors, failures, not_run, inconclusive, ignored, skipped, invalid] = attributes(
                    e,
                    ["name", "total", "errors", "failures", "not-run", "inconclusive", "ignored", "skipped", "invalid"],
                )?;
                let declared = declared(
                    [
                        ("total", total),
                        ("errors", errors),
                        ("failures", failures),
                        ("not-run", not_run),
                        ("inconclusive", inconclusive),
                        ("ignored", ignored),
                        ("skipped", skipped),
                        ("invalid", invalid),
                    ],
                    offset,
                )?;
                Level {
                    root: true,
                    element: "test-results",
                    name: name.map(Cow::into_owned).unwrap_or_default(),
                    offset,
                    declared,
                    status: None,
                    site: None,
                    counts: Counts::default(),
                    message: Capture::default(),
                    reason: Capture::default(),
                }
            }
        };
        self.levels.push(level);
        self.stack.push(Ctx::Level);
        Ok(())
    }

    fn open_suite(&mut self, e: &BytesStart<'_>, offset: u64, root: bool) -> Result<(), String> {
        let [
            name,
            full,
            kind,
            result,
            label,
            site,
            executed,
            success,
            total,
            passed,
            failed,
            inconclusive,
            skipped,
            warnings,
        ] = attributes(
            e,
            [
                "name",
                "fullname",
                "type",
                "result",
                "label",
                "site",
                "executed",
                "success",
                "total",
                "passed",
                "failed",
                "inconclusive",
                "skipped",
                "warnings",
            ],
        )?;
        let status = match self.version {
            Version::Three => result.as_deref().map(|r| status_v3(r, label.as_deref())),
            Version::Two => status_v2(result.as_deref(), executed.as_deref(), success.as_deref()),
        };
        if self.version == Version::Three && !root && matches!(kind.as_deref(), Some("Namespace" | "ParameterizedTest"))
        {
            self.v2_driver = true;
        }
        // NUnit 2 suites carry no counts; NUnit 3 suites carry the root's.
        let declared = match self.version {
            Version::Three => declared(
                [
                    ("total", total),
                    ("passed", passed),
                    ("failed", failed),
                    ("inconclusive", inconclusive),
                    ("skipped", skipped),
                    ("warnings", warnings),
                ],
                offset,
            )?,
            Version::Two => Vec::new(),
        };
        self.levels.push(Level {
            root,
            element: "test-suite",
            name: full.or(name).map(Cow::into_owned).unwrap_or_default(),
            offset,
            declared,
            status,
            site: site.map(Cow::into_owned),
            counts: Counts::default(),
            message: Capture::default(),
            reason: Capture::default(),
        });
        self.stack.push(Ctx::Level);
        Ok(())
    }

    fn open_case(&mut self, e: &BytesStart<'_>, offset: u64) -> Result<(), String> {
        let [name, full, class, result, label, executed, success, duration, time] = attributes(
            e,
            ["name", "fullname", "classname", "result", "label", "executed", "success", "duration", "time"],
        )?;
        // Millions of cases: each reuses the last one's buffers.
        let mut case = std::mem::take(&mut self.spare_case);
        let text = |buf: &mut String, value: Option<Cow<'_, str>>| {
            buf.clear();
            buf.push_str(value.as_deref().unwrap_or(""));
        };
        text(&mut case.name, name);
        text(&mut case.class, class);
        text(&mut case.full_name, full);
        xml_stream::assign(&mut case.result, result.as_deref());
        xml_stream::assign(&mut case.label, label.as_deref());
        xml_stream::assign(&mut case.executed, executed.as_deref());
        xml_stream::assign(&mut case.success, success.as_deref());
        case.offset = offset;
        case.seconds = duration.or(time).as_deref().and_then(super::duration::seconds_text);
        case.message.clear();
        case.stack.clear();
        case.reason.clear();
        self.case = Some(case);
        self.stack.push(Ctx::Case);
        Ok(())
    }

    fn close_case(&mut self, ev: &mut Evidence) {
        let Some(case) = self.case.take() else { return };
        self.record_case(&case, ev);
        self.spare_case = case;
    }

    fn record_case(&mut self, case: &OpenCase, ev: &mut Evidence) {
        if let Some(offload) = &mut self.offload {
            offload.pace(ev);
        }
        let (outcome, note) = match self.version {
            Version::Three => outcome_v3(case.result.as_deref(), case.label.as_deref()),
            Version::Two => outcome_v2(case.result.as_deref(), case.executed.as_deref(), case.success.as_deref()),
        };
        if let Some(level) = self.levels.last_mut() {
            let c = &mut level.counts;
            c.cases += 1;
            match self.version {
                Version::Three => match case.result.as_deref() {
                    Some("Passed") => c.passed += 1,
                    Some("Failed") => c.failed += 1,
                    Some("Inconclusive") => c.inconclusive += 1,
                    Some("Skipped") => c.skipped += 1,
                    Some("Warning") => c.warnings += 1,
                    _ => {}
                },
                Version::Two => count_v2(c, case.result.as_deref(), case.executed.as_deref(), case.success.as_deref()),
            }
            if outcome.is_failure() {
                c.failing += 1;
            }
        }
        let (full_name, suite, name) = identity(&case.name, &case.full_name, &case.class);
        let mut record = Case::new(name, outcome).at(Position::offset(case.offset)).took(case.seconds);
        record.suite = suite;
        if !outcome.is_failure() {
            ev.add_case(record);
            return;
        }
        let message = compose(case, note.as_deref());
        record.message = Some(&message);
        record.source = super::location::first_workspace_frame(&case.stack.text, self.workspace)
            .or_else(|| super::location::first_workspace_frame(&case.message.text, self.workspace));
        record.replay = Some(self.replay(full_name));
        ev.add_case(record);
    }

    fn replay(&self, full_name: &str) -> String {
        if self.unity {
            crate::replay::unity(self.platform.as_deref(), full_name)
        } else {
            crate::replay::dotnet_test(full_name)
        }
    }

    fn close_level(&mut self, ev: &mut Evidence) {
        let Some(mut level) = self.levels.pop() else { return };
        let own_site = matches!(level.site.as_deref(), Some("SetUp" | "TearDown" | "Parent"));
        let claims_failure = level.status.as_ref().is_some_and(|(_, s)| *s == Status::Fail);
        // A suite that failed where no test case shows it (or at its own site:
        // setup, teardown, a parent's setup): its own error.
        // `site="Child"` says a child failed: with none failing, that is a claim
        // the cases contradict (the status claim shows it), not an error of its own.
        let blames_child = level.site.as_deref() == Some("Child");
        if level.element == "test-suite" && claims_failure && (own_site || (level.counts.failing == 0 && !blames_child))
        {
            let site = level.site.as_deref().map(|s| format!(" (site {})", short(s))).unwrap_or_default();
            let text =
                if level.message.text.trim().is_empty() { level.reason.finished() } else { level.message.finished() };
            let message = format!(
                "<test-suite> {} failed outside its test cases{site}{}{}",
                level.status.as_ref().map(|(raw, _)| raw.as_str()).unwrap_or(""),
                if text.is_empty() { "" } else { ": " },
                text
            );
            let name = if level.name.is_empty() { "(unnamed test-suite)" } else { level.name.as_str() };
            ev.add_case(Case::new(name, CaseOutcome::Errored).message(&message).at(Position::offset(level.offset)));
            level.counts.failing += 1;
        }
        self.claims(&level, ev);
        if let Some(parent) = self.levels.last_mut() {
            parent.counts.add(&level.counts);
        }
    }

    /// The level's status and counts, each paired with what its cases show.
    fn claims(&self, level: &Level, ev: &mut Evidence) {
        let scope = if level.name.is_empty() {
            format!("<{}>", level.element)
        } else {
            format!("<{}> {}", level.element, short(&level.name))
        };
        let c = &level.counts;
        let at = |field: &str| Position {
            byte_offset: Some(level.offset),
            field: Some(field.to_owned()),
            ..Position::default()
        };
        if let Some((raw, claimed)) = &level.status {
            let derived = if c.failing > 0 { Status::Fail } else { Status::Pass };
            let claim = Claim::status(
                &scope,
                "result",
                raw.as_str(),
                *claimed,
                derived,
                format!("{} of {} test cases below failed", c.failing, c.cases),
            )
            .at(at("result"));
            if level.root || !claim.holds() {
                ev.add_claim(claim);
            }
        }
        // The NUnit 3 console's NUnit 2 driver writes `total` and leaves every
        // other count at 0 (nunit3-runner-nunit2-tests-pickles.xml): those zeros
        // are not counts. A breakdown with any non-zero count is checked whole.
        let unwritten_breakdown = self.version == Version::Three
            && self.v2_driver
            && c.cases > 0
            && level.declared.iter().all(|(field, n)| *field == "total" || *n == 0);
        for &(field, claimed) in &level.declared {
            let (derived, evidence) = match (self.version, field) {
                (_, "total") if self.version == Version::Three => (c.cases, "<test-case> elements below".to_owned()),
                (Version::Three, _) if unwritten_breakdown => continue,
                (Version::Three, "passed") => (c.passed, by_result("Passed")),
                (Version::Three, "failed") => (c.failed, by_result("Failed")),
                (Version::Three, "inconclusive") => (c.inconclusive, by_result("Inconclusive")),
                (Version::Three, "skipped") => (c.skipped, by_result("Skipped")),
                (Version::Three, "warnings") => (c.warnings, by_result("Warning")),
                (Version::Two, "total") => {
                    (c.run, "test cases that ran (Success, Failure, Error, Inconclusive, Cancelled)".to_owned())
                }
                (Version::Two, "errors") => (c.errors, "test cases with result Error or Cancelled".to_owned()),
                (Version::Two, "failures") => {
                    (c.failures, "test cases with result Failure (NUnit 2.2: executed, success=\"False\")".to_owned())
                }
                (Version::Two, "not-run") => {
                    (c.not_run, "test cases that did not run (Ignored, Skipped, NotRunnable)".to_owned())
                }
                (Version::Two, "inconclusive") => (c.inconclusive, by_result("Inconclusive")),
                (Version::Two, "ignored") => (c.ignored, by_result("Ignored")),
                (Version::Two, "skipped") => (c.skipped2, by_result("Skipped")),
                (Version::Two, "invalid") => (c.invalid, by_result("NotRunnable")),
                _ => continue,
            };
            let claim = Claim::count(&scope, field, claimed, derived, evidence).at(at(field));
            if level.root || !claim.holds() {
                ev.add_claim(claim);
            }
        }
    }

    fn property(&mut self, e: &BytesStart<'_>) -> Result<(), String> {
        let [name, value] = attributes(e, ["name", "value"])?;
        match (name.as_deref(), value) {
            (Some("_APPDOMAIN"), Some(v)) if v == "Unity Child Domain" => self.unity = true,
            (Some("platform"), Some(v)) if self.platform.is_none() => self.platform = Some(v.into_owned()),
            _ => {}
        }
        Ok(())
    }
}

impl Handler for State<'_> {
    fn open(&mut self, e: &BytesStart<'_>, depth: usize, offset: u64, ev: &mut Evidence) -> Result<(), String> {
        let qname = e.name();
        let tag: &str = qname.as_ref();
        if depth == 0 {
            return self.open_root(e, tag, offset, ev);
        }
        let top = self.stack.last().copied().unwrap_or(Ctx::Other);
        let in_case = self.case.is_some();
        let ctx = match tag {
            "test-suite" | "test-case" if in_case => {
                return Err(format!("<{tag}> inside a <test-case>: not an NUnit structure"));
            }
            "test-suite" => return self.open_suite(e, offset, false),
            "test-case" => return self.open_case(e, offset),
            "failure" if matches!(top, Ctx::Case | Ctx::Level) => Ctx::Failure,
            "reason" if matches!(top, Ctx::Case | Ctx::Level) => Ctx::Reason,
            "message" | "stack-trace" if matches!(top, Ctx::Failure | Ctx::Reason) => {
                let parent_is_case = self.stack.iter().rev().nth(1) == Some(&Ctx::Case);
                self.target = Some(match (tag, top, parent_is_case) {
                    ("message", Ctx::Failure, true) => Target::CaseMessage,
                    ("stack-trace", Ctx::Failure, true) => Target::CaseStack,
                    (_, Ctx::Reason, true) => Target::CaseReason,
                    ("message", Ctx::Failure, false) => Target::LevelMessage,
                    (_, Ctx::Reason, false) => Target::LevelReason,
                    _ => {
                        // A suite's stack trace is not kept.
                        self.stack.push(Ctx::Other);
                        attributes(e, [])?;
                        return Ok(());
                    }
                });
                Ctx::Captured
            }
            "property" if !in_case => {
                self.property(e)?;
                self.stack.push(Ctx::Other);
                return Ok(());
            }
            _ => Ctx::Other,
        };
        // Every attribute is checked, used or not.
        attributes(e, [])?;
        self.stack.push(ctx);
        Ok(())
    }

    fn close(&mut self, _offset: u64, ev: &mut Evidence) -> Result<(), String> {
        match self.stack.pop() {
            Some(Ctx::Level) => {
                // A case the offload found malformed stops the reader here if
                // known already: `read` reports it, and this level claims nothing.
                if self.offload.as_ref().is_some_and(Offload::failed) {
                    return Err("a passing test case failed its checks".to_owned());
                }
                self.close_level(ev);
            }
            Some(Ctx::Case) => self.close_case(ev),
            Some(Ctx::Captured) => self.target = None,
            Some(_) => {}
            None => return Err("an end tag with no open element".to_owned()),
        }
        Ok(())
    }

    /// A passing self-closing test case is counted here and queued: its
    /// checks and key are made on the offload's thread. Anything else is
    /// read whole.
    #[inline]
    fn empty(&mut self, e: &BytesStart<'_>, depth: usize, offset: u64, ev: &mut Evidence) -> Result<(), String> {
        if let Some(offload) = &mut self.offload
            && self.case.is_none()
            && let Some(level) = self.levels.last_mut()
            && e.name().as_ref() == "test-case"
        {
            let raw = e.attributes_raw();
            let version = self.version;
            let passed = match version {
                Version::Three => xml_stream::says_plainly(raw, &self.passed[0]),
                Version::Two => xml_stream::says_plainly(raw, &self.passed[1]),
            };
            if passed {
                let c = &mut level.counts;
                c.cases += 1;
                match version {
                    Version::Three => c.passed += 1,
                    Version::Two => c.run += 1,
                }
                offload.push(&["test-case", raw], offset, (0, |_: &mut ()| {}), ev);
                return Ok(());
            }
        }
        self.open(e, depth, offset, ev)?;
        self.close(offset, ev)
    }

    fn wants_text(&self) -> bool {
        self.target.is_some()
    }

    fn text(&mut self, text: &str) {
        let limit = self.capture_limit;
        let buf = match self.target {
            Some(Target::CaseMessage) => self.case.as_mut().map(|c| &mut c.message),
            Some(Target::CaseStack) => self.case.as_mut().map(|c| &mut c.stack),
            Some(Target::CaseReason) => self.case.as_mut().map(|c| &mut c.reason),
            Some(Target::LevelMessage) => self.levels.last_mut().map(|l| &mut l.message),
            Some(Target::LevelReason) => self.levels.last_mut().map(|l| &mut l.reason),
            None => None,
        };
        if let Some(buf) = buf {
            buf.push(text, limit);
        }
    }
}

/// Declared counts that are present, parsed.
fn declared<const N: usize>(
    fields: [(&'static str, Option<Cow<'_, str>>); N],
    offset: u64,
) -> Result<Vec<(&'static str, u64)>, String> {
    let mut out = Vec::with_capacity(N);
    for (field, raw) in fields {
        if let Some(raw) = raw {
            out.push((field, xml_stream::count(field, &raw, offset).map_err(|e| e.message)?));
        }
    }
    Ok(out)
}

fn by_result(result: &str) -> String {
    format!("<test-case> elements with result=\"{result}\"")
}

/// An NUnit 3 case's outcome, and a note for outcomes the result alone does not explain.
fn outcome_v3(result: Option<&str>, label: Option<&str>) -> (CaseOutcome, Option<String>) {
    match (result, label) {
        (Some("Passed"), _) => (CaseOutcome::Passed, None),
        (Some("Failed"), Some("Error" | "Invalid" | "Cancelled")) => (CaseOutcome::Errored, None),
        (Some("Failed"), _) => (CaseOutcome::Failed, None),
        (Some("Skipped"), Some("Invalid")) => {
            (CaseOutcome::Errored, Some("not runnable (result Skipped, label Invalid)".to_owned()))
        }
        // Ignored, Explicit, or no label: not run.
        (Some("Skipped"), _) => (CaseOutcome::Skipped, None),
        // NUnit counts it apart from passed and failed and does not fail the run
        // on it (nunit3-jenkins-issue33493: result="Passed" with one): not run.
        (Some("Inconclusive"), _) => (CaseOutcome::Skipped, None),
        (Some(other), _) => (
            CaseOutcome::Incomplete,
            Some(format!("result {:?} is not one truegreen knows to be a pass", short(other))),
        ),
        (None, _) => (CaseOutcome::Incomplete, Some("no result attribute: the outcome is not known".to_owned())),
    }
}

/// An NUnit 2 case's outcome: `result` when written (2.5+), else `executed`/`success` (2.2).
fn outcome_v2(result: Option<&str>, executed: Option<&str>, success: Option<&str>) -> (CaseOutcome, Option<String>) {
    match result {
        Some("Success") => (CaseOutcome::Passed, None),
        Some("Failure") => (CaseOutcome::Failed, None),
        Some("Error" | "Cancelled") => (CaseOutcome::Errored, None),
        Some("NotRunnable") => (CaseOutcome::Errored, Some("not runnable (result NotRunnable)".to_owned())),
        Some("Ignored" | "Skipped" | "Inconclusive") => (CaseOutcome::Skipped, None),
        Some(other) => (
            CaseOutcome::Incomplete,
            Some(format!("result {:?} is not one truegreen knows to be a pass", short(other))),
        ),
        None => match (executed, success) {
            (Some("False"), _) => (CaseOutcome::Skipped, None),
            (Some("True"), Some("True")) => (CaseOutcome::Passed, None),
            (Some("True"), Some("False")) => (CaseOutcome::Failed, None),
            _ => (
                CaseOutcome::Incomplete,
                Some("no result, and no executed/success pair: the outcome is not known".to_owned()),
            ),
        },
    }
}

/// NUnit 2's counting rule (2.6 mock-assembly, pickles, 2.2.10 self-test).
fn count_v2(c: &mut Counts, result: Option<&str>, executed: Option<&str>, success: Option<&str>) {
    match result {
        Some("Success") => c.run += 1,
        Some("Failure") => {
            c.run += 1;
            c.failures += 1;
        }
        Some("Error" | "Cancelled") => {
            c.run += 1;
            c.errors += 1;
        }
        Some("Inconclusive") => {
            c.run += 1;
            c.inconclusive += 1;
        }
        Some("Ignored") => {
            c.not_run += 1;
            c.ignored += 1;
        }
        Some("Skipped") => {
            c.not_run += 1;
            c.skipped2 += 1;
        }
        Some("NotRunnable") => {
            c.not_run += 1;
            c.invalid += 1;
        }
        Some(_) => {}
        None => match (executed, success) {
            (Some("False"), _) => c.not_run += 1,
            (Some("True"), Some("False")) => {
                c.run += 1;
                c.failures += 1;
            }
            (Some("True"), _) => c.run += 1,
            _ => {}
        },
    }
}

/// What an NUnit 3 `result` (with its `label`) says about the run. Unity
/// writes the root's result as NUnit's `ResultState` text, `Status:Label(Site)`
/// (`Failed(Child)` in both Unity fixtures): the status and label are read from it.
fn status_v3(result: &str, label: Option<&str>) -> (String, Status) {
    let raw = match label {
        Some(l) if !l.is_empty() => format!("{result} ({l})"),
        _ => result.to_owned(),
    };
    let (status, rest) = result.split_at(result.find([':', '(']).unwrap_or(result.len()));
    let inline_label = rest.strip_prefix(':').map(|l| l.split('(').next().unwrap_or(""));
    let label = label.filter(|l| !l.is_empty()).or(inline_label);
    let claimed = match (status, label) {
        ("Failed", _) | (_, Some("Invalid")) => Status::Fail,
        ("Passed" | "Skipped" | "Inconclusive", _) => Status::Pass,
        _ => Status::Unknown,
    };
    (raw, claimed)
}

/// What an NUnit 2 suite's `result` (or 2.2's `success`) says.
fn status_v2(result: Option<&str>, executed: Option<&str>, success: Option<&str>) -> Option<(String, Status)> {
    match result {
        Some(r) => Some((
            r.to_owned(),
            match r {
                "Success" | "Ignored" | "Skipped" | "Inconclusive" => Status::Pass,
                "Failure" | "Error" | "Cancelled" | "NotRunnable" => Status::Fail,
                _ => Status::Unknown,
            },
        )),
        None => match (executed, success) {
            (_, Some("True")) => Some(("success=True".to_owned(), Status::Pass)),
            (_, Some("False")) => Some(("success=False".to_owned(), Status::Fail)),
            _ => None,
        },
    }
}

/// A failing case's message: its label when it says more than "Error", the
/// failure message (or the reason), and the stack trace.
fn compose(case: &OpenCase, note: Option<&str>) -> String {
    let mut out = String::new();
    if let Some(label) = case.label.as_deref().filter(|l| !l.is_empty() && *l != "Error") {
        out.push_str(&format!("[{}] ", short(label)));
    }
    if let Some(note) = note {
        out.push_str(note);
        out.push_str(": ");
    }
    let text = if case.message.text.trim().is_empty() { case.reason.finished() } else { case.message.finished() };
    out.push_str(&text);
    let stack = case.stack.finished();
    if !stack.is_empty() {
        out.push('\n');
        out.push_str(&stack);
    }
    let trimmed = out.trim_end_matches([' ', ':']).len();
    out.truncate(trimmed);
    out
}

#[cfg(test)]
mod tests;
