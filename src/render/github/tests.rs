use super::*;
use crate::discover::DiscoveryIssue;
use crate::engine::{Collected, judge};
use crate::model::{Case, CaseOutcome, Claim, Evidence, Format, Position, SourceLocation, Status as ClaimStatus};
use crate::rules::testing::{evidence, policy};
use crate::verdict::Status;

const HOSTILE: &str = "::set-output name=x::y\n::add-mask::secret %0A $(touch pwned) <img src=x> @org/team [x](http://evil)\r\n::error::pwned";

fn verdict_of(artifacts: Vec<Evidence>, exit_code: Option<i32>) -> Verdict {
    let mut policy = policy();
    policy.run.exit_code = exit_code;
    let collected = Collected { artifacts, issues: Vec::<DiscoveryIssue>::new(), ignored: Vec::new() };
    judge(collected, &policy)
}

/// Two artifacts: one honest failure with a source location, and one whose
/// summary claims a pass over a failed step (a false green).
fn mixed_verdict() -> Verdict {
    let mut honest = evidence("/ws/repo/reports/unit.ndjson", Format::Kane);
    honest.add_case(Case::new("adds", CaseOutcome::Passed).suite("math"));
    let mut failing = Case::new("divides", CaseOutcome::Failed)
        .suite("math")
        .message("expected 2, got 3")
        .at(Position::line(7))
        .replay("cargo test -- --exact math::divides");
    failing.source = Some(SourceLocation { file: "src/math.rs".into(), line: Some(42) });
    honest.add_case(failing);
    honest.add_case(Case::new("retries", CaseOutcome::Flaky).suite("net").at(Position::line(9)));
    honest.add_case(Case::new("lint", CaseOutcome::Failed).advisory().at(Position::line(11)));
    honest.finish();

    let mut liar = evidence("reports/e2e.ndjson", Format::Kane);
    liar.add_case(Case::new("step 1: open", CaseOutcome::Failed).suite("test_md run #1").at(Position::line(3)));
    liar.add_claim(
        Claim::status(
            "test_md_summary #1",
            "overall_status",
            "passed",
            ClaimStatus::Pass,
            ClaimStatus::Fail,
            "1 failed",
        )
        .at(Position::line(5).with_field("overall_status")),
    );
    liar.finish();
    verdict_of(vec![honest, liar], None)
}

fn hostile_verdict(failures: usize) -> Verdict {
    let mut ev = evidence("reports/hostile.ndjson", Format::Kane);
    for i in 0..failures {
        let name = format!("{HOSTILE} #{i}");
        ev.add_case(
            Case::new(&name, CaseOutcome::Failed)
                .suite(HOSTILE)
                .message(HOSTILE)
                .at(Position::line(i as u64 + 1))
                .replay(crate::replay::pytest(HOSTILE)),
        );
    }
    ev.finish();
    verdict_of(vec![ev], Some(0))
}

fn paths() -> RepoPaths {
    RepoPaths::new(Some("/ws/repo"), Some("/ws/repo")).with_fallback(Some(".github/workflows/ci.yml"))
}

#[test]
fn escapes_follow_the_runner_rules() {
    assert_eq!(escape_data("50% done\r\nnext"), "50%25 done%0D%0Anext");
    assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    assert_eq!(
        workflow_command("error", &[("file", "a,b.rs"), ("title", "t::x")], "m\n::set-output name=x::y"),
        "::error file=a%2Cb.rs,title=t%3A%3Ax::m%0A::set-output name=x::y\n"
    );
}

