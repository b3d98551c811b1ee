//! mocha's `--reporter json`: `{stats, tests, pending, failures, passes}`
//! (docs/formats/mocha_json.md).
//!
//! Raw evidence: the per-outcome arrays. Each entry of `passes[]`, `pending[]`
//! and `failures[]` is a case (a `failures[]` entry titled `"before all" hook
//! ...` is a failing hook, an errored case named after it). `tests[]` (every
//! test that ended) is the cross-check: each of its entries must be listed by
//! exactly one outcome array, and one that carries an `err` must be a failure.
//! Claims: `stats.tests`, `stats.passes`, `stats.pending`, `stats.failures`.
//!
//! Every array is streamed: an entry is parsed, judged and dropped; what is
//! kept per test is a 16-byte identity for the cross-check, and the name of
//! tests that carry an error.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::io::BufRead;

use serde::de::MapAccess;
use serde_json::Value;

use super::duration;
use super::json::{EachElement, Fields, ObjectFields, sniff_string_field, syntax_error, walk_document, wrong_type};
use super::location::{first_workspace_frame, workspace_relative};
use super::{ParseError, ReadContext, Sniff};
use crate::model::{Case, CaseOutcome, Claim, Evidence, Format, Position, ProvenanceKind, Status, caps};
use crate::replay;

/// The root's first key is `stats`, whose counts mocha names as no other
/// reporter does (`passes`, `pending`, `failures`).
pub fn detect(sniff: &Sniff<'_>) -> Option<Format> {
    let text = sniff.text();
    let body = text.trim_start_matches('\u{feff}').trim_start().strip_prefix('{')?.trim_start();
    let stats = body.strip_prefix("\"stats\"")?.trim_start().strip_prefix(':')?.trim_start().strip_prefix('{')?;
    let stats = stats.split('}').next().unwrap_or("");
    let names_mocha_counts =
        ["\"passes\"", "\"pending\"", "\"failures\"", "\"tests\""].iter().all(|k| stats.contains(k));
    // CTRF names its counts `passed`, `failed`; a CTRF file never starts with `stats`.
    (names_mocha_counts && sniff_string_field(text, "reportFormat").is_none()).then_some(Format::MochaJson)
}

pub fn read(input: &mut dyn BufRead, ev: &mut Evidence, cx: &ReadContext<'_>) -> Result<(), ParseError> {
    let mut state = State { workspace: cx.workspace, ..State::default() };
    let mut root = Root { state: &mut state, ev: &mut *ev };
    walk_document(input, "a mocha JSON report object", &mut root).map_err(syntax_error)?;
    state.finish(ev)
}

/// Which outcome array listed a test.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Listed {
    Passes,
    Pending,
    Failures,
}

impl Listed {
    fn key(self) -> &'static str {
        match self {
            Self::Passes => "passes",
            Self::Pending => "pending",
            Self::Failures => "failures",
        }
    }
}

/// A `tests[]` entry, for the cross-check with the outcome arrays.
struct Ended {
    identity: u64,
    index: u32,
    has_err: bool,
}

#[derive(Default)]
struct State<'w> {
    workspace: Option<&'w str>,
    stats: Option<Value>,
    /// Length of each array read, `None` when the report lacks it.
    tests_len: Option<u64>,
    passes_len: Option<u64>,
    pending_len: Option<u64>,
    failures_len: Option<u64>,
    hook_failures: u64,
    ended: Vec<Ended>,
    listed: Vec<(u64, Listed)>,
    /// Names of `tests[]` entries that carry an `err`, for the findings of the
    /// cross-check (bounded like the failures they are).
    erring_names: HashMap<u64, String>,
}

/// The root object's fields.
struct Root<'a, 'w> {
    state: &'a mut State<'w>,
    ev: &'a mut Evidence,
}

impl ObjectFields for Root<'_, '_> {
    fn field<'de, A: MapAccess<'de>>(&mut self, key: String, map: &mut A) -> Result<(), A::Error> {
        let (state, ev) = (&mut *self.state, &mut *self.ev);
        let already = match key.as_str() {
            "stats" => state.stats.replace(map.next_value()?).is_some(),
            "tests" => {
                let mut count = 0u64;
                map.next_value_seed(EachElement::new(&mut |index, entry: Value| {
                    count += 1;
                    state.ended(index, &entry);
                }))?;
                state.tests_len.replace(count).is_some()
            }
            "passes" | "pending" | "failures" => {
                let listed = match key.as_str() {
                    "passes" => Listed::Passes,
                    "pending" => Listed::Pending,
                    _ => Listed::Failures,
                };
                let mut count = 0u64;
                map.next_value_seed(EachElement::new(&mut |index, entry: Value| {
                    count += 1;
                    state.outcome(listed, index, &entry, ev);
                }))?;
                let slot = match listed {
                    Listed::Passes => &mut state.passes_len,
                    Listed::Pending => &mut state.pending_len,
                    Listed::Failures => &mut state.failures_len,
                };
                slot.replace(count).is_some()
            }
            _ => {
                let _: serde::de::IgnoredAny = map.next_value()?;
                false
            }
        };
        if already {
            // Read twice, the cases of both copies are recorded: refuse it.
            return Err(serde::de::Error::custom(format!("the report has the key {key:?} twice")));
        }
        Ok(())
    }
}

