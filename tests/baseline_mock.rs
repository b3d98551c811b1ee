//! `--baseline auto` against a fake GitHub Actions API on 127.0.0.1 that
//! answers with the REST API's response shapes (List workflow runs for a
//! workflow, List workflow run artifacts, Download an artifact: a 302 to blob
//! storage on another host). Every fault must land in the right class: no
//! baseline, GitHub unavailable, or an unusable artifact. Waits use a virtual
//! clock, so no test sleeps for real.

// A test may panic: a failed step should fail it loudly (the lints guard input paths).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{Cursor, Write};
use std::path::Path;

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use truegreen::publish::baseline::{
    BaselineFetchError, BaselineQuery, BaselineRun, FetchClass, FetchLimits, FetchedBaseline, INVENTORY_MEMBER,
    artifact_name, baseline_http_policy, fetch_with,
};
use truegreen::publish::{Repository, Token, VirtualClock};

const TOKEN: &str = "ghs_baselinetoken0123456789";
const RUN_ID: u64 = 4242;
const WORKFLOW_ID: u64 = 161_335;
const BASE_RUN: u64 = 30_433_642;
const ARTIFACT_ID: u64 = 1_234_567;
const BASE_SHA: &str = "009b8a3a9ccbb128af87f9b1c0f4c62e8a304f6d";
const BEFORE: &str = "601593ecb1d8a57a04700fdb445a28d4186b8954";
/// The blob URL's signature: as secret as a token, never printed.
const SIGNATURE: &str = "sig=Zm9vYmFyc2VjcmV0c2lnbmF0dXJl";
const INVENTORY: &[u8] = b"truegreen-inventory 1\n(the bytes are opaque to the fetch)\n";

fn artifact() -> String {
    artifact_name("truegreen", Some(r#"{"os":"ubuntu-latest"}"#))
}

/// A workflow run as "List workflow runs for a workflow" returns it (the fields
/// the fetch reads, and enough of the others to keep the shape honest).
fn run_json(id: u64, branch: &str, sha: &str, event: &str, conclusion: &str, head_repo: &str) -> Value {
    json!({
        "id": id,
        "name": "CI",
        "node_id": "WFR_kwLOK5vOUs8AAAAByE1_MA",
        "head_branch": branch,
        "head_sha": sha,
        "path": ".github/workflows/ci.yml",
        "display_title": "Update the parser",
        "run_number": 562,
        "event": event,
        "status": "completed",
        "conclusion": conclusion,
        "workflow_id": WORKFLOW_ID,
        "check_suite_id": 20_120_164_257u64,
        "url": format!("https://api.github.com/repos/o/r/actions/runs/{id}"),
        "html_url": format!("https://github.com/o/r/actions/runs/{id}"),
        "pull_requests": [],
        "created_at": "2026-01-25T13:51:40Z",
        "updated_at": "2026-01-25T13:52:31Z",
        "run_attempt": 1,
        "run_started_at": "2026-01-25T13:51:40Z",
        "artifacts_url": format!("https://api.github.com/repos/o/r/actions/runs/{id}/artifacts"),
        "workflow_url": format!("https://api.github.com/repos/o/r/actions/workflows/{WORKFLOW_ID}"),
        "repository": {"id": 42, "name": "r", "full_name": "o/r", "fork": false},
        "head_repository": {"id": if head_repo == "o/r" { 42 } else { 77 }, "name": "r", "full_name": head_repo, "fork": head_repo != "o/r"}
    })
}

fn good_base_run() -> Value {
    run_json(BASE_RUN, "main", BASE_SHA, "push", "success", "o/r")
}

fn runs_page(total: u64, runs: Vec<Value>) -> Value {
    json!({"total_count": total, "workflow_runs": runs})
}

/// An artifact as "List workflow run artifacts" returns it.
fn artifact_json(id: u64, name: &str, expired: bool, size: u64) -> Value {
    json!({
        "id": id,
        "node_id": "MDg6QXJ0aWZhY3Q0MTY3Njc3ODk=",
        "name": name,
        "size_in_bytes": size,
        "url": format!("https://api.github.com/repos/o/r/actions/artifacts/{id}"),
        "archive_download_url": format!("https://api.github.com/repos/o/r/actions/artifacts/{id}/zip"),
        "expired": expired,
        "digest": "sha256:cfc3236bdad15b5898bca8408945c9e19e1917da8704adc20eaa618444f48a",
        "created_at": "2026-01-25T13:52:21Z",
        "updated_at": "2026-01-25T13:52:23Z",
        "expires_at": "2026-04-25T13:52:16Z",
        "workflow_run": {
            "id": BASE_RUN, "repository_id": 42, "head_repository_id": 42,
            "head_branch": "main", "head_sha": BASE_SHA
        }
    })
}

fn artifacts_page(total: u64, artifacts: Vec<Value>) -> Value {
    json!({"total_count": total, "artifacts": artifacts})
}

/// A zip as upload-artifact makes it, with these members.
fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
    zip_with(zip::CompressionMethod::Deflated, members)
}

fn zip_with(method: zip::CompressionMethod, members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(method);
    for (name, content) in members {
        writer.start_file(*name, options).unwrap_or_else(|e| panic!("zip: {e}"));
        writer.write_all(content).unwrap_or_else(|e| panic!("zip: {e}"));
    }
    writer.finish().unwrap_or_else(|e| panic!("zip: {e}")).into_inner()
}

fn inventory_zip() -> Vec<u8> {
    zip_of(&[(INVENTORY_MEMBER, INVENTORY)])
}

/// The fake API and the fake blob storage (another host: another port).
struct Fake {
    api: MockServer,
    blob: MockServer,
    clock: VirtualClock,
    dir: tempfile::TempDir,
}

impl Fake {
    async fn new() -> Self {
        let fake = Self {
            api: MockServer::start().await,
            blob: MockServer::start().await,
            clock: VirtualClock::new(1_800_000_000),
            dir: tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}")),
        };
        let this_run = run_json(RUN_ID, "feature", BEFORE, "pull_request", "", "o/r");
        fake.get(&format!("/repos/o/r/actions/runs/{RUN_ID}"), ResponseTemplate::new(200).set_body_json(this_run))
            .await;
        fake
    }

    async fn get(&self, at: &str, response: ResponseTemplate) {
        Mock::given(method("GET")).and(path(at)).respond_with(response).mount(&self.api).await;
    }

    /// Answer GETs of `at` with one body per `page` query parameter, from 1.
    async fn pages<const N: usize>(&self, at: &str, bodies: [Value; N]) {
        for (i, body) in bodies.into_iter().enumerate() {
            Mock::given(method("GET"))
                .and(path(at))
                .and(query_param("page", (i + 1).to_string()))
                .respond_with(ResponseTemplate::new(200).set_body_json(body))
                .mount(&self.api)
                .await;
        }
    }

    async fn runs(&self, page: Value) {
        self.get(
            &format!("/repos/o/r/actions/workflows/{WORKFLOW_ID}/runs"),
            ResponseTemplate::new(200).set_body_json(page),
        )
        .await;
    }

    async fn artifacts(&self, page: Value) {
        self.get(
            &format!("/repos/o/r/actions/runs/{BASE_RUN}/artifacts"),
            ResponseTemplate::new(200).set_body_json(page),
        )
        .await;
    }

    /// The download endpoint redirects to blob storage, which serves `zip`.
    async fn download(&self, zip: Vec<u8>) {
        let location = format!("{}/blob/{ARTIFACT_ID}.zip?sv=2025-01-05&{SIGNATURE}", self.blob.uri());
        self.get(
            &format!("/repos/o/r/actions/artifacts/{ARTIFACT_ID}/zip"),
            ResponseTemplate::new(302).insert_header("location", location.as_str()),
        )
        .await;
        Mock::given(method("GET"))
            .and(path(format!("/blob/{ARTIFACT_ID}.zip")))
            .respond_with(
                ResponseTemplate::new(200).set_body_bytes(zip).insert_header("content-type", "application/zip"),
            )
            .mount(&self.blob)
            .await;
    }

    /// The usual base branch: one good run, its artifact, its zip.
    async fn healthy(&self) {
        self.runs(runs_page(1, vec![good_base_run()])).await;
        self.artifacts(artifacts_page(1, vec![artifact_json(ARTIFACT_ID, &artifact(), false, 200)])).await;
        self.download(inventory_zip()).await;
    }

    fn query(&self, run: BaselineRun) -> BaselineQuery {
        BaselineQuery {
            api_url: self.api.uri(),
            repository: Repository::parse("o/r").unwrap_or_else(|| panic!("repository")),
            token: Token::new(TOKEN),
            run_id: RUN_ID,
            run,
            artifact: artifact(),
            limits: FetchLimits::default(),
            http: baseline_http_policy(),
        }
    }

    async fn fetch(&self, query: &BaselineQuery) -> Result<FetchedBaseline, BaselineFetchError> {
        fetch_with(query, &self.dir.path().join("baseline"), &self.clock).await
    }

    async fn fetch_pr(&self) -> Result<FetchedBaseline, BaselineFetchError> {
        self.fetch(&self.query(on_main())).await
    }

    async fn api_requests(&self) -> Vec<wiremock::Request> {
        self.api.received_requests().await.unwrap_or_default()
    }

    async fn blob_requests(&self) -> Vec<wiremock::Request> {
        self.blob.received_requests().await.unwrap_or_default()
    }
}

