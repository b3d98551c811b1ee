use super::*;
use crate::parse::testing::{bad_durations, broken_claims, detected, judge, read, timed, unparseable};

const XUNIT: &str = include_str!("../../../tests/fixtures/trx/public/liquid-xunit-net8.trx");
const DATA_DRIVEN: &str =
    include_str!("../../../tests/fixtures/trx/public/trx2junit-mstest-datadriven-innerresults.trx");
const NO_OUTCOME: &str = include_str!("../../../tests/fixtures/trx/public/jenkins-mstest-summary-error-no-outcome.trx");
const WARNING: &str = include_str!("../../../tests/fixtures/trx/public/trx2junit-mstest-warning.trx");
const DATA_DRIVEN_2013: &str = include_str!("../../../tests/fixtures/trx/public/jenkins-mstest-datadriven-2013.trx");

/// A passing run: the warning fixture (mstest.exe layout, definitions first).
fn passing() -> &'static str {
    WARNING
}

#[test]
fn detects_the_teamtest_root_only() {
    assert_eq!(detected(XUNIT), Some(Format::Trx));
    assert_eq!(detected(NO_OUTCOME), Some(Format::Trx));
    assert_eq!(detected("<TestRun id=\"x\"><Results/></TestRun>"), None, "no TeamTest namespace");
    assert_eq!(detected("<testsuites><testsuite name=\"TestRun\"/></testsuites>"), Some(Format::Junit));
    assert_eq!(detected("<TestRunner xmlns=\"http://microsoft.com/schemas/VisualStudio/TeamTest/2010\"/>"), None);
}

#[test]
fn xunit_adapter_run_counts_skips_in_total_only_and_its_fail_lines_are_explained() {
    let ev = read(Format::Trx, XUNIT);
    assert_eq!((ev.tally.passed, ev.tally.failed, ev.tally.skipped, ev.tally.errored), (3, 3, 1, 0));
    assert!(broken_claims(&ev).is_empty(), "{:?}", broken_claims(&ev));
    assert!(ev.claims.iter().any(|c| c.field == "Counters.executed"));
    assert!(!ev.claims.iter().any(|c| c.field == "Counters.notExecuted"), "vstest writes 0 beside skips");
    assert_eq!(ev.failures.len(), 3, "the [FAIL] RunInfos add nothing");
    let fail = ev.failures.iter().find(|f| f.name.ends_with("FailTest")).map(|f| f.replay.clone());
    assert_eq!(
        fail.flatten().as_deref(),
        Some("dotnet test --filter FullyQualifiedName=SampleProject.xUnit.TestServiceTests.FailTest")
    );
    assert_eq!(judge(ev, None), (1, vec![]));
    assert_eq!(
        read(Format::Trx, XUNIT).provenance.first().map(|p| p.value.as_str()),
        Some("2024-11-14T17:13:23.6483471+10:00")
    );
}

#[test]
fn data_driven_parents_and_rows_all_count() {
    let ev = read(Format::Trx, DATA_DRIVEN);
    assert_eq!((ev.tally.passed, ev.tally.failed), (3, 3));
    assert!(broken_claims(&ev).is_empty(), "{:?}", broken_claims(&ev));
    let ev = read(Format::Trx, DATA_DRIVEN_2013);
    assert_eq!(ev.tally.passed, 12);
    assert!(broken_claims(&ev).is_empty(), "{:?}", broken_claims(&ev));
    assert!(ev.claims.iter().any(|c| c.scope.starts_with("result ") && c.field == "Counters.passed"));
    assert_eq!(judge(ev, None), (0, vec![]));
}

#[test]
fn a_row_flipped_to_passed_breaks_the_parents_claims() {
    // The failing row passes, the parent still says Failed: the run is still red.
    let text = DATA_DRIVEN.replacen(
        "testName=\"Two_pass_one_fails (1)\" computerName=\"GFOIDL-PC-2018\" duration=\"00:00:00.0275393\" startTime=\"2019-04-18T18:31:06.8401400+02:00\" endTime=\"2019-04-18T18:31:06.9144445+02:00\" testType=\"13cdc9d9-ddb5-4fa4-a97d-d965ccfc6d4b\" outcome=\"Failed\"",
        "testName=\"Two_pass_one_fails (1)\" computerName=\"GFOIDL-PC-2018\" duration=\"00:00:00.0275393\" startTime=\"2019-04-18T18:31:06.8401400+02:00\" endTime=\"2019-04-18T18:31:06.9144445+02:00\" testType=\"13cdc9d9-ddb5-4fa4-a97d-d965ccfc6d4b\" outcome=\"Passed\"",
        1,
    );
    assert_ne!(text, DATA_DRIVEN);
    let ev = read(Format::Trx, &text);
    assert_eq!(ev.tally.failed, 2);
    let (code, rules) = judge(ev, None);
    assert_eq!((code, rules), (3, vec!["TG103".to_owned()]));
}

