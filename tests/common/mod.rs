//! Helpers for the integration tests: locate the shared fixtures, and run the
//! real binary in a scratch directory with no CI environment leaking in.

#![allow(dead_code)]
// each test binary uses a different subset
// Test helpers, not input paths: a broken fixture or tool should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

/// A fake GitHub REST API and GitHub's schemas, for the publishing tests.
pub mod github;
/// The hostile-names corpus and reports that carry it, for the injection tests.
pub mod hostile;
/// What "inert" means for each output (shared with the fuzz targets).
pub mod inert;
#[cfg(unix)]
pub mod launcher;

#[allow(unused_imports)] // not every test binary publishes
pub use github::*;

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

/// Variables of the environment this test process runs in (a GitHub Actions
/// job, a CI machine, a developer's shell) that change what the binary does:
/// GitHub's (workflow commands, the job summary, publishing, the commit and run
/// compared with reports), the runner's, ours, and NO_COLOR. Every command a
/// test starts drops them; a test that wants one sets it itself.
pub fn ambient_vars() -> Vec<std::ffi::OsString> {
    const PREFIXES: &[&str] = &["GITHUB_", "RUNNER_", "ACTIONS_", "TRUEGREEN_"];
    std::env::vars_os()
        .map(|(name, _)| name)
        .filter(|name| {
            let name = name.to_string_lossy();
            name == "NO_COLOR" || name == "CI" || PREFIXES.iter().any(|p| name.starts_with(p))
        })
        .collect()
}

/// The `truegreen` binary with none of [`ambient_vars`].
pub fn bin() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("truegreen").unwrap_or_else(|e| panic!("truegreen binary: {e}"));
    for name in ambient_vars() {
        cmd.env_remove(name);
    }
    cmd
}

/// [`bin`], run in `dir`, which git does not see as inside this repository (so
/// the commit comparison only sees what a test gives it).
pub fn truegreen(dir: &Path) -> assert_cmd::Command {
    let mut cmd = bin();
    cmd.current_dir(dir).env("GIT_CEILING_DIRECTORIES", dir.parent().unwrap_or(dir));
    cmd
}

/// A file in the shared fixtures beside the repository.
pub fn fixture(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures").join(relative)
}

/// Pretend a file was last written `age` ago.
pub fn age(path: &Path, age: Duration) -> std::io::Result<()> {
    let file = std::fs::File::options().write(true).open(path)?;
    file.set_modified(SystemTime::now() - age)
}

pub const HOUR: Duration = Duration::from_secs(3600);

/// The rule codes of a verdict document.
pub fn rule_codes(verdict: &serde_json::Value) -> Vec<String> {
    verdict["findings"]
        .as_array()
        .map(|f| f.iter().filter_map(|x| x["rule"].as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

/// The distinct rule codes of a document's findings (a verdict or the gate's), sorted.
pub fn distinct_rule_codes(doc: &serde_json::Value) -> Vec<String> {
    let mut codes = rule_codes(doc);
    codes.sort();
    codes.dedup();
    codes
}

/// The findings of one rule.
pub fn findings<'a>(verdict: &'a serde_json::Value, rule: &str) -> Vec<&'a serde_json::Value> {
    verdict["findings"].as_array().map(|f| f.iter().filter(|x| x["rule"] == rule).collect()).unwrap_or_default()
}

/// Read the verdict document a command wrote with `--json`.
pub fn verdict(path: &Path) -> Result<serde_json::Value, Box<dyn std::error::Error>> {
    Ok(serde_json::from_slice(&std::fs::read(path)?)?)
}

use serde_json::Value;

/// `../shared/fixtures/<sub>` beside the repository. Panics with a clear message
/// when it is missing, because the fixture tests must not pass vacuously.
pub fn shared_fixtures(sub: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures").join(sub);
    assert!(dir.is_dir(), "shared fixtures missing at {}: CI must run with shared/ beside the repo", dir.display());
    dir
}

/// The result of one `truegreen` run.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub verdict: Value,
}

