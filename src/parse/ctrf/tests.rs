use serde_json::json;

use super::*;
use crate::model::{SourceLocation, Violation};
use crate::parse::testing::{broken_claims, codes, detected, judge, read, read_in, violations};

fn report(tool: &str, tests: Value, summary: Value) -> String {
    json!({
        "reportFormat": "CTRF",
        "specVersion": "1.0.0",
        "results": {"tool": {"name": tool}, "summary": summary, "tests": tests}
    })
    .to_string()
}

fn summary(tests: u64, passed: u64, failed: u64, skipped: u64, pending: u64, other: u64) -> Value {
    json!({"tests": tests, "passed": passed, "failed": failed, "skipped": skipped, "pending": pending,
           "other": other, "start": 1, "stop": 2})
}

fn test(name: &str, status: &str) -> Value {
    json!({"name": name, "status": status, "duration": 1})
}

fn ctrf(text: &str) -> Evidence {
    read(Format::Ctrf, text)
}

#[test]
fn detects_ctrf_and_its_older_form_only() {
    assert_eq!(detected(&report("jest", json!([]), summary(0, 0, 0, 0, 0, 0))), Some(Format::Ctrf));
    let old = json!({"results": {"tool": {"name": "x"}, "summary": summary(0, 0, 0, 0, 0, 0), "tests": []}});
    assert_eq!(detected(&old.to_string()), Some(Format::Ctrf));
    assert_eq!(detected("{\"suite\":\"e2e\",\"exit_code\":0,\"passed\":1,\"failed\":0}"), Some(Format::PiResult));
    assert_eq!(detected("{\"tool\":1,\"results\":[]}"), None);
    assert_eq!(detected("{\"reportFormat\":\"JUnit\",\"results\":{}}"), None);
}

#[test]
fn a_conforming_passing_report_is_green() {
    let text = report("jest", json!([test("a", "passed"), test("b", "skipped")]), summary(2, 1, 0, 1, 0, 0));
    let ev = ctrf(&text);
    assert!(ev.observations.is_empty(), "{:?}", ev.observations);
    assert_eq!(ev.claims.len(), 6);
    assert_eq!(judge(ev, Some(0)), (0, vec![]));
}

#[test]
fn every_test_status_is_read_not_only_the_summary() {
    // summary.failed says 0; the list holds a failure.
    let text = report("jest", json!([test("a", "passed"), test("b", "failed")]), summary(2, 2, 0, 0, 0, 0));
    let ev = ctrf(&text);
    assert_eq!(ev.tally.failed, 1);
    assert_eq!(
        broken_claims(&ev),
        vec![
            "results.summary summary.passed 2/1 (results.tests[] with status passed)",
            "results.summary summary.failed 0/1 (results.tests[] with status failed)"
        ]
    );
    assert_eq!(judge(ev, Some(0)), (3, codes(&["TG103", "TG105"])));
}

#[test]
fn a_report_of_zero_tests_is_nothing_ran() {
    // pytest-json-ctrf on a collection error: schema-valid, tests 0, failed 0, rc 2.
    let ev = ctrf(&report("pytest", json!([]), summary(0, 0, 0, 0, 0, 0)));
    assert_eq!(judge(ev, Some(2)), (3, codes(&["TG105", "TG201"])));
}

#[test]
fn pending_and_todo_are_skips_and_an_unknown_other_is_not_a_pass() {
    let tests = json!([
        test("a", "passed"),
        test("p", "pending"),
        {"name": "t", "status": "other", "rawStatus": "todo", "duration": 0},
    ]);
    let ev = ctrf(&report("jest", tests, summary(3, 1, 0, 0, 1, 1)));
    assert_eq!((ev.tally.passed, ev.tally.skipped), (1, 2));
    assert_eq!(judge(ev, Some(0)), (0, vec![]));

    let tests =
        json!([test("a", "passed"), {"name": "weird", "status": "other", "rawStatus": "interrupted", "duration": 0}]);
    let ev = ctrf(&report("playwright", tests, summary(2, 1, 0, 0, 0, 1)));
    assert_eq!(ev.tally.incomplete, 1);
    assert!(ev.failures[0].message.as_deref().is_some_and(|m| m.contains("rawStatus \"interrupted\"")));
    assert_eq!(judge(ev, Some(1)), (1, vec![]));
}

