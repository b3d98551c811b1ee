//! The false greens in `shared/seeds`, reproduced with real processes.
#![cfg(unix)] // the commands under test are shell scripts

mod common;

use std::path::{Path, PathBuf};

use common::{HOUR, TestResult, age, findings, fixture, rule_codes, truegreen, verdict};

/// my_hypervisor issue 44: a runner loops over suites with `bash "$suite" || rc=$?`;
/// a suite under `set -e` dies before `export_results`, and the runner, adding up
/// the result files it finds, prints ALL TESTS PASSED.
const HELPERS: &str = r#"
PASS=0; FAIL=0
test_ok() { PASS=$((PASS+1)); }
# Like my_hypervisor's test_end: returns non-zero on a failure, which `set -e` turns into an exit.
test_fail() { FAIL=$((FAIL+1)); return 1; }
export_results() {
  mkdir -p results
  printf 'total=%d\npassed=%d\nfailed=%d\nskipped=0\n' $((PASS+FAIL)) "$PASS" "$FAIL" > "results/$1.results"
}
"#;

const RUNNER: &str = r#"#!/bin/bash
# The runner pattern of the seed, with each suite run through truegreen.
TOTAL_FAIL=0
for suite in unit vm net; do
  suite_rc=0
  "$TRUEGREEN" run --ledger results/ledger.jsonl --suite "$suite" -- bash "tests/suite_$suite.sh" || suite_rc=$?
  if [ -s "results/$suite.results" ]; then
    TOTAL_FAIL=$((TOTAL_FAIL + $(sed -n 's/^failed=//p' "results/$suite.results")))
  fi
done
# The seed's bug: only the result files count.
[ "$TOTAL_FAIL" -eq 0 ] && echo "ALL TESTS PASSED"
exit 0
"#;

fn write_runner(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir.join("tests"))?;
    std::fs::write(dir.join("tests/helpers.sh"), HELPERS)?;
    let suite = |body: &str, name: &str| format!("set -e\n. tests/helpers.sh\n{body}\nexport_results {name}\n");
    std::fs::write(dir.join("tests/suite_unit.sh"), suite("test_ok; test_ok", "unit"))?;
    // The second test fails; `set -e` stops the suite before it exports anything.
    std::fs::write(dir.join("tests/suite_vm.sh"), suite("test_ok\ntest_fail\ntest_ok", "vm"))?;
    std::fs::write(dir.join("tests/suite_net.sh"), suite("test_ok; test_ok; test_ok", "net"))?;
    std::fs::write(dir.join("run_tests.sh"), RUNNER)?;
    std::fs::write(
        dir.join(".truegreen.yml"),
        "suites:\n  unit: {reports: [results/unit.results]}\n  vm: {reports: [results/vm.results]}\n  net: {reports: [results/net.results]}\n",
    )
}

#[test]
fn my_hypervisor_suite_crashing_before_export_fails_the_ledger_check() -> TestResult {
    let dir = tempfile::tempdir()?;
    write_runner(dir.path())?;
    let bin = assert_cmd::cargo::cargo_bin("truegreen");
    let mut runner = std::process::Command::new("bash");
    for name in common::ambient_vars() {
        runner.env_remove(name);
    }
    let runner = runner.arg("run_tests.sh").current_dir(dir.path()).env("TRUEGREEN", &bin).output()?;
    // The runner itself is fooled, exactly as in the seed.
    assert!(String::from_utf8_lossy(&runner.stdout).contains("ALL TESTS PASSED"));
    assert!(!dir.path().join("results/vm.results").exists(), "the vm suite must die before exporting");

    let json = dir.path().join("verdict.json");
    let out =
        truegreen(dir.path()).args(["check", "--ledger", "results/ledger.jsonl", "--json"]).arg(&json).output()?;
    assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stdout));
    let doc = verdict(&json)?;
    let crashed = findings(&doc, "TG221");
    assert_eq!(crashed.len(), 1, "{:?}", rule_codes(&doc));
    assert_eq!(crashed[0]["message"], "suite \"vm\" exited 1 and wrote no report");
    assert!(String::from_utf8_lossy(&out.stdout).contains("suite \"vm\" exited 1"));
    // The two suites that did export are read and pass.
    assert_eq!(doc["totals"]["derived"]["passed"], 5);
    Ok(())
}

