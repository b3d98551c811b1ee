//! The issue's acceptance, tried as a new user would: the action's launcher
//! runs the real binary (the self-test's `build-from-source: always`, with a
//! stub cargo that hands over the already-built binary) against a fake GitHub
//! API on 127.0.0.1, with the usual GITHUB_* variables and an event payload.

// A test may panic: a failed step should fail it loudly (the lints guard input paths).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg(unix)]

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Output;

use serde_json::{Value, json};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use common::launcher::{Sandbox, stderr, stdout};
use common::{
    FakeGitHub, HEAD_SHA, SHA, Schemas, TOKEN, count, kane_stream, markdown_outside_code, patch_annotation_counts,
};

struct ActionRun {
    sandbox: Sandbox,
    output: Output,
}

impl ActionRun {
    fn file(&self, name: &str) -> String {
        std::fs::read_to_string(self.sandbox.runner_temp.join(name)).unwrap_or_default()
    }

    fn summary(&self) -> String {
        self.file("step_summary.md")
    }

    /// `$GITHUB_OUTPUT`, parsed as the runner parses it.
    fn outputs(&self) -> BTreeMap<String, String> {
        let text = self.file("github_output");
        let mut out = BTreeMap::new();
        let mut lines = text.lines();
        while let Some(line) = lines.next() {
            let Some((name, delimiter)) = line.split_once("<<") else { continue };
            let value: Vec<&str> = lines.by_ref().take_while(|l| *l != delimiter).collect();
            out.insert(name.to_owned(), value.join("\n"));
        }
        out
    }

    fn everything_printed_or_written(&self) -> String {
        format!("{}{}{}{}", stdout(&self.output), stderr(&self.output), self.summary(), self.file("github_output"))
    }
}

