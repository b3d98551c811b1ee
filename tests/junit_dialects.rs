//! Every JUnit report generated here by a real tool (`tests/fixtures/junit/`,
//! each with the command, version and exit code that made it), checked by the
//! built binary: the verdict, the counts derived from the testcases (disabled
//! tests, subtests and todo tests included) and the rule codes.
//!
//! Each line is the verdict the report itself supports. Where the tool's exit
//! code says more than its report can (a doctest `should_fail` test that
//! passed, a jest file that failed to load and that jest-junit leaves out), the
//! `--exit-code` column shows the exit code catching it as TG105.

// A test may panic: a failed step should fail it loudly (the lints guard input paths).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::{Path, PathBuf};

fn fixture(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/junit").join(relative)
}

fn tool_exit_code(report: &Path) -> i32 {
    let rc = report.with_extension("rc");
    let text = std::fs::read_to_string(&rc).unwrap_or_else(|e| panic!("{}: {e}", rc.display()));
    text.trim().parse().unwrap_or_else(|e| panic!("{}: {e}", rc.display()))
}

struct Expected {
    file: &'static str,
    /// The exit code from the report alone.
    verdict: i32,
    /// The exit code with `--exit-code` set to the tool's own.
    with_tool_exit_code: i32,
    passed: u64,
    /// Failed, errored and incomplete.
    failing: u64,
    /// Skipped, disabled, todo, expected failures.
    skipped: u64,
    rules: &'static [&'static str],
}

const fn e(
    file: &'static str,
    verdict: i32,
    with_tool_exit_code: i32,
    (passed, failing, skipped): (u64, u64, u64),
    rules: &'static [&'static str],
) -> Expected {
    Expected { file, verdict, with_tool_exit_code, passed, failing, skipped, rules }
}