#[test]
fn my_hypervisor_runner_passes_once_the_suite_exports_from_an_exit_trap() -> TestResult {
    let dir = tempfile::tempdir()?;
    write_runner(dir.path())?;
    // The seed's fix: export on EXIT, so a suite stopped by `set -e` still reports.
    let fixed = "set -e\n. tests/helpers.sh\ntrap 'export_results vm' EXIT\ntest_ok\ntest_fail\ntest_ok\n";
    std::fs::write(dir.path().join("tests/suite_vm.sh"), fixed)?;
    for suite in ["unit", "vm", "net"] {
        truegreen(dir.path())
            .args(["run", "--ledger", "results/ledger.jsonl", "--suite", suite, "--"])
            .args(["bash", &format!("tests/suite_{suite}.sh")])
            .output()?;
    }
    let json = dir.path().join("verdict.json");
    let out =
        truegreen(dir.path()).args(["check", "--ledger", "results/ledger.jsonl", "--json"]).arg(&json).output()?;
    let doc = verdict(&json)?;
    // Now the failure is on record: an honest failure, not a discrepancy.
    assert_eq!(out.status.code(), Some(1), "{:?}", rule_codes(&doc));
    assert_eq!(doc["totals"]["derived"]["failed"], 1);
    Ok(())
}

#[test]
fn fbi_stale_result_json_from_a_previous_run_with_the_same_id_is_stale() -> TestResult {
    let dir = tempfile::tempdir()?;
    let state = dir.path().join("runs/7/state");
    std::fs::create_dir_all(&state)?;
    // Run 1 of id 7 (scenario env-echo) exits 0 and writes its result.
    let write = r#"echo '{"exit_code": 0, "scenario": "env-echo"}' > runs/7/state/result.json"#;
    let first = truegreen(dir.path()).args(["run", "runs/7/state/result.json", "--", "sh", "-c", write]).output()?;
    assert!(!rule_codes_of_stdout(&first.stdout).contains(&"TG301".to_owned()));
    // Later, run 2 reuses id 7 (SQLite rowid reuse). Its container hangs and is
    // SIGKILLed before writing; the directory could not be cleaned (EBUSY).
    age(&state.join("result.json"), HOUR)?;
    let json = dir.path().join("verdict.json");
    let out = truegreen(dir.path())
        .args(["run", "--json"])
        .arg(&json)
        .args(["runs/7/state/result.json", "--", "sh", "-c", "kill -KILL $$"])
        .output()?;
    assert_eq!(out.status.code(), Some(3));
    let doc = verdict(&json)?;
    let stale = findings(&doc, "TG301");
    assert_eq!(stale.len(), 1, "{:?}", rule_codes(&doc));
    assert_eq!(stale[0]["artifact"], "runs/7/state/result.json");
    assert!(stale[0]["message"].as_str().unwrap_or_default().contains("before the run started"));
    assert_eq!(doc["context"]["exit_code"], 137, "death by SIGKILL is recorded as 128 + 9");
    Ok(())
}

/// Reads the codes a terminal report names (`DISCREPANCY TG301 ...`).
fn rule_codes_of_stdout(stdout: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().nth(1).filter(|w| w.starts_with("TG")).map(str::to_owned))
        .collect()
}

/// `truegreen run` over a command that prints `stream` as kane does and exits 0;
/// the output and where the verdict document was written.
fn kane_exiting_0(dir: &Path, stream: &[u8]) -> std::io::Result<(std::process::Output, PathBuf)> {
    std::fs::write(dir.join("capture.ndjson"), stream)?;
    let json = dir.join("verdict.json");
    let out = truegreen(dir)
        .args(["run", "--stdout-format", "kane", "--json"])
        .arg(&json)
        .args(["--", "sh", "-c", "cat capture.ndjson; exit 0"])
        .output()?;
    Ok((out, json))
}

#[test]
fn kane_exit_0_with_a_failed_step_is_a_discrepancy_under_run() -> TestResult {
    let dir = tempfile::tempdir()?;
    let capture = std::fs::read(fixture("kane/captures/corpus/t7-cart_discount-author.ndjson"))?;
    let (out, json) = kane_exiting_0(dir.path(), &capture)?;
    assert_eq!(out.status.code(), Some(3));
    // stdout is shown byte for byte before the report.
    assert!(out.stdout.starts_with(&capture), "the stream must be teed unchanged");
    let doc = verdict(&json)?;
    let contradiction = findings(&doc, "TG105");
    assert_eq!(contradiction.len(), 1, "{:?}", rule_codes(&doc));
    assert!(contradiction[0]["message"].as_str().unwrap_or_default().starts_with("the command exited 0"));
    assert_eq!(doc["artifacts"][0]["path"], "(stdout)");
    assert_eq!(doc["artifacts"][0]["format"], "kane");
    Ok(())
}

