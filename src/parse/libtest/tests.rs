use super::*;
use crate::model::SourceLocation;
use crate::parse::testing::{bad_durations, broken_claims, codes, detected, judge, read, timed};

fn console(text: &str) -> Evidence {
    read(Format::Libtest, text)
}

const LIB_PASS: &str = "     Running unittests src/lib.rs (target/debug/deps/demo-0123456789abcdef)

running 2 tests
test tests::a ... ok
test tests::b ... ignored, needs a database

test result: ok. 1 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.00s

";

const API_FAIL: &str = "     Running tests/api.rs (target/debug/deps/api-0123456789abcdef)

running 3 tests
test create ... ok
test delete ... FAILED
test list - should panic ... ok

failures:

---- delete stdout ----

thread 'delete' panicked at tests/api.rs:42:9:
assertion `left == right` failed
test result: ok. 99 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s


failures:
    delete

test result: FAILED. 2 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s

error: test failed, to rerun pass `--test api`
";

#[test]
fn detects_console_and_json_output_but_not_reports_that_quote_it() {
    assert_eq!(detected(LIB_PASS), Some(Format::Libtest));
    assert_eq!(
        detected("   Compiling x v0.1.0 (/w)\nerror: could not compile `x` (lib) due to 1 previous error\n"),
        Some(Format::Libtest)
    );
    assert_eq!(
        detected("{ \"type\": \"suite\", \"event\": \"started\", \"test_count\": 1 }\n"),
        Some(Format::LibtestJson)
    );
    // A JUnit report quoting libtest output is JUnit, not libtest.
    assert_eq!(
        detected("<testsuite>\n<system-out>\nrunning 1 test\n</system-out>\n</testsuite>\n"),
        Some(Format::Junit)
    );
    assert_eq!(detected("   Compiling x v0.1.0 (/w)\n    Finished `dev` profile\n"), None);
}

#[test]
fn a_passing_binary_is_green_and_every_count_is_a_claim() {
    let ev = console(LIB_PASS);
    assert_eq!((ev.tally.passed, ev.tally.skipped), (1, 1));
    assert_eq!(ev.claims.len(), 6, "running N, four counts, the status");
    assert!(broken_claims(&ev).is_empty(), "{:?}", broken_claims(&ev));
    assert_eq!(judge(ev, Some(0)), (0, vec![]));
}

#[test]
fn failures_carry_their_output_location_and_a_replay_in_their_target() {
    let ev = console(API_FAIL);
    assert_eq!((ev.tally.passed, ev.tally.failed), (2, 1));
    let failure = &ev.failures[0];
    assert_eq!(failure.name, "delete");
    assert_eq!(failure.suite.as_deref(), Some("tests/api.rs (target/debug/deps/api-0123456789abcdef)"));
    assert!(failure.message.as_deref().is_some_and(|m| m.contains("panicked at tests/api.rs:42:9")), "{failure:?}");
    assert_eq!(failure.source, Some(SourceLocation { file: "tests/api.rs".into(), line: Some(42) }));
    assert_eq!(failure.replay.as_deref(), Some("cargo test --test api -- --exact delete"));
    // A `test result:` line inside a failing test's captured output is output.
    assert!(broken_claims(&ev).is_empty(), "{:?}", broken_claims(&ev));
    assert_eq!(judge(ev, Some(101)), (1, vec![]));
}

#[test]
fn a_summary_that_does_not_match_the_test_lines_is_a_discrepancy() {
    let text = "running 2 tests\ntest a ... ok\ntest b ... ok\n\ntest result: ok. 3 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out\n";
    let ev = console(text);
    assert_eq!(broken_claims(&ev), vec!["test binary test binary #1 test result passed 3/2 (`test … ok` results)"]);
    assert_eq!(judge(ev, Some(0)), (3, codes(&["TG103"])));
}

#[test]
fn an_ok_summary_over_a_failed_test_is_a_false_green() {
    let text = "running 1 test\ntest a ... FAILED\n\ntest result: ok. 0 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out\n";
    let ev = console(text);
    assert_eq!(judge(ev, Some(101)), (3, codes(&["TG101"])));
}

