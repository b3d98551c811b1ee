//! Samples are lines of dorny/test-reporter's `dart-json.json` (package:test
//! 1.15.4) and of provider's `flutter test --machine` output (the shared
//! peer-reports fixtures), cut and recombined.

use super::*;
use crate::parse::testing::{bad_durations, broken_claims, codes, detected, judge, read, read_in, timed, violations};

const START: &str = r#"{"protocolVersion":"0.1.1","runnerVersion":"1.15.4","pid":7504,"type":"start","time":0}"#;
const SUITE: &str = r#"{"suite":{"id":0,"platform":"vm","path":"test/main_test.dart"},"type":"suite","time":0}"#;
const LOADING_START: &str = r#"{"test":{"id":1,"name":"loading test/main_test.dart","suiteID":0,"groupIDs":[],"metadata":{"skip":false,"skipReason":null},"line":null,"column":null,"url":null},"type":"testStart","time":1}"#;
const ALL_SUITES: &str = r#"{"count":1,"type":"allSuites","time":11}"#;
const LOADING_DONE: &str =
    r#"{"testID":1,"result":"success","skipped":false,"hidden":true,"type":"testDone","time":3672}"#;
const GROUP: &str = r#"{"group":{"id":6,"suiteID":0,"parentID":null,"name":null,"metadata":{"skip":false,"skipReason":null},"testCount":2,"line":null,"column":null,"url":null},"type":"group","time":3672}"#;
const PASS_START: &str = r#"{"test":{"id":8,"name":"Test 1 Passing test","suiteID":0,"groupIDs":[6],"metadata":{"skip":false,"skipReason":null},"line":7,"column":5,"url":"file:///w/app/test/main_test.dart"},"type":"testStart","time":3672}"#;
const PASS_DONE: &str =
    r#"{"testID":8,"result":"success","skipped":false,"hidden":false,"type":"testDone","time":3708}"#;
const FAIL_START: &str = r#"{"test":{"id":11,"name":"Test 1 Failing test","suiteID":0,"groupIDs":[6],"metadata":{"skip":false,"skipReason":null},"line":12,"column":7,"url":"file:///w/app/test/main_test.dart"},"type":"testStart","time":3716}"#;
const FAIL_ERROR: &str = r#"{"testID":11,"error":"Expected: <2>\n  Actual: <1>\n","stackTrace":"package:test_api          expect\ntest/main_test.dart 13:9  main.<fn>.<fn>.<fn>\n","isFailure":true,"type":"error","time":3736}"#;
const FAIL_DONE: &str =
    r#"{"testID":11,"result":"failure","skipped":false,"hidden":false,"type":"testDone","time":3736}"#;
const SKIP_START: &str = r#"{"test":{"id":9,"name":"Skipped test","suiteID":0,"groupIDs":[6],"metadata":{"skip":true,"skipReason":"skipped test"},"line":9,"column":3,"url":"file:///w/app/test/main_test.dart"},"type":"testStart","time":3693}"#;
const SKIP_PRINT: &str =
    r#"{"testID":9,"messageType":"skip","message":"Skip: skipped test","type":"print","time":3706}"#;
const SKIP_DONE: &str =
    r#"{"testID":9,"result":"success","skipped":true,"hidden":false,"type":"testDone","time":3707}"#;
const DONE_TRUE: &str = r#"{"success":true,"type":"done","time":3760}"#;
const DONE_FALSE: &str = r#"{"success":false,"type":"done","time":3760}"#;

fn stream(lines: &[&str]) -> String {
    lines.iter().map(|l| format!("{l}\n")).collect()
}

fn dart(lines: &[&str]) -> Evidence {
    read(Format::DartJson, &stream(lines))
}

fn passing_run() -> Vec<&'static str> {
    vec![
        START,
        SUITE,
        LOADING_START,
        ALL_SUITES,
        LOADING_DONE,
        GROUP,
        PASS_START,
        PASS_DONE,
        SKIP_START,
        SKIP_PRINT,
        SKIP_DONE,
        DONE_TRUE,
    ]
}

fn failing_run() -> Vec<&'static str> {
    vec![
        START,
        SUITE,
        LOADING_START,
        ALL_SUITES,
        LOADING_DONE,
        GROUP,
        PASS_START,
        PASS_DONE,
        FAIL_START,
        FAIL_ERROR,
        FAIL_DONE,
        DONE_FALSE,
    ]
}

