use super::*;
use crate::model::Violation;
use crate::parse::testing::{bad_durations, broken_claims, codes, detected, judge, read, read_in, timed, violations};

fn tap(text: &str) -> Evidence {
    read(Format::Tap, text)
}

fn verdict(text: &str) -> (i32, Vec<String>) {
    judge(tap(text), None)
}

#[test]
fn detects_tap_by_its_first_line_after_comments() {
    assert_eq!(detected("TAP version 14\n1..1\nok 1\n"), Some(Format::Tap));
    assert_eq!(detected("# header comment\n1..3\nok 1 first\n"), Some(Format::Tap));
    assert_eq!(detected("not ok 1 - broken\n"), Some(Format::Tap));
    assert_eq!(detected("# only a comment\n# and another\n"), None);
    assert_eq!(detected("okay then\n"), None);
    assert_eq!(detected("running 1 test\ntest a ... ok\n"), Some(Format::Libtest));
}

#[test]
fn a_planned_passing_stream_is_green() {
    assert_eq!(verdict("TAP version 14\n1..2\nok 1 - a\nok 2 - b\n"), (0, vec![]));
    // A trailing plan is as good as a leading one.
    assert_eq!(verdict("ok 1 - a\nok 2 - b\n1..2\n"), (0, vec![]));
    // CRLF line ends change nothing.
    assert_eq!(verdict("TAP version 13\r\n1..1\r\nok 1 - a\r\n"), (0, vec![]));
}

#[test]
fn empty_version_only_and_comment_only_streams_are_empty() {
    for text in ["", "TAP version 14\n", "# nothing here\n# at all\n", "TAP version 13\n# Subtest: x\n"] {
        let ev = tap(text);
        assert!(ev.observations.contains(&Observation::Empty), "{text:?}: {:?}", ev.observations);
        let (exit, found) = judge(ev, None);
        assert_eq!(exit, 3, "{text:?}");
        assert!(found.contains(&"TG002".to_owned()), "{text:?}: {found:?}");
    }
}

#[test]
fn a_missing_plan_is_a_discrepancy() {
    let ev = tap("TAP version 14\nok 1 - a\nok 2 - b\n");
    assert_eq!(violations(&ev, Violation::PlanMissing).len(), 1);
    assert_eq!(judge(ev, None), (3, codes(&["TG020"])));
}

#[test]
fn a_plan_that_does_not_match_the_test_points_is_a_count_mismatch() {
    let ev = tap("1..3\nok 1 first\nok 2 second\n# bats warning: Executed 2 instead of expected 3 tests\n");
    assert_eq!(broken_claims(&ev), vec!["the TAP stream plan 3/2 (test points at this level)"]);
    assert_eq!(judge(ev, Some(1)), (3, codes(&["TG103", "TG105"])));
}

#[test]
fn a_plan_in_the_middle_or_twice_is_misplaced() {
    let ev = tap("ok 1\n1..2\nok 2\n");
    assert_eq!(violations(&ev, Violation::PlanMisplaced).len(), 1);
    let ev = tap("1..1\nok 1\n1..1\n");
    assert_eq!(
        violations(&ev, Violation::PlanMisplaced),
        vec!["the TAP stream: a second plan; the first is at line 1"]
    );
    assert_eq!(judge(ev, None), (3, codes(&["TG021"])));
}

#[test]
fn test_numbers_out_of_order_or_outside_the_plan_are_reported() {
    let ev = tap("1..3\nok 1\nok 3\nok 4\n");
    let found = violations(&ev, Violation::TestNumber);
    assert_eq!(
        found,
        vec![
            "the TAP stream: test number 3 where 2 was expected (out of order or repeated)",
            "the TAP stream: test number 4 is outside the plan 1..3"
        ]
    );
    assert_eq!(judge(ev, None), (3, codes(&["TG022"])));
    // With a trailing plan, the highest number is checked once the plan is known.
    let ev = tap("ok 1\nok 2\nok 3\n1..2\n");
    assert!(violations(&ev, Violation::TestNumber).iter().any(|d| d.contains("outside the plan 1..2")));
    // Numbering errors are bounded: a few findings and a count.
    let mut long = String::from("1..1\n");
    for _ in 0..100 {
        long.push_str("ok 7\n");
    }
    let found = violations(&tap(&long), Violation::TestNumber);
    assert!(found.len() <= 21, "{}", found.len());
    assert!(found.last().is_some_and(|d| d.contains("more test-number problem")), "{found:?}");
}