#[test]
fn a_result_without_outcome_is_an_error_the_counters_count_as_error() {
    let ev = read(Format::Trx, NO_OUTCOME);
    assert_eq!((ev.tally.errored, ev.tally.passed), (3, 0));
    assert!(broken_claims(&ev).is_empty(), "{:?}", broken_claims(&ev));
    assert!(ev.failures.iter().all(|f| f.message.as_deref().is_some_and(|m| m.starts_with("outcome (none)"))));
    assert_eq!(
        ev.failures[0].suite.as_deref(),
        Some("LindbergCorp.StringFileTranslator.Test.TranslatorTests"),
        "assembly qualification dropped; definitions came first"
    );
    assert_eq!(judge(ev, None).0, 1);
}

#[test]
fn warning_summary_with_a_passing_test_is_green() {
    let ev = read(Format::Trx, passing());
    assert_eq!(ev.tally.passed, 1);
    assert!(broken_claims(&ev).is_empty());
    assert_eq!(judge(ev, None), (0, vec![]));
}

#[test]
fn every_not_passed_outcome_is_never_a_pass() {
    for outcome in [
        "Failed",
        "Error",
        "Timeout",
        "Aborted",
        "Inconclusive",
        "NotRunnable",
        "Disconnected",
        "Warning",
        "PassedButRunAborted",
        "Completed",
        "InProgress",
        "Pending",
        "Bogus",
        "passed",
    ] {
        let text = WARNING.replace("outcome=\"Passed\"", &format!("outcome=\"{outcome}\""));
        let (code, _) = judge(read(Format::Trx, &text), None);
        assert_ne!(code, 0, "{outcome}");
    }
    let skipped = WARNING.replace("outcome=\"Passed\"", "outcome=\"NotExecuted\"");
    assert_eq!(judge(read(Format::Trx, &skipped), None).0, 3, "a run of skips ran nothing");
}

#[test]
fn a_summary_claiming_completed_over_a_failure_is_a_false_green() {
    let text = XUNIT.replace("<ResultSummary outcome=\"Failed\">", "<ResultSummary outcome=\"Completed\">");
    let (code, rules) = judge(read(Format::Trx, &text), None);
    assert_eq!(code, 3);
    assert!(rules.contains(&"TG101".to_owned()), "{rules:?}");
}

#[test]
fn a_run_aborted_by_a_crashed_host_is_not_green() {
    let text = WARNING.replace(
        "<RunInfo computerName=\"BUILD-HOST\" outcome=\"Warning\"",
        "<RunInfo computerName=\"BUILD-HOST\" outcome=\"Error\"",
    );
    let ev = read(Format::Trx, &text);
    assert_eq!(ev.tally.errored, 1);
    assert!(ev.failures.iter().any(|f| f.name.contains("RunInfo")));
    assert_ne!(judge(ev, None).0, 0);
}

#[test]
fn an_xunit_fail_line_without_a_failed_result_is_an_error() {
    let text = XUNIT.replace("TestServiceTests.FailTest [FAIL]", "TestServiceTests.PassingTest [FAIL]");
    let ev = read(Format::Trx, &text);
    assert_eq!(ev.tally.errored, 1);
}