/// Run the action (launcher + binary) on `report` with `inputs` against `api_url`.
async fn run_action(api_url: String, report: String, inputs: Vec<(&'static str, String)>) -> ActionRun {
    tokio::task::spawn_blocking(move || {
        let sb = Sandbox::new();
        let reports = sb.workspace.join("reports");
        std::fs::create_dir_all(&reports).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(reports.join("run.ndjson"), report).unwrap_or_else(|e| panic!("{e}"));
        let event = sb.runner_temp.join("event.json");
        let payload = json!({
            "action": "synchronize",
            "number": 12,
            "pull_request": {
                "number": 12,
                "head": {"sha": HEAD_SHA, "ref": "feature", "repo": {"full_name": "o/r", "fork": false}},
                "base": {"sha": SHA, "ref": "main", "repo": {"full_name": "o/r"}}
            }
        });
        std::fs::write(&event, payload.to_string()).unwrap_or_else(|e| panic!("{e}"));
        let temp = sb.runner_temp.clone();
        let mut cmd = sb.command(&[]);
        cmd.env("STUB_BUILT_BINARY", env!("CARGO_BIN_EXE_truegreen"))
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_API_URL", &api_url)
            .env("GITHUB_SERVER_URL", "https://github.com")
            .env("GITHUB_REPOSITORY", "o/r")
            .env("GITHUB_SHA", SHA)
            .env("GITHUB_REF", "refs/pull/12/merge")
            .env("GITHUB_EVENT_NAME", "pull_request")
            .env("GITHUB_EVENT_PATH", &event)
            .env("GITHUB_RUN_ID", "4242")
            .env("GITHUB_RUN_ATTEMPT", "1")
            .env("GITHUB_WORKFLOW_REF", "o/r/.github/workflows/ci.yml@refs/pull/12/merge")
            .env("GITHUB_WORKSPACE", &sb.workspace)
            .env("GITHUB_STEP_SUMMARY", temp.join("step_summary.md"))
            .env("GITHUB_OUTPUT", temp.join("github_output"))
            // What action.yml's env: block sets from the inputs and their defaults.
            .env("INPUT_PATHS", "reports/\n")
            .env("TRUEGREEN_GITHUB_TOKEN", TOKEN)
            .env("INPUT_CHECK_NAME", "truegreen")
            .env("INPUT_PUBLISH", "auto")
            .env("INPUT_FAIL_ON", "failure")
            .env("INPUT_COMMIT_STATUS", "false")
            .env("INPUT_BUILD_FROM_SOURCE", "always");
        for (k, v) in &inputs {
            cmd.env(k, v);
        }
        let output = cmd.output().unwrap_or_else(|e| panic!("bash: {e}"));
        ActionRun { sandbox: sb, output }
    })
    .await
    .unwrap_or_else(|e| panic!("join: {e}"))
}

fn assert_outputs(run: &ActionRun, check_run_url: &str) {
    let outputs = run.outputs();
    let names: Vec<&str> = outputs.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "check-run-url",
            "discrepancies",
            "exit-code",
            "failed",
            "flaky",
            "json",
            "markdown",
            "passed",
            "skipped",
            "tests",
            "verdict"
        ]
    );
    assert_eq!(outputs["verdict"], "fail");
    assert_eq!(outputs["exit-code"], "1");
    assert_eq!((outputs["tests"].as_str(), outputs["failed"].as_str()), ("120", "120"));
    assert_eq!(outputs["discrepancies"], "0");
    assert_eq!(outputs["check-run-url"], check_run_url);
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(&outputs["json"]).unwrap_or_default()).unwrap_or(Value::Null);
    assert_eq!(doc["status"], "fail", "the json output names the verdict document");
    assert!(Path::new(&outputs["markdown"]).is_file());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_check_run_every_annotation_valid_requests_bounded_summary_and_outputs() {
    let server = MockServer::start().await;
    let fake = FakeGitHub::default();
    fake.mount(&server, "").await;
    let run = run_action(server.uri(), kane_stream(0, 120), Vec::new()).await;
    let reqs = server.received_requests().await.unwrap_or_default();

    assert_eq!(run.output.status.code(), Some(1), "{}\n{}", stdout(&run.output), stderr(&run.output));
    // Exactly one check run, on the pull request's head commit.
    assert_eq!(count(&reqs, "POST", "/check-runs"), 1);
    let runs = fake.check_runs();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0]["head_sha"], HEAD_SHA);
    assert_eq!(runs[0]["conclusion"], "failure");
    // Every annotation delivered, at most 50 per request.
    let batches = patch_annotation_counts(&reqs);
    assert!(batches.iter().all(|n| *n <= 50), "{batches:?}");
    assert_eq!(batches.iter().sum::<usize>(), 120);
    assert_eq!(runs[0]["output"]["annotations_count"], 120);
    // One pull request comment (`comment: auto` on a pull_request event).
    let comments = fake.comments.comments();
    assert_eq!(comments.len(), 1);
    assert!(comments[0]["body"].as_str().unwrap_or_default().starts_with("<!-- truegreen:comment:truegreen -->"));
    // Every request valid under GitHub's schemas.
    assert_eq!(Schemas::load().assert_requests_valid(&reqs), 1 + batches.len() + 1);
    // A job summary under 1 MiB.
    let summary = run.summary();
    assert!(summary.starts_with("## ❌ truegreen: fail (exit 1)"), "{summary}");
    assert!(summary.len() < 1024 * 1024);
    assert_outputs(&run, "https://github.com/o/r/runs/1");
    // The terminal report is fenced off from the runner's command parser.
    assert!(stdout(&run.output).starts_with("::stop-commands::"), "{}", stdout(&run.output));
    assert!(!run.everything_printed_or_written().contains(TOKEN), "the token is never printed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_refusing_every_write_changes_neither_the_exit_code_nor_the_summary() {
    let healthy_server = MockServer::start().await;
    FakeGitHub::default().mount(&healthy_server, "").await;
    let healthy = run_action(healthy_server.uri(), kane_stream(0, 120), Vec::new()).await;

    let refusing = MockServer::start().await;
    let fake = FakeGitHub::default();
    for verb in ["POST", "PATCH", "PUT", "DELETE"] {
        Mock::given(method(verb))
            .respond_with(ResponseTemplate::new(403).set_body_json(json!({
                "message": "Resource not accessible by integration",
                "documentation_url": "https://docs.github.com/rest/checks/runs#create-a-check-run"
            })))
            .with_priority(1)
            .mount(&refusing)
            .await;
    }
    fake.mount(&refusing, "").await;
    let refused = run_action(refusing.uri(), kane_stream(0, 120), Vec::new()).await;
    let reqs = refusing.received_requests().await.unwrap_or_default();

    assert_eq!(healthy.output.status.code(), Some(1));
    assert_eq!(refused.output.status.code(), healthy.output.status.code());
    assert_eq!(refused.summary(), healthy.summary(), "the job summary does not depend on the API");
    assert!(!refused.summary().is_empty());
    assert_eq!(count(&reqs, "POST", "/check-runs"), 1, "one attempt, no retry of a POST");
    assert!(fake.check_runs().is_empty());
    let printed = stdout(&refused.output);
    assert!(printed.contains("::notice title=truegreen::the token cannot write check runs"), "{printed}");
    assert!(printed.contains("::error file=reports/run.ndjson,line=1,endLine=1,title=failed%3A "), "{printed}");
    assert_outputs(&refused, "");
    assert!(!refused.everything_printed_or_written().contains(TOKEN));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_test_names_cannot_issue_workflow_commands() {
    let server = MockServer::start().await;
    let hostile = "::set-output name=x::y\n::add-mask::secret\n%0A::error::pwned $(touch pwned) <img src=x> @org/team [x](http://evil)";
    let mut report = String::new();
    report.push_str(&format!("{}\n", json!({"type": "test_md_step_start", "step_index": 1, "heading": hostile})));
    report.push_str(&format!("{}\n", json!({"type": "test_md_bug_verdict", "bug_title": hostile})));
    report.push_str(&format!("{}\n", json!({"type": "test_md_step_end", "step_index": 1, "status": "failed"})));
    report.push_str(&format!(
        "{}\n",
        json!({"type": "test_md_summary", "overall_status": "passed", "duration_s": 1,
               "steps": {"total": 1, "passed": 0, "failed": 1, "skipped": 0}})
    ));
    let run = run_action(server.uri(), report, vec![("INPUT_PUBLISH", "summary".to_owned())]).await;
    assert_eq!(run.output.status.code(), Some(3), "a passed claim over a failed step: {}", stdout(&run.output));
    assert!(server.received_requests().await.unwrap_or_default().is_empty(), "summary mode calls no API");

    let printed = stdout(&run.output);
    let mut fence: Option<String> = None;
    let mut ours = 0;
    for line in printed.lines() {
        if let Some(token) = &fence {
            if line == format!("::{token}::") {
                fence = None;
            }
            continue;
        }
        if let Some(token) = line.strip_prefix("::stop-commands::") {
            assert_eq!(token.len(), 32, "a random 128-bit token");
            fence = Some(token.to_owned());
            continue;
        }
        if line.starts_with("::") {
            assert!(
                line.starts_with("::error file=") || line.starts_with("::warning ") || line.starts_with("::notice "),
                "only truegreen's own commands reach the runner: {line}"
            );
            ours += 1;
        }
    }
    assert!(fence.is_none(), "the fence is closed");
    assert!(ours >= 2, "the discrepancy and the failure are annotated: {printed}");
    assert!(printed.contains("%250A%3A%3Aerror%3A%3Apwned") || printed.contains("%250A::error::pwned"), "{printed}");
    let summary = run.summary();
    assert!(summary.contains("<img src=x>"), "the text is shown, as code: {summary}");
    let rendered = markdown_outside_code(&summary);
    assert!(!rendered.contains("<img") && !rendered.contains("](http") && !rendered.contains("@org"), "{summary}");
    assert!(!Path::new(&run.sandbox.workspace.join("pwned")).exists());
}

/// The launcher with `baseline:` set, running a stand-in binary that records
/// its `check` arguments and writes the inventory where it is told, and hands
/// `baseline artifact-name` to the real binary (the lead's `check --inventory
/// --baseline` flags are exercised by their own tests; here, the wiring).
fn launch_with_baseline(inputs: &[(&str, &str)]) -> (Sandbox, Output) {
    let sb = Sandbox::new();
    std::fs::create_dir_all(sb.workspace.join("reports")).unwrap_or_else(|e| panic!("{e}"));
    let args_log = sb.runner_temp.join("check-args");
    let stand_in = sb.root.path().join("stand-in");
    let script = format!(
        r#"#!/bin/sh
if [ "$1" = baseline ]; then exec '{real}' "$@"; fi
printf '%s\n' "$@" > '{log}'
while [ $# -gt 0 ]; do
  if [ "$1" = --inventory ]; then printf 'truegreen-inventory 1\n' > "$2"; fi
  shift
done
"#,
        real = env!("CARGO_BIN_EXE_truegreen"),
        log = args_log.display()
    );
    std::fs::write(&stand_in, script).unwrap_or_else(|e| panic!("{e}"));
    let mut cmd = sb.command(&[]);
    cmd.env("STUB_BUILT_BINARY", &stand_in)
        .env("INPUT_BUILD_FROM_SOURCE", "always")
        .env("INPUT_PATHS", "reports/\n")
        .env("GITHUB_OUTPUT", sb.runner_temp.join("github_output"));
    for (k, v) in inputs {
        cmd.env(k, v);
    }
    let output = cmd.output().unwrap_or_else(|e| panic!("bash: {e}"));
    (sb, output)
}

fn recorded_args(sb: &Sandbox) -> Vec<String> {
    let text = std::fs::read_to_string(sb.runner_temp.join("check-args")).unwrap_or_default();
    text.lines().map(str::to_owned).collect()
}

fn after<'a>(args: &'a [String], flag: &str) -> Option<&'a str> {
    args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1)).map(String::as_str)
}

