//! The whole pipeline for `truegreen check`: discover → parse → rules → verdict.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::config::{Floor, LoadedConfig};
use crate::discover::{self, DiscoveryIssue, SymlinkPolicy};
use crate::inventory::{BaselineSource, BaselineStatus, Header, Inventory, ThreadedLog};
use crate::model::{Evidence, Format, Observation};
use crate::parse::{self, ReadOptions, ReadOutcome};
use crate::rules::{self, ExpectedReport, FloorPolicy, Policy, ReusedReports, RuleContext, SuitePolicy};
use crate::verdict::{self, RunContext, Verdict};

/// Everything `check` needs, already resolved from flags, config and environment.
#[derive(Clone, Debug)]
pub struct CheckRequest {
    /// Files, directories and globs.
    pub paths: Vec<String>,
    pub read: ReadOptions,
    /// The knobs and the run's facts (`policy.run`, the one place they are kept).
    pub policy: Policy,
    /// Reports that must exist (`--expect`), beyond those the configuration names.
    pub expect: Vec<String>,
    /// The configuration: expectations, floor, waivers, replay templates.
    pub config: Option<LoadedConfig>,
    /// Under `truegreen run --suite NAME`, only that suite's expectations apply
    /// (the other suites have not run yet), and the run-wide floor does not.
    pub suite: Option<String>,
    /// Files read as a given format whatever `--format` says, e.g. the command's
    /// captured stdout under `truegreen run --stdout-format kane`.
    pub read_as: Vec<(PathBuf, Format)>,
    /// Where symbolic links may lead (`--follow-symlinks`, the workspace).
    pub symlinks: SymlinkPolicy,
    /// Reports accepted as reused from an earlier run (`--accept-reused`),
    /// beyond the configuration's `reused-reports`.
    pub accept_reused: Vec<String>,
    /// Keep this run's test inventory, and compare it with a baseline's.
    /// Cases are logged by name only when this asks for it (`read.inventory`).
    pub inventory: InventoryRequest,
}

/// What to do with the run's test inventory.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InventoryRequest {
    /// Write it here (`--inventory FILE`).
    pub write: Option<PathBuf>,
    /// Compare with this baseline (`--baseline`, or the configuration's).
    pub baseline: Option<BaselineSource>,
}

impl InventoryRequest {
    pub fn wanted(&self) -> bool {
        self.write.is_some() || self.baseline.is_some()
    }
}

/// A verdict, and the run's inventory when one was kept.
pub struct Checked {
    pub verdict: Verdict,
    pub inventory: Option<Inventory>,
}

impl CheckRequest {
    /// A request for `paths` with no expectations, ledger or configuration.
    pub fn new(paths: Vec<String>, read: ReadOptions, policy: Policy) -> Self {
        Self {
            paths,
            read,
            policy,
            expect: Vec::new(),
            config: None,
            suite: None,
            read_as: Vec::new(),
            symlinks: SymlinkPolicy::default(),
            accept_reused: Vec::new(),
            inventory: InventoryRequest::default(),
        }
    }
}

/// What was read, before judgement: useful to callers that add their own evidence.
pub struct Collected {
    pub artifacts: Vec<Evidence>,
    pub issues: Vec<DiscoveryIssue>,
    /// Files found while scanning directories that no reader recognizes.
    pub ignored: Vec<String>,
}

/// Reads each file once, however many arguments, expectations or ledger records
/// lead to it, so that a file named twice is neither counted twice nor compared
/// with itself.
struct Reader<'a> {
    options: &'a ReadOptions,
    artifacts: Vec<Evidence>,
    ignored: Vec<String>,
    /// Canonical path → index in `artifacts`, or `None` when not a report.
    seen: HashMap<PathBuf, Option<usize>>,
}

impl<'a> Reader<'a> {
    fn new(options: &'a ReadOptions) -> Self {
        Self { options, artifacts: Vec::new(), ignored: Vec::new(), seen: HashMap::new() }
    }

