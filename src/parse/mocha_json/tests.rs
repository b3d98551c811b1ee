use super::*;
use crate::parse::testing::{bad_durations, broken_claims, detected, judge, read};

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/mocha-json/mocha/{name}.json", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn detects_mocha_reports_only() {
    assert_eq!(detected(&fixture("mixed")), Some(Format::MochaJson));
    assert_eq!(detected(r#"{"results": {"tool": {"name": "x"}, "summary": {}, "tests": []}}"#), Some(Format::Ctrf));
    assert_eq!(detected(r#"{"stats": {"expected": 1}}"#), None);
}

#[test]
fn mixed_run_counts_like_mocha() {
    let ev = read(Format::MochaJson, &fixture("mixed"));
    assert_eq!((ev.tally.passed, ev.tally.failed, ev.tally.skipped), (1, 2, 4));
    assert!(broken_claims(&ev).is_empty(), "{:?}", broken_claims(&ev));
    assert_eq!(ev.provenance.len(), 2);
    let replay = ev.failures[0].replay.as_deref().unwrap_or_default();
    assert!(
        replay.starts_with(
            "npx mocha /tmp/gen-js/mocha/scenarios/mixed/mixed.spec.js --grep '^mixed fails on assertion$'"
        ),
        "{replay}"
    );
    assert_eq!(ev.failures[0].source.as_ref().map(|s| s.file.as_str()), Some("scenarios/mixed/mixed.spec.js"));
    assert_eq!(judge(ev, None).0, 1);
}

#[test]
fn paths_inside_the_workspace_become_relative() {
    let ev = crate::parse::testing::read_in(Format::MochaJson, &fixture("mixed"), Some("/tmp/gen-js/mocha"));
    assert_eq!(ev.failures[0].suite.as_deref(), Some("scenarios/mixed/mixed.spec.js"));
    let replay = ev.failures[0].replay.as_deref().unwrap_or_default();
    assert!(replay.starts_with("npx mocha scenarios/mixed/mixed.spec.js --grep"), "{replay}");
}

#[test]
fn failing_hooks_are_errored_cases_and_their_counts_hold() {
    let ev = read(Format::MochaJson, &fixture("hook_fail"));
    assert_eq!((ev.tally.passed, ev.tally.errored), (2, 2));
    assert!(broken_claims(&ev).is_empty(), "{:?}", broken_claims(&ev));
    let before = &ev.failures[0];
    assert!(before.name.contains("\"before all\" hook"), "{}", before.name);
    let replay = before.replay.as_deref().unwrap_or_default();
    assert!(replay.ends_with("--grep '^suite whose before hook fails'"), "{replay}");
}

#[test]
fn a_pass_after_a_retry_is_flaky() {
    let ev = read(Format::MochaJson, &fixture("retry"));
    assert_eq!((ev.tally.passed, ev.tally.flaky), (1, 1));
    let (code, codes) = judge(ev, Some(0));
    assert_eq!(code, 0);
    assert!(codes.contains(&"TG120".to_owned()), "{codes:?}");
}

#[test]
fn a_failure_moved_to_passes_is_caught() {
    // The failing test moved from failures[] to passes[], counts fixed to match.
    let text = fixture("retry_fail");
    let mut doc: Value = serde_json::from_str(&text).unwrap_or_default();
    let failed = doc["failures"][0].clone();
    doc["failures"] = Value::Array(Vec::new());
    if let Some(passes) = doc["passes"].as_array_mut() {
        passes.push(failed);
    }
    doc["stats"]["passes"] = 2.into();
    doc["stats"]["failures"] = 0.into();
    let ev = read(Format::MochaJson, &doc.to_string());
    assert_eq!(ev.tally.failed, 1, "an entry of passes[] with an err is no pass");
    let (code, _) = judge(ev, Some(0));
    assert_ne!(code, 0);
}

#[test]
fn a_failure_removed_from_every_outcome_array_is_caught() {
    let text = fixture("retry_fail");
    let mut doc: Value = serde_json::from_str(&text).unwrap_or_default();
    doc["failures"] = Value::Array(Vec::new());
    doc["stats"]["failures"] = 0.into();
    doc["stats"]["tests"] = 1.into();
    let ev = read(Format::MochaJson, &doc.to_string());
    assert_eq!(ev.tally.errored, 1, "{:?}", ev.failures);
    assert_eq!(ev.failures[0].name, "retry always fails despite retry");
    let (code, codes) = judge(ev, Some(0));
    assert_eq!(code, 3, "{codes:?}");
    assert!(codes.contains(&"TG103".to_owned()), "{codes:?}");
}

#[test]
fn a_test_swapped_for_another_is_caught() {
    let text = fixture("all_pass");
    let mut doc: Value = serde_json::from_str(&text).unwrap_or_default();
    doc["passes"][0]["fullTitle"] = "someone else".into();
    let ev = read(Format::MochaJson, &doc.to_string());
    let (code, codes) = judge(ev, Some(0));
    assert_eq!(code, 3, "{codes:?}");
}

#[test]
fn malformed_and_truncated_reports_are_errors() {
    let text = fixture("mixed");
    for cut in [10, text.len() / 2, text.len() - 2] {
        let ev = read(Format::MochaJson, &text[..cut]);
        assert_eq!(judge(ev, Some(0)).0, 3, "cut at {cut}");
    }
    for bad in [
        r#"{"stats": {"tests": 0, "passes": 0, "pending": 0, "failures": 0}, "tests": [], "pending": [], "failures": []}"#,
        r#"{"stats": {"tests": -1, "passes": 0, "pending": 0, "failures": 0}, "tests": [], "pending": [], "failures": [], "passes": []}"#,
        r#"{"stats": {"tests": 0, "passes": 0, "pending": 0, "failures": 0}, "tests": [], "pending": [], "failures": [], "passes": [], "passes": []}"#,
        r#"{"stats": {"tests": 0, "passes": 0, "pending": 0, "failures": 0}, "tests": {}, "pending": [], "failures": [], "passes": []}"#,
    ] {
        let ev = read(Format::MochaJson, bad);
        let (code, codes) = judge(ev, Some(0));
        assert_eq!(code, 3, "{bad}");
        assert!(codes.contains(&"TG001".to_owned()), "{bad}: {codes:?}");
    }
}

#[test]
fn an_entry_that_is_not_a_test_is_never_a_pass() {
    let text = r#"{"stats": {"tests": 1, "passes": 1, "pending": 0, "failures": 0}, "tests": [{"fullTitle": "a", "err": {}}], "pending": [], "failures": [], "passes": [42]}"#;
    let ev = read(Format::MochaJson, text);
    assert_eq!(ev.tally.errored, 2);
    assert_ne!(judge(ev, Some(0)).0, 0);
}

#[test]
fn duration_is_milliseconds_absent_for_pending_and_a_bad_one_is_none() {
    let text = fixture("mixed");
    let (_, durations) = crate::parse::testing::durations(Format::MochaJson, &text);
    let find = |name: &str| durations.iter().find(|d| d.0 == name).map(|d| d.1);
    assert_eq!(find("mixed fails on assertion"), Some(Some(0.001)));
    assert_eq!(find("mixed is skipped (it.skip)"), Some(None));
    let tampered = text.replace(r#""duration": 1,"#, r#""duration": "1 ms","#);
    let durations = bad_durations(Format::MochaJson, &text, &tampered);
    assert!(durations.iter().any(|d| d.0 == "mixed fails on assertion" && d.1.is_none()), "{durations:?}");
}
