//! The JSON reporter of Dart's `test` package (`dart test --reporter json`,
//! `--file-reporter json:FILE`) and `flutter test --machine`, which runs the same
//! reporter: one JSON event per line (protocol 0.1.x, `doc/json_reporter.md` in
//! dart-lang/test).
//!
//! Raw evidence: each `testDone` (`result` `success`/`failure`/`error`,
//! `skipped`, `hidden`), and each `error` event, including one that comes after
//! its test's `testDone` (the protocol: "it should be considered to have
//! failed"). Hidden tests (`loading x.dart`, `(setUpAll)`, `(tearDownAll)`) are
//! not tests while they pass; the protocol hides only successful ones, so a
//! suite that fails to load is a failing `loading` test. A `testStart` with no
//! `testDone` is incomplete. Claims: `done.success` against the cases, and
//! `allSuites.count` against the `suite` events. `done` is "the final event
//! emitted by the reporter": a stream without it was cut (TG005).
//!
//! Lines that are not JSON objects are flutter's own (`Running "flutter pub
//! get"...`, `[{"event":"test.startedProcess",...}]`) and say nothing about tests;
//! a line that starts with `{` and does not parse is a cut stream (TG001).

use std::collections::{HashMap, VecDeque};
use std::io::BufRead;

use serde_json::Value;

use super::duration;
use super::json::{Fields, sniff_string_field};
use super::lines::{CappedText, LineReader};
use super::location::first_workspace_frame;
use super::{ParseError, ReadContext, Sniff};
use crate::model::{
    Case, CaseOutcome, Claim, Evidence, Format, Observation, Position, SourceLocation, Status, Violation,
};
use crate::replay;

pub fn detect(sniff: &Sniff<'_>) -> Option<Format> {
    if matches!(sniff.first_significant()?, b'<') {
        return None;
    }
    let hit = sniff.lines(40).filter(|l| l.starts_with('{')).any(|line| match sniff_string_field(line, "type") {
        Some("start") => line.contains("\"protocolVersion\""),
        Some("testStart") => line.contains("\"test\""),
        Some("testDone") => line.contains("\"testID\"") && line.contains("\"result\""),
        Some("allSuites") => line.contains("\"count\""),
        _ => false,
    });
    hit.then_some(Format::DartJson)
}

/// Longest line accepted (an event carries one error or print, rarely large).
const MAX_LINE_BYTES: usize = 16 * 1024 * 1024;
/// Errors and output kept per running test.
const MAX_OUTPUT_BYTES: usize = 8 * 1024;
/// Tests started and not finished at once; past it the stream is refused, since
/// a test that was never tracked could end in a failure nobody sees.
const MAX_RUNNING: usize = 10_000;
/// Suites tracked (for their paths).
const MAX_SUITES: usize = 100_000;
/// Finished tests remembered, to name an error that comes after `testDone`.
/// An error for a test forgotten by then still fails the run, under its id.
const MAX_RECENT: usize = 4096;

pub fn read(input: &mut dyn BufRead, ev: &mut Evidence, cx: &ReadContext<'_>) -> Result<(), ParseError> {
    let mut state = State { workspace: cx.workspace.map(str::to_owned), ..State::default() };
    let mut lines = LineReader::new(input, MAX_LINE_BYTES);
    loop {
        let line = match lines.next_line() {
            Ok(Some(line)) => line,
            Ok(None) => break,
            Err(err) => {
                state.finish(ev, lines.line_number());
                return Err(err);
            }
        };
        let position = line.position();
        let text = line.text.trim().trim_start_matches('\u{feff}');
        let result = if text.starts_with('{') {
            if line.cut {
                Err(ParseError::new(format!("event line longer than {MAX_LINE_BYTES} bytes"), position.clone()))
            } else {
                parse_event(text, &position).and_then(|event| state.event(&event, &position, ev))
            }
        } else if text.starts_with('[') && !line.cut && serde_json::from_str::<Value>(text).is_ok() {
            // flutter's daemon-style events (`[{"event":"test.startedProcess",...}]`).
            Ok(())
        } else if text.starts_with('[') {
            Err(ParseError::new("a line that starts like JSON and does not parse", position.clone()))
        } else {
            // flutter's own progress text (`Running "flutter pub get" in app...`).
            Ok(())
        };
        if let Err(err) = result {
            state.finish(ev, lines.line_number());
            return Err(err);
        }
    }
    state.finish(ev, lines.line_number());
    Ok(())
}

fn parse_event(text: &str, position: &Position) -> Result<Value, ParseError> {
    serde_json::from_str::<Value>(text).map_err(|e| {
        ParseError::new(
            format!("invalid JSON event: {e}"),
            Position { column: Some(e.column() as u64), ..position.clone() },
        )
    })
}

