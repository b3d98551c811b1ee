//! The time a report says it was written is provenance in every format that
//! carries one: a copy with a fresh mtime of an old report is still stale
//! (TG304). JUnit's dialects are in `tests/junit_dialects.rs`.

mod common;

use common::{TestResult, fixture};

fn tg304(report: &std::path::Path, since: &str) -> bool {
    let run = common::check(&[&report.display().to_string(), "--commit", "", "--since", since]);
    common::distinct_rule_codes(&run.verdict).contains(&"TG304".to_owned())
}

#[test]
fn ctrf_and_go_test_json_say_when_they_were_written() -> TestResult {
    let dir = tempfile::tempdir()?;
    // pytest-json-ctrf: results.summary.stop is 2026-11-20T23:09:37.203Z;
    // go test -json: the last event's Time is 2026-11-20T23:08:24Z.
    for (name, written) in
        [("formats/pytest_ctrf_report.json", "2026-11-20T23:09"), ("formats/go_ok.jsonl", "2026-11-20T23:08")]
    {
        let copy = dir.path().join(name.replace('/', "_"));
        std::fs::copy(fixture(name), &copy)?;
        assert!(tg304(&copy, "2026-11-21T00:00:00Z"), "{name}: a run the next day");
        assert!(!tg304(&copy, &format!("{written}:00Z")), "{name}: the run that wrote it");
    }
    Ok(())
}
