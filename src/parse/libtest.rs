//! `cargo test` output: libtest's console format and its JSON event stream
//! (`-- --format json -Z unstable-options`), with cargo's own lines between
//! the test binaries (`Running tests/x.rs (target/debug/deps/x-…)`, compile errors).
//!
//! Raw evidence: each `test NAME ... ok|FAILED|ignored` line (or JSON `test`
//! event), per test binary. Claims, per binary: `running N tests` (or the
//! `suite started` event's `test_count`) and every count of the
//! `test result: ok. P passed; F failed; I ignored; M measured; …` line (or the
//! suite's final event), and its `ok`/`FAILED`.
//!
//! A binary that starts and never prints its `test result:` (a crash, SIGKILL,
//! a timeout) is truncated, and so is one that cargo announces (`Running`) and
//! that prints nothing at all. A compile error (`error[E…]`, `error: could not
//! compile`) is a failed build, recorded as an errored unit. A binary that
//! reports no failure while cargo says it failed (`error: test failed, to rerun
//! pass …`: an abort at exit) is recorded as errored too.
//!
//! Both forms are read by one reader: cargo interleaves the same text lines with
//! either, and a stream may hold both (one binary run with `--format json`).

use std::collections::HashMap;
use std::io::BufRead;

use serde::Deserialize;

use super::duration;
use super::json::sniff_string_field;
use super::lines::{CappedText, LineReader};
use super::location::first_workspace_frame;
use super::{ParseError, ReadContext, Sniff};
use crate::model::{Case, CaseOutcome, Claim, Evidence, Format, Observation, Position, Status};
use crate::replay;

pub fn detect(sniff: &Sniff<'_>) -> Option<Format> {
    // XML reports (nextest's JUnit) embed whole libtest outputs in system-out.
    if matches!(sniff.first_significant()?, b'<' | b'[') {
        return None;
    }
    let mut console = false;
    for line in sniff.lines(400) {
        // nextest's console quotes each failing test's libtest output, but
        // counts and names tests its own way: not a libtest stream. Its JUnit
        // report is what to read.
        if is_nextest_console(line) {
            return None;
        }
        if line.starts_with('{') {
            if is_json_event(line) {
                return Some(Format::LibtestJson);
            }
        } else if running_count(line).is_some()
            || line.starts_with("test result: ")
            || line.starts_with("error: could not compile `")
            || cargo_header(line).is_some()
        {
            console = true;
        }
    }
    console.then_some(Format::Libtest)
}

/// `Nextest run ID … with nextest profile: ci`, `Starting 16 tests across 2 binaries`.
fn is_nextest_console(line: &str) -> bool {
    let line = line.trim_start();
    line.starts_with("Nextest run ID ")
        || line
            .strip_prefix("Starting ")
            .and_then(|rest| rest.split_once(" tests across "))
            .is_some_and(|(count, _)| count.bytes().all(|b| b.is_ascii_digit()))
}

fn is_json_event(line: &str) -> bool {
    let kind = sniff_string_field(line, "type");
    let event = sniff_string_field(line, "event");
    match kind {
        Some("suite") => matches!(event, Some("started" | "ok" | "failed")),
        Some("test") => event.is_some() && line.contains("\"name\""),
        _ => false,
    }
}

/// Lines are cut beyond this (test output can be long; structure never is).
const MAX_LINE_BYTES: usize = 1024 * 1024;
/// Test binaries, and tests waiting for a result or for their output per
/// binary, tracked at once. Past it the output is refused: what is not tracked
/// could hide a failure.
const MAX_TRACKED: usize = 100_000;
/// Output kept per failing test and per build error.
const MAX_OUTPUT_BYTES: usize = 16 * 1024;

/// `running 3 tests` / `running 1 test`.
fn running_count(line: &str) -> Option<u64> {
    let rest = line.strip_prefix("running ")?;
    let (count, word) = rest.split_once(' ')?;
    matches!(word, "test" | "tests").then_some(())?;
    count.parse().ok()
}

/// What cargo says about the test binary it is about to run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Header {
    /// `unittests src/lib.rs (target/debug/deps/x-…)`, `Doc-tests x`, or `test binary #N`.
    label: String,
    /// The `--test` target, for replay.
    test_target: Option<String>,
    /// What cargo's `to rerun pass …` names this binary by (`--lib`, `--test x`, `--doc`).
    rerun: Option<String>,
    /// Whether `cargo test -- --exact NAME` reaches its tests (benches are not run by `cargo test`).
    replayable: bool,
    position: Position,
}

