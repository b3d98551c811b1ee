//! Publishing against a fake GitHub REST API on 127.0.0.1: the check-run
//! lifecycle, batching, idempotency, and every fault the issue lists. Each
//! fault must leave the verdict and the exit code as they were and must never
//! produce a second check run. Every request body is validated against
//! GitHub's own schemas. Waits use a virtual clock, so no test sleeps for real.

// A test may panic: a failed step should fail it loudly (the lints guard input paths).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

use common::{FakeGitHub, SHA, Schemas, TOKEN, count, kane_stream, patch_annotation_counts, request_lines};
use truegreen::exit_code::FailOn;
use truegreen::publish::{
    GitHubContext, HttpPolicy, PublishMode, PublishOptions, PublishReport, Repository, Token, VirtualClock,
    publish_with,
};
use truegreen::verdict::{Status, Verdict};

struct Setup {
    dir: tempfile::TempDir,
    verdict: Verdict,
}

impl Setup {
    fn new(passed: usize, failed: usize) -> Self {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let reports = dir.path().join("reports");
        std::fs::create_dir_all(&reports).unwrap_or_else(|e| panic!("{e}"));
        let report = reports.join("run.ndjson");
        std::fs::write(&report, kane_stream(passed, failed)).unwrap_or_else(|e| panic!("{e}"));
        let verdict = common::check_in_process(&report);
        Self { dir, verdict }
    }

    fn context(&self, api_url: &str) -> GitHubContext {
        let dir = self.dir.path();
        GitHubContext {
            actions: true,
            api_url: api_url.to_owned(),
            server_url: "https://github.com".to_owned(),
            repository: Repository::parse("o/r"),
            head_sha: Some(SHA.to_owned()),
            event_name: Some("push".to_owned()),
            read_only_fork: false,
            pull_request: None,
            triggering_run_id: None,
            run_id: Some("77".to_owned()),
            run_attempt: Some("1".to_owned()),
            workflow_path: Some(".github/workflows/ci.yml".to_owned()),
            workspace: Some(dir.display().to_string()),
            cwd: Some(dir.display().to_string()),
            step_summary: Some(dir.join("step_summary.md")),
            output: Some(dir.join("github_output")),
            token: Token::new(TOKEN),
        }
    }

    fn summary(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("step_summary.md")).unwrap_or_default()
    }

    fn outputs(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("github_output")).unwrap_or_default()
    }
}

fn options() -> PublishOptions {
    PublishOptions {
        mode: PublishMode::CheckRun,
        http: HttpPolicy {
            connect_timeout: Duration::from_secs(2),
            read_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(5),
            ..HttpPolicy::default()
        },
        ..PublishOptions::default()
    }
}

async fn server_with_fake(prefix: &str) -> (MockServer, FakeGitHub) {
    let server = MockServer::start().await;
    let fake = FakeGitHub::default();
    fake.mount(&server, prefix).await;
    (server, fake)
}

async fn requests(server: &MockServer) -> Vec<wiremock::Request> {
    server.received_requests().await.unwrap_or_default()
}

/// The path of one check run, for faults on its PATCH.
const ONE_CHECK_RUN: &str = r"/check-runs/\d+$";
/// The path that lists a commit's check runs.
const CHECK_RUN_LIST: &str = r"/check-runs$";

/// One publishing scenario: a report with `passed` and `failed` cases, the fake
/// GitHub, faults mounted in front of it, and a virtual clock.
struct Scenario {
    setup: Setup,
    server: MockServer,
    fake: FakeGitHub,
    clock: VirtualClock,
}

impl Scenario {
    async fn new(passed: usize, failed: usize) -> Self {
        Self::at(passed, failed, 0).await
    }

    /// With the virtual clock starting at `now` (Unix seconds).
    async fn at(passed: usize, failed: usize, now: u64) -> Self {
        let (server, fake) = server_with_fake("").await;
        Self { setup: Setup::new(passed, failed), server, fake, clock: VirtualClock::new(now) }
    }

    /// Answer `verb` requests (on paths matching `path`, if given) with `response`
    /// instead of the fake: the first `times` of them, or all.
    async fn fault(&self, verb: &str, path: Option<&str>, response: ResponseTemplate, times: Option<u64>) {
        let mut mock = Mock::given(method(verb));
        if let Some(path) = path {
            mock = mock.and(path_regex(path));
        }
        let mut mock = mock.respond_with(response).with_priority(1);
        if let Some(times) = times {
            mock = mock.up_to_n_times(times);
        }
        mock.mount(&self.server).await;
    }

    /// Publish the verdict with `opts`; the report and every request the server saw.
    async fn publish(&self, opts: &PublishOptions) -> (PublishReport, Vec<wiremock::Request>) {
        let report =
            publish_with(&self.setup.verdict, &self.setup.context(&self.server.uri()), opts, &self.clock).await;
        (report, requests(&self.server).await)
    }
}

/// What every scenario must keep: the verdict the engine decided, and its exit code.
fn assert_verdict_unchanged(setup: &Setup, expected: Status, exit: i32) {
    assert_eq!(setup.verdict.status, expected);
    assert_eq!(FailOn::Failure.exit_code(setup.verdict.status), exit);
}

fn assert_fallback(report: &PublishReport, setup: &Setup) {
    assert!(report.workflow_annotations, "annotations fall back to workflow commands");
    assert!(report.log.contains("::error file=reports/run.ndjson,line="), "{}", report.log);
    assert!(report.log.contains("The verdict and the exit code are unchanged"), "{}", report.log);
    assert!(report.job_summary_written);
    assert!(setup.summary().starts_with("## ❌ truegreen: fail (exit 1)"), "{}", setup.summary());
    assert!(report.outputs_written);
    assert!(setup.outputs().contains("verdict<<"));
    assert!(!report.log.contains(TOKEN) && !setup.summary().contains(TOKEN) && !setup.outputs().contains(TOKEN));
}