/// `"before all" hook`, `"after each" hook: name`, ... as mocha titles a hook.
fn is_hook(title: &str) -> bool {
    ["\"before all\" hook", "\"before each\" hook", "\"after all\" hook", "\"after each\" hook"]
        .iter()
        .any(|h| title.starts_with(h))
}

fn identity(file: Option<&str>, full_title: &str) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    file.hash(&mut hasher);
    full_title.hash(&mut hasher);
    hasher.finish()
}

/// The fields of one test entry that matter.
struct Entry<'v> {
    title: &'v str,
    full_title: &'v str,
    file: Option<&'v str>,
    current_retry: u64,
    /// `err` with at least one property (mocha writes `{}` for none).
    err: Option<&'v serde_json::Map<String, Value>>,
    /// `duration`, in seconds (mocha writes milliseconds; none for a pending test).
    seconds: Option<f64>,
}

fn entry(value: &Value) -> Option<Entry<'_>> {
    let object = value.as_object()?;
    let full_title = object.get("fullTitle")?.as_str()?;
    Some(Entry {
        title: object.get("title").and_then(Value::as_str).unwrap_or(full_title),
        full_title,
        file: object.get("file").and_then(Value::as_str),
        current_retry: object.get("currentRetry").and_then(Value::as_u64).unwrap_or(0),
        err: object.get("err").and_then(Value::as_object).filter(|e| !e.is_empty()),
        seconds: duration::json_millis(object.get("duration")),
    })
}

