//! Playwright Test's JSON reporter: `{config, suites, errors, stats}`
//! (docs/formats/playwright_json.md).
//!
//! Raw evidence: each test's `results[]` (one per attempt) against its
//! `expectedStatus`, classified as Playwright itself does (`expected`,
//! `unexpected`, `flaky`, `skipped`); top-level `errors[]` (a global setup
//! that threw, a file that failed to load) are errored cases. Claims:
//! `stats.expected`, `stats.unexpected`, `stats.flaky`, `stats.skipped`, and,
//! where they disagree with the results, each test's `status` and each spec's
//! `ok`.
//!
//! Suites are walked with serde visitors, nesting included; each spec (one
//! test body, its tests per project and their results) is parsed, judged and
//! dropped, so memory follows the largest spec, not the report.

use std::io::BufRead;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::duration;
use super::json::{EachElement, EachField, Fields, ObjectFields, syntax_error, walk_document, wrong_type};
use super::location::{first_workspace_frame, workspace_relative};
use super::{ParseError, ReadContext, Sniff};
use crate::model::{Case, CaseOutcome, Claim, Evidence, Format, Position, ProvenanceKind, Status};
use crate::replay;

/// The root's first key is `config`, which holds Playwright's `rootDir`.
pub fn detect(sniff: &Sniff<'_>) -> Option<Format> {
    let text = sniff.text();
    let body = text.trim_start_matches('\u{feff}').trim_start().strip_prefix('{')?.trim_start();
    (body.starts_with("\"config\"") && text.contains("\"rootDir\"") && text.contains("\"projects\""))
        .then_some(Format::PlaywrightJson)
}

pub fn read(input: &mut dyn BufRead, ev: &mut Evidence, cx: &ReadContext<'_>) -> Result<(), ParseError> {
    let mut state = State { workspace: cx.workspace, ..State::default() };
    let mut root = Root { state: &mut state, ev: &mut *ev, saw_config: false, saw_errors: false };
    walk_document(input, "a Playwright JSON report object", &mut root).map_err(syntax_error)?;
    state.finish(ev)
}

/// Suites nest as deep as `describe` blocks do; past this the report is refused.
const MAX_SUITE_DEPTH: usize = 64;

/// A test's outcome as Playwright classifies it (`TestCase.outcome()`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum PwOutcome {
    Expected,
    Unexpected,
    Flaky,
    Skipped,
}

impl PwOutcome {
    fn as_str(self) -> &'static str {
        match self {
            Self::Expected => "expected",
            Self::Unexpected => "unexpected",
            Self::Flaky => "flaky",
            Self::Skipped => "skipped",
        }
    }

    fn status(self) -> Status {
        match self {
            Self::Unexpected => Status::Fail,
            _ => Status::Pass,
        }
    }
}

fn claimed_status(raw: &str) -> Status {
    match raw {
        "expected" | "flaky" | "skipped" => Status::Pass,
        "unexpected" => Status::Fail,
        _ => Status::Unknown,
    }
}

#[derive(Default)]
struct Counts {
    expected: u64,
    unexpected: u64,
    flaky: u64,
    skipped: u64,
}

#[derive(Default)]
struct State<'w> {
    workspace: Option<&'w str>,
    /// `config.rootDir`, which spec files are relative to (known when `config`
    /// comes first, as Playwright writes it).
    root_dir: Option<String>,
    stats: Option<Value>,
    saw_suites: bool,
    counts: Counts,
    /// Titles of the suites around the spec being read, outermost first.
    titles: Vec<String>,
    specs: u64,
}

/// The root object's fields.
struct Root<'a, 'w> {
    state: &'a mut State<'w>,
    ev: &'a mut Evidence,
    saw_config: bool,
    saw_errors: bool,
}

fn twice<E: serde::de::Error>(key: &str) -> E {
    E::custom(format!("the key {key:?} appears twice"))
}

impl ObjectFields for Root<'_, '_> {
    fn field<'de, A: MapAccess<'de>>(&mut self, key: String, map: &mut A) -> Result<(), A::Error> {
        let (state, ev) = (&mut *self.state, &mut *self.ev);
        match key.as_str() {
            "config" => {
                let config: Value = map.next_value()?;
                if std::mem::replace(&mut self.saw_config, true) {
                    return Err(twice(&key));
                }
                state.root_dir = config.get("rootDir").and_then(Value::as_str).map(str::to_owned);
            }
            "suites" => {
                if std::mem::replace(&mut state.saw_suites, true) {
                    return Err(twice(&key));
                }
                map.next_value_seed(SuitesSeed { state, ev, path: "suites".to_owned() })?;
            }
            "errors" => {
                if std::mem::replace(&mut self.saw_errors, true) {
                    return Err(twice(&key));
                }
                map.next_value_seed(EachElement::new(&mut |index, error: Value| state.error(index, &error, ev)))?;
            }
            "stats" => {
                let stats: Value = map.next_value()?;
                if state.stats.replace(stats).is_some() {
                    return Err(twice(&key));
                }
            }
            _ => {
                let _: serde::de::IgnoredAny = map.next_value()?;
            }
        }
        Ok(())
    }
}

