//! Real pairs of runs (`tests/fixtures/baseline-pairs/`, issue 14 item 5): the
//! same small project run by pytest, jest, go test, cargo test and bats at a base
//! commit and at a head commit. In a vanishing pair the head run's tool exits 0
//! while tests silently vanish or become skipped; comparing the head with the base's
//! inventory must exit 3 and name them. In an honest pair (a rename within a file,
//! tests added, no change) the comparison must give the head run's own verdict.
//!
//! Each pair is replayed as CI would see it: in a scratch git repository the base
//! sources are committed and `truegreen check --inventory` reads the base reports;
//! then the head sources replace them in a second commit and
//! `truegreen check --baseline` reads the head reports from the same path.

mod common;

use common::{TestResult, distinct_rule_codes, truegreen};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The problems found with one pair, one line each (empty when it behaves).
type Problems = Result<Vec<String>, Box<dyn std::error::Error>>;

const VANISHED: &str = "TG601";
const NEWLY_SKIPPED: &str = "TG602";

#[derive(Deserialize)]
struct Manifest {
    pairs: Vec<Pair>,
}

#[derive(Deserialize)]
struct Pair {
    name: String,
    kind: Kind,
    base: Side,
    head: Side,
    /// Tests the comparison must report vanished, as the report names them.
    #[serde(default)]
    vanished: Vec<String>,
    /// Tests the comparison must report newly skipped, as the report names them.
    #[serde(default)]
    newly_skipped: Vec<String>,
}

#[derive(Deserialize, PartialEq, Clone, Copy, Debug)]
#[serde(rename_all = "lowercase")]
enum Kind {
    Vanishing,
    Honest,
}

#[derive(Deserialize)]
struct Side {
    /// Paths relative to the fixture directory.
    reports: Vec<String>,
    /// The tool's own exit code (`run.rc`).
    tool_exit: i32,
    /// The exit code of `truegreen check REPORTS` on this side alone.
    verdict: i32,
    /// The directory the tool ran in: absolute paths in the reports start with it.
    ran_in: String,
}

impl Side {
    fn report_paths(&self) -> Vec<PathBuf> {
        self.reports.iter().map(|r| fixtures().join(r)).collect()
    }
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/baseline-pairs")
}

fn manifest() -> Result<Manifest, Box<dyn std::error::Error>> {
    let text = std::fs::read_to_string(fixtures().join("pairs.json"))?;
    let manifest: Manifest = serde_json::from_str(&text)?;
    assert!(!manifest.pairs.is_empty(), "pairs.json lists no pair");
    Ok(manifest)
}

/// What one `truegreen check` printed and decided.
struct Outcome {
    code: Option<i32>,
    /// stdout and stderr together: the names must be shown somewhere a person reads.
    text: String,
    rules: Vec<String>,
}

/// `truegreen check ARGS REPORTS` in `dir`, reading each report from `reports/` there.
fn check(dir: &Path, args: &[&str], reports: &[PathBuf]) -> Result<Outcome, Box<dyn std::error::Error>> {
    let json = dir.parent().unwrap_or(dir).join("verdict.json");
    let _ = std::fs::remove_file(&json);
    let output = truegreen(dir)
        .arg("check")
        .args(["--color", "never", "--json"])
        .arg(&json)
        .args(args)
        .args(reports.iter().map(|r| Path::new("reports").join(file_name(r))))
        .output()?;
    let rules = match std::fs::read(&json) {
        Ok(bytes) => distinct_rule_codes(&serde_json::from_slice(&bytes)?),
        Err(_) => Vec::new(),
    };
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    Ok(Outcome { code: output.status.code(), text, rules })
}

fn file_name(path: &Path) -> &std::ffi::OsStr {
    path.file_name().unwrap_or(path.as_os_str())
}

