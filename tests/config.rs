//! `.truegreen.yml`: expectations, floor, waivers and quarantine, replay templates.

mod common;

use std::path::Path;

use common::{TestResult, findings, fixture, rule_codes, truegreen, verdict};

/// A kane stream with one failed step: `test_md run #1::step 5: Step 5 — assert
/// the total is ten percent below the subtotal`.
const KANE_FAILING: &str = "kane/captures/corpus/t7-cart_discount-author.ndjson";
const FAILED_STEP: &str = "*assert the total is ten percent below the subtotal";

fn day(offset: i64) -> String {
    (chrono::Utc::now().date_naive() + chrono::Duration::days(offset)).to_string()
}

fn setup(config: &str) -> Result<tempfile::TempDir, Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    std::fs::copy(fixture(KANE_FAILING), dir.path().join("cart.ndjson"))?;
    std::fs::write(dir.path().join(".truegreen.yml"), config)?;
    Ok(dir)
}

fn waiver(section: &str, created: i64, expires: i64) -> String {
    format!(
        "{section}:\n  - id: \"{FAILED_STEP}\"\n    owner: alice\n    reason: discount service migration\n    created: {}\n    expires: {}\n",
        day(created),
        day(expires)
    )
}

fn check(dir: &Path, args: &[&str]) -> Result<(Option<i32>, serde_json::Value, String), Box<dyn std::error::Error>> {
    let json = dir.join("verdict.json");
    let out = truegreen(dir).arg("check").args(args).arg("--json").arg(&json).output()?;
    Ok((out.status.code(), verdict(&json)?, String::from_utf8_lossy(&out.stdout).into_owned()))
}

#[test]
fn a_waiver_that_expired_yesterday_fails_naming_the_waiver_and_its_owner() -> TestResult {
    let dir = setup(&waiver("waivers", -10, -1))?;
    let (code, doc, stdout) = check(dir.path(), &["cart.ndjson"])?;
    assert_eq!(code, Some(3));
    let expired = findings(&doc, "TG401");
    assert_eq!(expired.len(), 1, "{:?}", rule_codes(&doc));
    let message = expired[0]["message"].as_str().unwrap_or_default();
    assert!(
        message.starts_with(&format!("waiver \"{FAILED_STEP}\" (owner: alice) expired on {}", day(-1))),
        "{message}"
    );
    assert!(stdout.contains("(owner: alice) expired on"));
    // The expired waiver no longer covers the failure: it fails the run too.
    assert_eq!(doc["totals"]["waived"], 0);
    assert!(stdout.contains("FAILED test_md run #1::step 5"));
    Ok(())
}

#[test]
fn an_active_waiver_keeps_the_failure_out_of_the_verdict_and_shows_it() -> TestResult {
    let dir = setup(&waiver("waivers", -1, 10))?;
    let (code, doc, stdout) = check(dir.path(), &["cart.ndjson"])?;
    assert_eq!(code, Some(0), "{stdout}");
    assert_eq!(doc["totals"]["waived"], 1);
    assert_eq!(rule_codes(&doc), vec!["TG410"]);
    let failure = &doc["artifacts"][0]["failures"][0];
    assert_eq!(failure["waived"], format!("waiver \"{FAILED_STEP}\" (owner: alice, until {})", day(10)));
    assert!(stdout.contains("WAIVED test_md run #1::step 5"), "{stdout}");
    // Quarantine works the same way.
    std::fs::write(dir.path().join(".truegreen.yml"), waiver("quarantine", -1, 10))?;
    let (code, _, _) = check(dir.path(), &["cart.ndjson"])?;
    assert_eq!(code, Some(0));
    Ok(())
}

#[test]
fn waiver_lifetimes_are_policed() -> TestResult {
    // 60 days is longer than the default 30.
    let dir = setup(&waiver("waivers", -1, 59))?;
    let (code, doc, _) = check(dir.path(), &["cart.ndjson"])?;
    assert_eq!(code, Some(3));
    assert_eq!(findings(&doc, "TG402").len(), 1, "{:?}", rule_codes(&doc));
    // max-waiver-days in the file is stricter.
    std::fs::write(dir.path().join(".truegreen.yml"), format!("max-waiver-days: 7\n{}", waiver("waivers", -1, 8)))?;
    let (code, doc, _) = check(dir.path(), &["cart.ndjson"])?;
    assert_eq!(code, Some(3));
    assert_eq!(findings(&doc, "TG402").len(), 1);
    // Expiring in 2 days: a warning, and the waiver still applies.
    std::fs::write(dir.path().join(".truegreen.yml"), waiver("waivers", -1, 2))?;
    let (code, doc, _) = check(dir.path(), &["cart.ndjson"])?;
    assert_eq!(code, Some(0));
    assert_eq!(findings(&doc, "TG404").len(), 1);
    // A waiver matching nothing is worth a warning.
    let unused = "waivers:\n  - {id: \"nope::gone\", owner: bob, reason: fixed, expires: 2999-01-01}\n";
    std::fs::write(dir.path().join(".truegreen.yml"), format!("max-waiver-days: 400000\n{unused}"))?;
    let (code, doc, _) = check(dir.path(), &["cart.ndjson"])?;
    assert_eq!(code, Some(1), "the failure is not waived");
    assert_eq!(findings(&doc, "TG411").len(), 1, "{:?}", rule_codes(&doc));
    Ok(())
}

