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
                _ => continue,
            };
            let body: Value = r.body_json().unwrap_or_else(|e| panic!("{} {path}: body is not JSON: {e}", r.method));
            let errors = Self::errors(validator, &body);
            assert!(errors.is_empty(), "{} {path} violates GitHub's schema: {errors:#?}", r.method);
            checked += 1;
        }
        checked
    }

    pub fn assert_response_valid(&self, body: &Value) {
        let errors = Self::errors(&self.response, body);
        assert!(errors.is_empty(), "mock response violates check-run.response.schema.json: {errors:#?}");
    }
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
}

impl FakeGitHub {
    pub async fn mount(&self, server: &MockServer, prefix: &str) {
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
