//! What every fuzz target checks beyond "no panic": the whole pipeline
//! (read, rules, verdict, every renderer) runs on the input, the verdict is
//! never a pass it cannot back, and every output stays inert whatever the
//! input holds. Memory and time are bounded by the runner (`scripts/fuzz.sh`
//! passes `-rss_limit_mb` and `-timeout`).

#![allow(dead_code)] // each target uses a subset

#[path = "../../tests/common/inert.rs"]
pub mod inert;

use truegreen::engine::check_bytes;
use truegreen::model::{EvidenceLimits, Format};
use truegreen::parse::ReadOptions;
use truegreen::render;
use truegreen::render::github::{self, RepoPaths};
use truegreen::rules::Policy;
use truegreen::verdict::{Status, Verdict};

/// A format by its `--format` id, so a target is one line and a new format one
/// new target file.
pub fn format(id: &str) -> Format {
    match Format::ALL.iter().copied().find(|f| f.id() == id) {
        Some(format) => format,
        None => panic!("no format with id {id:?}"),
    }
}

/// Read `data` as `id` (a `--format` id), judge it and check every output.
pub fn check_as(id: &str, data: &[u8], name: &str) {
    check(data, Some(format(id)), name);
}

pub fn check(data: &[u8], forced: Option<Format>, name: &str) {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default();
    let policy = Policy::new(today);
    let limits = EvidenceLimits { max_message_bytes: 256, ..EvidenceLimits::default() };
    let read = ReadOptions { limits, forced, workspace: None };
    let verdict = check_bytes(name, data, &read, &policy);
    verdict_is_backed(&verdict);
    outputs_are_inert(&verdict);
}

/// A pass needs executed cases, no failure and no discrepancy: the verdict
/// never says pass on nothing or over a contradiction.
pub fn verdict_is_backed(verdict: &Verdict) {
    if verdict.status == Status::Pass {
        assert!(verdict.totals.executed >= 1, "pass with nothing executed");
        assert_eq!(verdict.totals.derived.failures(), verdict.totals.waived, "pass over failures");
        assert_eq!(verdict.totals.discrepancies, 0, "pass over a discrepancy");
        assert_eq!(verdict.totals.claims_contradicted, 0, "pass over a contradicted claim");
    }
    assert_eq!(verdict.exit_code, verdict.status.exit_code());
}

/// Every renderer's output, held to `tests/common/inert.rs`.
pub fn outputs_are_inert(verdict: &Verdict) {
    let text = render::terminal::render(verdict, false);
    let problems = inert::terminal_problems(&text);
    assert!(problems.is_empty(), "terminal: {problems:?}\n{text}");

    for (what, md) in [
        ("markdown", render::markdown::render_bounded(verdict, 65_535)),
        ("check-run summary", github::check_run_summary(verdict)),
        ("check-run text", github::check_run_text(verdict)),
    ] {
        let problems = inert::markdown_problems(&md);
        assert!(problems.is_empty(), "{what}: {problems:?}\n{md}");
    }

    let paths = RepoPaths::new(Some("/ws"), Some("/ws"));
    let annotations = github::annotations(verdict, &paths);
    for a in &annotations {
        assert!(!a.title.contains(['\n', '\r']), "annotation title on more than one line: {a:?}");
        assert!(!a.path.contains(['\n', '\r']), "annotation path on more than one line: {a:?}");
        for field in [Some(&a.message), a.raw_details.as_ref()].into_iter().flatten() {
            assert!(!field.chars().any(|c| c.is_control() && c != '\n' && c != '\t'), "control character: {a:?}");
        }
    }
    let commands = github::workflow_commands(&annotations, github::WORKFLOW_ANNOTATIONS_PER_LEVEL);
    let problems = inert::workflow_command_problems(&commands);
    assert!(problems.is_empty(), "workflow commands: {problems:?}\n{commands}");

    let json = render::json::to_string(verdict);
    let back: Result<Verdict, _> = serde_json::from_str(&json);
    assert!(back.is_ok_and(|b| b == *verdict), "the verdict document does not round-trip");
}
