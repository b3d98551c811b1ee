//! The pull request comment's lifecycle: find the comment this check name
//! posted before (by the hidden marker its body starts with), and update it in
//! place; post one only when the whole comment list was read and none is there.
//!
//! A POST is sent once and never retried (see [`Api::post`]): a 5xx may come
//! after the comment was stored. The next run lists the comments again before
//! it would post, finds that comment, and updates it. So a failed write can
//! leave an out-of-date comment, never a second one.

use serde::Deserialize;
use serde_json::json;

use super::api::{Api, ApiError, Response};
use super::check_run::percent_encode;
use super::context::{PullRequestRef, Repository};
use crate::text::truncate;

/// Comments listed per page (GitHub's maximum).
pub const COMMENTS_PER_PAGE: usize = 100;
/// Pages of comments read at most. Past them nothing is posted: the marker
/// might be on a page not read, and posting could make the duplicate.
pub const MAX_COMMENT_PAGES: usize = 30;

/// What to post, and where.
#[derive(Clone, Debug)]
pub struct CommentPlan<'a> {
    pub repository: &'a Repository,
    /// `GITHUB_API_URL`: pagination links are followed only under it.
    pub api_url: &'a str,
    pub pull_request: &'a PullRequestRef,
    /// The run's commit, which a pull request found by its head must have.
    pub head_sha: Option<&'a str>,
    pub marker: &'a str,
    pub body: &'a str,
}

/// What reached GitHub.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CommentDelivered {
    pub id: u64,
    pub pull_request: u64,
    pub html_url: Option<String>,
    /// Posted now, rather than found from an earlier run and updated.
    pub created: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum CommentError {
    #[error("could not find the pull request: {0}")]
    PullRequestLookup(ApiError),
    #[error("no open pull request from {label} has this run's commit as its head")]
    NoPullRequest { label: String },
    #[error("could not list the pull request's comments: {0}")]
    List(ApiError),
    #[error(
        "the pull request has more than {pages} pages of comments; the earlier comment may be past them, so none was posted"
    )]
    TooManyPages { pages: usize },
    #[error("GitHub's next-page link {0:?} is not under GITHUB_API_URL: not followed, and no comment was posted")]
    ForeignLink(String),
    #[error("could not update the comment: {0}")]
    Update(ApiError),
    #[error("could not post the comment: {0}")]
    Create(ApiError),
    #[error("GitHub's answer to {0} was not what its API documents")]
    BadResponse(&'static str),
}

impl CommentError {
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Self::PullRequestLookup(e) | Self::List(e) | Self::Update(e) | Self::Create(e) => Some(e),
            _ => None,
        }
    }
}

#[derive(Deserialize)]
struct CommentRef {
    id: u64,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    html_url: Option<String>,
    #[serde(default)]
    user: Option<User>,
}

#[derive(Deserialize)]
struct User {
    #[serde(default, rename = "type")]
    kind: Option<String>,
}

#[derive(Deserialize)]
struct PullRef {
    number: u64,
    head: PullHead,
}

#[derive(Deserialize)]
struct PullHead {
    sha: String,
}

/// Update the check's comment, or post it when there is none.
pub async fn deliver(api: &mut Api<'_>, plan: &CommentPlan<'_>) -> Result<CommentDelivered, CommentError> {
    let repo = plan.repository;
    let base = format!("/repos/{}/{}", repo.owner, repo.name);
    let number = match plan.pull_request {
        PullRequestRef::Number(n) => *n,
        PullRequestRef::Head { label } => find_pull_request(api, &base, label, plan.head_sha).await?,
    };
    let body = json!({ "body": plan.body });
    match find_comment(api, plan.api_url, &base, number, plan.marker).await? {
        Some(id) => {
            let response =
                api.patch(&format!("{base}/issues/comments/{id}"), body).await.map_err(CommentError::Update)?;
            let updated: Option<CommentRef> = response.json().and_then(|v| serde_json::from_value(v).ok());
            Ok(CommentDelivered {
                id,
                pull_request: number,
                html_url: updated.and_then(|c| c.html_url),
                created: false,
            })
        }
        None => {
            let response =
                api.post(&format!("{base}/issues/{number}/comments"), body).await.map_err(CommentError::Create)?;
            let created: CommentRef = response
                .json()
                .and_then(|v| serde_json::from_value(v).ok())
                .ok_or(CommentError::BadResponse("POST issues/comments"))?;
            Ok(CommentDelivered { id: created.id, pull_request: number, html_url: created.html_url, created: true })
        }
    }
}

