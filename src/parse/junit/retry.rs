//! Retries written as repeated testcases, recognized per dialect so that a
//! retry is read as flaky or failed instead of as a conflicting duplicate:
//!
//! - pytest: pytest-rerunfailures writes each failed attempt as an empty,
//!   pass-looking testcase right before the final one; a call failure followed
//!   by a teardown error is written as two same-named testcases.
//! - gotestsum `--rerun-fails`: every attempt is its own testcase in the
//!   package's suite, failures first, passes last.
//!
//! Repeats that fit neither pattern are recorded as they are, and the evidence
//! reports them as conflicting duplicates (TG106).

use std::collections::HashMap;

use super::case::{Detail, emit};
use super::dialect::Dialect;
use super::reproduce::{self, CaseFields};
use crate::model::{CaseOutcome, Evidence};

/// One testcase of a pytest group.
#[derive(Debug)]
pub(super) struct Attempt {
    pub outcome: CaseOutcome,
    /// The testcase has a result child (failure, error, skipped, ...).
    pub has_result: bool,
    pub detail: Option<Detail>,
    pub position: u64,
    /// The testcase's `time`, in seconds.
    pub seconds: Option<f64>,
}

/// Consecutive pytest testcases with the same identity. Only identities are
/// copied (into reused buffers); details exist only for failing attempts.
#[derive(Debug, Default)]
pub(super) struct PytestGroup {
    pub active: bool,
    pub suite: String,
    pub name: String,
    pub classname: String,
    pub file: String,
    pub line: Option<u32>,
    pub attempts: Vec<Attempt>,
}

impl PytestGroup {
    pub fn matches(&self, suite: &str, name: &str) -> bool {
        self.active && self.suite == suite && self.name == name
    }

    pub fn start(&mut self, suite: &str, name: &str, classname: &str, file: &str, line: Option<u32>) {
        self.active = true;
        for (buf, value) in
            [(&mut self.suite, suite), (&mut self.name, name), (&mut self.classname, classname), (&mut self.file, file)]
        {
            buf.clear();
            buf.push_str(value);
        }
        self.line = line;
        self.attempts.clear();
    }
}

/// How a group of same-named pytest testcases reads.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Resolution {
    /// One testcase: itself.
    Single,
    /// `reruns` empty attempts (pytest-rerunfailures) before the final one,
    /// possibly ending in a call failure + teardown error pair.
    Retried { reruns: usize, outcome: CaseOutcome },
    /// Fits no pattern: record every attempt as it is.
    Unrecognized,
}

pub(super) fn resolve(attempts: &[Attempt]) -> Resolution {
    if attempts.len() <= 1 {
        return Resolution::Single;
    }
    let reruns = attempts.iter().take_while(|a| !a.has_result).count().min(attempts.len() - 1);
    let tail = &attempts[reruns..];
    let outcome = match tail {
        [last] if reruns > 0 => {
            if last.outcome == CaseOutcome::Passed {
                CaseOutcome::Flaky
            } else {
                last.outcome
            }
        }
        // The call failed, then its teardown errored: one failed test.
        [call, teardown] if call.outcome == CaseOutcome::Failed && teardown.outcome == CaseOutcome::Errored => {
            CaseOutcome::Failed
        }
        _ => return Resolution::Unrecognized,
    };
    Resolution::Retried { reruns, outcome }
}

/// A gotestsum failure held until its suite ends, in case a rerun passes.
#[derive(Debug)]
pub(super) struct Held {
    pub name: String,
    pub suite: Option<String>,
    pub position: u64,
    pub attempts: u32,
    pub passed_after: bool,
    pub outcome: CaseOutcome,
    pub detail: Detail,
}

/// The failures of one gotestsum suite (package), by name.
#[derive(Debug, Default)]
pub(super) struct HeldFailures {
    /// Index of the level (suite) they belong to.
    pub level: usize,
    pub items: Vec<Held>,
    index: HashMap<String, usize>,
}

impl HeldFailures {
    pub fn for_level(level: usize) -> Self {
        Self { level, ..Self::default() }
    }

    pub fn contains(&self, name: &str) -> bool {
        self.index.contains_key(name)
    }

    pub fn get_mut(&mut self, name: &str) -> Option<&mut Held> {
        let i = *self.index.get(name)?;
        self.items.get_mut(i)
    }

    pub fn hold(&mut self, held: Held) {
        self.index.insert(held.name.clone(), self.items.len());
        self.items.push(held);
    }
}

/// Record the gotestsum failures held for a suite: flaky when a rerun passed.
pub(super) fn flush_held(held: Option<HeldFailures>, ev: &mut Evidence) {
    let Some(held) = held else { return };
    for h in held.items {
        let outcome = if h.passed_after { CaseOutcome::Flaky } else { h.outcome };
        let note = if h.passed_after {
            format!("passed on a rerun after {} failed attempt(s) (gotestsum --rerun-fails)", h.attempts)
        } else if h.attempts > 1 {
            format!("failed all {} attempts (gotestsum --rerun-fails)", h.attempts)
        } else {
            String::new()
        };
        let mut detail = h.detail;
        if !note.is_empty() {
            detail.message = Some(match detail.message {
                Some(m) => format!("{note}: {m}"),
                None => note,
            });
        }
        emit(ev, &h.name, h.suite.as_deref(), outcome, (h.position, None), Some(detail));
    }
}