#[test]
fn annotations_put_discrepancies_first_and_map_levels() {
    let v = mixed_verdict();
    assert_eq!(v.status, Status::Discrepancy);
    let a = annotations(&v, &paths());
    let levels: Vec<Level> = a.iter().map(|x| x.annotation_level).collect();
    let first_other = levels.iter().position(|l| *l != Level::Failure).unwrap_or(levels.len());
    assert!(levels[first_other..].iter().all(|l| *l != Level::Failure), "{levels:?}");
    assert!(a[0].title.starts_with("TG101 claim-false-green"), "{:?}", a[0]);
    assert_eq!(a[0].path, "reports/e2e.ndjson");
    assert_eq!(a[0].start_line, 5);

    let divides = a.iter().find(|x| x.title.contains("math::divides")).cloned();
    let divides = divides.unwrap_or_else(|| panic!("no annotation for the failure: {a:#?}"));
    assert_eq!((divides.path.as_str(), divides.start_line), ("src/math.rs", 42));
    assert_eq!(divides.raw_details.as_deref(), Some("cargo test -- --exact math::divides"));
    assert!(divides.message.contains("reported in /ws/repo/reports/unit.ndjson:7"), "{}", divides.message);

    let advisory = a.iter().find(|x| x.title.contains("lint")).map(|x| x.annotation_level);
    assert_eq!(advisory, Some(Level::Warning));
    let flaky = a.iter().find(|x| x.title.contains("retries")).map(|x| (x.annotation_level, x.path.clone()));
    assert_eq!(flaky, Some((Level::Notice, "reports/unit.ndjson".to_owned())));
    // Every finding and every failure record has exactly one annotation.
    assert_eq!(a.len(), v.findings.len() + v.failures().count());
}

#[test]
fn findings_about_no_file_go_to_the_fallback() {
    let mut ev = evidence("reports/ok.ndjson", Format::Kane);
    ev.add_case(Case::new("a", CaseOutcome::Passed));
    ev.finish();
    let v = verdict_of(vec![ev], Some(1));
    let a = annotations(&v, &paths());
    let exit = a.iter().find(|x| x.title.starts_with("TG105")).map(|x| (x.path.clone(), x.start_line));
    assert_eq!(exit, Some((".github/workflows/ci.yml".to_owned(), 1)));
    let without_fallback = annotations(&v, &RepoPaths::new(None, None));
    assert!(without_fallback.iter().all(|x| x.path == "reports/ok.ndjson"), "{without_fallback:?}");
}

#[test]
fn repo_paths_are_relative_to_the_workspace() {
    let p = RepoPaths::new(Some("/home/runner/work/r/r/"), Some("/home/runner/work/r/r/sub"));
    assert_eq!(p.relative("/home/runner/work/r/r/reports/x.xml"), "reports/x.xml");
    assert_eq!(p.relative("./out/../reports/x.xml"), "sub/reports/x.xml");
    assert_eq!(p.relative("/tmp/elsewhere.xml"), "/tmp/elsewhere.xml");
    assert_eq!(p.relative("/home/runner/work/r/rx/y.xml"), "/home/runner/work/r/rx/y.xml");
    let win = RepoPaths::new(Some(r"D:\a\r\r"), Some(r"D:\a\r\r"));
    assert_eq!(win.relative(r"reports\x.xml"), "reports/x.xml");
    assert_eq!(win.relative(r"D:\a\r\r\reports\y.xml"), "reports/y.xml");
    assert_eq!(RepoPaths::new(None, None).relative("./a/./b.xml"), "a/b.xml");
}

#[test]
fn hostile_text_stays_inert_in_workflow_commands() {
    let v = hostile_verdict(3);
    let a = annotations(&v, &paths());
    let commands = workflow_commands(&a, WORKFLOW_ANNOTATIONS_PER_LEVEL);
    let lines: Vec<&str> = commands.lines().collect();
    assert_eq!(lines.len(), a.len(), "one line per annotation:\n{commands}");
    for line in &lines {
        assert!(
            line.starts_with("::error file=")
                || line.starts_with("::warning file=")
                || line.starts_with("::notice file="),
            "{line}"
        );
        assert!(!line.contains('\r'), "{line}");
    }
    assert!(!commands.contains("\n::set-output"), "{commands}");
    assert!(!commands.contains("\n::add-mask"), "{commands}");
    // `%0A` written by the artifact stays text: its `%` is escaped.
    assert!(commands.contains("%250A"), "{commands}");
    // A property cannot end early: the name's `::` and `,` are escaped in the title.
    assert!(commands.contains("title=failed%3A %3A%3Aset-output name=x%3A%3Ay"), "{commands}");
}

