use super::*;
use crate::model::SourceLocation;
use crate::parse::testing::{bad_durations, broken_claims, codes, detected, judge, read, read_in, timed};

const ALL_PASS: &str = include_str!("../../../tests/fixtures/rspec-json/rspec/all_pass.json");
const MIXED: &str = include_str!("../../../tests/fixtures/rspec-json/rspec/mixed.json");
const AFTER_ALL: &str = include_str!("../../../tests/fixtures/rspec-json/rspec/after_all.json");
const LOAD_ERROR: &str = include_str!("../../../tests/fixtures/rspec-json/rspec/load_error.json");
const BEFORE_SUITE: &str = include_str!("../../../tests/fixtures/rspec-json/rspec/before_suite.json");
const RANDOM_PROFILE: &str = include_str!("../../../tests/fixtures/rspec-json/rspec/random_profile.json");

fn rspec(text: &str) -> Evidence {
    read(Format::RspecJson, text)
}

#[test]
fn detects_rspec_reports_only() {
    for text in [ALL_PASS, MIXED, AFTER_ALL, LOAD_ERROR, BEFORE_SUITE, RANDOM_PROFILE] {
        assert_eq!(detected(text), Some(Format::RspecJson));
    }
    // Pretty-printed (as in dorny/test-reporter's fixture).
    let pretty = "{\n  \"version\": \"3.13.0\",\n  \"examples\": [\n  ],\n  \"summary\": {\"example_count\": 0},\n  \"summary_line\": \"0 examples, 0 failures\"\n}";
    assert_eq!(detected(pretty), Some(Format::RspecJson));
    assert_eq!(detected("{\"version\":\"1\",\"examples\":[]}"), None, "no RSpec key");
    assert_eq!(detected("{\"examples\":[],\"version\":\"3\",\"summary_line\":\"x\"}"), None, "version comes first");
    assert_eq!(detected("{\"reportFormat\":\"CTRF\",\"results\":{\"tool\":{},\"tests\":[]}}"), Some(Format::Ctrf));
}

#[test]
fn an_all_pass_run_is_green_with_every_claim_holding() {
    let ev = rspec(ALL_PASS);
    assert_eq!(ev.tally.passed, 3);
    assert_eq!(ev.claims.len(), 8, "four summary counts and four summary_line counts");
    assert!(broken_claims(&ev).is_empty(), "{:?}", broken_claims(&ev));
    assert_eq!(judge(ev, Some(0)), (0, vec![]));
}

#[test]
fn pending_is_a_skip_and_a_fixed_pending_is_a_failure() {
    let ev = rspec(MIXED);
    assert_eq!((ev.tally.passed, ev.tally.failed, ev.tally.skipped), (1, 3, 4));
    assert!(broken_claims(&ev).is_empty(), "{:?}", broken_claims(&ev));
    let fixed = ev.failures.iter().find(|f| f.name.contains("(fixed)")).map(|f| f.message.clone().unwrap_or_default());
    assert!(fixed.is_some_and(|m| m.starts_with("pending example passed")));
    assert_eq!(ev.failures[0].replay.as_deref(), Some("rspec './mixed_spec.rb[1:2]'"));
    assert_eq!(judge(ev, Some(1)), (1, vec![]));
}

#[test]
fn an_error_outside_of_examples_fails_a_run_whose_examples_all_passed() {
    let ev = rspec(AFTER_ALL);
    assert_eq!((ev.tally.passed, ev.tally.errored), (2, 1));
    assert_eq!(ev.failures[0].name, "An error occurred in an `after(:context)` hook.");
    assert_eq!(ev.failures[0].source, Some(SourceLocation { file: "teardown_spec.rb".into(), line: Some(3) }));
    assert!(broken_claims(&ev).is_empty(), "{:?}", broken_claims(&ev));
    assert_eq!(judge(ev, Some(1)), (1, vec![]));
}

#[test]
fn a_load_error_or_a_suite_hook_is_an_errored_case_not_nothing_ran() {
    for text in [LOAD_ERROR, BEFORE_SUITE] {
        let ev = rspec(text);
        assert_eq!(ev.tally.errored, 1);
        assert!(broken_claims(&ev).is_empty(), "{:?}", broken_claims(&ev));
        assert_eq!(judge(ev, Some(1)), (1, vec![]));
    }
    let ev = rspec(LOAD_ERROR);
    assert_eq!(ev.failures[0].name, "An error occurred while loading ./broken_spec.rb.");
}

#[test]
fn seed_and_profile_are_not_examples() {
    let ev = rspec(RANDOM_PROFILE);
    assert_eq!((ev.tally.passed, ev.tally.failed), (2, 1));
    assert!(broken_claims(&ev).is_empty(), "{:?}", broken_claims(&ev));
}

#[test]
fn a_flipped_status_breaks_the_summary_counts() {
    let text = MIXED.replacen("\"status\":\"failed\"", "\"status\":\"passed\"", 1);
    let ev = rspec(&text);
    assert_eq!(
        broken_claims(&ev),
        vec![
            "summary summary.failure_count 3/2 (examples with status failed)",
            "summary_line summary_line (failures) 3/2 (examples with status failed)"
        ]
    );
    assert_eq!(judge(ev, Some(1)).1, codes(&["TG103"]));
}

#[test]
fn a_declared_error_without_its_message_still_fails() {
    let text = AFTER_ALL.replacen("\"messages\":[", "\"notes\":[", 1);
    let ev = rspec(&text);
    assert_eq!(ev.tally.errored, 1, "counted from the summary");
    assert_eq!(ev.failures[0].name, "errors outside of examples (count only)");
    assert_eq!(judge(ev, Some(1)), (3, codes(&["TG103"])));
}

