//! Samples are cut from the real fixtures in tests/fixtures/nunit/public/ (the
//! file each comes from is named), then tampered where a test says so.

use super::*;
use crate::model::ProvenanceKind;
use crate::parse::testing::{bad_durations, broken_claims, codes, detected, judge, read, read_in, unparseable};

fn nunit(text: &str) -> Evidence {
    read(Format::Nunit, text)
}

/// nunit3-unity-editmode.xml, one fixture with two of its six cases kept.
fn unity(root_result: &str, failed_result: &str, passed: u64, failed: u64) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<test-run id="2" testcasecount="2" result="{root_result}" total="2" passed="{passed}" failed="{failed}" inconclusive="0" skipped="0" asserts="0" engine-version="3.5.0.0" clr-version="4.0.30319.42000" start-time="2021-01-19 20:51:34Z" end-time="2021-01-19 20:51:34Z" duration="0.1168037">
  <test-suite type="Assembly" id="1020" name="Editor.dll" fullname="/github/workspace/unity-project/Library/ScriptAssemblies/Editor.dll" runstate="Runnable" testcasecount="2" result="{root_result}" site="Child" total="2" passed="{passed}" failed="{failed}" inconclusive="0" skipped="0" asserts="0">
    <properties>
      <property name="_PID" value="78" />
      <property name="_APPDOMAIN" value="Unity Child Domain" />
      <property name="platform" value="EditMode" />
    </properties>
    <test-suite type="TestFixture" id="1013" name="EditorModeTest" fullname="Editor.EditorModeTest" classname="Editor.EditorModeTest" runstate="Runnable" testcasecount="2" result="{root_result}" site="Child" total="2" passed="{passed}" failed="{failed}" inconclusive="0" skipped="0" asserts="0">
      <test-case id="1016" name="FailedTest" fullname="Editor.EditorModeTest.FailedTest" methodname="FailedTest" classname="Editor.EditorModeTest" runstate="Runnable" seed="330279882" result="{failed_result}" asserts="0">
        <failure>
          <message><![CDATA[  Expected: True
  But was:  False
]]></message>
          <stack-trace><![CDATA[at Editor.EditorModeTest.FailedTest () [0x00000] in /github/workspace/unity-project/Assets/Editor/EditorModeTest.cs:21
]]></stack-trace>
        </failure>
      </test-case>
      <test-case id="1014" name="PassedTest" fullname="Editor.EditorModeTest.PassedTest" methodname="PassedTest" classname="Editor.EditorModeTest" runstate="Runnable" seed="387558551" result="Passed" asserts="0">
        <properties />
      </test-case>
    </test-suite>
  </test-suite>
</test-run>
"#
    )
}

#[test]
fn detects_nunit_roots_and_leaves_junit_and_xunit_alone() {
    assert_eq!(detected(&unity("Failed(Child)", "Failed", 1, 1)), Some(Format::Nunit));
    assert_eq!(detected("\u{feff}<?xml version=\"1.0\"?>\n<test-results total=\"1\">"), Some(Format::Nunit));
    assert_eq!(detected("\u{feff}<test-suite type=\"Assembly\" id=\"1070\">"), Some(Format::Nunit));
    assert_eq!(detected("<testsuites><testsuite name=\"a\" tests=\"0\"/></testsuites>"), Some(Format::Junit));
    assert_eq!(detected("<testsuite name=\"a\" tests=\"0\"/>"), Some(Format::Junit));
    assert_eq!(detected("<assemblies><assembly name=\"x\"/></assemblies>"), Some(Format::Xunit));
    assert_eq!(detected("<test-runs/>"), None);
}

#[test]
fn unity_failures_replay_with_the_unity_test_runner() {
    let ev = nunit(&unity("Failed(Child)", "Failed", 1, 1));
    assert_eq!((ev.tally.passed, ev.tally.failed), (1, 1));
    assert!(broken_claims(&ev).is_empty(), "{:?}", broken_claims(&ev));
    let f = &ev.failures[0];
    assert_eq!((f.suite.as_deref(), f.name.as_str()), (Some("Editor.EditorModeTest"), "FailedTest"));
    assert!(f.message.as_deref().unwrap_or("").contains("But was:  False"));
    assert!(f.message.as_deref().unwrap_or("").contains("EditorModeTest.cs:21"));
    assert_eq!(
        f.replay.as_deref(),
        Some(
            "Unity -batchmode -projectPath . -runTests -testPlatform EditMode -testFilter '^Editor\\.EditorModeTest\\.FailedTest$'"
        )
    );
    assert_eq!(judge(ev, None), (1, vec![]));
}