    /// The paths of the artifacts already read that `pattern` (a file, directory
    /// or glob) leads to. Reads nothing new.
    fn already_read(&self, pattern: &str, links: &SymlinkPolicy) -> Vec<String> {
        let found = discover::discover_with(&[pattern.to_owned()], links);
        let mut paths = Vec::new();
        for candidate in &found.candidates {
            let key = std::fs::canonicalize(&candidate.path).unwrap_or_else(|_| candidate.path.clone());
            if let Some(Some(index)) = self.seen.get(&key) {
                let path = self.path_of(*index);
                if !paths.contains(&path) {
                    paths.push(path);
                }
            }
        }
        paths
    }

    /// Read `path` unless it was read already; the artifact's index if it is a report.
    fn read(&mut self, path: &Path, explicit: bool) -> Option<usize> {
        self.read_with(path, explicit, self.options)
    }

    fn read_with(&mut self, path: &Path, explicit: bool, options: &ReadOptions) -> Option<usize> {
        let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        if let Some(known) = self.seen.get(&key) {
            return *known;
        }
        let index = match parse::read_file(path, explicit, options) {
            ReadOutcome::Report(ev) => {
                self.artifacts.push(*ev);
                Some(self.artifacts.len() - 1)
            }
            ReadOutcome::Ignored => {
                self.ignored.push(path.display().to_string());
                None
            }
        };
        self.seen.insert(key, index);
        index
    }

    fn path_of(&self, index: usize) -> String {
        self.artifacts[index].info.path.clone()
    }
}

fn collect_paths(paths: &[String], reader: &mut Reader<'_>, links: &SymlinkPolicy) -> Vec<DiscoveryIssue> {
    let found = discover::discover_with(paths, links);
    let mut reports_per_root = vec![0usize; paths.len()];
    for candidate in &found.candidates {
        if reader.read(&candidate.path, candidate.explicit).is_some() {
            reports_per_root[candidate.root] += 1;
        }
    }
    let mut issues = found.issues;
    for (root, dir) in &found.directory_roots {
        if reports_per_root[*root] == 0 {
            issues.push(DiscoveryIssue {
                path: dir.clone(),
                detail: "the directory holds no report truegreen recognizes".to_owned(),
            });
        }
    }
    issues
}

/// Judge collected evidence. A case in conflict that only a key stands for
/// (see [`name_conflicting_cases`]) stays named by its key: the artifacts may
/// not be files. [`check`] names them.
pub fn judge(collected: Collected, policy: &Policy) -> Verdict {
    judge_with(collected, None, policy, None)
}

/// [`judge`], naming cases in conflict by reading their files again with
/// `reread` when it is given.
fn judge_with(
    mut collected: Collected,
    reread: Option<&ReadOptions>,
    policy: &Policy,
    baseline: Option<BaselineStatus>,
) -> Verdict {
    let cross = rules::CrossConflicts::find(&collected.artifacts);
    name_conflicting_cases(&mut collected.artifacts, &cross, reread);
    let cx = RuleContext {
        artifacts: &collected.artifacts,
        discovery_issues: &collected.issues,
        policy,
        cross_conflicts: Some(&cross),
        baseline: baseline.as_ref(),
    };
    let findings = rules::run_all(&cx);
    let mut verdict = verdict::decide(collected.artifacts, findings, collected.ignored, policy.run.recorded());
    verdict.baseline = baseline;
    verdict
}

/// The most cases in conflict one artifact's second read looks for: each name
/// kept costs up to `--max-message-bytes`.
const NAMES_PER_ARTIFACT: usize = 1_000;

