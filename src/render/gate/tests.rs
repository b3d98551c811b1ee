//! Snapshot tests for every gate renderer, over one result with a passing, a
//! duplicated, a missing, a stale, a discrepant, a failing and a hostile
//! unexpected cell, and a cancelled job.

use serde_json::json;

use crate::gate::needs;
use crate::gate::rules::testing::{expect_cells, ordered_cell, verdict_for};
use crate::gate::shard::{Collected, ShardFailure, ShardProblem};
use crate::gate::{GateRequest, GateResult, LinkBase, Provenance, evaluate};
use crate::model::SourceLocation;
use crate::verdict::Status;

fn sample() -> GateResult {
    let mut cells = Vec::new();
    for os in ["linux", "macos", "windows"] {
        for node in [18, 20] {
            cells.push(ordered_cell(&[("os", json!(os)), ("node", json!(node))]));
        }
    }
    let mut stale = verdict_for("v/macos-20.json", cells[3].clone(), Status::Pass);
    stale.commit = Some("0ld0ld0".into());
    let mut cancelled = verdict_for("v/windows-18.json", cells[4].clone(), Status::Discrepancy);
    cancelled.problems.push(ShardProblem {
        rule: "TG005".into(),
        severity: "discrepancy".into(),
        message: "the stream ends inside test_md run #1 without a test_md_summary".into(),
    });
    let mut failed = verdict_for("v/windows-20.json", cells[5].clone(), Status::Fail);
    failed.failures.push(ShardFailure {
        name: "test_md run #1::step 6: Assert the subtotal doubled".into(),
        outcome: "failed".into(),
        message: Some("bug verdict: totals ignore quantity\n\u{1b}[31mred\u{1b}[0m".into()),
        source: Some(SourceLocation { file: "tests/cart_test.md".into(), line: Some(12) }),
        replay: Some("kane-cli testmd run tests/cart_test.md --agent --headless".into()),
    });
    failed.replay.push("kane-cli testmd run tests/cart_test.md --agent --headless".into());
    failed.replay.push("cargo test -- --exact '$(touch pwned)'".into());
    let hostile = ordered_cell(&[("::error::pwned <img src=x> [x](http://evil) @octocat", json!("a|b"))]);
    let verdicts = vec![
        verdict_for("v/linux-18.json", cells[0].clone(), Status::Pass),
        verdict_for("v/linux-20.json", cells[1].clone(), Status::Pass),
        verdict_for("v/linux-20-copy.json", cells[1].clone(), Status::Pass),
        stale,
        cancelled,
        failed,
        verdict_for("v/hostile.json", hostile, Status::Pass),
    ];
    let jobs = needs::judge(r#"{"lint": {"result": "success"}, "test": {"result": "cancelled"}}"#, &[], &[])
        .unwrap_or_default();
    let request = GateRequest {
        verdicts: Vec::new(),
        expectation: expect_cells(cells),
        provenance: Provenance { commit: Some("c1".into()), run_id: Some("1".into()) },
        jobs,
        links: Some(LinkBase { server_url: "https://github.com".into(), repository: "octo/repo".into() }),
        inventory: Default::default(),
    };
    evaluate(Collected { verdicts, ignored: vec!["v/notes.txt".into()], ..Collected::default() }, &request)
}

#[test]
fn terminal_plain() {
    insta::assert_snapshot!(super::terminal::render(&sample(), false));
}

#[test]
fn terminal_cannot_inject_workflow_commands_or_escapes() {
    for color in [false, true] {
        let out = super::terminal::render(&sample(), color);
        for line in out.lines() {
            assert!(!line.trim_start().starts_with("::"), "injectable line: {line:?}");
        }
        assert!(!out.contains("\u{1b}[31m"), "an escape from a document survived");
    }
}

#[test]
fn markdown() {
    insta::assert_snapshot!(super::markdown::render(&sample()));
}

#[test]
fn markdown_content_is_inert() {
    let md = super::markdown::render(&sample());
    let options = pulldown_cmark::Options::ENABLE_TABLES | pulldown_cmark::Options::ENABLE_STRIKETHROUGH;
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new_ext(&md, options));
    assert!(!html.contains("<img"), "{html}");
    assert!(!html.contains("<a href=\"http://evil"), "{html}");
    // Only our own links: the runs in the link column.
    for link in html.match_indices("<a href=\"").map(|(i, _)| &html[i..]) {
        assert!(link.starts_with("<a href=\"https://github.com/octo/repo/actions/runs/1/attempts/1\""), "{link}");
    }
    for line in md.lines().filter(|l| l.starts_with("| ") && !l.starts_with("| job")) {
        assert!(line.matches(" | ").count() == 5 || line.matches(" | ").count() == 2, "{line}");
    }
}