#[test]
fn schema_violations_are_discrepancies_and_the_rest_is_still_read() {
    let tests = json!([
        {"name": "a", "status": "PASS", "duration": 1},
        {"name": "b", "status": "failed"},
        {"name": "c", "status": "passed", "duration": 1, "colour": "green"},
        7,
    ]);
    let mut sum = summary(4, 1, 1, 0, 0, 0);
    sum["tests"] = json!("4");
    let ev = ctrf(&report("jest", tests, sum));
    let found = violations(&ev, Violation::Schema);
    assert_eq!(
        found,
        vec![
            "results.tests[0].status: expected one of passed, failed, skipped, pending, other, found string \"PASS\"",
            "results.tests[1].duration: required, missing",
            "results.tests[2].colour: unknown property",
            "results.tests[3]: expected an object, found number 7",
            "results.summary.tests: expected an integer, found string \"4\"",
        ]
    );
    assert_eq!((ev.tally.errored, ev.tally.failed, ev.tally.passed), (2, 1, 1));
    let (exit, codes_found) = judge(ev, None);
    assert_eq!(exit, 3);
    assert!(codes_found.contains(&"TG025".to_owned()), "{codes_found:?}");
}

#[test]
fn required_envelope_fields_are_checked() {
    let text =
        json!({"reportFormat": "ctrf", "specVersion": "2.0.0", "results": {"summary": summary(0, 0, 0, 0, 0, 0)}})
            .to_string();
    let found = violations(&ctrf(&text), Violation::Schema);
    assert_eq!(
        found,
        vec![
            "reportFormat: must be \"CTRF\", found string \"ctrf\"",
            "specVersion: expected a supported MAJOR.MINOR.PATCH (0.x or 1.x), found string \"2.0.0\"",
            "results.tool: required, missing",
            "results.tests: required, missing",
        ]
    );
    let text =
        json!({"reportId": "x", "results": {"tool": {"name": ""}, "tests": [], "summary": summary(0, 0, 0, 0, 0, 0)}})
            .to_string();
    let found = violations(&ctrf(&text), Violation::Schema);
    assert_eq!(
        found,
        vec!["results.tool.name: empty", "reportFormat: required, missing", "specVersion: required, missing"]
    );
}

#[test]
fn duplicate_keys_are_violations() {
    let text = r#"{"reportFormat":"CTRF","specVersion":"0.0.0","results":{"tool":{"name":"x"},"summary":{"tests":1,"passed":1,"failed":0,"skipped":0,"pending":0,"other":0,"start":1,"stop":2},"tests":[{"name":"a","status":"passed","duration":1}],"tests":[{"name":"a","status":"passed","duration":1}]}}"#;
    let ev = ctrf(text);
    assert_eq!(violations(&ev, Violation::Schema), vec!["results has the key \"tests\" twice"]);
    assert_eq!(judge(ev, None).0, 3);
}

#[test]
fn the_older_form_without_an_envelope_is_accepted() {
    let text = json!({"results": {"tool": {"name": "x"}, "summary": summary(1, 1, 0, 0, 0, 0), "tests": [test("a", "passed")]}});
    let ev = ctrf(&text.to_string());
    assert!(ev.observations.is_empty(), "{:?}", ev.observations);
    assert_eq!(judge(ev, None), (0, vec![]));
}

