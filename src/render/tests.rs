//! Snapshot tests for every renderer, over one verdict that has a false green,
//! an honest failure with a hostile name, an advisory failure and a warning.

use chrono::NaiveDate;

use crate::engine::{Collected, judge};
use crate::model::{ArtifactInfo, Case, CaseOutcome, Claim, Evidence, EvidenceLimits, Format, Position, Status};
use crate::rules::Policy;
use crate::verdict::{RunContext, Verdict};

fn evidence(path: &str, format: Format) -> Evidence {
    let info = ArtifactInfo {
        path: path.into(),
        format: Some(format),
        sha256: Some("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef".into()),
        size: 100,
        modified: None,
    };
    Evidence::new(info, EvidenceLimits::default())
}

fn sample() -> Verdict {
    let mut kane = evidence("out/run.ndjson", Format::Kane);
    kane.add_case(Case::new("step 1: open", CaseOutcome::Passed).suite("test_md run #1"));
    kane.add_case(
        Case::new("step 2: $(touch pwned) `rm -rf` <img src=x> @octocat [x](http://evil)", CaseOutcome::Failed)
            .suite("test_md run #1")
            .message("assertion failed\n\u{1b}[31mred\u{1b}[0m ``` fence ```\n::error::injected")
            .at(Position::line(7))
            .replay("kane-cli testmd run 'tests/$(touch pwned)_test.md' --agent --headless"),
    );
    kane.add_claim(
        Claim::status(
            "test_md_summary #1",
            "overall_status",
            "passed",
            Status::Pass,
            Status::Fail,
            "1 passed, 1 failed",
        )
        .at(Position::line(9).with_field("overall_status")),
    );
    kane.add_claim(Claim::count("test_md_summary #1", "steps.failed", 1, 1, "test_md_step_end events"));
    let mut gates = evidence("gate/full_suite_verdict.json", Format::PiFullSuiteVerdict);
    gates.add_case(Case::new("non_mock_unit", CaseOutcome::Passed));
    gates.add_case(Case::new("evidence_bundle", CaseOutcome::Failed).advisory().replay("cargo test --test evidence"));
    let collected = Collected { artifacts: vec![kane, gates], issues: vec![], ignored: vec!["gate/notes.md".into()] };
    let mut policy = Policy::new(NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default());
    policy.exit_code = Some(0);
    judge(collected, &policy, RunContext { exit_code: Some(0), min_tests: 1, ..RunContext::default() })
}

#[test]
fn terminal_plain() {
    insta::assert_snapshot!(super::terminal::render(&sample(), false));
}

#[test]
fn terminal_color_only_colors_our_labels() {
    let out = super::terminal::render(&sample(), true);
    assert!(out.contains("\u{1b}[1;35mDISCREPANCY\u{1b}[0m"));
    // The escape from the failure message is gone; only our own remain.
    assert!(!out.contains("\u{1b}[31m"));
}

#[test]
fn markdown() {
    insta::assert_snapshot!(super::markdown::render(&sample()));
}

#[test]
fn markdown_bounded_keeps_the_head_and_says_what_it_cut() {
    let full = super::markdown::render(&sample());
    let head_len = full.find("### ").unwrap_or(full.len());
    let cut = super::markdown::render_bounded(&sample(), head_len + 400);
    assert!(cut.len() <= head_len + 400, "{} > {}", cut.len(), head_len + 400);
    assert!(cut.starts_with(&full[..head_len]));
    assert!(cut.contains("Not shown, to stay within the size limit"), "{cut}");
}

#[test]
fn markdown_content_is_inert() {
    // Render as GitHub would (GFM tables, strikethrough) and look at the HTML:
    // hostile names may only come out as text, never as elements or links.
    let md = super::markdown::render(&sample());
    let options = pulldown_cmark::Options::ENABLE_TABLES | pulldown_cmark::Options::ENABLE_STRIKETHROUGH;
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new_ext(&md, options));
    assert!(!html.contains("<img"), "{html}");
    assert!(!html.contains("<a "), "{html}");
    assert!(html.contains("&lt;img src=x&gt;"), "{html}");
    // Every table row keeps its column count: no `|` from content split a cell.
    for line in md.lines().filter(|l| l.starts_with("| ")) {
        let cells = line.matches(" | ").count();
        assert!(cells == 3 || cells == 5 || cells == 8, "{line}");
    }
}

#[test]
fn terminal_output_cannot_inject_workflow_commands() {
    let out = super::terminal::render(&sample(), false);
    for line in out.lines() {
        assert!(!line.trim_start().starts_with("::"), "injectable line: {line:?}");
    }
}

#[test]
fn json_document() {
    insta::assert_snapshot!(super::json::to_string(&sample()));
}

#[test]
fn json_round_trips() {
    let verdict = sample();
    let parsed: Result<Verdict, _> = serde_json::from_str(&super::json::to_string(&verdict));
    assert_eq!(parsed.ok(), Some(verdict));
}