fn on_main() -> BaselineRun {
    BaselineRun::LatestOnBranch { branch: "main".to_owned() }
}

fn query_of(request: &wiremock::Request, key: &str) -> Option<String> {
    request.url.query_pairs().find(|(k, _)| k == key).map(|(_, v)| v.into_owned())
}

fn lines(requests: &[wiremock::Request]) -> Vec<String> {
    requests.iter().map(|r| format!("{} {}", r.method, r.url.path())).collect()
}

/// The error, after checking that its message shows neither secret.
fn failure(result: Result<FetchedBaseline, BaselineFetchError>) -> BaselineFetchError {
    let error = match result {
        Ok(fetched) => panic!("expected a failure, fetched {fetched:?}"),
        Err(error) => error,
    };
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains(TOKEN) && !shown.contains(SIGNATURE), "{shown}");
    error
}

fn assert_fetched(fetched: &FetchedBaseline) {
    assert_eq!(std::fs::read(&fetched.path).ok().as_deref(), Some(INVENTORY));
    assert_eq!(fetched.path.file_name().and_then(|n| n.to_str()), Some(INVENTORY_MEMBER));
    assert_eq!(fetched.run_id, BASE_RUN);
    assert_eq!(fetched.run_url, format!("https://github.com/o/r/actions/runs/{BASE_RUN}"));
    assert_eq!(fetched.head_sha, BASE_SHA);
    let dir = fetched.path.parent().unwrap_or_else(|| Path::new("/"));
    let left: Vec<_> = std::fs::read_dir(dir).map(|d| d.flatten().map(|e| e.file_name()).collect()).unwrap_or_default();
    assert_eq!(left.len(), 1, "only the inventory is left: {left:?}");
}