#[test]
fn detects_dart_and_flutter_streams_only() {
    assert_eq!(detected(&stream(&passing_run())), Some(Format::DartJson));
    assert_eq!(
        detected(&format!("Running \"flutter pub get\" in app...   1,7s\n{}", stream(&passing_run()))),
        Some(Format::DartJson)
    );
    assert_eq!(
        detected("{ \"type\": \"suite\", \"event\": \"started\", \"test_count\": 2 }\n"),
        Some(Format::LibtestJson)
    );
    assert_eq!(detected("{\"type\":\"start\",\"time\":0}\n"), None);
}

#[test]
fn a_passing_run_is_green_and_hidden_tests_are_not_tests() {
    let ev = dart(&passing_run());
    assert_eq!((ev.tally.passed, ev.tally.skipped, ev.tally.total()), (1, 1, 2));
    assert_eq!(ev.claims.len(), 2, "done.success and allSuites.count");
    assert!(broken_claims(&ev).is_empty(), "{:?}", broken_claims(&ev));
    assert_eq!(judge(ev, Some(0)), (0, vec![]));
}

#[test]
fn a_failure_carries_its_error_location_and_replay() {
    let ev = read_in(Format::DartJson, &stream(&failing_run()), Some("/w/app"));
    assert_eq!(ev.tally.failed, 1);
    let failure = &ev.failures[0];
    assert_eq!(failure.name, "Test 1 Failing test");
    assert_eq!(failure.suite.as_deref(), Some("test/main_test.dart"));
    assert!(failure.message.as_deref().unwrap_or_default().starts_with("Expected: <2>"));
    assert_eq!(failure.source, Some(SourceLocation { file: "test/main_test.dart".into(), line: Some(12) }));
    assert_eq!(failure.replay.as_deref(), Some("dart test test/main_test.dart --plain-name 'Test 1 Failing test'"));
    assert!(broken_claims(&ev).is_empty(), "{:?}", broken_claims(&ev));
    assert_eq!(judge(ev, Some(1)), (1, vec![]));
}

#[test]
fn done_success_true_over_a_failure_is_a_false_green() {
    let mut lines = failing_run();
    lines.pop();
    lines.push(DONE_TRUE);
    let ev = dart(&lines);
    assert_eq!(
        broken_claims(&ev),
        vec!["done success true/fail (1 failing test(s), errors or unfinished tests in the run)"]
    );
    assert_eq!(judge(ev, Some(0)), (3, codes(&["TG101", "TG105"])));
}

#[test]
fn a_suite_that_fails_to_load_is_a_failure() {
    let load_error = r#"{"testID":1,"error":"Failed to load \"test/main_test.dart\": Compilation failed","stackTrace":"","isFailure":false,"type":"error","time":50}"#;
    let load_done = r#"{"testID":1,"result":"error","skipped":false,"hidden":false,"type":"testDone","time":51}"#;
    let ev = dart(&[START, SUITE, LOADING_START, ALL_SUITES, load_error, load_done, DONE_FALSE]);
    assert_eq!(ev.tally.errored, 1);
    assert_eq!(ev.failures[0].name, "loading test/main_test.dart");
    assert_eq!(judge(ev, Some(1)), (1, vec![]));
}

#[test]
fn an_error_after_the_test_completed_fails_it() {
    let late = r#"{"testID":8,"error":"Bad state: late","stackTrace":"","isFailure":false,"type":"error","time":3709}"#;
    let ev =
        dart(&[START, SUITE, LOADING_START, ALL_SUITES, LOADING_DONE, GROUP, PASS_START, PASS_DONE, late, DONE_FALSE]);
    assert_eq!((ev.tally.passed, ev.tally.errored), (1, 1));
    assert_eq!(ev.failures[0].name, "Test 1 Passing test (error after the test completed)");
    assert!(ev.observations.is_empty(), "no conflicting duplicate: {:?}", ev.observations);
    assert_eq!(judge(ev, Some(1)), (1, vec![]));
    // The same after a hidden test: it is made visible.
    let late_hidden = r#"{"testID":1,"error":"late","stackTrace":"","isFailure":false,"type":"error","time":3709}"#;
    let ev = dart(&[
        START,
        SUITE,
        LOADING_START,
        ALL_SUITES,
        LOADING_DONE,
        GROUP,
        PASS_START,
        PASS_DONE,
        late_hidden,
        DONE_TRUE,
    ]);
    assert_eq!(ev.tally.errored, 1);
    assert_eq!(judge(ev, Some(0)), (3, codes(&["TG101", "TG105"])));
}

