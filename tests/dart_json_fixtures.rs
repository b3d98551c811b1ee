//! Every Dart/Flutter JSON reporter stream among the fixtures (the peers':
//! dorny/test-reporter's `dart test` runs and provider's `flutter test
//! --machine`), checked by the built binary; and that the two new detectors
//! claim exactly their own formats' files.

mod common;

use std::path::Path;

use serde_json::Value;

fn tally(verdict: &Value) -> [u64; 5] {
    let t = &verdict["artifacts"][0]["tally"];
    ["passed", "failed", "errored", "incomplete", "skipped"].map(|k| t[k].as_u64().unwrap_or(u64::MAX))
}

/// file → (expected exit, rule codes, passed, failed, errored, incomplete, skipped).
const EXPECTED: &[(&str, i32, &[&str], [u64; 5])] = &[
    // A failure, three errors (a timeout among them), a skip; done.success false.
    ("peer-reports/dart-json.json", 1, &[], [1, 1, 3, 0, 1]),
    // Only hidden tests (loading, setUpAll, tearDownAll): nothing ran.
    ("peer-reports/empty/dart-json.json", 3, &["TG201"], [0, 0, 0, 0, 0]),
    // 285 testDone events for 285 testStart, one error; no done event: cut.
    ("peer-reports/external/flutter/provider-test-results.json", 3, &["TG005"], [268, 0, 1, 0, 0]),
];

#[test]
fn every_dart_stream_gets_the_expected_verdict() {
    for (name, exit, codes, counts) in EXPECTED {
        let path = common::fixture(name).display().to_string();
        let run = common::check(&[&path]);
        assert_eq!(run.verdict["artifacts"][0]["format"], "dart-json", "{name}");
        assert_eq!(run.code, *exit, "{name}: findings {}", run.verdict["findings"]);
        assert_eq!(run.rules(), *codes, "{name}");
        assert_eq!(tally(&run.verdict), *counts, "{name}");
    }
}

#[test]
fn flutter_failures_replay_with_flutter_and_show_the_printed_exception() {
    let path = common::fixture("peer-reports/external/flutter/provider-test-results.json");
    let run = common::check(&[&path.display().to_string()]);
    let failure = &run.verdict["artifacts"][0]["failures"][0];
    assert_eq!(failure["name"], "valueListenableProvider pass updateShouldNotify");
    let replay = failure["replay"].as_str().unwrap_or_default();
    assert!(
        replay.starts_with("flutter test ")
            && replay.ends_with("--plain-name 'valueListenableProvider pass updateShouldNotify'"),
        "{replay}"
    );
    assert!(failure["message"].as_str().is_some_and(|m| m.contains("EXCEPTION CAUGHT BY FLUTTER TEST FRAMEWORK")));
}

#[test]
fn the_rspec_and_dart_detectors_claim_no_other_formats_files() {
    use truegreen::model::Format;
    let ours = [Format::RspecJson, Format::DartJson];
    let shared = common::shared_fixtures("");
    let own = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files = common::files_under(&shared);
    files.extend(common::files_under(&own));
    let mut claimed = Vec::new();
    for path in &files {
        let detected = common::detected_format(path);
        let relative = path
            .strip_prefix(&shared)
            .or_else(|_| path.strip_prefix(Path::new(env!("CARGO_MANIFEST_DIR"))))
            .unwrap_or(path)
            .display()
            .to_string();
        if let Some(format) = detected.filter(|f| ours.contains(f)) {
            claimed.push(format!("{relative} {format}"));
        }
    }
    claimed.sort();
    let mut expected: Vec<String> = [
        "peer-reports/dart-json.json dart-json",
        "peer-reports/empty/dart-json.json dart-json",
        "peer-reports/external/flutter/provider-test-results.json dart-json",
        "peer-reports/empty/rspec-json.json rspec-json",
        "peer-reports/rspec-json.json rspec-json",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    for name in ["after_all", "all_pass", "before_all", "before_suite", "load_error", "mixed", "random_profile"] {
        expected.push(format!("tests/fixtures/rspec-json/rspec/{name}.json rspec-json"));
    }
    expected.sort();
    assert_eq!(claimed, expected);
}

#[test]
fn the_inventory_records_the_time_from_test_start_to_test_done() {
    // `Timeout test`: testStart at 3655 ms, testDone at 3692 ms.
    let tests = common::inventory_of(&common::fixture("peer-reports/dart-json.json"));
    assert_eq!(common::millis_of(&tests, "Timeout test"), Some(37));
    assert_eq!(common::millis_of(&tests, "Test 1 Passing test"), Some(36));
}