#[tokio::test]
async fn a_pull_request_takes_the_latest_successful_push_run_of_its_base_branch() {
    let fake = Fake::new().await;
    // Newest first: a fork's pull request from its own `main`, a same-repository
    // pull request run, then the base branch's own push run.
    let runs = vec![
        run_json(99, "main", "aaaa", "pull_request", "success", "forker/r"),
        run_json(98, "main", "bbbb", "pull_request_target", "success", "o/r"),
        good_base_run(),
    ];
    fake.runs(runs_page(3, runs)).await;
    fake.artifacts(artifacts_page(1, vec![artifact_json(ARTIFACT_ID, &artifact(), false, 200)])).await;
    fake.download(inventory_zip()).await;

    let fetched = fake.fetch_pr().await.unwrap_or_else(|e| panic!("{e}"));
    assert_fetched(&fetched);

    let api = fake.api_requests().await;
    assert_eq!(
        lines(&api),
        [
            format!("GET /repos/o/r/actions/runs/{RUN_ID}"),
            format!("GET /repos/o/r/actions/workflows/{WORKFLOW_ID}/runs"),
            format!("GET /repos/o/r/actions/runs/{BASE_RUN}/artifacts"),
            format!("GET /repos/o/r/actions/artifacts/{ARTIFACT_ID}/zip"),
        ]
    );
    assert_eq!(query_of(&api[1], "branch").as_deref(), Some("main"));
    assert_eq!(query_of(&api[1], "status").as_deref(), Some("success"));
    assert_eq!(query_of(&api[1], "head_sha"), None);
    assert_eq!(query_of(&api[2], "name"), Some(artifact()));
    for request in &api {
        let auth = request.headers.get("authorization").and_then(|v| v.to_str().ok());
        assert_eq!(auth, Some(format!("Bearer {TOKEN}").as_str()), "the API gets the token");
    }
    // The redirect is followed without the token: blob storage is another host.
    let blob = fake.blob_requests().await;
    assert_eq!(blob.len(), 1);
    assert!(blob[0].headers.get("authorization").is_none(), "{:?}", blob[0].headers);
    assert_eq!(query_of(&blob[0], "sig").as_deref(), Some(SIGNATURE.trim_start_matches("sig=")));
    assert!(fake.clock.sleeps().is_empty());
}

#[tokio::test]
async fn a_push_takes_the_run_of_the_commit_before_it_on_the_same_branch() {
    let fake = Fake::new().await;
    let runs = vec![
        // The same commit on another branch is another branch's run.
        run_json(55, "release", BEFORE, "push", "success", "o/r"),
        run_json(BASE_RUN, "main", BEFORE, "push", "success", "o/r"),
    ];
    fake.runs(runs_page(2, runs)).await;
    fake.artifacts(artifacts_page(1, vec![artifact_json(ARTIFACT_ID, &artifact(), false, 200)])).await;
    fake.download(inventory_zip()).await;

    let query = fake.query(BaselineRun::Commit { branch: "main".to_owned(), sha: BEFORE.to_owned() });
    let fetched = fake.fetch(&query).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((fetched.run_id, fetched.head_sha.as_str()), (BASE_RUN, BEFORE));
    let api = fake.api_requests().await;
    assert_eq!(query_of(&api[1], "head_sha").as_deref(), Some(BEFORE));
    assert_eq!(query_of(&api[1], "branch").as_deref(), Some("main"));
}

#[tokio::test]
async fn the_previous_commit_without_a_successful_run_is_no_baseline() {
    let fake = Fake::new().await;
    // GitHub's filter is checked again: a failed run never becomes a baseline.
    fake.runs(runs_page(1, vec![run_json(BASE_RUN, "main", BEFORE, "push", "failure", "o/r")])).await;
    let query = fake.query(BaselineRun::Commit { branch: "main".to_owned(), sha: BEFORE.to_owned() });
    let error = failure(fake.fetch(&query).await);
    assert_eq!(error.class(), FetchClass::NoBaseline, "{error}");
    assert!(matches!(error, BaselineFetchError::NoRun { .. }), "{error:?}");
    assert!(error.to_string().contains("601593ecb1d8"), "{error}");
}

#[tokio::test]
async fn the_run_on_page_two_is_found() {
    let fake = Fake::new().await;
    let page1 = runs_page(
        3,
        vec![
            run_json(99, "main", "aaaa", "pull_request", "success", "forker/r"),
            run_json(98, "main", "bbbb", "push", "success", "forker/r"),
        ],
    );
    let page2 = runs_page(3, vec![good_base_run()]);
    let at = format!("/repos/o/r/actions/workflows/{WORKFLOW_ID}/runs");
    fake.pages(&at, [page1, page2]).await;
    fake.artifacts(artifacts_page(1, vec![artifact_json(ARTIFACT_ID, &artifact(), false, 200)])).await;
    fake.download(inventory_zip()).await;
    let mut query = fake.query(on_main());
    query.limits.per_page = 2;
    let fetched = fake.fetch(&query).await.unwrap_or_else(|e| panic!("{e}"));
    assert_fetched(&fetched);
    let pages: Vec<Option<String>> =
        fake.api_requests().await.iter().filter(|r| r.url.path() == at).map(|r| query_of(r, "page")).collect();
    assert_eq!(pages, [Some("1".to_owned()), Some("2".to_owned())]);
}

#[tokio::test]
async fn the_artifact_on_page_two_is_found_and_the_search_is_bounded() {
    let fake = Fake::new().await;
    fake.runs(runs_page(1, vec![good_base_run()])).await;
    let at = format!("/repos/o/r/actions/runs/{BASE_RUN}/artifacts");
    let page1 = artifacts_page(3, vec![artifact_json(1, "coverage", false, 10), artifact_json(2, "logs", false, 10)]);
    let page2 = artifacts_page(3, vec![artifact_json(ARTIFACT_ID, &artifact(), false, 200)]);
    fake.pages(&at, [page1, page2]).await;
    fake.download(inventory_zip()).await;
    let mut query = fake.query(on_main());
    query.limits.per_page = 2;
    assert_fetched(&fake.fetch(&query).await.unwrap_or_else(|e| panic!("{e}")));

    // A server that always has a next page is read up to the page limit, no further.
    let endless = Fake::new().await;
    Mock::given(method("GET"))
        .and(path(format!("/repos/o/r/actions/workflows/{WORKFLOW_ID}/runs")))
        .respond_with(ResponseTemplate::new(200).set_body_json(runs_page(
            1_000_000,
            vec![
                run_json(7, "main", "a", "pull_request", "success", "o/r"),
                run_json(8, "main", "b", "push", "failure", "o/r"),
            ],
        )))
        .mount(&endless.api)
        .await;
    let mut query = endless.query(on_main());
    query.limits.per_page = 2;
    query.limits.max_pages = 4;
    let error = failure(endless.fetch(&query).await);
    assert!(matches!(error, BaselineFetchError::NoRun { .. }), "{error:?}");
    assert_eq!(endless.api_requests().await.len(), 1 + 4);
}

