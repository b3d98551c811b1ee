//! CTRF, the Common Test Report Format (`ctrf-io/ctrf`, schema in
//! `shared/docs/ctrf.schema.json`): specVersion 0.0.0 and 1.0.0, and the older
//! form holding only `{"results": ...}`.
//!
//! Raw evidence: each `results.tests[]` entry's `status` (with `flaky` and
//! `retryAttempts`). Claims: every count of `results.summary` against the entries,
//! and a retried test's final `status` against its last attempt.
//!
//! `tests[]` is streamed: the document is walked with serde visitors and each
//! entry is parsed, judged and dropped before the next, so memory follows the
//! largest single entry, not the number of tests.
//!
//! The schema says consumers must reject non-conforming documents. A violation
//! (wrong type, missing required field, unknown property) is recorded as an
//! [`Observation::ProtocolViolation`] and the rest is still read, so the verdict
//! shows both the violation and whatever failures the report holds. One known
//! real deviation is tolerated: jest-ctrf-json-reporter writes `suite` as a
//! string (`"a.test.js > describe"`) instead of an array.

use std::collections::HashSet;
use std::io::BufRead;

use serde::de::MapAccess;
use serde_json::{Map, Value};

use super::duration;
use super::json::{EachElement, EachField, ObjectFields, sniff_string_field, syntax_error, walk_document};
use super::location::first_workspace_frame;
use super::{ParseError, ReadContext, Sniff};
use crate::model::{
    Case, CaseOutcome, Claim, Evidence, Format, Observation, Position, ProvenanceKind, Status, Violation,
};
use crate::replay;

pub fn detect(sniff: &Sniff<'_>) -> Option<Format> {
    if sniff.first_significant()? != b'{' {
        return None;
    }
    let text = sniff.text();
    if sniff_string_field(text, "reportFormat") == Some("CTRF") {
        return Some(Format::Ctrf);
    }
    // The older form: `{"results": {"tool": ..., "summary": ..., "tests": [...]}}`.
    let body = text.trim_start_matches('\u{feff}').trim_start().strip_prefix('{')?.trim_start();
    let results_first = body.starts_with("\"results\"");
    (results_first && text.contains("\"tool\"") && (text.contains("\"summary\"") || text.contains("\"tests\"")))
        .then_some(Format::Ctrf)
}

/// At most this many schema violations are recorded one by one; the rest are counted.
const MAX_VIOLATIONS: usize = 50;

/// Read a CTRF report. `workspace` resolves absolute paths (in `trace`,
/// `message`, `filePath`) to annotation locations.
pub fn read(input: &mut dyn BufRead, ev: &mut Evidence, cx: &ReadContext<'_>) -> Result<(), ParseError> {
    let workspace = cx.workspace;
    let mut state = State { workspace: workspace.map(str::to_owned), ..State::default() };
    let mut root = Root { state: &mut state, ev: &mut *ev, seen: HashSet::new() };
    let walked = walk_document(input, "a CTRF report object", &mut root);
    match walked {
        Ok(()) => {
            state.finish(ev);
            Ok(())
        }
        Err(err) => {
            // The cases read before the break stay; the summary is not compared
            // with a list that was cut short.
            state.flush_violations(ev);
            Err(syntax_error(err))
        }
    }
}

#[derive(Default)]
struct StatusCounts {
    entries: u64,
    passed: u64,
    failed: u64,
    skipped: u64,
    pending: u64,
    other: u64,
    flaky: u64,
}

#[derive(Default)]
struct State {
    workspace: Option<String>,
    report_format: Option<Value>,
    spec_version: Option<Value>,
    other_root_keys: bool,
    saw_results: bool,
    tool_name: Option<String>,
    saw_tool: bool,
    summary: Option<Value>,
    saw_tests: bool,
    counts: StatusCounts,
    violations: Vec<(String, Position)>,
    violations_dropped: u64,
    /// Failures recorded before `results.tool` was read: (index in
    /// `ev.failures`, file path, name), to receive a replay command at the end.
    deferred_replay: Vec<(usize, Option<String>, String)>,
}

/// The root object's fields.
struct Root<'a> {
    state: &'a mut State,
    ev: &'a mut Evidence,
    /// A set: a hostile object can hold a million keys.
    seen: HashSet<String>,
}

