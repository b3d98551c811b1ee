//! What publishing needs to know about the GitHub run, read once at the edge.
//!
//! [`GitHubContext::from_lookup`] takes the environment and the file system as
//! functions, so the CLI passes the real ones and tests pass maps; nothing in
//! the library reads `GITHUB_*` variables on its own.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::render::github::RepoPaths;

/// A token. Never printed: `Debug` shows a placeholder and there is no `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// `None` for an empty or blank value.
    pub fn new(value: impl Into<String>) -> Option<Self> {
        let value = value.into();
        (!value.trim().is_empty()).then(|| Self(value.trim().to_owned()))
    }

    /// The secret itself, for the one place that sends it.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(***)")
    }
}

/// A repository, as `owner/name`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Repository {
    pub owner: String,
    pub name: String,
}

impl Repository {
    /// Parse `owner/name`; `None` unless both parts are plain GitHub names, so
    /// that neither can change the API path it is put in.
    pub fn parse(full_name: &str) -> Option<Self> {
        let (owner, name) = full_name.trim().split_once('/')?;
        let plain = |s: &str| {
            !s.is_empty() && s != "." && s != ".." && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        };
        (plain(owner) && plain(name)).then(|| Self { owner: owner.to_owned(), name: name.to_owned() })
    }

    pub fn full_name(&self) -> String {
        format!("{}/{}", self.owner, self.name)
    }
}

/// The pull request a run belongs to, for the pull request comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PullRequestRef {
    /// Its number, from the event payload.
    Number(u64),
    /// A `workflow_run` triggered by a fork's pull request: GitHub leaves
    /// `workflow_run.pull_requests` empty for forks, so the pull request is
    /// looked up by its head (`owner:branch`), and only one whose head commit
    /// is the run's is taken.
    Head { label: String },
}

/// The GitHub run as publishing sees it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GitHubContext {
    /// Running inside GitHub Actions (`GITHUB_ACTIONS=true`).
    pub actions: bool,
    /// REST API base (`GITHUB_API_URL`); GitHub Enterprise Server's ends in `/api/v3`.
    pub api_url: String,
    /// Web base (`GITHUB_SERVER_URL`), for links to the run.
    pub server_url: String,
    pub repository: Option<Repository>,
    /// The commit the check run belongs to: the pull request's head (from the
    /// event payload) on pull requests, the triggering run's head on
    /// `workflow_run`, otherwise `GITHUB_SHA`.
    pub head_sha: Option<String>,
    pub event_name: Option<String>,
    /// A pull request from a fork, on an event whose token is read-only.
    pub read_only_fork: bool,
    /// The pull request this run is about: `pull_request` and
    /// `pull_request_target` events, and `workflow_run` runs a pull request triggered.
    pub pull_request: Option<PullRequestRef>,
    /// On `workflow_run`: the id of the run this one reports on.
    pub triggering_run_id: Option<String>,
    pub run_id: Option<String>,
    pub run_attempt: Option<String>,
    /// The workflow file, repository-relative, from `GITHUB_WORKFLOW_REF`.
    pub workflow_path: Option<String>,
    pub workspace: Option<String>,
    /// The directory relative report paths are relative to.
    pub cwd: Option<String>,
    pub step_summary: Option<PathBuf>,
    pub output: Option<PathBuf>,
    pub token: Option<Token>,
}

/// Events on which a fork's pull request gets a read-only token.
const READ_ONLY_FORK_EVENTS: &[&str] = &["pull_request", "pull_request_review", "pull_request_review_comment"];