/// A fork's pull request, from a `workflow_run`: the open one whose head is
/// `label` and whose head commit is the run's.
async fn find_pull_request(
    api: &mut Api<'_>,
    base: &str,
    label: &str,
    head_sha: Option<&str>,
) -> Result<u64, CommentError> {
    let not_found = || CommentError::NoPullRequest { label: truncate(label, 200) };
    let head_sha = head_sha.ok_or_else(not_found)?;
    let path = format!("{base}/pulls?state=open&head={}&per_page=100", percent_encode(label));
    let response = api.get(&path).await.map_err(CommentError::PullRequestLookup)?;
    let pulls: Vec<PullRef> =
        response.json().and_then(|v| serde_json::from_value(v).ok()).ok_or(CommentError::BadResponse("GET pulls"))?;
    let mut numbers: Vec<u64> = pulls.iter().filter(|p| p.head.sha == head_sha).map(|p| p.number).collect();
    numbers.dedup();
    match numbers[..] {
        [number] => Ok(number),
        _ => Err(not_found()),
    }
}

/// The id of the comment whose body starts with `marker`. One a bot wrote
/// (the job's token is the GitHub Actions bot) wins over one a person wrote,
/// and the oldest wins among equals.
async fn find_comment(
    api: &mut Api<'_>,
    api_url: &str,
    base: &str,
    number: u64,
    marker: &str,
) -> Result<Option<u64>, CommentError> {
    let mut path = format!("{base}/issues/{number}/comments?per_page={COMMENTS_PER_PAGE}");
    let mut by_someone_else = None;
    for _ in 0..MAX_COMMENT_PAGES {
        let response = api.get(&path).await.map_err(CommentError::List)?;
        let comments: Vec<CommentRef> = response
            .json()
            .and_then(|v| serde_json::from_value(v).ok())
            .ok_or(CommentError::BadResponse("GET issues/comments"))?;
        for comment in comments {
            if !comment.body.as_deref().is_some_and(|b| b.trim_start().starts_with(marker)) {
                continue;
            }
            if comment.user.as_ref().and_then(|u| u.kind.as_deref()) == Some("Bot") {
                return Ok(Some(comment.id));
            }
            by_someone_else = by_someone_else.or(Some(comment.id));
        }
        match next_page(&response, api_url)? {
            Some(next) => path = next,
            None => return Ok(by_someone_else),
        }
    }
    match by_someone_else {
        Some(id) => Ok(Some(id)),
        None => Err(CommentError::TooManyPages { pages: MAX_COMMENT_PAGES }),
    }
}

/// The `rel="next"` link of a paginated answer, as a path under `api_url`.
/// A link elsewhere is refused: the request would carry the token there.
fn next_page(response: &Response, api_url: &str) -> Result<Option<String>, CommentError> {
    let Some(link) = response.headers.get("link").and_then(|v| v.to_str().ok()) else { return Ok(None) };
    for part in link.split(',') {
        let mut pieces = part.split(';');
        let url = pieces.next().map(str::trim).and_then(|u| u.strip_prefix('<')).and_then(|u| u.strip_suffix('>'));
        let is_next = pieces.any(|p| {
            p.trim()
                .strip_prefix("rel=")
                .is_some_and(|rel| rel.trim_matches('"').split_whitespace().any(|r| r == "next"))
        });
        if let (Some(url), true) = (url, is_next) {
            let base = api_url.trim_end_matches('/');
            return match url.strip_prefix(base) {
                Some(rest) if rest.starts_with('/') => Ok(Some(rest.to_owned())),
                _ => Err(CommentError::ForeignLink(truncate(url, 200))),
            };
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderMap;

    fn with_link(link: &str) -> Response {
        let mut headers = HeaderMap::new();
        if let Ok(v) = http::HeaderValue::from_str(link) {
            headers.insert("link", v);
        }
        Response { status: 200, headers, body: "[]".to_owned() }
    }

    #[test]
    fn next_links_are_followed_only_under_the_api_url() {
        let api = "https://ghe.example/api/v3";
        let link = r#"<https://ghe.example/api/v3/repositories/9/issues/4/comments?per_page=100&page=2>; rel="next", <https://ghe.example/api/v3/repositories/9/issues/4/comments?per_page=100&page=3>; rel="last""#;
        let next = next_page(&with_link(link), api).ok().flatten();
        assert_eq!(next.as_deref(), Some("/repositories/9/issues/4/comments?per_page=100&page=2"));
        let last_only =
            r#"<https://ghe.example/api/v3/x?page=1>; rel="first", <https://ghe.example/api/v3/x?page=3>; rel="prev""#;
        assert_eq!(next_page(&with_link(last_only), api).ok().flatten(), None);
        for foreign in [
            r#"<https://evil.example/api/v3/x?page=2>; rel="next""#,
            r#"<https://ghe.example/api/v3.evil/x?page=2>; rel="next""#,
            r#"<https://ghe.example.evil/api/v3/x>; rel="next""#,
        ] {
            assert!(matches!(next_page(&with_link(foreign), api), Err(CommentError::ForeignLink(_))), "{foreign}");
        }
        assert_eq!(
            next_page(&Response { status: 200, headers: HeaderMap::new(), body: String::new() }, api).ok(),
            Some(None)
        );
    }
}