#[test]
fn end_time_in_utc_is_the_generation_time() {
    let ev = nunit(&unity("Failed(Child)", "Failed", 1, 1));
    let p: Vec<_> = ev.provenance.iter().map(|p| (p.kind, p.field.as_str(), p.value.as_str())).collect();
    assert_eq!(p, vec![(ProvenanceKind::GeneratedAt, "test-run end-time", "2021-01-19T20:51:34Z")]);
}

#[test]
fn a_failure_flipped_to_passed_contradicts_the_counts_and_the_result() {
    let ev = nunit(&unity("Failed(Child)", "Passed", 1, 1));
    assert_eq!(ev.tally.failures(), 0);
    let (code, found) = judge(ev, None);
    assert_eq!(code, 3);
    assert!(found.contains(&"TG103".to_owned()) && found.contains(&"TG102".to_owned()), "{found:?}");
}

#[test]
fn a_passed_result_over_a_failing_case_is_a_false_green() {
    let ev = nunit(&unity("Passed", "Failed", 2, 0));
    let (code, found) = judge(ev, None);
    assert_eq!(code, 3);
    assert!(found.contains(&"TG101".to_owned()) && found.contains(&"TG103".to_owned()), "{found:?}");
}

#[test]
fn labels_decide_errors_and_skips() {
    let doc = |result: &str, label: &str| {
        format!(
            r#"<test-run result="Failed" total="1"><test-case name="T" fullname="N.C.T" classname="N.C" result="{result}" label="{label}"><reason><message>why</message></reason></test-case></test-run>"#
        )
    };
    let outcome = |result: &str, label: &str| {
        let ev = nunit(&doc(result, label));
        let t = ev.tally;
        if t.errored == 1 {
            "errored"
        } else if t.failed == 1 {
            "failed"
        } else if t.skipped == 1 {
            "skipped"
        } else if t.passed == 1 {
            "passed"
        } else {
            "incomplete"
        }
    };
    assert_eq!(outcome("Failed", "Error"), "errored");
    assert_eq!(outcome("Failed", "Cancelled"), "errored");
    assert_eq!(outcome("Failed", "Invalid"), "errored");
    assert_eq!(outcome("Failed", "Test exceeded Timeout value 1ms."), "failed");
    assert_eq!(outcome("Skipped", "Invalid"), "errored");
    assert_eq!(outcome("Skipped", "Ignored"), "skipped");
    assert_eq!(outcome("Skipped", "Explicit"), "skipped");
    assert_eq!(outcome("Inconclusive", ""), "skipped");
    assert_eq!(outcome("Warning", ""), "incomplete");
    assert_eq!(outcome("Bogus", ""), "incomplete");
    let ev = nunit(&doc("Skipped", "Invalid"));
    assert!(ev.failures[0].message.as_deref().unwrap_or("").contains("not runnable"), "{:?}", ev.failures);
}

