//! The baseline inventory for `--baseline auto`: found and downloaded through
//! the GitHub Actions REST API, with GETs only, so a read-only token (a fork's
//! pull request, `permissions: actions: read`) is enough.
//!
//! Which run is the baseline, by the event of this run:
//! - `pull_request` and the other pull request events: the latest successful
//!   run of the same workflow on the base branch (`pull_request.base.ref`);
//! - `push` to a branch: the successful run of the same workflow for the
//!   commit before the push (`before`), on the same branch. A push that
//!   created the branch has none;
//! - `merge_group`: the latest successful run on the queue's base branch;
//! - anything else (`schedule`, `workflow_dispatch`, ...): the latest
//!   successful run on the same branch, or, when the run is not on a branch,
//!   on the repository's default branch.
//!
//! Only runs that concluded `success` are taken, so the inventory of a run
//! that failed (a discrepancy among them) never becomes the next baseline.
//! Only runs of the branch's own code are taken: events `push`, `schedule`
//! and `workflow_dispatch` whose head repository is this repository. A pull
//! request from a fork whose branch is also called `main` is not `main`.
//! The latest such run is the baseline even when it lacks the artifact: an
//! older one would compare with a test set that the branch has since changed.
//!
//! The artifact's zip is downloaded from the URL the API redirects to,
//! without the token, and read with bounds: its size, the inventory's size,
//! and exactly one member, [`INVENTORY_MEMBER`].
//!
//! A failure says its [`FetchClass`]: there is no baseline (a first run),
//! GitHub could not be asked (the verdict must not depend on GitHub), or the
//! artifact is unusable.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use http_body_util::BodyExt;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::api::{Api, ApiError, HttpPolicy, error_chain};
use super::check_run::{cell_digest, percent_encode};
use super::clock::{Clock, SystemClock};
use super::context::{GitHubContext, PULL_REQUEST_EVENTS, Repository, Token, is_sha};
use crate::render::github::check_run_name;
use crate::text::{one_line, truncate};

/// The one file a baseline artifact holds: the action uploads
/// `$RUNNER_TEMP/truegreen/inventory.tginv`, and the zip names it by its base name.
pub const INVENTORY_MEMBER: &str = "inventory.tginv";

/// Events whose runs test the branch's own code, so may be a baseline.
const BASELINE_EVENTS: &[&str] = &["push", "schedule", "workflow_dispatch"];

/// The artifact that holds the inventory of one check name and matrix cell:
/// readable (a slug of the check run's name) and unique (the digest that also
/// identifies the check run). `shard` is `toJSON(matrix)` as text; `null`,
/// blank or absent means no matrix. Key order does not matter. Artifact names
/// may not hold `"`, `:`, `<`, `>`, `|`, `*`, `?`, `\`, `/` or line breaks:
/// this one is `[a-z0-9-]` only.
pub fn artifact_name(check_name: &str, shard: Option<&str>) -> String {
    let shard: Option<Value> = shard
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| serde_json::from_str(s).unwrap_or_else(|_| Value::String(s.to_owned())))
        .filter(|v| !v.is_null());
    let label = check_run_name(check_name, shard.as_ref());
    let mut slug = String::new();
    for c in label.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
        if slug.len() >= 60 {
            break;
        }
    }
    let slug = slug.trim_end_matches('-');
    let slug = if slug.is_empty() { "truegreen" } else { slug };
    format!("truegreen-inventory-{slug}-{}", cell_digest(check_name, shard.as_ref()))
}

/// Which run of this run's workflow holds the baseline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BaselineRun {
    /// The latest successful run on this branch.
    LatestOnBranch { branch: String },
    /// The successful run for this commit on this branch (a push's `before`).
    Commit { branch: String, sha: String },
}

impl std::fmt::Display for BaselineRun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::LatestOnBranch { branch } => write!(f, "on branch {}", one_line(branch)),
            Self::Commit { branch, sha } => {
                let short: String = sha.chars().take(12).collect();
                write!(f, "for commit {} on branch {}", one_line(&short), one_line(branch))
            }
        }
    }
}

