//! `truegreen run`: the command's exit status, signals and start time reach the check.
#![cfg(unix)] // the commands under test are shell scripts

mod common;

use std::io::Read;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use common::{HOUR, TestResult, age, findings, rule_codes, truegreen, verdict};

const PASSING: &str = "total=2\npassed=2\nfailed=0\n";

#[test]
fn a_report_older_than_the_run_is_a_discrepancy() -> TestResult {
    let dir = tempfile::tempdir()?;
    std::fs::write(dir.path().join("unit.results"), PASSING)?;
    age(&dir.path().join("unit.results"), 2 * HOUR)?;
    let json = dir.path().join("verdict.json");
    // The command succeeds and writes nothing: the passing report is from before.
    let out = truegreen(dir.path()).args(["run", "--json"]).arg(&json).args(["unit.results", "--", "true"]).output()?;
    assert_eq!(out.status.code(), Some(3));
    let doc = verdict(&json)?;
    assert_eq!(rule_codes(&doc), vec!["TG301"]);
    let message = findings(&doc, "TG301")[0]["message"].as_str().unwrap_or_default().to_owned();
    assert!(message.contains(", 2 h 0 min before the run started at "), "{message}");
    assert!(doc["context"]["since"].is_string(), "the run's start is recorded");

    // The same report rewritten by the command is fresh, and passes.
    let script = format!("printf '{}' > unit.results", PASSING.replace('\n', "\\n"));
    let out = truegreen(dir.path()).args(["run", "unit.results", "--", "sh", "-c", &script]).output()?;
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    Ok(())
}

#[test]
fn check_since_applies_the_same_rule() -> TestResult {
    let dir = tempfile::tempdir()?;
    std::fs::write(dir.path().join("unit.results"), PASSING)?;
    age(&dir.path().join("unit.results"), 2 * HOUR)?;
    let since = (chrono::Utc::now() - chrono::Duration::minutes(5)).to_rfc3339();
    truegreen(dir.path()).args(["check", "--since", &since, "unit.results"]).assert().code(3);
    truegreen(dir.path()).args(["check", "unit.results"]).assert().code(0);
    let out = truegreen(dir.path()).args(["check", "--since", "yesterday", "unit.results"]).output()?;
    assert_eq!(out.status.code(), Some(2), "an unreadable --since is a usage error");
    Ok(())
}

#[test]
fn a_child_killed_by_a_signal_fails_and_the_ledger_records_the_signal() -> TestResult {
    let dir = tempfile::tempdir()?;
    // The report passes, then the process dies: the report cannot be the whole story.
    let script = format!("printf '{}' > unit.results; kill -KILL $$", PASSING.replace('\n', "\\n"));
    let json = dir.path().join("verdict.json");
    let out = truegreen(dir.path())
        .args(["run", "--ledger", "ledger.jsonl", "--suite", "unit", "--json"])
        .arg(&json)
        .args(["unit.results", "--", "sh", "-c", &script])
        .output()?;
    assert_eq!(out.status.code(), Some(3));
    let doc = verdict(&json)?;
    assert_eq!(doc["context"]["exit_code"], 137);
    assert!(rule_codes(&doc).contains(&"TG105".to_owned()), "{:?}", rule_codes(&doc));
    assert!(String::from_utf8_lossy(&out.stderr).contains("killed by signal 9"));

    let record: serde_json::Value =
        serde_json::from_str(std::fs::read_to_string(dir.path().join("ledger.jsonl"))?.trim())?;
    assert_eq!(record["schema"], "truegreen.ledger.v1");
    assert_eq!(record["suite"], "unit");
    assert_eq!(record["exit_status"], 137);
    assert_eq!(record["signal"], 9);
    assert_eq!(record["reports"], serde_json::json!(["unit.results"]));
    assert_eq!(record["argv"][0], "sh");

    // And `check --ledger` fails the suite: it died, yet its report shows no failure.
    let out = truegreen(dir.path()).args(["check", "--ledger", "ledger.jsonl"]).output()?;
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stdout).contains("suite \"unit\" was killed by signal 9"));
    Ok(())
}