#[test]
fn kane_issue_93_passed_summary_over_a_failed_step_is_caught_twice() -> TestResult {
    let dir = tempfile::tempdir()?;
    // The shape of issue 93: readonly_fallback, summary `passed` with steps.failed 1, exit 0.
    let stream = [
        r#"{"type":"test_md_step_start","step_index":7,"heading":"checkout total"}"#,
        r#"{"type":"test_md_step_end","step_index":7,"status":"failed"}"#,
        r#"{"type":"test_md_summary","overall_status":"passed","steps":{"passed":0,"failed":1,"skipped":1},"commit":{"committed":false,"reason":"readonly_fallback"}}"#,
        r#"{"type":"test_md_done","overall_status":"passed","session_id":"s-93"}"#,
    ]
    .join("\n");
    let (out, json) = kane_exiting_0(dir.path(), stream.as_bytes())?;
    assert_eq!(out.status.code(), Some(3));
    let codes = rule_codes(&verdict(&json)?);
    assert!(codes.contains(&"TG101".to_owned()) && codes.contains(&"TG105".to_owned()), "{codes:?}");
    Ok(())
}

#[test]
fn nextest_junit_left_behind_by_a_compile_error_is_stale() -> TestResult {
    let dir = tempfile::tempdir()?;
    let root = dir.path();
    std::fs::create_dir_all(root.join("src"))?;
    std::fs::create_dir_all(root.join(".config"))?;
    std::fs::write(root.join("Cargo.toml"), "[package]\nname = \"seed\"\nversion = \"0.1.0\"\nedition = \"2021\"\n")?;
    std::fs::write(root.join(".config/nextest.toml"), "[profile.ci.junit]\npath = \"junit.xml\"\n")?;
    let junit = root.join("target/nextest/ci/junit.xml");
    let nextest = std::process::Command::new("cargo").args(["nextest", "--version"]).output();
    let real_nextest = nextest.is_ok_and(|o| o.status.success());
    let test_command: Vec<&str> = if real_nextest {
        // Run 1 (yesterday): the crate builds, nextest writes junit.xml.
        std::fs::write(root.join("src/lib.rs"), "#[test]\nfn adds() { assert_eq!(1 + 1, 2); }\n")?;
        let first = std::process::Command::new("cargo")
            .args(["nextest", "run", "--profile", "ci"])
            .current_dir(root)
            .env("CARGO_TARGET_DIR", root.join("target"))
            .output()?;
        assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
        vec!["cargo", "nextest", "run", "--profile", "ci"]
    } else {
        // Without cargo-nextest, yesterday's junit.xml is the real one in the fixtures
        // and today's build failure comes from `cargo test`.
        eprintln!("cargo-nextest is not installed: using the nextest fixture and `cargo test`");
        std::fs::create_dir_all(root.join("target/nextest/ci"))?;
        std::fs::copy(fixture("formats/nextest_junit.xml"), &junit)?;
        vec!["cargo", "test"]
    };
    age(&junit, 24 * HOUR)?;
    // Run 2 (today): a compile error stops the build before any test runs.
    std::fs::write(root.join("src/lib.rs"), "#[test]\nfn adds() { assert_eq!(one + 1, 2); }\n")?;
    let json = root.join("verdict.json");
    let out = truegreen(root)
        .env("CARGO_TARGET_DIR", root.join("target"))
        .args(["run", "--json"])
        .arg(&json)
        .arg("target/nextest/ci/junit.xml")
        .arg("--")
        .args(&test_command)
        .output()?;
    assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stdout));
    let doc = verdict(&json)?;
    let stale = findings(&doc, "TG301");
    assert_eq!(stale.len(), 1, "{:?}", rule_codes(&doc));
    assert_eq!(stale[0]["artifact"], "target/nextest/ci/junit.xml");
    assert_ne!(doc["context"]["exit_code"], 0, "the build failed");
    Ok(())
}
