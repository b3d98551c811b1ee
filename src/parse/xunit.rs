//! xUnit.net XML results: v2 (`<assemblies><assembly><collection><test>`,
//! with `<errors>` for failures outside tests) and v1 (an `<assembly>` root
//! with `<class><test>`). One streaming reader over quick-xml events.
//!
//! First witness: every `<test>`, judged by its `result` (`Pass`, `Fail`,
//! `Skip`, `NotRun`), and every `<error>` in an assembly's `<errors>` (a
//! fixture's cleanup or a collection's construction that threw, a catastrophic
//! runner failure), which is an errored case: it belongs to no test, and the
//! run is not green with it.
//!
//! Second witness: the counts on every `<assembly>` and on every
//! `<collection>` (v2) or `<class>` (v1): `total`, `passed`, `failed`,
//! `skipped`, `not-run` against the tests below, and the assembly's `errors`
//! against its `<error>` elements. Absent counts claim nothing (xUnit.net 2.2
//! writes an assembly that loaded no tests with none). The assembly's claims
//! are always recorded; a collection's or class's only when they do not hold.
//!
//! Timestamps: `run-date`/`run-time` and `<assemblies timestamp>` are local
//! times without a zone; they are not recorded (read as UTC they could make a
//! fresh report look stale).

use std::borrow::Cow;
use std::io::BufRead;

use quick_xml::events::BytesStart;

use super::xml_stream::{self, Capture, Handler, attributes, short};
use super::{ParseError, ReadContext, Sniff};
use crate::model::{Case, CaseOutcome, Claim, Evidence, Format, Position};

/// Recognize xUnit.net XML by its root: `<assemblies>` (v2), or an
/// `<assembly>` whose start tag names xUnit.net as its `test-framework` (v1).
pub fn detect(sniff: &Sniff<'_>) -> Option<Format> {
    let (root, rest) = xml_stream::root_element(sniff)?;
    match root {
        b"assemblies" => Some(Format::Xunit),
        b"assembly" => {
            let tag_end = memchr::memchr(b'>', rest).unwrap_or(rest.len());
            memchr::memmem::find(&rest[..tag_end], b"test-framework=\"xUnit.net").map(|_| Format::Xunit)
        }
        _ => None,
    }
}