const EXPECTED: &[Expected] = &[
    // Boost.Test 1.74: `tests` leaves skipped (disabled) tests out.
    e("boost-test/pass.xml", 0, 0, (2, 0, 1), &[]),
    e("boost-test/mixed.xml", 1, 1, (2, 2, 1), &[]),
    // Catching SIGSEGV, Boost writes the next test as <skipped/> while its
    // suite says skipped="0" and counts it in tests: the report contradicts itself.
    e("boost-test/crash.xml", 3, 3, (1, 1, 1), &["TG103"]),
    // Without catching it, the process dies and leaves an empty file.
    e("boost-test/crash_nocatch.xml", 3, 3, (0, 0, 0), &["TG002", "TG201"]),
    // Catch2 2.13: `tests`/`failures` count assertions; a failing [!mayfail] or
    // [!shouldfail] test is an expected failure.
    e("catch2/pass.xml", 0, 0, (2, 0, 2), &[]),
    e("catch2/mixed.xml", 1, 1, (2, 1, 2), &[]),
    // A passing [!shouldfail] test is counted as a failure and not written.
    e("catch2/shouldfail_passes.xml", 1, 1, (3, 1, 0), &[]),
    e("catch2/crash.xml", 1, 1, (1, 1, 0), &[]),
    // CTest 3.25: `status="disabled"` is disabled; `status="notrun"` is a
    // failure unless the test asked to be skipped (SKIP_RETURN_CODE).
    e("ctest/pass.xml", 0, 0, (2, 0, 1), &[]),
    e("ctest/skip.xml", 0, 0, (1, 0, 1), &[]),
    e("ctest/missing.xml", 1, 1, (1, 1, 0), &[]),
    e("ctest/mixed.xml", 1, 1, (1, 4, 1), &[]),
    e("ctest/crash.xml", 1, 1, (2, 1, 0), &[]),
    // doctest 2.4.9: a crashed test case is written but left out of `tests`.
    e("doctest/mixed.xml", 1, 1, (4, 3, 0), &[]),
    e("doctest/crash.xml", 1, 1, (1, 1, 0), &[]),
    // may_fail/should_fail failures carry no marker: the report shows failures
    // doctest does not count (limit in docs/formats/junit.md).
    e("doctest/pass.xml", 1, 3, (2, 2, 0), &[]),
    // A should_fail test that passed leaves no trace in the report.
    e("doctest/shouldfail_passes.xml", 0, 3, (3, 0, 0), &[]),
    // GoogleTest 1.12: DISABLED_ tests are `status="notrun" result="suppressed"`.
    e("googletest/pass.xml", 0, 0, (4, 0, 2), &[]),
    e("googletest/mixed.xml", 1, 1, (4, 1, 2), &[]),
    // jest 30 + jest-junit 17: todo tests are result-less testcases left out of `tests`.
    e("jest/all_pass.xml", 0, 0, (3, 0, 0), &[]),
    e("jest/mixed.xml", 1, 1, (2, 3, 2), &[]),
    e("jest/retry.xml", 0, 0, (2, 0, 0), &[]),
    e("jest/retry_fail.xml", 1, 1, (1, 1, 0), &[]),
    // By default jest-junit leaves a file that failed to load out of the report.
    e("jest/crash.xml", 0, 3, (1, 0, 0), &[]),
    e("jest/crash_suite_errors.xml", 1, 1, (1, 4, 0), &[]),
    // karma 6 + karma-junit-reporter: a browser error is only a count.
    e("karma/all_pass.xml", 0, 0, (2, 0, 0), &[]),
    e("karma/mixed.xml", 1, 1, (1, 2, 3), &[]),
    e("karma/crash.xml", 1, 1, (1, 1, 0), &[]),
    e("karma/hook_fail.xml", 1, 1, (0, 3, 0), &[]),
    // mocha 11 + mocha-junit-reporter 2.2 (exit code: the number of failures).
    e("mocha/all_pass.xml", 0, 0, (3, 0, 0), &[]),
    e("mocha/mixed.xml", 1, 1, (1, 2, 0), &[]),
    e("mocha/hook_fail.xml", 1, 1, (2, 2, 0), &[]),
    e("mocha/retry.xml", 0, 0, (2, 0, 0), &[]),
    e("mocha/retry_fail.xml", 1, 1, (1, 1, 0), &[]),
    // PHPUnit 9.6.
    e("phpunit/pass.xml", 0, 0, (2, 0, 0), &[]),
    e("phpunit/fail.xml", 1, 1, (1, 1, 0), &[]),
    e("phpunit/error.xml", 1, 1, (1, 1, 0), &[]),
    e("phpunit/skipped.xml", 0, 0, (1, 0, 2), &[]),
    e("phpunit/incomplete.xml", 0, 0, (1, 0, 1), &[]),
    e("phpunit/data-provider.xml", 1, 1, (3, 1, 0), &[]),
    e("phpunit/php-warning.xml", 1, 1, (1, 1, 0), &[]),
    e("phpunit/all-in-directory.xml", 1, 1, (14, 5, 3), &[]),
    e("phpunit/warning.xml", 0, 0, (3, 0, 0), &[]),
    // PHPUnit writes a risky test as an <error> whether or not it fails the run.
    e("phpunit/risky.xml", 1, 3, (1, 1, 0), &[]),
    e("phpunit/risky-fail-on-risky.xml", 1, 1, (1, 1, 0), &[]),
    // --fail-on-warning changes the exit code, not the report.
    e("phpunit/warning-fail-on-warning.xml", 0, 3, (3, 0, 0), &[]),
    // Playwright 1.65: a file that fails to load, or a failing global setup,
    // runs nothing at all.
    e("playwright/all_pass.xml", 0, 0, (3, 0, 0), &[]),
    e("playwright/mixed.xml", 1, 1, (2, 3, 3), &[]),
    e("playwright/retry.xml", 0, 0, (2, 0, 0), &[]),
    e("playwright/retry_fail.xml", 1, 1, (1, 1, 0), &[]),
    e("playwright/crash.xml", 3, 3, (0, 0, 0), &["TG201"]),
    e("playwright/global_setup.xml", 3, 3, (0, 0, 0), &["TG201"]),
    // pytest 9.2: subtests are counted in `tests` and, when they fail, in
    // `failures`; a passing subtest has no element.
    e("pytest/subtests-pass.xml", 0, 0, (2, 0, 0), &[]),
    e("pytest/subtests-pass-xunit1.xml", 0, 0, (2, 0, 0), &[]),
    e("pytest/subtests-fail.xml", 1, 1, (1, 1, 0), &[]),
    e("pytest/subtests-fail-xunit1.xml", 1, 1, (1, 1, 0), &[]),
    e("pytest/xfail.xml", 1, 1, (2, 1, 3), &[]),
    e("pytest/xfail-xunit1.xml", 1, 1, (2, 1, 3), &[]),
    e("pytest/xfail-strict-ini.xml", 1, 1, (1, 2, 3), &[]),
    e("pytest/rerun.xml", 1, 1, (1, 1, 0), &["TG120"]),
    e("pytest/xdist.xml", 1, 1, (4, 1, 1), &[]),
    e("pytest/skips.xml", 0, 0, (1, 0, 4), &[]),
    e("pytest/fixture-errors.xml", 1, 1, (1, 3, 0), &[]),
    e("pytest/collect-error.xml", 1, 1, (0, 1, 0), &[]),
    e("pytest/crash-os-exit-xdist.xml", 1, 1, (2, 1, 0), &[]),
    e("pytest/timestamp-new-york.xml", 0, 0, (1, 0, 0), &[]),
    // vitest 4.1: a file that fails to load becomes a failing testcase.
    e("vitest/all_pass.xml", 0, 0, (3, 0, 0), &[]),
    e("vitest/mixed.xml", 1, 1, (2, 3, 2), &[]),
    e("vitest/retry.xml", 0, 0, (2, 0, 0), &[]),
    e("vitest/retry_fail.xml", 1, 1, (1, 1, 0), &[]),
    e("vitest/crash.xml", 1, 1, (1, 2, 0), &[]),
    // node:test on Node 20, 22 and 24 (`--test-reporter=junit`).
    e("node/node20-pass.xml", 0, 0, (2, 0, 0), &[]),
    e("node/node20-mixed.xml", 1, 1, (3, 3, 2), &[]),
    e("node/node20-broken.xml", 1, 1, (0, 1, 0), &[]),
    e("node/node22-pass.xml", 0, 0, (2, 0, 0), &[]),
    e("node/node22-mixed.xml", 1, 1, (3, 3, 2), &[]),
    e("node/node22-broken.xml", 1, 1, (0, 1, 0), &[]),
    e("node/node24-pass.xml", 0, 0, (2, 0, 0), &[]),
    e("node/node24-mixed.xml", 1, 1, (3, 3, 2), &[]),
    e("node/node24-broken.xml", 1, 1, (0, 1, 0), &[]),
    // bun 1.4: a suite per describe. A file that fails to load is left out of
    // the report entirely; only bun's exit code shows it.
    e("bun/pass.xml", 0, 0, (3, 0, 0), &[]),
    e("bun/mixed.xml", 1, 1, (2, 4, 2), &[]),
    e("bun/crash.xml", 0, 3, (1, 0, 0), &[]),
    e("bun/nested.xml", 1, 1, (1, 1, 0), &[]),
    // deno 2.9: a step is a testcase of its own beside its test, and counted.
    e("deno/pass.xml", 0, 0, (3, 0, 0), &[]),
    e("deno/mixed.xml", 1, 1, (2, 3, 1), &[]),
    // unittest-xml-reporting 4.0: a subtest failure replaces its test's
    // testcase, an unexpected success is an <error>, a failed setUpClass is a
    // testcase of a suite named `unittest.suite._ErrorHolder-…` dated 0001-01-01.
    e("xmlrunner/pass.xml", 0, 0, (3, 0, 0), &[]),
    e("xmlrunner/mixed.xml", 1, 1, (1, 5, 2), &[]),
    e("xmlrunner/new-york.xml", 0, 0, (3, 0, 0), &[]),
    // vitest 5.1: the same reports as 4.1's but for times and paths.
    e("vitest5/all_pass.xml", 0, 0, (3, 0, 0), &[]),
    e("vitest5/mixed.xml", 1, 1, (2, 3, 2), &[]),
    e("vitest5/retry.xml", 0, 0, (2, 0, 0), &[]),
    e("vitest5/retry_fail.xml", 1, 1, (1, 1, 0), &[]),
    e("vitest5/crash.xml", 1, 1, (1, 2, 0), &[]),
    // TAP::Formatter::JUnit 0.11 (prove): a script's non-zero exit is an
    // <error> directly in its suite, counted in `errors`; a skipped point is a
    // plain testcase, a passing TODO an <error>. `errors` also counts the
    // points a plan promised and the script never ran: a crash.
    e("tap-formatter-junit/pass.xml", 0, 0, (4, 0, 0), &[]),
    e("tap-formatter-junit/mixed.xml", 1, 1, (4, 4, 0), &[]),
    e("tap-formatter-junit/crash.xml", 3, 3, (2, 2, 0), &["TG103"]),
    e("tap-formatter-junit/plan-short.xml", 3, 3, (3, 2, 0), &["TG103"]),
    e("tap-formatter-junit/done-short.xml", 3, 3, (4, 2, 0), &["TG103"]),
    e("tap-formatter-junit/skip-all.xml", 3, 3, (0, 0, 0), &["TG201"]),
    e("tap-formatter-junit/bail.xml", 3, 3, (1, 3, 0), &["TG103"]),
    e("tap-formatter-junit/all.xml", 3, 3, (1, 3, 0), &["TG103"]),
    // nose2 0.16: `tests` counts tests started; each failing subtest is a
    // testcase, and so is a class or module fixture's error.
    e("nose2/pass.xml", 0, 0, (3, 0, 1), &[]),
    e("nose2/mixed.xml", 1, 1, (6, 9, 3), &[]),
    e("nose2/subtests.xml", 1, 1, (2, 2, 0), &[]),
    e("nose2/setupclass.xml", 1, 1, (1, 2, 0), &[]),
    // An unexpected success is a <skipped>, and nose2 exits 0.
    e("nose2/unexpected.xml", 0, 0, (1, 0, 1), &[]),
    e("nose2/import.xml", 1, 1, (1, 1, 0), &[]),
    // jasmine 7 with jasmine-reporters 2.5: `failures` counts failed
    // expectations. A failing afterAll and the specs `fit` left out are not in
    // the report (the left-out ones are written as passing): only jasmine's
    // exit code shows them.
    e("jasmine/pass.xml", 0, 0, (2, 0, 1), &[]),
    e("jasmine/mixed.xml", 1, 1, (3, 4, 3), &[]),
    e("jasmine/afterall.xml", 0, 3, (1, 0, 0), &[]),
    e("jasmine/focused.xml", 0, 3, (3, 0, 0), &[]),
    // cucumber-js 13.3 (@cucumber/junit-xml-formatter 0.15): a failed
    // BeforeAll is a testcase without classname that `tests` leaves out. A
    // pending step is a bare <failure/> even under --no-strict, which exits 0:
    // the report cannot show strictness, the exit code can (TG105).
    e("cucumber-js/pass.xml", 0, 0, (4, 0, 1), &[]),
    e("cucumber-js/mixed.xml", 1, 1, (4, 6, 1), &[]),
    e("cucumber-js/hook-fail.xml", 1, 1, (0, 1, 0), &[]),
    e("cucumber-js/nostrict.xml", 1, 3, (1, 1, 0), &[]),
    // process.exit in a step leaves the report empty.
    e("cucumber-js/crash-exit.xml", 3, 3, (0, 0, 0), &["TG002", "TG201"]),
    e("cucumber-js/crash-exit0.xml", 3, 3, (0, 0, 0), &["TG002", "TG201"]),
    // behave 1.3.3 (`--junit`): a folder of reports, one per feature.
    // Undefined and NotImplementedError steps are <error>s. A feature a
    // `--tags` filter excluded entirely is still written, all skipped: that
    // file ran nothing (TG201); `--no-skipped` leaves such features out.
    e("behave/pass", 0, 0, (5, 0, 2), &[]),
    e("behave/mixed", 1, 1, (4, 6, 2), &[]),
    e("behave/hook-error", 1, 1, (1, 1, 0), &[]),
    e("behave/tags-subset", 3, 3, (1, 0, 3), &["TG201"]),
    e("behave/dry-run", 3, 3, (0, 1, 11), &["TG201"]),
    // os._exit(1) in a step: the feature that died leaves no file; the exit
    // code shows it. (os._exit(0) would leave no trace at all.)
    e("behave/crash-exit", 0, 3, (1, 0, 0), &[]),
    e("behave/crash-exit0", 0, 0, (1, 0, 0), &[]),
    // cargo-nextest 0.9.143: ignored tests are not written; a fail-fast run
    // writes only the tests it ran; a retried test holds flakyFailure or
    // rerunFailure; a timeout is a bare `<failure type="test timeout"/>`.
    e("nextest/pass.xml", 0, 0, (7, 0, 0), &[]),
    e("nextest/mixed.xml", 1, 1, (7, 9, 0), &[]),
    e("nextest/failfast.xml", 1, 1, (0, 1, 0), &[]),
    e("nextest/retries.xml", 1, 1, (7, 1, 0), &["TG120"]),
    e("nextest/timeout.xml", 1, 1, (8, 1, 0), &[]),
    e("nextest/timeout-pass.xml", 0, 0, (9, 0, 0), &[]),
    // abort() and exit(1) fail; exit(0) mid-test passes, to nextest too.
    e("nextest/crash.xml", 1, 1, (9, 2, 0), &[]),
    e("nextest/success-output.xml", 1, 1, (7, 9, 0), &[]),
    // A filter matching nothing: nextest exits 4, "no tests to run".
    e("nextest/notests.xml", 3, 3, (0, 0, 0), &["TG201"]),
    // testthat 3.1.6 JunitReporter: a testcase per expectation, named after
    // its test_that, so a test with a passing and a failing expectation is
    // two testcases of one name. Read as a pass and a failure of one case,
    // that is TG106: a false alarm still open (no dialect tells testthat's
    // reports apart yet). An error outside test_that lands in the previous
    // file's suite after its counts were written (TG103).
    e("testthat/junit-pass.xml", 0, 0, (3, 0, 1), &[]),
    e("testthat/junit-mixed.xml", 3, 3, (7, 7, 2), &["TG106"]),
    e("testthat/junit-toplevel.xml", 3, 3, (1, 1, 0), &["TG103"]),
    // Erlang/OTP 25 Common Test (cth_surefire): configuration functions are
    // testcases counted nowhere; a failed init_per_suite fails the run and
    // auto-skips its suite's cases.
    e("erlang/ct-pass.xml", 0, 0, (2, 0, 1), &[]),
    e("erlang/ct-mixed.xml", 1, 1, (3, 5, 3), &[]),
    // EUnit (eunit_surefire): a folder of TEST-<module>.xml. A generator's
    // cases share one name (`mixed_tests:24 -same_name_test_/0-fun-2-`): a
    // passing and a failing one are two cases, not a conflicting duplicate.
    e("erlang/eunit-pass", 0, 0, (5, 0, 0), &[]),
    e("erlang/eunit-mixed", 1, 1, (6, 9, 0), &[]),
    // Robot Framework 7.5 `--xunit`: Generic counting; its exit code is the
    // number of failed tests. A failed suite setup fails each of its tests.
    e("robot/pass.xml", 0, 0, (2, 0, 1), &[]),
    e("robot/mixed.xml", 1, 1, (2, 8, 3), &[]),
    e("robot/import.xml", 1, 1, (1, 1, 0), &[]),
];