#[test]
fn markdown_bounded_keeps_the_head_and_problem_cells_first() {
    let full = super::markdown::render(&sample());
    let table_at = full.find("| cell |").unwrap_or(full.len());
    let cut = super::markdown::render_bounded(&sample(), table_at + 700);
    assert!(cut.len() <= table_at + 700, "{} > {}", cut.len(), table_at + 700);
    assert!(cut.starts_with(&full[..table_at]), "{cut}");
    assert!(cut.contains("| ` os=linux, node=20 ` | ⚠️ duplicate"), "problem cells come first: {cut}");
    assert!(!cut.contains("| ` os=linux, node=18 `"), "passing cells are cut first: {cut}");
    assert!(cut.contains("Not shown, to stay within the size limit"), "{cut}");
}

#[test]
fn json_document() {
    insta::assert_snapshot!(super::json::to_string(&sample()));
}

#[test]
fn json_round_trips() {
    let result = sample();
    let parsed: Result<GateResult, _> = serde_json::from_str(&super::json::to_string(&result));
    assert_eq!(parsed.ok(), Some(result));
}

#[test]
fn check_run_output() {
    use super::check_run;
    let result = sample();
    assert_eq!(
        check_run::title(&result),
        "5 of 6 expected cell(s) did not pass: 1 missing, 1 duplicate, 1 stale, 1 discrepancy, 1 failed, 1 unexpected; 1 of 2 needed job(s) did not succeed."
    );
    let summary = check_run::summary(&result);
    assert!(summary.len() <= crate::render::github::CHECK_RUN_TEXT_LIMIT);
    assert_eq!(summary, super::markdown::render(&result));
    assert!(check_run::text(&result).starts_with("## Replay the failing cells"));
    let paths = crate::render::github::RepoPaths::new(Some("/ws"), Some("/ws"));
    insta::assert_json_snapshot!(check_run::annotations(&result, &paths));
}

#[test]
fn comment_has_a_row_per_cell() {
    use crate::render::comment::{COMMENT_LIMIT, CommentLinks, gate_comment, marker};
    let links = CommentLinks {
        commit: Some("c1"),
        run_url: Some("https://github.com/octo/repo/actions/runs/1"),
        ..CommentLinks::default()
    };
    let body = gate_comment(&sample(), &marker("truegreen gate"), &links);
    assert!(body.len() <= COMMENT_LIMIT);
    insta::assert_snapshot!("comment", body);
}

/// A gate that compared its cells with a baseline matrix: one cell gone.
fn sample_with_baseline() -> GateResult {
    let mut result = sample();
    let mut comparison = crate::gate::rules::testing::sample_comparison(3, 2);
    comparison.header.commit = Some("1a2b3c4d5e6f7a8b9c0d".into());
    result.baseline = Some(crate::gate::inventory::MatrixBaseline::Compared(comparison));
    result.inventory =
        Some(crate::gate::inventory::MatrixInventoryReport { cells: 5, tests: 120, ..Default::default() });
    result
}

#[test]
fn terminal_with_baseline() {
    insta::assert_snapshot!(super::terminal::render(&sample_with_baseline(), false));
}

#[test]
fn markdown_with_baseline() {
    insta::assert_snapshot!(super::markdown::render(&sample_with_baseline()));
}