/// Bounds on the search and on what is downloaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FetchLimits {
    /// Workflow runs or artifacts per page (GitHub's maximum is 100).
    pub per_page: u32,
    /// Pages of runs, or of artifacts, read at most.
    pub max_pages: u32,
    /// The artifact's zip, as listed and as downloaded.
    pub max_zip_bytes: u64,
    /// The inventory inside the zip, as declared and as unpacked.
    pub max_inventory_bytes: u64,
    /// The zip's download, start to last byte.
    pub download_timeout: Duration,
}

impl Default for FetchLimits {
    fn default() -> Self {
        // An inventory of 1M tests is under 16 MB; four times that is corrupt or hostile.
        Self {
            per_page: 100,
            max_pages: 10,
            max_zip_bytes: 64 * 1024 * 1024,
            max_inventory_bytes: 64 * 1024 * 1024,
            download_timeout: Duration::from_secs(120),
        }
    }
}

/// The HTTP policy of a baseline fetch: short, because it happens before the
/// verdict and the verdict does not wait on GitHub. A rate limit that asks
/// for more than the deadline is given up at once.
pub fn baseline_http_policy() -> HttpPolicy {
    HttpPolicy {
        request_timeout: Duration::from_secs(30),
        max_attempts: 3,
        deadline: Duration::from_secs(30),
        ..HttpPolicy::default()
    }
}

/// Everything a fetch needs: where to ask, which run, which artifact.
#[derive(Clone, Debug)]
pub struct BaselineQuery {
    /// `GITHUB_API_URL`.
    pub api_url: String,
    pub repository: Repository,
    pub token: Option<Token>,
    /// This run (`GITHUB_RUN_ID`): its workflow's runs are searched, and it
    /// is never its own baseline.
    pub run_id: u64,
    pub run: BaselineRun,
    /// The artifact's name, from [`artifact_name`].
    pub artifact: String,
    pub limits: FetchLimits,
    pub http: HttpPolicy,
}

impl BaselineQuery {
    /// The query for this GitHub Actions run, from environment lookups and a
    /// file reader (for the event payload), as [`GitHubContext::from_lookup`]
    /// reads them; the token is the one publishing uses.
    pub fn from_lookup(
        env: impl Fn(&str) -> Option<String>,
        read: impl Fn(&Path) -> Option<String>,
        artifact: &str,
    ) -> Result<Self, BaselineFetchError> {
        let var = |k: &str| env(k).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let payload: Option<Value> =
            var("GITHUB_EVENT_PATH").and_then(|p| read(Path::new(&p))).and_then(|s| serde_json::from_str(&s).ok());
        let ctx = GitHubContext::from_lookup(&env, &read);
        let missing = |what: &str| BaselineFetchError::Context(format!("{what} is not set"));
        let repository = ctx.repository.clone().ok_or_else(|| missing("GITHUB_REPOSITORY"))?;
        let run_id = ctx.run_id.as_deref().and_then(|id| id.parse().ok()).ok_or_else(|| missing("GITHUB_RUN_ID"))?;
        let event = ctx.event_name.clone().ok_or_else(|| missing("GITHUB_EVENT_NAME"))?;
        let branch = (var("GITHUB_REF_TYPE").as_deref() == Some("branch")).then(|| var("GITHUB_REF_NAME")).flatten();
        let run = baseline_run(&event, payload.as_ref(), branch)?;
        Ok(Self {
            api_url: ctx.api_url,
            repository,
            token: ctx.token,
            run_id,
            run,
            artifact: artifact.to_owned(),
            limits: FetchLimits::default(),
            http: baseline_http_policy(),
        })
    }
}