#[tokio::test]
async fn no_successful_run_no_artifact_and_an_expired_one_are_no_baseline() {
    let fake = Fake::new().await;
    fake.runs(runs_page(0, vec![])).await;
    let error = failure(fake.fetch_pr().await);
    assert!(matches!(error, BaselineFetchError::NoRun { .. }), "{error:?}");
    assert_eq!(error.class(), FetchClass::NoBaseline);

    let fake = Fake::new().await;
    fake.runs(runs_page(1, vec![good_base_run()])).await;
    fake.artifacts(artifacts_page(1, vec![artifact_json(1, "coverage", false, 10)])).await;
    let error = failure(fake.fetch_pr().await);
    assert!(matches!(error, BaselineFetchError::NoArtifact { .. }), "{error:?}");
    assert_eq!(error.class(), FetchClass::NoBaseline);
    assert!(error.to_string().contains(&format!("https://github.com/o/r/actions/runs/{BASE_RUN}")), "{error}");

    let fake = Fake::new().await;
    fake.runs(runs_page(1, vec![good_base_run()])).await;
    fake.artifacts(artifacts_page(1, vec![artifact_json(ARTIFACT_ID, &artifact(), true, 200)])).await;
    fake.download(inventory_zip()).await;
    let error = failure(fake.fetch_pr().await);
    assert!(matches!(error, BaselineFetchError::Expired { .. }), "{error:?}");
    assert_eq!(error.class(), FetchClass::NoBaseline);
    assert!(fake.blob_requests().await.is_empty(), "an expired artifact is not downloaded");
}

#[tokio::test]
async fn a_404_is_no_baseline() {
    let not_found = || {
        ResponseTemplate::new(404).set_body_json(json!({
            "message": "Not Found",
            "documentation_url": "https://docs.github.com/rest/actions/artifacts#download-an-artifact",
            "status": "404"
        }))
    };
    let fake = Fake::new().await;
    fake.runs(runs_page(1, vec![good_base_run()])).await;
    fake.artifacts(artifacts_page(1, vec![artifact_json(ARTIFACT_ID, &artifact(), false, 200)])).await;
    fake.get(&format!("/repos/o/r/actions/artifacts/{ARTIFACT_ID}/zip"), not_found()).await;
    let error = failure(fake.fetch_pr().await);
    assert!(matches!(error, BaselineFetchError::NotFound(_)), "{error:?}");
    assert_eq!(error.class(), FetchClass::NoBaseline);
    assert!(error.to_string().contains("actions: read"), "{error}");
    assert_eq!(fake.api_requests().await.len(), 4, "a 404 is final, not retried");
}

#[tokio::test]
async fn a_corrupt_zip_or_the_wrong_members_are_unusable() {
    let corrupt = b"PK\x03\x04 this is not a zip archive at all".to_vec();
    let mut truncated = inventory_zip();
    truncated.truncate(truncated.len() / 2);
    let mut bad_crc = zip_of(&[(INVENTORY_MEMBER, &[b'x'; 4096])]);
    // Flip a byte of the deflated data: inflating it fails, or the CRC does.
    bad_crc[60] ^= 0xff;
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("garbage", corrupt),
        ("truncated", truncated),
        ("damaged data", bad_crc),
        ("two members", zip_of(&[(INVENTORY_MEMBER, INVENTORY), ("extra.txt", b"x")])),
        ("another member", zip_of(&[("verdict.json", b"{}")])),
        ("a path", zip_of(&[("../inventory.tginv", INVENTORY)])),
        ("no member", zip_of(&[])),
    ];
    for (what, zip) in cases {
        let fake = Fake::new().await;
        fake.runs(runs_page(1, vec![good_base_run()])).await;
        fake.artifacts(artifacts_page(1, vec![artifact_json(ARTIFACT_ID, &artifact(), false, 200)])).await;
        fake.download(zip).await;
        let error = failure(fake.fetch_pr().await);
        assert_eq!(error.class(), FetchClass::Unusable, "{what}: {error}");
        let shown = error.to_string();
        assert!(shown.starts_with("the baseline artifact is unusable"), "{what}: {shown}");
        assert!(!fake.dir.path().join("baseline").join("..").join(INVENTORY_MEMBER).exists(), "{what}");
    }
}

