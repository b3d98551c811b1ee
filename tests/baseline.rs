//! `--inventory` and `--baseline` through the binary: what vanished, what git
//! explains, and every way a baseline can be missing or unusable.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::Command;

use common::{TestResult, distinct_rule_codes, findings, truegreen, verdict};

/// A JUnit report of `suite` with these (name, state) cases, as pytest writes them.
fn junit(cases: &[(&str, &str, &str)]) -> String {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?><testsuites><testsuite name=\"pytest\"");
    let failures = cases.iter().filter(|c| c.2 == "fail").count();
    let skipped = cases.iter().filter(|c| c.2 == "skip").count();
    xml.push_str(&format!(" errors=\"0\" failures=\"{failures}\" skipped=\"{skipped}\" tests=\"{}\">", cases.len()));
    for (classname, name, state) in cases {
        xml.push_str(&format!("<testcase classname=\"{classname}\" name=\"{name}\" time=\"0.010\""));
        match *state {
            "fail" => xml.push_str("><failure message=\"assert 1 == 2\">assert 1 == 2</failure></testcase>"),
            "skip" => xml.push_str("><skipped type=\"pytest.skip\" message=\"off\">off</skipped></testcase>"),
            _ => xml.push_str(" />"),
        }
    }
    xml.push_str("</testsuite></testsuites>");
    xml
}

fn write(dir: &Path, name: &str, text: &str) -> std::io::Result<()> {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, text)
}

/// Check `report` in `dir`, with extra flags; the exit code and the verdict document.
fn check(dir: &Path, report: &str, flags: &[&str]) -> Result<(i32, serde_json::Value), Box<dyn std::error::Error>> {
    let out = truegreen(dir).arg("check").args(flags).args(["--json", "v.json", report]).output()?;
    let code = out.status.code().unwrap_or(-1);
    Ok((code, verdict(&dir.join("v.json"))?))
}

const BASE: &[(&str, &str, &str)] = &[
    ("tests.test_api", "test_login", "pass"),
    ("tests.test_api", "test_logout", "pass"),
    ("tests.test_api", "test_slow", "pass"),
    ("tests.test_db", "test_insert", "pass"),
    ("tests.test_db", "test_delete", "fail"),
];

#[test]
fn an_unchanged_run_passes_and_a_swap_of_tests_is_caught() -> TestResult {
    let dir = tempfile::tempdir()?;
    write(dir.path(), "base.xml", &junit(BASE))?;
    let (code, _) = check(dir.path(), "base.xml", &["--inventory", "base.tginv"])?;
    assert_eq!(code, 1, "the baseline has an honest failure");

    // The same tests again: the head's own verdict, nothing from the baseline.
    write(dir.path(), "same.xml", &junit(BASE))?;
    let (code, doc) = check(dir.path(), "same.xml", &["--baseline", "base.tginv"])?;
    assert_eq!(code, 1);
    assert!(!distinct_rule_codes(&doc).iter().any(|c| c.starts_with("TG6")), "{doc}");
    assert_eq!(doc["baseline"]["counts"]["still_failing"], 1);

    // Same count, one test swapped for another: a count floor cannot see it.
    let mut swapped: Vec<_> = BASE.iter().copied().filter(|c| c.1 != "test_logout").collect();
    swapped.push(("tests.test_api", "test_brand_new", "pass"));
    write(dir.path(), "swapped.xml", &junit(&swapped))?;
    let (code, doc) = check(dir.path(), "swapped.xml", &["--baseline", "base.tginv"])?;
    assert_eq!(code, 3);
    let vanished = findings(&doc, "TG601");
    assert_eq!(vanished.len(), 1, "{doc}");
    assert!(vanished[0]["message"].as_str().unwrap_or("").contains("test_logout"), "{doc}");
    assert_eq!(doc["baseline"]["counts"]["added"], 1);
    Ok(())
}