#[test]
fn a_definition_without_a_result_is_incomplete_in_either_layout() {
    // vstest layout: results first. Drop the passing result of PassingTest.
    let start = XUNIT.find("<UnitTestResult executionId=\"a9d01fba").unwrap_or(0);
    let end = start + XUNIT[start..].find("</UnitTestResult>").unwrap_or(0) + "</UnitTestResult>".len();
    let text = format!("{}{}", &XUNIT[..start], &XUNIT[end..]);
    let ev = read(Format::Trx, &text);
    assert_eq!(ev.tally.incomplete, 1, "definition and entry report it once");
    assert!(
        ev.failures
            .iter()
            .any(|f| f.name == "SampleProject.xUnit.TestServiceTests.PassingTest"
                && f.outcome == CaseOutcome::Incomplete)
    );
    let (code, rules) = judge(ev, None);
    assert_eq!(code, 3, "{rules:?}");
    // mstest.exe layout: definitions first.
    let text = WARNING.replace("testId=\"2f883222-b158-daea-c5b3-ffe008e58ebe\" testName", "testId=\"other\" testName");
    let ev = read(Format::Trx, &text);
    assert_eq!(ev.tally.incomplete, 1);
    assert_ne!(judge(ev, None).0, 0);
}

#[test]
fn no_summary_is_truncated() {
    let start = WARNING.find("<ResultSummary").unwrap_or(0);
    let end = WARNING.find("</ResultSummary>").unwrap_or(0) + "</ResultSummary>".len();
    let text = format!("{}{}", &WARNING[..start], &WARNING[end..]);
    let ev = read(Format::Trx, &text);
    assert!(ev.observations.iter().any(|o| matches!(o, Observation::Truncated { .. })));
    assert_eq!(judge(ev, None).0, 3);
}

#[test]
fn malformed_and_truncated_files_are_unparseable_with_a_position() {
    let cut = &XUNIT[..XUNIT.len() / 2];
    let cut = &cut[..cut.char_indices().last().map_or(0, |(i, _)| i)];
    let cases: Vec<String> = vec![
        cut.to_owned(),
        XUNIT.replace("</Results>", "</Result>"),
        XUNIT.replace("outcome=\"Failed\"", "outcome=\"Failed\" outcome=\"Passed\""),
        XUNIT.replace("<Counters total=\"7\"", "<Counters total=\"-7\""),
        XUNIT.replace("<Counters total=\"7\"", "<Counters total=\"99999999999\""),
        XUNIT.replace("This test will fail", "&bogus;"),
        format!("{XUNIT}<TestRun/>"),
        XUNIT.replacen("<Results>", "<Results></Results><Results>", 1),
        "<TestRun xmlns=\"http://microsoft.com/schemas/VisualStudio/TeamTest/2010\">".to_owned() + &"<a>".repeat(300),
    ];
    for text in cases {
        let ev = read(Format::Trx, &text);
        assert_eq!(unparseable(&ev).len(), 1, "{}", &text[text.len().saturating_sub(200)..]);
        let (code, rules) = judge(ev, None);
        assert_eq!(code, 3);
        assert!(rules.contains(&"TG001".to_owned()));
    }
}

#[test]
fn failures_read_before_an_error_are_kept() {
    let cut = &XUNIT[..XUNIT.find("<TestDefinitions>").unwrap_or(0)];
    let ev = read(Format::Trx, cut);
    assert_eq!(ev.tally.failed, 3);
    assert_eq!(ev.failures.len(), 3);
}

#[test]
fn short_test_names_in_different_classes_do_not_conflict() {
    // MSTest writes short names; two classes with a test of the same name.
    let text = WARNING.replace(
        "  </Results>",
        "<UnitTestResult executionId=\"e2\" testId=\"2f883222-0000-0000-0000-000000000000\" testName=\"MyTest\" outcome=\"Failed\" />\n  </Results>",
    );
    let ev = read(Format::Trx, &text);
    assert!(!ev.observations.iter().any(|o| matches!(o, Observation::ConflictingDuplicate { .. })));
    // The same test reported twice with different outcomes does conflict.
    let text = WARNING.replace(
        "  </Results>",
        "<UnitTestResult executionId=\"e2\" testId=\"2f883222-b158-daea-c5b3-ffe008e58ebe\" testName=\"MyTest\" outcome=\"Failed\" />\n  </Results>",
    );
    let ev = read(Format::Trx, &text);
    assert!(ev.observations.iter().any(|o| matches!(o, Observation::ConflictingDuplicate { .. })));
}

