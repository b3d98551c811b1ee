//! Test support: a fake GitHub REST API on 127.0.0.1 (wiremock) that keeps
//! the check runs it is sent, GitHub's own JSON schemas, and report builders.

#![allow(dead_code)] // each test binary uses a different part of this module

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

pub const SHA: &str = "0123456789abcdef0123456789abcdef01234567";
pub const HEAD_SHA: &str = "fedcba9876543210fedcba9876543210fedcba98";
pub const TOKEN: &str = "ghs_TopSecretTokenValue0123456789";

/// A kane `testmd run --agent` stream with `failed` failed steps and `passed`
/// passed ones, consistent with its own summary (an honest failure).
pub fn kane_stream(passed: usize, failed: usize) -> String {
    let mut lines = Vec::new();
    for i in 1..=passed + failed {
        let status = if i <= failed { "failed" } else { "passed" };
        lines.push(json!({"type": "test_md_step_start", "step_index": i, "heading": format!("check item {i}")}));
        lines.push(json!({"type": "test_md_step_end", "step_index": i, "status": status}));
    }
    let overall = if failed > 0 { "failed" } else { "passed" };
    lines.push(json!({
        "type": "test_md_summary", "overall_status": overall, "duration_s": 1,
        "steps": {"total": passed + failed, "passed": passed, "failed": failed, "skipped": 0}
    }));
    lines.push(json!({"type": "test_md_done", "overall_status": overall, "duration_s": 1, "session_id": "s-1"}));
    lines.iter().map(|l| format!("{l}\n")).collect()
}

fn shared_github(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/github").join(name)
}

pub fn load_schema(name: &str) -> Value {
    let path = shared_github(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// OpenAPI's `nullable: true` as JSON Schema: the type (and enum) admit null.
pub fn openapi_to_json_schema(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            if map.get("nullable") == Some(&Value::Bool(true)) {
                if let Some(Value::String(t)) = map.get("type").cloned() {
                    map.insert("type".into(), json!([t, "null"]));
                }
                if let Some(Value::Array(values)) = map.get_mut("enum") {
                    values.push(Value::Null);
                }
                if !map.contains_key("type") && !map.contains_key("enum") {
                    // An object schema without a type: allow null alongside it.
                    let inner = Value::Object(map.clone());
                    map.clear();
                    map.insert("anyOf".into(), json!([inner, {"type": "null"}]));
                }
            }
            for value in map.values_mut() {
                openapi_to_json_schema(value);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(openapi_to_json_schema),
        _ => {}
    }
}

pub struct Schemas {
    create: jsonschema::Validator,
    update: jsonschema::Validator,
    response: jsonschema::Validator,
    comment: jsonschema::Validator,
}

impl Schemas {
    pub fn load() -> Self {
        let build = |v: &Value| jsonschema::validator_for(v).unwrap_or_else(|e| panic!("schema: {e}"));
        let mut response = load_schema("check-run.response.schema.json");
        openapi_to_json_schema(&mut response);
        Self {
            create: build(&load_schema("checks-create.schema.json")),
            update: build(&load_schema("checks-update.schema.json")),
            response: build(&response),
            comment: build(&comment_schema()),
        }
    }

    fn errors(validator: &jsonschema::Validator, body: &Value) -> Vec<String> {
        validator.iter_errors(body).map(|e| format!("{} at {}", e, e.instance_path())).collect()
    }

    /// Every check-run request body, validated against the schema for its
    /// endpoint. Returns the number of bodies checked.
    pub fn assert_requests_valid(&self, requests: &[Request]) -> usize {
        let mut checked = 0;
        for r in requests {
            let path = r.url.path();
            let validator = match r.method.as_str() {
                "POST" if path.ends_with("/check-runs") => &self.create,
                "PATCH" if path.contains("/check-runs/") => &self.update,
                "POST" if path.contains("/issues/") && path.ends_with("/comments") => &self.comment,
                "PATCH" if path.contains("/issues/comments/") => &self.comment,
                _ => continue,
            };
            let body: Value = r.body_json().unwrap_or_else(|e| panic!("{} {path}: body is not JSON: {e}", r.method));
            let errors = Self::errors(validator, &body);
            assert!(errors.is_empty(), "{} {path} violates GitHub's schema: {errors:#?}", r.method);
            checked += 1;
        }
        checked
    }

    /// Comment request bodies only; returns how many were checked.
    pub fn assert_comment_requests_valid(&self, requests: &[Request]) -> usize {
        let comments: Vec<Request> = requests
            .iter()
            .filter(|r| r.url.path().contains("/issues/") && r.method.as_str() != "GET")
            .cloned()
            .collect();
        self.assert_requests_valid(&comments)
    }

    pub fn assert_response_valid(&self, body: &Value) {
        let errors = Self::errors(&self.response, body);
        assert!(errors.is_empty(), "mock response violates check-run.response.schema.json: {errors:#?}");
    }
}

/// The request body schema of the issue-comment endpoints (see its `$comment`).
pub fn comment_schema() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/common/schemas/issues-comment-request.schema.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[derive(Default)]
struct State {
    runs: Vec<Value>,
    next_id: u64,
}

/// A stateful fake of the check-runs endpoints: POST creates, PATCH updates
/// (annotations append, as on GitHub), GET lists by name. Faults are mounted
/// on top with a higher priority.
#[derive(Clone, Default)]
pub struct FakeGitHub {
    state: Arc<Mutex<State>>,
    /// The pull request comments and pull requests.
    pub comments: FakeComments,
}

impl FakeGitHub {
    pub async fn mount(&self, server: &MockServer, prefix: &str) {
        self.comments.mount(server, prefix).await;
        let repo = format!(r"^{prefix}/repos/[^/]+/[^/]+");
        Mock::given(method("GET"))
            .and(path_regex(format!(r"{repo}/commits/[0-9a-f]+/check-runs$")))
            .respond_with(self.clone())
            .with_priority(10)
            .mount(server)
            .await;
        Mock::given(method("POST"))
            .and(path_regex(format!(r"{repo}/check-runs$")))
            .respond_with(self.clone())
            .with_priority(10)
            .mount(server)
            .await;
        Mock::given(method("PATCH"))
            .and(path_regex(format!(r"{repo}/check-runs/[0-9]+$")))
            .respond_with(self.clone())
            .with_priority(10)
            .mount(server)
            .await;
        Mock::given(method("POST"))
            .and(path_regex(format!(r"{repo}/statuses/[0-9a-f]+$")))
            .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 1, "state": "success"})))
            .with_priority(10)
            .mount(server)
            .await;
    }

    /// Every check run created, as GitHub would return it.
    pub fn check_runs(&self) -> Vec<Value> {
        self.state.lock().map(|s| s.runs.clone()).unwrap_or_default()
    }

    /// Seed a check run, as an earlier attempt would have left it.
    pub fn seed(&self, name: &str, external_id: &str) -> u64 {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.next_id += 1;
        let id = state.next_id + 1000;
        let body = json!({"name": name, "head_sha": SHA, "external_id": external_id,
                          "output": {"title": "old", "summary": "old"}});
        state.runs.push(check_run(id, &body, 0));
        id
    }
}