#[test]
fn an_unknown_key_is_a_usage_error_naming_it_and_config_overrides_the_default() -> TestResult {
    let dir = setup("min_tests: 3\n")?;
    let out = truegreen(dir.path()).args(["check", "cart.ndjson"]).output()?;
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("unknown field `min_tests`") && stderr.contains(".truegreen.yml"), "{stderr}");
    // --config replaces the default path entirely.
    std::fs::write(dir.path().join("ci.yml"), "min-tests: 1\n")?;
    let out = truegreen(dir.path()).args(["check", "--config", "ci.yml", "cart.ndjson"]).output()?;
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    // A named configuration must exist; failing to read it is an I/O error (4).
    let out = truegreen(dir.path()).args(["check", "--config", "missing.yml", "cart.ndjson"]).output()?;
    assert_eq!(out.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.yml"));
    // `run` still runs the command with a broken configuration, then reports it.
    let out = truegreen(dir.path()).args(["run", "cart.ndjson", "--", "sh", "-c", "echo ran > ran"]).output()?;
    assert_eq!(out.status.code(), Some(2));
    assert!(dir.path().join("ran").exists(), "a usage error never stops the command under test");
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown field `min_tests`"));
    Ok(())
}

#[test]
fn a_missing_expected_report_fails_even_when_everything_present_passes() -> TestResult {
    let dir = tempfile::tempdir()?;
    std::fs::write(dir.path().join("unit.results"), "passed=3\nfailed=0\n")?;
    let (code, _, _) = check(dir.path(), &["unit.results"])?;
    assert_eq!(code, Some(0));
    let (code, doc, _) = check(dir.path(), &["--expect", "results/*.xml", "unit.results"])?;
    assert_eq!(code, Some(3));
    assert_eq!(findings(&doc, "TG223")[0]["message"], "expected report results/*.xml (--expect) was not found");
    // The same from the configuration, with no path on the command line.
    std::fs::write(dir.path().join(".truegreen.yml"), "expect: [unit.results, integration.results]\n")?;
    let (code, doc, _) = check(dir.path(), &[])?;
    assert_eq!(code, Some(3));
    assert_eq!(rule_codes(&doc), vec!["TG223"]);
    assert_eq!(doc["totals"]["executed"], 3, "the expected report that exists is read");
    // An empty expected report is a discrepancy too (TG002).
    std::fs::write(dir.path().join("integration.results"), "")?;
    let (code, doc, _) = check(dir.path(), &[])?;
    assert_eq!(code, Some(3));
    assert_eq!(rule_codes(&doc), vec!["TG002"]);
    Ok(())
}

#[test]
fn suites_minimums_and_allow_empty() -> TestResult {
    let dir = tempfile::tempdir()?;
    std::fs::create_dir(dir.path().join("r"))?;
    std::fs::write(dir.path().join("r/vm.results"), "passed=2\nfailed=0\n")?;
    std::fs::write(dir.path().join("r/win.results"), "passed=0\nfailed=0\nskipped=4\n")?;
    let config = "suites:\n  vm: {reports: [r/vm.results], min-tests: 5}\n  win: {reports: [r/win.results]}\n";
    std::fs::write(dir.path().join(".truegreen.yml"), config)?;
    let (code, doc, _) = check(dir.path(), &[])?;
    assert_eq!(code, Some(3));
    assert_eq!(findings(&doc, "TG225")[0]["message"], "suite \"vm\" executed 2 case(s), fewer than its min-tests of 5");
    assert_eq!(findings(&doc, "TG201").len(), 1, "win ran nothing: {:?}", rule_codes(&doc));
    let config = "suites:\n  vm: {reports: [r/vm.results], min-tests: 2}\n  win: {reports: [r/win.results], allow-empty: true}\n";
    std::fs::write(dir.path().join(".truegreen.yml"), config)?;
    let (code, doc, _) = check(dir.path(), &[])?;
    assert_eq!(code, Some(0), "{:?}", rule_codes(&doc));
    Ok(())
}