/// Name the cases that conflict (TG106 within an artifact, TG305 across two)
/// but that only an 8-byte key stands for: a reader keeps no name for a case
/// that passed or was skipped. Each artifact holding such a case is read a
/// second time for those names alone, if its bytes are still those judged
/// (same sha256). The findings are the same whether or not a name is found;
/// a name not found shows as the key with the reason.
fn name_conflicting_cases(artifacts: &mut [Evidence], cross: &rules::CrossConflicts, reread: Option<&ReadOptions>) {
    let mut wanted: Vec<Vec<u64>> = artifacts.iter().map(|ev| ev.unnamed_duplicates().collect()).collect();
    for (index, identity) in cross.unnamed(artifacts) {
        wanted[index].push(identity);
    }
    for (ev, mut wanted) in artifacts.iter_mut().zip(wanted) {
        if wanted.is_empty() {
            continue;
        }
        wanted.sort_unstable();
        wanted.dedup();
        let dropped = wanted.len().saturating_sub(NAMES_PER_ARTIFACT);
        wanted.truncate(NAMES_PER_ARTIFACT);
        let (names, mut note) = match reread {
            Some(options) => match parse::read_names(&ev.info, options, wanted) {
                Ok(names) => (names, None),
                Err(why) => (Vec::new(), Some(format!("name not found: {why}"))),
            },
            None => (Vec::new(), Some("name not kept".to_owned())),
        };
        if dropped > 0 && note.is_none() {
            note = Some(format!("name not looked up: only {NAMES_PER_ARTIFACT} names are read again per report"));
        }
        ev.set_case_names(names, note);
    }
}

/// Run `check` end to end.
pub fn check(request: &CheckRequest) -> Verdict {
    check_keeping_inventory(request).verdict
}

/// Run `check` end to end, and hand back the run's inventory when the
/// request keeps one (`--inventory`, `--baseline`), for the caller to write.
pub fn check_keeping_inventory(request: &CheckRequest) -> Checked {
    let mut policy = request.policy.clone();
    let mut reader = Reader::new(&request.read);
    let mut issues = collect_paths(&request.paths, &mut reader, &request.symlinks);
    for (path, format) in &request.read_as {
        let options = ReadOptions { forced: Some(*format), ..request.read.clone() };
        reader.read_with(path, true, &options);
    }

    if let Some(ledger) = &request.policy.run.ledger {
        read_ledger(Path::new(ledger), &mut reader, &mut issues, &request.symlinks);
    }

    let config = request.config.as_ref().map(|c| &c.config);
    let in_scope = |name: &str| request.suite.as_deref().is_none_or(|s| s == name);

    // Expectations: --expect, the configuration's run-wide `expect` (not under
    // `run --suite`, where only that suite has run), and each suite's reports.
    let mut expected: Vec<(String, String, Option<String>)> =
        request.expect.iter().map(|p| (p.clone(), "--expect".to_owned(), None)).collect();
    if let Some(config) = config {
        if request.suite.is_none() {
            expected.extend(config.expect.iter().map(|p| (p.clone(), "expect in the configuration".to_owned(), None)));
        }
        for (name, suite) in config.suites.iter().filter(|(name, _)| in_scope(name)) {
            let origin = format!("reports of suite {name:?}");
            expected.extend(suite.reports.iter().map(|p| (p.clone(), origin.clone(), Some(name.clone()))));
        }
    }
    let mut suite_matches: HashMap<String, Vec<String>> = HashMap::new();
    for (pattern, origin, suite) in expected {
        let found = discover::discover_with(std::slice::from_ref(&pattern), &request.symlinks);
        let mut matched = Vec::new();
        for candidate in &found.candidates {
            if let Some(index) = reader.read(&candidate.path, candidate.explicit) {
                let path = reader.path_of(index);
                if !matched.contains(&path) {
                    matched.push(path);
                }
            }
        }
        if let Some(suite) = suite {
            suite_matches.entry(suite).or_default().extend(matched.iter().cloned());
        }
        policy.run.expected.push(ExpectedReport { pattern, origin, matched });
    }

    if let Some(loaded) = &request.config {
        let config = &loaded.config;
        for (name, suite) in config.suites.iter().filter(|(name, _)| in_scope(name)) {
            let reports = if request.policy.run.ledger.is_some() {
                ledger_reports_of(&reader.artifacts, name)
            } else {
                suite_matches.remove(name).unwrap_or_default()
            };
            if suite.allow_empty {
                policy.run.empty_allowed.extend(reports.iter().cloned());
            }
            policy.run.suites.push(SuitePolicy {
                name: name.clone(),
                min_tests: suite.min_tests,
                allow_empty: suite.allow_empty,
                reports,
            });
        }
        if request.suite.is_none() {
            policy.run.floor = config.floor.as_ref().map(resolve_floor);
        }
        apply_config(loaded, &mut reader.artifacts, policy.today);
        reader.artifacts.push(loaded.evidence(policy.today, request.read.limits));
    }

    // Reused reports: only those read already (acceptance never adds a report).
    let configured_reuse = config.map(|c| c.reused_reports.as_slice()).unwrap_or_default();
    let declared_reuse = request
        .accept_reused
        .iter()
        .map(|pattern| (pattern.clone(), "--accept-reused", None))
        .chain(configured_reuse.iter().map(|r| (r.pattern.clone(), "reused-reports", Some(r.reason.clone()))));
    for (pattern, origin, reason) in declared_reuse {
        let matched = reader.already_read(&pattern, &request.symlinks);
        policy.run.reused.push(ReusedReports { pattern, origin: origin.to_owned(), reason, matched });
    }

    let mut inventory = request.read.inventory.then(|| take_inventory(&mut reader.artifacts, &policy.run));
    let baseline = match (&mut inventory, &request.inventory.baseline) {
        (Some(inventory), Some(source)) => Some(compare_with_baseline(inventory, source, request, &policy)),
        _ => None,
    };
    let collected = Collected { artifacts: reader.artifacts, issues, ignored: reader.ignored };
    let mut verdict = judge_with(collected, Some(&request.read), &policy, baseline);
    if let Some(inventory) = &inventory {
        verdict.slowest = inventory.slowest();
    }
    Checked { verdict, inventory }
}