struct Running {
    name: String,
    suite_id: Option<u64>,
    /// Where `test()` was called: `root_url`/`root_line` (flutter's `testWidgets`
    /// report `package:flutter_test` as `url`), else `url`/`line`.
    location: Option<(String, u64)>,
    flutter: bool,
    position: Position,
    /// The `testStart` event's `time` (milliseconds since the run started).
    started_ms: Option<f64>,
    errors: CappedText,
    /// An `error` event with `isFailure: false` (an exception, a timeout).
    errored: bool,
    /// An `error` event with `isFailure: true` (a `TestFailure`).
    failed: bool,
    output: CappedText,
}

struct Finished {
    name: String,
    suite_id: Option<u64>,
    flutter: bool,
}

#[derive(Default)]
struct State {
    workspace: Option<String>,
    /// `start.runnerVersion` was null, as `flutter test --machine` writes it.
    runner_version_null: bool,
    suites: HashMap<u64, String>,
    running: HashMap<u64, Running>,
    recent: HashMap<u64, Finished>,
    recent_order: VecDeque<u64>,
    /// Failing cases recorded in the current run (since its `start`).
    failing: u64,
    suites_seen: u64,
    all_suites: Option<(u64, Position)>,
    /// A `start` event was read.
    started: bool,
    /// The run's `done` event was read.
    done: bool,
    /// Any event at all, so that a stream of nothing but flutter's text is cut too.
    any_event: bool,
}

impl State {
    fn event(&mut self, value: &Value, position: &Position, ev: &mut Evidence) -> Result<(), ParseError> {
        self.any_event = true;
        let at = |e: ParseError| ParseError::new(e.message, Position { field: e.position.field, ..position.clone() });
        let event = Fields::of(value, "").map_err(at)?;
        let kind = event.str("type").map_err(at)?;
        match kind {
            "start" => self.start(&event, position, ev).map_err(at),
            "suite" => self.suite(&event).map_err(at),
            "allSuites" => {
                self.all_suites = Some((event.count("count").map_err(at)?, position.clone().with_field("count")));
                Ok(())
            }
            "testStart" => self.test_start(&event, position).map_err(at),
            "print" => {
                let id = event.u64("testID").map_err(at)?;
                let message = event.opt_str("message").map_err(at)?.unwrap_or("");
                if let Some(run) = self.running.get_mut(&id) {
                    run.output.push_text(message, MAX_OUTPUT_BYTES);
                }
                Ok(())
            }
            "error" => self.error(&event, position, ev).map_err(at),
            "testDone" => self.test_done(&event, position, ev).map_err(at),
            "done" => {
                self.done(&event, position, ev).map_err(at)?;
                Ok(())
            }
            // `group`, `debug`, and event types added later (the protocol allows new ones).
            _ => Ok(()),
        }
    }

    fn start(&mut self, event: &Fields<'_>, position: &Position, ev: &mut Evidence) -> Result<(), ParseError> {
        if self.started && !self.done {
            self.abandon_running(ev);
            ev.observe(Observation::Truncated {
                detail: "a new start event before the previous run's done: that run was cut".to_owned(),
                position: position.clone(),
            });
        }
        self.started = true;
        // A second run appended to the same file: ids start over.
        self.recent.clear();
        self.recent_order.clear();
        self.suites.clear();
        self.failing = 0;
        self.suites_seen = 0;
        self.all_suites = None;
        self.done = false;
        self.runner_version_null = event.has("runnerVersion") && event.get("runnerVersion").is_none();
        Ok(())
    }

    fn suite(&mut self, event: &Fields<'_>) -> Result<(), ParseError> {
        let suite = event.object("suite")?;
        let id = suite.u64("id")?;
        let path = suite.opt_str("path")?.unwrap_or("").to_owned();
        self.suites_seen += 1;
        if !self.suites.contains_key(&id) && self.suites.len() >= MAX_SUITES {
            return Err(ParseError::new(format!("more than {MAX_SUITES} suites"), Position::field("suite.id")));
        }
        self.suites.insert(id, path);
        Ok(())
    }

    fn test_start(&mut self, event: &Fields<'_>, position: &Position) -> Result<(), ParseError> {
        let test = event.object("test")?;
        let id = test.u64("id")?;
        let name = test.str("name")?.to_owned();
        let suite_id = test.opt_u64("suiteID")?;
        let url = test.opt_str("url")?;
        let location = match (test.opt_str("root_url")?, test.opt_u64("root_line")?) {
            (Some(root_url), Some(line)) => Some((root_url.to_owned(), line)),
            _ => url.zip(test.opt_u64("line")?).map(|(u, l)| (u.to_owned(), l)),
        };
        let flutter = self.runner_version_null || url.is_some_and(|u| u.starts_with("package:flutter_test/"));
        if !self.running.contains_key(&id) && self.running.len() >= MAX_RUNNING {
            return Err(ParseError::new(
                format!("more than {MAX_RUNNING} tests running at once"),
                position.clone().with_field("test.id"),
            ));
        }
        self.running.insert(
            id,
            Running {
                name,
                suite_id,
                location,
                flutter,
                position: position.clone(),
                started_ms: event.get("time").and_then(Value::as_f64),
                errors: CappedText::new(),
                errored: false,
                failed: false,
                output: CappedText::new(),
            },
        );
        Ok(())
    }

