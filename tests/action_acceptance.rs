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