#[test]
fn jest_writes_suite_as_a_string_and_it_is_tolerated() {
    let tests = json!([{"name": "math fails", "status": "failed", "duration": 1, "suite": "sample.test.js > math",
        "filePath": "/w/sample.test.js", "message": "Expected 3", "trace": "at Object.toBe (/w/sample.test.js:3:39)"}]);
    let ev = ctrf(&report("jest", tests, summary(1, 0, 1, 0, 0, 0)));
    assert!(ev.observations.is_empty(), "{:?}", ev.observations);
    let failure = &ev.failures[0];
    assert_eq!(failure.suite.as_deref(), Some("sample.test.js > math"));
    assert_eq!(failure.message.as_deref(), Some("Expected 3"));
    assert_eq!(failure.replay.as_deref(), Some("npx jest /w/sample.test.js -t '^math fails$'"));
    // An array suite is joined; a wrong type is a violation.
    let tests = json!([{"name": "a", "status": "passed", "duration": 1, "suite": ["f.py", "Cls"]},
                       {"name": "b", "status": "passed", "duration": 1, "suite": 3}]);
    let ev = ctrf(&report("x", tests, summary(2, 2, 0, 0, 0, 0)));
    assert_eq!(
        violations(&ev, Violation::Schema),
        vec!["results.tests[1].suite: expected a non-empty array of strings, found number 3"]
    );
}

#[test]
fn flaky_tests_are_flaky_and_the_last_attempt_must_agree() {
    let tests = json!([
        {"name": "a", "status": "passed", "duration": 1, "flaky": true},
        {"name": "b", "status": "passed", "duration": 1, "retryAttempts": [
            {"attempt": 1, "status": "failed"}, {"attempt": 2, "status": "passed"}]},
        {"name": "c", "status": "passed", "duration": 1},
    ]);
    let mut sum = summary(3, 3, 0, 0, 0, 0);
    sum["flaky"] = json!(2);
    let ev = ctrf(&report("x", tests, sum));
    assert_eq!((ev.tally.flaky, ev.tally.passed), (2, 1));
    assert!(broken_claims(&ev).is_empty(), "{:?}", broken_claims(&ev));
    // Flaky passes pass, and are shown as a warning (TG120).
    assert_eq!(judge(ev, Some(0)), (0, vec!["TG120".to_owned()]));

    let tests = json!([{"name": "d", "status": "passed", "duration": 1, "retryAttempts": [
        {"attempt": 1, "status": "passed"}, {"attempt": 2, "status": "failed"}]}]);
    let ev = ctrf(&report("x", tests, summary(1, 1, 0, 0, 0, 0)));
    // The last attempt failed: the case failed, whatever its status says.
    assert_eq!((ev.tally.failed, ev.tally.flaky, ev.tally.passed), (1, 0, 0));
    assert_eq!(
        broken_claims(&ev),
        vec!["results.tests[0] d status passed/fail (the last of 2 retryAttempts (attempt 2) is failed)"]
    );
    assert_eq!(judge(ev, None).1, codes(&["TG101"]));
}

#[test]
fn pytest_failures_get_a_source_location_and_a_pytest_replay() {
    let tests = json!([{"name": "tests/test_x.py::test_b[1]", "status": "failed", "duration": 1, "suite": ["tests/test_x.py"],
        "message": "assert 2 == 1", "trace": "def test_b():\n>   assert 2 == 1\n\ntests/test_x.py:51: AssertionError",
        "filePath": "tests/test_x.py"}]);
    let ev = ctrf(&report("pytest", tests, summary(1, 0, 1, 0, 0, 0)));
    let failure = &ev.failures[0];
    assert_eq!(failure.suite, None, "the node id already names the file");
    assert_eq!(failure.source, Some(SourceLocation { file: "tests/test_x.py".into(), line: Some(51) }));
    assert_eq!(failure.replay.as_deref(), Some("pytest 'tests/test_x.py::test_b[1]'"));
}

