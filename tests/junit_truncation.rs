//! A JUnit report cut at any byte must never pass: a prefix of passing
//! testcases is not a passing run. Every JUnit fixture is cut at every offset
//! and judged in-process: detection and the reader on the prefix, as
//! `parse::read_file` runs them on a file named explicitly, then every rule.

// A test may panic: a failed step should fail it loudly (the lints guard input paths).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use truegreen::engine::{self, Collected};
use truegreen::model::{ArtifactInfo, Evidence, EvidenceLimits, Observation};
use truegreen::parse::{self, Sniff};
use truegreen::rules::Policy;
use truegreen::verdict::Status;

/// The evidence `parse::read_file` records for a file named explicitly that holds `bytes`.
fn read_prefix(bytes: &[u8]) -> Evidence {
    let sniff = Sniff::new(bytes, true, "cut.xml");
    let format = parse::detect(&sniff);
    let info = ArtifactInfo { path: "cut.xml".into(), format, sha256: None, size: bytes.len() as u64, modified: None };
    let mut ev = Evidence::new(info, EvidenceLimits::default());
    match format {
        _ if sniff.is_blank() => ev.observe(Observation::Empty),
        None => ev.observe(Observation::UnknownFormat { detail: sniff.describe() }),
        Some(format) => {
            if let Err(err) = parse::read_format(
                &mut &bytes[..],
                &mut ev,
                &parse::ReadContext::new(format, None, EvidenceLimits::default()),
            ) {
                ev.observe(Observation::Unparseable { message: err.message, position: err.position });
            }
            ev.finish();
        }
    }
    ev
}

/// Judge `bytes[..cut]` for every `cut` in `cuts`; returns the cuts that passed.
fn passing_cuts(bytes: &[u8], cuts: impl Iterator<Item = usize>) -> Vec<usize> {
    let policy = Policy::new(chrono::NaiveDate::from_ymd_opt(2026, 11, 21).expect("date"));
    let mut passed = Vec::new();
    for cut in cuts {
        let collected =
            Collected { artifacts: vec![read_prefix(&bytes[..cut])], issues: Vec::new(), ignored: Vec::new() };
        if engine::judge(collected, &policy).status == Status::Pass {
            passed.push(cut);
        }
    }
    passed
}

fn junit_fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/formats");
    assert!(dir.is_dir(), "shared fixtures are missing: expected {}", dir.display());
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "xml"));
    files.sort();
    assert!(files.len() >= 13, "found only {} JUnit fixtures", files.len());
    files
}

#[test]
fn no_prefix_of_any_junit_fixture_passes() {
    let files = junit_fixtures();
    // Two workers: the fixtures split between them.
    let (even, odd): (Vec<_>, Vec<_>) = files.iter().enumerate().partition(|(i, _)| i % 2 == 0);
    std::thread::scope(|scope| {
        for part in [even, odd] {
            scope.spawn(move || {
                for (_, file) in part {
                    let bytes = std::fs::read(file).expect("read fixture");
                    let passed = passing_cuts(&bytes, 0..=bytes.len());
                    assert!(passed.is_empty(), "{} passes when cut at {passed:?}", file.display());
                }
            });
        }
    });
}

/// A report that passes whole, so that the only thing standing between a cut
/// and a pass is the reader noticing the cut.
const PASSING: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!-- a passing run -->
<testsuites name="nextest-run" tests="3" failures="0" errors="0" skipped="0" uuid="u">
    <testsuite name="app" tests="3" failures="0" errors="0" skipped="0">
        <testcase name="t::a" classname="app" time="0.001"/>
        <testcase name="t::b &amp; c" classname="app" time="0.002"><system-out><![CDATA[out]]></system-out></testcase>
        <testcase name="t::d" classname="app" time="0.003">
        </testcase>
    </testsuite>
</testsuites>
"#;

#[test]
fn a_passing_report_passes_only_whole() {
    let bytes = PASSING.as_bytes();
    let whole = PASSING.trim_end().len();
    assert_eq!(passing_cuts(bytes, [bytes.len(), whole].into_iter()), vec![bytes.len(), whole]);
    let passed = passing_cuts(bytes, 0..whole);
    assert!(passed.is_empty(), "passes when cut at {passed:?}");
}
