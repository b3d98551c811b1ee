//! Samples are cut from the real fixtures in tests/fixtures/xunit/public/ (the
//! file each comes from is named), then tampered where a test says so.

use super::*;
use crate::model::Observation;
use crate::parse::testing::{bad_durations, broken_claims, codes, detected, judge, read, timed};

fn xunit(text: &str) -> Evidence {
    read(Format::Xunit, text)
}

/// xunit2-jenkins-testcase1.xml, with the counts and the failing result as parameters.
fn v2(counts: &str, fail_result: &str, errors: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<assemblies>
  <assembly name="C:\Jenkins\jobs\my-project\workspace\MyProject\MyProject.Tests\bin\Release\MyProject.Tests.DLL" environment="64-bit .NET 4.0.30319.18444 [collection-per-class, parallel]" test-framework="xUnit.net 2.0.0.2785" run-date="2014-12-18" run-time="14:34:32" {counts} time="0.288">
    {errors}
    <collection total="3" passed="1" failed="1" skipped="1" name="Test collection for MyProject.Tests.SampleFact" time="0.025">
      <test name="MyProject.Tests.SampleFact.FailedTest" type="MyProject.Tests.SampleFact" method="FailedTest" time="0.014" result="{fail_result}">
        <failure exception-type="Xunit.Sdk.TrueException">
          <message><![CDATA[Assert.True() Failure]]></message>
          <stack-trace><![CDATA[   at MyProject.Tests.SampleFact.FailedTest() in c:\Jenkins\jobs\my-project\workspace\MyProject\MyProject.Tests\SampleFact.cs:line 16]]></stack-trace>
        </failure>
      </test>
      <test name="MyProject.Tests.SampleFact.SuccessfulTest" type="MyProject.Tests.SampleFact" method="SuccessfulTest" time="0.010" result="Pass" />
      <test name="MyProject.Tests.SampleFact.SkippedTest" type="MyProject.Tests.SampleFact" method="SkippedTest" time="0.000" result="Skip">
        <reason><![CDATA[On Purpose]]></reason>
      </test>
    </collection>
  </assembly>
</assemblies>
"#
    )
}

const COUNTS: &str = r#"total="3" passed="1" failed="1" skipped="1" errors="0""#;

