//! `go test -json` output: test2json events, one JSON object per line, with
//! the go command's own plain-text lines mixed in.
//!
//! Raw evidence: each test's final event (`pass`, `fail`, `skip`); a test with
//! `run` and no final event is incomplete. Claims: each package's final event
//! (`pass`/`fail`/`skip` without `Test`), which is the authoritative result: a
//! package that fails while none of its tests failed (a panic in a goroutine,
//! `TestMain` exiting, a build failure) is recorded as an errored unit named
//! after the package, so the run fails and says where.
//!
//! A parent test with subtests is not a case of its own: its subtests are. Its
//! final event becomes a claim about them, and a failure of its own (all
//! subtests passed, the parent failed) is recorded as a failed case.
//!
//! Lines that are not JSON are not noise: go 1.19–1.23 print a build failure only
//! as `FAIL <pkg> [build failed]` (and the compile errors, under `# <pkg>`, on
//! stderr); `go:` lines are errors of the go command itself. Go 1.24+ reports
//! builds as `build-output`/`build-fail` events and a package `fail` with
//! `FailedBuild`. A line that starts like JSON and does not parse is a cut stream.

use std::collections::{HashMap, HashSet};
use std::io::BufRead;
use std::rc::Rc;

use serde::Deserialize;
use serde_json::Value;

use super::duration;
use super::json::{sniff_string_field, syntax_error};
use super::lines::{CappedText, LineReader};
use super::location::first_workspace_frame;
use super::{ParseError, ReadContext, Sniff};
use crate::model::{Case, CaseOutcome, Claim, Evidence, Format, Observation, Position, ProvenanceKind, Status};
use crate::replay;

/// test2json actions (go 1.24 adds `build-output` and `build-fail`, 1.25 `attr`).
const ACTIONS: &[&str] =
    &["start", "run", "pause", "cont", "pass", "fail", "skip", "bench", "output", "build-output", "build-fail", "attr"];

pub fn detect(sniff: &Sniff<'_>) -> Option<Format> {
    // XML reports (go-junit-report) quote go's output in their text.
    if matches!(sniff.first_significant()?, b'<' | b'[') {
        return None;
    }
    let hit = sniff.lines(40).any(|line| {
        if line.starts_with('{') {
            let action = sniff_string_field(line, "Action");
            let keyed = line.contains("\"Package\"") || line.contains("\"ImportPath\"") || line.contains("\"Test\"");
            action.is_some_and(|a| ACTIONS.contains(&a)) && keyed
        } else {
            package_failure_line(line).is_some()
        }
    });
    hit.then_some(Format::GoTestJson)
}

/// Longest line accepted; test2json splits long output into several events.
const MAX_LINE_BYTES: usize = 16 * 1024 * 1024;
/// Output kept per test, per package and per build.
const MAX_OUTPUT_BYTES: usize = 16 * 1024;
/// Builds and compile-error blocks tracked at once.
const MAX_BUILDS: usize = 1024;
/// Packages, and tests started and not finished, tracked at once.
/// Past either the stream is refused: a test that was never tracked could end
/// in a failure nobody sees.
const MAX_TRACKED: usize = 100_000;

/// `FAIL <pkg> [build failed]` or `[setup failed]`: (package, reason).
fn package_failure_line(line: &str) -> Option<(&str, &str)> {
    let rest = line.strip_prefix("FAIL")?;
    if !rest.starts_with([' ', '\t']) {
        return None;
    }
    let rest = rest.trim();
    let (package, reason) = rest.rsplit_once(" [")?;
    let reason = reason.strip_suffix(']')?;
    let package = package.trim();
    (!package.is_empty() && !package.contains(char::is_whitespace) && reason.ends_with(" failed"))
        .then_some((package, reason))
}

#[derive(Deserialize)]
struct Event {
    #[serde(rename = "Action")]
    action: String,
    #[serde(rename = "Package", default)]
    package: Option<String>,
    #[serde(rename = "Test", default)]
    test: Option<String>,
    #[serde(rename = "Output", default)]
    output: Option<String>,
    #[serde(rename = "FailedBuild", default)]
    failed_build: Option<String>,
    #[serde(rename = "ImportPath", default)]
    import_path: Option<String>,
    /// When test2json saw the line (RFC 3339, UTC).
    #[serde(rename = "Time", default)]
    time: Option<String>,
    /// Seconds the test (or package) ran, on its final event. Kept as any
    /// value: one that is not a number is no duration, not an unreadable event.
    #[serde(rename = "Elapsed", default)]
    elapsed: Option<Value>,
}