#[test]
fn bail_out_is_a_discrepancy_and_ends_the_stream() {
    let ev = tap("1..3\nok 1 - connects\nBail out! database unreachable\nok 2\nok 3\n");
    assert_eq!(violations(&ev, Violation::BailOut), vec!["Bail out! in the TAP stream: database unreachable"]);
    assert_eq!(ev.tally.passed, 1, "nothing after the bail-out counts");
    assert!(ev.claims.is_empty(), "the plan is not checked after a bail-out: {:?}", ev.claims);
    assert_eq!(judge(ev, None), (3, codes(&["TG023"])));
}

#[test]
fn bail_out_inside_a_subtest_counts_too() {
    let ev = tap("TAP version 14\n1..1\n# Subtest: db\n    ok 1 - open\n    bail out! disk full\nok 1 - db\n");
    assert_eq!(violations(&ev, Violation::BailOut), vec!["Bail out! in subtest \"db\": disk full"]);
    assert_eq!(judge(ev, None).0, 3);
}

#[test]
fn skip_and_todo_are_not_failures_in_any_case() {
    let ev = tap("1..4\nok 1 - a\nnot ok 2 - b # TODO later\nnot ok 3 - c # skip flaky env\nok 4 - d # Todo bonus\n");
    assert_eq!((ev.tally.passed, ev.tally.failed, ev.tally.skipped), (1, 0, 3));
    assert_eq!(judge(ev, None), (0, vec![]));
}

#[test]
fn an_escaped_hash_is_not_a_directive() {
    let ev = tap("1..2\nnot ok 1 - is \\# TODO not a directive\nnot ok 2 - no space#TODO either\n");
    assert_eq!(ev.tally.failed, 2);
    assert_eq!(ev.failures[0].name, "is # TODO not a directive");
    assert_eq!(ev.failures[1].name, "no space#TODO either");
    assert_eq!(judge(ev, None), (1, vec![]));
}

#[test]
fn a_failure_inside_a_subtest_whose_parent_says_ok_is_still_a_failure() {
    let text = "TAP version 14\n1..1\n# Subtest: group\n    ok 1 - inner pass\n    not ok 2 - inner fail\n    1..2\nok 1 - group\n";
    let ev = tap(text);
    assert_eq!(ev.tally.failed, 1);
    assert_eq!(ev.failures[0].suite.as_deref(), Some("group"));
    assert_eq!(ev.failures[0].name, "inner fail");
    assert_eq!(broken_claims(&ev), vec!["test point 1 \"group\" ok ok/fail (1 of 2 point(s) in its subtest failed)"]);
    assert_eq!(judge(ev, None), (3, codes(&["TG101"])));
}

#[test]
fn tap14_subtest_labels_inside_the_subtest_name_it() {
    let text = "TAP version 14\n    # Subtest: inner\n    not ok 1 - deep\n    1..1\nnot ok 1 - inner\n1..1\n";
    let ev = tap(text);
    assert_eq!(ev.failures.len(), 1);
    assert_eq!(ev.failures[0].suite.as_deref(), Some("inner"));
    assert_eq!(judge(ev, None), (1, vec![]));
}

#[test]
fn a_parent_that_fails_while_its_subtest_passed_is_its_own_failure() {
    let text = "1..1\n    ok 1 - a\n    1..1\nnot ok 1 - teardown broke\n";
    let ev = tap(text);
    assert_eq!(ev.tally.failed, 1);
    assert_eq!(ev.failures[0].name, "teardown broke");
    assert!(ev.failures[0].message.as_deref().is_some_and(|m| m.contains("every point of its subtest passed")));
    assert_eq!(judge(ev, None), (1, vec![]));
}

#[test]
fn unterminated_subtests_are_discrepancies() {
    // The stream ends inside the subtest.
    let ev = tap("TAP version 14\n1..1\n# Subtest: db\n    ok 1 - open\n");
    assert_eq!(
        violations(&ev, Violation::UnterminatedSubtest),
        vec!["subtest \"db\" is still open when the stream ends at line 4"]
    );
    let (exit, found) = judge(ev, None);
    assert_eq!(exit, 3);
    assert!(found.contains(&"TG024".to_owned()), "{found:?}");
    // A subtest followed by another one instead of its parent's test point.
    let ev = tap("1..1\n    ok 1 - a\n    1..1\n# between\n    ok 1 - b\n    1..1\nok 1 - b\n");
    assert_eq!(violations(&ev, Violation::UnterminatedSubtest).len(), 1);
    // A subtest followed by the plan.
    let ev = tap("    ok 1 - a\n    1..1\n1..1\n");
    assert_eq!(violations(&ev, Violation::UnterminatedSubtest).len(), 1);
}