impl ObjectFields for Root<'_> {
    fn field<'de, A: MapAccess<'de>>(&mut self, key: String, map: &mut A) -> Result<(), A::Error> {
        if self.seen.contains(&key) {
            // serde_json keeps the last of duplicate keys; a reader that walks the
            // document would count `tests` twice. Neither is the producer's intent.
            self.state.violation(format!("the report has the key {key:?} twice"), Position::field(&key));
        }
        match key.as_str() {
            "results" => {
                self.state.saw_results = true;
                let mut results = Results { state: &mut *self.state, ev: &mut *self.ev, seen: HashSet::new() };
                map.next_value_seed(EachField::expecting("the results object", &mut results))?;
            }
            _ => {
                let value: Value = map.next_value()?;
                self.state.root_field(&key, value);
            }
        }
        self.seen.insert(key);
        Ok(())
    }
}

/// The fields of `results`.
struct Results<'a> {
    state: &'a mut State,
    ev: &'a mut Evidence,
    /// A set: a hostile object can hold a million keys.
    seen: HashSet<String>,
}

impl ObjectFields for Results<'_> {
    fn field<'de, A: MapAccess<'de>>(&mut self, key: String, map: &mut A) -> Result<(), A::Error> {
        let path = format!("results.{key}");
        if self.seen.contains(&key) {
            self.state.violation(format!("results has the key {key:?} twice"), Position::field(&path));
        }
        match key.as_str() {
            "tests" => {
                self.state.saw_tests = true;
                let (state, ev) = (&mut *self.state, &mut *self.ev);
                // One entry at a time: parsed, judged, dropped.
                map.next_value_seed(EachElement::expecting("the results.tests array", &mut |index, entry: Value| {
                    state.test(index, &entry, ev);
                }))?;
            }
            "tool" => {
                let value: Value = map.next_value()?;
                self.state.tool(&value);
            }
            "summary" => {
                self.state.summary = Some(map.next_value()?);
            }
            "environment" => {
                let value: Value = map.next_value()?;
                self.state.check_object(&value, &path, ENVIRONMENT_FIELDS, &[]);
            }
            "extra" => {
                let value: Value = map.next_value()?;
                self.state.check_kind(&value, Kind::Object, &path);
            }
            _ => {
                let _: serde::de::IgnoredAny = map.next_value()?;
                self.state.violation(format!("{path}: unknown property"), Position::field(&path));
            }
        }
        self.seen.insert(key);
        Ok(())
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Str,
    Int,
    Bool,
    StrArray,
    Object,
    ObjectArray,
}

impl Kind {
    fn matches(self, value: &Value) -> bool {
        match self {
            Self::Str => value.is_string(),
            Self::Int => value.is_i64() || value.is_u64(),
            Self::Bool => value.is_boolean(),
            Self::StrArray => value.as_array().is_some_and(|a| a.iter().all(Value::is_string)),
            Self::Object => value.is_object(),
            Self::ObjectArray => value.as_array().is_some_and(|a| a.iter().all(Value::is_object)),
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Self::Str => "a string",
            Self::Int => "an integer",
            Self::Bool => "a boolean",
            Self::StrArray => "an array of strings",
            Self::Object => "an object",
            Self::ObjectArray => "an array of objects",
        }
    }
}

const ROOT_FIELDS: &[(&str, Kind)] = &[
    ("reportFormat", Kind::Str),
    ("specVersion", Kind::Str),
    ("reportId", Kind::Str),
    ("runId", Kind::Str),
    ("timestamp", Kind::Str),
    ("generatedBy", Kind::Str),
    ("extra", Kind::Object),
    ("insights", Kind::Object),
    ("baseline", Kind::Object),
];

const TOOL_FIELDS: &[(&str, Kind)] = &[("name", Kind::Str), ("version", Kind::Str), ("extra", Kind::Object)];

const SUMMARY_FIELDS: &[(&str, Kind)] = &[
    ("tests", Kind::Int),
    ("passed", Kind::Int),
    ("failed", Kind::Int),
    ("skipped", Kind::Int),
    ("pending", Kind::Int),
    ("other", Kind::Int),
    ("flaky", Kind::Int),
    ("suites", Kind::Int),
    ("start", Kind::Int),
    ("stop", Kind::Int),
    ("duration", Kind::Int),
    ("extra", Kind::Object),
];
const SUMMARY_REQUIRED: &[&str] = &["tests", "passed", "failed", "skipped", "pending", "other", "start", "stop"];