impl Run {
    /// The distinct rule codes of all findings, sorted.
    pub fn rules(&self) -> Vec<String> {
        distinct_rule_codes(&self.verdict)
    }
}

/// Judge one report in process, with default options, as of 2026-11-20.
pub fn check_in_process(report: &Path) -> truegreen::verdict::Verdict {
    use truegreen::engine::{self, CheckRequest};
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default();
    engine::check(&CheckRequest::new(
        vec![report.display().to_string()],
        truegreen::parse::ReadOptions::default(),
        truegreen::rules::Policy::new(today),
    ))
}

/// Run `truegreen check ARGS --json <tmp>` and return its exit code, stdout and verdict document.
pub fn check(args: &[&str]) -> Run {
    let dir = tempfile::tempdir().expect("tempdir");
    let json = dir.path().join("verdict.json");
    let output = truegreen(dir.path())
        .arg("check")
        .args(["--color", "never", "--today", "2026-11-20", "--json"])
        .arg(&json)
        .args(args)
        .output()
        .expect("run truegreen");
    let code = output.status.code().expect("exit code");
    let verdict =
        std::fs::read_to_string(&json).ok().and_then(|s| serde_json::from_str(&s).ok()).unwrap_or(Value::Null);
    Run { code, stdout: String::from_utf8_lossy(&output.stdout).into_owned(), verdict }
}

/// Every file under `dir`, recursively, sorted. An unreadable directory
/// panics: a fixture tree skipped silently would let a detector test pass
/// vacuously.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, out);
            } else {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, &mut out);
    out
}

/// The format detection picks for the file at `path`, from the prefix the
/// reader sniffs (64 KiB), as `truegreen check` would.
pub fn detected_format(path: &Path) -> Option<truegreen::model::Format> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let prefix = &bytes[..bytes.len().min(64 * 1024)];
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    truegreen::parse::detect(&truegreen::parse::Sniff::new(prefix, prefix.len() == bytes.len(), &name))
}

/// One test line of an inventory, as the inventory's own reader reads it back.
#[derive(Clone, Debug, PartialEq)]
pub struct InventoryTest {
    pub suite: String,
    pub name: String,
    pub outcome: truegreen::model::CaseOutcome,
    pub millis: Option<u64>,
}

/// Check `report` with `--inventory` (in a scratch directory) and read the
/// inventory it wrote back with `truegreen::inventory::file::read`.
pub fn inventory_of(report: &Path) -> Vec<InventoryTest> {
    use truegreen::inventory::file::{self, Line};
    assert!(report.is_file(), "fixture missing: {}", report.display());
    let dir = tempfile::tempdir().expect("tempdir");
    let inventory = dir.path().join("run.tginv");
    let output = truegreen(dir.path()).arg("check").arg("--inventory").arg(&inventory).arg(report).output();
    let output = output.expect("run truegreen");
    let opened = std::fs::File::open(&inventory);
    let opened = opened.unwrap_or_else(|e| panic!("no inventory for {}: {e}\n{output:?}", report.display()));
    let mut tests = Vec::new();
    file::read(opened, |line| {
        if let Line::Test(t) = line {
            tests.push(InventoryTest {
                suite: t.suite.to_owned(),
                name: t.name.to_owned(),
                outcome: t.outcome,
                millis: t.millis,
            });
        }
    })
    .unwrap_or_else(|e| panic!("inventory of {}: {e}", report.display()));
    tests
}

/// The milliseconds the inventory records for the one test named `name`.
pub fn millis_of(tests: &[InventoryTest], name: &str) -> Option<u64> {
    let found: Vec<&InventoryTest> = tests.iter().filter(|t| t.name == name).collect();
    assert_eq!(found.len(), 1, "one test named {name:?} in {tests:#?}");
    found[0].millis
}