/// Read a `go test -json` stream. `workspace` resolves absolute paths in test
/// output (panic traces) to annotation locations.
pub fn read(input: &mut dyn BufRead, ev: &mut Evidence, cx: &ReadContext<'_>) -> Result<(), ParseError> {
    let workspace = cx.workspace;
    let mut lines = LineReader::new(input, MAX_LINE_BYTES);
    let mut state = State { workspace: workspace.map(Rc::from), ..State::default() };
    // Events come in time order: the last one's time is when the report was written.
    let mut last_time: Option<String> = None;
    while let Some(line) = lines.next_line()? {
        let position = line.position();
        let text = line.text.trim();
        let result = if text.starts_with('{') {
            if line.cut {
                Err(ParseError::new(format!("event line longer than {MAX_LINE_BYTES} bytes"), position.clone()))
            } else {
                serde_json::from_str::<Event>(text)
                    .map_err(|e| {
                        let mut err = syntax_error(e);
                        err.position = Position { column: err.position.column, ..position.clone() };
                        err.message = format!("invalid test2json event: {}", err.message);
                        err
                    })
                    .and_then(|mut event| {
                        if let Some(time) = event.time.take() {
                            last_time = Some(time);
                        }
                        state.event(event, &position, ev);
                        state.check_bounds(&position)
                    })
            }
        } else {
            state.raw_line(text, &position, ev);
            Ok(())
        };
        if let Err(err) = result {
            state.finish(ev, lines.line_number());
            return Err(err);
        }
    }
    state.finish(ev, lines.line_number());
    if let Some(time) = last_time {
        ev.add_provenance(ProvenanceKind::GeneratedAt, "Time of the last event", &time);
    }
    Ok(())
}

struct TestRun {
    position: Position,
    output: CappedText,
    /// Seconds, from the final event's `Elapsed`.
    seconds: Option<f64>,
    /// Subtests seen (started) under this test.
    children: u64,
    /// A subtest (or deeper) failed.
    child_failed: bool,
}

#[derive(Default)]
struct Package {
    position: Position,
    running: HashMap<String, TestRun>,
    /// Failing cases recorded for this package (failed, errored, incomplete).
    failures: u64,
    passed: u64,
    skipped: u64,
    output: CappedText,
    /// The package's final event was read.
    done: bool,
    /// The test that output is going to: the last one to start, continue or
    /// print. Output that names a test that is not running goes to it.
    current: Option<String>,
    /// `fail` events set aside as not results (see [`State::set_aside`]): how
    /// many, and the first few names, for the message if the package fails.
    set_aside_failures: u64,
    set_aside_names: Vec<String>,
}

/// Names of set-aside `fail` events kept per package for its failure message.
const SET_ASIDE_NAMES: usize = 10;

#[derive(Default)]
struct State {
    packages: HashMap<String, Package>,
    /// Insertion order of `packages`, for stable output.
    order: Vec<String>,
    /// go 1.24+: build output per import path.
    build_output: HashMap<String, CappedText>,
    /// go 1.24+: import paths with a `build-fail` event not yet claimed by a package.
    build_failed: Vec<(String, Position)>,
    /// `# <pkg>` blocks of compile errors (plain text): package → (errors, position).
    compile_errors: Vec<(String, CappedText, Position)>,
    /// The block that lines are being added to.
    open_block: Option<usize>,
    /// Packages recorded as failing to build from a plain-text line.
    build_failures_recorded: HashSet<String>,
    /// Tests started and not finished, in all packages.
    runs_started: u64,
    /// More packages or running tests than [`MAX_TRACKED`].
    over_bounds: bool,
    /// Shared, so that a method holding a package can still pass it on.
    workspace: Option<Rc<str>>,
}

fn claimed_status(action: &str) -> Status {
    match action {
        "pass" | "skip" => Status::Pass,
        "fail" => Status::Fail,
        _ => Status::Unknown,
    }
}