const ENVIRONMENT_FIELDS: &[(&str, Kind)] = &[
    ("reportName", Kind::Str),
    ("appName", Kind::Str),
    ("appVersion", Kind::Str),
    ("buildId", Kind::Str),
    ("buildName", Kind::Str),
    ("buildNumber", Kind::Int),
    ("buildUrl", Kind::Str),
    ("repositoryName", Kind::Str),
    ("repositoryUrl", Kind::Str),
    ("commit", Kind::Str),
    ("branchName", Kind::Str),
    ("osPlatform", Kind::Str),
    ("osRelease", Kind::Str),
    ("osVersion", Kind::Str),
    ("testEnvironment", Kind::Str),
    ("shardId", Kind::Str),
    ("healthy", Kind::Bool),
    ("extra", Kind::Object),
];

/// Every property a test entry may have, except `suite` (checked on its own).
const TEST_FIELDS: &[(&str, Kind)] = &[
    ("id", Kind::Str),
    ("testId", Kind::Str),
    ("executionId", Kind::Str),
    ("name", Kind::Str),
    ("status", Kind::Str),
    ("duration", Kind::Int),
    ("start", Kind::Int),
    ("stop", Kind::Int),
    ("message", Kind::Str),
    ("trace", Kind::Str),
    ("snippet", Kind::Str),
    ("ai", Kind::Str),
    ("line", Kind::Int),
    ("rawStatus", Kind::Str),
    ("tags", Kind::StrArray),
    ("labels", Kind::Object),
    ("type", Kind::Str),
    ("filePath", Kind::Str),
    ("retries", Kind::Int),
    ("retryAttempts", Kind::ObjectArray),
    ("flaky", Kind::Bool),
    ("stdout", Kind::StrArray),
    ("stderr", Kind::StrArray),
    ("threadId", Kind::Str),
    ("browser", Kind::Str),
    ("device", Kind::Str),
    ("screenshot", Kind::Str),
    ("attachments", Kind::ObjectArray),
    ("parameters", Kind::Object),
    ("steps", Kind::ObjectArray),
    ("insights", Kind::Object),
    ("extra", Kind::Object),
];
const TEST_REQUIRED: &[&str] = &["name", "status", "duration"];

const STATUSES: &[&str] = &["passed", "failed", "skipped", "pending", "other"];

/// `rawStatus` values under `status: "other"` that say the test did not run
/// (jest maps `todo` to `other`). Any other `other` has an unknown outcome.
const NOT_RUN_RAW_STATUSES: &[&str] = &["todo", "pending", "skipped", "skip", "disabled", "ignored", "excluded"];

fn describe_value(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("boolean {b}"),
        Value::Number(n) => format!("number {n}"),
        Value::String(s) => format!("string {:?}", crate::text::truncate(s, 40)),
        Value::Array(_) => "an array".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}

impl State {
    fn violation(&mut self, detail: String, position: Position) {
        if self.violations.len() < MAX_VIOLATIONS {
            self.violations.push((detail, position));
        } else {
            self.violations_dropped += 1;
        }
    }

    fn check_kind(&mut self, value: &Value, kind: Kind, path: &str) -> bool {
        if kind.matches(value) {
            return true;
        }
        self.violation(
            format!("{path}: expected {}, found {}", kind.describe(), describe_value(value)),
            Position::field(path),
        );
        false
    }

    /// Check an object's properties against the schema's list: types of the known
    /// ones, presence of the required ones, and no others (`additionalProperties: false`).
    fn check_object(&mut self, value: &Value, path: &str, fields: &[(&str, Kind)], required: &[&str]) -> bool {
        let Some(object) = value.as_object() else {
            self.check_kind(value, Kind::Object, path);
            return false;
        };
        self.check_fields(object, path, fields, required, &[]);
        true
    }

    fn check_fields(
        &mut self,
        object: &Map<String, Value>,
        path: &str,
        fields: &[(&str, Kind)],
        required: &[&str],
        handled_elsewhere: &[&str],
    ) {
        for (key, value) in object {
            let field_path = format!("{path}.{key}");
            match fields.iter().find(|(name, _)| name == key) {
                Some((_, kind)) => {
                    self.check_kind(value, *kind, &field_path);
                }
                None if handled_elsewhere.contains(&key.as_str()) => {}
                None => self.violation(format!("{field_path}: unknown property"), Position::field(&field_path)),
            }
        }
        for key in required {
            if !object.contains_key(*key) {
                let field_path = format!("{path}.{key}");
                self.violation(format!("{field_path}: required, missing"), Position::field(&field_path));
            }
        }
    }

