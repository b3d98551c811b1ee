use super::*;
use crate::model::{ArtifactInfo, CaseOutcome, ClaimKind, EvidenceLimits, FailureRecord, Observation, SourceLocation};

fn evidence() -> Evidence {
    let info =
        ArtifactInfo { path: "r.xml".into(), format: Some(Format::Junit), sha256: None, size: 0, modified: None };
    Evidence::new(info, EvidenceLimits::default())
}

/// Read `xml` as the driver does (reader, then `finish`), returning the error if any.
fn read_str(xml: &str, workspace: Option<&str>) -> (Evidence, Result<(), ParseError>) {
    let mut ev = evidence();
    let result = read(
        &mut xml.as_bytes(),
        &mut ev,
        &crate::parse::ReadContext::new(Format::Junit, workspace, Default::default()),
    );
    ev.finish();
    (ev, result)
}

fn read_ok(xml: &str) -> Evidence {
    let (ev, result) = read_str(xml, None);
    assert_eq!(result, Ok(()), "{xml}");
    ev
}

fn read_err(xml: &str) -> (Evidence, ParseError) {
    let (ev, result) = read_str(xml, None);
    match result {
        Err(e) => (ev, e),
        Ok(()) => panic!("expected a parse error for {xml}"),
    }
}

/// `scope field claimed derived` of every count claim that does not hold.
fn broken(ev: &Evidence) -> Vec<String> {
    ev.claims
        .iter()
        .filter(|c| !c.holds())
        .map(|c| match &c.kind {
            ClaimKind::Count { claimed, derived, .. } => format!("{} {} {claimed} {derived}", c.scope, c.field),
            ClaimKind::Status { .. } => format!("{} {}", c.scope, c.field),
        })
        .collect()
}

fn failure<'a>(ev: &'a Evidence, name: &str) -> &'a FailureRecord {
    match ev.failures.iter().find(|f| f.name == name) {
        Some(f) => f,
        None => panic!("no failure {name}: {:?}", ev.failures),
    }
}

fn conflicts(ev: &Evidence) -> usize {
    ev.observations.iter().filter(|o| matches!(o, Observation::ConflictingDuplicate { .. })).count()
}

fn sniff(text: &str) -> Option<Format> {
    detect(&Sniff::new(text.as_bytes(), true, "x.xml"))
}

// ---------------------------------------------------------------- detection

#[test]
fn detects_junit_roots_after_prolog() {
    assert_eq!(sniff("<testsuites/>"), Some(Format::Junit));
    assert_eq!(
        sniff("\u{feff}<?xml version=\"1.0\"?>\n<!-- made by x -->\n<testsuite name=\"a\">"),
        Some(Format::Junit)
    );
    assert_eq!(sniff("<?xml version=\"1.0\"?><!DOCTYPE t [<!ENTITY a \"b>\">]><testsuites>"), Some(Format::Junit));
    assert_eq!(sniff("<?xml-stylesheet href=\"x\"?>\n\t<testsuites\n name=\"x\">"), Some(Format::Junit));
}

#[test]
fn does_not_claim_other_xml_or_json() {
    assert_eq!(sniff("<html><testsuites/></html>"), None);
    assert_eq!(sniff("<testsuitesfoo/>"), None);
    assert_eq!(sniff("<!-- <testsuites> -->"), None);
    assert_eq!(sniff("<?xml version=\"1.0\"?><project><testsuite/></project>"), None);
    assert_eq!(sniff("{\"testsuites\": []}"), None);
    assert_eq!(sniff("TAP version 13\n<testsuites>"), None);
}

// ---------------------------------------------------------------- outcomes

#[test]
fn result_children_decide_the_outcome() {
    let ev = read_ok(
        r#"<testsuite name="s" tests="7" failures="2" errors="1" skipped="1">
          <testcase classname="C" name="pass"/>
          <testcase classname="C" name="fail"><failure message="boom">trace</failure></testcase>
          <testcase classname="C" name="error"><error message="npe"/></testcase>
          <testcase classname="C" name="skip"><skipped/></testcase>
          <testcase classname="C" name="flaky"><flakyFailure message="first try"/><system-out>x</system-out></testcase>
          <testcase classname="C" name="rerun"><failure message="a"/><rerunFailure message="b"/><rerunFailure message="c"/></testcase>
          <testcase classname="C" name="empty"></testcase>
        </testsuite>"#,
    );
    let t = ev.tally;
    assert_eq!((t.passed, t.failed, t.errored, t.skipped, t.flaky), (2, 2, 1, 1, 1));
    assert_eq!(failure(&ev, "fail").message.as_deref(), Some("boom\ntrace"));
    assert_eq!(failure(&ev, "flaky").outcome, CaseOutcome::Flaky);
    assert_eq!(failure(&ev, "flaky").message.as_deref(), Some("passed after 1 failed attempt(s): first try"));
    assert_eq!(failure(&ev, "rerun").message.as_deref(), Some("failed all 3 attempts: a"));
    assert_eq!(failure(&ev, "error").outcome, CaseOutcome::Errored);
    assert!(broken(&ev).is_empty(), "{:?}", broken(&ev));
}

