//! Findings about a test reported with two outcomes (TG106 within a report,
//! TG305 across two) name the test, even when only its key was kept (a case
//! that passed or was skipped): the report is read again for those names.

mod common;

use common::{TestResult, check, findings, fixture};

/// Every message of these findings, for the assertion messages.
fn messages(doc: &serde_json::Value, rule: &str) -> Vec<String> {
    findings(doc, rule).iter().filter_map(|f| f["message"].as_str().map(str::to_owned)).collect()
}

#[test]
fn conflicts_in_a_real_surefire_report_are_named() {
    // Whether these duplicates are conflicts is the JUnit reader's call; when
    // they are reported, they name the test, never a key.
    let report = fixture("peer-reports/external/java/pulsar-test-report.xml");
    let run = check(&[&report.display().to_string()]);
    let tg106 = messages(&run.verdict, "TG106");
    assert!(tg106.iter().all(|m| !m.contains("case #")), "{tg106:#?}");
    let passed_and_skipped = tg106.iter().find(|m| m.ends_with("reported with outcomes passed, skipped"));
    if let Some(message) = passed_and_skipped {
        assert!(message.starts_with("org.apache.pulsar."), "{message}");
        assert!(message.contains("::"), "class and test name: {message}");
    }
}

#[test]
fn a_test_passed_and_failed_in_one_report_is_named() -> TestResult {
    // A real CTRF report with its passing test repeated as failed. With names
    // cut short the failure record no longer matches the case's key, so the
    // name is read again from the report (and cut the same way).
    let dir = tempfile::tempdir()?;
    let original = std::fs::read_to_string(fixture("formats/pytest_ctrf_report.json"))?;
    let passing = r#"{
                "name": "test_sample.py::test_pass",
                "status": "passed","#;
    let repeated = r#"{
                "name": "test_sample.py::test_pass",
                "status": "failed"
            },
            "#;
    assert!(original.contains(passing));
    let report = dir.path().join("ctrf.json");
    std::fs::write(&report, original.replacen(passing, &format!("{repeated}{passing}"), 1))?;
    let run = check(&[&report.display().to_string()]);
    assert_eq!(run.code, 3);
    assert!(
        messages(&run.verdict, "TG106")
            .contains(&"test_sample.py::test_pass is reported with outcomes passed, failed".to_owned()),
        "{:#?}",
        messages(&run.verdict, "TG106")
    );
    let run = check(&["--max-message-bytes", "6", &report.display().to_string()]);
    let tg106 = messages(&run.verdict, "TG106");
    assert!(tg106.iter().all(|m| !m.contains("case #")), "{tg106:#?}");
    // A repeat as skipped cannot hide a failure: no conflict.
    let skipped = original.replacen(passing, &format!("{}{passing}", repeated.replace("failed", "skipped")), 1);
    std::fs::write(&report, skipped)?;
    assert!(messages(&check(&[&report.display().to_string()]).verdict, "TG106").is_empty());
    Ok(())
}

#[test]
fn a_test_with_other_outcomes_in_two_copies_is_named() -> TestResult {
    // Two copies of a real pytest report, one with a test turned into a failure.
    let dir = tempfile::tempdir()?;
    let original = std::fs::read_to_string(fixture("formats/pytest_xunit2.xml"))?;
    let fresh = dir.path().join("fresh.xml");
    std::fs::write(&fresh, &original)?;
    let (head, tail) = original.split_once("/>").ok_or("no self-closing testcase")?;
    let stale = dir.path().join("stale.xml");
    std::fs::write(&stale, format!("{head}><failure message=\"boom\">boom</failure></testcase>{tail}"))?;
    assert!(head.ends_with(r#"<testcase classname="test_sample" name="test_pass" time="0.000" "#), "{head}");
    let run = check(&[&fresh.display().to_string(), &stale.display().to_string()]);
    let tg305 = messages(&run.verdict, "TG305");
    assert_eq!(tg305.len(), 1, "{tg305:#?}");
    assert!(tg305[0].contains(": test_sample::test_pass (passed here, failed there)"), "{}", tg305[0]);
    assert!(!tg305[0].contains("case #"), "{}", tg305[0]);

    // With names cut short, the failure record no longer matches the case's key;
    // the name is read again from the report (and cut the same way).
    let run = check(&["--max-message-bytes", "6", &fresh.display().to_string(), &stale.display().to_string()]);
    let tg305 = messages(&run.verdict, "TG305");
    assert_eq!(tg305.len(), 1, "{tg305:#?}");
    assert!(!tg305[0].contains("case #"), "{}", tg305[0]);
    assert!(tg305[0].contains("bytes cut] (passed here, failed there)"), "{}", tg305[0]);
    Ok(())
}
