//! Every real NUnit report (tests/fixtures/nunit/public/, with SOURCES.md, and
//! the two NUnit files among the peers' fixtures in ../shared), checked by the
//! built binary: 1 where the report honestly shows failures, 0 only where
//! everything passed, and what each one's counts and cases come to. Every
//! claim in these files holds: their counts follow NUnit's own rules.

mod common;

use std::path::{Path, PathBuf};

use serde_json::Value;

/// File, exit code, rule codes, and the tally (passed, failed, errored, skipped).
const EXPECTED: &[(&str, i32, &[&str], [u64; 4])] = &[
    // NUnit 2.6.2's mock-assembly: 1 Failure, 1 Error, 3 NotRunnable (errors),
    // 4 Ignored and 1 Inconclusive (not run).
    ("public/nunit2-mock-assembly-2.6.2.xml", 1, &[], [18, 1, 4, 5]),
    ("public/nunit2-pickles-specflow.xml", 1, &[], [40, 0, 17, 14]),
    // NUnit 2.2: executed/success only.
    ("public/nunit2-selftest-2.2.10.xml", 1, &[], [773, 1, 0, 2]),
    // result="Passed" with one Inconclusive: NUnit and truegreen agree.
    ("public/nunit3-jenkins-issue33493-inconclusive.xml", 0, &[], [1, 0, 0, 1]),
    ("public/nunit3-jenkins-issue50162-failed.xml", 1, &[], [3, 3, 0, 0]),
    ("public/nunit3-pickles-specflow.xml", 1, &[], [40, 0, 18, 11]),
    // The NUnit 3 console's NUnit 2 driver: total=71, every other count 0.
    ("public/nunit3-runner-nunit2-tests-pickles.xml", 1, &[], [40, 0, 17, 14]),
    // passed=1 failed=0 under result="Failed": the fixture's TearDown threw.
    ("public/nunit3-teardown-error.xml", 1, &[], [1, 0, 1, 0]),
    ("public/nunit3-testsuite-root-clicketyclackety.xml", 1, &[], [13, 1, 9, 0]),
    ("public/nunit3-unity-editmode.xml", 1, &[], [2, 2, 0, 2]),
    ("public/nunit3-unity-timewarpinc-failed-child.xml", 1, &[], [0, 0, 1, 0]),
    // dorny/test-reporter's nunit3-console run (a timeout label is a failure).
    ("../../../../shared/fixtures/peer-reports/dotnet-nunit.xml", 1, &[], [3, 3, 2, 1]),
    // The NUnit 3 alpha's mock-assembly: Skipped/Invalid cases and a fixture
    // that could not be built (BadFixture) are errors.
    ("../../../../shared/fixtures/peer-reports/external/nunit-sample.xml", 1, &[], [12, 1, 4, 2]),
];

fn fixture(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/nunit").join(relative)
}

fn tally(verdict: &Value) -> [u64; 4] {
    let t = &verdict["artifacts"][0]["tally"];
    ["passed", "failed", "errored", "skipped"].map(|k| t[k].as_u64().unwrap_or(u64::MAX))
}

#[test]
fn every_public_nunit_report_is_judged_by_its_cases() {
    let mut listed: Vec<String> =
        EXPECTED.iter().map(|e| e.0.to_owned()).filter(|p| p.starts_with("public/")).collect();
    let mut on_disk: Vec<String> = std::fs::read_dir(fixture("public"))
        .map(|d| d.filter_map(|e| e.ok()).map(|e| format!("public/{}", e.file_name().to_string_lossy())).collect())
        .unwrap_or_default();
    on_disk.retain(|p| p.ends_with(".xml"));
    listed.sort();
    on_disk.sort();
    assert_eq!(listed, on_disk, "every fixture has an expectation");
    for (file, code, rules, expected_tally) in EXPECTED {
        let path = fixture(file);
        let run = common::check(&[path.to_string_lossy().as_ref()]);
        assert_eq!(run.verdict["artifacts"][0]["format"], "nunit", "{file}");
        assert_eq!((run.code, run.rules()), (*code, rules.iter().map(|r| (*r).to_owned()).collect()), "{file}");
        assert_eq!(tally(&run.verdict), *expected_tally, "{file}");
        let claims = run.verdict["artifacts"][0]["claims"].as_array().cloned().unwrap_or_default();
        assert!(!claims.is_empty(), "{file}: the root's claims are recorded");
        assert!(claims.iter().all(|c| c["holds"] == true), "{file}: {claims:?}");
    }
}