#[test]
fn absolute_paths_inside_the_workspace_become_locations() {
    // jest's CTRF reporter writes absolute paths, in filePath and in the trace.
    let failing = |trace: &str, file: &str| json!([{"name": "adds", "status": "failed", "duration": 1, "trace": trace, "filePath": file, "line": 7}]);
    let inside = report(
        "jest",
        failing(
            "at Object.<anonymous> (/home/runner/work/app/app/src/sum.test.js:12:5)",
            "/home/runner/work/app/app/src/sum.test.js",
        ),
        summary(1, 0, 1, 0, 0, 0),
    );
    let ev = read_in(Format::Ctrf, &inside, Some("/home/runner/work/app/app"));
    assert_eq!(ev.failures[0].source, Some(SourceLocation { file: "src/sum.test.js".into(), line: Some(12) }));
    // Without a workspace, or outside it, an absolute path names no file of ours.
    assert_eq!(ctrf(&inside).failures[0].source, None);
    let outside =
        report("jest", failing("at f (/usr/lib/node/x.js:1:1)", "/tmp/other/sum.test.js"), summary(1, 0, 1, 0, 0, 0));
    assert_eq!(read_in(Format::Ctrf, &outside, Some("/home/runner/work/app/app")).failures[0].source, None);
    // filePath and line, when the trace has no frame.
    let no_frame =
        report("jest", failing("Error: boom", "/home/runner/work/app/app/src/sum.test.js"), summary(1, 0, 1, 0, 0, 0));
    assert_eq!(
        read_in(Format::Ctrf, &no_frame, Some("/home/runner/work/app/app/")).failures[0].source,
        Some(SourceLocation { file: "src/sum.test.js".into(), line: Some(7) })
    );
}

#[test]
fn a_tool_written_after_the_tests_still_gets_replays() {
    let text = json!({"reportFormat": "CTRF", "specVersion": "1.0.0", "results": {
        "tests": [test("t", "failed")], "summary": summary(1, 0, 1, 0, 0, 0), "tool": {"name": "jest"}}});
    let ev = ctrf(&text.to_string());
    assert_eq!(ev.failures[0].replay.as_deref(), Some("npx jest -t '^t$'"));
    let ev = ctrf(&report("cypress", json!([test("t", "failed")]), summary(1, 0, 1, 0, 0, 0)));
    assert_eq!(ev.failures[0].replay, None, "no replay for a tool without a known selector");
}

#[test]
fn a_cut_report_is_unparseable_and_keeps_what_was_read() {
    let text = report("x", json!([test("a", "failed"), test("b", "passed")]), summary(2, 1, 1, 0, 0, 0));
    let cut = &text[..text.find("\"b\"").unwrap_or(text.len())];
    let ev = ctrf(cut);
    assert_eq!(ev.tally.failed, 1);
    assert!(ev.claims.is_empty(), "the summary is not compared with a cut list");
    let (exit, found) = judge(ev, None);
    assert_eq!((exit, found), (3, codes(&["TG001"])));
    assert_eq!(judge(ctrf("[1,2]"), None).1, codes(&["TG001", "TG201"]));
}

#[test]
fn many_passing_tests_are_streamed() {
    let mut text =
        String::from(r#"{"reportFormat":"CTRF","specVersion":"1.0.0","results":{"tool":{"name":"x"},"tests":["#);
    let n = 20_000;
    for i in 0..n {
        if i > 0 {
            text.push(',');
        }
        text.push_str(&format!(r#"{{"name":"t{i}","status":"passed","duration":1}}"#));
    }
    text.push_str(&format!(
        r#"],"summary":{{"tests":{n},"passed":{n},"failed":0,"skipped":0,"pending":0,"other":0,"start":1,"stop":2}}}}}}"#
    ));
    let ev = ctrf(&text);
    assert_eq!(ev.tally.passed, n);
    assert!(ev.failures.is_empty());
    assert_eq!(judge(ev, None), (0, vec![]));
}

#[test]
fn hostile_names_give_inert_replays() {
    let name = "$(touch pwned) `id` 'q' \u{1b}[31m";
    let tests = json!([{"name": name, "status": "failed", "duration": 1, "filePath": "a b.test.js"}]);
    let ev = ctrf(&report("jest", tests, summary(1, 0, 1, 0, 0, 0)));
    let replay = ev.failures[0].replay.clone().unwrap_or_default();
    assert_eq!(replay, crate::replay::jest(Some("a b.test.js"), name));
    assert!(replay.starts_with("npx jest 'a b.test.js' -t '^\\$\\(touch pwned\\) `id` '\\''q'\\''"), "{replay}");
}
