//! The publishing flags of `truegreen check`, end to end through the binary
//! (no network: these modes make no API call).

// A test may panic: a failed step should fail it loudly (the lints guard input paths).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use assert_cmd::Command;

use common::kane_stream;

struct Dir {
    dir: tempfile::TempDir,
}

impl Dir {
    fn with_report(passed: usize, failed: usize) -> Self {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.path().join("run.ndjson"), kane_stream(passed, failed)).unwrap_or_else(|e| panic!("{e}"));
        Self { dir }
    }

    /// `truegreen check` in the directory, outside GitHub Actions.
    fn check(&self) -> Command {
        let mut cmd = common::bin();
        cmd.current_dir(self.dir.path()).arg("check").arg("--color").arg("never");
        cmd
    }

    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(name)).unwrap_or_default()
    }
}

fn code(cmd: &mut Command) -> (Option<i32>, String, String) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{e}"));
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn outcome_success_over_failing_reports_is_a_discrepancy() {
    let d = Dir::with_report(1, 1);
    let (status, stdout, _) = code(d.check().args(["--outcome", "success", "run.ndjson"]));
    assert_eq!(status, Some(3), "{stdout}");
    assert!(stdout.contains("TG105"), "{stdout}");
}

#[test]
fn outcome_failure_agrees_with_failing_reports() {
    let d = Dir::with_report(1, 1);
    let (status, stdout, _) = code(d.check().args(["--outcome", "failure", "run.ndjson"]));
    assert_eq!(status, Some(1), "{stdout}");
}

#[test]
fn skipped_or_cancelled_never_vouches_for_a_pass() {
    let d = Dir::with_report(2, 0);
    for outcome in ["skipped", "cancelled"] {
        let (status, stdout, _) = code(d.check().args(["--outcome", outcome, "run.ndjson"]));
        assert_eq!(status, Some(3), "{outcome}: {stdout}");
    }
}

#[test]
fn outcome_and_exit_code_conflict() {
    let d = Dir::with_report(1, 0);
    let (status, _, stderr) = code(d.check().args(["--outcome", "success", "--exit-code", "0", "run.ndjson"]));
    assert_eq!(status, Some(2), "{stderr}");
}

#[test]
fn fail_on_discrepancy_passes_an_honest_failure_but_not_a_discrepancy() {
    let d = Dir::with_report(1, 1);
    let (status, _, _) = code(d.check().args(["--fail-on", "discrepancy", "run.ndjson"]));
    assert_eq!(status, Some(0));
    let (status, _, _) = code(d.check().args(["--fail-on", "discrepancy", "--exit-code", "0", "run.ndjson"]));
    assert_eq!(status, Some(3));
}

#[test]
fn a_shard_that_is_not_json_is_a_usage_error() {
    let d = Dir::with_report(1, 0);
    let (status, _, stderr) = code(d.check().args(["--shard", "{os: linux", "run.ndjson"]));
    assert_eq!(status, Some(2));
    assert!(stderr.contains("toJSON(matrix)"), "{stderr}");
}

#[test]
fn the_shard_is_recorded_in_the_verdict_document() {
    let d = Dir::with_report(1, 0);
    let (status, _, _) = code(d.check().args(["--shard", r#"{"os":"linux"}"#, "--json", "v.json", "run.ndjson"]));
    assert_eq!(status, Some(0));
    let doc: serde_json::Value = serde_json::from_str(&d.read("v.json")).unwrap_or_default();
    assert_eq!(doc["context"]["shard"]["os"], "linux");
}

#[test]
fn outside_github_actions_auto_publishes_nothing() {
    let d = Dir::with_report(1, 1);
    let (status, stdout, _) = code(d.check().arg("run.ndjson"));
    assert_eq!(status, Some(1));
    assert!(!stdout.lines().any(|l| l.starts_with("::")), "no workflow commands: {stdout}");
}

#[test]
fn publish_off_still_writes_the_step_outputs() {
    let d = Dir::with_report(1, 1);
    let out = d.dir.path().join("out");
    let summary = d.dir.path().join("summary.md");
    let (status, stdout, _) = code(
        d.check().env("GITHUB_ACTIONS", "true").env("GITHUB_OUTPUT", &out).env("GITHUB_STEP_SUMMARY", &summary).args([
            "--publish",
            "off",
            "run.ndjson",
        ]),
    );
    assert_eq!(status, Some(1));
    assert!(d.read("out").contains("verdict<<ghadelimiter_"), "{}", d.read("out"));
    assert!(d.read("summary.md").is_empty(), "off writes no summary");
    assert!(!stdout.contains("::error"), "{stdout}");
}

#[test]
fn summary_mode_writes_the_summary_and_annotations_without_a_token() {
    let d = Dir::with_report(1, 1);
    let summary = d.dir.path().join("summary.md");
    let (status, stdout, _) =
        code(d.check().env("GITHUB_ACTIONS", "true").env("GITHUB_STEP_SUMMARY", &summary).args([
            "--publish",
            "summary",
            "--check-name",
            "unit tests",
            "run.ndjson",
        ]));
    assert_eq!(status, Some(1));
    assert!(
        d.read("summary.md").starts_with("**unit tests**\n\n## ❌ truegreen: fail (exit 1)"),
        "{}",
        d.read("summary.md")
    );
    assert!(stdout.contains("::error file=run.ndjson,line=1,endLine=1,title=failed%3A "), "{stdout}");
}

#[test]
fn help_documents_the_github_flags() {
    let (status, stdout, _) = code(common::bin().args(["check", "--help"]));
    assert_eq!(status, Some(0));
    for flag in ["--publish", "--check-name", "--fail-on", "--shard", "--commit-status", "--comment", "--outcome"] {
        assert!(stdout.contains(flag), "{flag} in --help");
    }
}

#[test]
fn comment_takes_auto_or_off() {
    let d = Dir::with_report(1, 0);
    let (status, _, _) = code(d.check().args(["--comment", "off", "run.ndjson"]));
    assert_eq!(status, Some(0));
    let (status, _, stderr) = code(d.check().args(["--comment", "always", "run.ndjson"]));
    assert_eq!(status, Some(2), "{stderr}");
}