/// nunit3-jenkins-issue33493-inconclusive.xml, cut: NUnit says Passed over an
/// inconclusive case; truegreen agrees that nothing failed.
#[test]
fn inconclusive_is_not_a_pass_and_not_a_failure() {
    let doc = r#"<test-run id="2" testcasecount="2" result="Passed" total="2" passed="1" failed="0" inconclusive="1" skipped="0" asserts="1">
  <test-suite type="TestFixture" name="F" fullname="A.F" classname="A.F" result="Passed" total="2" passed="1" failed="0" warnings="0" inconclusive="1" skipped="0">
    <test-case name="A" fullname="A.F.A" classname="A.F" result="Inconclusive"><reason><message><![CDATA[pending]]></message></reason></test-case>
    <test-case name="B" fullname="A.F.B" classname="A.F" result="Passed" />
  </test-suite>
</test-run>"#;
    let ev = nunit(doc);
    assert_eq!((ev.tally.passed, ev.tally.skipped, ev.tally.failures()), (1, 1, 0));
    assert_eq!(judge(ev, None), (0, vec![]));
    let only_inconclusive = doc.replace(r#"result="Passed" />"#, r#"result="Inconclusive" />"#);
    let (code, found) = judge(nunit(&only_inconclusive), None);
    assert_eq!(code, 3, "nothing passed: {found:?}");
    assert!(found.contains(&"TG201".to_owned()));
}

/// nunit3-teardown-error.xml, cut: the fixture's Dispose threw after its only
/// test passed; the counts say passed=1 failed=0, which is NUnit's rule.
#[test]
fn a_teardown_error_is_an_errored_case_and_the_counts_hold() {
    let doc = r#"<test-run id="2" testcasecount="1" result="Failed" total="1" passed="1" failed="0" inconclusive="0" skipped="0" asserts="1">
  <test-suite type="TestFixture" id="0-1000" name="NUnitDisposeErrorTest" fullname="NUnitDisposeError.Test.NUnitDisposeErrorTest" classname="NUnitDisposeError.Test.NUnitDisposeErrorTest" runstate="Runnable" testcasecount="1" result="Failed" label="Error" site="TearDown" total="1" passed="1" failed="0" warnings="0" inconclusive="0" skipped="0" asserts="1">
    <failure>
      <message><![CDATA[TearDown : System.NullReferenceException : Object reference not set to an instance of an object.]]></message>
      <stack-trace><![CDATA[--TearDown
   at NUnitDisposeError.Test.NUnitDisposeErrorTest.Dispose() in C:\workspace\NUnitTest\NUnitDisposeErrorTest.cs:line 26]]></stack-trace>
    </failure>
    <test-case id="0-1001" name="Add(3,5,8)" fullname="NUnitDisposeError.Test.NUnitDisposeErrorTest.Add(3,5,8)" classname="NUnitDisposeError.Test.NUnitDisposeErrorTest" result="Passed" asserts="1" />
  </test-suite>
</test-run>"#;
    let ev = nunit(doc);
    assert_eq!((ev.tally.passed, ev.tally.errored), (1, 1));
    assert!(broken_claims(&ev).is_empty(), "{:?}", broken_claims(&ev));
    let f = &ev.failures[0];
    assert_eq!(f.name, "NUnitDisposeError.Test.NUnitDisposeErrorTest");
    assert!(f.message.as_deref().unwrap_or("").contains("site TearDown"), "{:?}", f.message);
    assert_eq!(judge(ev, None), (1, vec![]));
}

/// nunit3-runner-nunit2-tests-pickles.xml's pattern: `total` written, every
/// other count 0, NUnit 2 suite types below.
#[test]
fn the_nunit2_driver_zeros_are_not_counts_but_other_zeros_are() {
    let doc = |kind: &str, passed: u64| {
        format!(
            r#"<test-run result="Failed" total="2" passed="{passed}" failed="0" inconclusive="0" skipped="0">
  <test-suite type="{kind}" name="Pickles" fullname="Pickles" result="Failed" total="2" passed="{passed}" failed="0" inconclusive="0" skipped="0" site="Child">
    <test-case name="A" fullname="Pickles.A" result="Passed" />
    <test-case name="B" fullname="Pickles.B" result="Failed" label="Error"><failure><message>boom</message></failure></test-case>
  </test-suite>
</test-run>"#
        )
    };
    let ev = nunit(&doc("Namespace", 0));
    assert!(broken_claims(&ev).is_empty(), "{:?}", broken_claims(&ev));
    assert_eq!(judge(ev, None), (1, vec![]));
    // One non-zero count: the breakdown is written, and wrong.
    let (code, found) = judge(nunit(&doc("Namespace", 2)), None);
    assert_eq!((code, found), (3, codes(&["TG103"])));
    // An NUnit 3 file with zeroed counts is a contradiction.
    let (code, found) = judge(nunit(&doc("TestSuite", 0)), None);
    assert_eq!((code, found), (3, codes(&["TG103"])));
}

/// nunit2-mock-assembly-2.6.2.xml, cut: `total` counts the cases that ran,
/// `not-run` the rest.
#[test]
fn nunit2_counts_follow_nunit2s_rule() {
    let doc = r#"<test-results name="mock-assembly.dll" total="3" errors="1" failures="1" not-run="2" inconclusive="0" ignored="1" skipped="0" invalid="1" date="2013-09-29" time="16:19:34">
  <test-suite type="Assembly" name="mock-assembly.dll" executed="True" result="Failure" success="False" time="0.337" asserts="0">
    <results>
      <test-case name="NUnit.Tests.Assemblies.MockTestFixture.FailingTest" executed="True" result="Failure" success="False" time="0.013" asserts="0">
        <failure><message><![CDATA[Intentional failure]]></message><stack-trace><![CDATA[at NUnit.Tests.Assemblies.MockTestFixture.FailingTest()]]></stack-trace></failure>
      </test-case>
      <test-case name="NUnit.Tests.Assemblies.MockTestFixture.TestWithException" executed="True" result="Error" success="False" time="0.002" asserts="0">
        <failure><message><![CDATA[System.ApplicationException : Intentional Exception]]></message></failure>
      </test-case>
      <test-case name="NUnit.Tests.Assemblies.MockTestFixture.MockTest1" executed="True" result="Success" success="True" time="0.001" asserts="0" />
      <test-case name="NUnit.Tests.Assemblies.MockTestFixture.MockTest4" executed="False" result="Ignored"><reason><message><![CDATA[ignoring this test method for now]]></message></reason></test-case>
      <test-case name="NUnit.Tests.Assemblies.MockTestFixture.NotRunnableTest" executed="False" result="NotRunnable"><reason><message><![CDATA[No arguments were provided]]></message></reason></test-case>
    </results>
  </test-suite>
</test-results>"#;
    let ev = nunit(doc);
    assert_eq!((ev.tally.passed, ev.tally.failed, ev.tally.errored, ev.tally.skipped), (1, 1, 2, 1));
    assert!(broken_claims(&ev).is_empty(), "{:?}", broken_claims(&ev));
    assert!(ev.provenance.is_empty(), "local date and time are no provenance");
    assert_eq!(
        ev.failures[0].replay.as_deref(),
        Some("dotnet test --filter FullyQualifiedName=NUnit.Tests.Assemblies.MockTestFixture.FailingTest")
    );
    let (code, found) = judge(nunit(&doc.replace("failures=\"1\"", "failures=\"0\"")), None);
    assert_eq!((code, found), (3, codes(&["TG103"])));
}

/// nunit2-selftest-2.2.10.xml, cut: no `result`, only `executed`/`success`.
#[test]
fn nunit22_reads_executed_and_success() {
    let doc = r#"<test-results name="NUnitTests.nunit" total="2" failures="1" not-run="1" date="2009-11-30" time="17:20:28">
  <test-suite name="NUnitTests.nunit" success="False" time="37.063" asserts="0">
    <results>
      <test-case name="NUnit.Core.Tests.PlatformDetectionTests.DetectUnixUnderMono" executed="False"><reason><message><![CDATA[Only supported under Mono]]></message></reason></test-case>
      <test-case name="NUnit.Util.Tests.VSProjectTests.GenerateCorrectExtensions" executed="True" success="False" time="0.016" asserts="0"><failure><message><![CDATA[expected]]></message></failure></test-case>
      <test-case name="NUnit.Util.Tests.VSProjectTests.Other" executed="True" success="True" time="0.016" asserts="0" />
    </results>
  </test-suite>
</test-results>"#;
    let ev = nunit(doc);
    assert_eq!((ev.tally.passed, ev.tally.failed, ev.tally.skipped), (1, 1, 1));
    assert!(broken_claims(&ev).is_empty(), "{:?}", broken_claims(&ev));
    // A suite that says success="True" over a failing case is a false green.
    let (code, found) = judge(nunit(&doc.replace("success=\"False\" time=\"37", "success=\"True\" time=\"37")), None);
    assert_eq!((code, found), (3, codes(&["TG101"])));
}

/// nunit-sample.xml (shared/fixtures, NUnit 3 alpha): a fixture NUnit could not
/// run has no cases; it is an error of its own, and the counts ignore it.
#[test]
fn an_invalid_fixture_without_cases_is_an_error() {
    let doc = r#"<test-run id="2" name="mock-assembly.dll" testcasecount="2" result="Failed" total="1" passed="1" failed="0" inconclusive="0" skipped="0" asserts="0" run-date="2011-07-26" start-time="11:34:27">
  <test-suite type="Assembly" id="1036" name="mock-assembly.dll" testcasecount="2" result="Failed" total="1" passed="1" failed="0" inconclusive="0" skipped="0" asserts="0">
    <test-suite type="TestFixture" id="1023" name="BadFixture" fullname="NUnit.Tests.BadFixture" testcasecount="1" result="Skipped" label="Invalid" time="0.000" total="0" passed="0" failed="0" inconclusive="0" skipped="0" asserts="0">
      <reason><message><![CDATA[No suitable constructor was found]]></message></reason>
    </test-suite>
    <test-suite type="TestFixture" id="1016" name="IgnoredFixture" fullname="NUnit.Tests.IgnoredFixture" testcasecount="0" result="Skipped" label="Ignored" total="0" passed="0" failed="0" inconclusive="0" skipped="0" asserts="0" />
    <test-case id="1" name="OneTest" fullname="NUnit.Tests.OneTest" result="Passed" />
  </test-suite>
</test-run>"#;
    let ev = nunit(doc);
    assert_eq!((ev.tally.passed, ev.tally.errored, ev.tally.skipped), (1, 1, 0));
    assert!(ev.failures[0].message.as_deref().unwrap_or("").contains("No suitable constructor"), "{:?}", ev.failures);
    assert!(broken_claims(&ev).is_empty(), "{:?}", broken_claims(&ev));
    assert!(ev.provenance.is_empty(), "a time of day without a zone is no provenance");
}

#[test]
fn stack_frames_in_the_workspace_locate_failures() {
    let ev = read_in(Format::Nunit, &unity("Failed", "Failed", 1, 1), Some("/github/workspace/unity-project"));
    let source = ev.failures[0].source.as_ref().map(|s| (s.file.as_str(), s.line));
    assert_eq!(source, Some(("Assets/Editor/EditorModeTest.cs", Some(21))));
}

#[test]
fn malformed_and_truncated_documents_are_unparseable_never_a_pass() {
    let full = unity("Passed", "Passed", 2, 0);
    let cut = &full[..full.find("<properties />\n      </test-case>").unwrap_or(0) + 14];
    let ev = nunit(cut);
    assert_eq!(ev.tally.incomplete, 1, "the case being read when the file ends");
    assert!(unparseable(&ev)[0].contains("truncated") || !unparseable(&ev).is_empty());
    assert_eq!(judge(ev, None).0, 3);

    for (doc, needle) in [
        (full.replace("<properties />", "<properties>&ent;</properties>"), "unknown entity"),
        (format!("{full}<test-run/>"), "after the root element"),
        (full.replace("result=\"Passed\" asserts", "result=\"Passed\" result=\"Failed\" asserts"), "attribute"),
        (full.replace("total=\"2\" passed", "total=\"x\" passed"), "not a count"),
        (full.replace("total=\"2\" passed", "total=\"99999999999\" passed"), "over the"),
        ("<test-run>".to_owned() + &"<test-suite>".repeat(300), "nested"),
        ("<test-suites/>".to_owned(), "not an NUnit report"),
        (
            full.replace("<test-case id=\"1014\"", "<test-case id=\"1\"><test-case id=\"1014\"")
                .replace("</test-case>\n    </test-suite>", "</test-case></test-case>\n    </test-suite>"),
            "inside a <test-case>",
        ),
    ] {
        let ev = nunit(&doc);
        let messages = unparseable(&ev);
        assert!(messages.iter().any(|m| m.contains(needle)), "{needle}: {messages:?}");
        assert_eq!(judge(ev, None).0, 3, "{needle}");
    }
}

#[test]
fn unity_result_states_carry_status_and_label() {
    assert_eq!(status_v3("Failed(Child)", None).1, Status::Fail);
    assert_eq!(status_v3("Failed:Error(TearDown)", None).1, Status::Fail);
    assert_eq!(status_v3("Skipped:Ignored", None).1, Status::Pass);
    assert_eq!(status_v3("Skipped:Invalid", None).1, Status::Fail);
    assert_eq!(status_v3("Skipped", Some("Invalid")).1, Status::Fail);
    assert_eq!(status_v3("Passed", None).1, Status::Pass);
    assert_eq!(status_v3("Warning", None).1, Status::Unknown);
    assert_eq!(status_v3("Failedish", None).1, Status::Unknown);
}

#[test]
fn nunit3_duration_and_nunit2_time_are_seconds_and_a_bad_one_is_none() {
    let v3 = include_str!("../../../tests/fixtures/nunit/public/nunit3-jenkins-issue50162-failed.xml");
    let (_, durations) = crate::parse::testing::durations(Format::Nunit, v3);
    let find = |d: &[(String, Option<f64>)], name: &str| d.iter().find(|(n, _)| n == name).map(|(_, s)| *s);
    assert_eq!(find(&durations, "DoATest"), Some(Some(0.03631)));
    assert_eq!(find(&durations, "FailThisTest"), Some(Some(0.018525)));
    // A decimal comma (a localized writer) and a time that is not one.
    let tampered = v3
        .replace(r#"duration="0.036310""#, r#"duration="0,036310""#)
        .replace(r#"duration="0.018525""#, r#"duration="NaN""#);
    let durations = bad_durations(Format::Nunit, v3, &tampered);
    assert_eq!((find(&durations, "DoATest"), find(&durations, "FailThisTest")), (Some(None), Some(None)));

    // NUnit 2 writes `time`, and none on a case that was not executed.
    let v2 = include_str!("../../../tests/fixtures/nunit/public/nunit2-mock-assembly-2.6.2.xml");
    let (_, durations) = crate::parse::testing::durations(Format::Nunit, v2);
    assert_eq!(find(&durations, "NUnit.Tests.Assemblies.MockTestFixture.FailingTest"), Some(Some(0.013)));
    assert_eq!(find(&durations, "NUnit.Tests.Assemblies.MockTestFixture.MockTest4"), Some(None));
}

#[test]
fn offloaded_passes_record_what_the_general_path_records() {
    use crate::parse::testing::{copies, read_both_ways};
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/nunit/public");
    let mut read = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "xml") {
            let text = std::fs::read_to_string(&path).unwrap();
            let [fast, general] = read_both_ways(Format::Nunit, &text);
            assert_eq!(fast, general, "{}", path.display());
            read += 1;
        }
    }
    assert!(read >= 10);
    // Big enough for the worker: one real passing case repeated in its fixture.
    let text = std::fs::read_to_string(format!("{dir}/nunit3-testsuite-root-clicketyclackety.xml")).unwrap();
    let line = text.lines().find(|l| l.contains(r#"result="Passed""#) && l.contains("<test-case")).unwrap().trim();
    let big = text.replacen(line, &copies(line, "fullname", 30_000), 1);
    let [fast, general] = read_both_ways(Format::Nunit, &big);
    assert!(fast.0["tally"]["passed"].as_u64().unwrap() > 30_000);
    assert_eq!(fast, general);
    // A repeated attribute in a passing case far into the file: the same error at the same place.
    let bad = line.replacen("seed=", r#"result="Passed" seed="#, 1);
    let big =
        text.replacen(line, &format!("{}{bad}\n{}", copies(line, "fullname", 20_000), copies(line, "name", 10)), 1);
    let [fast, general] = read_both_ways(Format::Nunit, &big);
    let unparseable = |v: &serde_json::Value| v["observations"].clone();
    assert_eq!(unparseable(&fast.0), unparseable(&general.0));
    assert!(unparseable(&fast.0).to_string().contains("repeated"), "{}", unparseable(&fast.0));
}
