use super::*;
use crate::model::SourceLocation;
use crate::parse::testing::{bad_durations, broken_claims, codes, detected, judge, read, read_in, timed};

const PKG: &str = "example.com/m/p";

/// One test2json event line.
fn e(action: &str, test: Option<&str>, output: Option<&str>) -> String {
    let mut value = serde_json::json!({"Time": "2026-11-20T23:08:24Z", "Action": action, "Package": PKG});
    if let Some(test) = test {
        value["Test"] = test.into();
    }
    if let Some(output) = output {
        value["Output"] = output.into();
    }
    format!("{value}\n")
}

fn stream(lines: &[String]) -> Evidence {
    read(Format::GoTestJson, &lines.concat())
}

#[test]
fn panic_frames_inside_the_workspace_become_locations() {
    let panic = "panic: runtime error: index out of range [3] with length 3\n\ngoroutine 7 [running]:\n\
        testing.tRunner.func1.2({0x5f2b40, 0xc000014150})\n\t/usr/local/go/src/testing/testing.go:1632 +0x230\n\
        example.com/m/p.TestIndex(0xc0000a4b60)\n\t/home/runner/work/m/m/p/index_test.go:9 +0x1d\n";
    let lines = [
        e("run", Some("TestIndex"), None),
        e("output", Some("TestIndex"), Some(panic)),
        e("fail", Some("TestIndex"), None),
        e("fail", None, None),
    ];
    let ev = read_in(Format::GoTestJson, &lines.concat(), Some("/home/runner/work/m/m"));
    assert_eq!(ev.failures[0].source, Some(SourceLocation { file: "p/index_test.go".into(), line: Some(9) }));
    assert_eq!(stream(&lines).failures[0].source, None, "go's own frames and unknown absolute paths are not ours");
}

#[test]
fn detects_events_and_the_plain_build_failure_line() {
    assert_eq!(detected(&e("run", Some("TestA"), None)), Some(Format::GoTestJson));
    assert_eq!(detected("FAIL\texample.com/demo/brokenbuild [build failed]\n"), Some(Format::GoTestJson));
    assert_eq!(detected("FAIL\texample.com/x [setup failed]\n"), Some(Format::GoTestJson));
    let kane_like = "{\"type\":\"step_end\",\"Action\":\"x\"}\n";
    assert_eq!(detect(&Sniff::new(kane_like.as_bytes(), true, "x")), None);
    // A JUnit report quoting go's build-failure line is JUnit, not test2json.
    assert_eq!(detected("<testsuites>\nFAIL\tpkg [build failed]\n</testsuites>\n"), Some(Format::Junit));
    assert_eq!(detected("FAIL\tpkg\t0.01s\n"), None);
}

#[test]
fn tests_and_subtests_are_cases_and_the_package_is_a_claim() {
    let ev = stream(&[
        e("run", Some("TestPass"), None),
        e("pass", Some("TestPass"), None),
        e("run", Some("TestSkip"), None),
        e("skip", Some("TestSkip"), None),
        e("run", Some("TestSub"), None),
        e("run", Some("TestSub/a"), None),
        e("run", Some("TestSub/b"), None),
        e("output", Some("TestSub/b"), Some("=== RUN   TestSub/b\n")),
        e("output", Some("TestSub/b"), Some("    sub_test.go:13: sub failed\n")),
        e("output", Some("TestSub/b"), Some("    --- FAIL: TestSub/b (0.00s)\n")),
        e("pass", Some("TestSub/a"), None),
        e("fail", Some("TestSub/b"), None),
        e("fail", Some("TestSub"), None),
        e("output", None, Some("FAIL\n")),
        e("fail", None, None),
    ]);
    assert_eq!((ev.tally.passed, ev.tally.failed, ev.tally.skipped), (2, 1, 1), "the parent is not a case");
    let failure = &ev.failures[0];
    assert_eq!(failure.name, "TestSub/b");
    assert_eq!(failure.suite.as_deref(), Some(PKG));
    assert_eq!(failure.message.as_deref(), Some("    sub_test.go:13: sub failed"));
    assert_eq!(failure.source, Some(SourceLocation { file: "sub_test.go".into(), line: Some(13) }));
    assert_eq!(failure.replay.as_deref(), Some("go test -run '^TestSub$/^b$' example.com/m/p"));
    assert!(broken_claims(&ev).is_empty());
    assert_eq!(judge(ev, Some(1)), (1, vec![]));
}