/// Gather every artifact's case log into the run's inventory.
fn take_inventory(artifacts: &mut [Evidence], run: &RunContext) -> Inventory {
    let header = Header {
        truegreen: env!("CARGO_PKG_VERSION").to_owned(),
        commit: run.commit.clone(),
        run_id: run.run_id.clone(),
        created: Some(chrono::Utc::now()),
        cell: run.shard.clone(),
        matrix: false,
    };
    let mut inventory = Inventory::new(header);
    for ev in artifacts {
        let (Some(log), Some(format)) = (ev.take_case_log(), ev.format()) else { continue };
        match log.into_any().downcast::<ThreadedLog>() {
            Ok(log) => match log.finish() {
                Ok(finished) => inventory.add(format, finished),
                Err(reason) => inventory.lost(&ev.info.path, &reason),
            },
            Err(_) => inventory.lost(&ev.info.path, "its log is of another kind"),
        }
    }
    inventory
}

/// Compare with the baseline: waivers account for a vanished test, and so
/// does git, when it shows the test removed from its source between the
/// baseline's commit and this one.
fn compare_with_baseline(
    inventory: &mut Inventory,
    source: &BaselineSource,
    request: &CheckRequest,
    policy: &Policy,
) -> BaselineStatus {
    let today = policy.today;
    let config = request.config.as_ref().map(|c| &c.config);
    let waiver = |suite: &str, name: &str| {
        let suite = Some(suite).filter(|s| !s.is_empty());
        config.and_then(|c| c.waiver_for_test(suite, name, today))
    };
    let mut status = inventory.compare(source, &waiver);
    if let BaselineStatus::Compared(comparison) = &mut status
        && comparison.counts.vanished > 0
    {
        let here = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        let git = crate::inventory::explain::Git::diff(
            &here,
            comparison.header.commit.as_deref(),
            policy.run.commit.as_deref(),
        );
        crate::inventory::explain::explain(comparison, &git);
    }
    status
}