#[test]
fn failures_replay_with_the_runner_that_wrote_them() {
    let replays = |file: &str| -> Vec<String> {
        let run = common::check(&[fixture(file).to_string_lossy().as_ref()]);
        run.verdict["artifacts"][0]["failures"]
            .as_array()
            .map(|f| f.iter().filter_map(|x| x["replay"].as_str().map(str::to_owned)).collect())
            .unwrap_or_default()
    };
    let unity = replays("public/nunit3-unity-editmode.xml");
    assert_eq!(
        unity,
        [
            "Unity -batchmode -projectPath . -runTests -testPlatform EditMode -testFilter '^Editor\\.EditorModeTest\\.FailedTest$'",
            "Unity -batchmode -projectPath . -runTests -testPlatform EditMode -testFilter '^Editor\\.EditorModeTest\\.FailedUnityTest$'",
        ]
    );
    let console = replays("public/nunit3-jenkins-issue50162-failed.xml");
    assert_eq!(
        console,
        [
            "dotnet test --filter FullyQualifiedName=UnitTests.HelloWorldTests.FailThisTest",
            "dotnet test --filter 'FullyQualifiedName=UnitTests.HelloWorldTests.TestWithParameters\\(\"Ä\"\\)'",
            "dotnet test --filter 'FullyQualifiedName=UnitTests.HelloWorldTests.TestWithParameters\\(\"Ö\"\\)'",
        ],
        "parameterized names are escaped for the filter and quoted for the shell"
    );
}

#[test]
fn a_teardown_error_names_the_fixture_and_its_site() {
    let run = common::check(&[fixture("public/nunit3-teardown-error.xml").to_string_lossy().as_ref()]);
    let failure = &run.verdict["artifacts"][0]["failures"][0];
    assert_eq!(failure["name"], "NUnitDisposeError.Test.NUnitDisposeErrorTest");
    assert_eq!(failure["outcome"], "errored");
    let message = failure["message"].as_str().unwrap_or("");
    assert!(message.contains("site TearDown") && message.contains("NullReferenceException"), "{message}");
}

/// Every file in both fixture trees: the NUnit and xUnit.net detectors claim
/// exactly their own, and JUnit keeps its files (pytest's and swift's "xunit"
/// reports are JUnit).
#[test]
fn the_dotnet_readers_claim_no_other_formats_files() {
    use truegreen::model::Format;
    let mut files = common::files_under(&common::shared_fixtures(""));
    files.extend(common::files_under(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")));
    let mut claimed = Vec::new();
    for path in &files {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if let Some(format) = common::detected_format(path).filter(|f| matches!(f, Format::Nunit | Format::Xunit)) {
            claimed.push(format!("{name} {format}"));
        }
    }
    claimed.sort();
    let mut expected: Vec<String> = EXPECTED
        .iter()
        .map(|e| format!("{} nunit", Path::new(e.0).file_name().map(|n| n.to_string_lossy()).unwrap_or_default()))
        .collect();
    for name in [
        "xunit1-pickles-specflow.xml",
        "xunit2-jenkins-testcase1.xml",
        "xunit2-jenkins-testcase4-no-tests.xml",
        "xunit2-jenkins-testcase5-passing.xml",
        "xunit2-pickles-specflow.xml",
    ] {
        expected.push(format!("{name} xunit"));
    }
    expected.sort();
    assert_eq!(claimed, expected);
}

#[test]
fn the_inventory_records_nunit3_duration_and_nunit2_time() {
    let v3 = common::inventory_of(&fixture("public/nunit3-jenkins-issue50162-failed.xml"));
    assert_eq!(common::millis_of(&v3, "DoATest"), Some(36));
    let v2 = common::inventory_of(&fixture("public/nunit2-pickles-specflow.xml"));
    let name = "Pickles.TestHarness.nunit.AdditionFeature.AddingSeveralNumbers(\"60\",\"70\",\"130\",\"260\",null)";
    assert_eq!(common::millis_of(&v2, name), Some(407));
    // An ignored NUnit 2 case has no `time`.
    assert_eq!(common::millis_of(&v2, "Pickles.TestHarness.nunit.AdditionFeature.IgnoredAddingTwoNumbers"), None);
    // The NUnit 3 alpha wrote `time`, not `duration`.
    let alpha = common::inventory_of(&fixture("../../../../shared/fixtures/peer-reports/external/nunit-sample.xml"));
    assert_eq!(common::millis_of(&alpha, "NUnit.Tests.Assemblies.MockTestFixture.FailingTest"), Some(23));
}