#[test]
fn a_binary_that_stops_after_running_is_truncated() {
    // SIGKILL after two of three tests.
    let text = "running 3 tests\ntest a ... ok\ntest b ... ok\n";
    let ev = console(text);
    assert!(ev.observations.iter().any(|o| matches!(o, Observation::Truncated { .. })));
    assert_eq!(
        broken_claims(&ev),
        vec!["test binary test binary #1 running N tests 3/2 (tests with a result line, or started without one)"]
    );
    assert_eq!(judge(ev, Some(137)), (3, codes(&["TG005", "TG103", "TG105"])));
    // No `test result:` at all, even with every test line there.
    let ev = console("running 1 test\ntest a ... ok\n");
    assert_eq!(judge(ev, None), (3, codes(&["TG005"])));
}

#[test]
fn each_binary_is_checked_on_its_own() {
    let second_cut = "     Running tests/cli.rs (target/debug/deps/cli-0123)\n\nrunning 2 tests\ntest help ... ok\n";
    let third = "     Running tests/db.rs (target/debug/deps/db-0123)\n\nrunning 1 test\ntest open ... ok\n\ntest result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out\n";
    let ev = console(&format!("{LIB_PASS}{second_cut}{third}"));
    let truncated: Vec<&Observation> =
        ev.observations.iter().filter(|o| matches!(o, Observation::Truncated { .. })).collect();
    assert_eq!(truncated.len(), 1, "{truncated:?}");
    assert!(matches!(truncated[0], Observation::Truncated { detail, .. } if detail.contains("tests/cli.rs")));
    assert_eq!(ev.tally.passed, 3);
    assert_eq!(judge(ev, None).1, codes(&["TG005", "TG103"]));
}

#[test]
fn a_binary_that_cargo_started_and_that_printed_nothing_is_truncated() {
    let text = "     Running tests/boom.rs (target/debug/deps/boom-0123)\nerror: test failed, to rerun pass `--test boom`\n\nCaused by:\n  process didn't exit successfully: `target/debug/deps/boom-0123` (signal: 11, SIGSEGV: invalid memory reference)\n";
    let ev = console(text);
    assert!(
        ev.observations
            .iter()
            .any(|o| matches!(o, Observation::Truncated { detail, .. } if detail.contains("tests/boom.rs")))
    );
    assert_eq!(judge(ev, Some(101)).0, 3);
}

#[test]
fn a_compile_error_is_a_failed_build() {
    let text = "   Compiling demo v0.1.0 (/w/demo)\nerror[E0425]: cannot find value `x` in this scope\n --> src/lib.rs:3:5\n  |\n3 |     x\n  |     ^ not found in this scope\n\nwarning: unused import\nerror: could not compile `demo` (lib test) due to 1 previous error\n";
    let ev = console(text);
    assert_eq!(ev.tally.errored, 1);
    let failure = &ev.failures[0];
    assert_eq!(failure.name, "could not compile demo (lib test)");
    assert_eq!(failure.source, Some(SourceLocation { file: "src/lib.rs".into(), line: Some(3) }));
    assert!(
        failure.message.as_deref().is_some_and(|m| m.contains("cannot find value") && !m.contains("unused import"))
    );
    assert_eq!(judge(ev, Some(101)), (1, vec![]));
}

#[test]
fn the_pi_disk_full_compile_failure_is_a_failure() {
    let text = "   Compiling pi_agent_rust v0.1.0 (/data/projects/pi_agent_rust)\n[bubbletea-macros] Deriving Model for: PiApp\nerror: failed to write to `/data/x/full.rmeta`: No space left on device (os error 28)\n\nerror: could not compile `pi_agent_rust` (lib) due to 1 previous error\n";
    let ev = console(text);
    assert_eq!(ev.tally.errored, 1);
    assert!(ev.failures[0].message.as_deref().is_some_and(|m| m.contains("No space left on device")));
    assert_eq!(judge(ev, Some(101)), (1, vec![]));
}

#[test]
fn a_binary_that_passed_and_still_failed_is_errored() {
    let text = format!(
        "{LIB_PASS}error: test failed, to rerun pass `--lib`\n\nCaused by:\n  process didn't exit successfully: `target/debug/deps/demo-0123` (signal: 6, SIGABRT: process abort signal)\n"
    );
    let ev = console(&text);
    assert_eq!(ev.tally.errored, 1);
    let failure = &ev.failures[0];
    assert!(failure.message.as_deref().is_some_and(|m| m.contains("SIGABRT")), "{failure:?}");
    assert_eq!(judge(ev, Some(101)), (1, vec![]));
    // After a binary with failures the same line is just cargo's summary.
    let ev = console(API_FAIL);
    assert_eq!(ev.tally.errored, 0);
}