/// Read the ledger, then every report its records list. A record's report paths
/// are rewritten to the path the artifact was read under, so rules can find it.
fn read_ledger(ledger: &Path, reader: &mut Reader<'_>, issues: &mut Vec<DiscoveryIssue>, links: &SymlinkPolicy) {
    if !ledger.is_file() {
        issues.push(DiscoveryIssue {
            path: ledger.display().to_string(),
            detail: "the ledger does not exist: no suite was recorded".to_owned(),
        });
        return;
    }
    let options = ReadOptions { forced: Some(Format::TruegreenLedger), ..reader.options.clone() };
    let Some(index) = reader.read_with(ledger, true, &options) else { return };
    let listed: Vec<(String, String)> = reader.artifacts[index]
        .observations
        .iter()
        .filter_map(|o| if let Observation::SuiteRun(run) = o { Some(run) } else { None })
        .flat_map(|run| run.reports.iter().map(|r| (run.suite.clone(), r.clone())))
        .collect();
    let mut renamed: HashMap<String, String> = HashMap::new();
    for (suite, report) in listed {
        if renamed.contains_key(&report) {
            continue;
        }
        // The ledger reader already resolved the path against the ledger's directory.
        let path = Path::new(&report);
        // The ledger is an artifact too: the paths it lists get the same scrutiny.
        if let Some(issue) = discover::symlink_escape(path, links) {
            issues.push(issue);
            continue;
        }
        if !path.is_file() {
            issues.push(DiscoveryIssue {
                path: path.display().to_string(),
                detail: format!("listed in the ledger as written by suite {suite:?}, and gone"),
            });
            continue;
        }
        if let Some(read) = reader.read(path, true) {
            renamed.insert(report, reader.path_of(read));
        }
    }
    for obs in &mut reader.artifacts[index].observations {
        if let Observation::SuiteRun(run) = obs {
            for report in &mut run.reports {
                if let Some(path) = renamed.get(report.as_str()) {
                    report.clone_from(path);
                }
            }
        }
    }
}

/// The reports the ledger records for `suite`, over all its runs.
fn ledger_reports_of(artifacts: &[Evidence], suite: &str) -> Vec<String> {
    let mut reports: Vec<String> = Vec::new();
    for ev in artifacts.iter().filter(|ev| ev.format() == Some(Format::TruegreenLedger)) {
        for obs in &ev.observations {
            if let Observation::SuiteRun(run) = obs
                && run.suite == suite
            {
                for r in &run.reports {
                    if !reports.contains(r) {
                        reports.push(r.clone());
                    }
                }
            }
        }
    }
    reports
}

/// Replay templates and active waivers, applied to every failure read.
fn apply_config(loaded: &LoadedConfig, artifacts: &mut [Evidence], today: chrono::NaiveDate) {
    for ev in artifacts {
        let (format, path) = (ev.format(), ev.info.path.clone());
        for failure in &mut ev.failures {
            if let Some(format) = format
                && let Some(command) = loaded.config.replay_for(format, failure, &path)
            {
                failure.replay = Some(command);
            }
            if failure.outcome.is_failure() {
                failure.waived = loaded.config.waiver_for(failure, today);
            }
        }
    }
}

/// The floor as a number of executed cases, reading the baseline when it has one.
fn resolve_floor(floor: &Floor) -> FloorPolicy {
    match floor {
        Floor::Count(n) => FloorPolicy::Minimum { executed: *n, basis: format!("floor: {n}") },
        Floor::Baseline(b) => {
            let basis = format!("{}% of the cases executed in {}", b.percent, b.baseline);
            match baseline_executed(Path::new(&b.baseline)) {
                Ok(executed) => {
                    // Rounded up: 90% of 15 cases is 14, not 13.
                    let required = (executed as f64 * b.percent / 100.0).ceil() as u64;
                    FloorPolicy::Minimum { executed: required, basis: format!("{basis}, {executed}") }
                }
                Err(error) => FloorPolicy::Unverifiable { basis, error: error.to_string() },
            }
        }
    }
}

/// Why a floor's baseline gives no count.
#[derive(Debug, thiserror::Error)]
enum BaselineError {
    #[error("cannot open {}: {source}", path.display())]
    Open { path: PathBuf, source: std::io::Error },
    #[error("{} is not JSON: {source}", path.display())]
    NotJson { path: PathBuf, source: serde_json::Error },
    #[error("{} is not a truegreen verdict document ({})", path.display(), verdict::SCHEMA)]
    NotAVerdict { path: PathBuf },
    #[error("{} has no totals.executed count", path.display())]
    NoExecutedCount { path: PathBuf },
}

/// `totals.executed` of a verdict document.
fn baseline_executed(path: &Path) -> Result<u64, BaselineError> {
    let file = std::fs::File::open(path).map_err(|source| BaselineError::Open { path: path.to_owned(), source })?;
    let doc: serde_json::Value = serde_json::from_reader(std::io::BufReader::new(file))
        .map_err(|source| BaselineError::NotJson { path: path.to_owned(), source })?;
    if doc.get("schema").and_then(|s| s.as_str()) != Some(verdict::SCHEMA) {
        return Err(BaselineError::NotAVerdict { path: path.to_owned() });
    }
    doc.pointer("/totals/executed")
        .and_then(serde_json::Value::as_u64)
        .ok_or_else(|| BaselineError::NoExecutedCount { path: path.to_owned() })
}