impl GitHubContext {
    /// Build the context from environment lookups and a file reader (for the
    /// event payload). The token comes from `TRUEGREEN_GITHUB_TOKEN` (the
    /// action's `token` input), else `GITHUB_TOKEN`.
    pub fn from_lookup(env: impl Fn(&str) -> Option<String>, read: impl Fn(&Path) -> Option<String>) -> Self {
        let var = |k: &str| env(k).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let event_name = var("GITHUB_EVENT_NAME");
        let payload: Option<Value> =
            var("GITHUB_EVENT_PATH").and_then(|p| read(Path::new(&p))).and_then(|s| serde_json::from_str(&s).ok());
        let repository = var("GITHUB_REPOSITORY").and_then(|r| Repository::parse(&r));
        let from_payload = payload.as_ref().and_then(|p| payload_head_sha(p, event_name.as_deref()));
        let head_sha = from_payload.or_else(|| var("GITHUB_SHA")).filter(|s| is_sha(s));
        let read_only_fork = event_name.as_deref().is_some_and(|e| READ_ONLY_FORK_EVENTS.contains(&e))
            && payload.as_ref().is_some_and(is_fork_pull_request);
        let pull_request = payload.as_ref().and_then(|p| pull_request_ref(p, event_name.as_deref()));
        let triggering_run_id = (event_name.as_deref() == Some("workflow_run"))
            .then(|| payload.as_ref().and_then(|p| p.pointer("/workflow_run/id")).and_then(Value::as_u64))
            .flatten()
            .map(|id| id.to_string());
        Self {
            actions: var("GITHUB_ACTIONS").as_deref() == Some("true"),
            api_url: var("GITHUB_API_URL").unwrap_or_else(|| "https://api.github.com".to_owned()),
            server_url: var("GITHUB_SERVER_URL").unwrap_or_else(|| "https://github.com".to_owned()),
            repository,
            head_sha,
            event_name,
            read_only_fork,
            pull_request,
            triggering_run_id,
            run_id: var("GITHUB_RUN_ID"),
            run_attempt: var("GITHUB_RUN_ATTEMPT"),
            workflow_path: var("GITHUB_WORKFLOW_REF").and_then(|r| workflow_path(&r)),
            workspace: var("GITHUB_WORKSPACE"),
            cwd: None,
            step_summary: var("GITHUB_STEP_SUMMARY").map(PathBuf::from),
            output: var("GITHUB_OUTPUT").map(PathBuf::from),
            token: var("TRUEGREEN_GITHUB_TOKEN").or_else(|| var("GITHUB_TOKEN")).and_then(Token::new),
        }
    }

    /// Set the directory relative report paths are relative to.
    pub fn with_cwd(mut self, cwd: Option<&Path>) -> Self {
        self.cwd = cwd.map(|p| p.display().to_string());
        self
    }

    /// The workflow run's page, for commit statuses.
    pub fn run_url(&self) -> Option<String> {
        let repo = self.repository.as_ref()?;
        let id = self.run_id.as_ref()?;
        let mut url = format!("{}/{}/actions/runs/{id}", self.server_url.trim_end_matches('/'), repo.full_name());
        if let Some(attempt) = self.run_attempt.as_ref().filter(|a| a.as_str() != "1") {
            url.push_str(&format!("/attempts/{attempt}"));
        }
        Some(url)
    }

    /// Path mapping for annotations.
    pub fn repo_paths(&self) -> RepoPaths {
        RepoPaths::new(self.workspace.as_deref(), self.cwd.as_deref()).with_fallback(self.workflow_path.as_deref())
    }
}

fn payload_head_sha(payload: &Value, event: Option<&str>) -> Option<String> {
    let sha = match event {
        Some("workflow_run") => payload.pointer("/workflow_run/head_sha"),
        _ => payload.pointer("/pull_request/head/sha"),
    };
    sha.and_then(Value::as_str).map(str::to_owned)
}

/// Events whose payload carries the pull request itself.
pub(super) const PULL_REQUEST_EVENTS: &[&str] =
    &["pull_request", "pull_request_target", "pull_request_review", "pull_request_review_comment"];

fn pull_request_ref(payload: &Value, event: Option<&str>) -> Option<PullRequestRef> {
    match event {
        Some(e) if PULL_REQUEST_EVENTS.contains(&e) => {
            payload.pointer("/pull_request/number").and_then(Value::as_u64).map(PullRequestRef::Number)
        }
        Some("workflow_run") => {
            let run = payload.get("workflow_run")?;
            let triggered_by = run.get("event").and_then(Value::as_str)?;
            if !matches!(triggered_by, "pull_request" | "pull_request_target") {
                return None;
            }
            let head_sha = run.get("head_sha").and_then(Value::as_str)?;
            // Same-repository pull requests are listed; keep the one whose head is this run's commit.
            let mut numbers: Vec<u64> = run
                .get("pull_requests")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter(|pr| pr.pointer("/head/sha").and_then(Value::as_str) == Some(head_sha))
                .filter_map(|pr| pr.get("number").and_then(Value::as_u64))
                .collect();
            numbers.dedup();
            if let [number] = numbers[..] {
                return Some(PullRequestRef::Number(number));
            }
            let owner = run.pointer("/head_repository/owner/login").and_then(Value::as_str)?;
            let branch = run.get("head_branch").and_then(Value::as_str)?;
            let plain_owner = !owner.is_empty() && owner.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
            (plain_owner && !branch.is_empty() && numbers.is_empty())
                .then(|| PullRequestRef::Head { label: format!("{owner}:{branch}") })
        }
        _ => None,
    }
}