#[tokio::test]
async fn a_zip_too_large_as_listed_as_sent_or_as_unpacked_is_unusable() {
    let limits = FetchLimits { max_zip_bytes: 64 * 1024, max_inventory_bytes: 256 * 1024, ..FetchLimits::default() };

    // As listed: not even downloaded.
    let fake = Fake::new().await;
    fake.runs(runs_page(1, vec![good_base_run()])).await;
    fake.artifacts(artifacts_page(1, vec![artifact_json(ARTIFACT_ID, &artifact(), false, 10 * 1024 * 1024)])).await;
    fake.download(inventory_zip()).await;
    let mut query = fake.query(on_main());
    query.limits = limits.clone();
    let error = failure(fake.fetch(&query).await);
    assert!(matches!(error, BaselineFetchError::TooLarge { .. }), "{error:?}");
    assert!(fake.blob_requests().await.is_empty());

    // As sent (Content-Length), though listed small.
    let big = vec![b'x'; 200_000];
    let fake = Fake::new().await;
    fake.runs(runs_page(1, vec![good_base_run()])).await;
    fake.artifacts(artifacts_page(1, vec![artifact_json(ARTIFACT_ID, &artifact(), false, 200)])).await;
    fake.download(zip_with(zip::CompressionMethod::Stored, &[(INVENTORY_MEMBER, &big)])).await;
    let mut query = fake.query(on_main());
    query.limits = limits.clone();
    let error = failure(fake.fetch(&query).await);
    assert_eq!(error.class(), FetchClass::Unusable, "{error}");
    assert!(error.to_string().contains("Content-Length"), "{error}");

    // As unpacked: a small zip of a large inventory (a zip bomb), declared honestly.
    let zeros = vec![0u8; 4 * 1024 * 1024];
    let bomb = zip_of(&[(INVENTORY_MEMBER, &zeros)]);
    assert!(bomb.len() < 64 * 1024, "{}", bomb.len());
    let fake = Fake::new().await;
    fake.runs(runs_page(1, vec![good_base_run()])).await;
    fake.artifacts(artifacts_page(1, vec![artifact_json(ARTIFACT_ID, &artifact(), false, 200)])).await;
    fake.download(bomb.clone()).await;
    let mut query = fake.query(on_main());
    query.limits = limits.clone();
    let error = failure(fake.fetch(&query).await);
    assert!(matches!(error, BaselineFetchError::TooLarge { .. }), "{error:?}");
    assert!(error.to_string().contains("as the zip declares it"), "{error}");

    // The same bomb declaring a small size in both headers: stopped by what it
    // actually unpacks, and nothing of it is left.
    let lying = lie_about_size(bomb, 100);
    let fake = Fake::new().await;
    fake.runs(runs_page(1, vec![good_base_run()])).await;
    fake.artifacts(artifacts_page(1, vec![artifact_json(ARTIFACT_ID, &artifact(), false, 200)])).await;
    fake.download(lying).await;
    let mut query = fake.query(on_main());
    query.limits = limits;
    let error = failure(fake.fetch(&query).await);
    assert!(matches!(error, BaselineFetchError::TooLarge { .. }), "{error:?}");
    assert!(error.to_string().contains("unpacked so far"), "{error}");
    assert!(!fake.dir.path().join("baseline").join(INVENTORY_MEMBER).exists(), "no partial inventory is left");
}

/// Rewrite the uncompressed size of every local and central header.
fn lie_about_size(mut zip: Vec<u8>, size: u32) -> Vec<u8> {
    let mut patched = 0;
    for (signature, offset) in [(b"PK\x03\x04", 22), (b"PK\x01\x02", 24)] {
        let at = zip.windows(4).position(|w| w == signature).unwrap_or_else(|| panic!("no header"));
        zip[at + offset..at + offset + 4].copy_from_slice(&size.to_le_bytes());
        patched += 1;
    }
    assert_eq!(patched, 2);
    zip
}

#[tokio::test]
async fn a_download_without_content_length_is_cut_at_the_limit() {
    // Blob storage that streams chunks without end and without a length.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap_or_else(|e| panic!("bind: {e}"));
    let address = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
    let server = tokio::spawn(async move {
        let Ok((mut socket, _)) = listener.accept().await else { return 0usize };
        let mut request = [0u8; 4096];
        let _ = socket.read(&mut request).await;
        let mut sent = 0usize;
        if socket.write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n").await.is_err() {
            return sent;
        }
        let chunk = vec![b'z'; 16 * 1024];
        // Bounded: at most 4 MiB, far over the limit, then the end.
        for _ in 0..256 {
            let head = format!("{:x}\r\n", chunk.len());
            let ok = socket.write_all(head.as_bytes()).await.is_ok()
                && socket.write_all(&chunk).await.is_ok()
                && socket.write_all(b"\r\n").await.is_ok();
            if !ok {
                break;
            }
            sent += chunk.len();
        }
        let _ = socket.write_all(b"0\r\n\r\n").await;
        sent
    });
    let fake = Fake::new().await;
    fake.runs(runs_page(1, vec![good_base_run()])).await;
    fake.artifacts(artifacts_page(1, vec![artifact_json(ARTIFACT_ID, &artifact(), false, 200)])).await;
    fake.get(
        &format!("/repos/o/r/actions/artifacts/{ARTIFACT_ID}/zip"),
        ResponseTemplate::new(302).insert_header("location", format!("http://{address}/blob.zip?{SIGNATURE}").as_str()),
    )
    .await;
    let mut query = fake.query(on_main());
    query.limits.max_zip_bytes = 100 * 1024;
    let error = failure(fake.fetch(&query).await);
    assert!(matches!(error, BaselineFetchError::TooLarge { .. }), "{error:?}");
    assert!(error.to_string().contains("downloaded so far"), "{error}");
    let sent = server.await.unwrap_or(0);
    assert!(sent < 4 * 1024 * 1024, "the download stopped early: {sent} bytes sent");
    let kept = std::fs::metadata(fake.dir.path().join("baseline").join("baseline-artifact.zip")).is_ok();
    assert!(!kept, "the partial zip is removed");
}

