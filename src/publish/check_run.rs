//! The check run's lifecycle: find the one this check name and shard made
//! before, or create it (once); then send every annotation, 50 per PATCH.
//!
//! The first write already carries the conclusion and the summary, so a
//! failure later on (while sending annotations) leaves a complete, correct
//! check run that only lacks some annotations, never one stuck in progress.

use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::api::{Api, ApiError};
use super::context::Repository;
use crate::render::github::{ANNOTATIONS_PER_REQUEST, Annotation};

/// Everything one check run shows.
#[derive(Clone, Debug)]
pub struct CheckRunPlan<'a> {
    pub repository: &'a Repository,
    pub head_sha: &'a str,
    /// The check name with the shard label.
    pub name: &'a str,
    pub external_id: &'a str,
    /// `success`, `failure` or `neutral`.
    pub conclusion: &'a str,
    pub title: &'a str,
    pub summary: &'a str,
    pub text: &'a str,
    pub annotations: &'a [Annotation],
}

/// What reached GitHub.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Delivered {
    pub id: u64,
    pub html_url: Option<String>,
    /// Created now, rather than found from an earlier attempt and updated.
    pub created: bool,
    pub annotations_sent: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum CheckRunError {
    #[error("could not look for an earlier check run: {0}")]
    Lookup(ApiError),
    #[error("could not write the check run: {0}")]
    Write(ApiError),
    #[error("GitHub's answer to {0} was not a check run")]
    BadResponse(&'static str),
    #[error("the check run is complete, but only {} of {total} annotations were sent: {error}", delivered.annotations_sent)]
    Annotations { delivered: Delivered, total: usize, error: ApiError },
}

impl CheckRunError {
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Self::Lookup(e) | Self::Write(e) | Self::Annotations { error: e, .. } => Some(e),
            Self::BadResponse(_) => None,
        }
    }

    /// Whether a check run with the conclusion exists despite the error.
    pub fn delivered(&self) -> Option<&Delivered> {
        match self {
            Self::Annotations { delivered, .. } => Some(delivered),
            _ => None,
        }
    }
}

/// A stable id for the check name and shard, so that a re-run finds the check
/// run it created instead of adding a second one.
pub fn external_id(check_name: &str, shard: Option<&Value>) -> String {
    format!("truegreen-{}", cell_digest(check_name, shard))
}

/// 24 hex digits naming one check name and matrix cell: the check run's
/// external id and the baseline artifact's name both end in it.
pub(super) fn cell_digest(check_name: &str, shard: Option<&Value>) -> String {
    let mut hasher = Sha256::new();
    hasher.update(check_name.as_bytes());
    hasher.update([0u8]);
    // serde_json orders object keys, so equal shards serialize equally.
    if let Some(shard) = shard.filter(|s| !s.is_null()) {
        hasher.update(shard.to_string().as_bytes());
    }
    let digest = hasher.finalize();
    digest.iter().take(12).map(|b| format!("{b:02x}")).collect()
}

#[derive(Deserialize)]
struct CheckRunRef {
    id: u64,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    external_id: Option<String>,
    #[serde(default)]
    html_url: Option<String>,
}

#[derive(Deserialize)]
struct CheckRunList {
    #[serde(default)]
    check_runs: Vec<CheckRunRef>,
}

/// Create or update the check run, then send the annotations.
pub async fn deliver(api: &mut Api<'_>, plan: &CheckRunPlan<'_>) -> Result<Delivered, CheckRunError> {
    let repo = plan.repository;
    let base = format!("/repos/{}/{}", repo.owner, repo.name);
    let existing = find_existing(api, &base, plan).await?;
    let completed_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let output = json!({ "title": plan.title, "summary": plan.summary, "text": plan.text });
    let mut delivered = match existing {
        Some(run) => {
            let body = json!({
                "name": plan.name,
                "external_id": plan.external_id,
                "status": "completed",
                "conclusion": plan.conclusion,
                "completed_at": completed_at,
                "output": output,
            });
            let response =
                api.patch(&format!("{base}/check-runs/{}", run.id), body).await.map_err(CheckRunError::Write)?;
            let updated: CheckRunRef = response.json().and_then(|v| serde_json::from_value(v).ok()).unwrap_or(run);
            Delivered { id: updated.id, html_url: updated.html_url, created: false, annotations_sent: 0 }
        }
        None => {
            let body = json!({
                "name": plan.name,
                "head_sha": plan.head_sha,
                "external_id": plan.external_id,
                "status": "completed",
                "conclusion": plan.conclusion,
                "completed_at": completed_at,
                "output": output,
            });
            let response = api.post(&format!("{base}/check-runs"), body).await.map_err(CheckRunError::Write)?;
            let created: CheckRunRef = response
                .json()
                .and_then(|v| serde_json::from_value(v).ok())
                .ok_or(CheckRunError::BadResponse("POST check-runs"))?;
            Delivered { id: created.id, html_url: created.html_url, created: true, annotations_sent: 0 }
        }
    };
    for batch in plan.annotations.chunks(ANNOTATIONS_PER_REQUEST) {
        let body = json!({
            "output": {
                "title": plan.title,
                "summary": plan.summary,
                "text": plan.text,
                "annotations": batch,
            }
        });
        if let Err(error) = api.patch(&format!("{base}/check-runs/{}", delivered.id), body).await {
            return Err(CheckRunError::Annotations { delivered, total: plan.annotations.len(), error });
        }
        delivered.annotations_sent += batch.len();
    }
    Ok(delivered)
}

async fn find_existing(
    api: &mut Api<'_>,
    base: &str,
    plan: &CheckRunPlan<'_>,
) -> Result<Option<CheckRunRef>, CheckRunError> {
    let path = format!(
        "{base}/commits/{}/check-runs?check_name={}&filter=all&per_page=100",
        plan.head_sha,
        percent_encode(plan.name)
    );
    let response = api.get(&path).await.map_err(CheckRunError::Lookup)?;
    let list: CheckRunList = response
        .json()
        .and_then(|v| serde_json::from_value(v).ok())
        .ok_or(CheckRunError::BadResponse("GET check-runs"))?;
    Ok(list
        .check_runs
        .into_iter()
        .filter(|r| r.external_id.as_deref() == Some(plan.external_id))
        .filter(|r| r.name.as_deref().is_none_or(|n| n == plan.name))
        .max_by_key(|r| r.id))
}

/// Percent-encode a query value (RFC 3986 unreserved characters pass).
pub(super) fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn external_ids_depend_on_name_and_shard_only() {
        let a = external_id("truegreen", Some(&json!({"os": "linux", "n": 1})));
        let b = external_id("truegreen", Some(&json!({"n": 1, "os": "linux"})));
        assert_eq!(a, b, "key order does not matter");
        assert_ne!(a, external_id("truegreen", Some(&json!({"os": "macos", "n": 1}))));
        assert_ne!(a, external_id("other", Some(&json!({"os": "linux", "n": 1}))));
        assert_eq!(external_id("truegreen", None), external_id("truegreen", Some(&Value::Null)));
        assert!(a.starts_with("truegreen-") && a.len() == "truegreen-".len() + 24, "{a}");
    }

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(percent_encode("truegreen (linux, 20)"), "truegreen%20%28linux%2C%2020%29");
        assert_eq!(percent_encode("a&b=c#d/é"), "a%26b%3Dc%23d%2F%C3%A9");
    }
}