fn is_fork_pull_request(payload: &Value) -> bool {
    let Some(pr) = payload.get("pull_request") else { return false };
    let head = pr.pointer("/head/repo/full_name").and_then(Value::as_str);
    let base = pr.pointer("/base/repo/full_name").and_then(Value::as_str);
    match (head, base) {
        (Some(h), Some(b)) => !h.eq_ignore_ascii_case(b),
        // A deleted fork leaves `head.repo` null.
        (None, Some(_)) => true,
        _ => pr.pointer("/head/repo/fork").and_then(Value::as_bool).unwrap_or(false),
    }
}

pub(super) fn is_sha(s: &str) -> bool {
    (7..=64).contains(&s.len()) && s.chars().all(|c| c.is_ascii_hexdigit())
}

/// `owner/repo/.github/workflows/ci.yml@refs/heads/main` → `.github/workflows/ci.yml`.
fn workflow_path(workflow_ref: &str) -> Option<String> {
    let without_ref = workflow_ref.split('@').next()?;
    let start = without_ref.find(".github/")?;
    Some(without_ref[start..].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn context(vars: &[(&str, &str)], payload: Option<&str>) -> GitHubContext {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        let payload = payload.map(str::to_owned);
        GitHubContext::from_lookup(|k| map.get(k).cloned(), |_| payload.clone())
    }

    const SHA: &str = "0123456789abcdef0123456789abcdef01234567";
    const HEAD: &str = "fedcba9876543210fedcba9876543210fedcba98";

    #[test]
    fn pull_requests_take_the_head_sha_from_the_payload() {
        let payload = format!(
            r#"{{"pull_request":{{"head":{{"sha":"{HEAD}","repo":{{"full_name":"o/r"}}}},"base":{{"repo":{{"full_name":"o/r"}}}}}}}}"#
        );
        let cx = context(
            &[("GITHUB_EVENT_NAME", "pull_request"), ("GITHUB_EVENT_PATH", "/e.json"), ("GITHUB_SHA", SHA)],
            Some(&payload),
        );
        assert_eq!(cx.head_sha.as_deref(), Some(HEAD));
        assert!(!cx.read_only_fork);
    }

    #[test]
    fn fork_pull_requests_are_recognized() {
        let payload = format!(
            r#"{{"pull_request":{{"head":{{"sha":"{HEAD}","repo":{{"full_name":"fork/r"}}}},"base":{{"repo":{{"full_name":"o/r"}}}}}}}}"#
        );
        let vars = [("GITHUB_EVENT_NAME", "pull_request"), ("GITHUB_EVENT_PATH", "/e.json")];
        assert!(context(&vars, Some(&payload)).read_only_fork);
        // pull_request_target runs with the base repository's token.
        let vars = [("GITHUB_EVENT_NAME", "pull_request_target"), ("GITHUB_EVENT_PATH", "/e.json")];
        assert!(!context(&vars, Some(&payload)).read_only_fork);
    }

    #[test]
    fn pull_request_numbers_come_from_the_payload() {
        let payload = format!(
            r#"{{"number":12,"pull_request":{{"number":12,"head":{{"sha":"{HEAD}","repo":{{"full_name":"o/r"}}}},"base":{{"repo":{{"full_name":"o/r"}}}}}}}}"#
        );
        for event in ["pull_request", "pull_request_target"] {
            let cx = context(&[("GITHUB_EVENT_NAME", event), ("GITHUB_EVENT_PATH", "/e.json")], Some(&payload));
            assert_eq!(cx.pull_request, Some(PullRequestRef::Number(12)), "{event}");
        }
        let push = context(&[("GITHUB_EVENT_NAME", "push"), ("GITHUB_EVENT_PATH", "/e.json")], Some(&payload));
        assert_eq!(push.pull_request, None);
    }

    #[test]
    fn workflow_run_finds_its_pull_request_by_number_or_by_head() {
        let vars = [("GITHUB_EVENT_NAME", "workflow_run"), ("GITHUB_EVENT_PATH", "/e.json")];
        let same_repo = format!(
            r#"{{"workflow_run":{{"event":"pull_request","head_sha":"{HEAD}","head_branch":"fix",
                "head_repository":{{"owner":{{"login":"o"}}}},
                "pull_requests":[{{"number":7,"head":{{"sha":"{HEAD}"}}}},{{"number":8,"head":{{"sha":"{SHA}"}}}}]}}}}"#
        );
        assert_eq!(context(&vars, Some(&same_repo)).pull_request, Some(PullRequestRef::Number(7)));
        assert_eq!(context(&vars, Some(&same_repo)).triggering_run_id, None, "no id in this payload");
        let with_id = r#"{"workflow_run":{"id":4242,"event":"push","head_sha":"abc"}}"#;
        assert_eq!(context(&vars, Some(with_id)).triggering_run_id.as_deref(), Some("4242"));
        // A fork: GitHub lists no pull request; it is looked up by its head.
        let fork = format!(
            r#"{{"workflow_run":{{"event":"pull_request","head_sha":"{HEAD}","head_branch":"feature/x",
                "head_repository":{{"owner":{{"login":"forker"}}}},"pull_requests":[]}}}}"#
        );
        let expected = PullRequestRef::Head { label: "forker:feature/x".to_owned() };
        assert_eq!(context(&vars, Some(&fork)).pull_request, Some(expected));
        let push = format!(r#"{{"workflow_run":{{"event":"push","head_sha":"{HEAD}","pull_requests":[]}}}}"#);
        assert_eq!(context(&vars, Some(&push)).pull_request, None);
    }

    #[test]
    fn workflow_run_takes_the_triggering_head_sha() {
        let payload = format!(r#"{{"workflow_run":{{"head_sha":"{HEAD}"}}}}"#);
        let cx = context(
            &[("GITHUB_EVENT_NAME", "workflow_run"), ("GITHUB_EVENT_PATH", "/e.json"), ("GITHUB_SHA", SHA)],
            Some(&payload),
        );
        assert_eq!(cx.head_sha.as_deref(), Some(HEAD));
    }

    #[test]
    fn push_uses_github_sha_and_defaults_apply() {
        let cx = context(
            &[
                ("GITHUB_SHA", SHA),
                ("GITHUB_REPOSITORY", "o/r"),
                ("GITHUB_RUN_ID", "42"),
                ("GITHUB_RUN_ATTEMPT", "2"),
                ("GITHUB_WORKFLOW_REF", "o/r/.github/workflows/ci.yml@refs/heads/main"),
                ("GITHUB_TOKEN", "  "),
            ],
            None,
        );
        assert_eq!(cx.head_sha.as_deref(), Some(SHA));
        assert_eq!(cx.api_url, "https://api.github.com");
        assert_eq!(cx.run_url().as_deref(), Some("https://github.com/o/r/actions/runs/42/attempts/2"));
        assert_eq!(cx.workflow_path.as_deref(), Some(".github/workflows/ci.yml"));
        assert_eq!(cx.token, None, "a blank token is no token");
    }

    #[test]
    fn hostile_values_are_refused() {
        assert_eq!(Repository::parse("o/../../x"), None);
        assert_eq!(Repository::parse("o/r?x=1"), None);
        assert_eq!(Repository::parse("../r"), None);
        let cx = context(&[("GITHUB_SHA", "../../x")], None);
        assert_eq!(cx.head_sha, None);
    }

    #[test]
    fn the_token_is_never_shown() {
        let cx = context(&[("TRUEGREEN_GITHUB_TOKEN", "ghs_supersecret"), ("GITHUB_TOKEN", "other")], None);
        let shown = format!("{cx:?}");
        assert!(!shown.contains("ghs_supersecret"), "{shown}");
        assert_eq!(cx.token.as_ref().map(Token::expose), Some("ghs_supersecret"));
    }
}