fn check(report: &Path, extra: &[&str]) -> common::Run {
    let path = report.display().to_string();
    let mut args = vec![path.as_str(), "--commit", ""];
    args.extend_from_slice(extra);
    common::check(&args)
}

#[test]
fn every_dialect_fixture_gets_the_verdict_its_report_supports() {
    let mut wrong = Vec::new();
    for x in EXPECTED {
        let report = fixture(x.file);
        let run = check(&report, &[]);
        let derived = &run.verdict["totals"]["derived"];
        let count = |k: &str| derived[k].as_u64().unwrap_or(u64::MAX);
        let got = (
            run.code,
            count("passed"),
            count("failed") + count("errored") + count("incomplete"),
            count("skipped"),
            common::distinct_rule_codes(&run.verdict),
        );
        let want = (x.verdict, x.passed, x.failing, x.skipped, x.rules.iter().map(|r| r.to_string()).collect());
        if got != want {
            wrong.push(format!("{}: got {got:?}, want {want:?}\n{}", x.file, run.stdout));
        }
        let rc = tool_exit_code(&report).to_string();
        let with_rc = check(&report, &["--exit-code", &rc]);
        if with_rc.code != x.with_tool_exit_code {
            wrong.push(format!("{} --exit-code {rc}: got {}, want {}", x.file, with_rc.code, x.with_tool_exit_code));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_generated_junit_report_is_in_the_table() {
    let mut found = Vec::new();
    for tool in std::fs::read_dir(fixture("")).into_iter().flatten().flatten() {
        for file in std::fs::read_dir(tool.path()).into_iter().flatten().flatten() {
            let path = file.path();
            let is_xml = |p: &Path| p.extension().is_some_and(|e| e == "xml");
            // behave writes a folder of reports, one per feature: one entry.
            let is_report_folder =
                path.is_dir() && std::fs::read_dir(&path).into_iter().flatten().flatten().any(|f| is_xml(&f.path()));
            if is_xml(&path) || is_report_folder {
                let name = format!("{}/{}", tool.file_name().to_string_lossy(), file.file_name().to_string_lossy());
                found.push(name);
            }
        }
    }
    found.sort();
    let mut listed: Vec<String> = EXPECTED.iter().map(|x| x.file.to_owned()).collect();
    listed.sort();
    assert_eq!(found, listed);
}

#[test]
fn a_report_older_than_the_run_is_stale_by_its_own_timestamp() {
    // pytest writes its session start with an offset; the file's mtime is
    // fresh (a later step copied it), its timestamp is not.
    let report = fixture("pytest/timestamp-new-york.xml");
    let run = check(&report, &["--since", "2026-12-05T00:00:00Z"]);
    assert_eq!(run.code, 3, "{}", run.stdout);
    assert!(common::distinct_rule_codes(&run.verdict).contains(&"TG304".to_owned()), "{}", run.stdout);
    // Before it, it is fresh by both witnesses.
    let copy = tempfile::tempdir().expect("tempdir");
    let fresh = copy.path().join("junit.xml");
    std::fs::copy(&report, &fresh).expect("copy");
    let run = check(&fresh, &["--since", "2026-12-04T15:00:00Z"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
}

/// The replay command of each failure of a report, in order.
fn replays(report: &str) -> Vec<String> {
    let run = check(&fixture(report), &[]);
    run.verdict["artifacts"][0]["failures"]
        .as_array()
        .unwrap_or_else(|| panic!("{report}: no failures\n{}", run.stdout))
        .iter()
        .map(|f| f["replay"].as_str().unwrap_or("(none)").to_owned())
        .collect()
}

#[test]
fn xmlrunner_failures_replay_through_python_unittest() {
    // Each command was run in the scenario's folder and ran that one test
    // (or, for the failed setUpClass, that class).
    assert_eq!(
        replays("xmlrunner/mixed.xml"),
        [
            "python -m unittest test_mixed.Arithmetic.test_fails",
            // A failed subtest `test_subtests (n=2)` reruns its test.
            "python -m unittest test_mixed.Arithmetic.test_subtests",
            "python -m unittest test_mixed.Arithmetic.test_errors",
            "python -m unittest test_mixed.Arithmetic.test_unexpected_success",
            "python -m unittest test_mixed.BrokenSetup",
        ]
    );
}

#[test]
fn bun_failures_replay_through_bun_test_by_full_name() {
    // Each command was run in the scenario's folder and ran that one test.
    // bun's suites carry `assertions`, as PHPUnit's do: not PHPUnit.
    assert_eq!(
        replays("bun/mixed.xml"),
        [
            "bun test ./mixed.test.js -t '^fails on assertion$'",
            "bun test ./mixed.test.js -t '^throws$'",
            "bun test ./mixed.test.js -t '^failing that passes$'",
            "bun test ./mixed.test.js -t '^group inner fails$'",
        ]
    );
    // bun writes the describe path innermost first: `inner > middle > outer`.
    assert_eq!(replays("bun/nested.xml"), ["bun test ./nested.test.js -t '^outer middle inner deep fails$'"]);
}

#[test]
fn deno_failures_replay_through_deno_test_filtered_to_their_test() {
    // Each command was run in the scenario's folder and ran that one test;
    // a failed step reruns its test, as deno filters tests, not steps.
    assert_eq!(
        replays("deno/mixed.xml"),
        [
            "deno test mixed_test.ts --filter '/^fails$/'",
            "deno test mixed_test.ts --filter '/^steps$/'",
            "deno test mixed_test.ts --filter '/^steps$/'",
        ]
    );
}

#[test]
fn node_subtest_failures_replay_through_their_top_level_test() {
    // node cannot filter to a `t.test` subtest alone: the pattern names the
    // top-level test or describe (run with node 20 and 24: each reproduced
    // its failure). The file is outside this check's workspace: no path.
    for report in ["node/node20-mixed.xml", "node/node24-mixed.xml"] {
        assert_eq!(
            replays(report),
            [
                "node --test --test-name-pattern='^fails on assertion$'",
                "node --test --test-name-pattern='^with subtests$'",
                "node --test --test-name-pattern='^group$'",
            ],
            "{report}"
        );
    }
}

#[test]
fn xmlrunners_local_time_without_a_zone_is_never_read_as_stale() {
    // Written at 03:03:42 UTC under TZ=America/New_York: its timestamps say
    // 2026-12-05T22:03:42, five hours before the run began if read as UTC.
    let report = fixture("xmlrunner/new-york.xml");
    let run = check(&report, &["--since", "2026-12-06T03:03:00Z"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(!common::distinct_rule_codes(&run.verdict).contains(&"TG304".to_owned()), "{}", run.stdout);
}

#[test]
fn zoneless_timestamps_are_read_by_the_dialects_rule() {
    let copy = tempfile::tempdir().expect("tempdir");
    // jest-junit writes UTC without a zone: 2026-12-04T15:40:55.
    let jest = copy.path().join("jest.xml");
    std::fs::copy(fixture("jest/mixed.xml"), &jest).expect("copy");
    let stale = check(&jest, &["--since", "2026-12-04T16:00:00Z"]);
    assert!(common::distinct_rule_codes(&stale.verdict).contains(&"TG304".to_owned()), "{}", stale.stdout);
    let fresh = check(&jest, &["--since", "2026-12-04T15:30:00Z"]);
    assert!(!common::distinct_rule_codes(&fresh.verdict).contains(&"TG304".to_owned()), "{}", fresh.stdout);
    // A generic report without a zone: never guessed stale.
    let generic = copy.path().join("generic.xml");
    std::fs::write(
        &generic,
        r#"<testsuite name="s" tests="1" timestamp="2001-01-01T00:00:00"><testcase name="t"/></testsuite>"#,
    )
    .expect("write");
    let run = check(&generic, &["--since", "2026-12-04T15:30:00Z"]);
    assert!(!common::distinct_rule_codes(&run.verdict).contains(&"TG304".to_owned()), "{}", run.stdout);
}

/// The JUnit files among dorny/test-reporter's own fixtures
/// (`../shared/fixtures/peer-reports`), each judged by its evidence: a file
/// its project trimmed by hand stays a discrepancy, empty runs are "nothing
/// ran", honest reports get their own verdict.
const PEER_REPORTS: &[(&str, i32, &[&str])] = &[
    ("empty/java-junit.xml", 3, &["TG201"]),
    ("empty/jest-junit-empty-testsuite.xml", 3, &["TG201"]),
    ("empty/jest-junit.xml", 3, &["TG201"]),
    ("empty/phpunit-empty.xml", 3, &["TG201"]),
    // TestNG through Surefire: each retried attempt is written as skipped.
    ("external/java/TEST-org.apache.pulsar.AddMissingPatchVersionTest.xml", 1, &[]),
    ("external/java/empty_failures.xml", 1, &[]),
    ("external/java/junit4-basic.xml", 1, &[]),
    ("external/java/junit4-complete.xml", 1, &[]),
    ("external/java/pulsar-test-report.xml", 1, &[]),
    ("external/jest/jest-react-component-test-results.xml", 0, &[]),
    ("external/jest/jest-test-results.xml", 1, &[]),
    ("external/phpunit/junit-basic.xml", 1, &[]),
    ("external/phpunit/phpcheckstyle-phpunit.xml", 1, &[]),
    ("jest-junit-eslint.xml", 0, &[]),
    ("jest-junit.xml", 1, &[]),
    // A GoogleTest report trimmed to one of the six tests its suite declares.
    ("junit-with-message.xml", 3, &["TG103"]),
    ("nette-tester/BootstrapFormRenderer-report.xml", 0, &[]),
    // Nette Tester counts a failed test in `errors`.
    ("nette-tester/tester-v1.7-report.xml", 1, &[]),
    ("phpunit/phpunit-paths.xml", 1, &[]),
    ("phpunit/phpunit.xml", 1, &[]),
    // pytest 9 subtests: `tests="15"` over 10 testcases, one of them with 5 subtests.
    ("python-xunit-pytest.xml", 1, &[]),
    ("python-xunit-unittest.xml", 1, &[]),
    ("swift-xunit.xml", 1, &[]),
    // jest-junit's `Test suite failed to run` pseudo testcases.
    ("test-errors/jest/jest-test-results.xml", 1, &[]),
];

#[test]
fn peer_junit_reports_get_the_verdict_their_evidence_supports() {
    let mut wrong = Vec::new();
    for (file, code, rules) in PEER_REPORTS {
        let run = check(&common::fixture(&format!("peer-reports/{file}")), &[]);
        let want: Vec<String> = rules.iter().map(|r| r.to_string()).collect();
        let got = common::distinct_rule_codes(&run.verdict);
        if run.code != *code || got != want {
            wrong.push(format!("{file}: got {} {got:?}, want {code} {want:?}\n{}", run.code, run.stdout));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn nose2_failures_replay_through_nose2_by_dotted_name() {
    // Each command was run in the scenario's folder with nose2 0.16 and reran
    // that one test (a failed setUpClass: its class, `Ran 0 tests`, 1 error).
    assert_eq!(
        replays("nose2/mixed.xml"),
        [
            "nose2 test_mixed.test_generator:2",
            "nose2 test_mixed.test_function_params:2",
            "nose2 test_mixed.TestMixed.test_errors",
            "nose2 test_mixed.TestMixed.test_fails",
            "nose2 test_mixed.TestMixed.test_params:2",
            // Two failed subtests `test_subtests (n=1)` and `(n=3)`: their test.
            "nose2 test_mixed.TestMixed.test_subtests",
            "nose2 test_mixed.TestMixed.test_subtests",
            "nose2 test_mixed.TestSetUpClassFails",
            "nose2 pkg.sub.test_nested.TestNested.test_inner_fails",
        ]
    );
    assert_eq!(
        replays("nose2/setupclass.xml"),
        ["nose2 test_setupmodule", "nose2 test_setupclass.TestSetUpClassFails"]
    );
    assert_eq!(replays("nose2/import.xml"), ["nose2 test_broken_import"]);
}

#[test]
fn a_suite_level_error_is_a_failure_of_its_suite_with_its_message() {
    // TAP::Formatter::JUnit writes a script's non-zero exit as an <error>
    // directly in the suite; `errors="2"` counts it beside the passing TODO.
    let run = check(&fixture("tap-formatter-junit/mixed.xml"), &[]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let failures = run.verdict["artifacts"][0]["failures"].as_array().expect("failures");
    let suite_error = failures
        .iter()
        .find(|f| f["name"].as_str() == Some("<error> of the suite"))
        .unwrap_or_else(|| panic!("no suite-level failure\n{}", run.stdout));
    assert_eq!(suite_error["outcome"].as_str(), Some("errored"), "{suite_error}");
    assert!(
        suite_error["message"].as_str().is_some_and(|m| m.starts_with("Dubious, test returned 2")),
        "{suite_error}"
    );
}

#[test]
fn jasmine_failures_replay_through_a_filter_on_the_full_name() {
    // Run in the scenario's folder (with its spec file named, as its config
    // lists none), each ran 1 of 10 specs, which failed.
    assert_eq!(
        replays("jasmine/mixed.xml"),
        [
            "npx jasmine '--filter=^outer fails an expectation$'",
            "npx jasmine '--filter=^outer fails two expectations$'",
            "npx jasmine '--filter=^outer throws an error$'",
            // jasmine-reporters joins describes with dots, jasmine with spaces.
            "npx jasmine '--filter=^outer.inner.deepest nested fails$'",
        ]
    );
}

#[test]
fn cucumber_failures_replay_through_a_name_filter_on_the_pickle_name() {
    // Each was run in the scenario's folder and ran that one scenario, which
    // failed (or was undefined, or pending). An outline row's testcase is
    // `adds <b> - #1.2: adds 2`; a scenario in a Rule is `rule - scenario`.
    assert_eq!(
        replays("cucumber-js/mixed.xml"),
        [
            "npx cucumber-js --name '^fails an assertion$'",
            "npx cucumber-js --name '^has an undefined step$'",
            "npx cucumber-js --name '^has a pending step$'",
            "npx cucumber-js --name '^throws a TypeError$'",
            "npx cucumber-js --name '^adds 2$'",
            "npx cucumber-js --name 'fails inside a rule$'",
        ]
    );
    // A failed BeforeAll stops every scenario: the whole run reproduces it.
    assert_eq!(replays("cucumber-js/hook-fail.xml"), ["npx cucumber-js"]);
}

#[test]
fn behave_failures_replay_through_the_failing_steps_location() {
    // `Location:` in the failure text is the failing step's line; each
    // command, run in the scenario's folder, ran that scenario (an outline
    // row's step line: the outline's three rows, one failing).
    assert_eq!(
        replays("behave/mixed"),
        [
            "behave features/mixed.feature:12",
            "behave features/mixed.feature:15",
            "behave features/mixed.feature:19",
            "behave features/mixed.feature:31",
            "behave features/mixed.feature:36",
            "behave features/mixed.feature:48",
        ]
    );
    // A hook error names no step: no command rather than a wrong one.
    assert_eq!(replays("behave/hook-error"), ["(none)"]);
}

#[test]
fn nextest_failures_replay_in_their_own_binary_and_point_at_the_source() {
    // Each command (with the scenario's `--features mixed`) ran that one test,
    // which failed. `shared::shared_fails` fails in two binaries: two commands.
    let run = check(&fixture("nextest/mixed.xml"), &[]);
    let failures = run.verdict["artifacts"][0]["failures"].as_array().expect("failures");
    let shared: Vec<(&str, &str)> = failures
        .iter()
        .filter(|f| f["replay"].as_str().is_some_and(|r| r.contains("shared::shared_fails")))
        .map(|f| (f["replay"].as_str().unwrap_or(""), f["source"]["file"].as_str().unwrap_or("")))
        .collect();
    assert_eq!(
        shared,
        [
            ("cargo nextest run --no-fail-fast -E 'binary_id(tgfix) & test(=shared::shared_fails)'", "src/shared.rs"),
            (
                "cargo nextest run --no-fail-fast -E 'binary_id(tgfix::integration) & test(=shared::shared_fails)'",
                // rustc names it `tests/../src/shared.rs` from the integration binary.
                "src/shared.rs"
            ),
        ]
    );
    assert_eq!(failures.len(), 9, "{}", run.stdout);
}

#[test]
fn a_bare_failure_says_what_happened_by_its_type() {
    // nextest: `<failure type="test timeout"/>`, no message, no text.
    let run = check(&fixture("nextest/timeout.xml"), &[]);
    let failures = run.verdict["artifacts"][0]["failures"].as_array().expect("failures");
    assert_eq!(failures.len(), 1, "{}", run.stdout);
    assert_eq!(failures[0]["message"].as_str(), Some("test timeout"), "{}", run.stdout);
}

#[test]
fn nextest_console_logs_are_not_read_as_libtest_output() {
    // nextest's console quotes each failing test's libtest output; read as
    // libtest it gave a truncated stream and wrong counts. It is no format
    // truegreen reads: its JUnit report is.
    for scenario in ["pass", "mixed", "crash"] {
        let run = check(&fixture(&format!("nextest/{scenario}.out")), &[]);
        assert_eq!(run.code, 3, "{scenario}: {}", run.stdout);
        assert!(common::distinct_rule_codes(&run.verdict).contains(&"TG003".to_owned()), "{scenario}: {}", run.stdout);
    }
}