/// Check one artifact held in memory, named `name` in findings. Used by
/// property tests and fuzz targets, and by callers that capture a stream.
pub fn check_bytes(name: &str, bytes: &[u8], read: &parse::ReadOptions, policy: &Policy) -> Verdict {
    let info = crate::model::ArtifactInfo {
        path: name.to_owned(),
        format: None,
        sha256: None,
        size: bytes.len() as u64,
        modified: None,
    };
    let artifacts = match parse::read_stream(bytes, info, true, read) {
        ReadOutcome::Report(ev) => vec![*ev],
        ReadOutcome::Ignored => Vec::new(),
    };
    judge(Collected { artifacts, issues: Vec::new(), ignored: Vec::new() }, policy)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Observation, case_identity};

    /// A CTRF report in which one test passed and was skipped: the name of
    /// that conflict is not in any failure record.
    const REPORT: &str = r#"{"results": {"tool": {"name": "pytest"},
        "summary": {"tests": 2, "passed": 1, "failed": 0, "skipped": 1, "pending": 0, "other": 0},
        "tests": [{"name": "test_pass", "status": "passed", "duration": 1},
                  {"name": "test_pass", "status": "skipped", "duration": 0}]}}"#;

    fn duplicate_names(ev: &Evidence) -> Vec<String> {
        ev.observations
            .iter()
            .filter_map(|o| match o {
                Observation::ConflictingDuplicate { name, .. } => Some(name.clone()),
                _ => None,
            })
            .collect()
    }

    fn read(path: &Path) -> Vec<Evidence> {
        let options = ReadOptions::default();
        let mut reader = Reader::new(&options);
        collect_paths(&[path.display().to_string()], &mut reader, &SymlinkPolicy::default());
        reader.artifacts
    }

    #[test]
    fn a_conflict_known_by_its_key_is_named_by_reading_the_report_again() -> Result<(), std::io::Error> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("ctrf.json");
        std::fs::write(&path, REPORT)?;
        let mut artifacts = read(&path);
        let key = format!("case #{:x}", case_identity(None, "test_pass"));
        assert_eq!(duplicate_names(&artifacts[0]), [key]);
        name_conflicting_cases(&mut artifacts, &rules::CrossConflicts::default(), Some(&ReadOptions::default()));
        assert_eq!(duplicate_names(&artifacts[0]), ["test_pass"]);
        Ok(())
    }

    #[test]
    fn a_report_changed_or_gone_keeps_the_key_and_says_why() -> Result<(), std::io::Error> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("ctrf.json");
        std::fs::write(&path, REPORT)?;
        let key = format!("case #{:x}", case_identity(None, "test_pass"));
        let none = rules::CrossConflicts::default();

        let mut artifacts = read(&path);
        std::fs::write(&path, REPORT.replace("test_pass", "test_other"))?;
        name_conflicting_cases(&mut artifacts, &none, Some(&ReadOptions::default()));
        assert_eq!(
            duplicate_names(&artifacts[0]),
            [format!("{key} (name not found: the report changed after it was read)")]
        );

        std::fs::write(&path, REPORT)?;
        let mut artifacts = read(&path);
        std::fs::remove_file(&path)?;
        name_conflicting_cases(&mut artifacts, &none, Some(&ReadOptions::default()));
        let names = duplicate_names(&artifacts[0]);
        assert!(
            names[0].starts_with(&format!("{key} (name not found: the report cannot be read again: ")),
            "{names:?}"
        );

        // Without a file to read again (`judge`), the key stays, and says so.
        std::fs::write(&path, REPORT)?;
        let mut artifacts = read(&path);
        name_conflicting_cases(&mut artifacts, &none, None);
        assert_eq!(duplicate_names(&artifacts[0]), [format!("{key} (name not kept)")]);
        Ok(())
    }
}