/// The baseline run for this event; see the module's documentation.
fn baseline_run(
    event: &str,
    payload: Option<&Value>,
    branch: Option<String>,
) -> Result<BaselineRun, BaselineFetchError> {
    let text = |pointer: &str| {
        payload.and_then(|p| p.pointer(pointer)).and_then(Value::as_str).map(str::to_owned).filter(|s| !s.is_empty())
    };
    let head_branch = |r: String| r.strip_prefix("refs/heads/").map(str::to_owned);
    let payload_lacks = |what: &str| BaselineFetchError::Context(format!("the {event} event payload has no {what}"));
    if PULL_REQUEST_EVENTS.contains(&event) {
        let branch = text("/pull_request/base/ref").ok_or_else(|| payload_lacks("pull_request.base.ref"))?;
        return Ok(BaselineRun::LatestOnBranch { branch });
    }
    match event {
        "push" => {
            let pushed = text("/ref").ok_or_else(|| payload_lacks("ref"))?;
            let Some(branch) = head_branch(pushed.clone()) else {
                return Err(BaselineFetchError::NoRule {
                    event: event.to_owned(),
                    reason: format!("{} is not a branch, so it has no previous commit's run", one_line(&pushed)),
                });
            };
            let before = text("/before").ok_or_else(|| payload_lacks("before"))?;
            if before.bytes().all(|b| b == b'0') {
                return Err(BaselineFetchError::NewBranch { branch });
            }
            if !is_sha(&before) {
                return Err(payload_lacks("commit SHA in before"));
            }
            Ok(BaselineRun::Commit { branch, sha: before })
        }
        "merge_group" => {
            let base = text("/merge_group/base_ref").ok_or_else(|| payload_lacks("merge_group.base_ref"))?;
            let branch = head_branch(base).ok_or_else(|| payload_lacks("branch in merge_group.base_ref"))?;
            Ok(BaselineRun::LatestOnBranch { branch })
        }
        _ => match branch.or_else(|| text("/repository/default_branch")) {
            Some(branch) => Ok(BaselineRun::LatestOnBranch { branch }),
            None => Err(BaselineFetchError::NoRule {
                event: event.to_owned(),
                reason: "the run is on no branch and the payload names no default branch".to_owned(),
            }),
        },
    }
}

/// A downloaded baseline inventory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FetchedBaseline {
    /// The inventory file, in the directory given to [`fetch`].
    pub path: PathBuf,
    /// The run it comes from.
    pub run_id: u64,
    pub run_url: String,
    /// The commit that run tested.
    pub head_sha: String,
}

/// What a failed fetch means for the verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FetchClass {
    /// There is no baseline: a first run, no successful run, no artifact, an
    /// expired one, a 404. A notice.
    NoBaseline,
    /// GitHub could not be asked: an API error, a rate limit, the network, or
    /// a run without the GitHub Actions context. A warning: the verdict does
    /// not depend on GitHub.
    Unavailable,
    /// The artifact is there but cannot be used: a corrupt zip, too large, not
    /// exactly the inventory. A discrepancy (TG605).
    Unusable,
}

/// Why no baseline was fetched. Messages never hold the token, nor the
/// download URL (it is signed): only its host.
#[derive(Debug, thiserror::Error)]
pub enum BaselineFetchError {
    #[error("no baseline for a {event} run: {reason}")]
    NoRule { event: String, reason: String },
    #[error("no baseline: the push created branch {}, so there is no previous commit", one_line(.branch))]
    NewBranch { branch: String },
    #[error(
        "no baseline: no successful run of this workflow {run} (only push, schedule and workflow_dispatch runs of this repository count)"
    )]
    NoRun { run: BaselineRun },
    #[error(
        "no baseline: the run {run_url} has no artifact {name} (the first run with baseline: auto, or that run did not upload it)"
    )]
    NoArtifact { name: String, run_url: String },
    #[error("no baseline: the artifact {name} of the run {run_url} has expired (artifact retention)")]
    Expired { name: String, run_url: String },
    #[error("no baseline: {0} (gone, or the token cannot read Actions: grant `permissions: actions: read`)")]
    NotFound(ApiError),

    #[error("baseline: auto needs the GitHub Actions environment: {0}")]
    Context(String),
    #[error("the GitHub API could not be asked for the baseline: {0}")]
    Api(ApiError),
    #[error("the baseline could not be looked up: {0}")]
    BadResponse(String),
    #[error("the baseline artifact could not be downloaded from {host}: {detail}")]
    Download { host: String, detail: String },
    #[error("the baseline could not be stored in {}: {source}", .path.display())]
    Io { path: PathBuf, source: std::io::Error },

    #[error("the baseline artifact is unusable: {what} is {size} bytes, over the {limit}-byte limit")]
    TooLarge { what: String, size: u64, limit: u64 },
    #[error("the baseline artifact is unusable: {0}")]
    Corrupt(String),
    #[error("the baseline artifact is unusable: it must hold exactly one file, {INVENTORY_MEMBER}, and holds {0}")]
    Members(String),
}