impl State {
    /// Memory follows the packages and the tests running at once, not the stream.
    fn check_bounds(&self, position: &Position) -> Result<(), ParseError> {
        if self.over_bounds {
            return Err(ParseError::new(
                format!("more than {MAX_TRACKED} packages, or tests running at once, to track"),
                position.clone(),
            ));
        }
        Ok(())
    }

    fn package(&mut self, name: &str, position: &Position) -> &mut Package {
        if !self.packages.contains_key(name) {
            self.order.push(name.to_owned());
            self.over_bounds |= self.order.len() > MAX_TRACKED;
        }
        let package = self
            .packages
            .entry(name.to_owned())
            .or_insert_with(|| Package { position: position.clone(), ..Package::default() });
        if package.done {
            // Events after the final one: the package ran again (`-count`, a
            // concatenated stream). Start over, keeping what was recorded.
            package.done = false;
            package.position = position.clone();
        }
        package
    }

    fn event(&mut self, event: Event, position: &Position, ev: &mut Evidence) {
        self.open_block = None;
        let action = event.action.as_str();
        match action {
            "build-output" => {
                if let (Some(path), Some(output)) = (event.import_path, event.output) {
                    let known = self.build_output.contains_key(&path);
                    if known || self.build_output.len() < MAX_BUILDS {
                        self.build_output.entry(path).or_default().push_text(&output, MAX_OUTPUT_BYTES);
                    }
                }
                return;
            }
            "build-fail" => {
                if let Some(path) = event.import_path
                    && self.build_failed.len() < MAX_BUILDS
                {
                    self.build_failed.push((path, position.clone()));
                }
                return;
            }
            _ => {}
        }
        let package_name = event.package.unwrap_or_default();
        match event.test {
            Some(test) => {
                let seconds = duration::json_seconds(event.elapsed.as_ref());
                self.test_event(&package_name, test, (action, seconds), event.output, position, ev);
            }
            None => self.package_event(&package_name, action, event.output, event.failed_build, position, ev),
        }
    }

    /// A test's event: its action, with the seconds its `Elapsed` gives.
    fn test_event(
        &mut self,
        package_name: &str,
        test: String,
        (action, seconds): (&str, Option<f64>),
        output: Option<String>,
        position: &Position,
        ev: &mut Evidence,
    ) {
        let workspace = self.workspace.clone();
        let package = self.package(package_name, position);
        match action {
            "run" => {
                if let Some(parent) = parent_of(&mut package.running, &test) {
                    parent.children += 1;
                }
                package.current = Some(test.clone());
                let new = package
                    .running
                    .insert(
                        test,
                        TestRun {
                            position: position.clone(),
                            output: CappedText::new(),
                            seconds: None,
                            children: 0,
                            child_failed: false,
                        },
                    )
                    .is_none();
                self.runs_started += u64::from(new);
                self.over_bounds |= self.runs_started > MAX_TRACKED as u64;
            }
            "cont" if package.running.contains_key(&test) => package.current = Some(test),
            "output" => {
                let Some(output) = output else { return };
                if let Some(run) = package.running.get_mut(&test) {
                    run.output.push_text(&output, MAX_OUTPUT_BYTES);
                    if package.current.as_deref() != Some(test.as_str()) {
                        package.current = Some(test);
                    }
                } else if let Some(run) = package.current.as_ref().and_then(|c| package.running.get_mut(c)) {
                    // go 1.19 names a test that a printed framing line named.
                    run.output.push_text(&output, MAX_OUTPUT_BYTES);
                } else {
                    // No test running: the package's, shown if the package fails.
                    package.output.push_text(&output, MAX_OUTPUT_BYTES);
                }
            }
            "pass" | "fail" | "skip" => {
                let Some(mut run) = package.running.remove(&test) else {
                    set_aside(package_name, package, &test, action, position, ev);
                    return;
                };
                run.seconds = seconds;
                let failed_here =
                    finish_test(PackageScope::new(package_name, &workspace), package, &test, action, run, position, ev);
                if failed_here && let Some(parent) = parent_of(&mut package.running, &test) {
                    parent.child_failed = true;
                }
                self.runs_started -= 1;
            }
            _ => {}
        }
    }