/// Record a pytest group of same-named testcases; returns how many distinct
/// tests it holds (pytest's own count).
pub(super) fn flush_pytest(
    group: &mut PytestGroup,
    dialect: Dialect,
    workspace: Option<&str>,
    ev: &mut Evidence,
) -> u64 {
    if !group.active {
        return 0;
    }
    group.active = false;
    let suite = (!group.suite.is_empty()).then_some(group.suite.as_str());
    let mut attempts = std::mem::take(&mut group.attempts);
    let logical = match resolve(&attempts) {
        Resolution::Single | Resolution::Unrecognized => {
            let n = attempts.len() as u64;
            for a in attempts.drain(..) {
                emit(ev, &group.name, suite, a.outcome, (a.position, a.seconds), a.detail);
            }
            n
        }
        Resolution::Retried { reruns, outcome } => {
            let position = attempts.first().map_or(0, |a| a.position);
            // A retried test took as long as all its attempts.
            let seconds = attempts.iter().map(|a| a.seconds).sum::<Option<f64>>();
            let total = attempts.len();
            // The final attempt's failure (the call failure of a failure +
            // teardown-error pair), with the teardown error appended.
            let tail: Vec<Attempt> = attempts.drain(reruns..).collect();
            let mut detail: Option<Detail> = None;
            let mut messages = Vec::new();
            for a in tail {
                if let Some(d) = a.detail {
                    if let Some(m) = &d.message {
                        messages.push(m.clone());
                    }
                    if detail.is_none() {
                        detail = Some(d);
                    }
                }
            }
            let note = (reruns > 0).then(|| match outcome {
                CaseOutcome::Flaky => {
                    format!("passed on attempt {total} after {reruns} failed attempt(s) (pytest-rerunfailures)")
                }
                _ => format!("failed all {total} attempts (pytest-rerunfailures)"),
            });
            let mut detail = match detail {
                Some(d) => d,
                None => {
                    let fields = CaseFields {
                        name: &group.name,
                        classname: &group.classname,
                        file: &group.file,
                        line: group.line,
                        ..CaseFields::default()
                    };
                    Detail {
                        message: None,
                        source: reproduce::source(dialect, &fields, "", workspace),
                        replay: reproduce::replay(dialect, &fields, "", workspace),
                    }
                }
            };
            let joined = (!messages.is_empty()).then(|| messages.join("\n-- then, in teardown --\n"));
            detail.message = match (note, joined) {
                (Some(n), Some(m)) => Some(format!("{n}: {m}")),
                (Some(n), None) => Some(n),
                (None, m) => m,
            };
            emit(ev, &group.name, suite, outcome, (position, seconds), Some(detail));
            1
        }
    };
    group.attempts = attempts;
    group.attempts.clear();
    logical
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attempt(outcome: CaseOutcome, has_result: bool) -> Attempt {
        Attempt { outcome, has_result, detail: None, position: 0, seconds: None }
    }

    #[test]
    fn pytest_reruns_then_pass_is_flaky() {
        let a = [
            attempt(CaseOutcome::Passed, false),
            attempt(CaseOutcome::Passed, false),
            attempt(CaseOutcome::Passed, false),
        ];
        assert_eq!(resolve(&a), Resolution::Retried { reruns: 2, outcome: CaseOutcome::Flaky });
    }

    #[test]
    fn pytest_reruns_then_failure_is_failed() {
        let a = [attempt(CaseOutcome::Passed, false), attempt(CaseOutcome::Failed, true)];
        assert_eq!(resolve(&a), Resolution::Retried { reruns: 1, outcome: CaseOutcome::Failed });
    }

    #[test]
    fn pytest_call_failure_then_teardown_error_is_one_failure() {
        let a = [attempt(CaseOutcome::Failed, true), attempt(CaseOutcome::Errored, true)];
        assert_eq!(resolve(&a), Resolution::Retried { reruns: 0, outcome: CaseOutcome::Failed });
    }

    #[test]
    fn other_repeats_are_not_retries() {
        let a = [attempt(CaseOutcome::Failed, true), attempt(CaseOutcome::Passed, false)];
        assert_eq!(resolve(&a), Resolution::Unrecognized);
        let a = [attempt(CaseOutcome::Skipped, true), attempt(CaseOutcome::Passed, false)];
        assert_eq!(resolve(&a), Resolution::Unrecognized);
        assert_eq!(resolve(&[attempt(CaseOutcome::Failed, true)]), Resolution::Single);
    }
}