#[test]
fn a_message_without_its_declared_count_still_fails() {
    let text = AFTER_ALL
        .replace("\"errors_outside_of_examples_count\":1", "\"errors_outside_of_examples_count\":0")
        .replace(", 1 error occurred outside of examples", "");
    let ev = rspec(&text);
    assert_eq!(ev.tally.errored, 1);
    assert_eq!(judge(ev, Some(0)), (3, codes(&["TG103", "TG105"])));
}

#[test]
fn other_messages_are_not_errors() {
    let text = ALL_PASS.replacen(
        "\"examples\":",
        "\"messages\":[\"Run options: include {:focus=>true}\",\"No examples found.\"],\"examples\":",
        1,
    );
    let ev = rspec(&text);
    assert_eq!(ev.tally.errored, 0);
    assert_eq!(judge(ev, Some(0)), (0, vec![]));
}

#[test]
fn an_unknown_status_is_not_a_pass() {
    let text = ALL_PASS.replacen("\"status\":\"passed\"", "\"status\":\"flaky\"", 1);
    let ev = rspec(&text);
    assert_eq!(ev.tally.errored, 1);
    assert!(ev.failures[0].message.as_deref().unwrap_or_default().starts_with("status \"flaky\""));
    assert_eq!(judge(ev, Some(0)).0, 3);
}

#[test]
fn a_cut_report_is_unparseable_and_keeps_what_it_read() {
    let cut = &MIXED[..MIXED.len() / 2];
    let ev = rspec(cut);
    assert!(ev.tally.failed >= 1);
    assert!(ev.claims.is_empty(), "no summary compared with a list that was cut");
    assert_eq!(judge(ev, Some(1)).1, codes(&["TG001"]));
}

#[test]
fn a_report_without_summary_or_examples_is_truncated() {
    let text = ALL_PASS.split(",\"summary\":").next().map(|head| format!("{head}}}")).unwrap_or_default();
    let ev = rspec(&text);
    assert_eq!(ev.tally.passed, 3);
    assert_eq!(judge(ev, Some(0)).1, codes(&["TG005"]));
    // Nothing read at all: also nothing ran.
    let ev = rspec("{\"version\":\"3.12.0\"}");
    assert_eq!(judge(ev, Some(0)).1, codes(&["TG005", "TG201"]));
}

#[test]
fn a_key_twice_is_unparseable() {
    let text = ALL_PASS.replacen("\"examples\":", "\"examples\":[],\"examples\":", 1);
    assert_eq!(judge(rspec(&text), Some(0)), (3, codes(&["TG001", "TG201"])));
}

#[test]
fn wrong_types_and_negative_counts_are_unparseable() {
    let text = ALL_PASS.replacen("\"failure_count\":0", "\"failure_count\":-1", 1);
    assert_eq!(judge(rspec(&text), Some(0)), (3, codes(&["TG001"])));
    // The first example is refused whole: nothing is left that ran.
    let text = ALL_PASS.replacen("\"status\":\"passed\"", "\"status\":7", 1);
    assert_eq!(judge(rspec(&text), Some(0)), (3, codes(&["TG001", "TG201"])));
}

#[test]
fn a_summary_line_that_is_not_rspecs_is_a_violation() {
    let text = ALL_PASS.replace("\"summary_line\":\"3 examples, 0 failures\"", "\"summary_line\":\"all good\"");
    assert_eq!(judge(rspec(&text), Some(0)), (3, codes(&["TG025"])));
}

#[test]
fn backtraces_under_the_workspace_locate_the_failure() {
    let ev = read_in(Format::RspecJson, MIXED, Some("/tmp/gen-rspec/src/mixed"));
    assert_eq!(ev.failures[0].source, Some(SourceLocation { file: "mixed_spec.rb".into(), line: Some(6) }));
    // Without a workspace: the example's own location.
    let ev = rspec(MIXED);
    assert_eq!(ev.failures[1].source, Some(SourceLocation { file: "mixed_spec.rb".into(), line: Some(8) }));
}

#[test]
fn hostile_ids_replay_inertly() {
    let text = MIXED.replacen("\"id\":\"./mixed_spec.rb[1:2]\"", "\"id\":\"-r./x.rb $(touch pwned)\"", 1);
    let ev = rspec(&text);
    assert_eq!(ev.failures[0].replay.as_deref(), Some("rspec './-r./x.rb $(touch pwned)'"));
}

#[test]
fn run_time_is_seconds_and_a_bad_one_is_none() {
    let (_, durations) = crate::parse::testing::durations(Format::RspecJson, ALL_PASS);
    let expected = [
        ("Calculator adds", Some(0.000295661)),
        ("Calculator subtracts", Some(0.000136383)),
        ("Calculator with floats multiplies", Some(3.2839e-05)),
    ];
    assert_eq!(durations, timed(&expected));
    let tampered = ALL_PASS
        .replace(r#""run_time":0.000295661"#, r#""run_time":"fast""#)
        .replace(r#""run_time":3.2839e-05"#, r#""run_time":{"s":-1}"#);
    let durations = bad_durations(Format::RspecJson, ALL_PASS, &tampered);
    let expected = [
        ("Calculator adds", None),
        ("Calculator subtracts", Some(0.000136383)),
        ("Calculator with floats multiplies", None),
    ];
    assert_eq!(durations, timed(&expected));
}