impl BaselineFetchError {
    pub fn class(&self) -> FetchClass {
        match self {
            Self::NoRule { .. }
            | Self::NewBranch { .. }
            | Self::NoRun { .. }
            | Self::NoArtifact { .. }
            | Self::Expired { .. }
            | Self::NotFound(_) => FetchClass::NoBaseline,
            Self::Context(_) | Self::Api(_) | Self::BadResponse(_) | Self::Download { .. } | Self::Io { .. } => {
                FetchClass::Unavailable
            }
            Self::TooLarge { .. } | Self::Corrupt(_) | Self::Members(_) => FetchClass::Unusable,
        }
    }

    fn from_api(error: ApiError) -> Self {
        if error.status() == Some(404) { Self::NotFound(error) } else { Self::Api(error) }
    }

    fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Self + '_ {
        move |source| Self::Io { path: path.to_owned(), source }
    }
}

/// Fetch the baseline inventory into `dest_dir` (created if missing), with real time.
pub fn fetch(query: &BaselineQuery, dest_dir: &Path) -> Result<FetchedBaseline, BaselineFetchError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| BaselineFetchError::Context(format!("cannot start the HTTP runtime: {e}")))?;
    let clock = SystemClock::new();
    runtime.block_on(fetch_with(query, dest_dir, &clock))
}

/// [`fetch`] with the given clock (tests pass a virtual one). Must run inside
/// a Tokio runtime.
pub async fn fetch_with(
    query: &BaselineQuery,
    dest_dir: &Path,
    clock: &dyn Clock,
) -> Result<FetchedBaseline, BaselineFetchError> {
    let mut api =
        Api::new(&query.api_url, query.token.as_ref(), query.http.clone(), clock).map_err(BaselineFetchError::Api)?;
    let repo = format!("/repos/{}/{}", query.repository.owner, query.repository.name);
    let this_run: RunRef = get_json(&mut api, &format!("{repo}/actions/runs/{}", query.run_id)).await?;
    let workflow_id = this_run
        .workflow_id
        .ok_or_else(|| BaselineFetchError::BadResponse(format!("the run {} names no workflow_id", query.run_id)))?;
    let run = find_run(&mut api, &repo, workflow_id, query).await?;
    let run_url = run.html_url.clone().unwrap_or_else(|| format!("run {}", run.id));
    let artifact = find_artifact(&mut api, &repo, run.id, &run_url, query).await?;
    if artifact.size_in_bytes > query.limits.max_zip_bytes {
        return Err(BaselineFetchError::TooLarge {
            what: "the artifact (as listed)".to_owned(),
            size: artifact.size_in_bytes,
            limit: query.limits.max_zip_bytes,
        });
    }
    // Built here rather than taken from `archive_download_url`: the token goes
    // only to the API the query names.
    let location = api
        .get_redirect(&format!("{repo}/actions/artifacts/{}/zip", artifact.id))
        .await
        .map_err(BaselineFetchError::from_api)?;
    std::fs::create_dir_all(dest_dir).map_err(BaselineFetchError::io(dest_dir))?;
    let zip_path = dest_dir.join("baseline-artifact.zip");
    let path = dest_dir.join(INVENTORY_MEMBER);
    let result = match download(&location, &query.api_url, &zip_path, &query.limits, &query.http).await {
        Ok(()) => unpack(&zip_path, &path, &query.limits),
        Err(error) => Err(error),
    };
    // The zip is not needed any more, whatever the outcome; a partial inventory is no inventory.
    let _ = std::fs::remove_file(&zip_path);
    if result.is_err() {
        let _ = std::fs::remove_file(&path);
    }
    result?;
    Ok(FetchedBaseline { path, run_id: run.id, run_url, head_sha: run.head_sha.unwrap_or_default() })
}

#[derive(Deserialize)]
struct RunRef {
    #[serde(default)]
    workflow_id: Option<u64>,
}

#[derive(Deserialize)]
struct RepoRef {
    #[serde(default)]
    full_name: Option<String>,
}

#[derive(Deserialize)]
struct WorkflowRun {
    id: u64,
    #[serde(default)]
    head_branch: Option<String>,
    #[serde(default)]
    head_sha: Option<String>,
    #[serde(default)]
    event: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    conclusion: Option<String>,
    #[serde(default)]
    html_url: Option<String>,
    #[serde(default)]
    head_repository: Option<RepoRef>,
}

