//! Snapshot tests for every renderer, over one verdict that has a false green,
//! an honest failure with a hostile name, an advisory failure and a warning.

use chrono::NaiveDate;

use crate::engine::{Collected, judge};
use crate::model::{ArtifactInfo, Case, CaseOutcome, Claim, Evidence, EvidenceLimits, Format, Position, Status};
use crate::rules::Policy;
use crate::verdict::Verdict;

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
    policy.run.exit_code = Some(0);
    judge(collected, &policy)
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

mod comment {
    use super::*;
    use crate::render::comment::{COMMENT_LIMIT, CommentLinks, marker, verdict_comment};

    const SHA: &str = "0123456789abcdef0123456789abcdef01234567";

    fn links() -> CommentLinks<'static> {
        CommentLinks {
            label: None,
            commit: Some(SHA),
            check_run_url: Some("https://github.com/o/r/runs/1"),
            run_url: Some("https://github.com/o/r/actions/runs/77"),
        }
    }

    /// `n` honest failures, each with a message and a replay command.
    fn failures(n: usize, message: &str) -> Verdict {
        let mut ev = evidence("reports/unit.xml", Format::Junit);
        ev.add_case(Case::new("passes", CaseOutcome::Passed).suite("math"));
        for i in 0..n {
            ev.add_case(
                Case::new(&format!("case_{i}"), CaseOutcome::Failed)
                    .suite("math")
                    .message(message)
                    .at(Position::line(i as u64 + 10))
                    .replay(format!("cargo test -- --exact math::case_{i}")),
            );
        }
        ev.finish();
        let collected = Collected { artifacts: vec![ev], issues: vec![], ignored: vec![] };
        let policy = Policy::new(NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default());
        judge(collected, &policy)
    }

    #[test]
    fn snapshot_of_a_discrepancy() {
        insta::assert_snapshot!("comment_discrepancy", verdict_comment(&sample(), &marker("truegreen"), &links()));
    }

    #[test]
    fn snapshot_of_many_failures_collapses_all_but_the_first() {
        let labelled = CommentLinks { label: Some("unit tests"), ..links() };
        let body = verdict_comment(&failures(8, "expected 2, got 3"), &marker("unit tests"), &labelled);
        insta::assert_snapshot!("comment_failures", body);
    }

    #[test]
    fn the_marker_cannot_close_the_html_comment() {
        assert_eq!(marker("truegreen"), "<!-- truegreen:comment:truegreen -->");
        assert_eq!(marker("tests (linux, 20)"), "<!-- truegreen:comment:tests (linux, 20) -->");
        let hostile = marker("x --> <img src=x> --!> é\n");
        assert_eq!(hostile, "<!-- truegreen:comment:x %2D%2D%3E %3Cimg src%3Dx%3E %2D%2D%21%3E %C3%A9 -->");
        let inner = &hostile["<!--".len()..hostile.len() - "-->".len()];
        assert!(!inner.contains("--") && !inner.contains('>'), "{hostile}");
    }

    #[test]
    fn a_huge_report_stays_within_githubs_limit_and_keeps_the_verdict() {
        let v = failures(3000, &"x".repeat(5000));
        let body = verdict_comment(&v, &marker("truegreen"), &links());
        assert!(body.chars().count() <= COMMENT_LIMIT, "{}", body.len());
        assert!(
            body.starts_with("<!-- truegreen:comment:truegreen -->\n## ❌ truegreen: fail (exit 1)"),
            "{}",
            &body[..200]
        );
        assert!(body.contains("| executed | passed | failed |"));
        assert!(body.contains("### First 50 of 3000 failures"), "the comment shows the first failures only");
        assert!(body.contains("2950 more failures"), "and says how many more there are");
        assert!(body.trim_end().ends_with("</sub>"), "the footer is kept");
        assert_eq!(body.matches("<details>").count(), body.matches("</details>").count());
        // A message is cut to a glance.
        assert!(!body.contains(&"x".repeat(super::super::comment::MAX_MESSAGE_BYTES + 1)));
    }

    #[test]
    fn a_cut_inside_the_collapsed_list_still_closes_it() {
        // Messages big enough that the limit falls inside the <details> block.
        let v = failures(40, &"y".repeat(1900));
        let body = verdict_comment(&v, &marker("truegreen"), &links());
        assert!(body.len() <= COMMENT_LIMIT);
        assert_eq!(body.matches("<details>").count(), 1);
        assert_eq!(body.matches("</details>").count(), 1);
        assert!(body.contains("Not shown, to stay within the size limit"), "{}", &body[body.len() - 600..]);
    }

    #[test]
    fn hostile_content_renders_as_text() {
        let body = verdict_comment(&sample(), &marker("truegreen"), &links());
        let options = pulldown_cmark::Options::ENABLE_TABLES | pulldown_cmark::Options::ENABLE_STRIKETHROUGH;
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new_ext(&body, options));
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("href=\"http://evil"), "{html}");
        // Our own two links, and no other.
        assert_eq!(html.matches("<a ").count(), 2, "{html}");
        // A URL that could break out of a link is dropped.
        let odd = CommentLinks { check_run_url: Some("https://x/a) [y](http://evil"), ..links() };
        assert!(!verdict_comment(&sample(), &marker("t"), &odd).contains("https://x/a)"));
    }
}