#[test]
fn a_green_package_is_green() {
    let ev = stream(&[
        e("start", None, None),
        e("run", Some("TestA"), None),
        e("pass", Some("TestA"), None),
        e("pass", None, None),
    ]);
    assert_eq!(judge(ev, Some(0)), (0, vec![]));
}

#[test]
fn a_run_without_a_final_event_is_incomplete_and_the_package_fails() {
    // A panic in a goroutine: the test never ends; only the package fails.
    let ev = stream(&[
        e("run", Some("TestGoroutine"), None),
        e("output", Some("TestGoroutine"), Some("panic: boom\n")),
        e("output", None, Some("FAIL\texample.com/m/p\t0.01s\n")),
        e("fail", None, None),
    ]);
    assert_eq!(ev.tally.incomplete, 1);
    let failure = &ev.failures[0];
    assert_eq!(failure.outcome, CaseOutcome::Incomplete);
    assert!(failure.message.as_deref().is_some_and(|m| m.contains("never reported") && m.contains("panic: boom")));
    assert!(broken_claims(&ev).is_empty(), "the package's fail is explained: {:?}", broken_claims(&ev));
    assert_eq!(judge(ev, Some(1)), (1, vec![]));
}

#[test]
fn a_stream_that_ends_inside_a_package_is_truncated() {
    let ev = stream(&[e("run", Some("TestA"), None), e("pass", Some("TestA"), None), e("run", Some("TestB"), None)]);
    assert_eq!(ev.tally.incomplete, 1);
    assert!(ev.observations.iter().any(|o| matches!(o, Observation::Truncated { .. })));
    assert_eq!(judge(ev, None), (3, codes(&["TG005"])));
}

#[test]
fn a_package_that_fails_while_no_test_failed_is_named() {
    // TestMain calling os.Exit(1) after the tests passed.
    let ev = stream(&[
        e("run", Some("TestA"), None),
        e("pass", Some("TestA"), None),
        e("output", None, Some("coverage below threshold\n")),
        e("output", None, Some("FAIL\texample.com/m/p\t0.01s\n")),
        e("fail", None, None),
    ]);
    assert_eq!(ev.tally.errored, 1);
    let failure = &ev.failures[0];
    assert_eq!(failure.name, PKG);
    assert!(failure.message.as_deref().is_some_and(|m| m.contains("coverage below threshold")));
    assert_eq!(judge(ev, Some(1)), (1, vec![]));
}

#[test]
fn a_package_pass_with_a_failed_test_is_a_false_green() {
    let ev = stream(&[e("run", Some("TestA"), None), e("fail", Some("TestA"), None), e("pass", None, None)]);
    assert_eq!(
        broken_claims(&ev),
        vec!["package example.com/m/p Action pass/fail (1 failing, 0 passed, 0 skipped test(s) in the package)"]
    );
    assert_eq!(judge(ev, Some(0)), (3, codes(&["TG101", "TG105"])));
}

#[test]
fn a_parent_that_fails_itself_is_a_failure() {
    let ev = stream(&[
        e("run", Some("TestP"), None),
        e("run", Some("TestP/a"), None),
        e("pass", Some("TestP/a"), None),
        e("output", Some("TestP"), Some("    p_test.go:20: cleanup failed\n")),
        e("fail", Some("TestP"), None),
        e("fail", None, None),
    ]);
    assert_eq!((ev.tally.passed, ev.tally.failed), (1, 1));
    assert_eq!(ev.failures[0].name, "TestP");
    assert_eq!(judge(ev, Some(1)), (1, vec![]));
}

#[test]
fn the_go_1_19_build_failure_line_is_a_failure_not_noise() {
    let ev = read(Format::GoTestJson, "FAIL\texample.com/demo/brokenbuild [build failed]\n");
    assert_eq!(ev.tally.errored, 1);
    assert_eq!(ev.failures[0].name, "example.com/demo/brokenbuild");
    assert_eq!(judge(ev, Some(2)), (1, vec![]));
}