/// Put this side's reports at `dir/reports/<file name>`, replacing the other side's:
/// both runs write their reports to the same path, as a CI job does. The tool ran in
/// `side.ran_in`; here `dir` is the checkout, so the absolute paths the tool wrote
/// (jest's file names, pytest's skip locations) are moved to `dir`, where they would
/// point had the tool run in this checkout, as it does on a CI runner.
fn place_reports(dir: &Path, side: &Side) -> std::io::Result<Vec<PathBuf>> {
    let reports = dir.join("reports");
    if reports.exists() {
        std::fs::remove_dir_all(&reports)?;
    }
    std::fs::create_dir_all(&reports)?;
    let checkout = dir.to_str().ok_or_else(|| std::io::Error::other("scratch path is not UTF-8"))?;
    let paths = side.report_paths();
    for path in &paths {
        let text = std::fs::read_to_string(path)?;
        std::fs::write(reports.join(file_name(path)), text.replace(side.ran_in.as_str(), checkout))?;
    }
    Ok(paths)
}

fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.map_err(std::io::Error::other)?;
        let relative = entry.path().strip_prefix(from).map_err(std::io::Error::other)?;
        let target = to.join(relative);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// A scratch git repository whose work tree holds one side's sources at a time.
struct Repo {
    dir: PathBuf,
}

impl Repo {
    fn init(dir: PathBuf) -> Result<Self, Box<dyn std::error::Error>> {
        std::fs::create_dir_all(&dir)?;
        let repo = Self { dir };
        repo.git(&["init", "-q"])?;
        // The reports are the run's output, never part of a commit.
        std::fs::write(repo.dir.join(".git/info/exclude"), "/reports/\n")?;
        Ok(repo)
    }

    fn git(&self, args: &[&str]) -> Result<String, Box<dyn std::error::Error>> {
        let output = Command::new("git")
            .args(["-c", "user.name=truegreen test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false"])
            .args(args)
            .current_dir(&self.dir)
            .env("GIT_CEILING_DIRECTORIES", self.dir.parent().unwrap_or(&self.dir))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .output()?;
        if !output.status.success() {
            return Err(format!("git {args:?}: {}", String::from_utf8_lossy(&output.stderr)).into());
        }
        Ok(String::from_utf8(output.stdout)?.trim().to_owned())
    }

    /// Replace the work tree's sources with `project` and commit them; the new commit's sha.
    fn commit_sources(&self, project: &Path, message: &str) -> Result<String, Box<dyn std::error::Error>> {
        for entry in std::fs::read_dir(&self.dir)? {
            let path = entry?.path();
            if path.file_name().is_some_and(|n| n == ".git" || n == "reports") {
                continue;
            }
            if path.is_dir() { std::fs::remove_dir_all(&path)? } else { std::fs::remove_file(&path)? }
        }
        copy_tree(project, &self.dir)?;
        self.git(&["add", "-A"])?;
        self.git(&["commit", "-q", "--allow-empty", "-m", message])?;
        self.git(&["rev-parse", "HEAD"])
    }
}

/// What is wrong with one comparison's outcome for this pair, if anything.
fn judge(pair: &Pair, outcome: &Outcome, head_alone: Option<i32>) -> Vec<String> {
    let mut problems = Vec::new();
    match pair.kind {
        Kind::Vanishing => {
            if outcome.code != Some(3) {
                problems.push(format!("exit {:?}, expected 3", outcome.code));
            }
            for (names, rule) in [(&pair.vanished, VANISHED), (&pair.newly_skipped, NEWLY_SKIPPED)] {
                if !names.is_empty() && !outcome.rules.iter().any(|r| r == rule) {
                    problems.push(format!("no {rule} finding (rules: {:?})", outcome.rules));
                }
                for name in names.iter().filter(|name| !outcome.text.contains(name.as_str())) {
                    problems.push(format!("{rule} test {name:?} not named in the output"));
                }
            }
        }
        Kind::Honest => {
            if outcome.code != head_alone {
                problems.push(format!("exit {:?}, but the head run alone gives {head_alone:?}", outcome.code));
            }
            if outcome.code != Some(pair.head.verdict) {
                problems.push(format!(
                    "exit {:?}, but pairs.json records the head's verdict {}",
                    outcome.code, pair.head.verdict
                ));
            }
            for rule in [VANISHED, NEWLY_SKIPPED] {
                if outcome.rules.iter().any(|r| r == rule) {
                    problems.push(format!("a {rule} finding on an honest change"));
                }
            }
        }
    }
    if problems.is_empty() {
        return problems;
    }
    problems.push(format!("output:\n{}", outcome.text));
    problems.into_iter().map(|p| format!("{}: {p}", pair.name)).collect()
}

