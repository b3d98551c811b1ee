//! Jest's `--json` report, and Vitest's `--reporter=json`, which writes the
//! same shape (docs/formats/jest_json.md). One reader; the dialect is told
//! from the content: Jest writes `numRuntimeErrorTestSuites`, `openHandles`
//! and `wasInterrupted`, Vitest none of them.
//!
//! Raw evidence: each `testResults[].assertionResults[]` entry's `status`
//! (with `invocations` and `failureMessages` for retries), and each file that
//! failed outside its tests (a file that failed to load: `status: "failed"`,
//! no failing test, usually a `message`), an errored case named after the file.
//! Claims: the root counts, each file's `status`, and `success`.
//!
//! `testResults[]` is streamed one file at a time: memory follows the largest
//! file's entry, not the run.

use std::io::BufRead;

use serde::de::MapAccess;
use serde_json::Value;

use super::duration;
use super::json::{EachElement, Fields, ObjectFields, syntax_error, walk_document, wrong_type};
use super::location::{first_workspace_frame, workspace_relative};
use super::{ParseError, ReadContext, Sniff};
use crate::model::{Case, CaseOutcome, Claim, Evidence, Format, Observation, Position, ProvenanceKind, Status};
use crate::replay;

/// The root's first key is one of the `num...` counts, and the prefix holds
/// both `numTotalTestSuites` and `numTotalTests` (no other format names them).
pub fn detect(sniff: &Sniff<'_>) -> Option<Format> {
    let text = sniff.text();
    let body = text.trim_start_matches('\u{feff}').trim_start().strip_prefix('{')?.trim_start();
    (body.starts_with("\"num") && text.contains("\"numTotalTestSuites\"") && text.contains("\"numTotalTests\""))
        .then_some(Format::JestJson)
}

pub fn read(input: &mut dyn BufRead, ev: &mut Evidence, cx: &ReadContext<'_>) -> Result<(), ParseError> {
    let mut state = State { workspace: cx.workspace, ..State::default() };
    let mut root = Root { state: &mut state, ev: &mut *ev };
    walk_document(input, "a Jest or Vitest JSON report object", &mut root).map_err(syntax_error)?;
    state.finish(ev)
}

/// Root keys only Jest writes.
const JEST_ONLY_KEYS: &[&str] = &["numRuntimeErrorTestSuites", "openHandles", "wasInterrupted"];

#[derive(Default)]
struct Derived {
    tests: u64,
    passed: u64,
    failed: u64,
    pending: u64,
    todo: u64,
    files: u64,
    files_passed: u64,
    files_failed: u64,
    files_pending: u64,
    /// Failed files with no failing test: errors outside tests for certain.
    files_erroring: u64,
}

#[derive(Default)]
struct State<'w> {
    workspace: Option<&'w str>,
    /// The root's fields other than `testResults`, read at the end (all small).
    root: serde_json::Map<String, Value>,
    saw_results: bool,
    derived: Derived,
    /// Failures recorded before the dialect is known: (index in `ev.failures`,
    /// file, full name), to receive a replay command at the end.
    deferred_replay: Vec<(usize, Option<String>, String)>,
}

/// The root object's fields.
struct Root<'a, 'w> {
    state: &'a mut State<'w>,
    ev: &'a mut Evidence,
}

impl ObjectFields for Root<'_, '_> {
    fn field<'de, A: MapAccess<'de>>(&mut self, key: String, map: &mut A) -> Result<(), A::Error> {
        let (state, ev) = (&mut *self.state, &mut *self.ev);
        let twice = if key == "testResults" {
            map.next_value_seed(EachElement::new(&mut |index, file: Value| state.file(index, &file, ev)))?;
            std::mem::replace(&mut state.saw_results, true)
        } else {
            let value: Value = map.next_value()?;
            state.root.insert(key.clone(), value).is_some()
        };
        if twice {
            return Err(serde::de::Error::custom(format!("the report has the key {key:?} twice")));
        }
        Ok(())
    }
}