#[test]
fn a_test_that_never_finishes_is_incomplete() {
    let ev = dart(&[START, SUITE, LOADING_START, ALL_SUITES, LOADING_DONE, GROUP, PASS_START, DONE_TRUE]);
    assert_eq!(ev.tally.incomplete, 1);
    assert_eq!(judge(ev, Some(0)), (3, codes(&["TG101", "TG105"])));
}

#[test]
fn a_stream_without_done_is_truncated() {
    let mut lines = passing_run();
    lines.pop();
    let ev = dart(&lines);
    assert_eq!(ev.tally.passed, 1);
    assert!(ev.claims.is_empty());
    assert_eq!(judge(ev, Some(0)), (3, codes(&["TG005"])));
    // Cut inside a test: that test is incomplete too.
    let ev = dart(&[START, SUITE, LOADING_START, ALL_SUITES, LOADING_DONE, GROUP, PASS_START]);
    assert_eq!(ev.tally.incomplete, 1);
    assert_eq!(judge(ev, Some(0)).1, codes(&["TG005", "TG105"]));
}

#[test]
fn done_success_null_is_a_run_closed_early() {
    let mut lines = passing_run();
    lines.pop();
    lines.push(r#"{"success":null,"type":"done","time":3760}"#);
    let ev = dart(&lines);
    assert_eq!(judge(ev, Some(0)), (3, codes(&["TG005", "TG102"])));
}

#[test]
fn a_suite_count_that_no_suite_event_backs_is_a_count_mismatch() {
    let lines: Vec<&str> = passing_run()
        .into_iter()
        .map(|l| if l == ALL_SUITES { r#"{"count":2,"type":"allSuites","time":11}"# } else { l })
        .collect();
    let ev = dart(&lines);
    assert_eq!(broken_claims(&ev), vec!["allSuites count 2/1 (suite events)"]);
    assert_eq!(judge(ev, Some(0)).1, codes(&["TG103"]));
}

#[test]
fn a_cut_line_is_unparseable_and_keeps_what_was_read() {
    let mut text =
        stream(&[START, SUITE, LOADING_START, ALL_SUITES, LOADING_DONE, GROUP, FAIL_START, FAIL_ERROR, FAIL_DONE]);
    text.push_str(&PASS_START[..40]);
    let ev = read(Format::DartJson, &text);
    assert_eq!(ev.tally.failed, 1);
    assert_eq!(judge(ev, Some(1)).1, codes(&["TG001", "TG005"]));
}

#[test]
fn flutter_text_and_daemon_lines_are_not_events() {
    let mut lines = vec![
        "Running \"flutter pub get\" in app...                         1,7s",
        "",
        r#"[{"event":"test.startedProcess","params":{"observatoryUri":"http://127.0.0.1:59667/T1vwpBGVriE=/"}}]"#,
    ];
    lines.extend(passing_run());
    let ev = dart(&lines);
    assert_eq!(judge(ev, Some(0)), (0, vec![]));
    let ev = dart(&[START, "[{\"event\":", DONE_TRUE]);
    assert_eq!(judge(ev, Some(0)).1, codes(&["TG001", "TG005", "TG201"]));
}

#[test]
fn flutter_widget_tests_replay_with_flutter_and_locate_by_root_url() {
    // provider's output: runnerVersion null, url in flutter_test, root_url in the test file.
    let start = r#"{"protocolVersion":"0.1.1","runnerVersion":null,"pid":515,"type":"start","time":0}"#;
    let suite = r#"{"suite":{"id":0,"platform":"vm","path":"/__w/provider/provider/test/value_listenable_provider_test.dart"},"type":"suite","time":0}"#;
    let test = r#"{"test":{"id":8,"name":"valueListenableProvider pass updateShouldNotify","suiteID":0,"groupIDs":[2,3],"metadata":{"skip":false,"skipReason":null},"line":126,"column":5,"url":"package:flutter_test/src/widget_tester.dart","root_line":94,"root_column":5,"root_url":"file:///__w/provider/provider/test/value_listenable_provider_test.dart"},"type":"testStart","time":8882}"#;
    let print = r#"{"testID":8,"messageType":"print","message":"══╡ EXCEPTION CAUGHT BY FLUTTER TEST FRAMEWORK ╞══\nThe following TestFailure object was thrown running a test:\n  Expected: <2>\n  Actual: <1>","type":"print","time":8941}"#;
    let error = r#"{"testID":8,"error":"Test failed. See exception logs above.\nThe test description was: pass updateShouldNotify","stackTrace":"","isFailure":false,"type":"error","time":8951}"#;
    let done = r#"{"testID":8,"result":"error","skipped":false,"hidden":false,"type":"testDone","time":8951}"#;
    let ev = read_in(
        Format::DartJson,
        &stream(&[start, suite, test, print, error, done, DONE_FALSE]),
        Some("/__w/provider/provider"),
    );
    let failure = &ev.failures[0];
    assert_eq!(
        failure.source,
        Some(SourceLocation { file: "test/value_listenable_provider_test.dart".into(), line: Some(94) })
    );
    assert_eq!(
        failure.replay.as_deref(),
        Some(
            "flutter test test/value_listenable_provider_test.dart --plain-name 'valueListenableProvider pass updateShouldNotify'"
        )
    );
    let message = failure.message.as_deref().unwrap_or_default();
    assert!(message.contains("See exception logs above") && message.contains("Expected: <2>"), "{message}");
}

#[test]
fn a_result_marked_success_after_an_error_is_not_a_pass() {
    let ev = dart(&[
        START,
        SUITE,
        LOADING_START,
        ALL_SUITES,
        LOADING_DONE,
        GROUP,
        FAIL_START,
        FAIL_ERROR,
        r#"{"testID":11,"result":"success","skipped":false,"hidden":false,"type":"testDone","time":3736}"#,
        DONE_TRUE,
    ]);
    assert_eq!(ev.tally.failed, 1);
    assert_eq!(judge(ev, Some(0)).0, 3);
}

#[test]
fn an_unknown_result_is_not_a_pass_and_an_unstarted_test_is_a_violation() {
    let ev = dart(&[
        START,
        SUITE,
        LOADING_START,
        ALL_SUITES,
        LOADING_DONE,
        GROUP,
        PASS_START,
        r#"{"testID":8,"result":"weird","skipped":false,"hidden":false,"type":"testDone","time":1}"#,
        DONE_FALSE,
    ]);
    assert_eq!(ev.tally.errored, 1);
    let ev = dart(&[START, SUITE, LOADING_START, ALL_SUITES, LOADING_DONE, PASS_DONE, DONE_TRUE]);
    assert_eq!(violations(&ev, Violation::Schema).len(), 1);
    assert_eq!(judge(ev, Some(0)), (3, codes(&["TG025", "TG201"])));
}

#[test]
fn events_of_the_wrong_shape_are_unparseable() {
    let ev = dart(&[START, r#"{"testID":"8","result":"success","type":"testDone"}"#, DONE_TRUE]);
    assert_eq!(judge(ev, Some(0)).1, codes(&["TG001", "TG005", "TG201"]));
    let ev = dart(&[START, r#"{"no_type":1}"#]);
    assert!(ev.observations.iter().any(|o| matches!(o, Observation::Unparseable { .. })));
}

#[test]
fn two_runs_in_one_file_are_each_judged() {
    let mut lines = passing_run();
    lines.extend(failing_run());
    let ev = dart(&lines);
    assert_eq!((ev.tally.passed, ev.tally.failed), (2, 1));
    assert!(broken_claims(&ev).is_empty(), "{:?}", broken_claims(&ev));
    // The first run cut before its done: truncated.
    let mut lines = passing_run();
    lines.pop();
    lines.extend(failing_run());
    assert_eq!(judge(dart(&lines), Some(1)).1, codes(&["TG005"]));
}

#[test]
fn a_test_took_from_its_start_to_its_done_and_a_bad_time_is_none() {
    let text = stream(&passing_run());
    let (_, durations) = crate::parse::testing::durations(Format::DartJson, &text);
    // 3672 → 3708 ms and 3693 → 3707 ms; the hidden loading test is not a case.
    assert_eq!(durations, timed(&[("Test 1 Passing test", Some(0.036)), ("Skipped test", Some(0.014))]));
    // A done before its start (a clock gone backwards) and a time that is not a number.
    let tampered = text
        .replace(r#""type":"testDone","time":3708"#, r#""type":"testDone","time":3000"#)
        .replace(r#""type":"testStart","time":3693"#, r#""type":"testStart","time":"soon""#);
    let durations = bad_durations(Format::DartJson, &text, &tampered);
    assert_eq!(durations, timed(&[("Test 1 Passing test", None), ("Skipped test", None)]));
}