#[test]
fn a_subtest_without_a_plan_is_reported() {
    let ev = tap("1..1\n# Subtest: s\n    ok 1 - a\nok 1 - s\n");
    assert_eq!(violations(&ev, Violation::PlanMissing), vec!["subtest \"s\" has 1 test point(s) and no plan (1..N)"]);
}

#[test]
fn absolute_locations_inside_the_workspace_become_locations() {
    // node --test writes an absolute `location:`; bats may print absolute paths.
    let text = "TAP version 13\n1..1\nnot ok 1 - sums\n  ---\n  location: '/work/app/test/sum.test.mjs:4:1'\n  ...\n";
    let inside = read_in(Format::Tap, text, Some("/work/app"));
    assert_eq!(inside.failures[0].source, Some(SourceLocation { file: "test/sum.test.mjs".into(), line: Some(4) }));
    assert_eq!(read_in(Format::Tap, text, Some("/elsewhere")).failures[0].source, None);
    assert_eq!(tap(text).failures[0].source, None);
}

#[test]
fn skip_all_plans_mean_nothing_ran() {
    let ev = tap("TAP version 14\n1..0 # no database in this environment\n");
    assert!(broken_claims(&ev).is_empty());
    assert_eq!(judge(ev, None), (3, codes(&["TG201"])));
}

#[test]
fn yaml_diagnostics_give_the_message_and_the_location() {
    let text = "TAP version 13\n1..1\nnot ok 1 - math\n  ---\n  message: \"expected 3\"\n  at:\n    file: test/math.js\n    line: 12\n  ...\n";
    let ev = tap(text);
    let failure = &ev.failures[0];
    assert_eq!(failure.message.as_deref(), Some("expected 3"));
    assert_eq!(failure.source, Some(SourceLocation { file: "test/math.js".into(), line: Some(12) }));
    assert_eq!(failure.replay, None, "plain TAP: no producer, no replay");
    let flat = "1..1\nnot ok 1 - x\n  ---\n  message: boom\n  file: lib/x.py\n  line: 4\n  ...\n";
    assert_eq!(tap(flat).failures[0].source, Some(SourceLocation { file: "lib/x.py".into(), line: Some(4) }));
}

#[test]
fn odd_whitespace_inside_yaml_is_harmless() {
    let ev = tap("1..1\nnot ok 1 - x\n  ---\n\u{3000}\n  message: m\n  ...\n");
    assert_eq!(ev.tally.failed, 1);
    assert_eq!(ev.failures[0].message.as_deref(), Some("m"));
}

#[test]
fn a_stream_ending_inside_yaml_is_truncated() {
    let ev = tap("1..1\nnot ok 1 - x\n  ---\n  message: half\n");
    assert!(ev.observations.iter().any(|o| matches!(o, Observation::Truncated { .. })));
    assert_eq!(ev.failures[0].message.as_deref(), Some("half"));
    assert_eq!(judge(ev, None).0, 3);
}

#[test]
fn bats_failures_get_their_file_line_and_a_bats_replay() {
    let text =
        "1..2\nok 1 passes\nnot ok 2 fails\n# (in test file tests/sample.bats, line 9)\n#   `[ 1 -eq 2 ]' failed\n";
    let ev = tap(text);
    let failure = &ev.failures[0];
    assert_eq!(failure.source, Some(SourceLocation { file: "tests/sample.bats".into(), line: Some(9) }));
    assert_eq!(failure.replay.as_deref(), Some("bats -f '^fails$' tests/sample.bats"));
    assert!(failure.message.as_deref().is_some_and(|m| m.contains("`[ 1 -eq 2 ]' failed")));
}

#[test]
fn node_failures_get_a_node_replay_and_a_file_level_failure_reruns_the_file() {
    let text = "TAP version 13\n# Subtest: adds\nnot ok 1 - adds\n  ---\n  location: '/w/app/sum.test.mjs:5:1'\n  error: 'nope'\n  ...\n# Subtest: /w/app/broken.test.mjs\nnot ok 2 - /w/app/broken.test.mjs\n  ---\n  location: '/w/app/broken.test.mjs:1:1'\n  ...\n1..2\n";
    let ev = tap(text);
    assert_eq!(ev.failures[0].replay.as_deref(), Some("node --test --test-name-pattern='^adds$' /w/app/sum.test.mjs"));
    assert_eq!(ev.failures[0].message.as_deref(), Some("nope"));
    assert_eq!(ev.failures[1].replay.as_deref(), Some("node --test /w/app/broken.test.mjs"));
}

