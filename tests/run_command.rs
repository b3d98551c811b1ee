//! `truegreen run`: the command's exit status, signals and start time reach the check.

// A test may panic: a failed step should fail it loudly (the lints guard input paths).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
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
    // The directory does not exist: the capture cannot be written, an I/O error.
    assert_eq!(out?.status.code(), Some(4));
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
fn a_command_that_cannot_start_is_an_environment_error_naming_it() -> TestResult {
    let dir = tempfile::tempdir()?;
    let out = truegreen(dir.path())
        .args(["run", "--ledger", "ledger.jsonl", "--suite", "vm", "unit.results", "--", "./no-such-tool", "--flag"])
        .output()?;
    assert_eq!(out.status.code(), Some(4));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot start `./no-such-tool --flag`"), "{stderr}");
    // The ledger remembers the attempt, so the suite check fails it.
    let out = truegreen(dir.path()).args(["check", "--ledger", "ledger.jsonl"]).output()?;
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stdout).contains("suite \"vm\" could not be started"));
    Ok(())
}

#[test]
fn a_usage_error_never_stops_the_command_from_running() -> TestResult {
    let dir = tempfile::tempdir()?;
    let bad: [&[&str]; 3] = [
        &["--exit-code", "0", "r.xml"],
        &["--since", "2026-01-01T00:00:00Z", "r.xml"],
        // --ledger needs --suite to name the record.
        &["--ledger", "l.jsonl", "r.xml"],
    ];
    for (i, flags) in bad.iter().enumerate() {
        let marker = format!("ran-{i}");
        let out = truegreen(dir.path()).arg("run").args(*flags).args(["--", "touch", &marker]).output()?;
        assert_eq!(out.status.code(), Some(2), "{flags:?}");
        assert!(dir.path().join(&marker).exists(), "{flags:?}: the command did not run");
        assert!(String::from_utf8_lossy(&out.stderr).contains("the command ran and exited 0"), "{flags:?}");
    }
    // A broken configuration: the suite runs, its run is recorded, then the error.
    std::fs::write(dir.path().join(".truegreen.yml"), "no-such-key: 1\n")?;
    let out = truegreen(dir.path())
        .args(["run", "--ledger", "l.jsonl", "--suite", "s", "--", "touch", "ran-config"])
        .output()?;
    assert_eq!(out.status.code(), Some(2));
    assert!(dir.path().join("ran-config").exists());
    assert!(std::fs::read_to_string(dir.path().join("l.jsonl"))?.contains("\"suite\":\"s\""));
    let out = truegreen(dir.path()).args(["run", "r.xml", "true"]).output()?;
    assert_eq!(out.status.code(), Some(2), "the command must follow `--`");
    Ok(())
}

#[test]
fn with_no_report_named_the_reports_the_command_wrote_are_checked() -> TestResult {
    let dir = tempfile::tempdir()?;
    std::fs::create_dir_all(dir.path().join("results"))?;
    std::fs::write(dir.path().join("results/old.results"), "total=1\npassed=0\nfailed=1\n")?;
    std::fs::write(dir.path().join("notes.txt"), "not a report\n")?;
    let script = "echo 'total=2\npassed=2\nfailed=0' > results/vm.results; echo log > build.log";
    let out = truegreen(dir.path())
        .args(["run", "--ledger", "results/ledger.jsonl", "--suite", "vm", "--", "sh", "-c", script])
        .output()?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    // The failing report from before the run is not this run's; the log is no report.
    assert!(stderr.contains("the command wrote results/vm.results\n"), "{stderr}");
    let ledger = std::fs::read_to_string(dir.path().join("results/ledger.jsonl"))?;
    assert!(ledger.contains("\"reports\":[\"vm.results\"]"), "{ledger}");
    // A run that writes nothing is no pass, and the ledger check names the suite.
    let out = truegreen(dir.path())
        .args(["run", "--ledger", "results/ledger.jsonl", "--suite", "net", "--", "sh", "-c", "exit 1"])
        .output()?;
    assert_eq!(out.status.code(), Some(3));
    let out = truegreen(dir.path()).args(["check", "--ledger", "results/ledger.jsonl", "--color", "never"]).output()?;
    assert_eq!(out.status.code(), Some(3));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("TG221") && stdout.contains("suite \"net\" exited 1 and wrote no report"), "{stdout}");
    Ok(())
}

/// The fenced block after `<!-- NAME -->` in the README.
fn readme_block(name: &str) -> String {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap_or_default();
    let start = doc.find(&format!("<!-- {name} -->")).unwrap_or_else(|| panic!("no {name} block in the README"));
    let rest = &doc[start..];
    let open = rest.find("```").unwrap_or(0);
    let body = open + rest[open..].find('\n').unwrap_or(0) + 1;
    let close = body + rest[body..].find("\n```").unwrap_or(0);
    rest[body..close].to_owned()
}

#[test]
fn the_readme_ledger_commands_work_as_written_with_no_configuration() -> TestResult {
    let script = readme_block("readme-ledger-example");
    let work = tempfile::tempdir()?;
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/crashed-shell-suite/tests");
    std::fs::create_dir_all(work.path().join("tests"))?;
    std::fs::create_dir_all(work.path().join("results"))?;
    for suite in ["unit", "vm"] {
        let name = format!("suite_{suite}.sh");
        std::fs::copy(example.join(&name), work.path().join("tests").join(&name))?;
    }
    let bin = assert_cmd::cargo::cargo_bin("truegreen");
    let bin_dir = bin.parent().ok_or("no bin dir")?;
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    let mut cmd = std::process::Command::new("bash");
    cmd.arg("-c").arg(&script).current_dir(work.path()).env("PATH", path);
    cmd.env("GIT_CEILING_DIRECTORIES", work.path().parent().unwrap_or(work.path()));
    for name in common::ambient_vars() {
        cmd.env_remove(name);
    }
    let out = cmd.output()?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!work.path().join(".truegreen.yml").exists());
    assert!(stdout.contains("suite \"vm\" exited 1 and wrote no report"), "{stdout}");
    assert!(stdout.contains("check exit 3"), "{stdout}");
    // The suite that passed is in the ledger with the report it wrote.
    let ledger = std::fs::read_to_string(work.path().join("results/ledger.jsonl"))?;
    assert!(ledger.contains("\"suite\":\"unit\"") && ledger.contains("unit.results"), "{ledger}");
    Ok(())
}