/// Wait until `path` exists; the child writes it once its traps are set.
fn wait_for(path: &Path) -> bool {
    for _ in 0..1000 {
        if path.exists() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    false
}

fn forwarded(signal: &str) -> TestResult {
    let dir = tempfile::tempdir()?;
    // The child traps the signal, writes what it got and exits 99; left alone it
    // gives up after about 20 s, so a lost signal fails the test instead of hanging it.
    let script = format!(
        "trap 'echo {signal} > got; exit 99' {signal}; echo > ready; i=0; while [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done"
    );
    let bin = assert_cmd::cargo::cargo_bin("truegreen");
    let mut child = std::process::Command::new(bin);
    for name in common::ambient_vars() {
        child.env_remove(name);
    }
    let mut child = child
        .current_dir(dir.path())
        .args(["run", "--stdout-format", "kane", "--", "sh", "-c", &script])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    assert!(wait_for(&dir.path().join("ready")), "the child never started");
    let kill = std::process::Command::new("kill").args([&format!("-{signal}"), &child.id().to_string()]).status()?;
    assert!(kill.success());
    let status = child.wait()?;
    let mut stderr = String::new();
    if let Some(mut e) = child.stderr.take() {
        e.read_to_string(&mut stderr)?;
    }
    assert_eq!(std::fs::read_to_string(dir.path().join("got"))?.trim(), signal, "the signal reached the child");
    assert!(stderr.contains("the command exited 99"), "{stderr}");
    // truegreen survived the signal to report: nothing was audited, so exit 3.
    assert_eq!(status.code(), Some(3));
    Ok(())
}

#[test]
fn sigterm_is_forwarded_to_the_child() -> TestResult {
    forwarded("TERM")
}

#[test]
fn sigint_sent_to_truegreen_is_forwarded_to_the_child() -> TestResult {
    forwarded("INT")
}

#[test]
fn stdout_is_shown_but_not_audited_without_stdout_format() -> TestResult {
    let dir = tempfile::tempdir()?;
    let script = format!("echo hello; printf '{}' > unit.results", PASSING.replace('\n', "\\n"));
    let out = truegreen(dir.path()).args(["run", "unit.results", "--", "sh", "-c", &script]).output()?;
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.starts_with(b"hello\n"));
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(!report.contains("(stdout)"), "stdout is not an artifact: {report}");
    Ok(())
}

#[test]
fn stdout_file_keeps_the_capture_and_lists_it_in_the_ledger() -> TestResult {
    let dir = tempfile::tempdir()?;
    let stream = std::fs::read(common::fixture("kane/captures/corpus/t2-home_cta-author.ndjson"))?;
    std::fs::write(dir.path().join("capture.ndjson"), &stream)?;
    let out = truegreen(dir.path())
        .args(["run", "--stdout-format", "kane", "--stdout-file", "out/kane.ndjson"])
        .args(["--ledger", "ledger.jsonl", "--suite", "e2e", "--", "sh", "-c", "cat capture.ndjson"])
        .output();
    // The directory does not exist: the capture cannot be written, a usage error.
    assert_eq!(out?.status.code(), Some(2));
    std::fs::create_dir(dir.path().join("out"))?;
    let out = truegreen(dir.path())
        .args(["run", "--stdout-format", "kane", "--stdout-file", "out/kane.ndjson"])
        .args(["--ledger", "ledger.jsonl", "--suite", "e2e", "--", "sh", "-c", "cat capture.ndjson"])
        .output()?;
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(std::fs::read(dir.path().join("out/kane.ndjson"))?, stream);
    truegreen(dir.path()).args(["check", "--ledger", "ledger.jsonl"]).assert().code(0);
    Ok(())
}

#[test]
fn a_command_that_cannot_start_is_a_usage_error_naming_it() -> TestResult {
    let dir = tempfile::tempdir()?;
    let out = truegreen(dir.path())
        .args(["run", "--ledger", "ledger.jsonl", "--suite", "vm", "unit.results", "--", "./no-such-tool", "--flag"])
        .output()?;
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot start `./no-such-tool --flag`"), "{stderr}");
    // The ledger remembers the attempt, so the suite check fails it.
    let out = truegreen(dir.path()).args(["check", "--ledger", "ledger.jsonl"]).output()?;
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stdout).contains("suite \"vm\" could not be started"));
    Ok(())
}

#[test]
fn flags_run_sets_itself_and_empty_requests_are_refused() -> TestResult {
    let dir = tempfile::tempdir()?;
    for flags in [&["--exit-code", "0"][..], &["--since", "2026-01-01T00:00:00Z"][..]] {
        let out = truegreen(dir.path()).arg("run").args(flags).args(["r.xml", "--", "true"]).output()?;
        assert_eq!(out.status.code(), Some(2), "{flags:?}");
    }
    let out = truegreen(dir.path()).args(["run", "--", "true"]).output()?;
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing to check after the command"));
    let out = truegreen(dir.path()).args(["run", "r.xml", "true"]).output()?;
    assert_eq!(out.status.code(), Some(2), "the command must follow `--`");
    let out = truegreen(dir.path()).args(["run", "--ledger", "l.jsonl", "r.xml", "--", "true"]).output()?;
    assert_eq!(out.status.code(), Some(2), "--ledger needs --suite");
    Ok(())
}