#[tokio::test]
async fn one_hundred_twenty_failures_make_one_create_and_three_patches() {
    let scenario = Scenario::at(3, 120, 1_800_000_000).await;
    let (report, reqs) = scenario.publish(&options()).await;
    let Scenario { setup, fake, clock, .. } = &scenario;

    assert_eq!(
        request_lines(&reqs),
        [
            format!("GET /repos/o/r/commits/{SHA}/check-runs"),
            "POST /repos/o/r/check-runs".to_owned(),
            "PATCH /repos/o/r/check-runs/1".to_owned(),
            "PATCH /repos/o/r/check-runs/1".to_owned(),
            "PATCH /repos/o/r/check-runs/1".to_owned(),
        ]
    );
    assert_eq!(patch_annotation_counts(&reqs), [50, 50, 20]);
    let create: Value = reqs[1].body_json().unwrap_or(Value::Null);
    assert_eq!(create.pointer("/output/annotations"), None, "the create carries the verdict, not annotations");
    assert_eq!(create["conclusion"], "failure");
    assert_eq!(create["head_sha"], SHA);
    assert!(create["output"]["title"].as_str().unwrap_or("").starts_with("fail: 123 executed, 3 passed, 120 failed"));
    assert_eq!(Schemas::load().assert_requests_valid(&reqs), 4);

    // The request carries the token as a bearer credential, and the API version.
    let auth = reqs[1].headers.get("authorization").and_then(|v| v.to_str().ok());
    assert_eq!(auth, Some(format!("Bearer {TOKEN}").as_str()));
    assert!(reqs[1].headers.get("x-github-api-version").is_some());

    let runs = fake.check_runs();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0]["output"]["annotations_count"], 120);
    let delivered = report.check_run.clone().unwrap_or_default();
    assert_eq!((delivered.created, delivered.annotations_sent), (true, 120));
    assert_eq!(report.check_run_url(), Some("https://github.com/o/r/runs/1"));
    assert!(!report.workflow_annotations, "no duplicate workflow-command annotations");
    assert!(clock.sleeps().is_empty(), "a healthy server needs no wait: {:?}", clock.sleeps());
    assert!(setup.outputs().contains("check-run-url<<"));
    assert!(setup.outputs().contains("https://github.com/o/r/runs/1"));
    assert_verdict_unchanged(setup, Status::Fail, 1);
}

#[tokio::test]
async fn max_annotations_caps_what_is_sent_and_says_how_many_more_there_are() {
    let scenario = Scenario::new(3, 120).await;
    let (report, reqs) = scenario.publish(&PublishOptions { max_annotations: 75, ..options() }).await;
    assert_eq!(patch_annotation_counts(&reqs), [50, 25]);
    assert_eq!(Schemas::load().assert_requests_valid(&reqs), 3);
    let last: Value = reqs.last().and_then(|r| r.body_json().ok()).unwrap_or(Value::Null);
    let notice = &last["output"]["annotations"][24];
    assert_eq!(notice["annotation_level"], "notice");
    assert_eq!(
        notice["message"],
        "46 more annotation(s) not sent, from here on (--max-annotations 75). \
         The --json document has every finding and failure."
    );
    assert_eq!(notice["path"], "reports/run.ndjson", "where the first one left out would have been");
    assert_eq!(report.check_run.map(|d| d.annotations_sent), Some(75));
    assert_eq!(scenario.fake.check_runs()[0]["output"]["annotations_count"], 75);

    // 0 sends none, and the verdict goes out all the same.
    let scenario = Scenario::new(3, 120).await;
    let (_, reqs) = scenario.publish(&PublishOptions { max_annotations: 0, ..options() }).await;
    assert_eq!(patch_annotation_counts(&reqs), Vec::<usize>::new());
    assert_eq!(count(&reqs, "POST", "/check-runs"), 1);
    assert_verdict_unchanged(&scenario.setup, Status::Fail, 1);
}

#[tokio::test]
async fn mock_responses_follow_githubs_response_schema() {
    let schemas = Schemas::load();
    let body = json!({"name": "truegreen", "head_sha": SHA, "external_id": "x", "status": "completed",
                      "conclusion": "failure", "completed_at": "2026-11-20T10:00:00Z",
                      "output": {"title": "t", "summary": "s"}});
    schemas.assert_response_valid(&common::check_run(9, &body, 3));
}

#[tokio::test]
async fn a_rerun_updates_its_own_check_run() {
    let scenario = Scenario::new(1, 2).await;
    // An unrelated run with the same name but another external id stays alone.
    scenario.fake.seed("truegreen", "someone-else");
    let (first, _) = scenario.publish(&options()).await;
    let (second, reqs) = scenario.publish(&options()).await;
    let fake = &scenario.fake;

    assert_eq!(count(&reqs, "POST", "/check-runs"), 1, "{:#?}", request_lines(&reqs));
    assert_eq!(fake.check_runs().len(), 2, "the seeded run and ours: no duplicate");
    let first = first.check_run.unwrap_or_default();
    let second = second.check_run.unwrap_or_default();
    assert!(first.created && !second.created);
    assert_eq!(first.id, second.id);
    Schemas::load().assert_requests_valid(&reqs);
}

#[tokio::test]
async fn each_shard_gets_its_own_check_run() {
    let scenario = Scenario::new(1, 1).await;
    for os in ["linux", "macos", "linux"] {
        scenario.publish(&PublishOptions { shard: Some(json!({"os": os})), ..options() }).await;
    }
    let names: Vec<Value> = scenario.fake.check_runs().iter().map(|r| r["name"].clone()).collect();
    assert_eq!(names, [json!("truegreen (linux)"), json!("truegreen (macos)")]);
}