    fn package_event(
        &mut self,
        package_name: &str,
        action: &str,
        output: Option<String>,
        failed_build: Option<String>,
        position: &Position,
        ev: &mut Evidence,
    ) {
        let workspace = self.workspace.clone();
        let build_message = failed_build.as_ref().map(|build| {
            let text = self.build_output.remove(build).map(CappedText::finish).unwrap_or_default();
            self.build_failed.retain(|(path, _)| path != build);
            if text.is_empty() { format!("build failed: {build}") } else { text }
        });
        let package = self.package(package_name, position);
        match action {
            "output" => {
                if let Some(output) = output {
                    package.output.push_text(&output, MAX_OUTPUT_BYTES);
                }
            }
            "pass" | "fail" | "skip" => {
                let abandoned =
                    abandon_running(PackageScope::new(package_name, &workspace), package, action == "pass", ev);
                self.runs_started = self.runs_started.saturating_sub(abandoned);
                let package = self.package(package_name, position);
                let tests_failed = package.failures;
                if action == "fail" && tests_failed == 0 {
                    // The package is the authority: it failed, and no test did.
                    let mut message = match &build_message {
                        Some(message) => message.clone(),
                        None if package.output.is_empty() => {
                            "the package failed while none of its tests failed (TestMain, init, a panic outside a test)"
                                .to_owned()
                        }
                        None => std::mem::take(&mut package.output).finish(),
                    };
                    if package.set_aside_failures > 0 {
                        // A test whose `run` event test2json missed (go 1.19 misses a
                        // `=== RUN` line glued to output without a newline) may be it.
                        message = format!(
                            "{message}\n({} `fail` event(s) for tests that never started were set aside: {})",
                            package.set_aside_failures,
                            package.set_aside_names.join(", ")
                        );
                    }
                    let mut case = Case::new(display_package(package_name), CaseOutcome::Errored)
                        .at(position.clone())
                        .message(&message);
                    case.source = first_workspace_frame(&message, workspace.as_deref());
                    ev.add_case(case);
                    package.failures += 1;
                }
                let derived = if package.failures > 0 { Status::Fail } else { Status::Pass };
                let mut evidence = format!(
                    "{} failing, {} passed, {} skipped test(s) in the package",
                    tests_failed, package.passed, package.skipped
                );
                if tests_failed == 0 && package.failures > 0 {
                    evidence.push_str(if build_message.is_some() {
                        "; the build failed"
                    } else {
                        "; the package itself failed"
                    });
                }
                ev.add_claim(
                    Claim::status(
                        format!("package {}", display_package(package_name)),
                        "Action",
                        action,
                        claimed_status(action),
                        derived,
                        evidence,
                    )
                    .at(position.clone().with_field("Action")),
                );
                package.done = true;
                package.output = CappedText::new();
                package.current = None;
                package.set_aside_failures = 0;
                package.set_aside_names.clear();
            }
            _ => {}
        }
    }

    fn raw_line(&mut self, text: &str, position: &Position, ev: &mut Evidence) {
        if text.is_empty() {
            return;
        }
        if let Some((package_name, _reason)) = package_failure_line(text) {
            self.open_block = None;
            if self.build_failures_recorded.insert(package_name.to_owned()) {
                let errors = self
                    .compile_errors
                    .iter()
                    .position(|(p, _, _)| p == package_name)
                    .map(|i| self.compile_errors.remove(i).1.finish());
                let message = match errors {
                    Some(errors) => format!("{text}\n{errors}"),
                    None => text.to_owned(),
                };
                let mut case = Case::new(display_package(package_name), CaseOutcome::Errored)
                    .at(position.clone())
                    .message(&message);
                case.source = first_workspace_frame(&message, self.workspace.as_deref());
                ev.add_case(case);
                let package = self.package(package_name, position);
                package.failures += 1;
                package.done = true;
            }
            return;
        }
        if let Some(header) = text.strip_prefix("# ") {
            // `# pkg` or `# pkg [pkg.test]`: compile errors for that package follow.
            let package_name = header.split_whitespace().next().unwrap_or(header).to_owned();
            if self.compile_errors.len() < MAX_BUILDS {
                self.compile_errors.push((package_name, CappedText::new(), position.clone()));
                self.open_block = Some(self.compile_errors.len() - 1);
            }
            return;
        }
        if let Some(message) = text.strip_prefix("go: ") {
            self.open_block = None;
            let informational = ["downloading ", "finding ", "extracting ", "warning: "];
            if !informational.iter().any(|p| message.starts_with(p)) {
                ev.add_case(Case::new("go command", CaseOutcome::Errored).at(position.clone()).message(text));
            }
            return;
        }
        if let Some(i) = self.open_block
            && let Some((_, errors, _)) = self.compile_errors.get_mut(i)
        {
            errors.push_line(text, MAX_OUTPUT_BYTES);
        }
        // Anything else (`ok`, `FAIL`, `PASS` summaries of packages that also
        // have events) says nothing the events do not.
    }