#[test]
fn compile_errors_before_the_failure_line_become_its_message() {
    let text = "# example.com/demo/brokenbuild [example.com/demo/brokenbuild.test]\nbrokenbuild/broken_test.go:5:49: cannot use \"string\" as int value\nFAIL\texample.com/demo/brokenbuild [build failed]\n";
    let ev = read(Format::GoTestJson, text);
    assert_eq!(ev.tally.errored, 1);
    let failure = &ev.failures[0];
    assert!(failure.message.as_deref().is_some_and(|m| m.contains("cannot use")), "{failure:?}");
    assert_eq!(failure.source, Some(SourceLocation { file: "brokenbuild/broken_test.go".into(), line: Some(5) }));
}

#[test]
fn compile_errors_without_a_failure_line_still_fail() {
    let ev = read(Format::GoTestJson, "# example.com/x\nx/a.go:3:1: syntax error\n");
    assert_eq!(ev.tally.errored, 1);
    assert!(ev.failures[0].message.as_deref().is_some_and(|m| m.starts_with("# example.com/x\nx/a.go:3:1")));
}

#[test]
fn go_1_24_build_events_fail_the_package() {
    let build = "example.com/m/p [example.com/m/p.test]";
    let lines = [
        format!(
            "{}\n",
            serde_json::json!({"ImportPath": build, "Action": "build-output", "Output": "# example.com/m/p\n"})
        ),
        format!(
            "{}\n",
            serde_json::json!({"ImportPath": build, "Action": "build-output", "Output": "p/x_test.go:5:2: undefined: foo\n"})
        ),
        format!("{}\n", serde_json::json!({"ImportPath": build, "Action": "build-fail"})),
        e("start", None, None),
        e("output", None, Some("FAIL\texample.com/m/p [build failed]\n")),
        format!("{}\n", serde_json::json!({"Action": "fail", "Package": PKG, "Elapsed": 0, "FailedBuild": build})),
    ];
    let ev = stream(&lines);
    assert_eq!(ev.tally.errored, 1);
    let failure = &ev.failures[0];
    assert_eq!(failure.name, PKG);
    assert!(failure.message.as_deref().is_some_and(|m| m.contains("undefined: foo")));
    assert_eq!(failure.source, Some(SourceLocation { file: "p/x_test.go".into(), line: Some(5) }));
    assert!(broken_claims(&ev).is_empty());
    assert_eq!(judge(ev, Some(1)), (1, vec![]));
}

#[test]
fn a_build_fail_event_with_no_package_event_still_fails() {
    let line = format!("{}\n", serde_json::json!({"ImportPath": "example.com/q", "Action": "build-fail"}));
    let ev = read(Format::GoTestJson, &line);
    assert_eq!(ev.tally.errored, 1);
    assert_eq!(ev.failures[0].name, "example.com/q");
}

#[test]
fn go_command_errors_are_failures_and_downloads_are_not() {
    let ev = read(Format::GoTestJson, "go: downloading example.com/dep v1.0.0\ngo: updates to go.mod needed\n");
    assert_eq!(ev.tally.errored, 1);
    assert_eq!(ev.failures[0].message.as_deref(), Some("go: updates to go.mod needed"));
}

#[test]
fn a_package_without_test_files_is_nothing_ran() {
    let ev = stream(&[e("output", None, Some("?   \texample.com/m/p\t[no test files]\n")), e("skip", None, None)]);
    assert_eq!(judge(ev, Some(0)), (3, codes(&["TG201"])));
}

#[test]
fn a_cut_event_is_unparseable_and_running_tests_are_incomplete() {
    let mut text = e("run", Some("TestA"), None);
    text.push_str("{\"Action\":\"pass\",\"Package\":\"exa");
    let ev = read(Format::GoTestJson, &text);
    assert_eq!(ev.tally.incomplete, 1);
    let (exit, found) = judge(ev, None);
    assert_eq!(exit, 3);
    assert!(found.contains(&"TG001".to_owned()) && found.contains(&"TG005".to_owned()), "{found:?}");
}

#[test]
fn a_wrongly_typed_event_is_unparseable() {
    let ev = read(Format::GoTestJson, "{\"Action\":7,\"Package\":\"p\"}\n");
    assert_eq!(judge(ev, None), (3, codes(&["TG001", "TG201"])));
}