/// A check run shaped like `check-run.response.schema.json`.
pub fn check_run(id: u64, body: &Value, annotations: u64) -> Value {
    let output = body.get("output").cloned().unwrap_or_else(|| json!({}));
    json!({
        "id": id,
        "node_id": format!("CR_{id}"),
        "head_sha": body.get("head_sha").cloned().unwrap_or_else(|| json!(SHA)),
        "external_id": body.get("external_id").cloned().unwrap_or(Value::Null),
        "url": format!("https://api.github.com/repos/o/r/check-runs/{id}"),
        "html_url": format!("https://github.com/o/r/runs/{id}"),
        "details_url": Value::Null,
        "status": body.get("status").cloned().unwrap_or_else(|| json!("queued")),
        "conclusion": body.get("conclusion").cloned().unwrap_or(Value::Null),
        "started_at": "2026-11-20T10:00:00Z",
        "completed_at": body.get("completed_at").cloned().unwrap_or(Value::Null),
        "output": {
            "title": output.get("title").cloned().unwrap_or(Value::Null),
            "summary": output.get("summary").cloned().unwrap_or(Value::Null),
            "text": output.get("text").cloned().unwrap_or(Value::Null),
            "annotations_count": annotations,
            "annotations_url": format!("https://api.github.com/repos/o/r/check-runs/{id}/annotations"),
        },
        "name": body.get("name").cloned().unwrap_or_else(|| json!("")),
        "check_suite": {"id": 5},
        "app": Value::Null,
        "pull_requests": [],
    })
}

