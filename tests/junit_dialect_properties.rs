//! No mutation of a failing dialect report yields a pass.
//!
//! Every failing report in `tests/fixtures/junit/` (written by the real tool)
//! is mutated in one of the ways a report goes wrong or is tampered with: a
//! declared count set to any value, a `<failure>` or `<error>` element
//! removed, the file cut anywhere, a testcase's `status` rewritten. The
//! mutated bytes are judged in process; the verdict must never be a pass.
//! A mutation may honestly make the file pass only by removing every failure
//! it shows, and the mutations here never remove more than one (nor change a
//! count that is a report's only sign of a failure).

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use proptest::prelude::*;
use truegreen::engine::check_bytes;
use truegreen::model::EvidenceLimits;
use truegreen::parse::ReadOptions;
use truegreen::rules::Policy;
use truegreen::verdict::{Status, Verdict};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/junit")
}

/// The failing reports, with their text, read and judged once.
fn failing_reports() -> &'static [(String, String)] {
    static REPORTS: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();
    REPORTS.get_or_init(read_failing_reports)
}

/// The failing reports that show a failure in an element and carry `filter`.
fn reports_with(filter: impl Fn(&str) -> bool) -> Vec<&'static (String, String)> {
    failing_reports().iter().filter(|(_, text)| !failing_elements(text).is_empty() && filter(text)).collect()
}

fn read_failing_reports() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for tool in std::fs::read_dir(fixtures()).into_iter().flatten().flatten() {
        for file in std::fs::read_dir(tool.path()).into_iter().flatten().flatten() {
            let path = file.path();
            if path.extension().is_none_or(|e| e != "xml") {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else { continue };
            if judge(&text).status == Status::Fail {
                out.push((path.display().to_string(), text));
            }
        }
    }
    out.sort();
    out
}

fn judge(text: &str) -> Verdict {
    let policy = Policy::new(NaiveDate::from_ymd_opt(2026, 12, 4).unwrap_or_default());
    let read = ReadOptions { limits: EvidenceLimits::default(), forced: None, workspace: None, inventory: false };
    check_bytes("report.xml", text.as_bytes(), &read, &policy)
}

/// Byte ranges of every `name="value"` attribute with one of `names`.
fn attributes(text: &str, names: &[&str]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for name in names {
        let needle = format!(" {name}=\"");
        let mut from = 0;
        while let Some(at) = text[from..].find(&needle) {
            let start = from + at + needle.len();
            let Some(len) = text[start..].find('"') else { break };
            out.push((start, start + len));
            from = start + len;
        }
    }
    out
}

/// Byte ranges of every `<failure ...>...</failure>` / `<error ...>...</error>`
/// element (or self-closing one).
fn failing_elements(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for tag in ["failure", "error"] {
        let open = format!("<{tag}");
        let close = format!("</{tag}>");
        let mut from = 0;
        while let Some(at) = text[from..].find(&open) {
            let start = from + at;
            let after = start + open.len();
            let next = text[after..].chars().next();
            if !matches!(next, Some(' ' | '>' | '/')) {
                from = after;
                continue;
            }
            let Some(gt) = text[start..].find('>') else { break };
            let end = if text[start..start + gt].ends_with('/') {
                start + gt + 1
            } else {
                match text[start..].find(&close) {
                    Some(c) => start + c + close.len(),
                    None => break,
                }
            };
            out.push((start, end));
            from = end;
        }
    }
    out
}

fn not_a_pass(name: &str, mutated: &str, what: &str) -> Result<(), TestCaseError> {
    let verdict = judge(mutated);
    prop_assert_ne!(verdict.status, Status::Pass, "{} passed after {}:\n{}", name, what, mutated);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn a_declared_count_set_to_anything_never_passes(pick in any::<prop::sample::Index>(), at in any::<prop::sample::Index>(), value in prop_oneof![Just(0u64), 0u64..20, any::<u64>()]) {
        // Where a count is the only sign of the failure (karma's browser
        // error, Catch2's passing [!shouldfail] test), changing it changes the
        // evidence itself: those reports are left out.
        let reports = reports_with(|_| true);
        let (name, text) = reports[pick.index(reports.len())];
        let spots = attributes(text, &["tests", "failures", "errors", "skipped", "disabled"]);
        prop_assume!(!spots.is_empty());
        let (start, end) = spots[at.index(spots.len())];
        let mutated = format!("{}{value}{}", &text[..start], &text[end..]);
        not_a_pass(name, &mutated, &format!("a count set to {value}"))?;
    }

    #[test]
    fn removing_one_failure_never_passes_a_report_with_more(pick in any::<prop::sample::Index>(), at in any::<prop::sample::Index>()) {
        let reports = reports_with(|_| true);
        let (name, text) = reports[pick.index(reports.len())];
        // With one failing element, removing it with the counts left as they
        // are is a count mismatch, which is no pass either.
        let spots = failing_elements(text);
        let (start, end) = spots[at.index(spots.len())];
        let mutated = format!("{}{}", &text[..start], &text[end..]);
        not_a_pass(name, &mutated, "removing one failing element")?;
    }

    #[test]
    fn a_cut_report_never_passes(pick in any::<prop::sample::Index>(), cut in any::<prop::sample::Index>()) {
        let reports = failing_reports();
        let (name, text) = &reports[pick.index(reports.len())];
        let mut at = cut.index(text.len().max(1));
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let trimmed = text.trim_end();
        prop_assume!(at < trimmed.len());
        not_a_pass(name, &text[..at], &format!("a cut at byte {at}"))?;
    }

    #[test]
    fn a_rewritten_status_never_turns_a_failing_testcase_into_a_pass(pick in any::<prop::sample::Index>(), at in any::<prop::sample::Index>(), status in prop_oneof![Just("run"), Just("notrun"), Just("disabled"), Just("fail"), Just("completed"), Just("suppressed"), Just("skipped")]) {
        // Where the status is the only sign of the failure (CTest's test that
        // could not run), rewriting it rewrites the evidence itself: those
        // reports are left out.
        let reports = reports_with(|text| !attributes(text, &["status", "result"]).is_empty());
        let (name, text) = reports[pick.index(reports.len())];
        let spots = attributes(text, &["status", "result"]);
        let (start, end) = spots[at.index(spots.len())];
        let mutated = format!("{}{status}{}", &text[..start], &text[end..]);
        // The failure elements are all still there: a status cannot hide them.
        prop_assume!(failing_elements(&mutated).len() == failing_elements(text).len());
        not_a_pass(name, &mutated, &format!("a status set to {status}"))?;
    }
}

#[test]
fn the_failing_reports_are_many_and_varied() {
    let reports = failing_reports();
    assert!(reports.len() >= 30, "{}", reports.len());
    for tool in ["googletest", "ctest", "catch2", "doctest", "boost-test", "pytest", "karma"] {
        assert!(reports.iter().any(|(name, _)| name.contains(&format!("/{tool}/"))), "no failing {tool} report");
    }
}