/// Base then head, in a git repository holding both commits.
fn compare_with_history(pair: &Pair) -> Problems {
    let scratch = tempfile::tempdir()?;
    let inventory = scratch.path().join("base.tginv");
    let inventory = inventory.to_str().ok_or("scratch path is not UTF-8")?;
    let repo = Repo::init(scratch.path().join("repo"))?;
    let source = fixtures().join(&pair.name);

    let base_sha = repo.commit_sources(&source.join("base/project"), "base")?;
    let reports = place_reports(&repo.dir, &pair.base)?;
    let base = check(&repo.dir, &["--inventory", inventory, "--commit", &base_sha], &reports)?;
    if base.code != Some(pair.base.verdict) {
        return Ok(vec![format!(
            "{}: the base run with --inventory exits {:?}, its own verdict is {}\n{}",
            pair.name, base.code, pair.base.verdict, base.text
        )]);
    }

    let head_sha = repo.commit_sources(&source.join("head/project"), "head")?;
    let reports = place_reports(&repo.dir, &pair.head)?;
    let head_alone = check(&repo.dir, &["--commit", &head_sha], &reports)?.code;
    let compared = check(&repo.dir, &["--baseline", inventory, "--commit", &head_sha], &reports)?;
    Ok(judge(pair, &compared, head_alone))
}

/// Base then head with no git repository anywhere: nothing can explain a vanished test.
fn compare_without_history(pair: &Pair) -> Problems {
    let scratch = tempfile::tempdir()?;
    let inventory = scratch.path().join("base.tginv");
    let inventory = inventory.to_str().ok_or("scratch path is not UTF-8")?;
    let dir = scratch.path().join("run");
    std::fs::create_dir_all(&dir)?;

    let reports = place_reports(&dir, &pair.base)?;
    let base = check(&dir, &["--inventory", inventory], &reports)?;
    if base.code != Some(pair.base.verdict) {
        return Ok(vec![format!(
            "{}: the base run with --inventory exits {:?}, its own verdict is {}\n{}",
            pair.name, base.code, pair.base.verdict, base.text
        )]);
    }
    let reports = place_reports(&dir, &pair.head)?;
    let compared = check(&dir, &["--baseline", inventory], &reports)?;
    Ok(judge(pair, &compared, None))
}

