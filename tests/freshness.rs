//! Provenance embedded in artifacts against the run: commit, run id, timestamps.

mod common;

use common::{TestResult, findings, rule_codes, truegreen, verdict};

const HEAD: &str = "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432";

fn check(
    dir: &std::path::Path,
    env: &[(&str, &str)],
    args: &[&str],
) -> Result<(Option<i32>, serde_json::Value), Box<dyn std::error::Error>> {
    let json = dir.join("verdict.json");
    let mut cmd = truegreen(dir);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.arg("check").args(args).arg("--json").arg(&json).output()?;
    Ok((out.status.code(), verdict(&json)?))
}

#[test]
fn an_artifact_from_another_commit_is_stale() -> TestResult {
    let dir = tempfile::tempdir()?;
    std::fs::write(dir.path().join("vm.results"), "commit=1a2b3c4\npassed=3\nfailed=0\n")?;
    let (code, doc) = check(dir.path(), &[("GITHUB_SHA", HEAD)], &["vm.results"])?;
    assert_eq!(code, Some(3));
    let mismatch = findings(&doc, "TG302");
    assert_eq!(
        mismatch[0]["message"],
        format!("commit is 1a2b3c4, but the commit under test is {HEAD}: the artifact is stale")
    );
    // A short SHA of the right commit matches; --commit outranks GITHUB_SHA.
    std::fs::write(dir.path().join("vm.results"), "commit=9F8E7D6\npassed=3\nfailed=0\n")?;
    assert_eq!(check(dir.path(), &[("GITHUB_SHA", HEAD)], &["vm.results"])?.0, Some(0));
    let (code, _) = check(dir.path(), &[("GITHUB_SHA", HEAD)], &["--commit", "1a2b3c4d", "vm.results"])?;
    assert_eq!(code, Some(3));
    Ok(())
}

