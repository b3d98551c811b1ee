//! Properties over the real failing NUnit and xUnit.net reports: no mutation
//! of their failing evidence yields exit 0. Failing results flipped to a pass,
//! a skip, an unknown value or removed, failing test elements dropped, counts
//! rewritten, the file cut anywhere: the run is never green.

// A test may panic: a failed step should fail it loudly (the lints guard input paths).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use chrono::NaiveDate;
use proptest::prelude::*;

use truegreen::engine::check_bytes;
use truegreen::parse::ReadOptions;
use truegreen::rules::Policy;

/// The failing fixtures: (file under tests/fixtures, the tag of a test, the
/// attribute text that makes one fail).
const FAILING: &[(&str, &str, &[&str])] = &[
    ("nunit/public/nunit3-unity-editmode.xml", "<test-case ", &["result=\"Failed\""]),
    ("nunit/public/nunit3-jenkins-issue50162-failed.xml", "<test-case ", &["result=\"Failed\""]),
    ("nunit/public/nunit3-pickles-specflow.xml", "<test-case ", &["result=\"Failed\""]),
    ("nunit/public/nunit3-runner-nunit2-tests-pickles.xml", "<test-case ", &["result=\"Failed\""]),
    ("nunit/public/nunit3-testsuite-root-clicketyclackety.xml", "<test-case ", &["result=\"Failed\""]),
    ("nunit/public/nunit3-unity-timewarpinc-failed-child.xml", "<test-case ", &["result=\"Failed\""]),
    (
        "nunit/public/nunit2-mock-assembly-2.6.2.xml",
        "<test-case ",
        &["result=\"Failure\"", "result=\"Error\"", "result=\"NotRunnable\""],
    ),
    ("nunit/public/nunit2-pickles-specflow.xml", "<test-case ", &["result=\"Error\""]),
    ("nunit/public/nunit2-selftest-2.2.10.xml", "<test-case ", &["success=\"False\""]),
    ("xunit/public/xunit2-jenkins-testcase1.xml", "<test ", &["result=\"Fail\""]),
    ("xunit/public/xunit2-pickles-specflow.xml", "<test ", &["result=\"Fail\""]),
    ("xunit/public/xunit1-pickles-specflow.xml", "<test ", &["result=\"Fail\""]),
];

