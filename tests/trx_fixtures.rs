//! Every real TRX file (`tests/fixtures/trx/public/`, with its sources in
//! SOURCES.md, and the shared peer reports) checked by the built binary: the
//! exit code, the derived counts and the rule codes.
//!
//! Exit 1 where the file honestly shows failures, 0 only where everything
//! passed, 3 where nothing ran or the file declares results it does not hold.

mod common;

use std::path::{Path, PathBuf};

use serde_json::Value;

fn public(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/trx/public").join(name)
}

/// file → (exit code, [passed, failed, errored, incomplete, skipped], rule codes).
type Expected = (&'static str, i32, [u64; 5], &'static [&'static str]);

const PUBLIC: &[Expected] = &[
    // xUnit adapter: 3 NotExecuted count in total only; RunInfos Warning [SKIP] and Min [FAIL].
    ("bibipkins-xunit-eshop-fail.trx", 1, [38, 3, 0, 0, 3], &[]),
    // 3 data-driven parents with their own Counters, 9 rows: all counted.
    ("jenkins-mstest-datadriven-2013.trx", 0, [12, 0, 0, 0, 0], &[]),
    // Ordered test trimmed by hand: Counters declare 4 results (3 inside the
    // aggregation), the file holds 2.
    ("jenkins-mstest-ordered-test-aggregation.trx", 3, [0, 2, 0, 0, 0], &["TG103"]),
    // VS 2012: results with no outcome, counted as `error` by the summary.
    ("jenkins-mstest-summary-error-no-outcome.trx", 1, [0, 0, 3, 0, 0], &[]),
    ("liquid-mstest-net8.trx", 1, [3, 3, 0, 0, 1], &[]),
    ("liquid-nunit-adapter-net8.trx", 1, [3, 3, 0, 0, 1], &[]),
    // [FAIL] RunInfo errors each match a failed result: no extra case.
    ("liquid-xunit-net8.trx", 1, [3, 3, 0, 0, 1], &[]),
    // mstest.exe: Inconclusive is executed, never a pass.
    ("pickles-mstest-specflow-inconclusive.trx", 1, [41, 17, 13, 0, 0], &[]),
    ("pickles-vstest-specflow-notexecuted.trx", 1, [41, 17, 0, 0, 14], &[]),
    ("trx2junit-mstest-datadriven-innerresults.trx", 1, [3, 3, 0, 0, 0], &[]),
    // Summary `Warning` over one passed test (deployment warning): green.
    ("trx2junit-mstest-warning.trx", 0, [1, 0, 0, 0, 0], &[]),
    // No test discovered: nothing ran.
    ("trx2junit-nunit-no-tests.trx", 3, [0, 0, 0, 0, 0], &["TG201"]),
    ("trx2junit-xunit-ignore.trx", 1, [2, 1, 0, 0, 1], &[]),
];

const SHARED: &[Expected] = &[
    // xUnit v3 on the testing platform: class-cleanup failures as results,
    // RunInfo "Exit code indicates failure: '2'" explained by them.
    ("peer-reports/dotnet-xunitv3.trx", 1, [1, 3, 0, 0, 0], &[]),
    ("peer-reports/empty/dotnet-trx.trx", 3, [0, 0, 0, 0, 0], &["TG201"]),
    ("peer-reports/empty/dotnet-trx-empty-test-definitions.trx", 3, [0, 0, 0, 0, 0], &["TG201"]),
];

fn derived(verdict: &Value) -> [u64; 5] {
    let d = &verdict["totals"]["derived"];
    let n = |k: &str| d[k].as_u64().unwrap_or(u64::MAX);
    [n("passed"), n("failed"), n("errored"), n("incomplete"), n("skipped")]
}

fn assert_fixture(path: &Path, code: i32, counts: [u64; 5], rules: &[&str]) {
    let shown = path.display().to_string();
    let run = common::check(&[shown.as_str()]);
    assert_eq!(run.verdict["artifacts"][0]["format"], "trx", "{shown}");
    assert_eq!(run.code, code, "{shown}: {}", run.stdout);
    assert_eq!(derived(&run.verdict), counts, "{shown}");
    assert_eq!(run.rules(), rules, "{shown}: {}", run.stdout);
}

#[test]
fn public_trx_files() {
    for (name, code, counts, rules) in PUBLIC {
        assert_fixture(&public(name), *code, *counts, rules);
    }
}

#[test]
fn shared_trx_files() {
    for (name, code, counts, rules) in SHARED {
        assert_fixture(&common::fixture(name), *code, *counts, rules);
    }
}

#[test]
fn every_public_file_is_listed() {
    let dir = public("");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map(|d| d.filter_map(Result::ok).map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    names.retain(|n| n.ends_with(".trx"));
    names.sort();
    let listed: Vec<&str> = PUBLIC.iter().map(|e| e.0).collect();
    assert_eq!(names, listed);
}

#[test]
fn failures_carry_a_dotnet_test_replay() {
    let shown = public("liquid-nunit-adapter-net8.trx").display().to_string();
    let run = common::check(&[shown.as_str()]);
    let replays: Vec<&str> = run.verdict["artifacts"][0]["failures"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["replay"].as_str())
        .collect();
    assert_eq!(replays.len(), 3, "{}", run.stdout);
    assert!(replays.iter().all(|r| r.starts_with("dotnet test --filter ")), "{replays:?}");
    // NUnit names a parameterized case with its arguments; vstest's filter needs
    // the parentheses escaped, the shell needs the backslashes quoted.
    assert!(
        replays.contains(
            &r"dotnet test --filter 'FullyQualifiedName=SampleProject.NUnit.TestServiceTests.TestTheory\(False\)'"
        ),
        "{replays:?}"
    );
}

#[test]
fn the_inventory_records_each_results_timespan() {
    // `duration="00:01:09.5895342"` on the ordered test, `00:00:43.8338627` on its inner result.
    let tests = common::inventory_of(&public("jenkins-mstest-ordered-test-aggregation.trx"));
    assert_eq!(common::millis_of(&tests, "SanityCheck"), Some(69_590));
    assert_eq!(common::millis_of(&tests, "Login"), Some(43_834));
    // xUnit v3's adapter writes `00:00:00` for a cleanup failure; a pass has its own.
    let v3 = common::inventory_of(&common::fixture("peer-reports/dotnet-xunitv3.trx"));
    assert_eq!(common::millis_of(&v3, "DotnetTests.XUnitV3Tests.FixtureTests.Failing_Test"), Some(17));
    let cleanup = "[Test Class Cleanup Failure (DotnetTests.XUnitV3Tests.FixtureTests.Failing_Test)]";
    assert_eq!(common::millis_of(&v3, cleanup), Some(0));
    // A result with no `duration` (a test that never ran) has none.
    let no_outcome = common::inventory_of(&public("liquid-mstest-net8.trx"));
    assert_eq!(common::millis_of(&no_outcome, "SkipTest"), None);
}
