use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::Args;

use truegreen::discover;
use truegreen::ledger;
use truegreen::model::{Format, SuiteRun};
use truegreen::rules::FRESHNESS_SLACK_SECONDS;
use truegreen::runner::{self, RunError, Stdout};
use truegreen::verdict::Verdict;

use super::options::CheckOptions;

/// How a captured stdout is named in the report when the user did not keep it.
const STDOUT_LABEL: &str = "(stdout)";

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Reports the command writes: files, directories or globs, before `--`. Each is
    /// read after the command ends; one older than the run is stale.
    #[arg(value_name = "REPORT PATH")]
    pub paths: Vec<String>,

    /// Append a record of this run (suite, exit status, signal, times, reports
    /// written) to FILE, for `truegreen check --ledger FILE`. Requires --suite.
    #[arg(long, value_name = "FILE")]
    pub ledger: Option<PathBuf>,

    /// The suite's name: for the ledger, and to apply its section of the configuration.
    #[arg(long, value_name = "NAME")]
    pub suite: Option<String>,

    /// Show the command's stdout and audit it as this format (e.g. `kane` for
    /// kane-cli --agent NDJSON). Without it stdout is shown, not audited.
    #[arg(long, value_name = "FORMAT", value_parser = super::options::format_id())]
    pub stdout_format: Option<Format>,

    /// Keep the captured stdout in FILE; it is then a report of the run (and is
    /// listed in the ledger). Without --stdout-format its format is detected.
    #[arg(long, value_name = "FILE")]
    pub stdout_file: Option<PathBuf>,

    #[command(flatten)]
    pub options: CheckOptions,

    /// The command to run and its arguments, after `--`.
    #[arg(last = true, required = true, value_name = "COMMAND")]
    pub command: Vec<String>,
}

pub fn run(args: RunArgs) -> anyhow::Result<i32> {
    // Whatever truegreen cannot do, the suite still runs and its exit status
    // is kept: problems with the invocation are reported after the command.
    let mut problems: Vec<String> = Vec::new();
    if args.options.exit_code.is_some() {
        problems.push("--exit-code is set by `truegreen run` from the command's exit status".into());
    }
    if args.options.outcome.is_some() {
        problems.push(
            "--outcome is for checking tests that already ran; `truegreen run` takes the command's exit status".into(),
        );
    }
    if args.options.since.is_some() {
        problems.push("--since is set by `truegreen run` to the moment the command starts".into());
    }
    if args.ledger.is_some() && args.suite.is_none() {
        problems.push("--ledger needs --suite NAME to name the suite's record".into());
    }
    let config = args.options.load_config().unwrap_or_else(|err| {
        problems.push(format!("{err:#}"));
        None
    });
    let suite_config = args.suite.as_ref().and_then(|s| config.as_ref().and_then(|c| c.config.suites.get(s))).cloned();
    let suite_reports: Vec<String> = suite_config.as_ref().map(|s| s.reports.clone()).unwrap_or_default();
    let run_wide = if args.suite.is_none() { config.as_ref().map_or(0, |c| c.config.expect.len()) } else { 0 };
    let captures = args.stdout_format.is_some() || args.stdout_file.is_some();
    // Nothing names the reports: the ones the command writes under the
    // working directory are found after it ends.
    let find_written = args.paths.is_empty()
        && args.options.expect.is_empty()
        && suite_reports.is_empty()
        && run_wide == 0
        && !captures;

    let before = find_written.then(|| discover::Snapshot::take(std::path::Path::new(".")));

    // Held until the end: the captured stdout lives in it.
    let scratch = tempfile::tempdir().context("creating a directory for the captured stdout")?;
    let capture = match (&args.stdout_file, captures) {
        (Some(file), _) => Some(file.clone()),
        (None, true) => Some(runner::capture_path(scratch.path())),
        (None, false) => None,
    };
    let stdout = capture.clone().map_or(Stdout::Inherit, Stdout::Tee);

    let exit = match runner::run(&args.command, &stdout) {
        Ok(exit) => exit,
        Err(err) => {
            if let (RunError::Spawn { source, .. }, Some(path), Some(suite)) = (&err, &args.ledger, &args.suite) {
                // The suite did not run: record that, so the ledger check fails it.
                let now = chrono::Utc::now();
                let record = SuiteRun {
                    suite: suite.clone(),
                    argv: args.command.clone(),
                    exit_status: 127,
                    signal: None,
                    started: now,
                    ended: now,
                    reports: Vec::new(),
                    spawn_error: Some(source.to_string()),
                    position: Default::default(),
                };
                ledger::append(path, &record).with_context(|| format!("appending to the ledger {}", path.display()))?;
            }
            return Err(err.into());
        }
    };
    let seconds = (exit.ended - exit.started).num_milliseconds() as f64 / 1000.0;
    match exit.signal {
        Some(sig) => eprintln!("truegreen: the command was killed by signal {sig} after {seconds:.1} s"),
        None => eprintln!("truegreen: the command exited {} after {seconds:.1} s", exit.status),
    }

    let found = before.map(|before| reports_written(&before, args.ledger.as_deref()));
    if let (Some(path), Some(suite)) = (&args.ledger, &args.suite) {
        let mut patterns: Vec<String> = args.paths.clone();
        patterns.extend(args.options.expect.iter().cloned());
        patterns.extend(suite_reports.iter().cloned());
        if let Some(file) = &args.stdout_file {
            patterns.push(file.display().to_string());
        }
        let reports = match &found {
            Some(found) => found.clone(),
            None => written_during(&patterns, exit.started, exit.ended),
        };
        let record = SuiteRun {
            suite: suite.clone(),
            argv: args.command.clone(),
            exit_status: exit.status,
            signal: exit.signal,
            started: exit.started,
            ended: exit.ended,
            reports,
            spawn_error: None,
            position: Default::default(),
        };
        ledger::append(path, &record).with_context(|| format!("appending to the ledger {}", path.display()))?;
    }

    if !problems.is_empty() {
        let recorded = if args.ledger.is_some() { "; its run is recorded in the ledger" } else { "" };
        bail!("{} (the command ran and exited {}{recorded})", problems.join("; "), exit.status);
    }

    let paths = found.unwrap_or_else(|| args.paths.clone());
    let mut request = args.options.request(paths, config);
    request.suite = args.suite.clone();
    request.policy.run.exit_code = Some(exit.status);
    request.policy.run.since = Some(exit.started);
    if args.suite.is_some() && args.options.min_tests.is_none() {
        // The run-wide minimum is for `check` over every suite; one suite's run
        // needs one case, or none when the suite may be empty.
        request.policy.run.min_tests = if suite_config.as_ref().is_some_and(|s| s.allow_empty) { 0 } else { 1 };
    }
    match (&capture, args.stdout_format) {
        (Some(path), Some(format)) => request.read_as.push((path.clone(), format)),
        (Some(path), None) => request.paths.push(path.display().to_string()),
        (None, _) => {}
    }
    let mut verdict = args.options.check(&request)?;
    if args.stdout_file.is_none()
        && let Some(path) = &capture
    {
        relabel(&mut verdict, &path.display().to_string(), STDOUT_LABEL);
    }
    args.options.report(&verdict)
}