#[test]
fn a_rerun_without_a_final_failure_is_still_red() {
    let ev = read_ok(r#"<testsuite name="s"><testcase name="t"><rerunError message="x"/></testcase></testsuite>"#);
    assert_eq!(ev.tally.failed, 1);
}

#[test]
fn failure_text_is_unescaped_from_text_cdata_and_references() {
    let ev = read_ok(
        "<testsuite name=\"s\"><testcase name=\"t\"><failure message=\"a&#10;b &quot;c&quot;\">x &lt;&amp;&gt; <![CDATA[<raw> &amp;]]>&#x41;</failure></testcase></testsuite>",
    );
    assert_eq!(failure(&ev, "t").message.as_deref(), Some("a\nb \"c\"\nx <&> <raw> &amp;A"));
}

#[test]
fn text_outside_result_elements_is_not_the_message() {
    let ev = read_ok(
        r#"<testsuite name="s"><testcase name="t"><system-out>noise</system-out><failure>real</failure><system-err>more</system-err></testcase></testsuite>"#,
    );
    assert_eq!(failure(&ev, "t").message.as_deref(), Some("real"));
}

#[test]
fn huge_failure_text_is_capped_and_marked() {
    let body = "x".repeat(200_000);
    let xml = format!(r#"<testsuite name="s"><testcase name="t"><failure>{body}</failure></testcase></testsuite>"#);
    let ev = read_ok(&xml);
    let message = failure(&ev, "t").message.as_deref().unwrap_or_default();
    assert!(message.len() < 10_000, "{}", message.len());
    assert!(message.ends_with("bytes cut]"), "{}", &message[message.len() - 40..]);
}

// ---------------------------------------------------------------- two witnesses

#[test]
fn declared_failures_without_failing_testcases_are_a_mismatch_and_a_failure() {
    let ev = read_ok(
        r#"<testsuites tests="2" failures="1" errors="1"><testsuite name="s" tests="2" failures="1">
           <testcase name="a"/><testcase name="b"><failure/></testcase></testsuite></testsuites>"#,
    );
    assert_eq!(broken(&ev), vec!["<testsuites> errors 1 0"]);
    // The hidden failure is a case, so the run is red whatever else holds.
    assert_eq!(ev.tally.errored, 1);
    let hidden = failure(&ev, "1 declared failure(s) with no testcase");
    assert_eq!(hidden.suite.as_deref(), Some("<testsuites>"));
    assert!(
        hidden
            .message
            .as_deref()
            .is_some_and(|m| m.contains("declares 2 failure(s) and error(s), but its testcases show 1"))
    );
}

#[test]
fn a_hidden_failure_is_recorded_once_however_many_levels_declare_it() {
    let ev = read_ok(
        r#"<testsuites failures="1"><testsuite name="s" failures="1"><testcase name="a"/></testsuite></testsuites>"#,
    );
    assert_eq!(broken(&ev).len(), 2);
    assert_eq!(ev.tally.errored, 1);
}

#[test]
fn fewer_or_more_testcases_than_declared_is_a_mismatch() {
    let ev =
        read_ok(r#"<testsuite name="s" tests="5" failures="0"><testcase name="a"/><testcase name="b"/></testsuite>"#);
    assert_eq!(broken(&ev), vec!["<testsuite name=\"s\"> tests 5 2"]);
    let ev = read_ok(r#"<testsuite name="s" tests="1"><testcase name="a"/><testcase name="b"/></testsuite>"#);
    assert_eq!(broken(&ev), vec!["<testsuite name=\"s\"> tests 1 2"]);
}

#[test]
fn every_level_is_checked_and_errors_count_as_failures() {
    let ev = read_ok(
        r#"<testsuites tests="3" failures="0" errors="1" skipped="1">
             <testsuite name="a" tests="2" failures="0" errors="1" skipped="0">
               <testcase name="x"/><testcase name="y"><error/></testcase></testsuite>
             <testsuite name="b" tests="1" failures="0" errors="0" skipped="0"><testcase name="z"><skipped/></testcase></testsuite>
           </testsuites>"#,
    );
    assert_eq!(broken(&ev), vec!["<testsuite name=\"b\"> skipped 0 1"]);
    assert_eq!(ev.claims.len(), 12);
    assert_eq!(ev.tally.errored, 1);
}

#[test]
fn claims_carry_the_declaring_elements_offset_and_attribute() {
    let xml = r#"<testsuites><testsuite name="s" tests="2"><testcase name="a"/></testsuite></testsuites>"#;
    let ev = read_ok(xml);
    let claim = &ev.claims[0];
    assert_eq!(claim.position.byte_offset, Some(xml.find("<testsuite ").unwrap_or_default() as u64));
    assert_eq!(claim.position.field.as_deref(), Some("tests"));
}

#[test]
fn disabled_tests_must_be_among_the_skipped() {
    let ev = read_ok(
        r#"<testsuite name="s" tests="2" disabled="1"><testcase name="a"/><testcase name="b"><skipped/></testcase></testsuite>"#,
    );
    assert!(broken(&ev).is_empty());
    let ev =
        read_ok(r#"<testsuite name="s" tests="1" disabled="2"><testcase name="a"><skipped/></testcase></testsuite>"#);
    assert_eq!(broken(&ev), vec!["<testsuite name=\"s\"> disabled 2 1"]);
}

#[test]
fn count_attributes_must_be_counts() {
    let (_, err) = read_err(r#"<testsuite name="s" tests="many"><testcase name="a"/></testsuite>"#);
    assert!(err.message.contains("tests=\"many\" is not a count"), "{}", err.message);
    assert_eq!(err.position.byte_offset, Some(0));
}

// ---------------------------------------------------------------- Surefire

#[test]
fn surefire_counts_skipped_in_tests_and_flakes_separately() {
    let ev = read_ok(
        r#"<?xml version="1.0"?>
        <testsuite xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="https://maven.apache.org/surefire/maven-surefire-plugin/xsd/surefire-test-report.xsd" version="3.0.2" name="com.x.ATest" tests="3" errors="0" skipped="1" failures="1" flakes="1">
          <testcase name="ok" classname="com.x.ATest"><flakyFailure message="once"/></testcase>
          <testcase name="bad(int)[1]" classname="com.x.ATest"><failure message="no"/></testcase>
          <testcase name="later" classname="com.x.ATest"><skipped/></testcase>
        </testsuite>"#,
    );
    assert!(broken(&ev).is_empty(), "{:?}", broken(&ev));
    assert_eq!(failure(&ev, "bad(int)[1]").replay.as_deref(), Some("mvn test -Dtest='com.x.ATest#bad'"));
    assert_eq!(failure(&ev, "ok").suite.as_deref(), Some("com.x.ATest"));
}

// ---------------------------------------------------------------- pytest

const PYTEST_HEAD: &str = r#"<testsuites name="pytest tests"><testsuite name="pytest" "#;

#[test]
fn pytest_errors_are_errored_and_xfail_is_skipped() {
    let ev = read_ok(&format!(
        r#"{PYTEST_HEAD} tests="3" failures="0" errors="1" skipped="1">
        <testcase classname="tests.test_a.TestX" name="test_setup"><error message="failed on setup"/></testcase>
        <testcase classname="tests.test_a" name="test_xfail"><skipped type="pytest.xfail" message="bug"/></testcase>
        <testcase classname="tests.test_a" name="test_ok"/></testsuite></testsuites>"#
    ));
    assert!(broken(&ev).is_empty(), "{:?}", broken(&ev));
    assert_eq!((ev.tally.errored, ev.tally.skipped, ev.tally.passed), (1, 1, 1));
    let f = failure(&ev, "test_setup");
    assert_eq!(f.replay.as_deref(), Some("pytest tests/test_a.py::TestX::test_setup"));
    assert_eq!(f.suite.as_deref(), Some("tests.test_a.TestX"));
}

#[test]
fn pytest_rerunfailures_attempts_then_pass_is_one_flaky_test() {
    let ev = read_ok(&format!(
        r#"{PYTEST_HEAD} tests="2" failures="0" errors="0" skipped="0">
        <testcase classname="test_r" name="test_flaky" file="test_r.py" line="3"/>
        <testcase classname="test_r" name="test_flaky" file="test_r.py" line="3"/>
        <testcase classname="test_r" name="test_flaky" file="test_r.py" line="3"/>
        <testcase classname="test_r" name="test_other"/></testsuite></testsuites>"#
    ));
    assert!(broken(&ev).is_empty(), "{:?}", broken(&ev));
    assert_eq!(conflicts(&ev), 0);
    assert_eq!((ev.tally.flaky, ev.tally.passed), (1, 1));
    let f = failure(&ev, "test_flaky");
    assert_eq!(f.message.as_deref(), Some("passed on attempt 3 after 2 failed attempt(s) (pytest-rerunfailures)"));
    assert_eq!(f.replay.as_deref(), Some("pytest test_r.py::test_flaky"));
    assert_eq!(f.source, Some(SourceLocation { file: "test_r.py".into(), line: Some(4) }));
}

#[test]
fn pytest_rerunfailures_attempts_then_failure_is_one_failure() {
    let ev = read_ok(&format!(
        r#"{PYTEST_HEAD} tests="1" failures="1" errors="0" skipped="0">
        <testcase classname="test_r" name="test_bad"/><testcase classname="test_r" name="test_bad"/>
        <testcase classname="test_r" name="test_bad"><failure message="assert False"/></testcase></testsuite></testsuites>"#
    ));
    assert!(broken(&ev).is_empty(), "{:?}", broken(&ev));
    assert_eq!((ev.tally.failed, ev.tally.passed), (1, 0));
    assert_eq!(
        failure(&ev, "test_bad").message.as_deref(),
        Some("failed all 3 attempts (pytest-rerunfailures): assert False")
    );
}

#[test]
fn pytest_older_rerunfailures_counting_every_attempt_also_holds() {
    let ev = read_ok(&format!(
        r#"{PYTEST_HEAD} tests="2" failures="0" errors="0" skipped="0">
        <testcase classname="t" name="test_random"/><testcase classname="t" name="test_random"/></testsuite></testsuites>"#
    ));
    assert!(broken(&ev).is_empty(), "{:?}", broken(&ev));
    assert_eq!(ev.tally.flaky, 1);
}

#[test]
fn pytest_call_failure_plus_teardown_error_is_one_failed_test() {
    let ev = read_ok(&format!(
        r#"{PYTEST_HEAD} tests="1" failures="1" errors="1" skipped="0">
        <testcase classname="t" name="test_both"><failure message="call"/></testcase>
        <testcase classname="t" name="test_both"><error message="teardown"/></testcase></testsuite></testsuites>"#
    ));
    assert!(broken(&ev).is_empty(), "{:?}", broken(&ev));
    assert_eq!(conflicts(&ev), 0);
    assert_eq!((ev.tally.failed, ev.tally.errored), (1, 0));
    assert_eq!(failure(&ev, "test_both").message.as_deref(), Some("call\n-- then, in teardown --\nteardown"));
}

#[test]
fn pytest_repeats_that_are_no_retry_conflict() {
    let ev = read_ok(&format!(
        r#"{PYTEST_HEAD} tests="2" failures="1" errors="0" skipped="0">
        <testcase classname="t" name="test_x"><failure/></testcase><testcase classname="t" name="test_x"/></testsuite></testsuites>"#
    ));
    assert_eq!(conflicts(&ev), 1);
    assert_eq!((ev.tally.failed, ev.tally.passed), (1, 1));
}

#[test]
fn same_names_in_different_pytest_modules_are_different_tests() {
    let ev = read_ok(&format!(
        r#"{PYTEST_HEAD} tests="2" failures="1" errors="0" skipped="0">
        <testcase classname="a" name="test_x"><failure/></testcase><testcase classname="b" name="test_x"/></testsuite></testsuites>"#
    ));
    assert_eq!(conflicts(&ev), 0);
    assert!(broken(&ev).is_empty());
}

// ---------------------------------------------------------------- jest

#[test]
fn jest_leaves_todo_out_of_tests() {
    let ev = read_ok(
        r#"<testsuites name="jest tests" tests="2" failures="1" errors="0">
        <testsuite name="m" errors="0" failures="1" skipped="0" tests="2">
          <testcase classname="m ok" name="m ok"></testcase>
          <testcase classname="m todo" name="m todo"></testcase>
          <testcase classname="m bad" name="m bad"><failure>Error: x
    at Object.toBe (/w/app/src/m.test.js:3:39)</failure></testcase>
        </testsuite></testsuites>"#,
    );
    assert!(broken(&ev).is_empty(), "{:?}", broken(&ev));
    let (ev, _) = read_str(
        r#"<testsuites name="jest tests" tests="2" failures="1" errors="0"><testsuite name="m" errors="0" failures="1" skipped="0" tests="2"><testcase classname="m bad" name="m bad"><failure>Error: x
    at Object.toBe (/w/app/src/m.test.js:3:39)</failure></testcase></testsuite></testsuites>"#,
        Some("/w/app"),
    );
    let f = failure(&ev, "m bad");
    assert_eq!(f.replay.as_deref(), Some("npx jest -t '^m bad$'"));
    assert_eq!(f.source, Some(SourceLocation { file: "src/m.test.js".into(), line: Some(3) }));
    assert_eq!(broken(&ev).len(), 2, "one testcase is not two tests: {:?}", broken(&ev));
}

#[test]
fn jest_suite_error_pseudo_testcases_are_red_but_not_a_count_mismatch() {
    // The shape jest-junit 17 writes with `reportTestSuiteErrors` (real report:
    // tests/fixtures/junit/jest/crash_suite_errors.xml): the two pseudo
    // testcases are counted in `errors` only.
    let ev = read_ok(
        r#"<testsuites name="jest tests" tests="0" failures="0" errors="1">
        <testsuite name="broken.test.js" errors="1" failures="0" skipped="0" tests="0">
          <testcase classname="Test suite failed to run" name="broken.test.js"><error>Cannot find module</error></testcase>
          <testcase classname="Test suite failed to run" name="broken.test.js"><failure>{}</failure></testcase>
        </testsuite></testsuites>"#,
    );
    assert!(broken(&ev).is_empty(), "{:?}", broken(&ev));
    assert!(ev.tally.failures() > 0, "a suite that failed to load is red");
    // Tampered: a declared test that no testcase shows is still a mismatch.
    let ev = read_ok(
        r#"<testsuites name="jest tests" tests="1" failures="0" errors="1">
        <testsuite name="broken.test.js" errors="1" failures="0" skipped="0" tests="1">
          <testcase classname="Test suite failed to run" name="broken.test.js"><error>Cannot find module</error></testcase>
        </testsuite></testsuites>"#,
    );
    assert!(broken(&ev).contains(&"<testsuite name=\"broken.test.js\"> tests 1 0".to_owned()), "{:?}", broken(&ev));
}

// ---------------------------------------------------------------- nextest and libtest

#[test]
fn nextest_flaky_rerun_abort_and_flaky_result_fail() {
    let ev = read_ok(
        r#"<testsuites name="nextest-run" tests="4" failures="3" errors="0" skipped="0" uuid="u">
        <testsuite name="my-crate::api" tests="4" failures="3" errors="0" skipped="0">
          <testcase name="t::flaky" classname="my-crate::api"><flakyFailure message="panicked at tests/api.rs:9:5" type="test failure"/></testcase>
          <testcase name="t::abort" classname="my-crate::api"><failure message="aborted" type="test abort"/><rerunFailure type="test abort"><system-out>x</system-out></rerunFailure></testcase>
          <testcase name="t::strict" classname="my-crate::api"><failure type="flaky failure"/><flakyFailure/></testcase>
          <testcase name="t::fail" classname="my-crate::api"><failure message="panicked at src/lib.rs:15:9"/></testcase>
        </testsuite></testsuites>"#,
    );
    assert!(broken(&ev).is_empty(), "{:?}", broken(&ev));
    assert_eq!((ev.tally.flaky, ev.tally.failed), (1, 3));
    let f = failure(&ev, "t::flaky");
    assert_eq!(
        f.replay.as_deref(),
        Some("cargo nextest run --no-fail-fast -E 'binary_id(my-crate::api) & test(=t::flaky)'")
    );
    assert_eq!(f.source, Some(SourceLocation { file: "tests/api.rs".into(), line: Some(9) }));
    assert_eq!(failure(&ev, "t::abort").message.as_deref(), Some("failed all 2 attempts: aborted"));
}

#[test]
fn libtest_counts_ignored_tests_it_does_not_write() {
    let ev = read_ok(
        r#"<testsuites><testsuite name="test" package="test" id="0" errors="0" failures="1" tests="3" skipped="1">
        <testcase classname="tests" name="ok" time="0"/><testcase classname="net::tests" name="bad" time="0"><failure type="assert"/></testcase>
        <system-out/><system-err/></testsuite></testsuites>"#,
    );
    assert!(broken(&ev).is_empty(), "{:?}", broken(&ev));
    assert_eq!(failure(&ev, "bad").replay.as_deref(), Some("cargo test -- --exact net::tests::bad"));
}

// ---------------------------------------------------------------- go

#[test]
fn go_junit_report_build_failure_and_missing_result_are_errors() {
    let ev = read_ok(
        r#"<testsuites tests="2" errors="2" failures="0">
        <testsuite name="ex.com/m/broken" tests="1" failures="0" errors="1" id="0" hostname="h">
          <testcase name="[build failed]" classname="ex.com/m/broken"><error message="Build error">broken/x_test.go:5:49: cannot use</error></testcase></testsuite>
        <testsuite name="ex.com/m/gp" tests="1" failures="0" errors="1" id="1" hostname="h">
          <testcase name="TestBg" classname="ex.com/m/gp"><error message="No test result found">panic</error></testcase></testsuite>
        </testsuites>"#,
    );
    assert!(broken(&ev).is_empty(), "{:?}", broken(&ev));
    assert_eq!(ev.tally.errored, 2);
    let f = failure(&ev, "[build failed]");
    assert_eq!(f.replay.as_deref(), Some("go test ex.com/m/broken"));
    assert_eq!(f.source, Some(SourceLocation { file: "broken/x_test.go".into(), line: Some(5) }));
    assert_eq!(failure(&ev, "TestBg").replay.as_deref(), Some("go test -run '^TestBg$' ex.com/m/gp"));
}

const GOTESTSUM_PROPS: &str = r#"<properties><property name="go.version" value="go1.22"></property></properties>"#;

#[test]
fn gotestsum_build_failure_exists_only_as_root_errors() {
    let ev = read_ok(&format!(
        r#"<testsuites tests="1" failures="0" errors="1" time="1">
        <testsuite tests="1" failures="0" time="0" name="ex.com/m/ok" timestamp="t">{GOTESTSUM_PROPS}
          <testcase classname="ex.com/m/ok" name="TestOk" time="0"></testcase></testsuite></testsuites>"#
    ));
    assert_eq!(broken(&ev), vec!["<testsuites> errors 1 0"]);
    let hidden = failure(&ev, "1 declared failure(s) with no testcase");
    assert_eq!(hidden.outcome, CaseOutcome::Errored);
    assert_eq!(hidden.replay.as_deref(), Some("go test ./..."));
}

#[test]
fn gotestsum_rerun_fails_attempts_become_flaky_or_failed() {
    let ev = read_ok(&format!(
        r#"<testsuites tests="5" failures="3" errors="0">
        <testsuite tests="5" failures="3" time="0" name="ex.com/m/ok">{GOTESTSUM_PROPS}
          <testcase classname="ex.com/m/ok" name="TestFlaky"><failure message="Failed">=== RUN TestFlaky
    ok_test.go:9: once</failure></testcase>
          <testcase classname="ex.com/m/ok" name="TestBroken"><failure message="Failed">one</failure></testcase>
          <testcase classname="ex.com/m/ok" name="TestBroken"><failure message="Failed">two</failure></testcase>
          <testcase classname="ex.com/m/ok" name="TestFlaky"></testcase>
          <testcase classname="ex.com/m/ok" name="TestOk"></testcase>
        </testsuite></testsuites>"#
    ));
    assert!(broken(&ev).is_empty(), "{:?}", broken(&ev));
    assert_eq!(conflicts(&ev), 0);
    assert_eq!((ev.tally.flaky, ev.tally.failed, ev.tally.passed), (1, 1, 1));
    let flaky = failure(&ev, "TestFlaky");
    assert!(flaky.message.as_deref().is_some_and(|m| m.starts_with("passed on a rerun after 1 failed attempt(s)")));
    assert_eq!(flaky.source, Some(SourceLocation { file: "ok_test.go".into(), line: Some(9) }));
    assert_eq!(
        failure(&ev, "TestBroken").message.as_deref(),
        Some("failed all 2 attempts (gotestsum --rerun-fails): Failed\ntwo")
    );
}

#[test]
fn gotestsum_testmain_pseudo_case_is_not_counted_but_is_red() {
    let ev = read_ok(&format!(
        r#"<testsuites tests="1" failures="0" errors="0">
        <testsuite tests="1" failures="0" name="ex.com/m/ok">{GOTESTSUM_PROPS}
          <testcase classname="ex.com/m/ok" name="TestMain"><failure message="Failed">setup exploded</failure></testcase>
          <testcase classname="ex.com/m/ok" name="TestOk"></testcase></testsuite></testsuites>"#
    ));
    assert!(broken(&ev).is_empty(), "{:?}", broken(&ev));
    assert_eq!(ev.tally.failed, 1);
    assert_eq!(failure(&ev, "TestMain").replay.as_deref(), Some("go test ex.com/m/ok"));
}

// ---------------------------------------------------------------- mocha

#[test]
fn mocha_pending_and_hook_stopped_tests_are_explained() {
    let ev = read_ok(
        r#"<testsuites name="Mocha Tests" tests="4" failures="1" skipped="1">
        <testsuite name="Root Suite" tests="0" failures="0"></testsuite>
        <testsuite name="m" tests="2" file="/w/app/test/m.spec.js" failures="0"><testcase name="m ok" classname="ok"/></testsuite>
        <testsuite name="h" tests="2" file="/w/app/test/m.spec.js" failures="1">
          <testcase name="m h &quot;before all&quot; hook for &quot;x&quot;" classname="h"><failure message="boom"/></testcase></testsuite>
        </testsuites>"#,
    );
    assert!(broken(&ev).is_empty(), "{:?}", broken(&ev));
    let f = failure(&ev, "m h \"before all\" hook for \"x\"");
    assert_eq!(f.replay.as_deref(), Some("npx mocha --grep '^m h'"));
}

#[test]
fn mocha_tests_missing_beyond_pending_are_reported() {
    let ev = read_ok(
        r#"<testsuites name="Mocha Tests" tests="3" failures="0" skipped="0">
        <testsuite name="m" tests="3" failures="0"><testcase name="m ok" classname="ok"/></testsuite></testsuites>"#,
    );
    assert_eq!(broken(&ev), vec!["<testsuite name=\"m\"> tests 3 1", "<testsuites name=\"Mocha Tests\"> tests 3 1"]);
}

// ---------------------------------------------------------------- node

const NODE: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<testsuites>
	<testcase name="passes" classname="test"/>
	<testcase name="fails" classname="test" failure="x"><failure type="testCodeFailure" message="x">boom</failure></testcase>
	<testcase name="todo fails" classname="test"><skipped type="todo" message="later"/><failure type="testCodeFailure">y</failure></testcase>
	<testcase name="cancelled" classname="test"><failure type="cancelledByParent" message="c"/></testcase>
	<testsuite name="suite" disabled="0" errors="0" tests="3" failures="2" skipped="1" hostname="h">
		<testcase name="nested pass" classname="test"/>
		<testcase name="nested todo" classname="test"><skipped type="todo"/><failure>z</failure></testcase>
		<testsuite name="inner" disabled="0" errors="0" tests="1" failures="1" skipped="0" hostname="h">
			<testcase name="deep fail" classname="test"><failure>w</failure></testcase>
		</testsuite>
	</testsuite>
	<!-- tests 7 -->
	<!-- suites 2 -->
	<!-- pass 2 -->
	<!-- fail 2 -->
	<!-- cancelled 1 -->
	<!-- skipped 0 -->
	<!-- todo 2 -->
</testsuites>"#;

#[test]
fn node_counts_todo_cancelled_and_direct_children() {
    let ev = read_ok(NODE);
    assert!(broken(&ev).is_empty(), "{:?}", broken(&ev));
    // 7 comment claims + 4 claims for each of the two suites (tests, failures, skipped, errors) + disabled.
    assert_eq!(ev.claims.len(), 7 + 2 * 5);
    let t = ev.tally;
    assert_eq!((t.passed, t.failed, t.skipped), (2, 3, 2), "failing todo tests are skipped, not failed");
    assert_eq!(failure(&ev, "fails").suite, None, "top-level node tests have no suite");
    // Nested: rerun through the outermost suite, the test or describe it runs in.
    assert_eq!(failure(&ev, "deep fail").replay.as_deref(), Some("node --test --test-name-pattern='^suite$'"));
}

#[test]
fn node_summary_comments_are_checked() {
    let ev =
        read_ok(&NODE.replace("<!-- fail 2 -->", "<!-- fail 0 -->").replace("<!-- tests 7 -->", "<!-- tests 9 -->"));
    assert_eq!(broken(&ev), vec!["<testsuites> summary comments tests 9 7", "<testsuites> summary comments fail 0 2"]);
    let ev = read_ok(&NODE.replace("<!-- cancelled 1 -->", "<!-- cancelled 9 -->"));
    assert!(ev.failures.iter().any(|f| f.name.ends_with("declared failure(s) with no testcase")), "{:?}", ev.failures);
}

// ---------------------------------------------------------------- PHPUnit, bats

#[test]
fn phpunit_nested_suites_are_counted_once() {
    let ev = read_ok(
        r#"<testsuites><testsuite name="app" tests="3" assertions="3" errors="0" failures="1" skipped="1" time="0.1">
        <testsuite name="App\MathTest" file="tests/MathTest.php" tests="3" assertions="3" errors="0" failures="1" skipped="1">
          <testsuite name="App\MathTest::testAdd" tests="2" assertions="2" errors="0" failures="1" skipped="0">
            <testcase name="testAdd with data set #0" class="App\MathTest" classname="App.MathTest" file="tests/MathTest.php" line="12" assertions="1"/>
            <testcase name="testAdd with data set #1" class="App\MathTest" classname="App.MathTest" file="tests/MathTest.php" line="12" assertions="1"><failure type="Failure">Failed asserting that 3 is 4.</failure></testcase>
          </testsuite>
          <testcase name="testLater" class="App\MathTest" classname="App.MathTest" file="tests/MathTest.php" line="20" assertions="0"><skipped/></testcase>
        </testsuite></testsuite></testsuites>"#,
    );
    assert!(broken(&ev).is_empty(), "{:?}", broken(&ev));
    assert_eq!(ev.tally.total(), 3);
    let f = failure(&ev, "testAdd with data set #1");
    assert_eq!(f.replay.as_deref(), Some("phpunit --filter 'App\\\\MathTest::testAdd$'"));
    assert_eq!(f.source, Some(SourceLocation { file: "tests/MathTest.php".into(), line: Some(12) }));
}

#[test]
fn bats_failures_point_at_the_test_file() {
    let ev = read_ok(
        r#"<testsuites time="0.1"><testsuite name="sample.bats" tests="1" failures="1" errors="0" skipped="0">
        <testcase classname="sample.bats" name="it &apos;fails&apos;"><failure type="failure">(in test file test/sample.bats, line 9)
  `[ 1 -eq 2 ]' failed</failure></testcase></testsuite></testsuites>"#,
    );
    let f = failure(&ev, "it 'fails'");
    assert_eq!(f.source, Some(SourceLocation { file: "test/sample.bats".into(), line: Some(9) }));
    assert_eq!(f.replay.as_deref(), Some("bats -f '^it '\\''fails'\\''$' test/sample.bats"));
}

// ---------------------------------------------------------------- structure

#[test]
fn testcases_anywhere_below_the_root_are_counted() {
    let ev = read_ok(
        r#"<testsuites tests="2" failures="1"><testsuite name="s"><group><testcase name="a"><failure/></testcase></group></testsuite><testcase name="b"/></testsuites>"#,
    );
    assert!(broken(&ev).is_empty(), "{:?}", broken(&ev));
    assert_eq!(ev.tally.total(), 2);
}

#[test]
fn a_failure_nested_inside_a_testcase_still_counts() {
    let ev = read_ok(r#"<testsuite name="s"><testcase name="a"><detail><failure/></detail></testcase></testsuite>"#);
    assert_eq!(ev.tally.failed, 1);
}

#[test]
fn an_empty_root_is_read_and_counts_nothing() {
    let ev = read_ok(r#"<testsuites name="jest tests" tests="0" failures="0" errors="0"></testsuites>"#);
    assert!(broken(&ev).is_empty());
    assert_eq!(ev.tally.total(), 0);
    assert_eq!(ev.claims.len(), 3);
}

// ---------------------------------------------------------------- malformed input

#[test]
fn truncation_is_an_error_at_the_end_and_keeps_what_was_read() {
    let xml = r#"<testsuites><testsuite name="s" tests="3"><testcase name="bad"><failure>x</failure></testcase><testcase name="cut"><system-out>half"#;
    let (ev, err) = read_err(xml);
    assert!(err.message.starts_with("truncated: the file ends inside <testcase>"), "{}", err.message);
    assert_eq!(err.position.byte_offset, Some(xml.len() as u64));
    assert_eq!(failure(&ev, "bad").outcome, CaseOutcome::Failed);
    assert_eq!(failure(&ev, "cut").outcome, CaseOutcome::Incomplete);
    assert!(ev.claims.is_empty(), "an unfinished level makes no claim");
}

#[test]
fn a_cut_inside_a_tag_is_an_error_at_the_tag() {
    let xml = r#"<testsuites><testsuite name="s"><testcase name="a"/><testcase name="b"#;
    let (ev, err) = read_err(xml);
    assert_eq!(err.position.byte_offset, Some(xml.rfind('<').unwrap_or_default() as u64), "{err:?}");
    assert_eq!(ev.tally.passed, 1);
}

#[test]
fn held_and_grouped_cases_are_recorded_before_an_error() {
    let (ev, _) = read_err(&format!(
        r#"<testsuites><testsuite tests="1" failures="1" name="p">{GOTESTSUM_PROPS}<testcase classname="p" name="TestA"><failure/></testcase>"#
    ));
    assert_eq!(ev.tally.failed, 1);
    let (ev, _) = read_err(&format!(r#"{PYTEST_HEAD}><testcase classname="t" name="test_a"><failure/></testcase>"#));
    assert_eq!(ev.tally.failed, 1);
}

#[test]
fn malformed_xml_is_an_error_with_its_offset() {
    let cases = [
        (r#"<testsuites><testsuite name="s"></testsuites>"#, "malformed XML"),
        (r#"<testsuites><testcase name="a"/></testsuites>garbage"#, "after the root element"),
        (r#"<testsuites/><testsuites/>"#, "after the root element"),
        (r#"<testsuites><testcase name="a &foo; b"/></testsuites>"#, "foo"),
        (r#"<testsuites><testcase name="a"><failure>&foo;</failure></testcase></testsuites>"#, "unknown entity &foo;"),
        (r#"<testsuites><testcase name="a" time="&bar;"/></testsuites>"#, "bar"),
        (
            r#"<testsuites><testcase name="a"><failure>&#0;</failure></testcase></testsuites>"#,
            "invalid character reference",
        ),
        (r#"<testsuites><testcase name="a"><failure>a & b</failure></testcase></testsuites>"#, "malformed XML"),
        (r#"<testsuites><testcase name="a" name="b"/></testsuites>"#, "invalid attribute"),
        (r#"<testsuites><testcase name="a"><testcase name="b"/></testcase></testsuites>"#, "inside a <testcase>"),
        (r#"<html><testsuites/></html>"#, "not a JUnit report"),
        ("<?xml version=\"1.0\"?>\n<!-- only a comment -->", "no root element"),
    ];
    for (xml, expected) in cases {
        let (_, err) = read_err(xml);
        assert!(err.message.contains(expected), "{xml}: {}", err.message);
        assert!(err.position.byte_offset.is_some(), "{xml}");
    }
}

#[test]
fn invalid_utf8_is_an_error() {
    let mut ev = evidence();
    let bytes = b"<testsuites><testcase name=\"a\xff\"/></testsuites>";
    assert!(
        read(&mut &bytes[..], &mut ev, &crate::parse::ReadContext::new(Format::Junit, None, Default::default()))
            .is_err()
    );
}

#[test]
fn doctype_entities_are_never_expanded() {
    // Declared but unused: harmless, nothing happens.
    let ev = read_ok(
        r#"<?xml version="1.0"?><!DOCTYPE testsuites [<!ENTITY x "y">]><testsuites><testsuite name="s" tests="1"><testcase name="a"/></testsuite></testsuites>"#,
    );
    assert_eq!(ev.tally.passed, 1);
    let laughs = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<testsuites><testsuite name="s"><testcase name="a"><failure>&lol3;</failure></testcase></testsuite></testsuites>"#;
    let (_, err) = read_err(laughs);
    assert!(err.message.contains("unknown entity &lol3;"), "{}", err.message);
    let xxe = r#"<?xml version="1.0"?><!DOCTYPE t [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><testsuites><testcase name="&xxe;"/></testsuites>"#;
    let (ev, err) = read_err(xxe);
    assert!(err.message.contains("xxe"), "{}", err.message);
    assert_eq!(ev.tally.total(), 0);
}

#[test]
fn hostile_names_make_inert_replay_commands() {
    let ev = read_ok(
        r#"<testsuites name="pytest tests"><testsuite name="pytest" tests="1" failures="1" errors="0" skipped="0">
        <testcase classname="t" name="test_$(touch pwned)`id`&apos;&quot;"><failure/></testcase></testsuite></testsuites>"#,
    );
    let replay = ev.failures[0].replay.as_deref().unwrap_or_default();
    assert_eq!(replay, r#"pytest 't.py::test_$(touch pwned)`id`'\''"'"#);
}

// ---------------------------------------------------------------- large reports

/// A report big enough that passing testcases are checked on the worker thread.
fn large_report(n: usize, odd_one: Option<(usize, &str)>) -> String {
    let mut xml =
        format!("<testsuites tests=\"{n}\" failures=\"1\">\n<testsuite name=\"big\" tests=\"{n}\" failures=\"1\">\n");
    for i in 0..n {
        match odd_one {
            Some((at, tag)) if at == i => xml.push_str(tag),
            _ => xml.push_str(&format!("  <testcase classname=\"c{}\" name=\"t{i}\" time=\"0.001\"/>\n", i % 7)),
        }
    }
    xml.push_str("</testsuite>\n</testsuites>\n");
    xml
}

#[test]
fn large_reports_count_every_case_and_find_conflicts() {
    let failing_twin = "  <testcase classname=\"c3\" name=\"t10\"><failure/></testcase>\n";
    let ev = read_ok(&large_report(30_000, Some((29_000, failing_twin))));
    assert!(broken(&ev).is_empty(), "{:?}", broken(&ev));
    assert_eq!((ev.tally.passed, ev.tally.failed), (29_999, 1));
    assert_eq!(conflicts(&ev), 1, "t10 passed early and failed late: {:?}", ev.observations);
}

#[test]
fn a_bad_attribute_deep_in_a_large_report_stops_at_its_offset() {
    let bad = "  <testcase classname=\"c\" name=\"t &bogus;\"/>\n";
    let xml = large_report(30_000, Some((25_000, bad)));
    let (ev, err) = read_err(&xml);
    assert!(err.message.contains("unknown entity &bogus;"), "{}", err.message);
    assert_eq!(err.position.byte_offset, xml.find("<testcase classname=\"c\" name=\"t &bogus;").map(|p| p as u64));
    assert!(ev.tally.passed >= 24_000, "cases before the error are kept: {}", ev.tally.passed);
}

#[test]
fn elements_nested_past_the_limit_are_unparseable() {
    // 100,000 levels of suites around one passing testcase read as a green report.
    let deep = |n: usize| {
        format!(
            "<testsuites>{}<testcase name=\"t\"/>{}</testsuites>",
            "<testsuite name=\"s\">".repeat(n),
            "</testsuite>".repeat(n)
        )
    };
    assert_eq!(read_ok(&deep(MAX_DEPTH - 1)).tally.passed, 1);
    let (_, err) = read_err(&deep(100_000));
    assert_eq!(err.message, "elements nested more than 256 levels deep");
    let inside = format!("<testsuites><testcase name=\"t\">{}</testcase></testsuites>", "<x>".repeat(MAX_DEPTH));
    assert!(read_err(&inside).1.message.contains("nested more than"));
}

#[test]
fn a_self_closing_testcase_whose_status_says_it_failed_or_did_not_run_is_no_pass() {
    // The second testcase of a suite takes the fast path for passes: the
    // status must still be read (CTest's shape, tampered: no <failure> child).
    for (status, failing) in [("fail", 1), ("notrun", 1), ("disabled", 0)] {
        let ev = read_ok(&format!(
            r#"<testsuite name="(empty)" tests="2" failures="0" disabled="0" skipped="0" hostname="">
            <testcase name="a" classname="a" status="run"/>
            <testcase name="b" classname="b" status="{status}"/>
            </testsuite>"#
        ));
        assert_eq!(ev.tally.passed, 1, "{status}");
        assert_eq!(ev.tally.failures(), failing, "{status}");
    }
}