impl State<'_> {
    fn ended(&mut self, index: usize, value: &Value) {
        let index = u32::try_from(index).unwrap_or(u32::MAX);
        let Some(test) = entry(value) else {
            // Never matched by an outcome: reported as a test of unknown outcome.
            self.ended.push(Ended { identity: u64::MAX, index, has_err: true });
            return;
        };
        let identity = identity(test.file, test.full_title);
        if test.err.is_some() && self.erring_names.len() < caps::FAILURES {
            self.erring_names.insert(identity, test.full_title.to_owned());
        }
        self.ended.push(Ended { identity, index, has_err: test.err.is_some() });
    }

    fn outcome(&mut self, listed: Listed, index: usize, value: &Value, ev: &mut Evidence) {
        let path = format!("{}[{index}]", listed.key());
        let Some(test) = entry(value) else {
            ev.add_case(
                Case::new(&path, CaseOutcome::Errored)
                    .at(Position::field(&path))
                    .message("the entry is not a test object with a fullTitle: its outcome is unknown"),
            );
            return;
        };
        let hook = listed == Listed::Failures && is_hook(test.title);
        if hook {
            self.hook_failures += 1;
        } else {
            self.listed.push((identity(test.file, test.full_title), listed));
        }
        let mut note = None;
        let outcome = match listed {
            Listed::Failures if hook => CaseOutcome::Errored,
            Listed::Failures => CaseOutcome::Failed,
            _ if test.err.is_some() => {
                note = Some(format!("listed in {}[] but carries an err: not a pass", listed.key()));
                CaseOutcome::Failed
            }
            Listed::Passes if test.current_retry > 0 => {
                note = Some(format!("passed on retry {} after failing", test.current_retry));
                CaseOutcome::Flaky
            }
            Listed::Passes => CaseOutcome::Passed,
            Listed::Pending => CaseOutcome::Skipped,
        };
        let file = test.file.map(|f| workspace_relative(f, self.workspace).unwrap_or_else(|| f.to_owned()));
        let mut case = Case::new(test.full_title, outcome).at(Position::field(&path)).took(test.seconds);
        if let Some(file) = file.as_deref() {
            case = case.suite(file);
        }
        if !outcome.is_failure() && outcome != CaseOutcome::Flaky {
            ev.add_case(case);
            return;
        }
        let err_text = test
            .err
            .and_then(|e| e.get("stack").and_then(Value::as_str).or_else(|| e.get("message").and_then(Value::as_str)));
        let message = match (note, err_text) {
            (Some(n), Some(e)) => format!("{n}\n{e}"),
            (Some(n), None) => n,
            (None, Some(e)) => e.to_owned(),
            (None, None) if hook => "the hook failed with no error recorded".to_owned(),
            (None, None) => "listed in failures[] with no error recorded".to_owned(),
        };
        case.source = err_text.and_then(|e| first_workspace_frame(e, self.workspace));
        // A hook's full title is its describe block's, then the hook's title:
        // grep the block by prefix; a test by its exact full title.
        let (pattern, exact) = match test.full_title.strip_suffix(test.title) {
            Some(block) if hook => (block.trim_end(), false),
            _ => (test.full_title, true),
        };
        case.replay = Some(replay::mocha(file.as_deref(), pattern, exact));
        ev.add_case(case.message(&message));
    }

    fn finish(&mut self, ev: &mut Evidence) -> Result<(), ParseError> {
        let stats = self.stats.take();
        let stats = Fields::of(stats.as_ref().ok_or_else(|| wrong_type("stats", "an object", None))?, "stats")?;
        for key in ["start", "end"] {
            if let Some(time) = stats.opt_str(key)? {
                ev.add_provenance(ProvenanceKind::GeneratedAt, &stats.path(key), time);
            }
        }
        let lengths = [
            ("tests", self.tests_len),
            ("passes", self.passes_len),
            ("pending", self.pending_len),
            ("failures", self.failures_len),
        ];
        for (key, len) in lengths {
            if len.is_none() {
                return Err(wrong_type(key, "an array", None));
            }
        }
        let listed_tests = self.listed.len() as u64;
        let matched = self.cross_check(ev);
        let mut count = |field: &str, claimed: u64, derived: u64, evidence: &str| {
            ev.add_claim(Claim::count("stats", field, claimed, derived, evidence).at(Position::field(field)));
        };
        let claimed = |key: &str| stats.count(key);
        count(
            "stats.tests",
            claimed("tests")?,
            matched,
            "tests listed both in tests[] and in passes[], pending[] or failures[] (hooks apart)",
        );
        count("stats.passes", claimed("passes")?, self.passes_len.unwrap_or(0), "entries in passes[]");
        count("stats.pending", claimed("pending")?, self.pending_len.unwrap_or(0), "entries in pending[]");
        count(
            "stats.failures",
            claimed("failures")?,
            self.failures_len.unwrap_or(0),
            "entries in failures[] (failing tests and failing hooks)",
        );
        ev.add_claim(
            Claim::count(
                "tests[]",
                "tests[]",
                self.tests_len.unwrap_or(0),
                matched,
                "entries of tests[] that passes[], pending[] or failures[] list",
            )
            .at(Position::field("tests")),
        );
        ev.add_claim(Claim::count(
            "passes[], pending[], failures[]",
            "tests listed by outcome",
            listed_tests,
            matched,
            "of them in tests[]",
        ));
        Ok(())
    }

    /// Match `tests[]` with the outcome arrays by identity (file and full
    /// title, counted: a file may repeat a title). A test that ended without
    /// an outcome is a case of unknown outcome; one whose `tests[]` entry
    /// carries an `err` while `passes[]` or `pending[]` lists it is a false
    /// green. Returns how many tests both sides list.
    fn cross_check(&mut self, ev: &mut Evidence) -> u64 {
        let mut ended = std::mem::take(&mut self.ended);
        let mut listed = std::mem::take(&mut self.listed);
        ended.sort_unstable_by_key(|e| (e.identity, e.index));
        listed.sort_unstable();
        let (mut i, mut j, mut matched) = (0usize, 0usize, 0u64);
        while i < ended.len() {
            let identity = ended[i].identity;
            let group_end = i + ended[i..].iter().take_while(|e| e.identity == identity).count();
            while j < listed.len() && listed[j].0 < identity {
                j += 1;
            }
            let listed_end = j + listed[j..].iter().take_while(|l| l.0 == identity).count();
            let outcomes = &listed[j..listed_end];
            let group = &ended[i..group_end];
            matched += group.len().min(outcomes.len()) as u64;
            let name = self.erring_names.get(&identity);
            for test in group.iter().skip(outcomes.len()) {
                let path = format!("tests[{}]", test.index);
                ev.add_case(
                    Case::new(name.map_or(path.as_str(), String::as_str), CaseOutcome::Errored)
                        .at(Position::field(&path))
                        .message("in tests[] but in none of passes[], pending[] or failures[]: its outcome is unknown"),
                );
            }
            let erring = group.iter().find(|t| t.has_err && identity != u64::MAX);
            if let Some(test) = erring
                && let Some((_, green)) = outcomes.iter().find(|(_, l)| *l != Listed::Failures)
                && !outcomes.iter().any(|(_, l)| *l == Listed::Failures)
            {
                let name = name.map_or("?", String::as_str);
                ev.add_claim(
                    Claim::status(
                        format!("{}[] {name}", green.key()),
                        format!("{}[]", green.key()),
                        format!("listed in {}[]", green.key()),
                        Status::Pass,
                        Status::Fail,
                        format!("tests[{}] carries an err", test.index),
                    )
                    .at(Position::field(format!("tests[{}]", test.index))),
                );
            }
            i = group_end;
            j = listed_end;
        }
        matched
    }
}

#[cfg(test)]
mod tests;