    fn root_field(&mut self, key: &str, value: Value) {
        match key {
            "reportFormat" => self.report_format = Some(value),
            "specVersion" => self.spec_version = Some(value),
            _ => {
                self.other_root_keys = true;
                match ROOT_FIELDS.iter().find(|(name, _)| *name == key) {
                    Some((_, kind)) => {
                        self.check_kind(&value, *kind, key);
                    }
                    None => self.violation(format!("{key}: unknown property"), Position::field(key)),
                }
            }
        }
    }

    fn tool(&mut self, value: &Value) {
        self.saw_tool = true;
        if self.check_object(value, "results.tool", TOOL_FIELDS, &["name"]) {
            match value.get("name").and_then(Value::as_str) {
                Some("") => self.violation("results.tool.name: empty".to_owned(), Position::field("results.tool.name")),
                Some(name) => self.tool_name = Some(name.to_owned()),
                None => {}
            }
        }
    }

    fn test(&mut self, index: usize, value: &Value, ev: &mut Evidence) {
        let path = format!("results.tests[{index}]");
        let position = Position::field(&path);
        self.counts.entries += 1;
        let Some(object) = value.as_object() else {
            self.check_kind(value, Kind::Object, &path);
            ev.add_case(
                Case::new(&path, CaseOutcome::Errored)
                    .at(position)
                    .message("the entry is not a test object: its outcome is unknown"),
            );
            return;
        };
        self.check_fields(object, &path, TEST_FIELDS, TEST_REQUIRED, &["suite"]);

        let name = match object.get("name").and_then(Value::as_str) {
            Some(name) if !name.is_empty() => name,
            Some(_) => {
                self.violation(format!("{path}.name: empty"), Position::field(format!("{path}.name")));
                path.as_str()
            }
            None => path.as_str(),
        };
        let suite = self.suite(object, &path);
        let str_field = |key: &str| object.get(key).and_then(Value::as_str);
        let file_path = str_field("filePath");
        let message = str_field("message").or(str_field("trace"));
        let raw_status = str_field("rawStatus");
        let status = object.get("status");
        let status_str = status.and_then(Value::as_str).filter(|s| STATUSES.contains(s));
        if let (Some(value @ Value::String(_)), None) = (status, status_str) {
            self.violation(
                format!("{path}.status: expected one of {}, found {}", STATUSES.join(", "), describe_value(value)),
                Position::field(format!("{path}.status")),
            );
        }

        let attempts = self.retry_attempts(object, &path);
        let flaky_flag = object.get("flaky").and_then(Value::as_bool) == Some(true);
        let failed_attempts = attempts.iter().filter(|(_, s)| *s == "failed").count();
        // The last attempt is the rawest evidence of how a retried test ended; the
        // status is the reporter's claim about it (compared below).
        let last_attempt = attempts.iter().max_by_key(|(n, _)| *n).map(|(_, s)| s.as_str());
        let mut detail = None;
        let outcome = match status_str {
            Some("passed") => {
                self.counts.passed += 1;
                if last_attempt == Some("failed") {
                    CaseOutcome::Failed
                } else if flaky_flag || failed_attempts > 0 {
                    self.counts.flaky += 1;
                    CaseOutcome::Flaky
                } else {
                    CaseOutcome::Passed
                }
            }
            Some("failed") => {
                self.counts.failed += 1;
                if last_attempt == Some("passed") { CaseOutcome::Flaky } else { CaseOutcome::Failed }
            }
            Some("skipped") => {
                self.counts.skipped += 1;
                CaseOutcome::Skipped
            }
            Some("pending") => {
                self.counts.pending += 1;
                CaseOutcome::Skipped
            }
            Some(_) => {
                self.counts.other += 1;
                match raw_status {
                    Some(raw) if NOT_RUN_RAW_STATUSES.contains(&raw.to_ascii_lowercase().as_str()) => {
                        CaseOutcome::Skipped
                    }
                    raw => {
                        detail = Some(format!(
                            "status \"other\" (rawStatus {}): the outcome is not known, so it is not a pass",
                            raw.map_or("absent".to_owned(), |r| format!("{r:?}"))
                        ));
                        CaseOutcome::Incomplete
                    }
                }
            }
            None => {
                detail = Some("no valid status: the outcome is not known".to_owned());
                CaseOutcome::Errored
            }
        };

        // A retried test's status is its final outcome; its last attempt must agree.
        if let Some((last_attempt, last_status)) = attempts.iter().max_by_key(|(n, _)| *n)
            && let Some(status) = status_str
            && matches!((status, last_status.as_str()), ("passed", "failed") | ("failed", "passed"))
        {
            let (claimed, derived) =
                if status == "passed" { (Status::Pass, Status::Fail) } else { (Status::Fail, Status::Pass) };
            ev.add_claim(
                Claim::status(
                    format!("{path} {name}"),
                    "status",
                    status,
                    claimed,
                    derived,
                    format!("the last of {} retryAttempts (attempt {last_attempt}) is {last_status}", attempts.len()),
                )
                .at(Position::field(format!("{path}.status"))),
            );
        }

        // CTRF durations are milliseconds.
        let mut case = Case::new(name, outcome).at(position).took(duration::json_millis(object.get("duration")));
        // pytest names tests by node id, which already starts with the suite (the file).
        if let Some(suite) = suite.as_deref().filter(|s| !name.starts_with(&format!("{s}::"))) {
            case = case.suite(suite);
        }
        let note = match (&detail, message) {
            (Some(d), Some(m)) => Some(format!("{d}\n{m}")),
            (Some(d), None) => Some(d.clone()),
            (None, Some(m)) => Some(m.to_owned()),
            (None, None) => None,
        };
        if let Some(note) = note.as_deref() {
            case = case.message(note);
        }
        if outcome.is_failure() || outcome == CaseOutcome::Flaky {
            let trace = str_field("trace").unwrap_or("");
            let workspace = self.workspace.as_deref();
            case.source = first_workspace_frame(trace, workspace)
                .or_else(|| message.and_then(|m| first_workspace_frame(m, workspace)))
                .or_else(|| {
                    let line = object.get("line").and_then(Value::as_u64)?;
                    first_workspace_frame(&format!("{}:{line}", file_path?), workspace)
                });
            match self.tool_name.as_deref() {
                Some(tool) => case.replay = replay_command(tool, file_path, name),
                None => self.deferred_replay.push((ev.failures.len(), file_path.map(str::to_owned), name.to_owned())),
            }
        }
        ev.add_case(case);
    }