/// Run `compare` over the pairs of one kind and fail once, listing every pair that went wrong.
fn all_pairs(kind: Kind, compare: fn(&Pair) -> Problems) -> TestResult {
    let manifest = manifest()?;
    let pairs: Vec<&Pair> = manifest.pairs.iter().filter(|p| p.kind == kind).collect();
    assert!(!pairs.is_empty(), "pairs.json lists no {kind:?} pair");
    let mut problems = Vec::new();
    for pair in pairs {
        problems.extend(compare(pair)?);
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
    Ok(())
}

#[test]
fn vanishing_pairs_exit_3_and_name_each_test_when_git_holds_both_commits() -> TestResult {
    all_pairs(Kind::Vanishing, compare_with_history)
}

#[test]
fn vanishing_pairs_exit_3_and_name_each_test_without_git_history() -> TestResult {
    all_pairs(Kind::Vanishing, compare_without_history)
}

#[test]
fn honest_pairs_get_the_head_runs_own_verdict() -> TestResult {
    all_pairs(Kind::Honest, compare_with_history)
}

// The fixture half: these hold for the fixtures themselves, whatever the comparison does.

#[test]
fn every_pair_on_disk_is_in_the_manifest_with_both_sides_and_their_exit_codes() -> TestResult {
    let manifest = manifest()?;
    let mut listed: Vec<&str> = manifest.pairs.iter().map(|p| p.name.as_str()).collect();
    listed.sort_unstable();
    let mut on_disk = Vec::new();
    for entry in std::fs::read_dir(fixtures())? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            on_disk.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    on_disk.sort_unstable();
    assert_eq!(listed, on_disk, "pairs.json and the pair directories differ");

    for pair in &manifest.pairs {
        for (side_name, side) in [("base", &pair.base), ("head", &pair.head)] {
            let dir = fixtures().join(&pair.name).join(side_name);
            assert!(dir.join("project").is_dir(), "{}/{side_name}: no project sources", pair.name);
            let rc: i32 = std::fs::read_to_string(dir.join("run.rc"))?.trim().parse()?;
            assert_eq!(rc, side.tool_exit, "{}/{side_name}: run.rc and pairs.json differ", pair.name);
            for report in side.report_paths() {
                assert!(report.starts_with(&dir), "{}: {} is not in its side's directory", pair.name, report.display());
                assert!(std::fs::metadata(&report)?.len() > 0, "{}: empty report", report.display());
            }
        }
        match pair.kind {
            Kind::Vanishing => {
                assert_eq!(pair.head.tool_exit, 0, "{}: the head's tool must exit 0 (a silent loss)", pair.name);
                assert!(
                    !pair.vanished.is_empty() || !pair.newly_skipped.is_empty(),
                    "{}: a vanishing pair names what vanished",
                    pair.name
                );
            }
            Kind::Honest => {
                assert!(
                    pair.vanished.is_empty() && pair.newly_skipped.is_empty(),
                    "{}: honest pair names losses",
                    pair.name
                );
            }
        }
    }
    Ok(())
}

#[test]
fn each_side_alone_gets_the_verdict_the_manifest_records() -> TestResult {
    for pair in &manifest()?.pairs {
        for (side_name, side) in [("base", &pair.base), ("head", &pair.head)] {
            let scratch = tempfile::tempdir()?;
            let dir = scratch.path().join("run");
            std::fs::create_dir_all(&dir)?;
            let reports = place_reports(&dir, side)?;
            let alone = check(&dir, &[], &reports)?;
            assert_eq!(alone.code, Some(side.verdict), "{}/{side_name} alone:\n{}", pair.name, alone.text);
        }
    }
    Ok(())
}

/// The names a vanishing pair expects are the report's own: each is in the base
/// report; a vanished one is absent from the head report, a newly skipped one is
/// still there (the head report says skipped; the comparison tests check that).
#[test]
fn expected_names_are_the_reports_own() -> TestResult {
    let read_all = |side: &Side| -> std::io::Result<String> {
        side.report_paths().iter().map(std::fs::read_to_string).collect::<std::io::Result<Vec<_>>>().map(|v| v.concat())
    };
    for pair in manifest()?.pairs.iter().filter(|p| p.kind == Kind::Vanishing) {
        let (base, head) = (read_all(&pair.base)?, read_all(&pair.head)?);
        for name in &pair.vanished {
            assert!(base.contains(name.as_str()), "{}: {name:?} is not in the base report", pair.name);
            assert!(!head.contains(name.as_str()), "{}: vanished {name:?} is in the head report", pair.name);
        }
        for name in &pair.newly_skipped {
            assert!(base.contains(name.as_str()), "{}: {name:?} is not in the base report", pair.name);
            assert!(head.contains(name.as_str()), "{}: newly skipped {name:?} is not in the head report", pair.name);
        }
    }
    Ok(())
}