/// A `suites` array, at any depth.
struct SuitesSeed<'a, 'w> {
    state: &'a mut State<'w>,
    ev: &'a mut Evidence,
    path: String,
}

impl<'de> DeserializeSeed<'de> for SuitesSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for SuitesSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an array of suites")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        if self.state.titles.len() >= MAX_SUITE_DEPTH {
            return Err(serde::de::Error::custom(format!("suites nest deeper than {MAX_SUITE_DEPTH} levels")));
        }
        let mut index = 0usize;
        loop {
            let depth = self.state.titles.len();
            // The title names the specs below it; Playwright writes it first.
            self.state.titles.push(String::new());
            let path = format!("{}[{index}]", self.path);
            let mut suite = Suite { state: &mut *self.state, ev: &mut *self.ev, path };
            let read = seq.next_element_seed(EachField::expecting("a suite object", &mut suite));
            self.state.titles.truncate(depth);
            if read?.is_none() {
                return Ok(());
            }
            index += 1;
        }
    }
}

/// One suite's fields: a file (the outermost) or a `describe` block. Its title
/// is the last of `state.titles`, pushed by [`SuitesSeed`].
struct Suite<'a, 'w> {
    state: &'a mut State<'w>,
    ev: &'a mut Evidence,
    path: String,
}

impl ObjectFields for Suite<'_, '_> {
    fn field<'de, A: MapAccess<'de>>(&mut self, key: String, map: &mut A) -> Result<(), A::Error> {
        let (state, ev) = (&mut *self.state, &mut *self.ev);
        match key.as_str() {
            "title" => {
                let title: Value = map.next_value()?;
                if let (Some(slot), Some(title)) = (state.titles.last_mut(), title.as_str()) {
                    title.clone_into(slot);
                }
            }
            "specs" => {
                let path = format!("{}.specs", self.path);
                map.next_value_seed(EachElement::new(&mut |index, spec: Value| {
                    state.spec(&format!("{path}[{index}]"), &spec, ev);
                }))?;
            }
            "suites" => {
                let path = format!("{}.suites", self.path);
                map.next_value_seed(SuitesSeed { state, ev, path })?;
            }
            _ => {
                let _: serde::de::IgnoredAny = map.next_value()?;
            }
        }
        Ok(())
    }
}

/// Playwright's classification of one test from its results: interrupted
/// attempts do not count; all skipped (or none) is `skipped`; every attempt
/// as expected is `expected`; none is `unexpected`; some of each is `flaky`.
fn classify(results: &[&Map<String, Value>], expected_status: &str) -> PwOutcome {
    let counted: Vec<&str> = results
        .iter()
        .map(|r| r.get("status").and_then(Value::as_str).unwrap_or(""))
        .filter(|s| *s != "interrupted")
        .collect();
    if counted.iter().all(|s| *s == "skipped") {
        return PwOutcome::Skipped;
    }
    let unexpected = counted.iter().filter(|s| **s != expected_status).count();
    match unexpected {
        0 => PwOutcome::Expected,
        n if n == counted.len() => PwOutcome::Unexpected,
        _ => PwOutcome::Flaky,
    }
}

/// A test's duration: the sum of its attempts' (each result's `duration`, in
/// milliseconds), retries and interrupted attempts included, as the JUnit
/// reader sums a retried pytest testcase's (`junit/retry.rs`): the time the
/// test cost the run. None when it has no result, or when an attempt has no
/// duration (a partial sum would read as a faster test).
fn attempts_seconds(results: &[&Map<String, Value>]) -> Option<f64> {
    if results.is_empty() {
        return None;
    }
    results.iter().map(|r| duration::json_millis(r.get("duration"))).sum()
}

/// Terminal colour codes Playwright leaves in error messages.
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.clone().next() == Some('[') {
                chars.next();
                for c in chars.by_ref() {
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
            continue;
        }
        out.push(c);
    }
    out
}