    fn finish(&mut self, ev: &mut Evidence, last_line: u64) {
        for name in std::mem::take(&mut self.order) {
            let Some(mut package) = self.packages.remove(&name) else { continue };
            if package.done {
                continue;
            }
            abandon_running(PackageScope::new(&name, &self.workspace), &mut package, false, ev);
            ev.observe(Observation::Truncated {
                detail: format!(
                    "package {} has no final pass/fail event: the stream ends at line {last_line}",
                    display_package(&name)
                ),
                position: package.position,
            });
        }
        for (path, position) in std::mem::take(&mut self.build_failed) {
            let message = self.build_output.remove(&path).map(CappedText::finish).unwrap_or_default();
            let mut case = Case::new(&path, CaseOutcome::Errored).at(position).message(if message.is_empty() {
                "build-fail"
            } else {
                &message
            });
            case.source = first_workspace_frame(&message, self.workspace.as_deref());
            ev.add_case(case);
        }
        for (package_name, errors, position) in std::mem::take(&mut self.compile_errors) {
            if errors.is_empty() || self.build_failures_recorded.contains(&package_name) {
                continue;
            }
            let message = format!("# {package_name}\n{}", errors.finish());
            let mut case =
                Case::new(display_package(&package_name), CaseOutcome::Errored).at(position).message(&message);
            case.source = first_workspace_frame(&message, self.workspace.as_deref());
            ev.add_case(case);
        }
    }
}

/// test2json without `go test` (`go tool test2json`) names no package.
fn display_package(name: &str) -> &str {
    if name.is_empty() { "(package)" } else { name }
}

/// The running test `test` is a subtest of: the longest running prefix at a `/`.
fn parent_of<'a>(running: &'a mut HashMap<String, TestRun>, test: &str) -> Option<&'a mut TestRun> {
    let mut end = test.len();
    while let Some(slash) = test[..end].rfind('/') {
        if running.contains_key(&test[..slash]) {
            return running.get_mut(&test[..slash]);
        }
        end = slash;
    }
    None
}

/// The package a test belongs to, and the workspace its output's paths resolve against.
#[derive(Clone, Copy)]
struct PackageScope<'a> {
    name: &'a str,
    workspace: Option<&'a str>,
}

impl<'a> PackageScope<'a> {
    fn new(name: &'a str, workspace: &'a Option<Rc<str>>) -> Self {
        Self { name, workspace: workspace.as_deref() }
    }
}

/// A `pass`, `fail` or `skip` event for a test that never had a `run` event is
/// not a result: go runs every test it reports with a `run` event first. It is
/// a line the running test printed that go 1.19's test2json took for go's own
/// (`--- FAIL: TestGhost`); go 1.20+ marks its framing, so there it cannot
/// happen. Its output went to the running test; the event is a warning naming
/// the line, never a case. A genuine failure still fails: its package fails.
fn set_aside(
    package_name: &str,
    package: &mut Package,
    test: &str,
    action: &str,
    position: &Position,
    ev: &mut Evidence,
) {
    let holder = package.current.as_deref().filter(|c| package.running.contains_key(*c));
    let kept = match holder {
        Some(holder) => format!("its output is kept as output of {holder}, the test that was running"),
        None => "no test was running".to_owned(),
    };
    ev.observe(Observation::SetAside {
        detail: format!(
            "`{action}` event for test {test} in {}, which never started (no `run` event before it): \
             not a result but a line a test printed, which go 1.19's test2json reads as go's own; {kept}",
            display_package(package_name)
        ),
        position: position.clone().with_field("Action"),
    });
    if action == "fail" {
        package.set_aside_failures += 1;
        if package.set_aside_names.len() < SET_ASIDE_NAMES {
            package.set_aside_names.push(test.to_owned());
        }
    }
}