    fn error(&mut self, event: &Fields<'_>, position: &Position, ev: &mut Evidence) -> Result<(), ParseError> {
        let id = event.u64("testID")?;
        let error = event.opt_str("error")?.unwrap_or("");
        let stack = event.opt_str("stackTrace")?.unwrap_or("");
        let is_failure = event.opt_bool("isFailure")?.unwrap_or(false);
        if let Some(run) = self.running.get_mut(&id) {
            run.errors.push_text(error, MAX_OUTPUT_BYTES);
            run.errors.push_text(stack, MAX_OUTPUT_BYTES);
            if is_failure {
                run.failed = true;
            } else {
                run.errored = true;
            }
            return Ok(());
        }
        // After its testDone (or for a test never started): the test failed,
        // whatever its testDone said. A name of its own, so that it does not
        // read as the same case reported twice.
        let (name, suite_id, flutter) = match self.recent.get(&id) {
            Some(done) => (format!("{} (error after the test completed)", done.name), done.suite_id, done.flutter),
            None => (format!("test #{id} (error outside a running test)"), None, self.runner_version_null),
        };
        let mut message = CappedText::new();
        message.push_text(error, MAX_OUTPUT_BYTES);
        message.push_text(stack, MAX_OUTPUT_BYTES);
        let message = message.finish();
        let suite = suite_id.and_then(|s| self.suites.get(&s)).map(String::as_str);
        let mut case = Case::new(&name, CaseOutcome::Errored).at(position.clone()).message(&message);
        if let Some(suite) = suite {
            case = case.suite(suite);
        }
        if self.recent.contains_key(&id) {
            let base = name.trim_end_matches(" (error after the test completed)");
            case.replay = Some(replay::dart_test(flutter, suite.map(|s| self.relative(s)).as_deref(), base));
        }
        ev.add_case(case);
        self.failing += 1;
        Ok(())
    }

    fn test_done(&mut self, event: &Fields<'_>, position: &Position, ev: &mut Evidence) -> Result<(), ParseError> {
        let id = event.u64("testID")?;
        let result = event.str("result")?;
        let hidden = event.opt_bool("hidden")?.unwrap_or(false);
        let skipped = event.opt_bool("skipped")?.unwrap_or(false);
        let Some(run) = self.running.remove(&id) else {
            ev.observe(Observation::ProtocolViolation {
                violation: Violation::Schema,
                detail: format!(
                    "testDone for test {id}, which has no testStart: its result ({result:?}) is not counted"
                ),
                position: position.clone().with_field("testID"),
            });
            return Ok(());
        };
        let mut note = None;
        let outcome = match result {
            "success" if run.failed || run.errored => {
                note = Some("result \"success\" after an error event: not a pass".to_owned());
                CaseOutcome::Failed
            }
            "success" if skipped => CaseOutcome::Skipped,
            "success" => CaseOutcome::Passed,
            "failure" => CaseOutcome::Failed,
            "error" => CaseOutcome::Errored,
            other => {
                note = Some(format!(
                    "result {:?}: not one the protocol defines (success, failure, error), so the outcome is unknown",
                    crate::text::truncate(other, 40)
                ));
                CaseOutcome::Errored
            }
        };
        self.remember(id, &run);
        // Loading tests, setUpAll and tearDownAll are hidden while they pass.
        if hidden && outcome == CaseOutcome::Passed {
            return Ok(());
        }
        // Every event's `time` is milliseconds since the run started: the test
        // took from its testStart to its testDone.
        let done_ms = event.get("time").and_then(Value::as_f64);
        let seconds = run.started_ms.zip(done_ms).map(|(start, done)| duration::millis(done - start));
        self.record(run, outcome, seconds, note, ev);
        Ok(())
    }

    fn remember(&mut self, id: u64, run: &Running) {
        if self.recent_order.len() >= MAX_RECENT
            && let Some(oldest) = self.recent_order.pop_front()
        {
            self.recent.remove(&oldest);
        }
        self.recent_order.push_back(id);
        self.recent.insert(id, Finished { name: run.name.clone(), suite_id: run.suite_id, flutter: run.flutter });
    }

