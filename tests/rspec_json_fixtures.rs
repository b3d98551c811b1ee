//! Every RSpec JSON report: the ones RSpec 3.12 wrote here
//! (`tests/fixtures/rspec-json/rspec/`, each with its exit code) and the peers'
//! (`shared/fixtures/peer-reports/`), checked by the built binary.
//!
//! Exit 0 only where every example passed and nothing failed outside of them;
//! 1 where the report honestly shows failures (a load error or a failing
//! `after(:all)` included); 3 where nothing ran.

// A test may panic: a failed step should fail it loudly (the lints guard input paths).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::{Path, PathBuf};

use serde_json::Value;

fn own(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rspec-json/rspec").join(name)
}

/// file → (exit code of rspec, or none for the peers' files; expected exit;
/// rule codes; passed, failed, errored, skipped).
type Expected = (PathBuf, Option<i32>, i32, &'static [&'static str], [u64; 4]);

fn expected() -> Vec<Expected> {
    let rc = |name: &str| -> Option<i32> {
        let path = own(name).with_extension("rc");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        Some(text.trim().parse().unwrap_or_else(|e| panic!("{}: {e}", path.display())))
    };
    vec![
        (own("after_all.json"), rc("after_all.json"), 1, &[], [2, 0, 1, 0]),
        (own("all_pass.json"), rc("all_pass.json"), 0, &[], [3, 0, 0, 0]),
        (own("before_all.json"), rc("before_all.json"), 1, &[], [1, 2, 0, 0]),
        (own("before_suite.json"), rc("before_suite.json"), 1, &[], [0, 0, 1, 0]),
        (own("load_error.json"), rc("load_error.json"), 1, &[], [0, 0, 1, 0]),
        (own("mixed.json"), rc("mixed.json"), 1, &[], [1, 3, 0, 4]),
        (own("random_profile.json"), rc("random_profile.json"), 1, &[], [2, 1, 0, 0]),
        // dorny/test-reporter's: `3 examples, 1 failures, 1 pending` (its plural is not RSpec's).
        (common::fixture("peer-reports/rspec-json.json"), None, 1, &[], [1, 1, 0, 1]),
        // `No examples found.`: a message, not an error; nothing ran.
        (common::fixture("peer-reports/empty/rspec-json.json"), None, 3, &["TG201"], [0, 0, 0, 0]),
    ]
}

fn tally(verdict: &Value) -> [u64; 4] {
    let t = &verdict["artifacts"][0]["tally"];
    ["passed", "failed", "errored", "skipped"].map(|k| t[k].as_u64().unwrap_or(u64::MAX))
}

#[test]
fn every_rspec_report_gets_the_expected_verdict() {
    let dir = own("");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    on_disk.sort();
    let listed: Vec<String> = expected()
        .iter()
        .filter(|(p, ..)| p.starts_with(&dir))
        .filter_map(|(p, ..)| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    assert_eq!(on_disk, listed, "every fixture has an expectation");

    for (path, rc, exit, codes, counts) in expected() {
        let name = path.display().to_string();
        let rc_text = rc.map(|c| c.to_string());
        let mut args = vec![name.as_str()];
        if let Some(rc) = &rc_text {
            args.extend(["--exit-code", rc]);
        }
        let run = common::check(&args);
        assert_eq!(run.verdict["artifacts"][0]["format"], "rspec-json", "{name}");
        assert_eq!(run.code, exit, "{name}: findings {}", run.verdict["findings"]);
        assert_eq!(run.rules(), *codes, "{name}");
        assert_eq!(tally(&run.verdict), counts, "{name}");
    }
}

#[test]
fn a_failing_after_all_is_named_and_fails_a_run_of_passing_examples() {
    let path = own("after_all.json").display().to_string();
    let run = common::check(&[&path, "--exit-code", "1"]);
    let failure = &run.verdict["artifacts"][0]["failures"][0];
    assert_eq!(failure["name"], "An error occurred in an `after(:context)` hook.");
    assert_eq!(failure["outcome"], "errored");
    // And rspec's own exit 0 would contradict it.
    let run = common::check(&[&path, "--exit-code", "0"]);
    assert_eq!((run.code, run.rules()), (3, vec!["TG105".to_owned()]));
}

#[test]
fn failures_replay_by_example_id() {
    let path = own("mixed.json").display().to_string();
    let run = common::check(&[&path]);
    let replays: Vec<&str> = run.verdict["artifacts"][0]["failures"]
        .as_array()
        .map(|f| f.iter().filter_map(|x| x["replay"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        replays,
        ["rspec './mixed_spec.rb[1:2]'", "rspec './mixed_spec.rb[1:3]'", "rspec './mixed_spec.rb[1:5]'"]
    );
}

#[test]
fn the_inventory_records_each_examples_run_time() {
    // `run_time` is seconds: 0.006973251.
    let mixed = common::inventory_of(&own("mixed.json"));
    assert_eq!(common::millis_of(&mixed, "Mixed fails an expectation"), Some(7));
    let peers = common::inventory_of(&common::fixture("peer-reports/rspec-json.json"));
    let first = peers.iter().find(|t| t.suite == "./spec/config/check_env_vars_spec.rb[1:1:1:1:1]");
    assert_eq!(first.map(|t| t.millis), Some(Some(79)), "{peers:#?}");
}