/// `Running unittests src/lib.rs (target/debug/deps/x-hash)`, `Running tests/api.rs (…)`,
/// `Running target/debug/deps/x-hash` (older cargo), `Doc-tests x`.
fn cargo_header(line: &str) -> Option<Header> {
    if let Some(krate) = line.strip_prefix("Doc-tests ") {
        let krate = krate.trim();
        return (!krate.is_empty() && !krate.contains(' ')).then(|| Header {
            label: format!("Doc-tests {krate}"),
            test_target: None,
            rerun: Some("--doc".to_owned()),
            replayable: true,
            position: Position::default(),
        });
    }
    let rest = line.strip_prefix("Running ")?.trim();
    let source = match rest.split_once(" (") {
        Some((source, binary)) if binary.ends_with(')') => source,
        Some(_) => return None,
        None if !rest.contains(' ') && rest.contains('/') => "",
        None => return None,
    };
    let source_path = source.strip_prefix("unittests ").unwrap_or(source);
    let stem = |path: &str| -> Option<String> {
        let path = path.strip_suffix("/main.rs").map(|dir| format!("{dir}.rs")).unwrap_or_else(|| path.to_owned());
        let file = path.rsplit('/').next()?;
        file.strip_suffix(".rs").filter(|s| !s.is_empty()).map(str::to_owned)
    };
    let (test_target, rerun, replayable) = if let Some(path) = source.strip_prefix("tests/") {
        let target = stem(path);
        (target.clone(), target.map(|t| format!("--test {t}")), true)
    } else if source_path == "src/lib.rs" {
        (None, Some("--lib".to_owned()), true)
    } else if let Some(path) = source_path.strip_prefix("src/bin/") {
        (None, stem(path).map(|b| format!("--bin {b}")), true)
    } else if let Some(path) = source_path.strip_prefix("benches/") {
        (None, stem(path).map(|b| format!("--bench {b}")), false)
    } else {
        (None, None, true)
    };
    Some(Header { label: rest.to_owned(), test_target, rerun, replayable, position: Position::default() })
}

#[derive(Deserialize)]
struct JsonEvent {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    event: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    test_count: Option<u64>,
    #[serde(default)]
    passed: Option<u64>,
    #[serde(default)]
    failed: Option<u64>,
    #[serde(default)]
    ignored: Option<u64>,
    #[serde(default)]
    measured: Option<u64>,
    #[serde(default)]
    stdout: Option<String>,
    #[serde(default)]
    message: Option<String>,
    /// Seconds the test ran (`--report-time`). Kept as any value: one that is
    /// not a number is no duration, not an unreadable event.
    #[serde(default)]
    exec_time: Option<serde_json::Value>,
}

