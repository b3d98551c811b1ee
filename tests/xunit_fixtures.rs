//! Every real xUnit.net report (tests/fixtures/xunit/public/, with
//! SOURCES.md), checked by the built binary: 1 where the report honestly shows
//! failures, 0 only where everything passed, 3 where nothing ran.

mod common;

use std::path::{Path, PathBuf};

use serde_json::Value;

/// File, exit code, rule codes, the tally (passed, failed, errored, skipped),
/// and how many claims the file makes (the assembly's counts).
type Expected = (&'static str, i32, &'static [&'static str], [u64; 4], usize);
const EXPECTED: &[Expected] = &[
    // xUnit.net 1.9.2: <assembly> root, <class> levels, no `errors`.
    ("xunit1-pickles-specflow.xml", 1, &[], [40, 30, 0, 1], 4),
    ("xunit2-jenkins-testcase1.xml", 1, &[], [1, 1, 0, 1], 5),
    // xUnit.net 2.2 loaded no tests and wrote no counts: nothing ran.
    ("xunit2-jenkins-testcase4-no-tests.xml", 3, &["TG201"], [0, 0, 0, 0], 0),
    ("xunit2-jenkins-testcase5-passing.xml", 0, &[], [5, 0, 0, 0], 5),
    ("xunit2-pickles-specflow.xml", 1, &[], [40, 30, 0, 1], 5),
];

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/xunit/public").join(name)
}

fn tally(verdict: &Value) -> [u64; 4] {
    let t = &verdict["artifacts"][0]["tally"];
    ["passed", "failed", "errored", "skipped"].map(|k| t[k].as_u64().unwrap_or(u64::MAX))
}

#[test]
fn every_public_xunit_report_is_judged_by_its_tests() {
    let mut on_disk: Vec<String> = std::fs::read_dir(fixture(""))
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    on_disk.retain(|p| p.ends_with(".xml"));
    on_disk.sort();
    let listed: Vec<String> = EXPECTED.iter().map(|e| e.0.to_owned()).collect();
    assert_eq!(listed, on_disk, "every fixture has an expectation");
    for (file, code, rules, expected_tally, claims) in EXPECTED {
        let run = common::check(&[fixture(file).to_string_lossy().as_ref()]);
        assert_eq!(run.verdict["artifacts"][0]["format"], "xunit", "{file}");
        assert_eq!((run.code, run.rules()), (*code, rules.iter().map(|r| (*r).to_owned()).collect()), "{file}");
        assert_eq!(tally(&run.verdict), *expected_tally, "{file}");
        let recorded = run.verdict["artifacts"][0]["claims"].as_array().cloned().unwrap_or_default();
        assert_eq!(recorded.len(), *claims, "{file}: {recorded:?}");
        assert!(recorded.iter().all(|c| c["holds"] == true), "{file}: {recorded:?}");
    }
}

#[test]
fn failures_carry_the_message_and_a_dotnet_test_replay() {
    let run = common::check(&[fixture("xunit2-jenkins-testcase1.xml").to_string_lossy().as_ref()]);
    let failure = &run.verdict["artifacts"][0]["failures"][0];
    assert_eq!(failure["name"], "MyProject.Tests.SampleFact.FailedTest");
    assert_eq!(failure["replay"], "dotnet test --filter FullyQualifiedName=MyProject.Tests.SampleFact.FailedTest");
    assert!(failure["message"].as_str().unwrap_or("").contains("Assert.True() Failure"));
}

#[test]
fn the_inventory_records_each_tests_time() {
    let tests = common::inventory_of(&fixture("xunit2-jenkins-testcase5-passing.xml"));
    assert_eq!(common::millis_of(&tests, "Uninstall application if it is installed."), Some(48_391));
    // xUnit v1 writes no `time` on a skipped test.
    let v1 = common::inventory_of(&fixture("xunit1-pickles-specflow.xml"));
    assert_eq!(common::millis_of(&v1, "Pickles.TestHarness.xunit.AdditionFeature.FailToAddTwoNumbers"), Some(14));
    assert_eq!(common::millis_of(&v1, "Pickles.TestHarness.xunit.AdditionFeature.IgnoredAddingTwoNumbers"), None);
}