    /// `suite` as the schema has it (an array of strings, outermost first), or
    /// as jest-ctrf-json-reporter writes it (one string).
    fn suite(&mut self, object: &Map<String, Value>, path: &str) -> Option<String> {
        match object.get("suite")? {
            Value::String(s) => Some(s.clone()),
            Value::Array(parts) if !parts.is_empty() && parts.iter().all(Value::is_string) => {
                Some(parts.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(" > "))
            }
            other => {
                let field = format!("{path}.suite");
                self.violation(
                    format!("{field}: expected a non-empty array of strings, found {}", describe_value(other)),
                    Position::field(&field),
                );
                None
            }
        }
    }

    /// `(attempt, status)` of each valid retry attempt; invalid ones are violations.
    fn retry_attempts(&mut self, object: &Map<String, Value>, path: &str) -> Vec<(u64, String)> {
        let Some(attempts) = object.get("retryAttempts").and_then(Value::as_array) else {
            return Vec::new();
        };
        let mut out = Vec::with_capacity(attempts.len());
        for (i, attempt) in attempts.iter().enumerate() {
            let field = format!("{path}.retryAttempts[{i}]");
            let Some(obj) = attempt.as_object() else { continue };
            let number = obj.get("attempt").and_then(Value::as_u64).filter(|n| *n >= 1);
            let status = obj.get("status").and_then(Value::as_str).filter(|s| STATUSES.contains(s));
            match (number, status) {
                (Some(n), Some(s)) => out.push((n, s.to_owned())),
                _ => self.violation(
                    format!("{field}: needs an integer attempt >= 1 and a status of {}", STATUSES.join(", ")),
                    Position::field(&field),
                ),
            }
        }
        out
    }