#[test]
fn hostile_text_stays_inert_in_markdown() {
    let v = hostile_verdict(3);
    for (what, doc) in [
        ("summary", check_run_summary(&v)),
        ("text", check_run_text(&v)),
        ("job summary", job_summary(&v, Some(HOSTILE), JOB_SUMMARY_LIMIT)),
    ] {
        // Outside code spans and blocks nothing may render: check the lines
        // that are not inside a fence.
        let mut fenced = false;
        for line in doc.lines() {
            let trimmed = line.trim_start();
            if trimmed.starts_with("```") {
                fenced = !fenced;
                continue;
            }
            if fenced {
                continue;
            }
            let outside_spans: String = line.split('`').step_by(2).collect();
            assert!(!outside_spans.contains("<img"), "{what}: {line}");
            assert!(!outside_spans.contains("](http"), "{what}: {line}");
            assert!(!outside_spans.contains("@org"), "{what}: {line}");
            assert!(!line.starts_with("::"), "{what}: {line}");
        }
    }
}

#[test]
fn hostile_text_stays_inert_in_step_outputs() {
    let outputs = vec![("verdict", "pass".to_owned()), ("json", format!("{HOSTILE}\nghadelimiter_x"))];
    assert_eq!(output_file_entries(&outputs, "ghadelimiter_x"), None);
    let entries = output_file_entries(&outputs, "ghadelimiter_y").unwrap_or_default();
    assert!(entries.starts_with("verdict<<ghadelimiter_y\npass\nghadelimiter_y\njson<<ghadelimiter_y\n"));
    assert!(entries.ends_with("\nghadelimiter_x\nghadelimiter_y\n"), "{entries}");
}

#[test]
fn inert_log_wraps_untrusted_output() {
    assert_eq!(inert_log("a\n::error::x", "tok"), "::stop-commands::tok\na\n::error::x\n::tok::\n");
    assert_eq!(inert_log("", "tok"), "::stop-commands::tok\n::tok::\n");
}

#[test]
fn check_run_fields_stay_within_github_limits_and_keep_the_table() {
    let mut ev = evidence("reports/big.ndjson", Format::Kane);
    let long = "x".repeat(3000);
    for i in 0..2000 {
        ev.add_case(Case::new(&format!("case {i}"), CaseOutcome::Failed).message(&long).replay(format!("rerun {i}")));
    }
    for i in 0..2000 {
        ev.add_claim(Claim::count(format!("suite {i}"), "failed", 0, 1, "cases"));
    }
    ev.finish();
    let v = verdict_of(vec![ev], None);
    let summary = check_run_summary(&v);
    let text = check_run_text(&v);
    assert!(summary.chars().count() <= CHECK_RUN_TEXT_LIMIT, "{}", summary.len());
    assert!(text.chars().count() <= CHECK_RUN_TEXT_LIMIT, "{}", text.len());
    assert!(summary.starts_with("## ⚠️ truegreen: discrepancy (exit 3)"), "{}", &summary[..200]);
    assert!(summary.contains("| executed | passed | failed |"));
    assert!(summary.contains("Not shown, to stay within the size limit"), "the cut is announced");
    assert_eq!(summary.matches("<details>").count(), summary.matches("</details>").count());
    // 2,000 findings of one rule: the rule once, the rest collapsed.
    let job = job_summary(&v, None, JOB_SUMMARY_LIMIT);
    assert!(job.len() <= JOB_SUMMARY_LIMIT);
    assert_eq!(job.matches("#### ⚠️ TG103").count(), 1);
    assert_eq!(job.matches("<details>").count(), 1);
    assert_eq!(job.matches("</details>").count(), 1);
    assert!(job.contains("Not shown, to stay within the size limit"));
    assert!(text.contains("Not shown, to stay within the size limit"));
    let job = job_summary(&v, Some("truegreen (linux)"), 200_000);
    assert!(job.len() <= 200_000);
    assert!(job.starts_with("**truegreen \\(linux\\)**\n\n## "), "{}", &job[..100]);
    let a = annotations(&v, &paths());
    assert_eq!(a.len(), v.findings.len() + 2000);
    assert!(
        a.iter()
            .all(|x| x.title.chars().count() <= ANNOTATION_TITLE_LIMIT && x.message.len() <= ANNOTATION_FIELD_LIMIT)
    );
}