fn load(file: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn exit_code(name: &str, bytes: &[u8]) -> i32 {
    let policy = Policy::new(NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default());
    check_bytes(name, bytes, &ReadOptions::default(), &policy).exit_code
}

/// Byte ranges of the failing test elements' start tags.
fn failing_tags(doc: &str, tag: &str, failing: &[&str]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = doc[from..].find(tag) {
        let start = from + i;
        let end = doc[start..].find('>').map_or(doc.len(), |e| start + e + 1);
        if failing.iter().any(|f| doc[start..end].contains(f)) {
            out.push((start, end));
        }
        from = end;
    }
    out
}

/// The whole element starting at `start` (test elements do not nest).
fn element_end(doc: &str, start: usize, tag_end: usize, tag: &str) -> usize {
    if doc[..tag_end].ends_with("/>") {
        return tag_end;
    }
    let close = format!("</{}>", tag.trim_start_matches('<').trim_end());
    doc[tag_end..].find(&close).map_or(doc.len(), |i| tag_end + i + close.len()).max(start)
}

#[derive(Clone, Debug)]
enum Edit {
    /// Replace the failing attribute with this (empty: remove it).
    Flip(&'static str),
    Drop,
    Keep,
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        prop::sample::select(vec![
            "result=\"Passed\"",
            "result=\"Pass\"",
            "result=\"Success\"",
            "result=\"Skipped\"",
            "result=\"Skip\"",
            "result=\"Inconclusive\"",
            "result=\"Ignored\"",
            "result=\"Bogus\"",
            "success=\"True\"",
            "",
        ])
        .prop_map(Edit::Flip),
        Just(Edit::Drop),
        Just(Edit::Keep),
    ]
}

/// Apply one edit per failing element (cycled), last element first so that
/// earlier offsets stay valid.
fn mutate(doc: &str, tag: &str, failing: &[&str], edits: &[Edit]) -> String {
    let mut out = doc.to_owned();
    let tags = failing_tags(doc, tag, failing);
    for (n, &(start, end)) in tags.iter().enumerate().rev() {
        match &edits[n % edits.len()] {
            Edit::Keep => {}
            Edit::Drop => {
                let stop = element_end(doc, start, end, tag);
                out.replace_range(start..stop, "");
            }
            Edit::Flip(to) => {
                let mut start_tag = doc[start..end].to_owned();
                for f in failing {
                    start_tag = start_tag.replace(f, to);
                }
                out.replace_range(start..end, &start_tag);
            }
        }
    }
    out
}

/// Rewrite every count attribute the runners write with values from `values` (cycled).
fn recount(doc: &str, values: &[u64]) -> String {
    const COUNTS: &[&str] = &[
        " total=\"",
        " passed=\"",
        " failed=\"",
        " skipped=\"",
        " inconclusive=\"",
        " errors=\"",
        " failures=\"",
        " not-run=\"",
        " ignored=\"",
        " invalid=\"",
    ];
    let mut out = String::with_capacity(doc.len());
    let mut rest = doc;
    let mut n = 0;
    loop {
        let next = COUNTS.iter().filter_map(|c| rest.find(c).map(|i| (i, c.len()))).min();
        let Some((i, len)) = next else { break };
        let value_start = i + len;
        let Some(value_len) = rest[value_start..].find('"') else { break };
        out.push_str(&rest[..value_start]);
        out.push_str(&values[n % values.len()].to_string());
        n += 1;
        rest = &rest[value_start + value_len..];
    }
    out.push_str(rest);
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn removing_or_flipping_failing_evidence_never_passes(
        which in 0..FAILING.len(),
        edits in prop::collection::vec(edit(), 1..6),
    ) {
        let (file, tag, failing) = FAILING[which];
        let doc = load(file);
        let mutated = mutate(&doc, tag, failing, &edits);
        prop_assert_ne!(exit_code(file, mutated.as_bytes()), 0, "{} with {:?}", file, edits);
    }

    #[test]
    fn rewritten_counts_never_hide_a_failure(
        which in 0..FAILING.len(),
        values in prop::collection::vec(0u64..80, 1..8),
    ) {
        let (file, ..) = FAILING[which];
        let mutated = recount(&load(file), &values);
        prop_assert_ne!(exit_code(file, mutated.as_bytes()), 0, "{} with {:?}", file, values);
    }

    #[test]
    fn a_cut_report_never_passes(which in 0..FAILING.len() + 2, at in 0.0f64..1.0) {
        // The two honest passes too: a cut one is not a pass either.
        let file = match which.checked_sub(FAILING.len()) {
            None => FAILING[which].0,
            Some(0) => "nunit/public/nunit3-jenkins-issue33493-inconclusive.xml",
            Some(_) => "xunit/public/xunit2-jenkins-testcase5-passing.xml",
        };
        let doc = load(file);
        let bytes = doc.as_bytes();
        // Cut before the root's end tag (what follows it is only whitespace).
        let body = doc.trim_end().len();
        let cut = ((body as f64) * at) as usize;
        prop_assert_ne!(exit_code(file, &bytes[..cut.min(body - 1)]), 0, "{} cut at {}", file, cut);
    }
}

#[test]
fn the_mutations_reach_the_failing_elements() {
    for (file, tag, failing) in FAILING {
        let doc = load(file);
        assert!(!failing_tags(&doc, tag, failing).is_empty(), "{file}");
        assert_ne!(mutate(&doc, tag, failing, &[Edit::Drop]), doc, "{file}");
        assert_eq!(exit_code(file, doc.as_bytes()), 1, "{file} is an honest failure");
    }
}
