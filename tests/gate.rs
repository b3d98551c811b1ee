//! `truegreen gate` as a new user meets it: the real binary over verdict
//! documents written by the real `truegreen check --shard ... --json ...` on
//! kane streams, and the documented examples run as written.

// A test may panic: a failed step should fail it loudly (the lints guard input paths).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

use common::shared_fixtures;

/// Environment the tests set explicitly; anything CI itself exports is removed.
fn truegreen(env: &[(&str, &str)]) -> Command {
    let mut cmd = common::bin();
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd
}

/// The environment of one job of run 42 on commit `abc1234def`.
fn job_env(attempt: &'static str) -> Vec<(&'static str, &'static str)> {
    vec![("GITHUB_SHA", "abc1234def"), ("GITHUB_RUN_ID", "42"), ("GITHUB_RUN_ATTEMPT", attempt)]
}

struct Streams {
    passed: PathBuf,
    failed: PathBuf,
    cancelled: PathBuf,
    _dir: tempfile::TempDir,
}

/// Copies of real kane captures: a passing run, a failing run that names its
/// test file (so it has a replay command), and a run cut off mid-step as a
/// cancelled job leaves it.
fn streams() -> Streams {
    let spike = shared_fixtures("kane/captures/spike");
    let dir = tempfile::tempdir().expect("tempdir");
    let passed = dir.path().join("passed.ndjson");
    std::fs::copy(spike.join("t3-replay-passed.ndjson"), &passed).expect("copy");
    let failed_src = std::fs::read_to_string(spike.join("t3-replay-failed.ndjson")).expect("read");
    let failed = dir.path().join("failed.ndjson");
    std::fs::write(
        &failed,
        format!("{{\"type\":\"test_md_bundle_sync\",\"status\":\"ok\",\"path\":\"tests/cart_test.md\"}}\n{failed_src}"),
    )
    .expect("write");
    let passed_src = std::fs::read_to_string(&passed).expect("read");
    let cancelled = dir.path().join("cancelled.ndjson");
    std::fs::write(&cancelled, passed_src.lines().take(60).collect::<Vec<_>>().join("\n") + "\n").expect("write");
    Streams { passed, failed, cancelled, _dir: dir }
}

/// Run the real `truegreen check --shard SHARD --json OUT STREAM` as a shard job would.
fn check_shard(stream: &Path, shard: &str, out: &Path, env: &[(&str, &str)]) -> i32 {
    std::fs::create_dir_all(out.parent().expect("parent")).expect("mkdir");
    let output = truegreen(env)
        .args(["check", "--color", "never", "--shard", shard, "--json"])
        .arg(out)
        .arg(stream)
        .output()
        .expect("run check");
    assert!(out.is_file(), "check wrote no verdict: {}", String::from_utf8_lossy(&output.stderr));
    output.status.code().expect("exit code")
}

struct Gate {
    code: i32,
    stdout: String,
    stderr: String,
    doc: Value,
}

impl Gate {
    fn rules(&self) -> Vec<String> {
        common::distinct_rule_codes(&self.doc)
    }

