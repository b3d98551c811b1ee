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

use super::Detail;
use crate::model::CaseOutcome;

/// One testcase of a pytest group.
#[derive(Debug)]
pub(super) struct Attempt {
    pub outcome: CaseOutcome,
    /// The testcase has a result child (failure, error, skipped, ...).
    pub has_result: bool,
    pub detail: Option<Detail>,
    pub position: u64,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn attempt(outcome: CaseOutcome, has_result: bool) -> Attempt {
        Attempt { outcome, has_result, detail: None, position: 0 }
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