/// Read an xUnit.net v1 or v2 results document.
pub fn read<R: BufRead + ?Sized>(input: &mut R, ev: &mut Evidence, cx: &ReadContext<'_>) -> Result<(), ParseError> {
    let mut state = State::new(cx);
    let result = xml_stream::drive(input, ev, &mut state);
    if result.is_err()
        && let Some(test) = state.test.take()
    {
        ev.add_case(
            Case::new(test.display_name(), CaseOutcome::Incomplete)
                .message("the report ends inside this test")
                .at(Position::offset(test.offset)),
        );
    }
    result
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ctx {
    /// `<assemblies>`.
    Assemblies,
    /// `<assembly>`, `<collection>` or `<class>`: a counted level.
    Level,
    /// `<errors>` of an assembly.
    Errors,
    /// One `<error>`.
    Error,
    Test,
    Failure,
    Reason,
    Captured,
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Target {
    Message,
    Stack,
    Reason,
}

#[derive(Clone, Copy, Debug, Default)]
struct Counts {
    tests: u64,
    passed: u64,
    failed: u64,
    skipped: u64,
    not_run: u64,
    errors: u64,
}

impl Counts {
    fn add(&mut self, o: &Counts) {
        self.tests += o.tests;
        self.passed += o.passed;
        self.failed += o.failed;
        self.skipped += o.skipped;
        self.not_run += o.not_run;
        self.errors += o.errors;
    }
}

struct Level {
    /// `assembly`, `collection` or `class`.
    element: &'static str,
    name: String,
    offset: u64,
    declared: Vec<(&'static str, u64)>,
    counts: Counts,
}

/// A `<test>` or an `<error>` being read.
#[derive(Default)]
struct OpenTest {
    name: String,
    class: String,
    method: String,
    result: Option<String>,
    exception: Option<String>,
    offset: u64,
    /// `time`, in seconds.
    seconds: Option<f64>,
    message: Capture,
    stack: Capture,
    reason: Capture,
    /// An assembly `<error>`: its `type` (`assembly-cleanup`, ...).
    error_kind: Option<String>,
}

impl OpenTest {
    fn display_name(&self) -> &str {
        if !self.name.is_empty() {
            &self.name
        } else if self.error_kind.is_some() {
            "(unnamed error)"
        } else {
            "(unnamed test)"
        }
    }
}

struct State<'w> {
    workspace: Option<&'w str>,
    capture_limit: usize,
    stack: Vec<Ctx>,
    levels: Vec<Level>,
    test: Option<OpenTest>,
    target: Option<Target>,
}

impl<'w> State<'w> {
    fn new(cx: &ReadContext<'w>) -> Self {
        Self {
            workspace: cx.workspace,
            capture_limit: cx.limits.max_message_bytes,
            stack: Vec::with_capacity(16),
            levels: Vec::with_capacity(4),
            test: None,
            target: None,
        }
    }

    fn open_level(&mut self, e: &BytesStart<'_>, element: &'static str, offset: u64) -> Result<(), String> {
        let [name, total, passed, failed, skipped, not_run, errors] =
            attributes(e, ["name", "total", "passed", "failed", "skipped", "not-run", "errors"])?;
        let mut declared = Vec::with_capacity(6);
        for (field, raw) in [
            ("total", total),
            ("passed", passed),
            ("failed", failed),
            ("skipped", skipped),
            ("not-run", not_run),
            ("errors", errors),
        ] {
            if let Some(raw) = raw {
                // `errors` counts an assembly's <error> elements; elsewhere it is not written.
                if field == "errors" && element != "assembly" {
                    continue;
                }
                declared.push((field, xml_stream::count(field, &raw, offset).map_err(|e| e.message)?));
            }
        }
        self.levels.push(Level {
            element,
            name: name.map(Cow::into_owned).unwrap_or_default(),
            offset,
            declared,
            counts: Counts::default(),
        });
        self.stack.push(Ctx::Level);
        Ok(())
    }

    fn close_level(&mut self, ev: &mut Evidence) {
        let Some(level) = self.levels.pop() else { return };
        let scope = if level.name.is_empty() {
            format!("<{}>", level.element)
        } else {
            format!("<{}> {}", level.element, short(&level.name))
        };
        let c = &level.counts;
        let outer = level.element == "assembly";
        for &(field, claimed) in &level.declared {
            let (derived, evidence) = match field {
                "total" => (c.tests, "<test> elements below"),
                "passed" => (c.passed, "<test> elements with result=\"Pass\""),
                "failed" => (c.failed, "<test> elements with result=\"Fail\""),
                "skipped" => (c.skipped, "<test> elements with result=\"Skip\""),
                "not-run" => (c.not_run, "<test> elements with result=\"NotRun\""),
                "errors" => (c.errors, "<error> elements in <errors>"),
                _ => continue,
            };
            let position =
                Position { byte_offset: Some(level.offset), field: Some(field.to_owned()), ..Position::default() };
            let claim = Claim::count(&scope, field, claimed, derived, evidence).at(position);
            if outer || !claim.holds() {
                ev.add_claim(claim);
            }
        }
        if let Some(parent) = self.levels.last_mut() {
            parent.counts.add(&level.counts);
        }
    }

    fn open_test(&mut self, e: &BytesStart<'_>, offset: u64) -> Result<(), String> {
        let [name, kind, method, result, time] = attributes(e, ["name", "type", "method", "result", "time"])?;
        let own = |v: Option<Cow<'_, str>>| v.map(Cow::into_owned).unwrap_or_default();
        self.test = Some(OpenTest {
            name: own(name),
            class: own(kind),
            method: own(method),
            result: result.map(Cow::into_owned),
            offset,
            seconds: time.as_deref().and_then(super::duration::seconds_text),
            ..OpenTest::default()
        });
        self.stack.push(Ctx::Test);
        Ok(())
    }

    fn open_error(&mut self, e: &BytesStart<'_>, offset: u64) -> Result<(), String> {
        let [name, kind] = attributes(e, ["name", "type"])?;
        self.test = Some(OpenTest {
            name: name.map(Cow::into_owned).unwrap_or_default(),
            error_kind: Some(kind.map(Cow::into_owned).unwrap_or_default()),
            offset,
            ..OpenTest::default()
        });
        self.stack.push(Ctx::Error);
        Ok(())
    }

    fn close_test(&mut self, ev: &mut Evidence) {
        let Some(test) = self.test.take() else { return };
        let (outcome, note) = if let Some(kind) = &test.error_kind {
            if let Some(level) = self.levels.last_mut() {
                level.counts.errors += 1;
            }
            (CaseOutcome::Errored, Some(format!("<error type=\"{}\"> outside any test", short(kind))))
        } else {
            if let Some(level) = self.levels.last_mut() {
                let c = &mut level.counts;
                c.tests += 1;
                match test.result.as_deref() {
                    Some("Pass") => c.passed += 1,
                    Some("Fail") => c.failed += 1,
                    Some("Skip") => c.skipped += 1,
                    Some("NotRun") => c.not_run += 1,
                    _ => {}
                }
            }
            match test.result.as_deref() {
                Some("Pass") => (CaseOutcome::Passed, None),
                Some("Fail") => (CaseOutcome::Failed, None),
                Some("Skip" | "NotRun") => (CaseOutcome::Skipped, None),
                Some(other) => (
                    CaseOutcome::Incomplete,
                    Some(format!("result {:?} is not one truegreen knows to be a pass", short(other))),
                ),
                None => (CaseOutcome::Incomplete, Some("no result attribute: the outcome is not known".to_owned())),
            }
        };
        let mut case = Case::new(test.display_name(), outcome).at(Position::offset(test.offset)).took(test.seconds);
        if !test.class.is_empty() {
            case = case.suite(&test.class);
        }
        if !outcome.is_failure() {
            ev.add_case(case);
            return;
        }
        let mut message = String::new();
        if let Some(note) = note {
            message.push_str(&note);
            message.push_str(": ");
        }
        if let Some(exception) = &test.exception {
            message.push_str(&format!("[{}] ", short(exception)));
        }
        message.push_str(&test.message.finished());
        let stack = test.stack.finished();
        if !stack.is_empty() {
            message.push('\n');
            message.push_str(&stack);
        }
        let trimmed = message.trim_end_matches([' ', ':']).len();
        message.truncate(trimmed);
        case.message = Some(&message);
        case.source = super::location::first_workspace_frame(&test.stack.text, self.workspace);
        if test.error_kind.is_none() {
            let full_name = if !test.class.is_empty() && !test.method.is_empty() {
                format!("{}.{}", test.class, test.method)
            } else {
                test.name.clone()
            };
            case.replay = Some(crate::replay::dotnet_test(&full_name));
        }
        ev.add_case(case);
    }
}

impl Handler for State<'_> {
    fn open(&mut self, e: &BytesStart<'_>, depth: usize, offset: u64, _ev: &mut Evidence) -> Result<(), String> {
        let qname = e.name();
        let tag: &str = qname.as_ref();
        if depth == 0 {
            return match tag {
                "assemblies" => {
                    attributes(e, [])?;
                    self.stack.push(Ctx::Assemblies);
                    Ok(())
                }
                "assembly" => self.open_level(e, "assembly", offset),
                other => Err(format!("the root element is <{}>, not an xUnit.net report", short(other))),
            };
        }
        let top = self.stack.last().copied().unwrap_or(Ctx::Other);
        let in_assembly = self.levels.first().is_some_and(|l| l.element == "assembly");
        let ctx = match (top, tag) {
            (
                Ctx::Test | Ctx::Error | Ctx::Failure | Ctx::Reason | Ctx::Captured,
                "test" | "assembly" | "collection" | "class",
            ) => {
                return Err(format!("<{tag}> inside a <test>: not an xUnit.net structure"));
            }
            (Ctx::Assemblies, "assembly") => return self.open_level(e, "assembly", offset),
            (Ctx::Level, "collection" | "class") if self.levels.len() == 1 && in_assembly => {
                let element = if tag == "class" { "class" } else { "collection" };
                return self.open_level(e, element, offset);
            }
            (Ctx::Level, "test") => return self.open_test(e, offset),
            (Ctx::Level, "errors") if self.levels.len() == 1 => Ctx::Errors,
            (Ctx::Errors, "error") => return self.open_error(e, offset),
            (Ctx::Test | Ctx::Error, "failure") => {
                let [exception] = attributes(e, ["exception-type"])?;
                if let Some(test) = self.test.as_mut() {
                    test.exception = exception.map(Cow::into_owned);
                }
                self.stack.push(Ctx::Failure);
                return Ok(());
            }
            (Ctx::Test, "reason") => {
                // v2 writes the reason as the element's text, v1 in a <message>.
                self.target = Some(Target::Reason);
                Ctx::Reason
            }
            (Ctx::Failure, "message") => {
                self.target = Some(Target::Message);
                Ctx::Captured
            }
            (Ctx::Failure, "stack-trace") => {
                self.target = Some(Target::Stack);
                Ctx::Captured
            }
            (Ctx::Reason, "message") => {
                self.target = Some(Target::Reason);
                Ctx::Captured
            }
            (Ctx::Assemblies, _) | (Ctx::Level, _) if matches!(tag, "test" | "collection" | "class" | "assembly") => {
                return Err(format!("<{tag}> out of place: not an xUnit.net structure"));
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
            Some(Ctx::Level) => self.close_level(ev),
            Some(Ctx::Test | Ctx::Error) => self.close_test(ev),
            Some(Ctx::Captured | Ctx::Reason) => {
                // Back in <reason> after its <message>: its own text is wanted again.
                self.target = (self.stack.last() == Some(&Ctx::Reason)).then_some(Target::Reason);
            }
            Some(_) => {}
            None => return Err("an end tag with no open element".to_owned()),
        }
        Ok(())
    }

    fn wants_text(&self) -> bool {
        self.target.is_some()
    }

    fn text(&mut self, text: &str) {
        let limit = self.capture_limit;
        if let Some(test) = self.test.as_mut() {
            match self.target {
                Some(Target::Message) => test.message.push(text, limit),
                Some(Target::Stack) => test.stack.push(text, limit),
                Some(Target::Reason) => test.reason.push(text, limit),
                None => {}
            }
        }
    }
}

#[cfg(test)]
mod tests;