#[test]
fn workflow_commands_say_how_many_were_not_shown() {
    let v = hostile_verdict(25);
    let a = annotations(&v, &paths());
    let errors = a.iter().filter(|x| x.annotation_level == Level::Failure).count();
    let commands = workflow_commands(&a, 10);
    assert_eq!(commands.lines().filter(|l| l.starts_with("::error")).count(), 10);
    let more = format!("{} more error annotation(s) not shown here", errors - 9);
    assert!(commands.contains(&more), "{commands}");
}

#[test]
fn shard_names_follow_github_job_labels() {
    let shard = serde_json::json!({"os": "ubuntu-latest", "node": 20});
    // serde_json orders object keys; the label is stable whatever the input order.
    assert_eq!(check_run_name("truegreen", Some(&shard)), "truegreen (20, ubuntu-latest)");
    assert_eq!(check_run_name("", None), "truegreen");
    assert_eq!(check_run_name("tests", Some(&serde_json::json!({}))), "tests");
    assert_eq!(check_run_name("tests", Some(&serde_json::json!("a\nb"))), "tests (a b)");
}

#[test]
fn step_outputs_carry_the_counts() {
    let v = mixed_verdict();
    let outputs = step_outputs(&v, Some("https://github.com/o/r/runs/1"), Some("/tmp/v.json"), None);
    let get = |k: &str| outputs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.as_str());
    assert_eq!(get("verdict"), Some("discrepancy"));
    assert_eq!(get("exit-code"), Some("3"));
    assert_eq!(get("tests"), Some(v.totals.derived.total().to_string().as_str()));
    assert_eq!(get("failed"), Some("2"));
    assert_eq!(get("flaky"), Some("1"));
    assert_eq!(get("check-run-url"), Some("https://github.com/o/r/runs/1"));
    assert_eq!(get("markdown"), Some(""));
}

#[test]
fn snapshot_check_run_title_and_summary() {
    let v = mixed_verdict();
    insta::assert_snapshot!("check_run_title", check_run_title(&v));
    insta::assert_snapshot!("check_run_summary", check_run_summary(&v));
    insta::assert_snapshot!("check_run_text", check_run_text(&v));
    insta::assert_snapshot!("commit_status_description", commit_status_description(&v));
}

#[test]
fn snapshot_annotations_and_workflow_commands() {
    let v = mixed_verdict();
    let a = annotations(&v, &paths());
    insta::assert_json_snapshot!("annotations", a);
    insta::assert_snapshot!("workflow_commands", workflow_commands(&a, WORKFLOW_ANNOTATIONS_PER_LEVEL));
}

#[test]
fn snapshot_step_outputs() {
    let v = mixed_verdict();
    let outputs = step_outputs(&v, None, Some("/tmp/tg/verdict.json"), Some("/tmp/tg/verdict.md"));
    insta::assert_snapshot!("step_outputs", output_file_entries(&outputs, "ghadelimiter_test").unwrap_or_default());
}

mod cap {
    use super::*;
    use proptest::prelude::*;

    fn numbered(n: usize) -> Vec<Annotation> {
        (0..n)
            .map(|i| {
                annotation(format!("f{i}.rs"), Some(i as u64 + 1), Level::Failure, &format!("t{i}"), "m", Some("r"))
            })
            .collect()
    }

    proptest! {
        /// The cap keeps the first annotations in order, never sends more than
        /// `max`, and when it cuts, its notice counts exactly what was cut.
        #[test]
        fn keeps_a_prefix_and_counts_the_rest(len in 0usize..200, max in 0usize..200) {
            let all = numbered(len);
            let mut capped = all.clone();
            cap_annotations(&mut capped, max);
            prop_assert_eq!(capped.len(), len.min(max));
            if len <= max {
                prop_assert_eq!(&capped, &all);
            } else if max > 0 {
                prop_assert_eq!(&capped[..max - 1], &all[..max - 1]);
                let notice = &capped[max - 1];
                prop_assert_eq!(notice.annotation_level, Level::Notice);
                prop_assert_eq!((&notice.path, notice.start_line), (&all[max - 1].path, all[max - 1].start_line));
                let expected = format!("{} more annotation(s) not sent", len - (max - 1));
                prop_assert!(notice.message.starts_with(&expected), "{}", notice.message);
                prop_assert_eq!(notice.raw_details.as_deref(), None);
            }
        }
    }
}
