//! RSpec's JSON formatter (`rspec --format json`), rspec-core 3.x: one JSON
//! object written at the end of the run (`JsonFormatter#close`).
//!
//! Raw evidence: each `examples[]` entry's `status` (`passed`, `failed`,
//! `pending`), and each error outside of examples, which RSpec reports only as a
//! `messages[]` entry (`Reporter#notify_non_example_exception` counts it and
//! writes one message starting "An error occurred"): a file that failed to load,
//! a failing `after(:context)` or `before(:suite)` hook. Those are errored cases,
//! so a run whose every example passed is still not green (rspec exits 1).
//! Claims: every count of `summary` and of `summary_line` against the entries.
//!
//! `examples[]` is streamed with serde visitors: each entry is parsed, judged and
//! dropped before the next, so memory follows the largest entry.

use std::collections::HashSet;
use std::io::BufRead;

use serde::Deserialize;
use serde::de::{IgnoredAny, MapAccess};
use serde_json::Value;

use super::duration;
use super::json::{EachElement, ObjectFields, syntax_error, walk_document};
use super::location::first_workspace_frame;
use super::{ParseError, ReadContext, Sniff};
use crate::model::{Case, CaseOutcome, Claim, Evidence, Format, Observation, Position, SourceLocation};
use crate::replay;

/// A root object whose first key is `version` (the formatter creates its hash
/// with it) and which holds RSpec's own keys.
pub fn detect(sniff: &Sniff<'_>) -> Option<Format> {
    if sniff.first_significant()? != b'{' {
        return None;
    }
    let text = sniff.text().trim_start_matches('\u{feff}').trim_start();
    let body = text.strip_prefix('{')?.trim_start();
    if !body.starts_with("\"version\"") || !text.contains("\"examples\"") {
        return None;
    }
    let rspec_keys = ["\"full_description\"", "\"summary_line\"", "\"errors_outside_of_examples_count\""];
    rspec_keys.iter().any(|k| text.contains(k)).then_some(Format::RspecJson)
}

/// Messages about errors outside of examples kept for one case's text.
const MAX_MESSAGE_BYTES: usize = 16 * 1024;
/// Backtrace lines looked at for a source location.
const MAX_BACKTRACE_LINES: usize = 64;

pub fn read(input: &mut dyn BufRead, ev: &mut Evidence, cx: &ReadContext<'_>) -> Result<(), ParseError> {
    let mut state = State { workspace: cx.workspace.map(str::to_owned), ..State::default() };
    let mut root = Root { state: &mut state, ev: &mut *ev, seen: HashSet::new() };
    let walked = walk_document(input, "an RSpec JSON report object", &mut root);
    match walked {
        Ok(()) => {
            state.finish(ev);
            Ok(())
        }
        // Examples read before the break stay; the summary is not compared with
        // a list that was cut short.
        Err(err) => Err(syntax_error(err)),
    }
}

#[derive(Deserialize)]
struct Summary {
    example_count: Option<u64>,
    failure_count: Option<u64>,
    pending_count: Option<u64>,
    errors_outside_of_examples_count: Option<u64>,
}

#[derive(Deserialize)]
struct Example {
    id: Option<String>,
    full_description: Option<String>,
    description: Option<String>,
    status: Option<String>,
    file_path: Option<String>,
    line_number: Option<u64>,
    pending_message: Option<String>,
    exception: Option<Exception>,
    /// Seconds. Kept as any value: one that is not a number is no duration,
    /// not an unreadable example.
    run_time: Option<Value>,
}

#[derive(Deserialize)]
struct Exception {
    class: Option<String>,
    message: Option<String>,
    backtrace: Option<Vec<Option<String>>>,
}

#[derive(Default)]
struct Counts {
    examples: u64,
    failed: u64,
    pending: u64,
    /// `messages[]` entries that report an error outside of examples.
    errors_outside: u64,
}

#[derive(Default)]
struct State {
    workspace: Option<String>,
    counts: Counts,
    saw_examples: bool,
    summary: Option<Summary>,
    summary_line: Option<String>,
}

/// The root object's fields.
struct Root<'a> {
    state: &'a mut State,
    ev: &'a mut Evidence,
    seen: HashSet<String>,
}