#[tokio::test]
async fn rate_limits_and_server_errors_are_unavailable_and_bounded_in_time() {
    // A primary rate limit whose reset is an hour away: given up at once.
    let fake = Fake::new().await;
    fake.get(
        &format!("/repos/o/r/actions/workflows/{WORKFLOW_ID}/runs"),
        ResponseTemplate::new(403)
            .insert_header("x-ratelimit-remaining", "0")
            .insert_header("x-ratelimit-reset", "1800003600")
            .set_body_json(json!({"message": "API rate limit exceeded for installation ID 1.", "documentation_url": "https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting"})),
    )
    .await;
    let error = failure(fake.fetch_pr().await);
    assert_eq!(error.class(), FetchClass::Unavailable, "{error}");
    assert!(error.to_string().contains("rate limit"), "{error}");
    assert!(fake.clock.sleeps().is_empty(), "{:?}", fake.clock.sleeps());

    // 429 with Retry-After: retried within the attempts, then given up.
    let fake = Fake::new().await;
    fake.get(
        &format!("/repos/o/r/actions/workflows/{WORKFLOW_ID}/runs"),
        ResponseTemplate::new(429)
            .insert_header("retry-after", "2")
            .set_body_json(json!({"message": "Too Many Requests"})),
    )
    .await;
    let error = failure(fake.fetch_pr().await);
    assert_eq!(error.class(), FetchClass::Unavailable, "{error}");
    let runs_asked = fake.api_requests().await.iter().filter(|r| r.url.path().ends_with("/runs")).count();
    assert_eq!(runs_asked as u32, baseline_http_policy().max_attempts);
    let waited: std::time::Duration = fake.clock.sleeps().iter().sum();
    assert!(waited <= baseline_http_policy().deadline, "{waited:?}");

    // A 5xx throughout, and a token without actions: read.
    for response in [
        ResponseTemplate::new(502).set_body_string("<html>Bad Gateway</html>"),
        ResponseTemplate::new(403).set_body_json(json!({"message": "Resource not accessible by integration"})),
    ] {
        let fake = Fake::new().await;
        fake.get(&format!("/repos/o/r/actions/workflows/{WORKFLOW_ID}/runs"), response).await;
        let error = failure(fake.fetch_pr().await);
        assert_eq!(error.class(), FetchClass::Unavailable, "{error}");
    }

    // Nothing listening at all.
    let fake = Fake::new().await;
    let mut query = fake.query(on_main());
    query.api_url = "http://127.0.0.1:9".to_owned();
    let error = failure(fake.fetch(&query).await);
    assert_eq!(error.class(), FetchClass::Unavailable, "{error}");
}

#[tokio::test]
async fn an_answer_of_the_wrong_shape_is_unavailable_not_a_first_run() {
    let fake = Fake::new().await;
    fake.runs(json!({"message": "unexpected"})).await;
    let error = failure(fake.fetch_pr().await);
    assert!(matches!(error, BaselineFetchError::BadResponse(_)), "{error:?}");
    assert_eq!(error.class(), FetchClass::Unavailable);
}

#[tokio::test]
async fn only_gets_are_sent_and_the_healthy_path_repeats() {
    let fake = Fake::new().await;
    fake.healthy().await;
    for _ in 0..2 {
        assert_fetched(&fake.fetch_pr().await.unwrap_or_else(|e| panic!("{e}")));
    }
    let all = fake.api_requests().await;
    assert_eq!(all.len(), 8);
    assert!(all.iter().all(|r| r.method.as_str() == "GET"), "{:?}", lines(&all));
}

/// The binary, in the environment the action's step has, against the fake.
async fn binary(args: Vec<String>, api_url: String, dir: std::path::PathBuf) -> std::process::Output {
    tokio::task::spawn_blocking(move || {
        let event = dir.join("event.json");
        let payload = json!({
            "action": "synchronize",
            "number": 12,
            "pull_request": {
                "number": 12,
                "head": {"sha": BEFORE, "ref": "feature", "repo": {"full_name": "forker/r", "fork": true}},
                "base": {"sha": BASE_SHA, "ref": "main", "repo": {"full_name": "o/r"}}
            }
        });
        std::fs::write(&event, payload.to_string()).unwrap_or_else(|e| panic!("{e}"));
        std::process::Command::new(env!("CARGO_BIN_EXE_truegreen"))
            .args(&args)
            .env_clear()
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_API_URL", &api_url)
            .env("GITHUB_REPOSITORY", "o/r")
            .env("GITHUB_RUN_ID", RUN_ID.to_string())
            .env("GITHUB_EVENT_NAME", "pull_request")
            .env("GITHUB_EVENT_PATH", &event)
            .env("GITHUB_REF_NAME", "12/merge")
            .env("GITHUB_REF_TYPE", "branch")
            .env("RUNNER_TEMP", &dir)
            .env("TRUEGREEN_GITHUB_TOKEN", TOKEN)
            .output()
            .unwrap_or_else(|e| panic!("truegreen: {e}"))
    })
    .await
    .unwrap_or_else(|e| panic!("join: {e}"))
}