#[test]
fn test2json_without_a_package_works() {
    let text =
        "{\"Action\":\"run\",\"Test\":\"TestA\"}\n{\"Action\":\"fail\",\"Test\":\"TestA\"}\n{\"Action\":\"fail\"}\n";
    let ev = read(Format::GoTestJson, text);
    assert_eq!(ev.failures[0].replay.as_deref(), Some("go test -run '^TestA$' ./..."));
    assert_eq!(judge(ev, None), (1, vec![]));
}

#[test]
fn hostile_names_give_inert_replays() {
    let name = "TestX/$(touch pwned)_`id`_'q'";
    let ev = stream(&[e("run", Some(name), None), e("fail", Some(name), None), e("fail", None, None)]);
    let replay = ev.failures[0].replay.clone().unwrap_or_default();
    assert_eq!(replay, crate::replay::go_test(PKG, name));
    assert!(replay.starts_with("go test -run '^TestX$/^\\$\\(touch pwned\\)_`id`_'\\''q'\\''$'"), "{replay}");
}

#[test]
fn more_running_tests_than_tracked_are_refused() {
    // Memory follows the tests running at once; past the cap the stream is refused
    // rather than tracked without bound (or not tracked, hiding a failure).
    let mut text = String::new();
    for i in 0..=MAX_TRACKED {
        text.push_str(&format!("{{\"Action\":\"run\",\"Package\":\"p\",\"Test\":\"T{i}\"}}\n"));
    }
    let ev = read(Format::GoTestJson, &text);
    let message = ev
        .observations
        .iter()
        .find_map(|o| match o {
            Observation::Unparseable { message, .. } => Some(message.clone()),
            _ => None,
        })
        .unwrap_or_default();
    assert!(message.contains("more than 100000 packages, or tests running at once"), "{message}");
    assert_eq!(judge(ev, None).0, 3);
}

#[test]
fn incomplete_subtests_are_found_in_one_pass() {
    let text = [
        e("run", Some("TestA"), None),
        e("run", Some("TestA/x"), None),
        e("run", Some("TestA/x/deep"), None),
        e("run", Some("TestA-b"), None),
        e("fail", None, None),
    ];
    let ev = stream(&text);
    let names: Vec<&str> = ev.failures.iter().map(|f| f.name.as_str()).collect();
    // The innermost of each chain; `TestA-b` is not a parent of anything.
    assert_eq!(names, ["TestA-b", "TestA/x/deep"]);
}