impl ObjectFields for Root<'_> {
    fn field<'de, A: MapAccess<'de>>(&mut self, key: String, map: &mut A) -> Result<(), A::Error> {
        // Ruby writes each key once; a second `examples` would be counted twice.
        if !self.seen.insert(key.clone()) {
            return Err(serde::de::Error::custom(format!("the report has the key {key:?} twice")));
        }
        let (state, ev) = (&mut *self.state, &mut *self.ev);
        match key.as_str() {
            "examples" => {
                state.saw_examples = true;
                map.next_value_seed(EachElement::expecting("the examples array", &mut |index, example: Example| {
                    state.example(index, example, ev);
                }))?;
            }
            "messages" => {
                map.next_value_seed(EachElement::expecting(
                    "the messages array of strings",
                    &mut |index, message: String| state.message(index, &message, ev),
                ))?;
            }
            "summary" => state.summary = Some(map.next_value()?),
            "summary_line" => state.summary_line = Some(map.next_value()?),
            // `version`, `seed` (random order), `profile` (`--profile`, whose
            // examples are copies of ones already listed), and keys to come.
            _ => {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

/// The first line of a message RSpec writes for an error outside of examples
/// (`"\nAn error occurred while loading ./x_spec.rb.\n..."`), or `None` for the
/// other messages (`No examples found.`, `Run options: ...`).
fn error_outside_examples(message: &str) -> Option<&str> {
    let first = message.trim_start().lines().next()?.trim();
    // A colored console wraps nothing in this line, but tolerate escapes before it.
    let plain = first.trim_start_matches(|c: char| c == '\u{1b}' || c == '[' || c.is_ascii_digit() || c == 'm');
    plain.starts_with("An error occurred").then_some(first)
}

impl State {
    /// A `messages[]` entry: an error outside of examples is an errored case;
    /// the other messages say nothing about the outcome.
    fn message(&mut self, index: usize, message: &str, ev: &mut Evidence) {
        if let Some(title) = error_outside_examples(message) {
            self.counts.errors_outside += 1;
            let text = crate::model::cap_message(message.trim(), MAX_MESSAGE_BYTES);
            let mut case = Case::new(title, CaseOutcome::Errored)
                .suite("errors outside of examples")
                .at(Position::field(format!("messages[{index}]")))
                .message(&text);
            case.source = ruby_frame(&text, self.workspace.as_deref());
            ev.add_case(case);
        }
    }

    fn example(&mut self, index: usize, example: Example, ev: &mut Evidence) {
        let path = format!("examples[{index}]");
        self.counts.examples += 1;
        let status = example.status.as_deref();
        let mut note = None;
        let outcome = match status {
            Some("passed") => CaseOutcome::Passed,
            Some("failed") => {
                self.counts.failed += 1;
                CaseOutcome::Failed
            }
            // `pending` (still failing, as expected) and `skip`/`xit`/no body:
            // RSpec counts both as pending, not as failures.
            Some("pending") => {
                self.counts.pending += 1;
                CaseOutcome::Skipped
            }
            other => {
                note = Some(format!(
                    "status {}: not one RSpec writes (passed, failed, pending), so the outcome is unknown",
                    other.map_or("absent".to_owned(), |s| format!("{:?}", crate::text::truncate(s, 40)))
                ));
                CaseOutcome::Errored
            }
        };
        let location = match (&example.file_path, example.line_number) {
            (Some(file), Some(line)) => Some(format!("{file}:{line}")),
            _ => None,
        };
        let name = example
            .full_description
            .as_deref()
            .or(example.description.as_deref())
            .filter(|n| !n.is_empty())
            .unwrap_or(path.as_str());
        // The id (`./spec/a_spec.rb[1:2]`) is unique per example, where full
        // descriptions may repeat (shared examples, two `it "works"`).
        let suite = example.id.as_deref().or(location.as_deref()).unwrap_or(path.as_str());
        let seconds = duration::json_seconds(example.run_time.as_ref());
        let mut case = Case::new(name, outcome).suite(suite).at(Position::field(&path)).took(seconds);
        if !outcome.is_failure() {
            ev.add_case(case);
            return;
        }
        let message = failure_message(&example, note);
        case = case.message(&message);
        let backtrace: String = example
            .exception
            .as_ref()
            .and_then(|e| e.backtrace.as_ref())
            .map(|lines| {
                lines.iter().flatten().take(MAX_BACKTRACE_LINES).map(String::as_str).collect::<Vec<_>>().join("\n")
            })
            .unwrap_or_default();
        let workspace = self.workspace.as_deref();
        case.source = ruby_frame(&backtrace, workspace)
            .or_else(|| location.as_deref().and_then(|l| first_workspace_frame(l, workspace)));
        case.replay = example.id.as_deref().or(location.as_deref()).map(replay::rspec);
        ev.add_case(case);
    }

    fn finish(&mut self, ev: &mut Evidence) {
        if !self.saw_examples {
            ev.observe(Observation::Truncated {
                detail: "no examples array: RSpec writes it when the run stops, so the run never finished".to_owned(),
                position: Position::field("examples"),
            });
        }
        let Some(summary) = self.summary.take() else {
            ev.observe(Observation::Truncated {
                detail: "no summary: RSpec writes it when the run ends, so the run never finished".to_owned(),
                position: Position::field("summary"),
            });
            return;
        };
        let c = &self.counts;
        // A declared error outside of examples that no message shows is still an
        // error: it fails the run whatever the messages say.
        if let Some(declared) = summary.errors_outside_of_examples_count
            && declared > c.errors_outside
        {
            let unseen = super::capped_count(
                declared - c.errors_outside,
                "summary.errors_outside_of_examples_count",
                Position::field("summary.errors_outside_of_examples_count"),
            )
            .unwrap_or(super::MAX_COUNT);
            ev.add_counted(
                Case::new("errors outside of examples (count only)", CaseOutcome::Errored)
                    .suite("errors outside of examples")
                    .at(Position::field("summary.errors_outside_of_examples_count"))
                    .message("summary.errors_outside_of_examples_count declares errors that no message describes"),
                unseen,
            );
        }
        let pairs = [
            ("example_count", summary.example_count, c.examples, "entries in examples"),
            ("failure_count", summary.failure_count, c.failed, "examples with status failed"),
            ("pending_count", summary.pending_count, c.pending, "examples with status pending"),
            (
                "errors_outside_of_examples_count",
                summary.errors_outside_of_examples_count,
                c.errors_outside,
                "messages reporting \"An error occurred ...\"",
            ),
        ];
        for (key, claimed, derived, evidence) in pairs {
            if let Some(claimed) = claimed {
                let field = format!("summary.{key}");
                ev.add_claim(Claim::count("summary", &field, claimed, derived, evidence).at(Position::field(&field)));
            }
        }
        if let Some(line) = self.summary_line.take() {
            self.summary_line_claims(&line, ev);
        }
    }

    /// `8 examples, 3 failures, 4 pending, 1 error occurred outside of examples`
    /// (`Summary#totals_line`: the pending part only when some are, the errors
    /// part only when some happened). Plurals are not checked: the peer fixture
    /// says `1 failures`.
    fn summary_line_claims(&self, line: &str, ev: &mut Evidence) {
        let c = &self.counts;
        let mut parsed = [None::<u64>; 4];
        for part in line.split(", ") {
            let Some((number, words)) = part.trim().split_once(' ') else { continue };
            let Ok(n) = number.parse::<u64>() else { continue };
            let slot = match words {
                "example" | "examples" => 0,
                "failure" | "failures" => 1,
                "pending" => 2,
                w if w.starts_with("error") && w.ends_with("outside of examples") => 3,
                _ => continue,
            };
            parsed[slot] = Some(n);
        }
        let Some(examples) = parsed[0] else {
            ev.observe(Observation::ProtocolViolation {
                violation: crate::model::Violation::Schema,
                detail: format!(
                    "summary_line {:?} is not RSpec's `N examples, M failures` line",
                    crate::text::truncate(line, 80)
                ),
                position: Position::field("summary_line"),
            });
            return;
        };
        let failures = parsed[1].unwrap_or(0);
        let pending = parsed[2].unwrap_or(0);
        let errors = parsed[3].unwrap_or(0);
        let pairs = [
            ("examples", examples, c.examples, "entries in examples"),
            ("failures", failures, c.failed, "examples with status failed"),
            ("pending", pending, c.pending, "examples with status pending"),
            ("errors outside of examples", errors, c.errors_outside, "messages reporting \"An error occurred ...\""),
        ];
        for (what, claimed, derived, evidence) in pairs {
            ev.add_claim(
                Claim::count("summary_line", format!("summary_line ({what})"), claimed, derived, evidence)
                    .at(Position::field("summary_line")),
            );
        }
    }
}

/// The first Ruby frame (`/w/spec/a_spec.rb:6:in `block ...'`, or `# ./a_spec.rb:3:in ...`
/// in a message) inside the workspace.
fn ruby_frame(text: &str, workspace: Option<&str>) -> Option<SourceLocation> {
    text.lines().find_map(|line| {
        let frame = line.trim().trim_start_matches("# ");
        let frame = frame.split_once(":in ").map_or(frame, |(head, _)| head);
        first_workspace_frame(frame, workspace)
    })
}

fn failure_message(example: &Example, note: Option<String>) -> String {
    let mut parts = Vec::new();
    if let Some(note) = note {
        parts.push(note);
    }
    if let Some(exception) = &example.exception {
        let class = exception.class.as_deref().unwrap_or("exception");
        let message = exception.message.as_deref().unwrap_or("").trim();
        if class.ends_with("PendingExampleFixedError") {
            // A `pending` example that passed: RSpec fails it so the pending is removed.
            let reason = example.pending_message.as_deref().unwrap_or("");
            parts.push(format!("pending example passed (pending: {reason:?}); remove `pending`\n{class}: {message}"));
        } else {
            parts.push(format!("{class}: {message}"));
        }
    }
    if parts.is_empty() { "failed (no exception recorded)".to_owned() } else { parts.join("\n") }
}

#[cfg(test)]
mod tests;
