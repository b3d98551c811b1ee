//! alls-green mode: judging the `needs` context (`toJSON(needs)`).
//!
//! Each needed job must have succeeded. `--allow-failure JOB` also accepts
//! `failure`, `--allow-skip JOB` also accepts `skipped`; `cancelled` is never
//! accepted, and a result the gate does not know fails closed.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Why the `needs` input cannot be judged. A usage error.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NeedsError {
    #[error("--needs is not JSON: {0}")]
    Json(String),
    #[error("--needs must be the JSON object `toJSON(needs)` prints, found {0}")]
    NotAnObject(&'static str),
    #[error("--needs is empty: the gate job lists no `needs`, so there is nothing to judge")]
    Empty,
    #[error("--{flag} names `{job}`, which is not in needs (jobs: {known})")]
    UnknownJob { flag: &'static str, job: String, known: String },
    #[error("{list:?} is not a JSON list of job names: {message}")]
    NotAJobList { list: String, message: String },
}

/// How one needed job ended, as the gate judges it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobOutcome {
    Success,
    /// Failed, and `--allow-failure` names it.
    AllowedFailure,
    /// Skipped, and `--allow-skip` names it.
    AllowedSkip,
    Failure,
    Skipped,
    Cancelled,
    /// A result missing or unknown to the gate.
    Unknown,
}

impl JobOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::AllowedFailure => "allowed failure",
            Self::AllowedSkip => "allowed skip",
            Self::Failure => "failure",
            Self::Skipped => "skipped",
            Self::Cancelled => "cancelled",
            Self::Unknown => "unknown",
        }
    }
}

/// One needed job.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobRow {
    pub name: String,
    /// The `result` field as given (untrusted text), when it is a string.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub result: Option<String>,
    pub allow_failure: bool,
    pub allow_skip: bool,
    pub outcome: JobOutcome,
}

/// Parse `toJSON(needs)` and judge each job. Allow-lists naming a job that is
/// not in `needs` are errors, so a typo cannot go unnoticed.
pub fn judge(needs: &str, allow_failure: &[String], allow_skip: &[String]) -> Result<Vec<JobRow>, NeedsError> {
    let value: Value = serde_json::from_str(needs).map_err(|e| NeedsError::Json(e.to_string()))?;
    let Value::Object(jobs) = value else {
        return Err(NeedsError::NotAnObject(match value {
            Value::Null => "null",
            Value::Array(_) => "a list",
            Value::String(_) => "a string",
            _ => "a scalar",
        }));
    };
    if jobs.is_empty() {
        return Err(NeedsError::Empty);
    }
    let known = || jobs.keys().cloned().collect::<Vec<_>>().join(", ");
    for (flag, list) in [("allow-failure", allow_failure), ("allow-skip", allow_skip)] {
        if let Some(job) = list.iter().find(|j| !jobs.contains_key(*j)) {
            return Err(NeedsError::UnknownJob { flag, job: job.clone(), known: known() });
        }
    }
    Ok(jobs
        .iter()
        .map(|(name, job)| {
            let result = job.get("result").and_then(Value::as_str).map(str::to_owned);
            let allow_failure = allow_failure.contains(name);
            let allow_skip = allow_skip.contains(name);
            let outcome = match result.as_deref() {
                Some("success") => JobOutcome::Success,
                Some("failure") if allow_failure => JobOutcome::AllowedFailure,
                Some("failure") => JobOutcome::Failure,
                Some("skipped") if allow_skip => JobOutcome::AllowedSkip,
                Some("skipped") => JobOutcome::Skipped,
                Some("cancelled") => JobOutcome::Cancelled,
                _ => JobOutcome::Unknown,
            };
            JobRow { name: name.clone(), result, allow_failure, allow_skip, outcome }
        })
        .collect())
}

/// Split job lists given as repeated flags, comma-separated, or (as alls-green
/// takes them) a JSON list of strings.
pub fn job_list(values: &[String]) -> Result<Vec<String>, NeedsError> {
    let mut out = Vec::new();
    for value in values {
        let trimmed = value.trim();
        if trimmed.starts_with('[') {
            let list: Vec<String> = serde_json::from_str(trimmed)
                .map_err(|e| NeedsError::NotAJobList { list: trimmed.to_owned(), message: e.to_string() })?;
            out.extend(list);
        } else {
            out.extend(trimmed.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NEEDS: &str = r#"{
        "lint": {"result": "success", "outputs": {}},
        "test": {"result": "failure", "outputs": {}},
        "docs": {"result": "skipped", "outputs": {}},
        "bench": {"result": "cancelled", "outputs": {}},
        "odd": {"result": "neutral"},
        "bare": {}
    }"#;

    fn outcomes(rows: &[JobRow]) -> Vec<(&str, JobOutcome)> {
        rows.iter().map(|r| (r.name.as_str(), r.outcome)).collect()
    }

    #[test]
    fn every_result_is_judged_and_unknown_fails_closed() -> Result<(), NeedsError> {
        let rows = judge(NEEDS, &[], &[])?;
        assert_eq!(
            outcomes(&rows),
            [
                ("bare", JobOutcome::Unknown),
                ("bench", JobOutcome::Cancelled),
                ("docs", JobOutcome::Skipped),
                ("lint", JobOutcome::Success),
                ("odd", JobOutcome::Unknown),
                ("test", JobOutcome::Failure),
            ]
        );
        Ok(())
    }

    #[test]
    fn allow_lists_accept_failure_and_skip_but_never_cancel() -> Result<(), NeedsError> {
        let all = ["test".to_owned(), "docs".to_owned(), "bench".to_owned()];
        let rows = judge(NEEDS, &all, &all)?;
        let by_name = |n: &str| rows.iter().find(|r| r.name == n).map(|r| r.outcome);
        assert_eq!(by_name("test"), Some(JobOutcome::AllowedFailure));
        assert_eq!(by_name("docs"), Some(JobOutcome::AllowedSkip));
        assert_eq!(by_name("bench"), Some(JobOutcome::Cancelled));
        // Allowed to fail is not allowed to be skipped.
        let rows = judge(NEEDS, &["docs".to_owned()], &[])?;
        assert_eq!(rows.iter().find(|r| r.name == "docs").map(|r| r.outcome), Some(JobOutcome::Skipped));
        Ok(())
    }

    #[test]
    fn bad_input_is_a_usage_error() {
        assert_eq!(judge("{}", &[], &[]), Err(NeedsError::Empty));
        assert_eq!(judge("[]", &[], &[]), Err(NeedsError::NotAnObject("a list")));
        assert!(matches!(judge("{", &[], &[]), Err(NeedsError::Json(_))));
        let err = judge(NEEDS, &["tset".to_owned()], &[]).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.starts_with("--allow-failure names `tset`, which is not in needs"), "{err}");
    }

    #[test]
    fn job_lists_take_flags_commas_and_json() {
        let values = ["a, b".to_owned(), "c".to_owned(), r#"["d","e"]"#.to_owned(), "".to_owned()];
        assert_eq!(job_list(&values), Ok(vec!["a".into(), "b".into(), "c".into(), "d".into(), "e".into()]));
        assert!(job_list(&["[1]".to_owned()]).is_err());
    }
}