#[test]
fn the_commit_defaults_to_git_head_in_a_work_tree() -> TestResult {
    let dir = tempfile::tempdir()?;
    let git = |args: &[&str]| std::process::Command::new("git").args(args).current_dir(dir.path()).output();
    let init = git(&["init", "-q"])?;
    assert!(init.status.success());
    std::fs::write(dir.path().join("vm.results"), "commit=1a2b3c4\npassed=3\nfailed=0\n")?;
    let commit =
        git(&["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "--allow-empty", "-m", "x"])?;
    assert!(commit.status.success(), "{}", String::from_utf8_lossy(&commit.stderr));
    let head = String::from_utf8(git(&["rev-parse", "HEAD"])?.stdout)?.trim().to_owned();
    let (code, doc) = check(dir.path(), &[], &["vm.results"])?;
    assert_eq!(doc["context"]["commit"], head.as_str());
    assert_eq!(code, Some(3), "{:?}", rule_codes(&doc));
    assert_eq!(rule_codes(&doc), vec!["TG302"]);
    Ok(())
}

#[test]
fn run_ids_and_correlation_ids_of_another_run_are_stale() -> TestResult {
    let dir = tempfile::tempdir()?;
    std::fs::write(
        dir.path().join("vm.results"),
        "run_id=41\ncorrelation_id=20260206T184406Z-s0\npassed=3\nfailed=0\n",
    )?;
    let (code, doc) = check(dir.path(), &[("GITHUB_RUN_ID", "42")], &["vm.results"])?;
    assert_eq!(code, Some(3));
    assert_eq!(rule_codes(&doc), vec!["TG303"]);
    let (code, doc) =
        check(dir.path(), &[("GITHUB_RUN_ID", "41")], &["--correlation-id", "20260207T090000Z-s0", "vm.results"])?;
    assert_eq!(code, Some(3));
    assert!(findings(&doc, "TG303")[0]["message"].as_str().unwrap_or_default().starts_with("correlation_id is"));
    assert_eq!(check(dir.path(), &[("GITHUB_RUN_ID", "41")], &["vm.results"])?.0, Some(0));
    Ok(())
}

#[test]
fn an_embedded_timestamp_older_than_since_is_stale() -> TestResult {
    let dir = tempfile::tempdir()?;
    // Copied into place just now (fresh mtime), generated yesterday.
    let yesterday = (chrono::Utc::now() - chrono::Duration::days(1)).format("%Y%m%dT%H%M%SZ").to_string();
    std::fs::write(dir.path().join("vm.results"), format!("timestamp={yesterday}\npassed=3\nfailed=0\n"))?;
    let since = (chrono::Utc::now() - chrono::Duration::minutes(1)).to_rfc3339();
    let (code, doc) = check(dir.path(), &[], &["--since", &since, "vm.results"])?;
    assert_eq!(code, Some(3));
    assert_eq!(rule_codes(&doc), vec!["TG304"]);
    Ok(())
}

#[test]
fn artifacts_that_disagree_on_the_commit_are_reported_without_a_reference() -> TestResult {
    let dir = tempfile::tempdir()?;
    std::fs::write(dir.path().join("a.results"), "commit=1a2b3c4\npassed=1\nfailed=0\n")?;
    std::fs::write(dir.path().join("b.results"), "commit=9f8e7d6\npassed=1\nfailed=0\n")?;
    let (code, doc) = check(dir.path(), &[], &["a.results", "b.results"])?;
    assert_eq!(code, Some(3));
    assert_eq!(rule_codes(&doc), vec!["TG306"]);
    assert!(doc["context"]["commit"].is_null(), "no git work tree, no GITHUB_SHA");
    // An empty --commit turns the comparison with a reference off, not this one.
    let (code, _) = check(dir.path(), &[("GITHUB_SHA", HEAD)], &["--commit", "", "a.results", "b.results"])?;
    assert_eq!(code, Some(3));
    Ok(())
}

#[test]
fn reports_accepted_as_reused_are_warnings_and_the_default_stays_strict() -> TestResult {
    // A real passing GoogleTest report where Gradle's build cache would leave one:
    // written two hours before the run, and generated (its timestamp) before it
    // too, which TG304 judges where the JUnit reader records it.
    let dir = tempfile::tempdir()?;
    let results = dir.path().join("build/test-results/test");
    std::fs::create_dir_all(&results)?;
    let report = results.join("TEST-pass.xml");
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/junit/googletest/pass.xml");
    std::fs::copy(fixture, &report)?;
    common::age(&report, 2 * common::HOUR)?;
    let since = (chrono::Utc::now() - chrono::Duration::minutes(1)).to_rfc3339();
    let severities = |doc: &serde_json::Value| -> Vec<(String, String)> {
        let mut found: Vec<(String, String)> = ["TG301", "TG304"]
            .iter()
            .flat_map(|rule| findings(doc, rule))
            .map(|f| (f["rule"].as_str().unwrap_or("").to_owned(), f["severity"].as_str().unwrap_or("").to_owned()))
            .collect();
        found.sort();
        found
    };
    let base = ["--commit", "", "--since", since.as_str(), "build/test-results"];

    let (code, doc) = check(dir.path(), &[], &base)?;
    assert_eq!(code, Some(3));
    let stale = severities(&doc);
    assert_eq!(stale[0], ("TG301".into(), "discrepancy".into()));
    assert!(stale.iter().all(|(_, severity)| severity == "discrepancy"), "{stale:?}");

    let flag = [&base[..], &["--accept-reused", "build/test-results/**/*.xml"]].concat();
    let (code, doc) = check(dir.path(), &[], &flag)?;
    assert_eq!(code, Some(0), "{doc:#}");
    let accepted = severities(&doc);
    assert_eq!(accepted.len(), stale.len());
    assert!(accepted.iter().all(|(_, severity)| severity == "warning"), "{accepted:?}");
    let message = findings(&doc, "TG301")[0]["message"].as_str().unwrap_or_default().to_owned();
    assert!(
        message
            .ends_with(r#": older than the run, accepted as reused by --accept-reused "build/test-results/**/*.xml""#),
        "{message}"
    );

    // The same from the configuration, with its reason; a pattern matching
    // another directory accepts nothing.
    std::fs::write(
        dir.path().join(".truegreen.yml"),
        "reused-reports:\n  - pattern: \"build/test-results/**/*.xml\"\n    reason: Gradle build cache\n",
    )?;
    let (code, doc) = check(dir.path(), &[], &base)?;
    assert_eq!(code, Some(0), "{doc:#}");
    let message = findings(&doc, "TG301")[0]["message"].as_str().unwrap_or_default().to_owned();
    assert!(message.ends_with(r#"reused-reports "build/test-results/**/*.xml" (Gradle build cache)"#), "{message}");
    std::fs::write(
        dir.path().join(".truegreen.yml"),
        "reused-reports:\n  - pattern: \"build/other/**/*.xml\"\n    reason: Gradle build cache\n",
    )?;
    assert_eq!(check(dir.path(), &[], &base)?.0, Some(3));
    Ok(())
}