#[test]
fn a_suite_gone_and_a_test_newly_skipped_are_named_as_such() -> TestResult {
    let dir = tempfile::tempdir()?;
    write(dir.path(), "base.xml", &junit(BASE))?;
    check(dir.path(), "base.xml", &["--inventory", "base.tginv"])?;
    let head: Vec<_> = BASE
        .iter()
        .copied()
        .filter(|c| c.0 == "tests.test_api")
        .map(|c| if c.1 == "test_slow" { (c.0, c.1, "skip") } else { c })
        .collect();
    write(dir.path(), "head.xml", &junit(&head))?;
    let (code, doc) = check(dir.path(), "head.xml", &["--baseline", "base.tginv"])?;
    assert_eq!(code, 3);
    let vanished = findings(&doc, "TG601");
    assert_eq!(vanished.len(), 1, "{doc}");
    let message = vanished[0]["message"].as_str().unwrap_or("");
    assert!(message.starts_with("suite tests.test_db vanished (2 tests"), "{message}");
    let skipped = findings(&doc, "TG602");
    assert!(skipped[0]["message"].as_str().unwrap_or("").contains("test_slow"), "{doc}");

    // The configuration can make a newly skipped test a warning; vanished stays.
    write(dir.path(), ".truegreen.yml", "baseline:\n  inventory: base.tginv\n  newly-skipped: warning\n")?;
    let (code, doc) = check(dir.path(), "head.xml", &[])?;
    assert_eq!(code, 3);
    assert_eq!(findings(&doc, "TG602")[0]["severity"], "warning");
    Ok(())
}

#[test]
fn a_waiver_accounts_for_a_removed_test() -> TestResult {
    let dir = tempfile::tempdir()?;
    write(dir.path(), "base.xml", &junit(&BASE[..3]))?;
    check(dir.path(), "base.xml", &["--inventory", "base.tginv"])?;
    write(dir.path(), "head.xml", &junit(&BASE[..2]))?;
    write(
        dir.path(),
        ".truegreen.yml",
        "waivers:\n  - id: tests.test_api::test_slow\n    owner: alice\n    reason: removed, too slow\n    expires: 2099-01-01\n\
         max-waiver-days: 100000\n",
    )?;
    let (code, doc) = check(dir.path(), "head.xml", &["--baseline", "base.tginv", "--today", "2098-12-30"])?;
    let codes = distinct_rule_codes(&doc);
    assert!(!codes.contains(&"TG601".to_owned()) && codes.contains(&"TG603".to_owned()), "{codes:?}");
    assert!(!codes.contains(&"TG411".to_owned()), "the waiver is used: {codes:?}");
    assert_eq!(code, 0, "{doc}");
    Ok(())
}