pub fn read(input: &mut dyn BufRead, ev: &mut Evidence, _cx: &ReadContext<'_>) -> Result<(), ParseError> {
    let mut lines = LineReader::new(input, MAX_LINE_BYTES);
    let mut state = State::default();
    while let Some(line) = lines.next_line()? {
        let position = line.position();
        let trimmed = line.text.trim();
        let result = if trimmed.starts_with('{') && trimmed.contains("\"type\"") && state.accepts_json() {
            match serde_json::from_str::<JsonEvent>(trimmed) {
                Ok(event) => state.json_event(event, &position, ev),
                Err(err) if line.cut => Err(ParseError::new(format!("libtest event cut: {err}"), position.clone())),
                Err(err) => Err(ParseError::new(format!("invalid libtest JSON event: {err}"), position.clone())),
            }
        } else {
            state.text_line(&line.text, &position, ev);
            Ok(())
        };
        let result = result.and_then(|()| state.check_bounds(&position));
        if let Err(err) = result {
            state.finish(ev);
            return Err(err);
        }
    }
    state.finish(ev);
    Ok(())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Section {
    /// `test … … ok` lines.
    Tests,
    /// `---- name stdout ----` blocks of failing tests.
    Failures,
    /// The `failures:` list of names before `test result:`.
    FailureList,
    /// `--show-output`: blocks of passing tests.
    Successes,
}

struct FailedTest {
    name: String,
    position: Position,
    output: CappedText,
}

struct Binary {
    header: Header,
    declared: Option<(u64, Position)>,
    passed: u64,
    failed: u64,
    ignored: u64,
    measured: u64,
    /// Failing tests wait for their output in the failures section.
    failures: Vec<FailedTest>,
    /// Index of the first failure of each name, in `failures`.
    failure_at: HashMap<String, usize>,
    /// Started with no result yet (JSON `started`, `--nocapture` lines).
    running: Vec<(String, Position)>,
    /// Index of each name in `running`.
    running_at: HashMap<String, usize>,
    section: Section,
    /// Index into `failures` of the block being read.
    current_output: Option<usize>,
    previous_blank: bool,
    /// The binary speaks JSON (`suite started`).
    json: bool,
}

impl Binary {
    fn new(header: Header, declared: Option<(u64, Position)>, json: bool) -> Self {
        Self {
            header,
            declared,
            passed: 0,
            failed: 0,
            ignored: 0,
            measured: 0,
            failures: Vec::new(),
            failure_at: HashMap::new(),
            running: Vec::new(),
            running_at: HashMap::new(),
            section: Section::Tests,
            current_output: None,
            previous_blank: false,
            json,
        }
    }

    fn results(&self) -> u64 {
        self.passed + self.failed + self.ignored + self.measured
    }

    /// A test started; starting it again while it runs changes nothing.
    fn start(&mut self, name: String, position: Position) {
        if !self.running_at.contains_key(&name) {
            self.running_at.insert(name.clone(), self.running.len());
            self.running.push((name, position));
        }
    }

    /// A started test got its result.
    fn stop(&mut self, name: &str) {
        if let Some(at) = self.running_at.remove(name) {
            self.running.swap_remove(at);
            if let Some((moved, _)) = self.running.get(at) {
                self.running_at.insert(moved.clone(), at);
            }
        }
    }

    /// The test started last (`--nocapture` prints its result on a later line).
    fn pop_running(&mut self) -> Option<(String, Position)> {
        let last = self.running.pop()?;
        self.running_at.remove(&last.0);
        Some(last)
    }

    /// The index of the failure named `name`, adding it if it is new.
    fn failure(&mut self, name: &str, position: &Position) -> usize {
        if let Some(at) = self.failure_at.get(name) {
            return *at;
        }
        self.failure_at.insert(name.to_owned(), self.failures.len());
        self.failures.push(FailedTest { name: name.to_owned(), position: position.clone(), output: CappedText::new() });
        self.failures.len() - 1
    }

    fn over_bounds(&self) -> bool {
        self.running.len() > MAX_TRACKED || self.failures.len() > MAX_TRACKED
    }
}

struct ClosedBinary {
    label: String,
    rerun: Option<String>,
    failures: u64,
    truncated: bool,
}

/// Compile or cargo errors outside any test binary.
#[derive(Default)]
struct ErrorBlock {
    text: CappedText,
    position: Position,
    /// Context lines (`--> src/x.rs:3:5`, code) follow the last `error` line.
    appending: bool,
}

/// A test binary cargo says failed although it recorded no failure.
struct CargoFailure {
    label: String,
    message: CappedText,
    position: Position,
}

#[derive(Default)]
struct State {
    next_header: Option<Header>,
    binary: Option<Binary>,
    closed: Vec<ClosedBinary>,
    /// The last closed binary of each rerun target and of each label.
    closed_by_rerun: HashMap<String, usize>,
    closed_by_label: HashMap<String, usize>,
    binaries_opened: u64,
    errors: Option<ErrorBlock>,
    cargo_failure: Option<CargoFailure>,
    /// After `error: N targets failed:`, lines name the targets.
    in_failed_targets: bool,
}

impl State {
    fn push_closed(&mut self, closed: ClosedBinary) {
        let at = self.closed.len();
        if let Some(rerun) = &closed.rerun {
            self.closed_by_rerun.insert(rerun.clone(), at);
        }
        self.closed_by_label.insert(closed.label.clone(), at);
        self.closed.push(closed);
    }

    /// Memory follows the binaries and the tests tracked at once, not the output.
    fn check_bounds(&self, position: &Position) -> Result<(), ParseError> {
        if self.closed.len() > MAX_TRACKED || self.binary.as_ref().is_some_and(Binary::over_bounds) {
            return Err(ParseError::new(
                format!("more than {MAX_TRACKED} test binaries, or tests of one binary awaiting a result, to track"),
                position.clone(),
            ));
        }
        Ok(())
    }

    /// JSON lines are events except inside a console binary, where they are test output.
    fn accepts_json(&self) -> bool {
        self.binary.as_ref().is_none_or(|b| b.json)
    }

    fn open_binary(
        &mut self,
        declared: Option<(u64, Position)>,
        json: bool,
        position: &Position,
        ev: &mut Evidence,
    ) -> &mut Binary {
        self.close_truncated(ev, "a new test binary starts");
        self.flush_errors(ev);
        self.binaries_opened += 1;
        // Without cargo's `Running` line (stdout captured alone), binaries are numbered.
        let header = self.next_header.take().unwrap_or_else(|| Header {
            label: format!("test binary #{}", self.binaries_opened),
            test_target: None,
            rerun: None,
            replayable: true,
            position: position.clone(),
        });
        self.binary.insert(Binary::new(header, declared, json))
    }

    /// The open binary, or one opened for results whose `running N tests` is missing.
    fn binary_or_implicit(&mut self, json: bool, position: &Position, ev: &mut Evidence) -> &mut Binary {
        if self.binary.is_none() {
            return self.open_binary(None, json, position, ev);
        }
        self.binary.get_or_insert_with(|| Binary::new(Header::default(), None, json))
    }

    fn text_line(&mut self, raw: &str, position: &Position, ev: &mut Evidence) {
        let line = raw.trim_end();
        let trimmed = line.trim_start();

        if let Some(failure) = self.cargo_failure.as_mut() {
            if trimmed.is_empty() || line.starts_with(' ') || trimmed.starts_with("Caused by:") {
                if !trimmed.is_empty() {
                    failure.message.push_line(trimmed, MAX_OUTPUT_BYTES);
                }
                return;
            }
            self.flush_cargo_failure(ev);
        }
        if self.in_failed_targets {
            if line.starts_with(' ') && !trimmed.is_empty() {
                let target = trimmed.trim_matches(|c| c == '`' || c == '\'');
                self.check_cargo_failed(target, line, position);
                return;
            }
            self.in_failed_targets = false;
        }

        if let Some(binary) = self.binary.as_mut()
            && !binary.json
        {
            if binary.section != Section::Failures
                && let Some(claimed) = parse_result_line(trimmed)
            {
                self.close(claimed, position, ev);
                return;
            }
            let cargo_line = match binary.section {
                Section::Tests => is_cargo_line(trimmed) || rerun_argument(trimmed).is_some(),
                // Captured output may hold anything; only cargo's own right-aligned
                // header ends a binary that crashed while printing its failures.
                _ => line.starts_with("     Running ") && cargo_header(trimmed).is_some(),
            };
            if !cargo_line {
                binary_line(binary, trimmed, line, position, ev);
                return;
            }
        }

        if let Some(mut header) = cargo_header(trimmed) {
            self.close_truncated(ev, "cargo starts the next test binary");
            self.header_without_output(ev);
            header.position = position.clone();
            self.next_header = Some(header);
            return;
        }
        if let Some(count) = running_count(trimmed) {
            self.open_binary(Some((count, position.clone())), false, position, ev);
            return;
        }
        if let Some(arg) = rerun_argument(trimmed) {
            // A binary still open when cargo reports its failure crashed.
            self.close_truncated(ev, "cargo reports that it failed");
            self.check_cargo_failed(arg, trimmed, position);
            return;
        }
        if self.binary.is_none() {
            // Results with no `running N tests` before them: the start was cut off.
            if let Some(claimed) = parse_result_line(trimmed) {
                self.binary_or_implicit(false, position, ev);
                self.close(claimed, position, ev);
                return;
            }
            if parse_test_line(trimmed).is_some() {
                let binary = self.binary_or_implicit(false, position, ev);
                binary_line(binary, trimmed, line, position, ev);
                return;
            }
        }
        if trimmed.starts_with("error: ") && trimmed.ends_with("failed:") && trimmed.contains("target") {
            self.in_failed_targets = true;
            return;
        }
        self.build_line(trimmed, position, ev);
    }

    /// Compile errors and cargo errors between binaries.
    fn build_line(&mut self, trimmed: &str, position: &Position, ev: &mut Evidence) {
        let is_error = trimmed.starts_with("error[E") || trimmed.starts_with("error: ");
        if is_error {
            let block =
                self.errors.get_or_insert_with(|| ErrorBlock { position: position.clone(), ..ErrorBlock::default() });
            block.text.push_line(trimmed, MAX_OUTPUT_BYTES);
            block.appending = true;
            if trimmed.starts_with("error: could not compile ") || trimmed.starts_with("error: aborting due to") {
                let name = trimmed
                    .strip_prefix("error: ")
                    .map(|s| s.split(" due to ").next().unwrap_or(s))
                    .unwrap_or(trimmed)
                    .replace('`', "");
                self.emit_errors(&name, ev);
            }
            return;
        }
        if trimmed.starts_with("warning") {
            if let Some(block) = self.errors.as_mut() {
                block.appending = false;
            }
            return;
        }
        if let Some(block) = self.errors.as_mut()
            && block.appending
            && !trimmed.is_empty()
            && !trimmed.starts_with("Compiling ")
        {
            block.text.push_line(trimmed, MAX_OUTPUT_BYTES);
        }
    }

    fn emit_errors(&mut self, name: &str, ev: &mut Evidence) {
        let Some(block) = self.errors.take() else { return };
        let message = block.text.finish();
        let mut case = Case::new(name, CaseOutcome::Errored).suite("build").at(block.position).message(&message);
        case.source = first_workspace_frame(&message, None);
        ev.add_case(case);
    }

    /// Errors left without cargo's closing `could not compile`: still a failed build.
    fn flush_errors(&mut self, ev: &mut Evidence) {
        if self.errors.is_some() {
            self.emit_errors("cargo reported an error", ev);
        }
    }

    /// cargo says a binary failed (`to rerun pass --lib`, or the `N targets failed` list).
    fn check_cargo_failed(&mut self, rerun: &str, line: &str, position: &Position) {
        let binary = match self.closed_by_rerun.get(rerun) {
            Some(at) => self.closed.get(*at),
            None if self.closed_by_rerun.is_empty() => self.closed.last(),
            None => None,
        };
        let label = match binary {
            Some(b) if b.failures > 0 || b.truncated => return,
            Some(b) => b.label.clone(),
            None => format!("test target {rerun}"),
        };
        let mut message = CappedText::new();
        message.push_line(
            &format!("cargo reports the binary failed, and none of its tests did (an abort at exit?): {line}"),
            MAX_OUTPUT_BYTES,
        );
        self.cargo_failure = Some(CargoFailure { label, message, position: position.clone() });
    }

    fn flush_cargo_failure(&mut self, ev: &mut Evidence) {
        let Some(failure) = self.cargo_failure.take() else { return };
        let message = failure.message.finish();
        ev.add_case(
            Case::new("exit status", CaseOutcome::Errored).suite(&failure.label).at(failure.position).message(&message),
        );
        if let Some(closed) = self.closed_by_label.get(&failure.label).and_then(|at| self.closed.get_mut(*at)) {
            closed.failures += 1;
        }
    }

    /// cargo announced a binary (`Running …`) that printed nothing before the next
    /// announcement or the end: it died before running a test.
    fn header_without_output(&mut self, ev: &mut Evidence) {
        if let Some(header) = self.next_header.take() {
            ev.observe(Observation::Truncated {
                detail: format!(
                    "test binary {}: cargo started it and it printed no `running N tests`: it crashed, or its output was not captured",
                    header.label
                ),
                position: header.position.clone(),
            });
            self.push_closed(ClosedBinary { label: header.label, rerun: header.rerun, failures: 0, truncated: true });
        }
    }

    fn json_event(&mut self, event: JsonEvent, position: &Position, ev: &mut Evidence) -> Result<(), ParseError> {
        match (event.kind.as_str(), event.event.as_deref()) {
            ("suite", Some("started")) => {
                let count = event.test_count.map(|n| (n, position.clone()));
                self.open_binary(count, true, position, ev);
            }
            ("suite", Some(result @ ("ok" | "failed"))) => {
                let counts = (event.passed, event.failed, event.ignored);
                let (Some(passed), Some(failed), Some(ignored)) = counts else {
                    return Err(ParseError::new(
                        "a suite result event without passed, failed and ignored counts",
                        position.clone(),
                    ));
                };
                let claimed = ResultLine {
                    status: result.to_owned(),
                    passed,
                    failed,
                    ignored,
                    measured: event.measured.unwrap_or(0),
                };
                self.binary_or_implicit(true, position, ev);
                self.close(claimed, position, ev);
            }
            ("test", Some(kind)) => {
                let Some(name) = event.name else {
                    return Err(ParseError::new("a test event without a name", position.clone()));
                };
                let binary = self.binary_or_implicit(true, position, ev);
                match kind {
                    "started" => binary.start(name, position.clone()),
                    "timeout" => {}
                    _ => {
                        binary.stop(&name);
                        let output = [event.message.as_deref(), event.stdout.as_deref()];
                        let outcome = match kind {
                            "ok" => CaseOutcome::Passed,
                            "ignored" => CaseOutcome::Skipped,
                            "failed" => CaseOutcome::Failed,
                            _ => CaseOutcome::Errored,
                        };
                        let mut text = CappedText::new();
                        if outcome == CaseOutcome::Errored {
                            text.push_line(&format!("unknown libtest test event {kind:?}"), MAX_OUTPUT_BYTES);
                        }
                        for part in output.into_iter().flatten() {
                            text.push_text(part, MAX_OUTPUT_BYTES);
                        }
                        match outcome {
                            CaseOutcome::Passed => binary.passed += 1,
                            CaseOutcome::Skipped => binary.ignored += 1,
                            _ => binary.failed += 1,
                        }
                        let seconds = duration::json_seconds(event.exec_time.as_ref());
                        record(ev, &binary.header, &name, seconds, outcome, position, text);
                    }
                }
            }
            ("bench", _) => {
                let Some(name) = event.name else {
                    return Err(ParseError::new("a bench event without a name", position.clone()));
                };
                let binary = self.binary_or_implicit(true, position, ev);
                binary.measured += 1;
                record(ev, &binary.header, &name, None, CaseOutcome::Passed, position, CappedText::new());
            }
            // Other event types (`report`, future ones) carry no results.
            _ => {}
        }
        Ok(())
    }

    /// Close the open binary at its result line / event, with its claims.
    fn close(&mut self, claimed: ResultLine, position: &Position, ev: &mut Evidence) {
        let Some(binary) = self.binary.take() else { return };
        let (label, failures) = settle(&binary, ev);
        let scope = format!("test binary {label}");
        let derived_failures = binary.failed + failures.incomplete;
        let pairs = [
            ("passed", claimed.passed, binary.passed, "`test … ok` results"),
            ("failed", claimed.failed, binary.failed, "`test … FAILED` results"),
            ("ignored", claimed.ignored, binary.ignored, "`test … ignored` results"),
            ("measured", claimed.measured, binary.measured, "benchmark results"),
        ];
        if let Some((declared, declared_at)) = &binary.declared {
            ev.add_claim(
                Claim::count(
                    &scope,
                    "running N tests",
                    *declared,
                    binary.results() + failures.incomplete,
                    "tests with a result line, or started without one",
                )
                .at(declared_at.clone()),
            );
        }
        for (field, claimed_count, derived, evidence) in pairs {
            ev.add_claim(
                Claim::count(&scope, format!("test result {field}"), claimed_count, derived, evidence)
                    .at(position.clone()),
            );
        }
        let claimed_status = match claimed.status.as_str() {
            "ok" => Status::Pass,
            "FAILED" | "failed" => Status::Fail,
            _ => Status::Unknown,
        };
        let derived = if derived_failures > 0 { Status::Fail } else { Status::Pass };
        ev.add_claim(
            Claim::status(
                &scope,
                "test result",
                &claimed.status,
                claimed_status,
                derived,
                format!("{} passed, {} failed, {} incomplete", binary.passed, binary.failed, failures.incomplete),
            )
            .at(position.clone()),
        );
        self.push_closed(ClosedBinary {
            label,
            rerun: binary.header.rerun.clone(),
            failures: derived_failures,
            truncated: false,
        });
    }

    /// Close an open binary that never printed its result line.
    fn close_truncated(&mut self, ev: &mut Evidence, why: &str) {
        let Some(binary) = self.binary.take() else { return };
        let (label, failures) = settle(&binary, ev);
        let declared =
            binary.declared.as_ref().map_or("no `running N tests`".to_owned(), |(n, _)| format!("`running {n} tests`"));
        ev.observe(Observation::Truncated {
            detail: format!(
                "test binary {label}: {declared}, {} result(s), then {why} without its `test result:`",
                binary.results()
            ),
            position: binary.declared.as_ref().map_or_else(|| binary.header.position.clone(), |(_, p)| p.clone()),
        });
        if let Some((declared, declared_at)) = &binary.declared {
            ev.add_claim(
                Claim::count(
                    format!("test binary {label}"),
                    "running N tests",
                    *declared,
                    binary.results() + failures.incomplete,
                    "tests with a result line, or started without one",
                )
                .at(declared_at.clone()),
            );
        }
        self.push_closed(ClosedBinary {
            label,
            rerun: binary.header.rerun.clone(),
            failures: binary.failed + failures.incomplete,
            truncated: true,
        });
    }

    fn finish(&mut self, ev: &mut Evidence) {
        self.flush_cargo_failure(ev);
        self.close_truncated(ev, "the output ends");
        self.header_without_output(ev);
        self.flush_errors(ev);
    }
}

struct Settled {
    incomplete: u64,
}

/// Record a closing binary's failing tests (with their output) and the tests
/// that started and never finished.
fn settle(binary: &Binary, ev: &mut Evidence) -> (String, Settled) {
    for failure in &binary.failures {
        record(ev, &binary.header, &failure.name, None, CaseOutcome::Failed, &failure.position, failure.output.clone());
    }
    let mut incomplete = 0;
    for (name, position) in &binary.running {
        incomplete += 1;
        let mut text = CappedText::new();
        text.push_line("the test started and never reported a result", MAX_OUTPUT_BYTES);
        record(ev, &binary.header, name, None, CaseOutcome::Incomplete, position, text);
    }
    (binary.header.label.clone(), Settled { incomplete })
}

/// Record one test; `seconds` is its JSON event's `exec_time`.
fn record(
    ev: &mut Evidence,
    header: &Header,
    name: &str,
    seconds: Option<f64>,
    outcome: CaseOutcome,
    position: &Position,
    output: CappedText,
) {
    let mut case = Case::new(name, outcome).suite(&header.label).at(position.clone()).took(seconds);
    if outcome.is_failure() {
        let message = output.finish();
        case.source = first_workspace_frame(&message, None);
        if header.replayable {
            case.replay = Some(replay::cargo_test(header.test_target.as_deref(), name));
        }
        if !message.is_empty() {
            return ev.add_case(case.message(&message));
        }
    }
    ev.add_case(case);
}

struct ResultLine {
    status: String,
    passed: u64,
    failed: u64,
    ignored: u64,
    measured: u64,
}

/// `test result: ok. 3 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s`.
fn parse_result_line(line: &str) -> Option<ResultLine> {
    let rest = line.strip_prefix("test result: ")?;
    let (status, counts) = rest.split_once(". ")?;
    let mut result = ResultLine { status: status.to_owned(), passed: 0, failed: 0, ignored: 0, measured: 0 };
    let mut seen = 0;
    for part in counts.split(';') {
        let mut words = part.split_whitespace();
        let (Some(n), Some(word)) = (words.next(), words.next()) else { continue };
        let Ok(n) = n.parse::<u64>() else { continue };
        let slot = match word {
            "passed" => &mut result.passed,
            "failed" => &mut result.failed,
            "ignored" => &mut result.ignored,
            "measured" => &mut result.measured,
            _ => continue,
        };
        *slot = n;
        seen += 1;
    }
    (seen >= 3).then_some(result)
}

#[derive(Debug, PartialEq, Eq)]
enum TestResult {
    Ok,
    Failed,
    Ignored,
    Bench,
}

/// `test NAME ... ok`; `None` result when the line holds only the start
/// (`--nocapture` with one thread: the test's output follows on the same line).
fn parse_test_line(line: &str) -> Option<(&str, Option<TestResult>)> {
    let rest = line.strip_prefix("test ")?;
    // A line cut right after the separator (the process died, or the line was
    // trimmed) is a start with no result.
    let (name, result) = rest.split_once(" ... ").or_else(|| rest.strip_suffix(" ...").map(|name| (name, "")))?;
    let name = name.strip_suffix(" - should panic").unwrap_or(name);
    if name.is_empty() {
        return None;
    }
    Some((name, parse_result_word(result.trim())))
}

fn parse_result_word(word: &str) -> Option<TestResult> {
    let first = word.split([' ', ',']).next().unwrap_or("");
    match first {
        "ok" => Some(TestResult::Ok),
        "FAILED" => Some(TestResult::Failed),
        "ignored" => Some(TestResult::Ignored),
        "bench:" => Some(TestResult::Bench),
        _ => None,
    }
}

/// `error: test failed, to rerun pass `--lib`` (or `'--lib'` in older cargo).
fn rerun_argument(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("error: ")?;
    let rest = rest.split_once("to rerun pass ")?.1.trim();
    Some(rest.trim_matches(|c| c == '`' || c == '\''))
}

/// One console line of an open binary: a test result, a section change, or
/// test output.
fn binary_line(binary: &mut Binary, trimmed: &str, line: &str, position: &Position, ev: &mut Evidence) {
    let blank = trimmed.is_empty();
    let previous_blank = std::mem::replace(&mut binary.previous_blank, blank);
    match binary.section {
        Section::Tests => {
            if let Some((name, result)) = parse_test_line(trimmed) {
                match result {
                    Some(result) => test_result(binary, name, result, position, ev),
                    None => binary.start(name.to_owned(), position.clone()),
                }
                return;
            }
            if !binary.running.is_empty()
                && !trimmed.contains(' ')
                && let Some(result) = parse_result_word(trimmed)
                && let Some((name, started)) = binary.pop_running()
            {
                // `--nocapture`: the result of the test started on an earlier line.
                test_result(binary, &name, result, &started, ev);
                return;
            }
            match trimmed {
                "failures:" => binary.section = Section::Failures,
                "successes:" => binary.section = Section::Successes,
                // Anything else is test output (`--nocapture`).
                _ => {}
            }
        }
        Section::Failures => {
            if let Some(name) = trimmed.strip_prefix("---- ").and_then(|r| r.strip_suffix(" stdout ----")) {
                if !binary.failure_at.contains_key(name) {
                    // Output of a failure whose `test … FAILED` line was lost.
                    binary.failed += 1;
                }
                let index = binary.failure(name, position);
                binary.current_output = Some(index);
                return;
            }
            if trimmed == "failures:" && previous_blank {
                binary.section = Section::FailureList;
                binary.current_output = None;
                return;
            }
            if let Some(failure) = binary.current_output.and_then(|i| binary.failures.get_mut(i)) {
                failure.output.push_line(line, MAX_OUTPUT_BYTES);
            }
        }
        Section::FailureList => {}
        Section::Successes => {
            if trimmed == "failures:" && previous_blank {
                binary.section = Section::Failures;
            }
        }
    }
}

/// cargo's own lines, which end a binary's output.
fn is_cargo_line(trimmed: &str) -> bool {
    cargo_header(trimmed).is_some() || running_count(trimmed).is_some()
}

fn test_result(binary: &mut Binary, name: &str, result: TestResult, position: &Position, ev: &mut Evidence) {
    match result {
        TestResult::Ok => {
            binary.passed += 1;
            record(ev, &binary.header, name, None, CaseOutcome::Passed, position, CappedText::new());
        }
        TestResult::Ignored => {
            binary.ignored += 1;
            record(ev, &binary.header, name, None, CaseOutcome::Skipped, position, CappedText::new());
        }
        TestResult::Bench => {
            binary.measured += 1;
            record(ev, &binary.header, name, None, CaseOutcome::Passed, position, CappedText::new());
        }
        TestResult::Failed => {
            binary.failed += 1;
            // A name failing twice keeps both records; its output goes to the first.
            if binary.failure_at.contains_key(name) {
                binary.failures.push(FailedTest {
                    name: name.to_owned(),
                    position: position.clone(),
                    output: CappedText::new(),
                });
            } else {
                binary.failure(name, position);
            }
        }
    }
}

#[cfg(test)]
mod tests;