    fn summary_claims(&mut self, ev: &mut Evidence) {
        let Some(summary) = self.summary.take() else {
            if self.saw_results {
                self.violation("results.summary: required, missing".to_owned(), Position::field("results.summary"));
            }
            return;
        };
        if !self.check_object(&summary, "results.summary", SUMMARY_FIELDS, SUMMARY_REQUIRED) {
            return;
        }
        // When the run stopped (Unix milliseconds): the report's generation
        // time, so a restored old report is stale (TG304) whatever its mtime.
        if let Some(stop) = summary.get("stop").and_then(Value::as_u64) {
            ev.add_provenance(ProvenanceKind::GeneratedAt, "results.summary.stop", &stop.to_string());
        }
        let c = &self.counts;
        let pairs = [
            ("tests", c.entries, "entries in results.tests"),
            ("passed", c.passed, "results.tests[] with status passed"),
            ("failed", c.failed, "results.tests[] with status failed"),
            ("skipped", c.skipped, "results.tests[] with status skipped"),
            ("pending", c.pending, "results.tests[] with status pending"),
            ("other", c.other, "results.tests[] with status other"),
            ("flaky", c.flaky, "results.tests[] that passed after a failed attempt or say flaky: true"),
        ];
        let mut violations = Vec::new();
        for (key, derived, evidence) in pairs {
            let field = format!("results.summary.{key}");
            match summary.get(key) {
                // Absent optional counts (`flaky`) make no claim; absent required ones
                // are already violations.
                None => {}
                Some(value) => match value.as_u64() {
                    Some(claimed) => ev.add_claim(
                        Claim::count("results.summary", format!("summary.{key}"), claimed, derived, evidence)
                            .at(Position::field(&field)),
                    ),
                    None if value.is_i64() => violations.push((
                        format!("{field}: a count cannot be negative, found {}", describe_value(value)),
                        Position::field(&field),
                    )),
                    // Wrong types were reported by check_object.
                    None => {}
                },
            }
        }
        for (detail, position) in violations {
            self.violation(detail, position);
        }
    }

    fn finish(&mut self, ev: &mut Evidence) {
        match &self.report_format {
            Some(Value::String(s)) if s == "CTRF" => {}
            Some(other) => {
                let found = describe_value(other);
                self.violation(
                    format!("reportFormat: must be \"CTRF\", found {found}"),
                    Position::field("reportFormat"),
                );
            }
            // The older form has nothing but `results`.
            None if !self.other_root_keys && self.spec_version.is_none() => {}
            None => self.violation("reportFormat: required, missing".to_owned(), Position::field("reportFormat")),
        }
        match &self.spec_version {
            Some(Value::String(v)) if supported_spec_version(v) => {}
            Some(other) => {
                let found = describe_value(other);
                self.violation(
                    format!("specVersion: expected a supported MAJOR.MINOR.PATCH (0.x or 1.x), found {found}"),
                    Position::field("specVersion"),
                );
            }
            None if self.report_format.is_none() && !self.other_root_keys => {}
            None => self.violation("specVersion: required, missing".to_owned(), Position::field("specVersion")),
        }
        if !self.saw_results {
            self.violation("results: required, missing".to_owned(), Position::field("results"));
        } else {
            if !self.saw_tool {
                self.violation("results.tool: required, missing".to_owned(), Position::field("results.tool"));
            }
            if !self.saw_tests {
                self.violation("results.tests: required, missing".to_owned(), Position::field("results.tests"));
            }
        }
        self.summary_claims(ev);
        for (index, file, name) in std::mem::take(&mut self.deferred_replay) {
            let command = self.tool_name.as_deref().and_then(|tool| replay_command(tool, file.as_deref(), &name));
            if let Some(record) = ev.failures.get_mut(index) {
                record.replay = command;
            }
        }
        self.flush_violations(ev);
    }

    fn flush_violations(&mut self, ev: &mut Evidence) {
        for (detail, position) in self.violations.drain(..) {
            ev.observe(Observation::ProtocolViolation { violation: Violation::Schema, detail, position });
        }
        if self.violations_dropped > 0 {
            ev.observe(Observation::ProtocolViolation {
                violation: Violation::Schema,
                detail: format!("… and {} more schema violation(s)", self.violations_dropped),
                position: Position::default(),
            });
            self.violations_dropped = 0;
        }
    }
}

/// `MAJOR.MINOR.PATCH` with a major version this reader knows (0 or 1).
fn supported_spec_version(version: &str) -> bool {
    let parts: Vec<&str> = version.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        && matches!(parts[0], "0" | "1")
}

/// The command that reruns one test, for the tools whose selectors are known.
fn replay_command(tool: &str, file: Option<&str>, name: &str) -> Option<String> {
    match tool.to_ascii_lowercase().as_str() {
        "jest" => Some(replay::jest(file, name)),
        "pytest" => {
            // pytest-json-ctrf names tests by node id; older reporters by function.
            let node_id = match file {
                Some(file) if !name.contains("::") => format!("{file}::{name}"),
                _ => name.to_owned(),
            };
            Some(replay::pytest(&node_id))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests;