#[test]
fn the_floor_follows_a_baseline_verdict() -> TestResult {
    let dir = tempfile::tempdir()?;
    std::fs::write(dir.path().join("unit.results"), "passed=10\nfailed=0\n")?;
    let (code, _, _) = check(dir.path(), &["unit.results"])?;
    assert_eq!(code, Some(0));
    std::fs::rename(dir.path().join("verdict.json"), dir.path().join("baseline.json"))?;
    std::fs::write(dir.path().join(".truegreen.yml"), "floor: {percent: 90, baseline: baseline.json}\n")?;
    std::fs::write(dir.path().join("unit.results"), "passed=8\nfailed=0\n")?;
    let (code, doc, _) = check(dir.path(), &["unit.results"])?;
    assert_eq!(code, Some(3));
    let floor = findings(&doc, "TG224");
    assert!(floor[0]["message"].as_str().unwrap_or_default().starts_with("8 case(s) executed, below the floor of 9"));
    std::fs::write(dir.path().join("unit.results"), "passed=9\nfailed=0\n")?;
    assert_eq!(check(dir.path(), &["unit.results"])?.0, Some(0));
    std::fs::write(dir.path().join(".truegreen.yml"), "floor: 12\n")?;
    assert_eq!(check(dir.path(), &["unit.results"])?.0, Some(3));
    std::fs::write(dir.path().join(".truegreen.yml"), "floor: {percent: 90, baseline: gone.json}\n")?;
    let (code, doc, _) = check(dir.path(), &["unit.results"])?;
    assert_eq!(code, Some(3));
    assert!(findings(&doc, "TG224")[0]["message"].as_str().unwrap_or_default().contains("cannot be checked"));
    Ok(())
}

#[test]
fn a_stale_copy_merged_in_conflicts_with_the_fresh_report() -> TestResult {
    let dir = setup("")?;
    std::fs::create_dir(dir.path().join("old"))?;
    // Yesterday's copy of the same run, where step 5 still passed.
    let fresh = std::fs::read_to_string(dir.path().join("cart.ndjson"))?;
    let old = fresh.replace(r#""step_index":5,"status":"failed""#, r#""step_index":5,"status":"passed""#);
    assert_ne!(old, fresh, "the fixture must have step 5 failing");
    std::fs::write(dir.path().join("old/cart.ndjson"), old)?;
    let (code, doc, _) = check(dir.path(), &["cart.ndjson", "old/cart.ndjson"])?;
    assert_eq!(code, Some(3));
    let conflict = findings(&doc, "TG305");
    assert_eq!(conflict.len(), 1, "{:?}", rule_codes(&doc));
    let message = conflict[0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("in old/cart.ndjson: test_md run #1::step 5"), "{message}");
    // The same file named twice is read once, and agrees with itself.
    let (code, doc, _) = check(dir.path(), &["cart.ndjson", "./cart.ndjson", "*.ndjson"])?;
    assert_eq!(code, Some(1), "{:?}", rule_codes(&doc));
    assert_eq!(doc["artifacts"].as_array().map(Vec::len), Some(2), "the stream and the configuration");
    Ok(())
}

#[test]
fn replay_templates_are_filled_per_format() -> TestResult {
    let dir = setup("replay:\n  kane: \"kane-cli testmd run carts/cart_test.md --step {name}\"\n")?;
    let (code, doc, stdout) = check(dir.path(), &["cart.ndjson"])?;
    assert_eq!(code, Some(1));
    let replay = doc["artifacts"][0]["failures"][0]["replay"].as_str().unwrap_or_default();
    assert_eq!(
        replay,
        "kane-cli testmd run carts/cart_test.md --step 'step 5: Step 5 — assert the total is ten percent below the subtotal'"
    );
    assert!(stdout.contains("replay: kane-cli testmd run carts/cart_test.md --step"));
    Ok(())
}

#[test]
fn a_waiver_for_a_count_only_record_covers_every_case_it_counts() -> TestResult {
    let dir = tempfile::tempdir()?;
    std::fs::create_dir(dir.path().join("results"))?;
    std::fs::write(dir.path().join("results/vm.results"), "passed=4\nfailed=3\nerrors=2\n")?;
    let entry = |id: &str| {
        format!("waivers:\n  - {{id: \"{id}\", owner: alice, reason: vm image rebuild, expires: {}}}\n", day(10))
    };
    std::fs::write(dir.path().join(".truegreen.yml"), entry("results/vm.results::*"))?;
    let (code, doc, stdout) = check(dir.path(), &["results"])?;
    assert_eq!(code, Some(0), "{stdout}");
    assert_eq!(doc["totals"]["waived"], 5, "three failed and two errored cases");
    let failures = &doc["artifacts"][0]["failures"];
    assert_eq!(failures[0]["name"], "failed tests (count only)");
    assert_eq!(failures[0]["cases"], 3);
    assert_eq!(failures[1]["cases"], 2);
    // Waiving the failed count alone leaves the errored ones failing the run.
    std::fs::write(dir.path().join(".truegreen.yml"), entry("results/vm.results::failed tests (count only)"))?;
    let (code, doc, stdout) = check(dir.path(), &["results"])?;
    assert_eq!(code, Some(1), "{stdout}");
    assert_eq!(doc["totals"]["waived"], 3);
    assert!(stdout.contains("ERRORED results/vm.results::errored tests (count only)"), "{stdout}");
    Ok(())
}