#[tokio::test]
async fn server_errors_on_patch_are_retried_with_backoff() {
    let scenario = Scenario::new(0, 60).await;
    for status in [500, 502] {
        let response = ResponseTemplate::new(status).set_body_json(json!({"message": "Server Error"}));
        scenario.fault("PATCH", Some(ONE_CHECK_RUN), response, Some(1)).await;
    }
    let (report, reqs) = scenario.publish(&options()).await;
    let Scenario { setup, fake, clock, .. } = &scenario;

    assert_eq!(count(&reqs, "POST", "/check-runs"), 1);
    assert_eq!(clock.sleeps(), [Duration::from_secs(1), Duration::from_secs(2)]);
    assert_eq!(report.check_run.map(|d| d.annotations_sent), Some(60));
    assert_eq!(fake.check_runs()[0]["output"]["annotations_count"], 60, "each batch landed once");
    assert!(!report.workflow_annotations);
    Schemas::load().assert_requests_valid(&reqs);
    assert_verdict_unchanged(setup, Status::Fail, 1);
}

#[tokio::test]
async fn a_persistent_502_gives_up_within_bounds_and_falls_back() {
    let scenario = Scenario::new(0, 60).await;
    let bad_gateway = ResponseTemplate::new(502).set_body_string("<html>Bad Gateway</html>");
    scenario.fault("PATCH", Some(ONE_CHECK_RUN), bad_gateway, None).await;
    let opts = options();
    let (report, reqs) = scenario.publish(&opts).await;
    let Scenario { setup, fake, clock, .. } = &scenario;

    assert_eq!(count(&reqs, "POST", "/check-runs"), 1, "never a second check run");
    assert_eq!(count(&reqs, "PATCH", "/check-runs/1"), opts.http.max_attempts as usize);
    let waited: Duration = clock.sleeps().iter().sum();
    assert!(waited <= opts.http.deadline, "{waited:?}");
    // The check run exists, complete with its conclusion; the annotations
    // that did not make it went to workflow commands.
    assert_eq!(fake.check_runs()[0]["conclusion"], "failure");
    assert_eq!(report.check_run.as_ref().map(|d| d.annotations_sent), Some(0));
    assert!(report.log.contains("::warning title=truegreen::"), "{}", report.log);
    assert!(report.log.contains("only 0 of 60 annotations were sent"), "{}", report.log);
    assert_fallback(&report, setup);
    assert_verdict_unchanged(setup, Status::Fail, 1);
}

#[tokio::test]
async fn no_wait_may_pass_the_publishing_deadline() {
    let scenario = Scenario::new(0, 3).await;
    let unavailable = ResponseTemplate::new(503).insert_header("retry-after", "2");
    scenario.fault("PATCH", Some(ONE_CHECK_RUN), unavailable, None).await;
    let mut opts = options();
    opts.http.deadline = Duration::from_secs(3);
    let (report, reqs) = scenario.publish(&opts).await;
    let Scenario { setup, clock, .. } = &scenario;
    // 2 s is within 3 s; the next 2 s would end at 4 s: given up instead.
    assert_eq!(clock.sleeps(), [Duration::from_secs(2)]);
    assert_eq!(count(&reqs, "PATCH", "/check-runs/1"), 2);
    assert!(report.log.contains("would pass the 3s publishing deadline"), "{}", report.log);
    assert_fallback(&report, setup);
}

#[tokio::test]
async fn a_secondary_rate_limit_is_waited_out_as_retry_after_says() {
    let scenario = Scenario::at(1, 1, 1_000_000).await;
    let secondary = ResponseTemplate::new(403).insert_header("retry-after", "7").set_body_json(
        json!({"message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."}),
    );
    scenario.fault("GET", Some(CHECK_RUN_LIST), secondary, Some(1)).await;
    let primary = ResponseTemplate::new(403)
        .insert_header("x-ratelimit-remaining", "0")
        .insert_header("x-ratelimit-reset", "1000012")
        .set_body_json(json!({"message": "API rate limit exceeded"}));
    scenario.fault("PATCH", Some(ONE_CHECK_RUN), primary, Some(1)).await;
    let (report, reqs) = scenario.publish(&options()).await;
    let Scenario { setup, fake, clock, .. } = &scenario;

    // 7 s from Retry-After; then the reset is 12 s after the clock's start,
    // 7 s of which have passed: 5 s plus one of margin.
    assert_eq!(clock.sleeps(), [Duration::from_secs(7), Duration::from_secs(6)]);
    assert_eq!(count(&reqs, "POST", "/check-runs"), 1);
    assert_eq!(fake.check_runs().len(), 1);
    assert_eq!(report.check_run.map(|d| d.annotations_sent), Some(1));
    assert_verdict_unchanged(setup, Status::Fail, 1);
}

#[tokio::test]
async fn resource_not_accessible_falls_back_with_a_notice() {
    let scenario = Scenario::new(1, 3).await;
    let forbidden = ResponseTemplate::new(403).set_body_json(json!({
        "message": "Resource not accessible by integration",
        "documentation_url": "https://docs.github.com/rest/checks/runs#create-a-check-run"
    }));
    scenario.fault("POST", None, forbidden, None).await;
    let opts = PublishOptions { commit_status: true, ..options() };
    let (report, reqs) = scenario.publish(&opts).await;
    let Scenario { setup, fake, clock, .. } = &scenario;

    assert_eq!(count(&reqs, "POST", "/check-runs"), 1, "a 403 is final: {:#?}", request_lines(&reqs));
    assert!(fake.check_runs().is_empty());
    assert!(clock.sleeps().is_empty());
    assert!(report.check_run.is_none());
    assert!(
        report.log.contains("::notice title=truegreen::the token cannot write check runs (POST /repos/o/r/check-runs: HTTP 403: Resource not accessible by integration)"),
        "{}",
        report.log
    );
    assert!(report.log.contains("statuses: write"), "the commit status failure is explained: {}", report.log);
    assert_fallback(&report, setup);
    assert!(setup.outputs().contains("check-run-url<<"));
    assert_verdict_unchanged(setup, Status::Fail, 1);
}

