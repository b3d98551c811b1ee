use super::*;
use crate::parse::testing::{bad_durations, broken_claims, detected, judge, read, read_in, timed};

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/playwright-json/playwright/{name}.json", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

const SCENARIOS: &[&str] = &["all_pass", "mixed", "retry", "retry_fail", "crash", "global_setup"];

#[test]
fn detects_every_fixture_and_every_claim_holds() {
    for name in SCENARIOS {
        let text = fixture(name);
        assert_eq!(detected(&text), Some(Format::PlaywrightJson), "{name}");
        let ev = read(Format::PlaywrightJson, &text);
        assert!(broken_claims(&ev).is_empty(), "{name}: {:?}", broken_claims(&ev));
        assert!(ev.observations.is_empty(), "{name}: {:?}", ev.observations);
        assert_eq!(ev.provenance.len(), 1, "{name}");
    }
}

#[test]
fn mixed_outcomes_follow_expected_status() {
    let ev = read_in(Format::PlaywrightJson, &fixture("mixed"), Some("/tmp/gen-js/playwright"));
    // passes + test.fail() that fails; fails, throws, test.fail() that passes; three skips.
    assert_eq!((ev.tally.passed, ev.tally.failed, ev.tally.skipped), (2, 3, 3));
    let names: Vec<&str> = ev.failures.iter().map(|f| f.name.as_str()).collect();
    assert!(names.contains(&"mixed › expected failure that passes (test.fail)"), "{names:?}");
    let first = &ev.failures[0];
    assert_eq!(first.suite.as_deref(), Some("scenarios/mixed/mixed.spec.js"));
    assert_eq!(first.replay.as_deref(), Some("npx playwright test scenarios/mixed/mixed.spec.js:5"));
    assert_eq!(
        first.source.as_ref().map(|s| (s.file.as_str(), s.line)),
        Some(("scenarios/mixed/mixed.spec.js", Some(5)))
    );
    assert!(!first.message.as_deref().unwrap_or_default().contains('\u{1b}'));
    assert_eq!(judge(ev, None).0, 1);
}

#[test]
fn a_pass_on_retry_is_flaky() {
    let ev = read(Format::PlaywrightJson, &fixture("retry"));
    assert_eq!((ev.tally.passed, ev.tally.flaky), (1, 1));
    let (code, codes) = judge(ev, Some(0));
    assert_eq!(code, 0);
    assert!(codes.contains(&"TG120".to_owned()), "{codes:?}");
}

#[test]
fn errors_outside_tests_are_errored_cases() {
    for (name, errors) in [("crash", 2), ("global_setup", 1)] {
        let ev = read(Format::PlaywrightJson, &fixture(name));
        assert_eq!(ev.tally.errored, errors, "{name}");
        assert_eq!(judge(ev, Some(1)).0, 1, "{name}");
    }
}

fn tampered(name: &str, edit: impl FnOnce(&mut Value)) -> Evidence {
    let mut doc: Value = serde_json::from_str(&fixture(name)).unwrap_or_default();
    edit(&mut doc);
    read(Format::PlaywrightJson, &doc.to_string())
}

#[test]
fn a_status_that_contradicts_the_results_is_a_false_green() {
    let ev = tampered("retry_fail", |doc| {
        doc["suites"][0]["specs"][0]["tests"][0]["status"] = "expected".into();
        doc["suites"][0]["specs"][0]["ok"] = true.into();
        doc["stats"]["expected"] = 2.into();
        doc["stats"]["unexpected"] = 0.into();
    });
    let (code, codes) = judge(ev, Some(0));
    assert_eq!(code, 3);
    assert!(codes.contains(&"TG101".to_owned()), "{codes:?}");
    assert!(codes.contains(&"TG103".to_owned()), "{codes:?}");
}

#[test]
fn dropping_the_errors_leaves_nothing_that_ran() {
    let ev = tampered("global_setup", |doc| doc["errors"] = Value::Array(Vec::new()));
    assert_eq!(judge(ev, Some(0)).0, 3);
}

#[test]
fn an_interrupted_test_is_never_a_pass() {
    let ev = tampered("all_pass", |doc| {
        doc["suites"][0]["specs"][0]["tests"][0]["results"][0]["status"] = "interrupted".into();
        doc["suites"][0]["specs"][0]["tests"][0]["status"] = "skipped".into();
        doc["stats"]["expected"] = 2.into();
        doc["stats"]["skipped"] = 1.into();
    });
    assert_eq!(ev.tally.incomplete, 1);
    assert!(broken_claims(&ev).is_empty(), "{:?}", broken_claims(&ev));
    let (code, codes) = judge(ev, None);
    assert_eq!(code, 1, "{codes:?}");
}

#[test]
fn malformed_and_truncated_reports_are_errors() {
    let text = fixture("mixed");
    for cut in [10, text.len() / 2, text.len() - 2] {
        let (code, codes) = judge(read(Format::PlaywrightJson, &text[..cut]), Some(0));
        assert_eq!(code, 3, "cut at {cut}");
        assert!(codes.contains(&"TG001".to_owned()), "{codes:?}");
    }
    let no_stats = tampered("all_pass", |doc| {
        if let Some(o) = doc.as_object_mut() {
            o.remove("stats");
        }
    });
    assert_eq!(judge(no_stats, Some(0)).0, 3);
    let deep = format!("{{\"config\": {{}}, \"suites\": {}{}}}", "[{\"suites\": ".repeat(100), "[]}]".repeat(100));
    assert_eq!(judge(read(Format::PlaywrightJson, &deep), Some(0)).0, 3);
}

#[test]
fn a_tests_duration_is_the_sum_of_its_attempts_and_a_bad_attempt_makes_it_none() {
    let text = fixture("retry");
    let (_, durations) = crate::parse::testing::durations(Format::PlaywrightJson, &text);
    assert_eq!(durations, timed(&[("flaky passes on retry", Some(0.022)), ("stable", Some(0.009))]));
    // One attempt without a number: the sum would understate the test, so there is none.
    let tampered = text.replace(r#""duration": 14,"#, r#""duration": null,"#);
    let durations = bad_durations(Format::PlaywrightJson, &text, &tampered);
    assert_eq!(durations, timed(&[("flaky passes on retry", None), ("stable", Some(0.009))]));
}