#[test]
fn replay_escapes_vstest_filter_operators_and_shell_quotes() {
    let names = DefinitionNames { class: Some("Ns.C, Asm, Version=1.0".into()), method: Some("M(x)".into()) };
    assert_eq!(replay_for(&names).as_deref(), Some("dotnet test --filter 'FullyQualifiedName=Ns.C.M\\(x\\)'"));
    let names = DefinitionNames { class: Some("Ns.C".into()), method: Some("Ns.C.M".into()) };
    assert_eq!(replay_for(&names).as_deref(), Some("dotnet test --filter FullyQualifiedName=Ns.C.M"));
    let names = DefinitionNames { class: None, method: Some("[Test Class Cleanup Failure (x)]".into()) };
    assert_eq!(replay_for(&names), None);
}

#[test]
fn xunit_fail_lines() {
    assert_eq!(xunit_fail_line("[xUnit.net 00:00:00.19]     A.B.C(x: 1) [FAIL]"), Some("A.B.C(x: 1)"));
    assert_eq!(xunit_fail_line("[xUnit.net 00:00:00.17]     A.B [SKIP]"), None);
    assert_eq!(xunit_fail_line("The active test run was aborted. Reason: Test host process crashed"), None);
}

proptest::proptest! {
    #[test]
    fn missing_from_agrees_with_a_binary_search(mut haystack in proptest::collection::vec(0u64..400, 0..200), mut needles in proptest::collection::vec(0u64..400, 0..100)) {
        haystack.sort_unstable();
        haystack.dedup();
        needles.sort_unstable();
        needles.dedup();
        let mut missing = vec![7];
        super::missing_from(&needles, &haystack, &mut missing);
        let expected: Vec<u64> = needles.iter().copied().filter(|n| haystack.binary_search(n).is_err()).collect();
        proptest::prop_assert_eq!(missing, expected);
    }
}