/// The reports the command created or modified under the working directory,
/// for a run that names none: files of a format truegreen reads that are new
/// or changed since `before`, never the ledger itself.
fn reports_written(before: &discover::Snapshot, ledger: Option<&std::path::Path>) -> Vec<String> {
    let after = discover::Snapshot::take(std::path::Path::new("."));
    let (written, truncated) = before.written(&after);
    if truncated {
        eprintln!(
            "truegreen: looked at no more than {} entries and kept no more than {} written files; name the reports before `--`",
            discover::WRITTEN_SCAN_MAX_ENTRIES,
            discover::WRITTEN_SCAN_MAX_FILES
        );
    }
    let ledger = ledger.map(|l| discover::normalize(&l.display().to_string()));
    let reports: Vec<String> = written
        .iter()
        .map(|p| discover::normalize(&p.display().to_string()))
        .filter(|p| Some(p) != ledger.as_ref())
        .filter(|p| truegreen::parse::detect_file(std::path::Path::new(p)).is_some())
        .collect();
    eprintln!(
        "truegreen: no reports named; the command wrote {}",
        if reports.is_empty() { "none under the working directory".to_owned() } else { reports.join(", ") }
    );
    reports
}

/// Files the patterns lead to whose modification time falls within the run
/// (with the freshness slack on both ends).
fn written_during(
    patterns: &[String],
    started: chrono::DateTime<chrono::Utc>,
    ended: chrono::DateTime<chrono::Utc>,
) -> Vec<String> {
    let slack = chrono::Duration::seconds(FRESHNESS_SLACK_SECONDS);
    let found = discover::discover(patterns);
    let mut written: Vec<String> = Vec::new();
    for candidate in found.candidates {
        let modified = std::fs::metadata(&candidate.path).and_then(|m| m.modified()).ok();
        let Some(modified) = modified.map(chrono::DateTime::<chrono::Utc>::from) else { continue };
        let path = candidate.path.display().to_string();
        if modified >= started - slack && modified <= ended + slack && !written.contains(&path) {
            written.push(path);
        }
    }
    written
}

/// Show a scratch file under a readable name.
fn relabel(verdict: &mut Verdict, from: &str, to: &str) {
    for artifact in &mut verdict.artifacts {
        if artifact.info.path == from {
            to.clone_into(&mut artifact.info.path);
        }
    }
    for finding in &mut verdict.findings {
        if finding.artifact.as_deref() == Some(from) {
            finding.artifact = Some(to.to_owned());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_files_modified_during_the_run_count_as_written() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let fresh = dir.path().join("fresh.results");
        std::fs::write(&fresh, "passed=1\nfailed=0\n")?;
        let now = chrono::Utc::now();
        let patterns = vec![dir.path().join("*.results").display().to_string()];
        assert_eq!(written_during(&patterns, now, now), vec![fresh.display().to_string()]);
        let later = now + chrono::Duration::seconds(10);
        assert!(written_during(&patterns, later, later).is_empty());
        assert!(written_during(&["/nonexistent/x".to_owned()], now, now).is_empty());
        Ok(())
    }
}