fn text(output: &std::process::Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

/// End to end, as the action runs it on a fork's pull request: the binary
/// names the artifact, then fetches it with the read-only token.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_fetches_the_baseline_from_the_actions_environment() {
    let fake = Fake::new().await;
    fake.healthy().await;
    let dir = fake.dir.path().to_path_buf();
    let name_args = ["baseline", "artifact-name", "--check-name", "truegreen", "--shard", r#"{"os":"ubuntu-latest"}"#];
    let named = binary(name_args.map(str::to_owned).to_vec(), fake.api.uri(), dir.clone()).await;
    let name = String::from_utf8_lossy(&named.stdout).trim().to_owned();
    assert_eq!(name, artifact(), "{}", text(&named));

    let out = dir.join("base.tginv");
    let fetch_args = vec![
        "baseline".into(),
        "fetch".into(),
        "--artifact".into(),
        name,
        "--output".into(),
        out.display().to_string(),
    ];
    let fetched = binary(fetch_args.clone(), fake.api.uri(), dir.clone()).await;
    assert_eq!(fetched.status.code(), Some(0), "{}", text(&fetched));
    assert_eq!(std::fs::read(&out).ok().as_deref(), Some(INVENTORY));
    assert!(text(&fetched).contains(&format!("https://github.com/o/r/actions/runs/{BASE_RUN}")), "{}", text(&fetched));
    assert!(!text(&fetched).contains(TOKEN) && !text(&fetched).contains(SIGNATURE), "{}", text(&fetched));
    let leftovers = std::fs::read_dir(&dir)
        .map(|d| d.flatten().filter(|e| e.file_name().to_string_lossy().starts_with("truegreen-baseline.")).count())
        .unwrap_or(usize::MAX);
    assert_eq!(leftovers, 0, "the temporary directory is removed");
    let api = fake.api_requests().await;
    assert!(api.iter().all(|r| r.method.as_str() == "GET"), "a read-only token is enough");
    assert_eq!(query_of(&api[1], "branch").as_deref(), Some("main"), "the pull request's base branch");

    // No baseline yet: exit 1 and a message; an unusable one: exit 3.
    let first = Fake::new().await;
    first.runs(runs_page(0, vec![])).await;
    let none = binary(fetch_args.clone(), first.api.uri(), first.dir.path().to_path_buf()).await;
    assert_eq!(none.status.code(), Some(1), "{}", text(&none));
    assert!(text(&none).contains("no baseline"), "{}", text(&none));
    let broken = Fake::new().await;
    broken.runs(runs_page(1, vec![good_base_run()])).await;
    broken.artifacts(artifacts_page(1, vec![artifact_json(ARTIFACT_ID, &artifact(), false, 200)])).await;
    broken.download(b"not a zip".to_vec()).await;
    let unusable = binary(fetch_args, broken.api.uri(), broken.dir.path().to_path_buf()).await;
    assert_eq!(unusable.status.code(), Some(3), "{}", text(&unusable));
}

/// A real inventory, written by the binary from a JUnit report of `names`.
fn real_inventory(dir: &std::path::Path, names: &[&str]) -> Vec<u8> {
    let cases: String =
        names.iter().map(|n| format!(r#"<testcase classname="tests.test_api" name="{n}" time="0.01"/>"#)).collect();
    let xml = format!(
        r#"<testsuites><testsuite name="pytest" tests="{}" failures="0" errors="0" skipped="0">{cases}</testsuite></testsuites>"#,
        names.len()
    );
    let report = dir.join("base.xml");
    std::fs::write(&report, xml).unwrap_or_else(|e| panic!("{e}"));
    let inventory = dir.join("made.tginv");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_truegreen"))
        .args(["check", "--color", "never", "--inventory"])
        .arg(&inventory)
        .arg(&report)
        .env_clear()
        .status()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(status.code(), Some(0));
    std::fs::read(inventory).unwrap_or_else(|e| panic!("{e}"))
}

/// `check --baseline auto` as the action's step runs it: the baseline comes
/// from the Actions API, and what the API answers decides only how a missing
/// baseline weighs, never that the check passes when tests vanished.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_with_baseline_auto_catches_a_vanished_test_and_survives_github() {
    let check_args = |dir: &std::path::Path| -> Vec<String> {
        let head = r#"<testsuites><testsuite name="pytest" tests="1" failures="0" errors="0" skipped="0"><testcase classname="tests.test_api" name="test_login" time="0.01"/></testsuite></testsuites>"#;
        std::fs::write(dir.join("head.xml"), head).unwrap_or_else(|e| panic!("{e}"));
        [
            "check",
            "--color",
            "never",
            "--baseline",
            "auto",
            "--baseline-artifact",
            &artifact(),
            "--inventory",
            &dir.join("now.tginv").display().to_string(),
            "--json",
            &dir.join("v.json").display().to_string(),
            &dir.join("head.xml").display().to_string(),
        ]
        .map(str::to_owned)
        .to_vec()
    };
    let codes = |dir: &std::path::Path| -> Vec<(String, String)> {
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("v.json")).unwrap_or_default())
            .unwrap_or(Value::Null);
        doc["findings"]
            .as_array()
            .map(|f| f.iter().map(|f| (f["rule"].to_string(), f["severity"].to_string())).collect())
            .unwrap_or_default()
    };

    // The base branch ran test_login and test_logout; this run lost test_logout.
    let fake = Fake::new().await;
    let dir = fake.dir.path().to_path_buf();
    fake.runs(runs_page(1, vec![good_base_run()])).await;
    fake.artifacts(artifacts_page(1, vec![artifact_json(ARTIFACT_ID, &artifact(), false, 200)])).await;
    fake.download(zip_of(&[(INVENTORY_MEMBER, &real_inventory(&dir, &["test_login", "test_logout"]))])).await;
    let out = binary(check_args(&dir), fake.api.uri(), dir.clone()).await;
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(text(&out).contains("test_logout"), "{}", text(&out));
    assert!(codes(&dir).contains(&("\"TG601\"".into(), "\"discrepancy\"".into())), "{:?}", codes(&dir));
    assert!(dir.join("now.tginv").is_file(), "this run's inventory is written for the next one");

    // A first run: no successful run on the base branch. A warning, and the run's own verdict.
    let first = Fake::new().await;
    first.runs(runs_page(0, vec![])).await;
    let dir = first.dir.path().to_path_buf();
    let out = binary(check_args(&dir), first.api.uri(), dir.clone()).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(codes(&dir), vec![("\"TG604\"".into(), "\"warning\"".into())]);

    // GitHub down: the same verdict as without it.
    let down = Fake::new().await;
    down.get(&format!("/repos/o/r/actions/workflows/{WORKFLOW_ID}/runs"), ResponseTemplate::new(503)).await;
    let dir = down.dir.path().to_path_buf();
    let out = binary(check_args(&dir), down.api.uri(), dir.clone()).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(codes(&dir), vec![("\"TG604\"".into(), "\"warning\"".into())]);

    // A corrupt artifact: never a silent pass.
    let broken = Fake::new().await;
    broken.runs(runs_page(1, vec![good_base_run()])).await;
    broken.artifacts(artifacts_page(1, vec![artifact_json(ARTIFACT_ID, &artifact(), false, 200)])).await;
    broken.download(b"PK\x03\x04 not really".to_vec()).await;
    let dir = broken.dir.path().to_path_buf();
    let out = binary(check_args(&dir), broken.api.uri(), dir.clone()).await;
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert_eq!(codes(&dir), vec![("\"TG605\"".into(), "\"discrepancy\"".into())]);
}