    fn states(&self) -> Vec<(String, String)> {
        self.doc["cells"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|c| {
                        (c["label"].as_str().unwrap_or("").to_owned(), c["state"].as_str().unwrap_or("").to_owned())
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

fn gate(args: &[&str], env: &[(&str, &str)]) -> Gate {
    let dir = tempfile::tempdir().expect("tempdir");
    let json = dir.path().join("gate.json");
    let output =
        truegreen(env).args(["gate", "--color", "never", "--json"]).arg(&json).args(args).output().expect("run gate");
    Gate {
        code: output.status.code().expect("exit code"),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        doc: std::fs::read_to_string(&json).ok().and_then(|s| serde_json::from_str(&s).ok()).unwrap_or(Value::Null),
    }
}

const MATRIX_3X2: &str = r#"{"os": ["linux", "macos", "windows"], "node": [18, 20]}"#;

fn cells_3x2() -> Vec<(String, String)> {
    let mut cells = Vec::new();
    for os in ["linux", "macos", "windows"] {
        for node in [18, 20] {
            cells.push((format!("{os}-{node}"), format!(r#"{{"os": "{os}", "node": {node}}}"#)));
        }
    }
    cells
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

#[test]
fn all_cells_passing_exits_0() {
    let streams = streams();
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, shard) in cells_3x2() {
        let out = dir.path().join(&name).join("verdict.json");
        assert_eq!(check_shard(&streams.passed, &shard, &out, &job_env("1")), 0);
    }
    let g = gate(&["--expect-matrix", MATRIX_3X2, s(dir.path())], &job_env("1"));
    assert_eq!(g.code, 0, "{}{}", g.stdout, g.stderr);
    assert!(g.rules().is_empty(), "{:?}", g.rules());
    assert!(g.stdout.contains("All 6 expected cell(s) passed"), "{}", g.stdout);
    assert_eq!(g.doc["schema"], "truegreen.gate.v1");
    assert_eq!(g.doc["totals"]["passed"], 6);
}

#[test]
fn leaving_out_one_shards_verdict_exits_3_and_names_the_cell() {
    let streams = streams();
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, shard) in cells_3x2().into_iter().filter(|(n, _)| n != "macos-18") {
        check_shard(&streams.passed, &shard, &dir.path().join(&name).join("verdict.json"), &job_env("1"));
    }
    let g = gate(&["--expect-matrix", MATRIX_3X2, s(dir.path())], &job_env("1"));
    assert_eq!(g.code, 3, "{}", g.stdout);
    assert_eq!(g.rules(), ["TG230"]);
    assert!(g.stdout.contains("cell os=macos, node=18: no verdict"), "{}", g.stdout);
    assert!(g.stdout.contains("missing            os=macos, node=18"), "{}", g.stdout);
}

#[test]
fn the_3x2_matrix_with_a_missing_a_duplicated_a_stale_and_a_cancelled_cell() {
    let streams = streams();
    let dir = tempfile::tempdir().expect("tempdir");
    let v = |name: &str| dir.path().join(name).join("verdict.json");
    let env = job_env("1");
    let cells = cells_3x2();
    check_shard(&streams.passed, &cells[0].1, &v("linux-18"), &env);
    // Two jobs both claim linux/20.
    check_shard(&streams.passed, &cells[1].1, &v("linux-20"), &env);
    check_shard(&streams.passed, &cells[1].1, &v("linux-20-again"), &env);
    // macos/18 uploaded nothing. macos/20's verdict is left over from another commit.
    let old = [("GITHUB_SHA", "0ld0ld0ld0"), ("GITHUB_RUN_ID", "41"), ("GITHUB_RUN_ATTEMPT", "1")];
    check_shard(&streams.passed, &cells[3].1, &v("macos-20"), &old);
    // windows/18 was cancelled mid-run; windows/20 failed honestly.
    assert_eq!(check_shard(&streams.cancelled, &cells[4].1, &v("windows-18"), &env), 3);
    assert_eq!(check_shard(&streams.failed, &cells[5].1, &v("windows-20"), &env), 1);

    let needs = r#"{"test": {"result": "cancelled", "outputs": {}}}"#;
    let g = gate(&["--expect-matrix", MATRIX_3X2, "--needs", needs, s(dir.path())], &env);
    assert_eq!(g.code, 3, "{}", g.stdout);
    assert_eq!(g.rules(), ["TG230", "TG231", "TG233", "TG235", "TG237", "TG238"], "{}", g.stdout);
    let want: Vec<(String, String)> = [
        ("os=linux, node=18", "pass"),
        ("os=linux, node=20", "duplicate"),
        ("os=macos, node=18", "missing"),
        ("os=macos, node=20", "stale"),
        ("os=windows, node=18", "discrepancy"),
        ("os=windows, node=20", "fail"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(g.states(), want);
    assert!(g.stdout.contains("TG005"), "the cancelled cell's own finding is carried up: {}", g.stdout);
    assert!(g.stdout.contains("is from commit 0ld0ld0ld0, not abc1234def"), "{}", g.stdout);
    assert!(g.stdout.contains("job `test` was cancelled"), "{}", g.stdout);
    assert!(
        g.stdout.contains(
            "  cell os=windows, node=20\n    replay: kane-cli testmd run tests/cart_test.md --agent --headless"
        ),
        "{}",
        g.stdout
    );
}

#[test]
fn a_rerun_of_a_failed_cell_supersedes_it() {
    let streams = streams();
    let dir = tempfile::tempdir().expect("tempdir");
    let matrix = r#"{"os": ["linux", "macos"]}"#;
    check_shard(&streams.passed, r#"{"os": "linux"}"#, &dir.path().join("a1-linux/verdict.json"), &job_env("1"));
    check_shard(&streams.failed, r#"{"os": "macos"}"#, &dir.path().join("a1-macos/verdict.json"), &job_env("1"));
    let g = gate(&["--expect-matrix", matrix, s(dir.path())], &job_env("2"));
    assert_eq!(g.code, 1, "{}", g.stdout);
    // "Re-run failed jobs": attempt 2 re-runs macos only, and it passes.
    check_shard(&streams.passed, r#"{"os": "macos"}"#, &dir.path().join("a2-macos/verdict.json"), &job_env("2"));
    let g = gate(&["--expect-matrix", matrix, s(dir.path())], &job_env("2"));
    assert_eq!(g.code, 0, "{}", g.stdout);
    assert!(g.stdout.lines().any(|l| l.starts_with("  pass (retried)") && l.contains("os=macos")), "{}", g.stdout);
}

#[test]
fn workflow_mode_expands_include_and_exclude_and_names_expressions() {
    let streams = streams();
    let dir = tempfile::tempdir().expect("tempdir");
    let workflow = dir.path().join("ci.yml");
    std::fs::write(
        &workflow,
        r#"
on: push
jobs:
  test:
    runs-on: ${{ matrix.os }}
    strategy:
      matrix:
        os: [ubuntu-latest, windows-latest]
        python: ["3.12", "3.13"]
        exclude:
          - os: windows-latest
            python: "3.12"
        include:
          - os: ubuntu-latest
            python: "3.14"
            experimental: true
    steps: [{run: "true"}]
  dynamic:
    strategy:
      matrix: ${{ fromJSON(needs.setup.outputs.matrix) }}
    runs-on: ubuntu-latest
    steps: [{run: "true"}]
"#,
    )
    .expect("write");
    let verdicts = dir.path().join("verdicts");
    let shards = [
        r#"{"os": "ubuntu-latest", "python": "3.12"}"#,
        r#"{"os": "ubuntu-latest", "python": "3.13"}"#,
        r#"{"os": "windows-latest", "python": "3.13"}"#,
        r#"{"python": "3.14", "experimental": true, "os": "ubuntu-latest"}"#,
    ];
    for (i, shard) in shards.iter().enumerate() {
        check_shard(&streams.passed, shard, &verdicts.join(format!("{i}/verdict.json")), &job_env("1"));
    }
    let args = ["--workflow", s(&workflow), "--job", "test", s(&verdicts)];
    let g = gate(&args, &job_env("1"));
    assert_eq!(g.code, 0, "{}{}", g.stdout, g.stderr);
    assert_eq!(g.doc["expected"]["count"], 4);

    let g = gate(&["--workflow", s(&workflow), "--job", "dynamic", s(&verdicts)], &job_env("1"));
    assert_eq!(g.code, 2);
    assert!(g.stderr.contains("jobs.dynamic.strategy.matrix"), "{}", g.stderr);
    assert!(g.stderr.contains("${{ fromJSON(needs.setup.outputs.matrix) }}"), "{}", g.stderr);
    assert!(g.stderr.contains("--expect-matrix"), "{}", g.stderr);
}

#[test]
fn a_cell_whose_values_differ_only_in_type_is_unexpected_and_explained() {
    let streams = streams();
    let dir = tempfile::tempdir().expect("tempdir");
    check_shard(&streams.passed, r#"{"node": "18"}"#, &dir.path().join("a/verdict.json"), &job_env("1"));
    let g = gate(&["--expect-matrix", r#"{"node": [18]}"#, s(dir.path())], &job_env("1"));
    assert_eq!(g.code, 3);
    assert_eq!(g.rules(), ["TG230", "TG232"]);
    assert!(g.stdout.contains("only in value types"), "{}", g.stdout);
}

#[test]
fn check_records_the_shard_and_the_run() {
    let streams = streams();
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("v.json");
    check_shard(&streams.passed, r#"{"os": "linux", "node": 20}"#, &out, &job_env("3"));
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&out).expect("read")).expect("json");
    let context = &doc["context"];
    assert_eq!(context["shard"], serde_json::json!({"os": "linux", "node": 20}));
    assert_eq!(
        (&context["commit"], &context["run_id"], &context["run_attempt"]),
        (&"abc1234def".into(), &"42".into(), &"3".into())
    );

    let output = truegreen(&job_env("3"))
        .args(["check", "--run-attempt", "5", "--json"])
        .arg(&out)
        .arg(&streams.passed)
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0));
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&out).expect("read")).expect("json");
    assert_eq!(doc["context"]["run_attempt"], "5");

    for bad in ["{not json", "[1, 2]", "null", "\"linux\""] {
        let output = truegreen(&[]).args(["check", "--shard", bad]).arg(&streams.passed).output().expect("run");
        assert_eq!(output.status.code(), Some(2), "--shard {bad}");
    }
    let output = truegreen(&[]).args(["check", "--run-attempt", "0"]).arg(&streams.passed).output().expect("run");
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn unreadable_and_tampered_verdicts_are_discrepancies() {
    let streams = streams();
    let dir = tempfile::tempdir().expect("tempdir");
    let good = dir.path().join("linux/verdict.json");
    check_shard(&streams.passed, r#"{"os": "linux"}"#, &good, &job_env("1"));
    // A failing shard's document edited to claim a pass.
    let forged = dir.path().join("macos/verdict.json");
    check_shard(&streams.failed, r#"{"os": "macos"}"#, &forged, &job_env("1"));
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(&forged).expect("read")).expect("json");
    doc["status"] = "pass".into();
    doc["exit_code"] = 0.into();
    std::fs::write(&forged, doc.to_string()).expect("write");
    // Half a document, named explicitly.
    let half = dir.path().join("half.json");
    let text = std::fs::read_to_string(&good).expect("read");
    std::fs::write(&half, &text[..text.len() / 2]).expect("write");
    // Notes in a scanned directory are ignored, not read.
    std::fs::write(dir.path().join("linux/notes.txt"), "hello").expect("write");

    let matrix = r#"{"os": ["linux", "macos"]}"#;
    let g = gate(
        &["--expect-matrix", matrix, s(&dir.path().join("linux")), s(&dir.path().join("macos")), s(&half)],
        &job_env("1"),
    );
    assert_eq!(g.code, 3, "{}", g.stdout);
    assert_eq!(g.rules(), ["TG234", "TG236"], "{}", g.stdout);
    assert!(g.stdout.contains("half.json"), "{}", g.stdout);
    assert!(g.stdout.contains("status says pass, but its findings and counts say fail"), "{}", g.stdout);
    assert_eq!(g.doc["ignored"].as_array().map(Vec::len), Some(1));

    let g =
        gate(&["--expect-matrix", matrix, s(&dir.path().join("nope")), s(&dir.path().join("*.xml"))], &job_env("1"));
    assert_eq!(g.code, 3);
    assert!(g.rules().contains(&"TG234".to_owned()));
}

#[test]
fn needs_alone_is_alls_green_and_cancelled_is_never_a_pass() {
    let run = |needs: &str, extra: &[&str]| {
        let mut args = vec!["--needs", needs];
        args.extend_from_slice(extra);
        gate(&args, &[])
    };
    assert_eq!(run(r#"{"a": {"result": "success"}, "b": {"result": "success"}}"#, &[]).code, 0);
    assert_eq!(run(r#"{"a": {"result": "failure"}}"#, &[]).code, 1);
    assert_eq!(run(r#"{"a": {"result": "failure"}}"#, &["--allow-failure", "a"]).code, 0);
    assert_eq!(run(r#"{"a": {"result": "skipped"}}"#, &[]).code, 3);
    assert_eq!(run(r#"{"a": {"result": "skipped"}}"#, &["--allow-skip", r#"["a"]"#]).code, 0);
    let cancelled = run(r#"{"a": {"result": "cancelled"}}"#, &["--allow-failure", "a", "--allow-skip", "a"]);
    assert_eq!((cancelled.code, cancelled.rules()), (3, vec!["TG238".to_owned()]));
    assert_eq!(run(r#"{"a": {"result": "weird"}}"#, &[]).code, 3);
    assert_eq!(run("{}", &[]).code, 2);
    assert_eq!(run(r#"{"a": {"result": "success"}}"#, &["--allow-failure", "b"]).code, 2);
}

#[test]
fn usage_errors_exit_2() {
    let g = gate(&["some/dir"], &[]);
    assert_eq!(g.code, 2);
    assert!(g.stderr.contains("which cells to expect"), "{}", g.stderr);
    assert_eq!(gate(&[], &[]).code, 2);
    assert_eq!(gate(&["--expect-count", "2", "--expect-matrix", "{}", "x"], &[]).code, 2);
    assert_eq!(gate(&["--expect-count", "0", "x"], &[]).code, 2);
    assert_eq!(gate(&["--expect-matrix", "{", "x"], &[]).code, 2);
    let g = gate(&["--expect-matrix", r#"{"os": ["a"], "exclude": [{"arch": "x"}]}"#, "x"], &[]);
    assert_eq!(g.code, 2);
    assert!(g.stderr.contains("exclude key `arch`"), "{}", g.stderr);
}

#[test]
fn markdown_summary_and_links() {
    let streams = streams();
    let dir = tempfile::tempdir().expect("tempdir");
    check_shard(&streams.failed, r#"{"os": "linux"}"#, &dir.path().join("l/verdict.json"), &job_env("1"));
    let md = dir.path().join("summary.md");
    let mut env = job_env("1");
    env.extend([("GITHUB_SERVER_URL", "https://github.com"), ("GITHUB_REPOSITORY", "octo/repo")]);
    let g = gate(&["--expect-count", "1", "--markdown", s(&md), s(dir.path())], &env);
    assert_eq!(g.code, 1, "{}", g.stdout);
    let summary = std::fs::read_to_string(&md).expect("summary");
    assert!(summary.starts_with("## ❌ truegreen gate: fail (exit 1)"), "{summary}");
    assert!(summary.contains("[run](https://github.com/octo/repo/actions/runs/42/attempts/1)"), "{summary}");
    assert!(summary.contains("kane-cli testmd run tests/cart_test.md --agent --headless"), "{summary}");
}

/// The fenced block after `<!-- NAME -->` in docs/gate.md.
fn doc_block(name: &str) -> String {
    block_in("docs/gate.md", name)
}

/// The fenced block after `<!-- NAME -->` in a file of the repository.
fn block_in(file: &str, name: &str) -> String {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(file)).expect(file);
    let start = doc.find(&format!("<!-- {name} -->")).unwrap_or_else(|| panic!("no {name} block in {file}"));
    let rest = &doc[start..];
    let open = rest.find("```").expect("fence");
    let body_start = rest[open..].find('\n').expect("fence line") + open + 1;
    let close = rest[body_start..].find("\n```").expect("closing fence") + body_start;
    rest[body_start..close].to_owned()
}

#[test]
fn the_documented_local_example_works_as_written() {
    run_local_example(&doc_block("gate-local-example"));
}

#[test]
fn the_readme_matrix_example_works_as_written() {
    run_local_example(&block_in("README.md", "readme-gate-example"));
}

fn run_local_example(script: &str) {
    let bin = assert_cmd::cargo::cargo_bin("truegreen");
    let bin_dir = bin.parent().expect("bin dir");
    let work = tempfile::tempdir().expect("tempdir");
    // The example runs from the repository root; give it the example it names.
    let example = "examples/honest-pass/checkout.ndjson";
    std::fs::create_dir_all(work.path().join("examples/honest-pass")).expect("mkdir");
    std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join(example), work.path().join(example)).expect("copy");
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    let mut cmd = std::process::Command::new("bash");
    cmd.arg("-c").arg(script).current_dir(work.path()).env("PATH", path);
    for name in common::ambient_vars() {
        cmd.env_remove(name);
    }
    let output = cmd.output().expect("bash");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}{}", String::from_utf8_lossy(&output.stderr));
    let first = stdout.find("gate exit 3").expect("first gate exits 3");
    assert!(stdout[..first].contains("cell os=windows: no verdict"), "{stdout}");
    assert!(stdout[first..].contains("gate exit 0"), "{stdout}");
}

#[test]
fn the_documented_workflow_expects_the_cells_its_jobs_run() {
    let streams = streams();
    let dir = tempfile::tempdir().expect("tempdir");
    let workflow = dir.path().join("ci.yml");
    std::fs::write(&workflow, doc_block("gate-workflow-example")).expect("write");
    // The cells GitHub runs for that matrix, as toJSON(matrix) prints them.
    let shards = [
        r#"{"os": "ubuntu-latest", "node": 20}"#,
        r#"{"os": "ubuntu-latest", "node": 22}"#,
        r#"{"os": "macos-latest", "node": 20}"#,
        r#"{"os": "macos-latest", "node": 22}"#,
        r#"{"os": "windows-latest", "node": 22}"#,
        r#"{"os": "ubuntu-latest", "node": 24, "experimental": true}"#,
    ];
    let verdicts = dir.path().join("verdicts");
    for (i, shard) in shards.iter().enumerate() {
        let out = verdicts.join(format!("truegreen-verdict-{i}-attempt-1/verdict.json"));
        check_shard(&streams.passed, shard, &out, &job_env("1"));
    }
    let needs = r#"{"test": {"result": "success", "outputs": {}}}"#;
    let args = ["--workflow", s(&workflow), "--job", "test", "--needs", needs, s(&verdicts)];
    let g = gate(&args, &job_env("1"));
    assert_eq!(g.code, 0, "{}{}", g.stdout, g.stderr);
    assert_eq!(g.doc["expected"]["count"], 6);

    std::fs::remove_dir_all(verdicts.join("truegreen-verdict-4-attempt-1")).expect("remove");
    let g = gate(&args, &job_env("1"));
    assert_eq!(g.code, 3);
    assert!(g.stdout.contains("cell os=windows-latest, node=22: no verdict"), "{}", g.stdout);
}

#[test]
fn a_cell_whose_failures_are_all_waived_passes_the_gate() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("results")).expect("mkdir");
    std::fs::write(dir.path().join("results/vm.results"), "passed=4\nfailed=3\n").expect("write");
    let expires = (chrono::Utc::now().date_naive() + chrono::Duration::days(10)).to_string();
    let waiver = format!(
        "waivers:\n  - {{id: \"results/vm.results::*\", owner: alice, reason: vm image rebuild, expires: {expires}}}\n"
    );
    let run_check = |config: &str, out: &str| {
        std::fs::write(dir.path().join(".truegreen.yml"), config).expect("write config");
        let output = truegreen(&job_env("1"))
            .current_dir(dir.path())
            .args(["check", "--color", "never", "--shard", r#"{"os": "linux"}"#, "--json", out, "results"])
            .output()
            .expect("run check");
        output.status.code().expect("exit code")
    };
    let verdicts = dir.path().join("verdicts");
    assert_eq!(run_check(&waiver, "verdicts/waived.json"), 0);
    let g = gate(&["--expect-matrix", r#"{"os": ["linux"]}"#, s(&verdicts)], &job_env("1"));
    assert_eq!(g.code, 0, "{}{}", g.stdout, g.stderr);
    let counted = &g.doc["cells"][0]["verdicts"][0];
    assert_eq!((&counted["status"], &counted["failed"], &counted["waived"]), (&"pass".into(), &0.into(), &3.into()));

    // Without the waiver the same cell fails honestly, with the record's three cases.
    std::fs::remove_file(verdicts.join("waived.json")).expect("remove");
    assert_eq!(run_check("{}\n", "verdicts/failed.json"), 1);
    let g = gate(&["--expect-matrix", r#"{"os": ["linux"]}"#, s(&verdicts)], &job_env("1"));
    assert_eq!(g.code, 1, "{}{}", g.stdout, g.stderr);
    assert_eq!(g.doc["cells"][0]["failed"], 3);
}