impl State<'_> {
    /// A spec file path (relative to `rootDir`) as a path from the workspace
    /// when it lies inside it, else as written.
    fn file_path(&self, file: &str) -> String {
        let absolute = self.root_dir.as_deref().map(|root| format!("{}/{file}", root.trim_end_matches('/')));
        absolute.and_then(|a| workspace_relative(&a, self.workspace)).unwrap_or_else(|| file.to_owned())
    }

    fn spec(&mut self, path: &str, value: &Value, ev: &mut Evidence) {
        self.specs += 1;
        let Some(spec) = value.as_object() else {
            ev.add_case(
                Case::new(path, CaseOutcome::Errored)
                    .at(Position::field(path))
                    .message("the spec is not an object: its outcome is unknown"),
            );
            return;
        };
        let title = spec.get("title").and_then(Value::as_str).unwrap_or(path);
        // The outermost suite is the file; the name is the describe path and title.
        let mut parts: Vec<&str> = self.titles.iter().skip(1).map(String::as_str).filter(|t| !t.is_empty()).collect();
        parts.push(title);
        let name = parts.join(" › ");
        let file = spec.get("file").and_then(Value::as_str).map(|f| self.file_path(f));
        let line = spec.get("line").and_then(Value::as_u64);
        let Some(tests) = spec.get("tests").and_then(Value::as_array) else {
            ev.add_case(
                Case::new(&name, CaseOutcome::Errored)
                    .at(Position::field(path))
                    .message("the spec has no tests array: its outcome is unknown"),
            );
            return;
        };
        let mut all_ok = true;
        for (index, test) in tests.iter().enumerate() {
            let test_path = format!("{path}.tests[{index}]");
            let outcome = self.test(&test_path, test, &name, file.as_deref(), line, ev);
            all_ok &= outcome.is_some_and(|o| o != PwOutcome::Unexpected);
        }
        match spec.get("ok").and_then(Value::as_bool) {
            Some(ok) if ok != all_ok => ev.add_claim(
                Claim::status(
                    format!("{path} {name}"),
                    "ok",
                    ok.to_string(),
                    if ok { Status::Pass } else { Status::Fail },
                    if all_ok { Status::Pass } else { Status::Fail },
                    "the results of its tests",
                )
                .at(Position::field(format!("{path}.ok"))),
            ),
            Some(_) => {}
            None => ev.add_claim(
                Claim::status(
                    format!("{path} {name}"),
                    "ok",
                    "absent",
                    Status::Unknown,
                    if all_ok { Status::Pass } else { Status::Fail },
                    "the results of its tests",
                )
                .at(Position::field(format!("{path}.ok"))),
            ),
        }
    }

    /// One test (a spec in one project): its case, and its `status` claim when
    /// it disagrees with the results. `None` when it is not a test object.
    fn test(
        &mut self,
        path: &str,
        value: &Value,
        name: &str,
        file: Option<&str>,
        line: Option<u64>,
        ev: &mut Evidence,
    ) -> Option<PwOutcome> {
        let project = value.get("projectName").and_then(Value::as_str).filter(|p| !p.is_empty());
        let expected_status = value.get("expectedStatus").and_then(Value::as_str);
        let results: Option<Vec<&Map<String, Value>>> =
            value.get("results").and_then(Value::as_array).map(|r| r.iter().filter_map(Value::as_object).collect());
        let (Some(expected_status), Some(results)) = (expected_status, results) else {
            ev.add_case(
                Case::new(name, CaseOutcome::Errored)
                    .at(Position::field(path))
                    .message("the test has no expectedStatus or results: its outcome is unknown"),
            );
            return None;
        };
        let pw = classify(&results, expected_status);
        match pw {
            PwOutcome::Expected => self.counts.expected += 1,
            PwOutcome::Unexpected => self.counts.unexpected += 1,
            PwOutcome::Flaky => self.counts.flaky += 1,
            PwOutcome::Skipped => self.counts.skipped += 1,
        }
        if let Some(status) = value.get("status").and_then(Value::as_str).filter(|s| *s != pw.as_str()) {
            ev.add_claim(
                Claim::status(
                    format!("{path} {name}"),
                    "status",
                    status,
                    claimed_status(status),
                    pw.status(),
                    format!("{} result(s) against expectedStatus {expected_status}: {}", results.len(), pw.as_str()),
                )
                .at(Position::field(format!("{path}.status"))),
            );
        }
        let last = results.last().and_then(|r| r.get("status")).and_then(Value::as_str).unwrap_or("");
        let interrupted = results.iter().any(|r| r.get("status").and_then(Value::as_str) == Some("interrupted"));
        let (outcome, note) = match pw {
            PwOutcome::Expected if expected_status == "skipped" || last == "skipped" => (CaseOutcome::Skipped, None),
            PwOutcome::Expected => (CaseOutcome::Passed, None),
            PwOutcome::Flaky => (CaseOutcome::Flaky, Some(format!("passed on retry {}", results.len() - 1))),
            PwOutcome::Unexpected if expected_status == "failed" && last == "passed" => {
                (CaseOutcome::Failed, Some("marked test.fail() but passed".to_owned()))
            }
            PwOutcome::Unexpected => (CaseOutcome::Failed, Some(format!("ended {last}"))),
            // Playwright counts a test that never ran, or was interrupted, as skipped.
            PwOutcome::Skipped if interrupted => {
                (CaseOutcome::Incomplete, Some("interrupted: Playwright counts it as skipped".to_owned()))
            }
            PwOutcome::Skipped if results.is_empty() && expected_status != "skipped" => {
                (CaseOutcome::Incomplete, Some("never ran (no results): Playwright counts it as skipped".to_owned()))
            }
            PwOutcome::Skipped => (CaseOutcome::Skipped, None),
        };
        let mut case = Case::new(name, outcome).at(Position::field(path)).took(attempts_seconds(&results));
        if let Some(file) = file {
            case = case.suite(file);
        }
        if !outcome.is_failure() && outcome != CaseOutcome::Flaky {
            ev.add_case(case);
            return Some(pw);
        }
        // The error of the last attempt that did not go as expected.
        let failing = results.iter().rev().find(|r| r.get("status").and_then(Value::as_str) != Some(expected_status));
        let error = failing.and_then(|r| r.get("error"));
        let error_text =
            error.and_then(|e| e.get("stack").or_else(|| e.get("message"))).and_then(Value::as_str).map(strip_ansi);
        let message = match (note, error_text.as_deref()) {
            (Some(n), Some(e)) => format!("{n}\n{e}"),
            (Some(n), None) => n,
            (None, Some(e)) => e.to_owned(),
            (None, None) => "no error recorded".to_owned(),
        };
        case.source = error
            .and_then(|e| e.get("location"))
            .and_then(|l| Some(format!("{}:{}", l.get("file")?.as_str()?, l.get("line")?.as_u64()?)))
            .and_then(|frame| first_workspace_frame(&frame, self.workspace))
            .or_else(|| first_workspace_frame(&format!("{}:{}", file?, line?), self.workspace));
        if let Some(file) = file {
            case.replay = Some(replay::playwright(file, line, project));
        }
        ev.add_case(case.message(&message));
        Some(pw)
    }

    /// A top-level error: outside every test, so nothing else records it.
    fn error(&mut self, index: usize, value: &Value, ev: &mut Evidence) {
        let path = format!("errors[{index}]");
        let text = value
            .get("stack")
            .or_else(|| value.get("message"))
            .and_then(Value::as_str)
            .map_or_else(|| "an error outside every test, with no message".to_owned(), strip_ansi);
        let location = value.get("location");
        let file = location.and_then(|l| l.get("file")).and_then(Value::as_str);
        let first_line = text.lines().next().unwrap_or("").chars().take(200).collect::<String>();
        let name = format!("error outside tests: {first_line}");
        let relative = file.map(|f| workspace_relative(f, self.workspace).unwrap_or_else(|| f.to_owned()));
        let mut case = Case::new(&name, CaseOutcome::Errored).at(Position::field(&path)).message(&text);
        if let Some(file) = relative.as_deref() {
            case = case.suite(file);
        }
        case.source = location
            .and_then(|l| Some(format!("{}:{}", l.get("file")?.as_str()?, l.get("line")?.as_u64()?)))
            .and_then(|frame| first_workspace_frame(&frame, self.workspace));
        case.replay = Some(match relative.as_deref() {
            Some(file) if file.contains(".spec.") || file.contains(".test.") => replay::playwright(file, None, None),
            _ => "npx playwright test".to_owned(),
        });
        ev.add_case(case);
    }

    fn finish(&mut self, ev: &mut Evidence) -> Result<(), ParseError> {
        if !self.saw_suites {
            return Err(wrong_type("suites", "an array", None));
        }
        let stats = self.stats.take();
        let stats = Fields::of(stats.as_ref().ok_or_else(|| wrong_type("stats", "an object", None))?, "stats")?;
        if let Some(start) = stats.opt_str("startTime")? {
            ev.add_provenance(ProvenanceKind::GeneratedAt, "stats.startTime", start);
        }
        let c = &self.counts;
        for (key, derived, evidence) in [
            ("expected", c.expected, "tests whose every counted result matches expectedStatus"),
            ("unexpected", c.unexpected, "tests whose every counted result differs from expectedStatus"),
            ("flaky", c.flaky, "tests with results both as expected and not"),
            ("skipped", c.skipped, "tests with no result but skipped or interrupted ones"),
        ] {
            let field = stats.path(key);
            let claimed = stats.count(key)?;
            ev.add_claim(Claim::count("stats", &field, claimed, derived, evidence).at(Position::field(&field)));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