#[test]
fn the_failed_targets_list_is_checked_against_the_binaries() {
    let text = format!("{LIB_PASS}{API_FAIL}error: 2 targets failed:\n    `--lib`\n    `--test api`\n");
    let ev = console(&text);
    assert_eq!((ev.tally.failed, ev.tally.errored), (1, 1));
    assert_eq!(ev.failures[1].suite.as_deref(), Some("unittests src/lib.rs (target/debug/deps/demo-0123456789abcdef)"));
}

#[test]
fn nocapture_results_on_their_own_line_and_other_result_words() {
    let text = "running 4 tests\ntest a ... hello from a\nok\ntest b - should panic ... ok\ntest c ... ignored\ntest bench_x ... bench:       1,234 ns/iter (+/- 5)\n\ntest result: ok. 2 passed; 0 failed; 1 ignored; 1 measured; 0 filtered out\n";
    let ev = console(text);
    assert_eq!((ev.tally.passed, ev.tally.skipped), (3, 1));
    assert!(broken_claims(&ev).is_empty(), "{:?}", broken_claims(&ev));
}

#[test]
fn json_events_are_read_with_their_claims() {
    let text = r#"{ "type": "suite", "event": "started", "test_count": 2 }
{ "type": "test", "event": "started", "name": "a" }
{ "type": "test", "event": "started", "name": "b" }
{ "type": "test", "name": "a", "event": "ok" }
{ "type": "test", "name": "b", "event": "failed", "stdout": "thread 'b' panicked at src/lib.rs:9:5:\nboom\n" }
{ "type": "suite", "event": "failed", "passed": 1, "failed": 1, "ignored": 0, "measured": 0, "filtered_out": 0, "exec_time": 0.001 }
"#;
    let ev = read(Format::LibtestJson, text);
    assert_eq!((ev.tally.passed, ev.tally.failed), (1, 1));
    assert_eq!(ev.failures[0].source, Some(SourceLocation { file: "src/lib.rs".into(), line: Some(9) }));
    assert!(broken_claims(&ev).is_empty(), "{:?}", broken_claims(&ev));
    assert_eq!(judge(ev, Some(101)), (1, vec![]));
}

#[test]
fn a_json_stream_without_its_suite_result_is_truncated() {
    let text = "{ \"type\": \"suite\", \"event\": \"started\", \"test_count\": 2 }\n{ \"type\": \"test\", \"event\": \"started\", \"name\": \"a\" }\n{ \"type\": \"test\", \"name\": \"a\", \"event\": \"ok\" }\n{ \"type\": \"test\", \"event\": \"started\", \"name\": \"b\" }\n";
    let ev = read(Format::LibtestJson, text);
    assert_eq!(ev.tally.incomplete, 1);
    // Two declared, one result and one started: the count holds, the stream does not.
    assert!(broken_claims(&ev).is_empty(), "{:?}", broken_claims(&ev));
    assert_eq!(judge(ev, None), (3, codes(&["TG005"])));
}

#[test]
fn a_broken_json_event_is_unparseable() {
    let ev = read(
        Format::LibtestJson,
        "{ \"type\": \"suite\", \"event\": \"started\", \"test_count\": 1 }\n{ \"type\": \"test\", \"name\": \n",
    );
    let (exit, found) = judge(ev, None);
    assert_eq!(exit, 3);
    assert!(found.contains(&"TG001".to_owned()), "{found:?}");
    let ev = read(Format::LibtestJson, "{ \"type\": \"suite\", \"event\": \"ok\" }\n");
    assert!(judge(ev, None).1.contains(&"TG001".to_owned()));
}

#[test]
fn hostile_names_give_inert_replays() {
    let name = "$(touch pwned) `id` 'q'";
    let text = format!(
        "running 1 test\ntest {name} ... FAILED\n\ntest result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out\n"
    );
    let ev = console(&text);
    assert_eq!(ev.failures[0].replay.as_deref(), Some("cargo test -- --exact '$(touch pwned) `id` '\\''q'\\'''"));
}

