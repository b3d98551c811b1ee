//! TAP streams in `tests/fixtures/tap/` (tape, node-tap, pytest-tap, ava,
//! Perl's Test::More, and node:test on Node 20, 22 and 24, written by the real
//! tools; see the README there),
//! checked by the built binary with `--exit-code` set to the exit code of the
//! command that wrote each (the `.rc` beside it).
//!
//! Honest passes exit 0 and honest failures 1; a run that died mid-stream is a
//! discrepancy; a failing stream rewritten to pass, checked with its tool's
//! exit code, is a discrepancy too.

// A test may panic: a failed step should fail it loudly (the lints guard input paths).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tap")
}

fn tool_exit_code(stream: &Path) -> String {
    let rc = stream.with_extension("rc");
    let text = std::fs::read_to_string(&rc).unwrap_or_else(|e| panic!("{}: {e}", rc.display()));
    text.trim().to_owned()
}

/// `(file, exit code, rule codes, [passed, failed, errored, incomplete, skipped, flaky])`.
type Expected = (&'static str, i32, &'static [&'static str], [u64; 6]);

const EXPECTED: &[Expected] = &[
    // tape: a test point per assertion.
    ("tape-pass.tap", 0, &[], [2, 0, 0, 0, 0, 0]),
    // `{ skip: true }` is only a comment; the todo's `not ok … # TODO` is skipped, not failed.
    ("tape-mixed.tap", 1, &[], [3, 1, 0, 0, 1, 0]),
    // process.exit(7) mid-run: no plan, and an exit code no test point explains.
    ("tape-crash.tap", 3, &["TG020", "TG105"], [2, 0, 0, 0, 0, 0]),
    // node-tap: nested subtests, the leaves counted, as node-tap's own `pass` count.
    ("node-tap-pass.tap", 0, &[], [2, 0, 0, 0, 0, 0]),
    ("node-tap-mixed.tap", 1, &[], [3, 2, 0, 0, 2, 0]),
    // process.exit inside a test: node-tap reports it unfinished and exits 1.
    ("node-tap-crash.tap", 1, &[], [2, 1, 0, 0, 0, 0]),
    // node:test on Node 20, 22 and 24: the same scenarios, the same counts;
    // a file that fails to import is one failure.
    ("node20-pass.tap", 0, &[], [2, 0, 0, 0, 0, 0]),
    ("node20-mixed.tap", 1, &[], [3, 3, 0, 0, 2, 0]),
    ("node20-broken.tap", 1, &[], [0, 1, 0, 0, 0, 0]),
    ("node22-pass.tap", 0, &[], [2, 0, 0, 0, 0, 0]),
    ("node22-mixed.tap", 1, &[], [3, 3, 0, 0, 2, 0]),
    ("node22-broken.tap", 1, &[], [0, 1, 0, 0, 0, 0]),
    ("node24-pass.tap", 0, &[], [2, 0, 0, 0, 0, 0]),
    ("node24-mixed.tap", 1, &[], [3, 3, 0, 0, 2, 0]),
    ("node24-broken.tap", 1, &[], [0, 1, 0, 0, 0, 0]),
    ("pytest-tap-pass.tap", 0, &[], [2, 0, 0, 0, 0, 0]),
    // xfail and xpass are TODO points: skipped, neither a pass nor a failure.
    ("pytest-tap-mixed.tap", 1, &[], [3, 2, 0, 0, 3, 0]),
    // Test::More (Perl 5.36), run directly: subtests indented, TODO and skip
    // as directives; the exit code is the number of failed tests.
    ("perl-pass.tap", 0, &[], [3, 0, 0, 0, 1, 0]),
    ("perl-mixed.tap", 1, &[], [4, 2, 0, 0, 3, 0]),
    // `die` after 2 of 4 planned: the plan shows the tests that never ran.
    ("perl-crash.tap", 3, &["TG103", "TG105"], [2, 0, 0, 0, 0, 0]),
    ("perl-plan-short.tap", 3, &["TG103", "TG105"], [3, 0, 0, 0, 0, 0]),
    ("perl-done-short.tap", 3, &["TG103", "TG105"], [4, 0, 0, 0, 0, 0]),
    // `1..0 # SKIP`: nothing ran, and prove calls it NOTESTS.
    ("perl-skip-all.tap", 3, &["TG201"], [0, 0, 0, 0, 0, 0]),
    ("perl-bail.tap", 3, &["TG023"], [1, 1, 0, 0, 0, 0]),
    // testthat 3.1.6 TapReporter (in ../junit/testthat/, beside its JUnit):
    // a point per expectation, many under one description; a pass and a
    // failure under one description are two assertions, not a conflict.
    ("../junit/testthat/tap-pass.tap", 0, &[], [3, 0, 0, 0, 1, 0]),
    ("../junit/testthat/tap-mixed.tap", 1, &[], [7, 7, 0, 0, 2, 0]),
    ("../junit/testthat/tap-toplevel.tap", 1, &[], [1, 1, 0, 0, 0, 0]),
    // ava 7: one test point per test; `test.failing` that fails is `ok`.
    ("ava-pass.tap", 0, &[], [2, 0, 0, 0, 1, 0]),
    ("ava-mixed.tap", 1, &[], [4, 5, 0, 0, 2, 0]),
    // process.exit in a test crashes ava's own TAP reporter: no plan.
    ("ava-crash.tap", 3, &["TG020", "TG105"], [1, 0, 0, 0, 0, 0]),
    ("ava-crash-exit.tap", 3, &["TG020", "TG105"], [2, 0, 0, 0, 0, 0]),
    // A crashed file's points fall outside ava's plan, which leaves them out.
    ("ava-crash-import.tap", 3, &["TG022", "TG103"], [1, 2, 0, 0, 0, 0]),
    ("ava-crash-uncaught.tap", 3, &["TG022", "TG103"], [2, 2, 0, 0, 0, 0]),
    // `test.only`: the other tests of its file are neither written nor counted.
    ("ava-only.tap", 0, &[], [2, 0, 0, 0, 0, 0]),
];

fn check(stream: &Path, exit_code: &str) -> common::Run {
    let path = stream.display().to_string();
    common::check(&[path.as_str(), "--exit-code", exit_code])
}

fn derived(run: &common::Run) -> Vec<u64> {
    let derived = &run.verdict["totals"]["derived"];
    ["passed", "failed", "errored", "incomplete", "skipped", "flaky"]
        .iter()
        .map(|k| derived[*k].as_u64().unwrap_or(u64::MAX))
        .collect()
}

#[test]
fn every_producer_stream_gets_the_verdict_and_counts_it_supports() {
    let mut wrong = Vec::new();
    for &(file, code, rules, counts) in EXPECTED {
        let stream = fixtures().join(file);
        let run = check(&stream, &tool_exit_code(&stream));
        let want_rules: Vec<String> = rules.iter().map(|r| (*r).to_owned()).collect();
        let got = (run.verdict["artifacts"][0]["format"].as_str().unwrap_or(""), run.code, run.rules(), derived(&run));
        if got != ("tap", code, want_rules.clone(), counts.to_vec()) {
            wrong.push(format!("{file}: got {got:?}, want {:?}\n{}", ("tap", code, want_rules, counts), run.stdout));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_stream_in_the_folder_is_in_the_table() {
    let mut found: Vec<String> = std::fs::read_dir(fixtures())
        .expect("tests/fixtures/tap")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|n| n.ends_with(".tap"))
        .collect();
    found.sort();
    // Streams kept beside another format's reports of the same run are
    // listed by path and checked where they are.
    let mut listed: Vec<String> = EXPECTED.iter().filter(|x| !x.0.contains('/')).map(|x| x.0.to_owned()).collect();
    listed.sort();
    assert_eq!(found, listed);
}

#[test]
fn a_failing_stream_rewritten_to_pass_contradicts_its_exit_code() {
    for file in ["tape-mixed.tap", "node-tap-mixed.tap", "pytest-tap-mixed.tap"] {
        let stream = fixtures().join(file);
        let text = std::fs::read_to_string(&stream).expect("read");
        assert!(text.contains("not ok"), "{file} has a failure to hide");
        let dir = tempfile::tempdir().expect("tempdir");
        let forged = dir.path().join(file);
        std::fs::write(&forged, text.replace("not ok", "ok")).expect("write");
        let run = check(&forged, &tool_exit_code(&stream));
        assert_eq!(run.code, 3, "{file}: {}", run.stdout);
        assert_eq!(derived(&run)[1], 0, "{file}: the forgery shows no failure");
        assert!(run.rules().contains(&"TG105".to_owned()), "{file}: {}", run.stdout);
    }
}

#[test]
fn node_replays_name_the_file_relative_to_the_checkout() {
    // node writes absolute locations (`/tmp/gen-node/s/mixed.test.mjs:5:1`);
    // in that checkout the command names `s/mixed.test.mjs`, and a file that
    // failed to import reruns as a whole. Each command was run with node 20
    // and 24 and reproduced its failure.
    let dir = tempfile::tempdir().expect("tempdir");
    let output = common::truegreen(dir.path())
        .env("GITHUB_WORKSPACE", "/tmp/gen-node")
        .args(["check", "--color", "never"])
        .arg(fixtures().join("node24-mixed.tap"))
        .arg(fixtures().join("node24-broken.tap"))
        .output()
        .expect("run truegreen");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let replays: Vec<&str> = stdout.lines().filter_map(|l| l.split_once("replay: ").map(|(_, r)| r)).collect();
    assert_eq!(
        replays,
        [
            "node --test --test-name-pattern='^fails on assertion$' s/mixed.test.mjs",
            // A subtest reruns through its top-level test or describe: node
            // cannot filter to a `t.test` subtest alone.
            "node --test --test-name-pattern='^with subtests$' s/mixed.test.mjs",
            "node --test --test-name-pattern='^group$' s/mixed.test.mjs",
            "node --test s/broken.test.mjs",
        ],
        "{stdout}"
    );
}