#[tokio::test]
async fn a_validation_error_is_final_and_falls_back() {
    let scenario = Scenario::new(1, 3).await;
    let invalid = ResponseTemplate::new(422).set_body_json(json!({
        "message": "Invalid request.\n\nOnly 65535 characters are allowed; 70000 were supplied.",
        "documentation_url": "https://docs.github.com/rest/checks/runs#create-a-check-run"
    }));
    scenario.fault("POST", None, invalid, None).await;
    let (report, reqs) = scenario.publish(&options()).await;
    let Scenario { setup, fake, .. } = &scenario;

    assert_eq!(count(&reqs, "POST", "/check-runs"), 1);
    assert!(fake.check_runs().is_empty());
    assert!(report.log.contains("::warning title=truegreen::could not write the check run"), "{}", report.log);
    assert!(report.log.contains("HTTP 422: Invalid request. Only 65535 characters"), "{}", report.log);
    assert_fallback(&report, setup);
    assert_verdict_unchanged(setup, Status::Fail, 1);
}

#[tokio::test]
async fn a_hanging_server_times_out() {
    let scenario = Scenario::new(1, 3).await;
    scenario.fault("POST", None, ResponseTemplate::new(201).set_delay(Duration::from_secs(30)), None).await;
    let mut opts = options();
    opts.http.request_timeout = Duration::from_millis(300);
    let (report, reqs) = scenario.publish(&opts).await;
    let setup = &scenario.setup;

    assert_eq!(count(&reqs, "POST", "/check-runs"), 1, "a write that timed out is not re-sent");
    assert!(report.log.contains("no complete response within 0.3s"), "{}", report.log);
    assert_fallback(&report, setup);
    assert_verdict_unchanged(setup, Status::Fail, 1);
}

#[tokio::test]
async fn a_hanging_lookup_is_retried_then_abandoned_without_writing() {
    let setup = Setup::new(1, 3);
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(30)))
        .mount(&server)
        .await;
    let clock = VirtualClock::new(0);
    let mut opts = options();
    opts.http.request_timeout = Duration::from_millis(200);
    let report = publish_with(&setup.verdict, &setup.context(&server.uri()), &opts, &clock).await;
    let reqs = requests(&server).await;

    // Without knowing whether a check run exists, none is created: that could
    // be the duplicate.
    assert_eq!(count(&reqs, "GET", "/check-runs"), opts.http.max_attempts as usize);
    assert_eq!(count(&reqs, "POST", "/check-runs"), 0);
    assert!(report.log.contains("could not look for an earlier check run"), "{}", report.log);
    assert_fallback(&report, &setup);
}

/// A bare HTTP server: answers GETs with an empty check-run list and resets
/// the connection on anything else. Returns its address and the request lines.
async fn resetting_server() -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap_or_else(|e| panic!("bind: {e}"));
    let addr = listener.local_addr().map(|a| a.to_string()).unwrap_or_default();
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let log = log.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 64 * 1024];
                let mut len = 0;
                while !buf[..len].windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf[len..]).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => len += n,
                    }
                }
                let head = String::from_utf8_lossy(&buf[..len]).into_owned();
                let line = head.lines().next().unwrap_or("").to_owned();
                if let Ok(mut l) = log.lock() {
                    l.push(line.clone());
                }
                if line.starts_with("GET ") {
                    let body = r#"{"total_count":0,"check_runs":[]}"#;
                    let response = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = stream.write_all(response.as_bytes()).await;
                } else {
                    // RST instead of FIN: the peer sees "connection reset".
                    let _ = stream.set_zero_linger();
                    drop(stream);
                }
            });
        }
    });
    (format!("http://{addr}"), seen)
}

#[tokio::test]
async fn a_connection_reset_on_create_is_not_retried() {
    let setup = Setup::new(1, 3);
    let (url, seen) = resetting_server().await;
    let clock = VirtualClock::new(0);
    let report = publish_with(&setup.verdict, &setup.context(&url), &options(), &clock).await;
    let lines = seen.lock().map(|l| l.clone()).unwrap_or_default();

    assert_eq!(lines.iter().filter(|l| l.starts_with("POST ")).count(), 1, "{lines:#?}");
    assert_eq!(lines.iter().filter(|l| l.starts_with("GET ")).count(), 1, "{lines:#?}");
    assert!(report.check_run.is_none());
    assert!(report.log.contains("could not write the check run: POST /repos/o/r/check-runs"), "{}", report.log);
    assert_fallback(&report, &setup);
    assert_verdict_unchanged(&setup, Status::Fail, 1);
}

#[tokio::test]
async fn github_enterprise_server_keeps_its_api_path() {
    let setup = Setup::new(2, 1);
    let (server, fake) = server_with_fake("/api/v3").await;
    let clock = VirtualClock::new(0);
    let api = format!("{}/api/v3", server.uri());
    let report = publish_with(&setup.verdict, &setup.context(&api), &options(), &clock).await;
    let reqs = requests(&server).await;
    assert!(request_lines(&reqs).iter().all(|l| l.contains(" /api/v3/repos/o/r/")), "{:#?}", request_lines(&reqs));
    assert_eq!(fake.check_runs().len(), 1);
    assert_eq!(report.check_run.map(|d| d.annotations_sent), Some(1));
}

#[tokio::test]
async fn a_commit_status_links_the_run() {
    let scenario = Scenario::new(2, 1).await;
    let opts = PublishOptions { commit_status: true, shard: Some(json!({"os": "linux"})), ..options() };
    let (report, reqs) = scenario.publish(&opts).await;
    let status = reqs.iter().find(|r| r.url.path() == format!("/repos/o/r/statuses/{SHA}"));
    let body: Value = status.and_then(|r| r.body_json().ok()).unwrap_or(Value::Null);
    assert_eq!(body["state"], "failure");
    assert_eq!(body["context"], "truegreen (linux)");
    assert_eq!(body["target_url"], "https://github.com/o/r/actions/runs/77");
    assert_eq!(body["description"], "truegreen fail: 3 executed, 1 failed, 0 discrepancies");
    assert!(report.commit_status_posted);
}