#[test]
fn header_parsing() {
    let h = cargo_header("Running tests/api/main.rs (target/debug/deps/api-1)").map(|h| (h.test_target, h.rerun));
    assert_eq!(h, Some((Some("api".into()), Some("--test api".into()))));
    let h =
        cargo_header("Running unittests src/bin/tool.rs (target/debug/deps/tool-1)").map(|h| (h.test_target, h.rerun));
    assert_eq!(h, Some((None, Some("--bin tool".into()))));
    assert!(cargo_header("Running benches/b.rs (target/release/deps/b-1)").is_some_and(|h| !h.replayable));
    assert!(cargo_header("Running target/debug/deps/old-0123").is_some());
    assert!(cargo_header("Running the tests now").is_none());
    assert_eq!(running_count("running 1 test"), Some(1));
    assert_eq!(running_count("running late"), None);
    assert_eq!(rerun_argument("error: test failed, to rerun pass '--lib'"), Some("--lib"));
}

#[test]
fn more_tests_awaiting_a_result_than_tracked_are_refused() {
    let mut text = String::from("{ \"type\": \"suite\", \"event\": \"started\", \"test_count\": 1 }\n");
    for i in 0..=MAX_TRACKED {
        text.push_str(&format!("{{ \"type\": \"test\", \"event\": \"started\", \"name\": \"t{i}\" }}\n"));
    }
    let ev = read(Format::LibtestJson, &text);
    let refused = ev.observations.iter().any(
        |o| matches!(o, Observation::Unparseable { message, .. } if message.contains("more than 100000 test binaries")),
    );
    assert!(refused, "{:?}", ev.observations.iter().take(3).collect::<Vec<_>>());
}

#[test]
fn started_tests_are_matched_by_name_whatever_the_order() {
    let text = r#"{ "type": "suite", "event": "started", "test_count": 3 }
{ "type": "test", "event": "started", "name": "a" }
{ "type": "test", "event": "started", "name": "b" }
{ "type": "test", "event": "started", "name": "c" }
{ "type": "test", "name": "a", "event": "ok" }
{ "type": "test", "name": "c", "event": "ok" }
"#;
    let ev = read(Format::LibtestJson, text);
    let incomplete: Vec<&str> =
        ev.failures.iter().filter(|f| f.outcome == CaseOutcome::Incomplete).map(|f| f.name.as_str()).collect();
    assert_eq!(incomplete, ["b"]);
}

#[test]
fn a_test_cut_right_after_its_separator_is_incomplete() {
    // The process was killed while `rpc::cancel` ran: its line ends at " ... ".
    let ev = console(
        "     Running tests/rpc.rs (target/debug/deps/rpc-0123456789abcdef)\n\nrunning 2 tests\ntest rpc::ping ... ok\ntest rpc::cancel ... \n",
    );
    assert_eq!((ev.tally.passed, ev.tally.incomplete), (1, 1));
    assert_eq!(ev.failures[0].name, "rpc::cancel");
}

#[test]
fn exec_time_is_seconds_and_a_bad_one_is_none() {
    let text = include_str!("../../../tests/fixtures/libtest-json/cargo/report-time.log");
    let (_, durations) = crate::parse::testing::durations(Format::LibtestJson, text);
    let expected = [
        ("tests::adds", Some(0.000000591)),
        ("tests::ignored", None),
        ("tests::fails_after_a_tenth_of_a_second", Some(0.100291833)),
        ("tests::sleeps_a_quarter_second", Some(0.250142831)),
    ];
    assert_eq!(durations, timed(&expected));
    let tampered = text
        .replace(r#""exec_time": 0.000000591"#, r#""exec_time": "0.1s""#)
        .replace(r#""exec_time": 0.250142831"#, r#""exec_time": -0.25"#);
    let durations = bad_durations(Format::LibtestJson, text, &tampered);
    let expected = [
        ("tests::adds", None),
        ("tests::ignored", None),
        ("tests::fails_after_a_tenth_of_a_second", Some(0.100291833)),
        ("tests::sleeps_a_quarter_second", None),
    ];
    assert_eq!(durations, timed(&expected));
}