#[derive(Deserialize)]
struct RunPage {
    #[serde(default)]
    total_count: u64,
    workflow_runs: Vec<WorkflowRun>,
}

#[derive(Deserialize)]
struct Artifact {
    id: u64,
    name: String,
    #[serde(default)]
    expired: bool,
    #[serde(default)]
    size_in_bytes: u64,
}

#[derive(Deserialize)]
struct ArtifactPage {
    #[serde(default)]
    total_count: u64,
    artifacts: Vec<Artifact>,
}

async fn get_json<T: DeserializeOwned>(api: &mut Api<'_>, path: &str) -> Result<T, BaselineFetchError> {
    let response = api.get(path).await.map_err(BaselineFetchError::from_api)?;
    let path_only = path.split('?').next().unwrap_or(path);
    serde_json::from_str(&response.body).map_err(|e| {
        BaselineFetchError::BadResponse(format!(
            "GET {path_only}: unexpected answer ({})",
            truncate(&e.to_string(), 200)
        ))
    })
}

/// Is there a next page after `page`, holding `len` items of `total`?
fn more_pages(page: u32, len: usize, total: u64, limits: &FetchLimits) -> bool {
    let seen = u64::from(page) * u64::from(limits.per_page);
    len >= limits.per_page as usize && seen < total && page < limits.max_pages
}

/// The newest run that may be the baseline, reading page after page (GitHub
/// lists the newest first).
async fn find_run(
    api: &mut Api<'_>,
    repo: &str,
    workflow_id: u64,
    query: &BaselineQuery,
) -> Result<WorkflowRun, BaselineFetchError> {
    let (branch, sha) = match &query.run {
        BaselineRun::LatestOnBranch { branch } => (branch, None),
        BaselineRun::Commit { branch, sha } => (branch, Some(sha)),
    };
    let mut filter = format!("branch={}&status=success&exclude_pull_requests=true", percent_encode(branch));
    if let Some(sha) = sha {
        filter.push_str(&format!("&head_sha={}", percent_encode(sha)));
    }
    let mut page = 1;
    loop {
        let path = format!(
            "{repo}/actions/workflows/{workflow_id}/runs?{filter}&per_page={}&page={page}",
            query.limits.per_page
        );
        let list: RunPage = get_json(api, &path).await?;
        let len = list.workflow_runs.len();
        if let Some(run) = list.workflow_runs.into_iter().find(|r| may_be_baseline(r, query, branch, sha)) {
            return Ok(run);
        }
        if !more_pages(page, len, list.total_count, &query.limits) {
            return Err(BaselineFetchError::NoRun { run: query.run.clone() });
        }
        page += 1;
    }
}

/// The API's filters are checked again: the baseline must be a successful run
/// of this branch's own code in this repository, and not this run.
fn may_be_baseline(run: &WorkflowRun, query: &BaselineQuery, branch: &str, sha: Option<&String>) -> bool {
    let this_repository = run
        .head_repository
        .as_ref()
        .and_then(|r| r.full_name.as_deref())
        .is_some_and(|name| name.eq_ignore_ascii_case(&query.repository.full_name()));
    run.id != query.run_id
        && run.conclusion.as_deref() == Some("success")
        && run.status.as_deref().is_none_or(|s| s == "completed")
        && run.event.as_deref().is_some_and(|e| BASELINE_EVENTS.contains(&e))
        && run.head_branch.as_deref() == Some(branch)
        && sha.is_none_or(|sha| run.head_sha.as_deref().is_some_and(|h| h.eq_ignore_ascii_case(sha)))
        && this_repository
}