/// Record a test's final event; returns whether it counts as a failure for its parent.
fn finish_test(
    scope: PackageScope<'_>,
    package: &mut Package,
    test: &str,
    action: &str,
    run: TestRun,
    position: &Position,
    ev: &mut Evidence,
) -> bool {
    let outcome = match action {
        "pass" => CaseOutcome::Passed,
        "fail" => CaseOutcome::Failed,
        _ => CaseOutcome::Skipped,
    };
    let suite = display_package(scope.name);
    if run.children > 0 {
        // A parent speaks for its subtests, which are cases of their own.
        let (children, child_failed) = (run.children, run.child_failed);
        let own_failure = outcome == CaseOutcome::Failed && !child_failed;
        if own_failure {
            record_test(scope, package, test, outcome, run, ev);
        }
        if child_failed || own_failure {
            ev.add_claim(
                Claim::status(
                    format!("test {test} in {suite}"),
                    "Action",
                    action,
                    claimed_status(action),
                    Status::Fail,
                    if own_failure {
                        "the test failed itself while its subtests passed".to_owned()
                    } else {
                        format!("a subtest of its {children} failed")
                    },
                )
                .at(position.clone().with_field("Action")),
            );
        }
        return child_failed || own_failure;
    }
    record_test(scope, package, test, outcome, run, ev);
    outcome == CaseOutcome::Failed
}

/// Record one test: where it started, what it printed, how long it took.
fn record_test(
    scope: PackageScope<'_>,
    package: &mut Package,
    test: &str,
    outcome: CaseOutcome,
    run: TestRun,
    ev: &mut Evidence,
) {
    let suite = display_package(scope.name);
    let mut case = Case::new(test, outcome).suite(suite).at(run.position).took(run.seconds);
    let message;
    match outcome {
        CaseOutcome::Passed => package.passed += 1,
        CaseOutcome::Skipped => package.skipped += 1,
        _ => {
            package.failures += 1;
            message = failure_message(run.output, outcome);
            case.source = first_workspace_frame(&message, scope.workspace);
            case.replay = Some(replay::go_test(scope.name, test));
            case = case.message(&message);
        }
    }
    ev.add_case(case);
}

/// A test's output without go's own framing lines (`=== RUN`, `--- FAIL`).
fn failure_message(output: CappedText, outcome: CaseOutcome) -> String {
    let mut message = CappedText::new();
    for line in output.as_str().lines() {
        let framing = line.trim_start();
        if ["=== RUN", "=== PAUSE", "=== CONT", "=== NAME", "--- FAIL", "--- PASS", "--- SKIP"]
            .iter()
            .any(|p| framing.starts_with(p))
        {
            continue;
        }
        message.push_line(line, MAX_OUTPUT_BYTES);
    }
    if outcome == CaseOutcome::Incomplete {
        let note = "the test started (run) and never reported pass, fail or skip";
        return if message.is_empty() { note.to_owned() } else { format!("{note}\n{}", message.finish()) };
    }
    message.finish()
}

/// Tests still running when their package ends, or when the stream ends: the
/// innermost ones are recorded as incomplete (their parents are implied),
/// but for benchmarks of a package that passed: go 1.24+ gives a passing
/// benchmark a `run` event and no `pass` (cmd/test2json's documentation).
/// Returns how many were running.
fn abandon_running(scope: PackageScope<'_>, package: &mut Package, package_passed: bool, ev: &mut Evidence) -> u64 {
    let running = package.running.len() as u64;
    // Every name with a running subtest, found in one pass (not by comparing
    // every pair: up to MAX_TRACKED tests can be running).
    let parents: HashSet<&str> =
        package.running.keys().flat_map(|name| name.match_indices('/').map(move |(at, _)| &name[..at])).collect();
    let mut leaves: Vec<String> =
        package.running.keys().filter(|name| !parents.contains(name.as_str())).cloned().collect();
    leaves.sort();
    for name in leaves {
        if let Some(run) = package.running.remove(&name) {
            let outcome = if package_passed && name.starts_with("Benchmark") {
                CaseOutcome::Passed
            } else {
                CaseOutcome::Incomplete
            };
            record_test(scope, package, &name, outcome, run, ev);
        }
    }
    package.running.clear();
    running
}

#[cfg(test)]
mod tests;
