//! Every real kane-cli capture in shared/fixtures/kane gets the verdict its
//! steps support. Where the capture has an exit code beside it, the check runs
//! with `--exit-code` set to it.

mod common;

use common::{check, shared_fixtures};

/// (capture, exit code recorded beside it, expected truegreen exit, expected rule codes)
const CASES: &[(&str, Option<&str>, i32, &[&str])] = &[
    // `kane-cli cover` output: a coverage report, no test ran.
    ("corpus/cover-after-bootstrap.ndjson", Some("0"), 3, &["TG201"]),
    ("corpus/t1-shop_filter-author.ndjson", Some("0"), 0, &[]),
    ("corpus/t2-home_cta-author.ndjson", Some("0"), 0, &[]),
    ("corpus/t3-cart_subtotal-author-attempt1-stale-build.ndjson", Some("1"), 1, &[]),
    ("corpus/t3-cart_subtotal-author.ndjson", Some("0"), 0, &[]),
    ("corpus/t4-checkout_validation-author.ndjson", Some("0"), 0, &[]),
    ("corpus/t5-orders_persist-author-attempt1-stuck.ndjson", Some("1"), 1, &[]),
    ("corpus/t5-orders_persist-author.ndjson", Some("0"), 0, &[]),
    ("corpus/t6-settings_currency-author.ndjson", Some("0"), 0, &[]),
    ("corpus/t7-cart_discount-author-attempt1-target-closed.ndjson", Some("1"), 1, &[]),
    ("corpus/t7-cart_discount-author.ndjson", Some("1"), 1, &[]),
    ("corpus/t8-product_currency-author.ndjson", Some("0"), 0, &[]),
    // Two flows each; the first failed. Checked alone they are honest failures.
    ("loop/codebreak-green-f2cac6b7.member.ndjson", None, 1, &[]),
    ("loop/codebreak-red-58fb2dfa.member.ndjson", None, 1, &[]),
    ("loop/green-57591bff.member.ndjson", None, 1, &[]),
    ("loop/red-0944d075.member.ndjson", None, 1, &[]),
    // The verification loop's own exit (0) is not kane's: checked against it,
    // the failed first flow is reported as an exit-code contradiction.
    ("loop/green-57591bff.member.ndjson", Some("0"), 3, &["TG105"]),
    ("replay/verify-all-replay.ndjson", Some("1"), 1, &[]),
    ("smoke-run.ndjson", None, 0, &[]),
    ("spike/t3-author.ndjson", None, 0, &[]),
    ("spike/t3-replay-failed.ndjson", None, 1, &[]),
    ("spike/t3-replay-passed.ndjson", None, 0, &[]),
];

#[test]
fn every_capture_gets_the_verdict_its_steps_support() {
    let root = shared_fixtures("kane/captures");
    let mut failures = Vec::new();
    for (capture, exit, want_code, want_rules) in CASES {
        let path = root.join(capture).display().to_string();
        let mut args = vec![path.as_str()];
        if let Some(exit) = exit {
            args.extend(["--exit-code", exit]);
        }
        let run = check(&args);
        let rules = run.rules();
        if run.code != *want_code || rules != *want_rules {
            failures.push(format!(
                "{capture} (exit {exit:?}): got {} {rules:?}, want {want_code} {want_rules:?}",
                run.code
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_capture_in_the_fixtures_is_covered() {
    let root = shared_fixtures("kane/captures");
    let mut on_disk: Vec<String> = walk(&root)
        .into_iter()
        .filter(|p| p.ends_with(".ndjson"))
        .map(|p| p.strip_prefix(&format!("{}/", root.display())).unwrap_or(&p).to_owned())
        .collect();
    on_disk.sort();
    let mut covered: Vec<String> = CASES.iter().map(|(c, ..)| c.to_string()).collect();
    covered.sort();
    covered.dedup();
    assert_eq!(on_disk, covered);
}

fn walk(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path.display().to_string());
        }
    }
    out
}

#[test]
fn issue_93_line_with_exit_0_exits_3_naming_the_contradiction() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("run.ndjson");
    std::fs::write(
        &file,
        "{\"type\":\"test_md_summary\",\"overall_status\":\"passed\",\"steps\":{\"passed\":0,\"failed\":1,\"skipped\":1}}\n",
    )
    .expect("write");
    let run = check(&[file.to_str().expect("utf8"), "--exit-code", "0"]);
    assert_eq!(run.code, 3);
    assert!(run.rules().contains(&"TG101".to_owned()), "{:?}", run.rules());
    assert!(run.rules().contains(&"TG105".to_owned()), "{:?}", run.rules());
    assert!(run.stdout.contains("says overall_status = \"passed\", but its evidence says fail"), "{}", run.stdout);
    assert!(run.stdout.contains("claimed: passed"), "{}", run.stdout);
}

#[test]
fn the_whole_capture_tree_is_read_as_one_run() {
    let run = check(&[shared_fixtures("kane/captures").to_str().expect("utf8")]);
    // cover-after-bootstrap holds no test: nothing ran in that artifact. And the
    // tree mixes several runs of the same kane tests (authoring, replays, the
    // stale-build attempt): read as one run, the same steps disagree (TG305).
    assert_eq!(run.code, 3);
    assert_eq!(run.rules(), vec!["TG201".to_owned(), "TG305".to_owned()]);
    assert_eq!(run.verdict["artifacts"].as_array().map(Vec::len), Some(21));
}

/// kane writes each step's and each testrun member's `duration_s` (seconds):
/// the inventory keeps them, so the slowest steps can be shown.
#[test]
fn the_inventory_records_each_steps_and_members_duration() {
    let steps = common::inventory_of(&shared_fixtures("kane").join("captures/corpus/t2-home_cta-author.ndjson"));
    let first = steps.iter().find(|t| t.name.starts_with("step 1"));
    assert_eq!(first.and_then(|t| t.millis), Some(22_800), "{steps:?}");
    assert!(steps.iter().filter(|t| t.name.starts_with("step ")).all(|t| t.millis.is_some()), "{steps:?}");

    let members = common::inventory_of(&shared_fixtures("kane").join("captures/replay/verify-all-replay.ndjson"));
    let discount = members.iter().find(|t| t.name.ends_with("tests/cart_discount_test.md"));
    assert_eq!(discount.and_then(|t| t.millis), Some(113_000), "{members:?}");
}