#[test]
fn baseline_auto_writes_the_inventory_for_the_upload_under_the_binarys_name() {
    let shard = r#"{"os":"ubuntu-latest","node":20}"#;
    let (sb, output) =
        launch_with_baseline(&[("INPUT_BASELINE", "auto"), ("INPUT_CHECK_NAME", "unit tests"), ("INPUT_SHARD", shard)]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let args = recorded_args(&sb);
    let expected_name = truegreen::publish::baseline::artifact_name("unit tests", Some(shard));
    let inventory = sb.runner_temp.join("truegreen").join(truegreen::publish::baseline::INVENTORY_MEMBER);
    assert_eq!(after(&args, "--baseline"), Some("auto"), "{args:?}");
    assert_eq!(after(&args, "--baseline-artifact"), Some(expected_name.as_str()));
    assert_eq!(after(&args, "--inventory").map(Path::new), Some(inventory.as_path()));
    assert!(inventory.is_file(), "the check wrote the inventory where the upload looks");
    // What action.yml's upload step reads.
    let outputs = std::fs::read_to_string(sb.runner_temp.join("github_output")).unwrap_or_default();
    assert!(outputs.contains(&format!("baseline-artifact={expected_name}\n")), "{outputs}");
    assert!(outputs.contains(&format!("inventory={}\n", inventory.display())), "{outputs}");
}

#[test]
fn a_baseline_path_is_compared_with_and_nothing_is_uploaded() {
    let (sb, output) = launch_with_baseline(&[("INPUT_BASELINE", "ci/base.tginv")]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let args = recorded_args(&sb);
    assert_eq!(after(&args, "--baseline"), Some("ci/base.tginv"), "{args:?}");
    assert!(!args.iter().any(|a| a == "--inventory" || a == "--baseline-artifact"), "{args:?}");
    let outputs = std::fs::read_to_string(sb.runner_temp.join("github_output")).unwrap_or_default();
    assert!(!outputs.contains("baseline-artifact"), "no upload: {outputs}");

    // Without baseline, none of it.
    let (sb, _) = launch_with_baseline(&[]);
    let args = recorded_args(&sb);
    assert!(!args.iter().any(|a| a.starts_with("--baseline") || a == "--inventory"), "{args:?}");
}

#[test]
fn the_gate_keeps_the_matrix_inventory_under_its_own_name() {
    // Each cell compares its own tests; the gate merges the cells' inventories
    // and compares the cells (a cell that left the matrix), as `gate --baseline`.
    let (sb, output) =
        launch_with_baseline(&[("INPUT_MODE", "gate"), ("INPUT_BASELINE", "auto"), ("INPUT_EXPECT_COUNT", "2")]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let args = recorded_args(&sb);
    assert_eq!(args.first().map(String::as_str), Some("gate"), "{args:?}");
    let expected_name = truegreen::publish::baseline::artifact_name("truegreen gate", None);
    assert_eq!(after(&args, "--baseline"), Some("auto"), "{args:?}");
    assert_eq!(after(&args, "--baseline-artifact"), Some(expected_name.as_str()));
    let outputs = std::fs::read_to_string(sb.runner_temp.join("github_output")).unwrap_or_default();
    assert!(outputs.contains(&format!("baseline-artifact={expected_name}\n")), "{outputs}");
    // A cell's name differs: the gate never compares with a cell's inventory.
    assert_ne!(expected_name, truegreen::publish::baseline::artifact_name("truegreen", None));
}