    /// Record a finished test; `seconds` from its testStart to its testDone.
    fn record(
        &mut self,
        run: Running,
        outcome: CaseOutcome,
        seconds: Option<f64>,
        note: Option<String>,
        ev: &mut Evidence,
    ) {
        let suite = run.suite_id.and_then(|s| self.suites.get(&s)).cloned();
        let mut case = Case::new(&run.name, outcome).at(run.position.clone()).took(seconds);
        if let Some(suite) = suite.as_deref() {
            case = case.suite(suite);
        }
        if !outcome.is_failure() {
            ev.add_case(case);
            return;
        }
        self.failing += 1;
        let mut message = CappedText::new();
        if let Some(note) = note {
            message.push_line(&note, MAX_OUTPUT_BYTES);
        }
        if outcome == CaseOutcome::Incomplete {
            message.push_line("the test started (testStart) and never finished (no testDone)", MAX_OUTPUT_BYTES);
        }
        message.push_text(run.errors.as_str(), MAX_OUTPUT_BYTES);
        if !run.output.is_empty() {
            // flutter puts the exception in a print and the error says "See exception logs above".
            message.push_line("--- printed ---", MAX_OUTPUT_BYTES);
            message.push_text(run.output.as_str(), MAX_OUTPUT_BYTES);
        }
        let message = message.finish();
        case = case.message(&message);
        let workspace = self.workspace.as_deref();
        case.source = run.location.as_ref().and_then(|(url, line)| {
            let path = url.strip_prefix("file://").unwrap_or(url);
            first_workspace_frame(&format!("{path}:{line}"), workspace)
        });
        if case.source.is_none() {
            case.source = dart_frame(&message, workspace);
        }
        let file = suite.as_deref().map(|s| self.relative(s));
        case.replay = Some(replay::dart_test(run.flutter, file.as_deref(), &run.name));
        ev.add_case(case);
    }

    /// A suite path as the replay command takes it: relative to the workspace when under it.
    fn relative(&self, path: &str) -> String {
        if let Some(ws) = self.workspace.as_deref().map(|w| w.trim_end_matches('/'))
            && let Some(rest) = path.strip_prefix(ws).and_then(|r| r.strip_prefix('/'))
        {
            return rest.to_owned();
        }
        path.to_owned()
    }

    fn done(&mut self, event: &Fields<'_>, position: &Position, ev: &mut Evidence) -> Result<(), ParseError> {
        let success = event.opt_bool("success")?;
        self.abandon_running(ev);
        let (claimed, raw) = match success {
            Some(true) => (Status::Pass, "true"),
            Some(false) => (Status::Fail, "false"),
            None => (Status::Unknown, "null"),
        };
        let derived = if self.failing > 0 { Status::Fail } else { Status::Pass };
        ev.add_claim(
            Claim::status(
                "done",
                "success",
                raw,
                claimed,
                derived,
                format!("{} failing test(s), errors or unfinished tests in the run", self.failing),
            )
            .at(position.clone().with_field("success")),
        );
        if success.is_none() {
            // The protocol's null: the runner was closed before the tests finished.
            ev.observe(Observation::Truncated {
                detail: "done.success is null: the test runner was closed before all tests ran".to_owned(),
                position: position.clone().with_field("success"),
            });
        }
        if let Some((count, at)) = self.all_suites.take() {
            ev.add_claim(Claim::count("allSuites", "count", count, self.suites_seen, "suite events").at(at));
        }
        self.done = true;
        Ok(())
    }

    /// Tests still running when the run ends: incomplete.
    fn abandon_running(&mut self, ev: &mut Evidence) {
        let mut ids: Vec<u64> = self.running.keys().copied().collect();
        ids.sort_unstable();
        for id in ids {
            if let Some(run) = self.running.remove(&id) {
                self.record(run, CaseOutcome::Incomplete, None, None, ev);
            }
        }
    }

    fn finish(&mut self, ev: &mut Evidence, last_line: u64) {
        self.abandon_running(ev);
        if !self.done {
            ev.observe(Observation::Truncated {
                detail: format!(
                    "no done event, the reporter's final one: the stream ends at line {last_line}{}",
                    if self.any_event { "" } else { " without a single event" }
                ),
                position: Position::line(last_line.max(1)),
            });
        }
    }
}

/// The first `path line:col` frame of a Dart stack trace (`test/a_test.dart 13:9
/// main.<fn>`) inside the workspace.
fn dart_frame(text: &str, workspace: Option<&str>) -> Option<SourceLocation> {
    text.lines().find_map(|line| {
        let mut parts = line.split_whitespace();
        let path = parts.next()?;
        // SDK and package frames (`dart:async`, `package:x/y.dart`) are not files of the workspace.
        if path.starts_with("dart:") || path.starts_with("package:") {
            return None;
        }
        let (line_number, _) = parts.next()?.split_once(':')?;
        first_workspace_frame(&format!("{path}:{line_number}"), workspace)
    })
}

#[cfg(test)]
mod tests;