impl State<'_> {
    fn file(&mut self, index: usize, value: &Value, ev: &mut Evidence) {
        let path = format!("testResults[{index}]");
        self.derived.files += 1;
        let Some(object) = value.as_object() else {
            ev.add_case(
                Case::new(&path, CaseOutcome::Errored)
                    .at(Position::field(&path))
                    .message("the entry is not a test file object: its outcome is unknown"),
            );
            return;
        };
        let str_field = |key: &str| object.get(key).and_then(Value::as_str);
        let file = str_field("name").map(|f| workspace_relative(f, self.workspace).unwrap_or_else(|| f.to_owned()));
        let status = str_field("status");
        let message = str_field("message").filter(|m| !m.trim().is_empty());
        let tests = match object.get("assertionResults") {
            Some(Value::Array(tests)) => tests,
            // Jest writes `[]` for a file that failed to load; anything else is not its shape.
            other => {
                let detail = match other {
                    None => "has no assertionResults",
                    Some(_) => "has assertionResults that are not an array",
                };
                ev.add_case(
                    Case::new(file.as_deref().unwrap_or(&path), CaseOutcome::Errored)
                        .at(Position::field(&path))
                        .message(&format!("the file {detail}: its outcome is unknown")),
                );
                return;
            }
        };
        let (mut failing_tests, mut ran_tests) = (0u64, 0u64);
        for (i, test) in tests.iter().enumerate() {
            let test_path = format!("{path}.assertionResults[{i}]");
            let outcome = self.test(&test_path, test, file.as_deref(), ev);
            failing_tests += u64::from(outcome.is_failure());
            ran_tests += u64::from(outcome.executed());
        }
        let tests_len = tests.len();
        let file_name = file.as_deref().unwrap_or(&path);
        match status {
            // Jest 30 writes `focused` for a file with no failing test and some
            // pending ones (a `.skip`, or the rest of a file with a `.only`), and
            // counts it in numPassedTestSuites like `passed`.
            Some(claimed @ ("passed" | "focused")) => {
                // Jest writes `passed` for a file whose tests were all skipped,
                // and counts it in numPendingTestSuites.
                if ran_tests == 0 && tests_len > 0 {
                    self.derived.files_pending += 1;
                } else {
                    self.derived.files_passed += 1;
                }
                if failing_tests > 0 {
                    ev.add_claim(
                        Claim::status(
                            format!("{path} {file_name}"),
                            "status",
                            claimed,
                            Status::Pass,
                            Status::Fail,
                            format!("{failing_tests} of its tests failed"),
                        )
                        .at(Position::field(format!("{path}.status"))),
                    );
                }
            }
            Some("failed") => {
                self.derived.files_failed += 1;
                if failing_tests == 0 {
                    // A file that failed to load, or an error outside its tests
                    // (an `afterAll` hook): nothing else records it.
                    self.derived.files_erroring += 1;
                    let note = message.unwrap_or("the file failed with no failing test and no message");
                    let mut case = Case::new(file_name, CaseOutcome::Errored).at(Position::field(&path)).message(note);
                    case.source = first_workspace_frame(note, self.workspace);
                    self.defer_replay(ev, file.as_deref(), None);
                    ev.add_case(case);
                }
            }
            Some("pending" | "skipped") => self.derived.files_pending += 1,
            other => {
                let detail = format!(
                    "status {}: the file's outcome is not known, so it is not a pass",
                    other.map_or("absent".to_owned(), |s| format!("{s:?}"))
                );
                ev.add_case(Case::new(file_name, CaseOutcome::Errored).at(Position::field(&path)).message(&detail));
            }
        }
    }

    /// One test: its outcome, recorded. Returns the outcome.
    fn test(&mut self, path: &str, value: &Value, file: Option<&str>, ev: &mut Evidence) -> CaseOutcome {
        self.derived.tests += 1;
        let Some(object) = value.as_object() else {
            let case = Case::new(path, CaseOutcome::Errored)
                .at(Position::field(path))
                .message("the entry is not a test object: its outcome is unknown");
            ev.add_case(case);
            return CaseOutcome::Errored;
        };
        let name = object
            .get("fullName")
            .or_else(|| object.get("title"))
            .and_then(Value::as_str)
            .filter(|n| !n.is_empty())
            .unwrap_or(path);
        let failure_messages: Vec<&str> = object
            .get("failureMessages")
            .and_then(Value::as_array)
            .map(|m| m.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let invocations = object.get("invocations").and_then(Value::as_u64).unwrap_or(1);
        let status = object.get("status").and_then(Value::as_str);
        let mut note = None;
        let outcome = match status {
            Some("passed") => {
                self.derived.passed += 1;
                // Jest counts the runs (`invocations`); Vitest keeps the failed
                // attempts' errors on a test that passed in the end.
                if invocations > 1 || !failure_messages.is_empty() {
                    note = Some(format!("passed after {} attempt(s)", invocations.max(2)));
                    CaseOutcome::Flaky
                } else {
                    CaseOutcome::Passed
                }
            }
            Some("failed") => {
                self.derived.failed += 1;
                CaseOutcome::Failed
            }
            // Jest: `pending` (test.skip); Vitest: `skipped`; `disabled` is the
            // third not-run status Jest's types name.
            Some(skip @ ("pending" | "skipped" | "disabled" | "todo")) => {
                if skip == "todo" {
                    self.derived.todo += 1;
                } else {
                    self.derived.pending += 1;
                }
                // A test that did not run has nothing to fail with: failure
                // messages on it are evidence its status does not account for.
                if failure_messages.is_empty() {
                    CaseOutcome::Skipped
                } else {
                    note = Some(format!("status {skip:?} with failure messages: not a clean skip"));
                    CaseOutcome::Errored
                }
            }
            other => {
                note = Some(format!(
                    "status {}: the outcome is not known, so it is not a pass",
                    other.map_or("absent".to_owned(), |s| format!("{s:?}"))
                ));
                CaseOutcome::Errored
            }
        };
        // Milliseconds; `null` for a test that did not run.
        let mut case =
            Case::new(name, outcome).at(Position::field(path)).took(duration::json_millis(object.get("duration")));
        if let Some(file) = file {
            case = case.suite(file);
        }
        if !outcome.is_failure() && outcome != CaseOutcome::Flaky {
            ev.add_case(case);
            return outcome;
        }
        let joined = failure_messages.join("\n");
        let message = match (note, joined.is_empty()) {
            (Some(n), true) => n,
            (Some(n), false) => format!("{n}\n{joined}"),
            (None, false) => joined,
            (None, true) => "failed with no failure message".to_owned(),
        };
        case.source = first_workspace_frame(&message, self.workspace).or_else(|| {
            let line = object.get("location")?.get("line")?.as_u64()?;
            first_workspace_frame(&format!("{}:{line}", file?), self.workspace)
        });
        self.defer_replay(ev, file, Some(name));
        ev.add_case(case.message(&message));
        outcome
    }

    fn defer_replay(&mut self, ev: &Evidence, file: Option<&str>, name: Option<&str>) {
        // Bounded by the failures the evidence keeps.
        if ev.failures.len() < crate::model::caps::FAILURES {
            self.deferred_replay.push((ev.failures.len(), file.map(str::to_owned), name.unwrap_or("").to_owned()));
        }
    }

    fn finish(&mut self, ev: &mut Evidence) -> Result<(), ParseError> {
        if !self.saw_results {
            return Err(wrong_type("testResults", "an array", None));
        }
        let root = Value::Object(std::mem::take(&mut self.root));
        let root = Fields::of(&root, "")?;
        let jest = JEST_ONLY_KEYS.iter().any(|k| root.has(k));
        for (index, file, name) in std::mem::take(&mut self.deferred_replay) {
            if let Some(record) = ev.failures.get_mut(index) {
                record.replay = Some(match (jest, name.is_empty()) {
                    (true, false) => replay::jest(file.as_deref(), &name),
                    (false, false) => replay::vitest(file.as_deref(), &name),
                    (true, true) => replay::jest_file(file.as_deref()),
                    (false, true) => replay::vitest_file(file.as_deref()),
                });
            }
        }
        if let Some(start) = root.opt_u64("startTime")? {
            ev.add_provenance(ProvenanceKind::GeneratedAt, "startTime", &start.to_string());
        }
        if root.opt_bool("wasInterrupted")? == Some(true) {
            ev.observe(Observation::Truncated {
                detail: "wasInterrupted: true: the run was stopped before every file ran".to_owned(),
                position: Position::field("wasInterrupted"),
            });
        }
        let d = &self.derived;
        let mut pairs = vec![
            ("numTotalTests", d.tests, "entries in assertionResults[]"),
            ("numPassedTests", d.passed, "tests with status passed"),
            ("numFailedTests", d.failed, "tests with status failed"),
            ("numPendingTests", d.pending, "tests with status pending, skipped or disabled"),
            ("numTodoTests", d.todo, "tests with status todo"),
        ];
        if jest {
            // Vitest counts describe blocks as suites too, which the report does
            // not list: its suite counts are not compared.
            pairs.extend([
                ("numTotalTestSuites", d.files, "entries in testResults[]"),
                ("numPassedTestSuites", d.files_passed, "files with status passed and a test that ran"),
                ("numFailedTestSuites", d.files_failed, "files with status failed"),
                ("numPendingTestSuites", d.files_pending, "files whose tests were all skipped or todo"),
            ]);
        }
        for (key, derived, evidence) in pairs {
            if let Some(claimed) = root.opt_count(key)? {
                ev.add_claim(Claim::count("report", key, claimed, derived, evidence).at(Position::field(key)));
            }
        }
        if let Some(claimed) = root.opt_count("numRuntimeErrorTestSuites")? {
            // A failed file with no failing test erred outside its tests for
            // certain; one with failing tests may have too (an `afterAll` error
            // beside them), which the report does not tell apart.
            let (low, high) = (d.files_erroring, d.files_failed);
            let derived = claimed.clamp(low, high.max(low));
            let evidence = format!(
                "between {low} (failed files with no failing test) and {high} (failed files), as the report can tell"
            );
            ev.add_claim(
                Claim::count("report", "numRuntimeErrorTestSuites", claimed, derived, evidence)
                    .at(Position::field("numRuntimeErrorTestSuites")),
            );
        }
        if let Some(success) = root.get("success") {
            let snapshot_failed = root.opt_object("snapshot")?.and_then(|s| s.opt_bool("failure").ok().flatten());
            let failures = ev.tally.failures();
            let derived = if failures > 0 || snapshot_failed == Some(true) { Status::Fail } else { Status::Pass };
            let claimed = match success.as_bool() {
                Some(true) => Status::Pass,
                Some(false) => Status::Fail,
                None => Status::Unknown,
            };
            let evidence = match (failures, snapshot_failed) {
                (0, Some(true)) => "snapshot.failure is true".to_owned(),
                (n, _) => format!("{n} failed or errored case(s)"),
            };
            ev.add_claim(
                Claim::status("report", "success", success.to_string(), claimed, derived, evidence)
                    .at(Position::field("success")),
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