#[test]
fn detects_v2_and_v1_and_nothing_else() {
    assert_eq!(detected(&v2(COUNTS, "Fail", "<errors />")), Some(Format::Xunit));
    let v1 = r#"<assembly name="C:\Git\pickles\test-harness\xunit\bin\Debug\xunitHarness.dll" run-date="2018-08-29" run-time="14:10:38" time="0.586" total="0" passed="0" failed="0" skipped="0" environment="64-bit .NET 4.0.30319.42000" test-framework="xUnit.net 1.9.2.1705"></assembly>"#;
    assert_eq!(detected(v1), Some(Format::Xunit));
    assert_eq!(
        detected(r#"<assembly name="a.dll"><class/></assembly>"#),
        None,
        "an <assembly> that is not xUnit.net's"
    );
    assert_eq!(detected("<testsuites/>"), Some(Format::Junit));
}

#[test]
fn v2_cases_counts_and_replay() {
    let ev = xunit(&v2(COUNTS, "Fail", "<errors />"));
    assert_eq!((ev.tally.passed, ev.tally.failed, ev.tally.skipped), (1, 1, 1));
    assert!(broken_claims(&ev).is_empty(), "{:?}", broken_claims(&ev));
    let f = &ev.failures[0];
    assert_eq!(
        (f.suite.as_deref(), f.name.as_str()),
        (Some("MyProject.Tests.SampleFact"), "MyProject.Tests.SampleFact.FailedTest")
    );
    assert!(f.message.as_deref().unwrap_or("").starts_with("[Xunit.Sdk.TrueException] Assert.True() Failure"));
    assert_eq!(
        f.replay.as_deref(),
        Some("dotnet test --filter FullyQualifiedName=MyProject.Tests.SampleFact.FailedTest")
    );
    assert!(ev.provenance.is_empty(), "run-date and run-time are local times");
    assert_eq!(judge(ev, None), (1, vec![]));
}

#[test]
fn a_failure_flipped_to_pass_contradicts_the_counts() {
    let (code, found) = judge(xunit(&v2(COUNTS, "Pass", "<errors />")), None);
    assert_eq!((code, found), (3, codes(&["TG103"])));
    let (code, found) = judge(xunit(&v2(COUNTS, "Bogus", "<errors />")), None);
    assert_eq!(code, 3, "{found:?}");
}

/// xunit2-jenkins-testcase4-no-tests.xml: no counts at all, no collections.
#[test]
fn an_assembly_without_counts_or_tests_ran_nothing() {
    let doc = r#"<?xml version="1.0" encoding="utf-8"?>
<assemblies timestamp="06/07/2018 20:33:39">
    <assembly name="E:\Jenkins2\workspace\KundM.Api.Csv.UnitTest.DLL" environment="64-bit .NET 4.0.30319.42000 [collection-per-class, parallel (4 threads)]"
        test-framework="xUnit.net 2.2.0.3545" run-date="2018-06-07" run-time="20:33:38"
        config-file="E:\Jenkins2\workspace\xunit.console.exe.Config">
        <errors />
    </assembly>
</assemblies>"#;
    let ev = xunit(doc);
    assert!(ev.claims.is_empty());
    assert_eq!(judge(ev, None), (3, codes(&["TG201"])));
}

/// An `<error>` in `<errors>` (shape from xUnit.net 2's runner output: type,
/// name, a <failure> with message and stack trace) fails the run outside any
/// test, and the assembly's `errors` count is checked against it.
#[test]
fn assembly_errors_are_errored_cases() {
    let errors = r#"<errors><error type="test-class-cleanup" name="MyProject.Tests.SampleFact"><failure exception-type="System.InvalidOperationException"><message><![CDATA[cleanup threw]]></message><stack-trace><![CDATA[   at MyProject.Tests.SampleFact.Dispose()]]></stack-trace></failure></error></errors>"#;
    let ev = xunit(&v2(r#"total="3" passed="1" failed="1" skipped="1" errors="1""#, "Fail", errors));
    assert_eq!((ev.tally.failed, ev.tally.errored), (1, 1));
    assert!(broken_claims(&ev).is_empty(), "{:?}", broken_claims(&ev));
    let e = &ev.failures[0];
    assert_eq!(e.name, "MyProject.Tests.SampleFact");
    assert!(e.message.as_deref().unwrap_or("").contains("test-class-cleanup"), "{:?}", e.message);
    assert!(e.message.as_deref().unwrap_or("").contains("cleanup threw"), "{:?}", e.message);
    assert_eq!(e.replay, None);
    let (code, found) = judge(xunit(&v2(COUNTS, "Fail", errors)), None);
    assert_eq!((code, found), (3, codes(&["TG103"])), "errors=\"0\" over one <error>");
}

/// xunit1-pickles-specflow.xml, cut: v1 nests tests in <class>, a skip's reason in <message>.
#[test]
fn v1_classes_are_counted() {
    let doc = r#"<assembly name="C:\Git\pickles\test-harness\xunit\bin\Debug\xunitHarness.dll" run-date="2018-08-29" run-time="14:10:38" time="0.586" total="3" passed="1" failed="1" skipped="1" environment="64-bit .NET 4.0.30319.42000" test-framework="xUnit.net 1.9.2.1705"><class time="0.509" name="Pickles.TestHarness.xunit.AdditionFeature" total="3" passed="1" failed="1" skipped="1"><test name="Pickles.TestHarness.xunit.AdditionFeature.NotAutomatedAddingTwoNumbers" type="Pickles.TestHarness.xunit.AdditionFeature" method="NotAutomatedAddingTwoNumbers" result="Fail" time="0.416"><output>Given -&gt; done</output><failure exception-type="TechTalk.SpecFlow.SpecFlowException"><message>Test pending</message><stack-trace>   at Pickles.TestHarness.xunit.AdditionFeature.ScenarioCleanup()</stack-trace></failure></test><test name="Pickles.TestHarness.xunit.AdditionFeature.IgnoredAddingTwoNumbers" type="Pickles.TestHarness.xunit.AdditionFeature" method="IgnoredAddingTwoNumbers" result="Skip"><reason><message>Ignored</message></reason></test><test name="Pickles.TestHarness.xunit.AdditionFeature.AddTwoNumbers" type="Pickles.TestHarness.xunit.AdditionFeature" method="AddTwoNumbers" result="Pass" time="0.01" /></class></assembly>"#;
    let ev = xunit(doc);
    assert_eq!((ev.tally.passed, ev.tally.failed, ev.tally.skipped), (1, 1, 1));
    assert!(broken_claims(&ev).is_empty(), "{:?}", broken_claims(&ev));
    // A class whose counts disagree with its tests is recorded though the assembly's hold.
    let ev = xunit(&doc.replace(
        r#"total="3" passed="1" failed="1" skipped="1"><test"#,
        r#"total="3" passed="2" failed="0" skipped="1"><test"#,
    ));
    assert_eq!(broken_claims(&ev).len(), 2, "{:?}", broken_claims(&ev));
}

#[test]
fn malformed_and_truncated_documents_are_unparseable_never_a_pass() {
    let full = v2(COUNTS, "Fail", "<errors />");
    let cut = &full[..full.find("<failure").unwrap_or(0)];
    let ev = xunit(cut);
    assert_eq!(ev.tally.incomplete, 1, "the test being read when the file ends");
    assert_eq!(judge(ev, None).0, 3);
    for (doc, needle) in [
        (full.replace("<errors />", "<errors>&x;</errors>"), "unknown entity"),
        (format!("{full}<assemblies/>"), "after the root element"),
        (
            full.replace(
                "total=\"3\" passed=\"1\" failed=\"1\" skipped=\"1\" errors",
                "total=\"-3\" passed=\"1\" failed=\"1\" skipped=\"1\" errors",
            ),
            "not a count",
        ),
        (
            full.replace("<collection ", "<collection><collection ")
                .replace("</collection>", "</collection></collection>"),
            "out of place",
        ),
        (full.replace("<reason>", "<reason><test name=\"x\" result=\"Pass\"/>"), "inside a <test>"),
        ("<assemblies>".to_owned() + &"<x>".repeat(300), "nested"),
    ] {
        let ev = xunit(&doc);
        let messages: Vec<String> = ev
            .observations
            .iter()
            .filter_map(|o| match o {
                Observation::Unparseable { message, .. } => Some(message.clone()),
                _ => None,
            })
            .collect();
        assert!(messages.iter().any(|m| m.contains(needle)), "{needle}: {messages:?}");
        assert_eq!(judge(ev, None).0, 3, "{needle}");
    }
}

#[test]
fn time_is_seconds_and_a_bad_one_is_none() {
    let text = v2(COUNTS, "Fail", "");
    let (_, durations) = crate::parse::testing::durations(Format::Xunit, &text);
    let expected = [
        ("MyProject.Tests.SampleFact.FailedTest", Some(0.014)),
        ("MyProject.Tests.SampleFact.SuccessfulTest", Some(0.01)),
        ("MyProject.Tests.SampleFact.SkippedTest", Some(0.0)),
    ];
    assert_eq!(durations, timed(&expected));
    let tampered = text.replace(r#"time="0.014""#, r#"time="fourteen""#).replace(r#"time="0.010""#, r#"time="-0.010""#);
    let durations = bad_durations(Format::Xunit, &text, &tampered);
    let expected = [
        ("MyProject.Tests.SampleFact.FailedTest", None),
        ("MyProject.Tests.SampleFact.SuccessfulTest", None),
        ("MyProject.Tests.SampleFact.SkippedTest", Some(0.0)),
    ];
    assert_eq!(durations, timed(&expected));
}