/// One matrix cell's check as the action's shard step runs it: its verdict and
/// inventory in `dir/<n>/`, from a real report of the baseline pairs.
async fn cell(api_url: String, dir: &Path, n: usize, shard: &str, report: &str) {
    let out = dir.join(n.to_string());
    std::fs::create_dir_all(&out).unwrap_or_else(|e| panic!("{e}"));
    let report = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/baseline-pairs").join(report);
    let args = [
        "check",
        "--publish",
        "off",
        "--shard",
        shard,
        "--json",
        &out.join("verdict.json").display().to_string(),
        "--inventory",
        &out.join(INVENTORY_MEMBER).display().to_string(),
        &report.display().to_string(),
    ];
    let done = binary(args.map(str::to_owned).to_vec(), api_url, dir.to_path_buf()).await;
    assert_eq!(done.status.code(), Some(0), "{}", text(&done));
}

/// `gate --baseline auto` as the action's gate step runs it (`mode: gate`,
/// `baseline: auto`): the baseline is the matrix inventory the base branch's
/// gate uploaded under the gate's own artifact name. A cell that left the
/// matrix is caught; no baseline, or GitHub down, leaves the gate's own verdict.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gate_with_baseline_auto_catches_a_cell_that_left_the_matrix() {
    let gate_artifact = artifact_name("truegreen gate", None);
    let gate_args = |dir: &Path, matrix: &str, inventory: &str| -> Vec<String> {
        [
            "gate",
            "--publish",
            "off",
            "--expect-matrix",
            matrix,
            "--baseline",
            "auto",
            "--baseline-artifact",
            &gate_artifact,
            "--inventory",
            &dir.join(inventory).display().to_string(),
            "--json",
            &dir.join("gate.json").display().to_string(),
            &dir.join("cells").display().to_string(),
        ]
        .map(str::to_owned)
        .to_vec()
    };
    let codes = |dir: &Path| -> Vec<(String, String)> {
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("gate.json")).unwrap_or_default())
            .unwrap_or(Value::Null);
        doc["findings"]
            .as_array()
            .map(|f| f.iter().map(|f| (f["rule"].to_string(), f["severity"].to_string())).collect())
            .unwrap_or_default()
    };

    // The base branch's matrix: pytest on linux, go on macos. Its gate wrote
    // the matrix inventory, which the fake serves as the base run's artifact.
    let base = Fake::new().await;
    base.runs(runs_page(0, vec![])).await;
    let dir = base.dir.path().to_path_buf();
    cell(base.api.uri(), &dir.join("cells"), 0, r#"{"os":"linux"}"#, "pytest-no-change/base/report.xml").await;
    cell(base.api.uri(), &dir.join("cells"), 1, r#"{"os":"macos"}"#, "go-no-change/base/report.jsonl").await;
    let out = binary(gate_args(&dir, r#"{"os":["linux","macos"]}"#, "matrix.tginv"), base.api.uri(), dir.clone()).await;
    assert_eq!(out.status.code(), Some(0), "a first run: {}", text(&out));
    assert_eq!(codes(&dir), vec![("\"TG246\"".into(), "\"warning\"".into())]);
    let matrix_inventory = std::fs::read(dir.join("matrix.tginv")).unwrap_or_else(|e| panic!("{e}"));

    // This run dropped the macos cell: go's tests run nowhere now.
    let fake = Fake::new().await;
    fake.runs(runs_page(1, vec![good_base_run()])).await;
    fake.artifacts(artifacts_page(1, vec![artifact_json(ARTIFACT_ID, &gate_artifact, false, 300)])).await;
    fake.download(zip_of(&[(INVENTORY_MEMBER, &matrix_inventory)])).await;
    let dir = fake.dir.path().to_path_buf();
    cell(fake.api.uri(), &dir.join("cells"), 0, r#"{"os":"linux"}"#, "pytest-no-change/head/report.xml").await;
    let out = binary(gate_args(&dir, r#"{"os":["linux"]}"#, "now.tginv"), fake.api.uri(), dir.clone()).await;
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(text(&out).contains("cell os=macos left the matrix"), "{}", text(&out));
    assert!(text(&out).contains("TestEmptyCart"), "go's tests are named: {}", text(&out));
    assert_eq!(codes(&dir), vec![("\"TG244\"".into(), "\"discrepancy\"".into())]);
    assert!(dir.join("now.tginv").is_file(), "this gate's inventory is written for the next one");
    let api = fake.api_requests().await;
    assert!(api.iter().all(|r| r.method.as_str() == "GET"), "a read-only token is enough");

    // GitHub down: the gate's own verdict, and a warning.
    let down = Fake::new().await;
    down.get(&format!("/repos/o/r/actions/workflows/{WORKFLOW_ID}/runs"), ResponseTemplate::new(503)).await;
    let dir = down.dir.path().to_path_buf();
    cell(down.api.uri(), &dir.join("cells"), 0, r#"{"os":"linux"}"#, "pytest-no-change/head/report.xml").await;
    let out = binary(gate_args(&dir, r#"{"os":["linux"]}"#, "now.tginv"), down.api.uri(), dir.clone()).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(codes(&dir), vec![("\"TG246\"".into(), "\"warning\"".into())]);

    // A cell's inventory served as the gate's baseline: unusable, never a pass.
    let wrong = Fake::new().await;
    wrong.runs(runs_page(1, vec![good_base_run()])).await;
    wrong.artifacts(artifacts_page(1, vec![artifact_json(ARTIFACT_ID, &gate_artifact, false, 300)])).await;
    let dir = wrong.dir.path().to_path_buf();
    cell(wrong.api.uri(), &dir.join("cells"), 0, r#"{"os":"linux"}"#, "pytest-no-change/head/report.xml").await;
    let cell_inventory = std::fs::read(dir.join("cells/0").join(INVENTORY_MEMBER)).unwrap_or_else(|e| panic!("{e}"));
    wrong.download(zip_of(&[(INVENTORY_MEMBER, &cell_inventory)])).await;
    let out = binary(gate_args(&dir, r#"{"os":["linux"]}"#, "now.tginv"), wrong.api.uri(), dir.clone()).await;
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert_eq!(codes(&dir), vec![("\"TG247\"".into(), "\"discrepancy\"".into())]);
}