/// The run's artifact with the query's name: the newest unexpired one.
async fn find_artifact(
    api: &mut Api<'_>,
    repo: &str,
    run_id: u64,
    run_url: &str,
    query: &BaselineQuery,
) -> Result<Artifact, BaselineFetchError> {
    let mut found: Vec<Artifact> = Vec::new();
    let mut page = 1;
    loop {
        let path = format!(
            "{repo}/actions/runs/{run_id}/artifacts?name={}&per_page={}&page={page}",
            percent_encode(&query.artifact),
            query.limits.per_page
        );
        let list: ArtifactPage = get_json(api, &path).await?;
        let len = list.artifacts.len();
        found.extend(list.artifacts.into_iter().filter(|a| a.name == query.artifact));
        if !more_pages(page, len, list.total_count, &query.limits) {
            break;
        }
        page += 1;
    }
    let any = !found.is_empty();
    match found.into_iter().filter(|a| !a.expired).max_by_key(|a| a.id) {
        Some(artifact) => Ok(artifact),
        None if any => Err(BaselineFetchError::Expired { name: query.artifact.clone(), run_url: run_url.to_owned() }),
        None => Err(BaselineFetchError::NoArtifact { name: query.artifact.clone(), run_url: run_url.to_owned() }),
    }
}

/// Download the zip the API redirected to, without credentials, into `dest`,
/// stopping past `limits.max_zip_bytes`.
async fn download(
    location: &str,
    api_url: &str,
    dest: &Path,
    limits: &FetchLimits,
    http: &HttpPolicy,
) -> Result<(), BaselineFetchError> {
    let api_uri: http::Uri =
        api_url.parse().map_err(|_| BaselineFetchError::Context(format!("GITHUB_API_URL {api_url:?} is not a URL")))?;
    let api_origin = format!(
        "{}://{}",
        api_uri.scheme_str().unwrap_or("https"),
        api_uri.authority().map(|a| a.as_str()).unwrap_or_default()
    );
    // GitHub answers with an absolute URL; a relative one is on the API's host.
    let url = if location.starts_with('/') { format!("{api_origin}{location}") } else { location.to_owned() };
    let uri: http::Uri = url.parse().map_err(|_| BaselineFetchError::Download {
        host: "?".to_owned(),
        detail: "the redirect's Location is not a URL".to_owned(),
    })?;
    let host = uri.host().unwrap_or("?").to_owned();
    let fail =
        |detail: String| BaselineFetchError::Download { host: host.clone(), detail: detail.replace(&url, &host) };
    // Never downgrade to plain HTTP, except where the API itself is (a local mock or mirror).
    let scheme_ok = match uri.scheme_str() {
        Some("https") => true,
        Some("http") => api_uri.scheme_str() == Some("http"),
        _ => false,
    };
    if !scheme_ok || uri.authority().is_none() {
        return Err(fail("the redirect points to neither an https URL nor the API's own scheme".to_owned()));
    }
    let origin =
        format!("{}://{}", uri.scheme_str().unwrap_or("https"), uri.authority().map(|a| a.as_str()).unwrap_or(""));
    // A client of its own, with no token: the URL is pre-signed, and another host.
    let client = octocrab::Octocrab::builder()
        .base_uri(origin.as_str())
        .map_err(|e| fail(error_chain(&e)))?
        .add_retry_config(octocrab::service::middleware::retry::RetryConfig::None)
        .set_connect_timeout(Some(http.connect_timeout))
        .set_read_timeout(Some(http.read_timeout))
        .build()
        .map_err(|e| fail(error_chain(&e)))?;
    let max = limits.max_zip_bytes;
    let too_large = |what: &str, size: u64| BaselineFetchError::TooLarge { what: what.to_owned(), size, limit: max };
    let exchange = async {
        let response = client._get(url.as_str()).await.map_err(|e| fail(error_chain(&e)))?;
        let status = response.status().as_u16();
        if !(200..300).contains(&status) {
            return Err(fail(format!("HTTP {status}")));
        }
        let declared = response
            .headers()
            .get(http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        if let Some(size) = declared.filter(|size| *size > max) {
            return Err(too_large("the artifact's zip (Content-Length)", size));
        }
        let mut file = std::fs::File::create(dest).map_err(BaselineFetchError::io(dest))?;
        let mut body = response.into_body();
        let mut total = 0u64;
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|e| fail(error_chain(&e)))?;
            let Ok(data) = frame.into_data() else { continue };
            total += data.len() as u64;
            if total > max {
                return Err(too_large("the artifact's zip (downloaded so far)", total));
            }
            file.write_all(&data).map_err(BaselineFetchError::io(dest))?;
        }
        file.flush().map_err(BaselineFetchError::io(dest))
    };
    match tokio::time::timeout(limits.download_timeout, exchange).await {
        Ok(result) => result,
        Err(_) => Err(fail(format!("no complete download within {}s", limits.download_timeout.as_secs()))),
    }
}