impl Respond for FakeGitHub {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let body: Value = request.body_json().unwrap_or(Value::Null);
        match request.method.as_str() {
            "GET" => {
                let name = request.url.query_pairs().find(|(k, _)| k == "check_name").map(|(_, v)| v.into_owned());
                let runs: Vec<Value> = state
                    .runs
                    .iter()
                    .filter(|r| name.as_deref().is_none_or(|n| r["name"] == json!(n)))
                    .cloned()
                    .collect();
                ResponseTemplate::new(200).set_body_json(json!({"total_count": runs.len(), "check_runs": runs}))
            }
            "POST" => {
                state.next_id += 1;
                let id = state.next_id;
                let annotations = body.pointer("/output/annotations").and_then(Value::as_array).map_or(0, Vec::len);
                let run = check_run(id, &body, annotations as u64);
                state.runs.push(run.clone());
                ResponseTemplate::new(201).set_body_json(run)
            }
            "PATCH" => {
                let id: u64 = request.url.path().rsplit('/').next().and_then(|s| s.parse().ok()).unwrap_or(0);
                let Some(run) = state.runs.iter_mut().find(|r| r["id"] == json!(id)) else {
                    return ResponseTemplate::new(404).set_body_json(json!({"message": "Not Found"}));
                };
                for key in ["name", "external_id", "status", "conclusion", "completed_at"] {
                    if let Some(v) = body.get(key) {
                        run[key] = v.clone();
                    }
                }
                if let Some(output) = body.get("output") {
                    for key in ["title", "summary", "text"] {
                        if let Some(v) = output.get(key) {
                            run["output"][key] = v.clone();
                        }
                    }
                    let added = output.get("annotations").and_then(Value::as_array).map_or(0, Vec::len) as u64;
                    let count = run["output"]["annotations_count"].as_u64().unwrap_or(0) + added;
                    run["output"]["annotations_count"] = json!(count);
                }
                ResponseTemplate::new(200).set_body_json(run.clone())
            }
            _ => ResponseTemplate::new(405),
        }
    }
}

/// Requests received, in order, as `METHOD path`.
pub fn request_lines(requests: &[Request]) -> Vec<String> {
    requests.iter().map(|r| format!("{} {}", r.method, r.url.path())).collect()
}

/// Annotations carried by each PATCH, in order.
pub fn patch_annotation_counts(requests: &[Request]) -> Vec<usize> {
    requests
        .iter()
        .filter(|r| r.method.as_str() == "PATCH")
        .map(|r| {
            let body: Value = r.body_json().unwrap_or(Value::Null);
            body.pointer("/output/annotations").and_then(Value::as_array).map_or(0, Vec::len)
        })
        .collect()
}

pub fn count(requests: &[Request], verb: &str, path_suffix: &str) -> usize {
    requests.iter().filter(|r| r.method.as_str() == verb && r.url.path().ends_with(path_suffix)).count()
}

/// The parts of a markdown document that render as markdown: outside fenced
/// blocks and inline code spans (inside them, `<img>` or `[x](y)` is text).
pub fn markdown_outside_code(doc: &str) -> String {
    let mut out = String::new();
    let mut fenced = false;
    for line in doc.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if !fenced {
            out.extend(line.split('`').step_by(2));
            out.push('\n');
        }
    }
    out
}

#[derive(Default)]
struct CommentState {
    comments: Vec<Value>,
    next_id: u64,
    pulls: Vec<Value>,
    /// POSTs that store the comment, then answer 502 (a write that landed
    /// although the answer says otherwise).
    posts_to_fail_after_storing: u32,
    /// `server.uri()` plus the API prefix, for pagination links.
    base: String,
}

/// A stateful fake of the issue-comment endpoints (list with GitHub's `Link`
/// pagination, create, update) and of the pull request list by head.
#[derive(Clone, Default)]
pub struct FakeComments {
    state: Arc<Mutex<CommentState>>,
}

pub const BOT: &str = "github-actions[bot]";