/// Eight count claims that do not hold: one rule, eight findings, the last
/// three collapsed.
fn many_of_one_rule() -> Verdict {
    let mut ev = evidence("reports/junit.xml", Format::Junit);
    ev.add_case(Case::new("adds", CaseOutcome::Passed).suite("math"));
    ev.add_case(Case::new("divides", CaseOutcome::Failed).suite("math").message("expected 2, got 3"));
    for i in 0..8 {
        ev.add_claim(
            Claim::count(format!("testsuite math_{i}"), "failures", 0, 1, "testcase elements")
                .at(Position::line(i + 2)),
        );
    }
    ev.finish();
    let collected = Collected { artifacts: vec![ev], issues: vec![], ignored: vec![] };
    let policy = Policy::new(NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default());
    judge(collected, &policy)
}

#[test]
fn markdown_groups_findings_by_rule() {
    let md = super::markdown::render(&many_of_one_rule());
    assert_eq!(md.matches("#### ⚠️ TG103").count(), 1, "the rule once:\n{md}");
    assert!(md.contains("· 8 discrepancies: "), "with its count and summary:\n{md}");
    assert_eq!(md.matches("<details><summary>3 more TG103 findings</summary>").count(), 1, "{md}");
    assert_eq!(md.matches("</details>").count(), 1);
    insta::assert_snapshot!(md);
}

#[test]
fn a_cut_inside_a_collapsed_group_still_closes_it() {
    let full = super::markdown::render(&many_of_one_rule());
    let inside = full.find("<details>").unwrap_or(0) + 200;
    for max in [inside, inside + 150, inside + 300] {
        let cut = super::markdown::render_bounded(&many_of_one_rule(), max + 256);
        assert!(cut.len() <= max + 256);
        assert_eq!(cut.matches("<details>").count(), cut.matches("</details>").count(), "{cut}");
    }
}

/// The sample, compared with a baseline: one group of each change, names
/// that try to inject, and the slowest tests.
fn with_baseline() -> Verdict {
    use crate::inventory::{BaselineStatus, Change, Comparison, Counts, Group, Header, Timed};
    let group = |change, suite: &str, names: &[&str], count| Group {
        change,
        report: "reports/junit.xml".into(),
        format: Format::Junit,
        suite: suite.into(),
        whole_suite: false,
        whole_report: false,
        count,
        names: names.iter().map(|n| (*n).to_owned()).collect(),
        explained: None,
        renamed_to: None,
        file: None,
    };
    let mut verdict = sample();
    let mut gone = group(Change::Vanished, "tests.test_db", &["test_insert", "test_delete"], 2);
    gone.whole_suite = true;
    let mut renamed = group(Change::Vanished, "tests.test_api", &["test_logout"], 1);
    renamed.explained = Some("tests/test_api.py changed and no longer names the test".into());
    renamed.renamed_to = Some("test_sign_out".into());
    verdict.baseline = Some(BaselineStatus::Compared(Box::new(Comparison {
        baseline: "base.tginv".into(),
        header: Header { truegreen: "0.1.0".into(), commit: Some("1a2b3c4d5e6f7a8b9c0d".into()), ..Header::default() },
        counts: Counts {
            baseline_tests: 40,
            tests: 39,
            vanished: 3,
            newly_skipped: 1,
            added: 25,
            newly_failing: 0,
            still_failing: 1,
        },
        groups: vec![
            gone,
            renamed,
            group(Change::NewlySkipped, "tests.test_api", &["test_slow"], 1),
            group(Change::Added, "tests.test_api", &["test_sign_out", "test_[x](http://evil) <img> @octocat"], 25),
        ],
        unlisted_groups: Default::default(),
        baseline_formats: vec![Format::Junit],
    })));
    verdict.slowest = vec![Timed { millis: 1500, name: "tests.test_api::test_slow`".into(), report: "r.xml".into() }];
    verdict
}

#[test]
fn terminal_with_baseline() {
    insta::assert_snapshot!(super::terminal::render(&with_baseline(), false));
}

#[test]
fn markdown_with_baseline() {
    insta::assert_snapshot!(super::markdown::render(&with_baseline()));
}