/// Unpack the zip's one member, [`INVENTORY_MEMBER`], to `dest`, within the
/// size limit whatever the zip declares.
fn unpack(zip_path: &Path, dest: &Path, limits: &FetchLimits) -> Result<(), BaselineFetchError> {
    let corrupt = |e: &dyn std::fmt::Display| BaselineFetchError::Corrupt(format!("not a readable zip ({e})"));
    let file = std::fs::File::open(zip_path).map_err(BaselineFetchError::io(zip_path))?;
    let mut archive = zip::ZipArchive::new(file).map_err(|e| corrupt(&e))?;
    let members = || -> String {
        let names: Vec<String> =
            archive.file_names().take(5).map(|n| format!("{:?}", truncate(&one_line(n), 100))).collect();
        let more = archive.len().saturating_sub(names.len());
        let more = if more > 0 { format!(" and {more} more") } else { String::new() };
        format!("{} member(s): {}{more}", archive.len(), names.join(", "))
    };
    if archive.len() != 1 {
        return Err(BaselineFetchError::Members(if archive.is_empty() { "none".to_owned() } else { members() }));
    }
    let listing = members();
    let mut member = archive.by_index(0).map_err(|e| corrupt(&e))?;
    if member.is_dir() || member.name() != INVENTORY_MEMBER {
        return Err(BaselineFetchError::Members(listing));
    }
    let max = limits.max_inventory_bytes;
    if member.size() > max {
        return Err(BaselineFetchError::TooLarge {
            what: format!("{INVENTORY_MEMBER} (as the zip declares it)"),
            size: member.size(),
            limit: max,
        });
    }
    let mut out = std::fs::File::create(dest).map_err(BaselineFetchError::io(dest))?;
    let mut buffer = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    loop {
        // A read error here is the zip's: bad deflate data, a CRC mismatch.
        let n = member.read(&mut buffer).map_err(|e| corrupt(&e))?;
        if n == 0 {
            break;
        }
        total += n as u64;
        if total > max {
            return Err(BaselineFetchError::TooLarge {
                what: format!("{INVENTORY_MEMBER} (unpacked so far)"),
                size: total,
                limit: max,
            });
        }
        out.write_all(&buffer[..n]).map_err(BaselineFetchError::io(dest))?;
    }
    out.flush().map_err(BaselineFetchError::io(dest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn artifact_names_are_stable_valid_and_unique_per_cell() {
        let plain = artifact_name("truegreen", None);
        assert_eq!(plain, artifact_name("truegreen", Some("null")));
        assert_eq!(plain, artifact_name("truegreen", Some("  ")));
        assert!(plain.starts_with("truegreen-inventory-truegreen-"), "{plain}");
        let a = artifact_name("tests", Some(r#"{"os":"ubuntu-latest","python":"3.12"}"#));
        let b = artifact_name("tests", Some(r#"{ "python": "3.12", "os": "ubuntu-latest" }"#));
        assert_eq!(a, b, "key order and spacing do not matter");
        assert!(a.starts_with("truegreen-inventory-tests-ubuntu-latest-3-12-"), "{a}");
        assert_ne!(a, artifact_name("tests", Some(r#"{"os":"ubuntu-latest","python":"3.13"}"#)));
        assert_ne!(a, artifact_name("Tests", Some(r#"{"os":"ubuntu-latest","python":"3.12"}"#)), "names differ");
        // Values of another JSON type are another cell.
        assert_ne!(artifact_name("t", Some(r#"{"n":3}"#)), artifact_name("t", Some(r#"{"n":"3"}"#)));
        let hostile = artifact_name("a/b\\c:\"<>|*?\r\n", Some(&format!(r#"{{"x":"{}"}}"#, "y".repeat(500))));
        assert!(hostile.len() <= 130, "{hostile}");
        assert!(hostile.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'), "{hostile}");
        assert!(artifact_name("", None).starts_with("truegreen-inventory-truegreen-"), "a readable name even so");
    }

    fn run_for(event: &str, payload: Value, branch: Option<&str>) -> Result<BaselineRun, BaselineFetchError> {
        baseline_run(event, Some(&payload), branch.map(str::to_owned))
    }

    const BEFORE: &str = "0123456789abcdef0123456789abcdef01234567";

    #[test]
    fn each_event_names_its_baseline_run() {
        let pr = serde_json::json!({"pull_request": {"base": {"ref": "release/1.x"}}});
        for event in ["pull_request", "pull_request_target"] {
            let run = run_for(event, pr.clone(), Some("ignored")).ok();
            assert_eq!(run, Some(BaselineRun::LatestOnBranch { branch: "release/1.x".to_owned() }), "{event}");
        }
        let push = serde_json::json!({"ref": "refs/heads/main", "before": BEFORE});
        assert_eq!(
            run_for("push", push, Some("main")).ok(),
            Some(BaselineRun::Commit { branch: "main".to_owned(), sha: BEFORE.to_owned() })
        );
        let created = serde_json::json!({"ref": "refs/heads/new", "before": "0".repeat(40)});
        let error = run_for("push", created, Some("new")).err();
        assert!(matches!(error, Some(BaselineFetchError::NewBranch { .. })), "{error:?}");
        let tag = serde_json::json!({"ref": "refs/tags/v1", "before": BEFORE});
        assert_eq!(run_for("push", tag, None).err().map(|e| e.class()), Some(FetchClass::NoBaseline));
        let queue = serde_json::json!({"merge_group": {"base_ref": "refs/heads/main"}});
        assert_eq!(
            run_for("merge_group", queue, None).ok(),
            Some(BaselineRun::LatestOnBranch { branch: "main".to_owned() })
        );
        let nightly = serde_json::json!({"repository": {"default_branch": "trunk"}});
        assert_eq!(
            run_for("schedule", nightly.clone(), Some("dev")).ok(),
            Some(BaselineRun::LatestOnBranch { branch: "dev".to_owned() })
        );
        assert_eq!(
            run_for("release", nightly, None).ok(),
            Some(BaselineRun::LatestOnBranch { branch: "trunk".to_owned() })
        );
        assert_eq!(run_for("release", Value::Null, None).err().map(|e| e.class()), Some(FetchClass::NoBaseline));
        // A pull request payload without its base is a broken context, not a first run.
        let broken = run_for("pull_request", serde_json::json!({}), None).err();
        assert_eq!(broken.map(|e| e.class()), Some(FetchClass::Unavailable));
    }

    #[test]
    fn the_query_comes_from_the_actions_environment() {
        let vars = [
            ("GITHUB_REPOSITORY", "o/r"),
            ("GITHUB_RUN_ID", "4242"),
            ("GITHUB_EVENT_NAME", "pull_request"),
            ("GITHUB_EVENT_PATH", "/e.json"),
            ("GITHUB_API_URL", "http://127.0.0.1:9"),
            ("TRUEGREEN_GITHUB_TOKEN", "ghs_secret"),
        ];
        let env = |k: &str| vars.iter().find(|(name, _)| *name == k).map(|(_, v)| (*v).to_owned());
        let payload = r#"{"pull_request":{"base":{"ref":"main"}}}"#;
        let query = BaselineQuery::from_lookup(env, |_| Some(payload.to_owned()), "art");
        let query = query.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (query.run_id, query.artifact.as_str(), query.api_url.as_str()),
            (4242, "art", "http://127.0.0.1:9")
        );
        assert_eq!(query.run, BaselineRun::LatestOnBranch { branch: "main".to_owned() });
        assert!(query.token.is_some());
        assert!(!format!("{query:?}").contains("ghs_secret"), "the token is never shown");
        let no_run = BaselineQuery::from_lookup(|k| env(k).filter(|_| k != "GITHUB_RUN_ID"), |_| None, "a");
        assert_eq!(no_run.err().map(|e| e.class()), Some(FetchClass::Unavailable));
    }

    #[test]
    fn pages_end_at_a_short_page_the_total_or_the_limit() {
        let limits = FetchLimits { per_page: 2, max_pages: 3, ..FetchLimits::default() };
        assert!(more_pages(1, 2, 5, &limits));
        assert!(!more_pages(1, 1, 5, &limits), "a short page is the last");
        assert!(!more_pages(2, 2, 4, &limits), "all seen");
        assert!(!more_pages(3, 2, 100, &limits), "the page limit");
    }
}