#[test]
fn node_names_nested_tests_by_their_suite() {
    let text = "TAP version 13\n# Subtest: suite\n    # Subtest: nested fail\n    not ok 1 - nested fail\n      ---\n      location: '/w/s.test.mjs:10:3'\n      ...\n    1..1\nnot ok 1 - suite\n1..1\n";
    let ev = tap(text);
    assert_eq!(ev.failures.len(), 1);
    assert_eq!(ev.failures[0].suite.as_deref(), Some("suite"));
    // node cannot filter to a subtest alone: its top-level test reruns it.
    assert_eq!(ev.failures[0].replay.as_deref(), Some("node --test --test-name-pattern='^suite$' /w/s.test.mjs"));
    assert_eq!(judge(ev, None), (1, vec![]));
}

#[test]
fn comments_before_the_first_point_explain_its_failure() {
    let text =
        "TAP version 13\n# Error: Cannot find module 'x'\n# Subtest: /w/b.test.mjs\nnot ok 1 - /w/b.test.mjs\n1..1\n";
    let ev = tap(text);
    assert!(ev.failures[0].message.as_deref().is_some_and(|m| m.contains("Cannot find module")), "{:?}", ev.failures);
}

#[test]
fn hostile_names_give_inert_replays() {
    let name = "$(touch pwned) `id` 'q' \u{1b}[31mred";
    let text = format!("1..1\nnot ok 1 {name}\n# (in test file tests/x.bats, line 3)\n");
    let ev = tap(&text);
    let replay = ev.failures[0].replay.clone().unwrap_or_default();
    assert_eq!(replay, crate::replay::bats(Some("tests/x.bats"), name));
    assert!(replay.starts_with("bats -f '^\\$\\(touch pwned\\) `id` '\\''q'\\''"), "{replay}");
}

#[test]
fn parser_pieces() {
    assert_eq!(
        parse_test_point("not ok 12 - a b # SKIP why"),
        Some(TestPoint {
            ok: false,
            number: Some(12),
            description: "a b".into(),
            directive: Some(Directive::Skip("why".into()))
        })
    );
    assert_eq!(parse_test_point("ok").map(|p| (p.ok, p.number)), Some((true, None)));
    assert_eq!(parse_test_point("ok 3abc").map(|p| (p.number, p.description)), Some((None, "3abc".into())));
    assert!(parse_test_point("okay").is_none());
    assert_eq!(parse_plan("1..0 # skip").and_then(|p| p.skip_all), Some("skip".into()));
    assert!(parse_plan("1..x").is_none());
    assert_eq!(unescape("a \\\\ b \\# c \\n"), "a \\ b # c \\n");
    assert_eq!(bats_location("(from function `f' in test file t/a.bats, line 7)"), Some(("t/a.bats".into(), 7)));
    assert_eq!(strip_line_and_column("/a/b.mjs:5:1"), "/a/b.mjs");
}

#[test]
fn a_last_result_line_without_its_newline_is_truncated() {
    // Found by tests/verdict_properties.rs: `ok 1 - a # SKIP not here` cut after `ok`
    // read as a pass, and a run that ran nothing came out green.
    assert_eq!(verdict("TAP version 14\n1..1\nok"), (3, codes(&["TG005"])));
    assert_eq!(verdict("1..2\nok 1 - a\nok 2 - b # SKIP"), (3, codes(&["TG005"])));
    assert_eq!(verdict("ok 1 - a\n1..1"), (3, codes(&["TG005"])));
    // A comment or a version line without a newline proves nothing about the results.
    assert_eq!(verdict("1..1\nok 1 - a\n# done"), (0, vec![]));
}

#[test]
fn node_durations_are_its_yaml_duration_ms_and_a_bad_one_is_none() {
    // node --test's TAP (as in shared/fixtures/formats/node_sample.tap).
    let text = "TAP version 13\n# Subtest: passes\nok 1 - passes\n  ---\n  duration_ms: 1.136746\n  ...\n\
                # Subtest: fails\nnot ok 2 - fails\n  ---\n  duration_ms: 87.222719\n  location: '/w/a.test.mjs:5:1'\n  \
                error: 'nope'\n  ...\n# Subtest: bare\nok 3 - bare\n1..3\n# duration_ms 165.972244\n";
    let (_, durations) = crate::parse::testing::durations(Format::Tap, text);
    assert_eq!(durations, timed(&[("passes", Some(0.001136746)), ("fails", Some(0.087222719)), ("bare", None)]));
    let tampered = text
        .replace("duration_ms: 1.136746", "duration_ms: '1 ms'")
        .replace("duration_ms: 87.222719", "duration_ms: -.inf");
    let durations = bad_durations(Format::Tap, text, &tampered);
    assert_eq!(durations, timed(&[("passes", None), ("fails", None), ("bare", None)]));
}