/// The details of the results set aside.
fn set_aside(ev: &Evidence) -> Vec<(String, Position)> {
    ev.observations
        .iter()
        .filter_map(|o| match o {
            Observation::SetAside { detail, position } => Some((detail.clone(), position.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn a_result_for_a_test_that_never_started_is_output_not_a_result() {
    // The shape of tests/fixtures/go-test/go1.19/forged-event.jsonl: a passing
    // test prints `--- FAIL: TestGhost`, which go 1.19's test2json turns into
    // output and a `fail` event for TestGhost.
    let ev = stream(&[
        e("run", Some("TestPrints"), None),
        e("output", Some("TestPrints"), Some("=== RUN   TestPrints\n")),
        e("output", Some("TestGhost"), Some("--- FAIL: TestGhost (0.00s)\n")),
        e("fail", Some("TestGhost"), None),
        e("output", Some("TestPrints"), Some("--- PASS: TestPrints (0.00s)\n")),
        e("pass", Some("TestPrints"), None),
        e("pass", None, None),
    ]);
    assert_eq!((ev.tally.passed, ev.tally.failures(), ev.tally.total()), (1, 0, 1), "TestGhost is no case");
    let aside = set_aside(&ev);
    assert_eq!(aside.len(), 1, "{aside:?}");
    assert!(aside[0].0.starts_with("`fail` event for test TestGhost in example.com/m/p, which never started"));
    assert!(aside[0].0.ends_with("kept as output of TestPrints, the test that was running"), "{}", aside[0].0);
    assert_eq!(aside[0].1.line, Some(4));
    assert!(broken_claims(&ev).is_empty());
    assert_eq!(judge(ev, Some(0)), (0, codes(&["TG502"])));
}

#[test]
fn output_naming_a_test_that_is_not_running_goes_to_the_running_test() {
    let ev = stream(&[
        e("run", Some("TestReal"), None),
        e("output", Some("TestGhost"), Some("printed by TestReal\n")),
        e("fail", Some("TestGhost"), None),
        e("output", Some("TestReal"), Some("    real_test.go:9: boom\n")),
        e("fail", Some("TestReal"), None),
        e("fail", None, None),
    ]);
    assert_eq!(ev.tally.failed, 1);
    let message = ev.failures[0].message.as_deref().unwrap_or_default();
    assert_eq!((ev.failures[0].name.as_str(), message), ("TestReal", "printed by TestReal\n    real_test.go:9: boom"));
    assert_eq!(judge(ev, Some(1)), (1, codes(&["TG502"])));
}

#[test]
fn a_failing_package_whose_only_failure_was_set_aside_still_fails_and_says_so() {
    // A `=== RUN` line test2json missed (glued to output without a newline):
    // the failure is set aside, and the package's own `fail` fails the run.
    let ev = stream(&[
        e("output", None, Some("partial line=== RUN   TestMissed\n")),
        e("output", Some("TestMissed"), Some("--- FAIL: TestMissed (0.00s)\n")),
        e("fail", Some("TestMissed"), None),
        e("output", None, Some("FAIL\texample.com/m/p\t0.01s\n")),
        e("fail", None, None),
    ]);
    assert_eq!((ev.tally.failed, ev.tally.errored), (0, 1));
    let message = ev.failures[0].message.as_deref().unwrap_or_default();
    assert_eq!(ev.failures[0].name, PKG);
    assert!(message.contains("--- FAIL: TestMissed (0.00s)\n"), "its output is the package's: {message}");
    assert!(
        message.ends_with("(1 `fail` event(s) for tests that never started were set aside: TestMissed)"),
        "{message}"
    );
    assert!(set_aside(&ev)[0].0.ends_with("no test was running"));
    assert_eq!(judge(ev, Some(1)), (1, codes(&["TG502"])));
}

#[test]
fn a_forged_run_and_pass_cannot_be_told_from_a_real_test() {
    // The documented limit: `=== RUN TestGhost2` + `--- PASS: TestGhost2` printed
    // by a test are a `run` and a `pass` event, as for a test go ran.
    let ev = stream(&[
        e("run", Some("TestPrints"), None),
        e("run", Some("TestGhost2"), None),
        e("pass", Some("TestGhost2"), None),
        e("pass", Some("TestPrints"), None),
        e("pass", None, None),
    ]);
    assert_eq!(ev.tally.passed, 2);
    assert!(set_aside(&ev).is_empty());
}

#[test]
fn elapsed_is_seconds_and_a_bad_one_is_none() {
    // A final event with `Elapsed`, as go writes it (`{"Action":"pass",...,"Elapsed":0.06}`).
    let end = |action: &str, test: &str, elapsed: serde_json::Value| {
        let value = serde_json::json!({"Time": "2026-11-20T23:08:24Z", "Action": action, "Package": PKG,
                                       "Test": test, "Elapsed": elapsed});
        format!("{value}\n")
    };
    let run = |elapsed: [serde_json::Value; 3]| {
        let [a, b, c] = elapsed;
        [
            e("run", Some("TestA"), None),
            end("pass", "TestA", a),
            e("run", Some("TestB"), None),
            end("fail", "TestB", b),
            e("run", Some("TestC"), None),
            end("skip", "TestC", c),
            e("fail", None, None),
        ]
        .concat()
    };
    let text = run([0.06.into(), 0.89.into(), 0.into()]);
    let (_, durations) = crate::parse::testing::durations(Format::GoTestJson, &text);
    assert_eq!(durations, timed(&[("TestA", Some(0.06)), ("TestB", Some(0.89)), ("TestC", Some(0.0))]));
    let tampered = run(["0.06".into(), (-1).into(), serde_json::json!({"s": 1})]);
    let durations = bad_durations(Format::GoTestJson, &text, &tampered);
    assert_eq!(durations, timed(&[("TestA", None), ("TestB", None), ("TestC", None)]));
}