impl FakeComments {
    pub async fn mount(&self, server: &MockServer, prefix: &str) {
        if let Ok(mut state) = self.state.lock() {
            state.base = format!("{}{prefix}", server.uri());
        }
        let repo = format!(r"^{prefix}/repos/[^/]+/[^/]+");
        for (verb, path) in [
            ("GET", format!(r"{repo}/issues/[0-9]+/comments$")),
            // GitHub's pagination links name the repository by id.
            ("GET", format!(r"^{prefix}/repositories/[0-9]+/issues/[0-9]+/comments$")),
            ("POST", format!(r"{repo}/issues/[0-9]+/comments$")),
            ("PATCH", format!(r"{repo}/issues/comments/[0-9]+$")),
            ("GET", format!(r"{repo}/pulls$")),
        ] {
            Mock::given(method(verb))
                .and(path_regex(path))
                .respond_with(self.clone())
                .with_priority(10)
                .mount(server)
                .await;
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, CommentState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Every comment, as GitHub would return it.
    pub fn comments(&self) -> Vec<Value> {
        self.lock().comments.clone()
    }

    /// A comment written before the run (by `login`, a `Bot` or a `User`).
    pub fn seed(&self, issue: u64, body: &str, login: &str, kind: &str) -> u64 {
        let mut state = self.lock();
        state.next_id += 1;
        let id = 500 + state.next_id;
        state.comments.push(issue_comment(id, issue, body, login, kind));
        id
    }

    /// An open pull request with this head (`owner:branch`) and head commit.
    pub fn add_pull(&self, number: u64, head_label: &str, head_sha: &str) {
        self.lock().pulls.push(json!({
            "number": number, "state": "open",
            "head": {"label": head_label, "ref": head_label.split(':').nth(1).unwrap_or(""), "sha": head_sha},
            "base": {"ref": "main"},
        }));
    }

    pub fn fail_posts_after_storing(&self, n: u32) {
        self.lock().posts_to_fail_after_storing = n;
    }
}

/// An issue comment shaped like GitHub's `issue-comment` schema.
pub fn issue_comment(id: u64, issue: u64, body: &str, login: &str, kind: &str) -> Value {
    json!({
        "id": id,
        "node_id": format!("IC_{id}"),
        "url": format!("https://api.github.com/repos/o/r/issues/comments/{id}"),
        "html_url": format!("https://github.com/o/r/pull/{issue}#issuecomment-{id}"),
        "issue_url": format!("https://api.github.com/repos/o/r/issues/{issue}"),
        "body": body,
        "user": {"login": login, "id": 41898282, "node_id": "MDM6Qm90NDE4OTgyODI=", "type": kind, "site_admin": false},
        "created_at": "2026-11-20T10:00:00Z",
        "updated_at": "2026-11-20T10:00:00Z",
        "author_association": if kind == "Bot" { "NONE" } else { "CONTRIBUTOR" },
        "performed_via_github_app": Value::Null,
    })
}

impl Respond for FakeComments {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut state = self.lock();
        let path = request.url.path().to_owned();
        let query = |key: &str| request.url.query_pairs().find(|(k, _)| k == key).map(|(_, v)| v.into_owned());
        let number_before = |suffix: &str| -> u64 {
            path.strip_suffix(suffix).and_then(|p| p.rsplit('/').next()).and_then(|n| n.parse().ok()).unwrap_or(0)
        };
        match (request.method.as_str(), path.ends_with("/comments"), path.ends_with("/pulls")) {
            ("GET", _, true) => {
                let head = query("head");
                let pulls: Vec<Value> = state
                    .pulls
                    .iter()
                    .filter(|p| head.as_deref().is_none_or(|h| p["head"]["label"] == json!(h)))
                    .cloned()
                    .collect();
                ResponseTemplate::new(200).set_body_json(pulls)
            }
            ("GET", true, _) => {
                let issue = number_before("/comments");
                let per_page: usize = query("per_page").and_then(|v| v.parse().ok()).unwrap_or(30).clamp(1, 100);
                let page: usize = query("page").and_then(|v| v.parse().ok()).unwrap_or(1).max(1);
                let on_issue: Vec<&Value> = state
                    .comments
                    .iter()
                    .filter(|c| c["issue_url"].as_str().is_some_and(|u| u.ends_with(&format!("/issues/{issue}"))))
                    .collect();
                let pages = on_issue.len().div_ceil(per_page).max(1);
                let slice: Vec<Value> =
                    on_issue.iter().skip((page - 1) * per_page).take(per_page).map(|c| (*c).clone()).collect();
                let mut response = ResponseTemplate::new(200).set_body_json(slice);
                if page < pages {
                    let link = |p: usize| {
                        format!("{}/repositories/1/issues/{issue}/comments?per_page={per_page}&page={p}", state.base)
                    };
                    response = response.insert_header(
                        "link",
                        format!(r#"<{}>; rel="next", <{}>; rel="last""#, link(page + 1), link(pages)).as_str(),
                    );
                }
                response
            }
            ("POST", true, _) => {
                let issue = number_before("/comments");
                let body: Value = request.body_json().unwrap_or(Value::Null);
                state.next_id += 1;
                let id = state.next_id;
                let comment = issue_comment(id, issue, body["body"].as_str().unwrap_or(""), BOT, "Bot");
                state.comments.push(comment.clone());
                if state.posts_to_fail_after_storing > 0 {
                    state.posts_to_fail_after_storing -= 1;
                    return ResponseTemplate::new(502).set_body_string("<html>Bad Gateway</html>");
                }
                ResponseTemplate::new(201).set_body_json(comment)
            }
            ("PATCH", _, _) => {
                let id: u64 = path.rsplit('/').next().and_then(|s| s.parse().ok()).unwrap_or(0);
                let body: Value = request.body_json().unwrap_or(Value::Null);
                let Some(comment) = state.comments.iter_mut().find(|c| c["id"] == json!(id)) else {
                    return ResponseTemplate::new(404).set_body_json(json!({"message": "Not Found"}));
                };
                comment["body"] = body["body"].clone();
                comment["updated_at"] = json!("2026-11-20T11:00:00Z");
                ResponseTemplate::new(200).set_body_json(comment.clone())
            }
            _ => ResponseTemplate::new(405),
        }
    }
}