#[tokio::test]
async fn fail_on_discrepancy_makes_an_honest_failure_neutral() {
    let scenario = Scenario::new(2, 1).await;
    scenario.publish(&PublishOptions { fail_on: FailOn::Discrepancy, ..options() }).await;
    let Scenario { setup, fake, .. } = &scenario;
    assert_eq!(fake.check_runs()[0]["conclusion"], "neutral");
    assert_eq!(FailOn::Discrepancy.exit_code(setup.verdict.status), 0);
    assert!(setup.outputs().contains("exit-code<<"), "the output keeps the verdict's own code");
    let outputs = setup.outputs();
    let exit_output = outputs.split("exit-code<<").nth(1).and_then(|rest| rest.lines().nth(1));
    assert_eq!(exit_output, Some("1"));
}

#[tokio::test]
async fn a_fork_pull_request_in_auto_mode_calls_no_api() {
    let setup = Setup::new(2, 1);
    let server = MockServer::start().await;
    let mut ctx = setup.context(&server.uri());
    ctx.read_only_fork = true;
    let clock = VirtualClock::new(0);
    let opts = PublishOptions { mode: PublishMode::Auto, ..options() };
    let report = publish_with(&setup.verdict, &ctx, &opts, &clock).await;
    assert!(requests(&server).await.is_empty());
    assert!(report.log.starts_with("::notice title=truegreen::this pull request comes from a fork"), "{}", report.log);
    assert!(report.log.contains("::error file=reports/run.ndjson,line="));
    assert!(report.job_summary_written);
}

#[tokio::test]
async fn writes_are_paced_under_the_secondary_limit() {
    let scenario = Scenario::new(0, 260).await;
    let mut opts = options();
    opts.http.writes_per_minute = 3;
    let (report, _) = scenario.publish(&opts).await;
    let clock = &scenario.clock;
    // 1 create + 6 annotation PATCHes at 3 per minute: two waits of a minute.
    assert_eq!(report.check_run.map(|d| d.annotations_sent), Some(260));
    assert_eq!(clock.sleeps(), [Duration::from_secs(60), Duration::from_secs(60)]);
}

#[test]
fn the_shared_schemas_are_where_the_tests_expect_them() {
    for name in ["checks-create.schema.json", "checks-update.schema.json", "check-run.response.schema.json"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/github").join(name);
        assert!(path.is_file(), "{} is missing", path.display());
    }
}

