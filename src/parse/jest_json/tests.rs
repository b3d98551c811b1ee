use super::*;
use crate::parse::testing::{bad_durations, broken_claims, detected, judge, read, read_in, timed};

fn fixture(dialect: &str, name: &str) -> String {
    let path = format!("{}/tests/fixtures/{dialect}-json/{dialect}/{name}.json", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

const SCENARIOS: &[&str] = &["all_pass", "mixed", "retry", "retry_fail", "crash"];

#[test]
fn detects_both_dialects() {
    for dialect in ["jest", "vitest"] {
        for name in SCENARIOS {
            assert_eq!(detected(&fixture(dialect, name)), Some(Format::JestJson), "{dialect} {name}");
        }
    }
    assert_eq!(
        detected(r#"{"stats": {"tests": 1, "passes": 1, "pending": 0, "failures": 0}}"#),
        Some(Format::MochaJson)
    );
}

#[test]
fn every_claim_of_every_honest_report_holds() {
    for dialect in ["jest", "vitest"] {
        for name in SCENARIOS {
            let ev = read(Format::JestJson, &fixture(dialect, name));
            assert!(broken_claims(&ev).is_empty(), "{dialect} {name}: {:?}", broken_claims(&ev));
            assert!(ev.observations.is_empty(), "{dialect} {name}: {:?}", ev.observations);
        }
    }
}

#[test]
fn mixed_outcomes() {
    for dialect in ["jest", "vitest"] {
        let ev = read(Format::JestJson, &fixture(dialect, "mixed"));
        // test.failing / test.fails: the expected failure that fails is a pass.
        assert_eq!((ev.tally.passed, ev.tally.failed, ev.tally.skipped), (2, 3, 2), "{dialect}");
        assert_eq!(judge(ev, None).0, 1);
    }
}

#[test]
fn retries_that_pass_are_flaky_in_both_dialects() {
    for dialect in ["jest", "vitest"] {
        let ev = read(Format::JestJson, &fixture(dialect, "retry"));
        assert_eq!((ev.tally.passed, ev.tally.flaky), (1, 1), "{dialect}");
        let (code, codes) = judge(ev, Some(0));
        assert_eq!(code, 0, "{dialect}");
        assert!(codes.contains(&"TG120".to_owned()), "{codes:?}");
    }
}

#[test]
fn files_that_fail_to_load_are_errored_cases() {
    for dialect in ["jest", "vitest"] {
        let ev = read_in(Format::JestJson, &fixture(dialect, "crash"), Some(&format!("/tmp/gen-js/{dialect}")));
        assert_eq!((ev.tally.passed, ev.tally.errored), (1, 2), "{dialect}");
        let names: Vec<&str> = ev.failures.iter().map(|f| f.name.as_str()).collect();
        assert!(names.contains(&"scenarios/crash/broken.test.js"), "{names:?}");
        let replay = ev.failures[0].replay.as_deref().unwrap_or_default();
        let tool = if dialect == "jest" { "npx jest scenarios/crash/" } else { "npx vitest run scenarios/crash/" };
        assert!(replay.starts_with(tool), "{replay}");
        assert_eq!(judge(ev, None).0, 1);
    }
}

#[test]
fn replay_commands_follow_the_dialect() {
    let ev = read_in(Format::JestJson, &fixture("vitest", "mixed"), Some("/tmp/gen-js/vitest"));
    let replay = ev.failures[0].replay.as_deref().unwrap_or_default();
    assert_eq!(replay, "npx vitest run scenarios/mixed/mixed.test.js -t '^mixed fails on assertion$'");
    let ev = read(Format::JestJson, &fixture("jest", "mixed"));
    let replay = ev.failures[0].replay.as_deref().unwrap_or_default();
    assert_eq!(replay, "npx jest /tmp/gen-js/jest/scenarios/mixed/mixed.test.js -t '^mixed fails on assertion$'");
}

fn tampered(dialect: &str, name: &str, edit: impl FnOnce(&mut Value)) -> Evidence {
    let mut doc: Value = serde_json::from_str(&fixture(dialect, name)).unwrap_or_default();
    edit(&mut doc);
    read(Format::JestJson, &doc.to_string())
}

#[test]
fn a_failed_test_relabelled_passed_with_counts_to_match_is_a_discrepancy_or_failure() {
    for dialect in ["jest", "vitest"] {
        let ev = tampered(dialect, "retry_fail", |doc| {
            doc["testResults"][0]["assertionResults"][0]["status"] = "passed".into();
            doc["numFailedTests"] = 0.into();
            doc["numPassedTests"] = 2.into();
        });
        // The failure messages stay: a pass with failure messages is no clean pass.
        let (code, codes) = judge(ev, Some(0));
        assert_ne!(code, 0, "{dialect}: {codes:?}");
    }
}

#[test]
fn success_true_over_a_failure_is_a_false_green() {
    let ev = tampered("jest", "mixed", |doc| doc["success"] = true.into());
    let (code, codes) = judge(ev, Some(0));
    assert_eq!(code, 3);
    assert!(codes.contains(&"TG101".to_owned()), "{codes:?}");
}

#[test]
fn a_load_failure_dropped_from_the_list_is_a_count_mismatch() {
    let ev = tampered("jest", "crash", |doc| {
        if let Some(files) = doc["testResults"].as_array_mut() {
            files.retain(|f| f["status"] == "passed");
        }
        doc["success"] = true.into();
    });
    let (code, codes) = judge(ev, Some(0));
    assert_eq!(code, 3, "{codes:?}");
    assert!(codes.contains(&"TG103".to_owned()), "{codes:?}");
}

/// Jest 30's file status `focused` (no failing test, some pending): real output of a
/// committed `test.only`, from the baseline pairs.
fn focused_report() -> String {
    let path = format!("{}/tests/fixtures/baseline-pairs/jest-test-only/head/report.json", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn a_focused_file_is_a_file_whose_tests_passed_or_were_skipped() {
    let ev = read(Format::JestJson, &focused_report());
    assert!(broken_claims(&ev).is_empty(), "{:?}", broken_claims(&ev));
    assert_eq!((ev.tally.passed, ev.tally.skipped, ev.tally.errored), (3, 2, 0));
    assert_eq!(judge(ev, Some(0)).0, 0);
}

#[test]
fn a_focused_file_over_a_failing_test_is_a_discrepancy() {
    let mut doc: Value = serde_json::from_str(&focused_report()).unwrap_or_default();
    let file = &mut doc["testResults"][0];
    assert_eq!(file["status"], "focused");
    file["assertionResults"][1]["status"] = "failed".into();
    let ev = read(Format::JestJson, &doc.to_string());
    assert!(broken_claims(&ev).iter().any(|c| c.contains("status")), "{:?}", broken_claims(&ev));
    assert_eq!(judge(ev, Some(0)).0, 3);
}

#[test]
fn an_unknown_status_is_never_a_pass() {
    let ev =
        tampered("vitest", "all_pass", |doc| doc["testResults"][0]["assertionResults"][0]["status"] = "weird".into());
    assert_eq!(ev.tally.errored, 1);
    assert_ne!(judge(ev, Some(0)).0, 0);
}

#[test]
fn an_interrupted_run_is_truncated() {
    let ev = tampered("jest", "all_pass", |doc| doc["wasInterrupted"] = true.into());
    let (code, codes) = judge(ev, Some(0));
    assert_eq!(code, 3, "{codes:?}");
}

#[test]
fn malformed_and_truncated_reports_are_errors() {
    let text = fixture("jest", "mixed");
    for cut in [10, text.len() / 2, text.len() - 2] {
        let (code, codes) = judge(read(Format::JestJson, &text[..cut]), Some(0));
        assert_eq!(code, 3, "cut at {cut}");
        assert!(codes.contains(&"TG001".to_owned()), "{codes:?}");
    }
    let no_results = tampered("jest", "all_pass", |doc| {
        if let Some(o) = doc.as_object_mut() {
            o.remove("testResults");
        }
    });
    assert_eq!(judge(no_results, Some(0)).0, 3);
    let negative = tampered("jest", "all_pass", |doc| doc["numTotalTests"] = (-3).into());
    assert_eq!(judge(negative, Some(0)).0, 3);
}

#[test]
fn duration_is_milliseconds_and_a_bad_one_is_none() {
    let text = fixture("jest", "all_pass");
    let (_, durations) = crate::parse::testing::durations(Format::JestJson, &text);
    let expected = [("math adds", Some(0.011)), ("math multiplies", Some(0.0)), ("top-level passes", Some(0.001))];
    assert_eq!(durations, timed(&expected));
    let tampered =
        text.replace(r#""duration":11"#, r#""duration":"11""#).replace(r#""duration":0,"#, r#""duration":-5,"#);
    let durations = bad_durations(Format::JestJson, &text, &tampered);
    assert_eq!(durations, timed(&[("math adds", None), ("math multiplies", None), ("top-level passes", Some(0.001))]));
}