fn git(dir: &Path, args: &[&str]) -> Result<String, Box<dyn std::error::Error>> {
    let out = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"])
        .args(args)
        .output()?;
    if !out.status.success() {
        return Err(format!("git {args:?}: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    Ok(String::from_utf8(out.stdout)?.trim().to_owned())
}

#[test]
fn git_explains_a_deleted_or_renamed_test_and_not_a_skipped_one() -> TestResult {
    let dir = tempfile::tempdir()?;
    let d = dir.path();
    git(d, &["init", "-q"])?;
    write(d, "tests/test_api.py", "def test_login(): pass\ndef test_logout(): pass\ndef test_slow(): pass\n")?;
    write(d, "tests/test_db.py", "def test_insert(): pass\ndef test_delete(): assert 1 == 2\n")?;
    git(d, &["add", "."])?;
    git(d, &["commit", "-qm", "base"])?;
    let base = git(d, &["rev-parse", "HEAD"])?;
    write(d, "base.xml", &junit(BASE))?;
    check(d, "base.xml", &["--inventory", "base.tginv", "--commit", &base])?;

    // test_logout renamed to test_sign_out; test_db.py deleted; test_slow kept
    // in the file but no longer run (what a skip marker or a .only does).
    write(d, "tests/test_api.py", "def test_login(): pass\ndef test_sign_out(): pass\ndef test_slow(): pass\n")?;
    std::fs::remove_file(d.join("tests/test_db.py"))?;
    git(d, &["add", "-A"])?;
    git(d, &["commit", "-qm", "head"])?;
    let head = [("tests.test_api", "test_login", "pass"), ("tests.test_api", "test_sign_out", "pass")];
    write(d, "head.xml", &junit(&head))?;
    let (code, doc) = check(d, "head.xml", &["--baseline", "base.tginv"])?;
    assert_eq!(code, 3, "test_slow vanished unexplained: {doc}");
    let vanished = findings(&doc, "TG601");
    assert_eq!(vanished.len(), 1, "{doc}");
    assert!(vanished[0]["message"].as_str().unwrap_or("").contains("test_slow"), "{doc}");
    assert_eq!(vanished[0]["source"]["file"], "tests/test_api.py", "annotated on the test's file");
    let explained: Vec<String> =
        findings(&doc, "TG603").iter().map(|f| f["message"].as_str().unwrap_or("").to_owned()).collect();
    assert!(explained.iter().any(|m| m.contains("tests/test_db.py was deleted")), "{explained:?}");
    assert!(
        explained.iter().any(|m| m.contains("test_logout renamed to test_sign_out")),
        "{explained:?} {}",
        doc["baseline"]
    );

    // Without the baseline's commit in the checkout, git explains nothing.
    let elsewhere = tempfile::tempdir()?;
    std::fs::copy(d.join("base.tginv"), elsewhere.path().join("base.tginv"))?;
    std::fs::copy(d.join("head.xml"), elsewhere.path().join("head.xml"))?;
    let (code, doc) = check(elsewhere.path(), "head.xml", &["--baseline", "base.tginv"])?;
    assert_eq!(code, 3);
    assert!(findings(&doc, "TG603").is_empty(), "{doc}");
    Ok(())
}

#[test]
fn a_baseline_missing_unreadable_foreign_or_of_another_version_never_passes_silently() -> TestResult {
    let dir = tempfile::tempdir()?;
    let d = dir.path();
    write(d, "head.xml", &junit(&BASE[..2]))?;

    let (code, doc) = check(d, "head.xml", &["--baseline", "nowhere.tginv"])?;
    assert_eq!((code, distinct_rule_codes(&doc)), (3, vec!["TG604".to_owned()]));
    let (code, doc) = check(d, "head.xml", &["--baseline", "nowhere.tginv", "--baseline-missing-ok"])?;
    assert_eq!(code, 0, "a first run");
    assert_eq!(findings(&doc, "TG604")[0]["severity"], "warning");

    for (name, bytes) in [
        ("empty.tginv", Vec::new()),
        ("text.tginv", b"T\tp\t-\tname\n".to_vec()),
        ("gzip-other.tginv", gzip(b"truegreen-inventory 99\nM\t{}\n")?),
        ("gzip-garbage.tginv", gzip(b"truegreen-inventory 1\nM\t{}\nR\tjunit\ta.xml\nX\tnope\n")?),
    ] {
        std::fs::write(d.join(name), bytes)?;
        let (code, doc) = check(d, "head.xml", &["--baseline", name])?;
        assert_eq!(code, 3, "{name}: {doc}");
        let unusable = findings(&doc, "TG605");
        assert_eq!(unusable.len(), 1, "{name}: {doc}");
        assert_eq!(unusable[0]["artifact"], name);
    }
    let (_, doc) = check(d, "head.xml", &["--baseline", "gzip-other.tginv"])?;
    assert!(findings(&doc, "TG605")[0]["message"].as_str().unwrap_or("").contains("version 99"), "{doc}");

    // A baseline cut short: the second half of a real inventory is gone.
    write(d, "base.xml", &junit(BASE))?;
    check(d, "base.xml", &["--inventory", "base.tginv"])?;
    let whole = std::fs::read(d.join("base.tginv"))?;
    std::fs::write(d.join("cut.tginv"), &whole[..whole.len() / 2])?;
    let (code, doc) = check(d, "head.xml", &["--baseline", "cut.tginv"])?;
    assert_eq!((code, findings(&doc, "TG605").len()), (3, 1), "{doc}");

    // Another tool's inventory: a TAP run compared with a JUnit baseline.
    write(d, "run.tap", "TAP version 13\n1..1\nok 1 - works\n")?;
    let (code, doc) = check(d, "run.tap", &["--baseline", "base.tginv"])?;
    assert_eq!(code, 3);
    assert!(findings(&doc, "TG605")[0]["message"].as_str().unwrap_or("").contains("another tool"), "{doc}");
    Ok(())
}

fn gzip(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes)?;
    encoder.finish()
}

#[test]
fn the_inventory_is_written_whatever_the_verdict_and_names_every_test() -> TestResult {
    let dir = tempfile::tempdir()?;
    write(dir.path(), "base.xml", &junit(BASE))?;
    let (code, doc) = check(dir.path(), "base.xml", &["--inventory", "out/base.tginv"])?;
    assert_eq!(code, 1);
    assert_eq!(doc["slowest"].as_array().map(Vec::len), Some(5), "every test took 10 ms: {doc}");
    let mut text = String::new();
    use std::io::Read;
    flate2::read::MultiGzDecoder::new(std::fs::File::open(dir.path().join("out/base.tginv"))?)
        .read_to_string(&mut text)?;
    assert!(text.starts_with("truegreen-inventory 1\n"), "{text}");
    for (_, name, _) in BASE {
        assert!(text.contains(&format!("\t10\t{name}\n")), "{name} in {text}");
    }
    assert!(text.contains("T\tf\t10\ttest_delete"), "{text}");
    Ok(())
}