/// The gate over shard verdicts for linux and macos, when the matrix also
/// defines windows: a missing cell.
fn gate_over_linux_and_macos(setup: &Setup) -> truegreen::gate::GateResult {
    use truegreen::gate::matrix::MatrixDef;
    use truegreen::gate::ordered::Ordered;
    use truegreen::gate::{self, Expectation, ExpectedSource, GateRequest, Provenance};

    let verdicts = setup.dir.path().join("verdicts");
    std::fs::create_dir_all(&verdicts).unwrap_or_else(|e| panic!("{e}"));
    for os in ["linux", "macos"] {
        let mut verdict = setup.verdict.clone();
        verdict.context.shard = Some(json!({ "os": os }));
        verdict.context.commit = Some(SHA.to_owned());
        verdict.context.run_id = Some("77".to_owned());
        verdict.context.run_attempt = Some("1".to_owned());
        let doc = truegreen::render::json::to_string(&verdict);
        std::fs::write(verdicts.join(format!("{os}.json")), doc).unwrap_or_else(|e| panic!("{e}"));
    }
    let matrix = Ordered::from_json(r#"{"os": ["linux", "macos", "windows"]}"#).unwrap_or_else(|e| panic!("{e}"));
    let cells = MatrixDef::parse(matrix, "--expect-matrix").and_then(|d| d.expand()).unwrap_or_else(|e| panic!("{e}"));
    let request = GateRequest {
        verdicts: vec![verdicts.display().to_string()],
        expectation: Expectation::cells(ExpectedSource::Matrix, cells),
        provenance: Provenance { commit: Some(SHA.to_owned()), run_id: Some("77".to_owned()) },
        jobs: Vec::new(),
        links: None,
        inventory: Default::default(),
    };
    gate::run(&request)
}

/// The gate publishes one combined check run through the same publisher: same
/// lookup-then-create lifecycle, schema-valid requests, findings as annotations.
#[tokio::test]
async fn the_gate_publishes_one_combined_check_run() {
    let setup = Setup::new(3, 2);
    let result = gate_over_linux_and_macos(&setup);
    assert_eq!(result.exit_code, 3, "a cell is missing");

    let (server, fake) = server_with_fake("").await;
    let clock = VirtualClock::new(1_700_000_000);
    let opts = PublishOptions { check_name: "truegreen gate".to_owned(), ..options() };
    let report = publish_with(&result, &setup.context(&server.uri()), &opts, &clock).await;
    let reqs = requests(&server).await;
    assert_eq!(
        request_lines(&reqs)[..2],
        [format!("GET /repos/o/r/commits/{SHA}/check-runs"), "POST /repos/o/r/check-runs".to_owned()]
    );
    assert!(Schemas::load().assert_requests_valid(&reqs) >= 2);
    let runs = fake.check_runs();
    assert_eq!(runs.len(), 1, "one combined check run");
    assert_eq!(runs[0]["name"], "truegreen gate");
    assert_eq!(runs[0]["conclusion"], "failure");
    let title = runs[0]["output"]["title"].as_str().unwrap_or_default().to_owned();
    assert!(title.contains("missing"), "{title}");
    assert!(report.check_run.as_ref().is_some_and(|d| d.annotations_sent >= 1), "the missing cell is annotated");
    assert!(setup.summary().contains("os=windows"), "{}", setup.summary());
    assert!(setup.outputs().contains("missing-cells<<"), "{}", setup.outputs());
    assert_eq!(FailOn::Failure.exit_code(result.status), 3, "publishing leaves the gate's exit code");
}

/// The pull request comment: one per check name, found by its marker and
/// updated in place; never a duplicate, whatever fails.
mod pull_request_comment {
    use super::*;
    use common::BOT;
    use truegreen::publish::{COMMENTS_PER_PAGE, CommentMode, MAX_COMMENT_PAGES, PullRequestRef};
    use wiremock::Request;

    const PR: u64 = 12;
    const MARKER: &str = "<!-- truegreen:comment:truegreen -->";

    fn on_pull_request(setup: &Setup, api_url: &str, pull_request: PullRequestRef) -> GitHubContext {
        let mut ctx = setup.context(api_url);
        ctx.event_name = Some("pull_request".to_owned());
        ctx.pull_request = Some(pull_request);
        ctx
    }

    impl Scenario {
        async fn publish_on(&self, opts: &PublishOptions, pull_request: PullRequestRef) -> PublishReport {
            let ctx = on_pull_request(&self.setup, &self.server.uri(), pull_request);
            publish_with(&self.setup.verdict, &ctx, opts, &self.clock).await
        }

        async fn publish_on_pr(&self, opts: &PublishOptions) -> PublishReport {
            self.publish_on(opts, PullRequestRef::Number(PR)).await
        }
    }

    /// The requests about comments, as `METHOD path`.
    fn comment_requests(reqs: &[Request]) -> Vec<String> {
        request_lines(reqs).into_iter().filter(|l| l.contains("/issues/")).collect()
    }

    fn posts(reqs: &[Request]) -> usize {
        count(reqs, "POST", &format!("/issues/{PR}/comments"))
    }

    #[tokio::test]
    async fn one_comment_is_posted_then_updated_in_place_on_every_run() {
        let scenario = Scenario::new(1, 2).await;
        let first = scenario.publish_on_pr(&options()).await;
        let second = scenario.publish_on_pr(&options()).await;
        let third = scenario.publish_on_pr(&options()).await;
        let reqs = requests(&scenario.server).await;

        let first = first.comment.unwrap_or_default();
        assert!(first.created, "{first:?}");
        assert_eq!(
            (first.pull_request, first.html_url.as_deref()),
            (PR, Some("https://github.com/o/r/pull/12#issuecomment-1"))
        );
        for later in [second.comment, third.comment] {
            let later = later.unwrap_or_default();
            assert_eq!((later.id, later.created), (first.id, false), "the same comment, updated");
        }
        assert_eq!(
            comment_requests(&reqs),
            [
                "GET /repos/o/r/issues/12/comments",
                "POST /repos/o/r/issues/12/comments",
                "GET /repos/o/r/issues/12/comments",
                "PATCH /repos/o/r/issues/comments/1",
                "GET /repos/o/r/issues/12/comments",
                "PATCH /repos/o/r/issues/comments/1",
            ]
        );
        let list = reqs.iter().find(|r| r.url.path().ends_with("/issues/12/comments"));
        assert_eq!(list.and_then(|r| r.url.query()), Some("per_page=100"));
        assert_eq!(Schemas::load().assert_comment_requests_valid(&reqs), 3);

        let comments = scenario.fake.comments.comments();
        assert_eq!(comments.len(), 1, "never a second comment");
        let body = comments[0]["body"].as_str().unwrap_or_default();
        assert!(body.starts_with(&format!("{MARKER}\n## ❌ truegreen: fail (exit 1)")), "{body}");
        assert!(body.contains("| executed | passed | failed |"), "{body}");
        assert!(body.contains("[check run](https://github.com/o/r/runs/1)"), "{body}");
        assert!(body.contains("### Failures (2)"), "{body}");
        assert!(
            second.log.contains("truegreen: pull request comment updated: https://github.com/o/r/pull/12"),
            "{}",
            second.log
        );
        assert_verdict_unchanged(&scenario.setup, Status::Fail, 1);
    }

    #[tokio::test]
    async fn a_token_that_cannot_comment_leaves_a_notice_and_the_rest_as_it_was() {
        for (status, verb) in [(403, "POST"), (404, "POST"), (403, "GET")] {
            let scenario = Scenario::new(1, 2).await;
            let denied = ResponseTemplate::new(status)
                .set_body_json(json!({"message": "Resource not accessible by integration"}));
            scenario.fault(verb, Some(r"/issues/\d+/comments$"), denied, None).await;
            let report = scenario.publish_on_pr(&options()).await;
            let reqs = requests(&scenario.server).await;

            assert!(report.comment.is_none());
            assert!(scenario.fake.comments.comments().is_empty());
            assert!(posts(&reqs) <= 1, "{status} {verb}: a denied write is final");
            assert!(
                report.log.contains("::notice title=truegreen::no pull request comment: the token cannot comment"),
                "{status} {verb}: {}",
                report.log
            );
            assert!(report.log.contains("pull-requests: write"), "{}", report.log);
            assert!(!report.log.contains("::warning"), "a denied comment is no warning: {}", report.log);
            assert!(report.check_run.is_some(), "the check run is unaffected");
            assert!(!report.workflow_annotations);
            assert_verdict_unchanged(&scenario.setup, Status::Fail, 1);
        }
    }

    #[tokio::test]
    async fn a_5xx_after_the_post_landed_is_not_retried_and_the_next_run_updates_it() {
        let scenario = Scenario::new(1, 2).await;
        scenario.fake.comments.fail_posts_after_storing(1);
        let first = scenario.publish_on_pr(&options()).await;
        let reqs = requests(&scenario.server).await;
        assert_eq!(posts(&reqs), 1, "a POST is never retried");
        assert!(scenario.clock.sleeps().is_empty(), "no backoff for a POST: {:?}", scenario.clock.sleeps());
        assert!(first.comment.is_none());
        assert!(first.log.contains("::warning title=truegreen::could not post the comment"), "{}", first.log);
        assert!(first.log.contains("It was not retried"), "{}", first.log);

        let second = scenario.publish_on_pr(&options()).await;
        let reqs = requests(&scenario.server).await;
        assert_eq!(posts(&reqs), 1, "the next run found the comment that landed: {:#?}", comment_requests(&reqs));
        assert_eq!(count(&reqs, "PATCH", "/issues/comments/1"), 1);
        assert_eq!(second.comment.map(|c| (c.id, c.created)), Some((1, false)));
        assert_eq!(scenario.fake.comments.comments().len(), 1, "no duplicate");
        assert_verdict_unchanged(&scenario.setup, Status::Fail, 1);
    }

    #[tokio::test]
    async fn a_5xx_before_the_post_landed_is_posted_by_the_next_run_after_listing() {
        let scenario = Scenario::new(1, 2).await;
        let unavailable = ResponseTemplate::new(503).set_body_json(json!({"message": "Service Unavailable"}));
        scenario.fault("POST", Some(r"/issues/\d+/comments$"), unavailable, Some(1)).await;
        scenario.publish_on_pr(&options()).await;
        let second = scenario.publish_on_pr(&options()).await;
        let reqs = requests(&scenario.server).await;
        assert_eq!(
            comment_requests(&reqs),
            [
                "GET /repos/o/r/issues/12/comments",
                "POST /repos/o/r/issues/12/comments",
                "GET /repos/o/r/issues/12/comments",
                "POST /repos/o/r/issues/12/comments",
            ],
            "each POST follows a fresh listing"
        );
        assert!(second.comment.is_some_and(|c| c.created));
        assert_eq!(scenario.fake.comments.comments().len(), 1);
    }

    #[tokio::test]
    async fn the_marker_is_found_on_a_later_page_and_a_bots_comment_wins() {
        let scenario = Scenario::new(1, 2).await;
        let comments = &scenario.fake.comments;
        // Someone quoted the marker on page 1; the bot's comment is on page 2.
        comments.seed(PR, &format!("{MARKER}\nquoted by a person"), "someone", "User");
        for i in 0..COMMENTS_PER_PAGE + 20 {
            comments.seed(PR, &format!("comment {i} mentioning truegreen:comment:truegreen"), "someone", "User");
        }
        let ours = comments.seed(PR, &format!("{MARKER}\nold report"), BOT, "Bot");
        comments.seed(7, &format!("{MARKER}\nanother pull request"), BOT, "Bot");
        let report = scenario.publish_on_pr(&options()).await;
        let reqs = requests(&scenario.server).await;

        assert_eq!(
            comment_requests(&reqs),
            [
                "GET /repos/o/r/issues/12/comments".to_owned(),
                "GET /repositories/1/issues/12/comments".to_owned(),
                format!("PATCH /repos/o/r/issues/comments/{ours}"),
            ],
            "the Link header's next page is followed"
        );
        assert_eq!(report.comment.map(|c| (c.id, c.created)), Some((ours, false)));
        let all = comments.comments();
        assert_eq!(all.len(), COMMENTS_PER_PAGE + 23, "nothing posted");
        assert_eq!(all[0]["body"], format!("{MARKER}\nquoted by a person"), "a person's comment is left alone");
        assert!(all.iter().any(|c| c["body"] == format!("{MARKER}\nanother pull request")));
        Schemas::load().assert_comment_requests_valid(&reqs);
    }

    #[tokio::test]
    async fn past_the_page_bound_nothing_is_posted() {
        let scenario = Scenario::new(1, 2).await;
        for i in 0..COMMENTS_PER_PAGE * MAX_COMMENT_PAGES + 1 {
            scenario.fake.comments.seed(PR, &format!("comment {i}"), "someone", "User");
        }
        let report = scenario.publish_on_pr(&options()).await;
        let reqs = requests(&scenario.server).await;
        assert_eq!(count(&reqs, "GET", &format!("/issues/{PR}/comments")), MAX_COMMENT_PAGES);
        assert_eq!(posts(&reqs), 0, "the marker could be on a page not read");
        assert!(report.log.contains("more than 30 pages of comments"), "{}", report.log);
        assert_verdict_unchanged(&scenario.setup, Status::Fail, 1);
    }

    #[tokio::test]
    async fn comment_off_posts_nothing() {
        let scenario = Scenario::new(1, 2).await;
        let report = scenario.publish_on_pr(&PublishOptions { comment: CommentMode::Off, ..options() }).await;
        let reqs = requests(&scenario.server).await;
        assert_eq!(comment_requests(&reqs), Vec::<String>::new());
        assert!(report.comment.is_none() && report.check_run.is_some());
    }

    #[tokio::test]
    async fn a_matrix_cell_leaves_the_comment_to_the_gate_which_posts_one() {
        let scenario = Scenario::new(3, 2).await;
        for os in ["linux", "macos"] {
            let report = scenario.publish_on_pr(&PublishOptions { shard: Some(json!({"os": os})), ..options() }).await;
            assert!(report.log.contains("no pull request comment from a matrix cell"), "{}", report.log);
        }
        assert_eq!(comment_requests(&requests(&scenario.server).await), Vec::<String>::new());

        let gate = gate_over_linux_and_macos(&scenario.setup);
        let ctx = on_pull_request(&scenario.setup, &scenario.server.uri(), PullRequestRef::Number(PR));
        let opts = PublishOptions { check_name: "truegreen gate".to_owned(), ..options() };
        for _ in 0..2 {
            let report = publish_with(&gate, &ctx, &opts, &scenario.clock).await;
            assert!(report.comment.is_some(), "{}", report.log);
        }
        let comments = scenario.fake.comments.comments();
        assert_eq!(comments.len(), 1, "one comment for the whole matrix");
        let body = comments[0]["body"].as_str().unwrap_or_default();
        assert!(
            body.starts_with("<!-- truegreen:comment:truegreen gate -->\n## ⚠️ truegreen gate: discrepancy"),
            "{body}"
        );
        for cell in ["os=linux", "os=macos", "os=windows"] {
            assert!(body.contains(&format!("| ` {cell} ` |")), "a row per cell: {cell} in {body}");
        }
        Schemas::load().assert_comment_requests_valid(&requests(&scenario.server).await);
        assert_eq!(FailOn::Failure.exit_code(gate.status), 3);
    }

    #[tokio::test]
    async fn a_forks_workflow_run_finds_its_pull_request_by_head_and_commit() {
        let scenario = Scenario::new(1, 2).await;
        scenario.fake.comments.add_pull(33, "forker:fix", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
        scenario.fake.comments.add_pull(34, "forker:fix", SHA);
        let head = PullRequestRef::Head { label: "forker:fix".to_owned() };
        let report = scenario.publish_on(&options(), head).await;
        let reqs = requests(&scenario.server).await;
        let lookup = reqs.iter().find(|r| r.url.path() == "/repos/o/r/pulls");
        assert_eq!(lookup.and_then(|r| r.url.query()), Some("state=open&head=forker%3Afix&per_page=100"));
        assert_eq!(report.comment.map(|c| c.pull_request), Some(34), "the pull request at this commit");

        // No open pull request at this commit: nothing is posted.
        let scenario = Scenario::new(1, 2).await;
        let head = PullRequestRef::Head { label: "forker:gone".to_owned() };
        let report = scenario.publish_on(&options(), head).await;
        assert!(report.comment.is_none());
        assert!(report.log.contains("no open pull request from forker:gone"), "{}", report.log);
        assert!(scenario.fake.comments.comments().is_empty());
    }

    #[tokio::test]
    async fn a_read_only_fork_in_auto_mode_calls_no_api_and_says_so() {
        let setup = Setup::new(2, 1);
        let server = MockServer::start().await;
        let mut ctx = on_pull_request(&setup, &server.uri(), PullRequestRef::Number(PR));
        ctx.read_only_fork = true;
        let opts = PublishOptions { mode: PublishMode::Auto, ..options() };
        let report = publish_with(&setup.verdict, &ctx, &opts, &VirtualClock::new(0)).await;
        assert!(requests(&server).await.is_empty());
        assert!(report.log.contains("no check run and no pull request comment"), "{}", report.log);
    }

    /// Through the binary: the event comes from GITHUB_EVENT_NAME and
    /// GITHUB_EVENT_PATH, and `--comment off` turns the comment off.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_binary_reads_the_pull_request_from_the_event() {
        let scenario = Scenario::new(1, 2).await;
        let dir = scenario.setup.dir.path().to_path_buf();
        let event = dir.join("event.json");
        let payload = json!({"number": PR, "pull_request": {"number": PR, "head": {"sha": SHA, "repo": {"full_name": "o/r"}},
                             "base": {"repo": {"full_name": "o/r"}}}});
        std::fs::write(&event, payload.to_string()).unwrap_or_else(|e| panic!("{e}"));
        let api = scenario.server.uri();
        let run = move |extra: &'static [&'static str]| {
            let (dir, event, api) = (dir.clone(), event.clone(), api.clone());
            tokio::task::spawn_blocking(move || {
                let mut cmd = common::bin();
                cmd.current_dir(&dir)
                    .env("GITHUB_ACTIONS", "true")
                    .env("GITHUB_API_URL", &api)
                    .env("GITHUB_REPOSITORY", "o/r")
                    .env("GITHUB_SHA", SHA)
                    .env("GITHUB_EVENT_NAME", "pull_request")
                    .env("GITHUB_EVENT_PATH", &event)
                    .env("TRUEGREEN_GITHUB_TOKEN", TOKEN)
                    .args(["check", "--color", "never"])
                    .args(extra)
                    .arg("reports/run.ndjson");
                cmd.output().unwrap_or_else(|e| panic!("{e}"))
            })
        };
        let off = run(&["--comment", "off"]).await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(off.status.code(), Some(1));
        assert!(scenario.fake.comments.comments().is_empty());
        let auto = run(&[]).await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(auto.status.code(), Some(1), "commenting leaves the exit code");
        let stdout = String::from_utf8_lossy(&auto.stdout);
        assert!(stdout.contains("truegreen: pull request comment posted"), "{stdout}");
        let comments = scenario.fake.comments.comments();
        assert_eq!(comments.len(), 1);
        assert!(comments[0]["issue_url"].as_str().unwrap_or_default().ends_with("/issues/12"));
    }

    /// The fork recipe, through the binary: a `workflow_run` job gates the
    /// verdicts the triggering run uploaded (its run id, not this run's) and
    /// comments once on the fork's pull request, found by head and commit.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_workflow_run_gate_comments_on_the_forks_pull_request() {
        let scenario = Scenario::new(3, 2).await;
        gate_over_linux_and_macos(&scenario.setup); // writes verdicts/ from run 77
        scenario.fake.comments.add_pull(PR, "forker:fix", SHA);
        let dir = scenario.setup.dir.path().to_path_buf();
        let event = dir.join("event.json");
        let payload = json!({"workflow_run": {"id": 77, "event": "pull_request", "head_sha": SHA, "head_branch": "fix",
                             "head_repository": {"owner": {"login": "forker"}}, "pull_requests": []}});
        std::fs::write(&event, payload.to_string()).unwrap_or_else(|e| panic!("{e}"));
        let api = scenario.server.uri();
        let out = tokio::task::spawn_blocking(move || {
            let mut cmd = common::bin();
            cmd.current_dir(&dir)
                .env("GITHUB_ACTIONS", "true")
                .env("GITHUB_API_URL", &api)
                .env("GITHUB_REPOSITORY", "o/r")
                // This run's own commit and id: the default branch's, not the fork's.
                .env("GITHUB_SHA", "1111111111111111111111111111111111111111")
                .env("GITHUB_RUN_ID", "99")
                .env("GITHUB_EVENT_NAME", "workflow_run")
                .env("GITHUB_EVENT_PATH", &event)
                .env("TRUEGREEN_GITHUB_TOKEN", TOKEN)
                .args(["gate", "--color", "never", "--expect-matrix", r#"{"os": ["linux", "macos"]}"#])
                .args(["--check-name", "truegreen gate", "verdicts/"]);
            cmd.output().unwrap_or_else(|e| panic!("{e}"))
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "honest failures, no stale verdict: {stdout}");
        assert!(stdout.contains("truegreen: pull request comment posted"), "{stdout}");
        let comments = scenario.fake.comments.comments();
        assert_eq!(comments.len(), 1);
        assert!(comments[0]["issue_url"].as_str().unwrap_or_default().ends_with("/issues/12"));
        let runs = scenario.fake.check_runs();
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0]["head_sha"], SHA, "the check run goes to the fork's commit");
    }
}