#[test]
fn a_results_duration_is_its_timespan_and_a_bad_one_is_none() {
    let sorted = |mut durations: Vec<(String, Option<f64>)>| {
        durations.sort_by(|a, b| a.0.cmp(&b.0));
        durations
    };
    let (_, durations) = crate::parse::testing::durations(Format::Trx, DATA_DRIVEN);
    // Failures are handed over after the definitions: compare in name order.
    let expected = [
        ("Failing_test", Some(0.0006181)),
        ("Slow_test", Some(1.0009908)),
        ("Two_pass_one_fails", Some(0.0372035)),
        ("Two_pass_one_fails (0)", Some(0.0051356)),
        ("Two_pass_one_fails (1)", Some(0.0275393)),
        ("Two_pass_one_fails (2)", Some(0.0000065)),
    ];
    assert_eq!(sorted(durations), timed(&expected));
    let tampered = DATA_DRIVEN
        .replace(r#"duration="00:00:01.0009908""#, r#"duration="1.0009908""#)
        .replace(r#"duration="00:00:00.0006181""#, r#"duration="-00:00:00.0006181""#)
        .replace(r#"duration="00:00:00.0275393""#, r#"duration="""#);
    let durations = sorted(bad_durations(Format::Trx, DATA_DRIVEN, &tampered));
    let expected = [
        ("Failing_test", None),
        ("Slow_test", None),
        ("Two_pass_one_fails", Some(0.0372035)),
        ("Two_pass_one_fails (0)", Some(0.0051356)),
        ("Two_pass_one_fails (1)", None),
        ("Two_pass_one_fails (2)", Some(0.0000065)),
    ];
    assert_eq!(durations, timed(&expected));
}

const ESHOP: &str = include_str!("../../../tests/fixtures/trx/public/bibipkins-xunit-eshop-fail.trx");

#[test]
fn offloaded_passes_record_what_the_general_path_records() {
    use crate::parse::testing::{copies, read_both_ways};
    for text in [XUNIT, DATA_DRIVEN, NO_OUTCOME, WARNING, DATA_DRIVEN_2013, ESHOP] {
        let [fast, general] = read_both_ways(Format::Trx, text);
        assert_eq!(fast, general);
    }
    // Big enough for the worker: the eShop run's passing results repeated
    // (each with its own test id) before its own.
    let line = ESHOP.lines().find(|l| l.contains(r#"outcome="Passed""#) && l.ends_with("/>")).unwrap_or("");
    let big = ESHOP.replacen("<Results>", &format!("<Results>\n{}", copies(line.trim(), "testId", 20_000)), 1);
    let [fast, general] = read_both_ways(Format::Trx, &big);
    assert_eq!(fast.0["tally"]["passed"], 20_000 + 38);
    assert_eq!(fast, general);
    // A repeated attribute in a passing result far into the file: the same error at the same place.
    let bad = line.trim().replacen("computerName=", r#"outcome="Passed" computerName="#, 1);
    let big = ESHOP.replacen(
        "<Results>",
        &format!(
            "<Results>\n{}{bad}\n{}",
            copies(line.trim(), "testId", 10_000),
            copies(line.trim(), "executionId", 50)
        ),
        1,
    );
    let [fast, general] = read_both_ways(Format::Trx, &big);
    let unparseable = |v: &serde_json::Value| v["observations"].clone();
    assert_eq!(unparseable(&fast.0), unparseable(&general.0));
    assert!(unparseable(&fast.0).to_string().contains("repeated"), "{}", unparseable(&fast.0));
}

/// The eShop run grown far past the listing's in-line batches: `n` passing
/// results repeated (each with its own test id), `n + missing` definitions of
/// that test and `n` entries, before the run's own. The run's failure is
/// named by a definition the worker reads.
fn eshop_grown(n: usize, missing: usize, bad_definition_at: Option<usize>) -> String {
    use crate::parse::testing::copies;
    let line = ESHOP.lines().find(|l| l.contains(r#"outcome="Passed""#) && l.ends_with("/>")).unwrap_or("").trim();
    let id = line.split("testId=\"").nth(1).and_then(|r| r.split('"').next()).unwrap_or("");
    let start = ESHOP.find(&format!(r#"id="{id}">"#)).and_then(|at| ESHOP[..at].rfind("<UnitTest ")).unwrap_or(0);
    let end = ESHOP[start..].find("</UnitTest>").map_or(start, |at| start + at + "</UnitTest>".len());
    let definition = &ESHOP[start..end];
    let entry = ESHOP.lines().find(|l| l.contains("<TestEntry ") && l.contains(id)).unwrap_or("").trim();
    let mut definitions = copies(definition, "id", n + missing);
    if let Some(at) = bad_definition_at {
        // A repeated attribute in the `TestMethod` of a definition far in.
        let bad = definition.replacen("className=", r#"name="x" className="#, 1);
        let cut = definitions.match_indices("<UnitTest ").nth(at).map_or(definitions.len(), |(i, _)| i);
        definitions.insert_str(cut, &format!("{bad}\n"));
    }
    ESHOP
        .replacen("<Results>", &format!("<Results>\n{}", copies(line, "testId", n)), 1)
        .replacen("<TestDefinitions>", &format!("<TestDefinitions>\n{definitions}"), 1)
        .replacen("<TestEntries>", &format!("<TestEntries>\n{}", copies(entry, "testId", n)), 1)
}

#[test]
fn definitions_read_on_the_listing_worker_find_what_the_general_path_finds() {
    use crate::parse::testing::read_both_ways;
    let n = 20_000;
    let big = eshop_grown(n, 3, None);
    let [fast, general] = read_both_ways(Format::Trx, &big);
    assert_eq!(fast, general);
    let failures = fast.0["failures"].as_array().cloned().unwrap_or_default();
    // The three definitions with no result, past the last result, are incomplete, named.
    let incomplete: Vec<_> = failures.iter().filter(|f| f["outcome"] == "incomplete").collect();
    assert_eq!(incomplete.len(), 3, "{failures:#?}");
    assert!(incomplete.iter().all(|f| f["suite"].as_str().unwrap_or("").starts_with("000200")), "{incomplete:#?}");
    // The run's own failure is named by its definition (class and replay command).
    let failed: Vec<_> = failures.iter().filter(|f| f["outcome"] == "failed").collect();
    assert!(!failed.is_empty() && failed.iter().all(|f| !f["replay"].is_null()), "{failed:#?}");
}

#[test]
fn a_bad_definition_far_in_is_reported_at_its_place_either_way() {
    use crate::parse::testing::read_both_ways;
    let big = eshop_grown(20_000, 2, Some(15_000));
    let [fast, general] = read_both_ways(Format::Trx, &big);
    let observations = fast.0["observations"].to_string();
    assert!(observations.contains("repeated"), "{observations}");
    assert_eq!(fast, general);
}
