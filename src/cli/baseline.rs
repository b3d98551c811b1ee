//! `--baseline auto`: the GitHub Actions environment in, the baseline
//! inventory (or why there is none) out, for `check` and `gate` to compare with. And the
//! `baseline` subcommand: the artifact's name for the action's upload step
//! (computed here only, so the upload and the fetch always agree), and the
//! fetch on its own, to see what `--baseline auto` would compare with.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, Subcommand};

use truegreen::inventory::BaselineSource;
use truegreen::publish::baseline::{self, BaselineQuery, FetchClass, FetchedBaseline};
use truegreen::text::terminal_safe;

use super::inline_or_file;

/// What `--baseline auto` found.
#[derive(Debug)]
pub enum FetchOutcome {
    /// The baseline inventory, in a temporary directory that is removed when
    /// this is dropped (`_dir` is only held).
    Fetched { baseline: FetchedBaseline, _dir: tempfile::TempDir },
    /// No baseline. `class` says what that means for the verdict: a notice
    /// (no baseline yet), a warning (GitHub unavailable), or TG605 (unusable).
    Failed { class: FetchClass, message: String },
}

impl FetchOutcome {
    /// The inventory to compare with, when one was fetched.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Self::Fetched { baseline, .. } => Some(&baseline.path),
            Self::Failed { .. } => None,
        }
    }

    /// One line for the log: where the baseline comes from, or why there is none.
    pub fn message(&self) -> String {
        match self {
            // Both come from the API's answer: shown as text, never trusted to be ASCII.
            Self::Fetched { baseline, .. } => terminal_safe(&format!(
                "baseline: the inventory of {} (commit {})",
                baseline.run_url,
                baseline.head_sha.chars().take(12).collect::<String>()
            )),
            Self::Failed { message, .. } => message.clone(),
        }
    }
}

/// `--baseline auto`.
pub(super) const AUTO: &str = "auto";

/// `--baseline FILE|auto` as the source to compare with. With `auto` the
/// artifact is fetched now; the download (the returned outcome) must outlive
/// the comparison.
pub(super) fn source(
    baseline: &Path,
    missing_ok: bool,
    artifact: Option<&str>,
) -> (BaselineSource, Option<FetchOutcome>) {
    if baseline != Path::new(AUTO) {
        return (BaselineSource::File { path: baseline.to_owned(), missing_ok }, None);
    }
    let Some(artifact) = artifact else {
        let reason = "--baseline auto needs --baseline-artifact NAME".to_owned();
        return (BaselineSource::Absent { origin: "--baseline auto".to_owned(), reason, first_run: false }, None);
    };
    let outcome = fetch_auto(artifact);
    eprintln!("truegreen: {}", outcome.message());
    let origin = format!("artifact {artifact}");
    let source = match &outcome {
        FetchOutcome::Fetched { baseline, .. } => {
            BaselineSource::File { path: baseline.path.clone(), missing_ok: false }
        }
        FetchOutcome::Failed { class, message } => match class {
            // No earlier run, or GitHub cannot be asked: the verdict must not
            // depend on GitHub, so neither fails the check.
            FetchClass::NoBaseline | FetchClass::Unavailable => {
                BaselineSource::Absent { origin, reason: message.clone(), first_run: true }
            }
            FetchClass::Unusable => BaselineSource::Unusable { origin, reason: message.clone() },
        },
    };
    (source, Some(outcome))
}

/// Fetch the baseline named `artifact` for this GitHub Actions run, reading
/// `GITHUB_*`, the event payload and the token (`TRUEGREEN_GITHUB_TOKEN`, else
/// `GITHUB_TOKEN`) from the environment, into a directory under `RUNNER_TEMP`.
pub fn fetch_auto(artifact: &str) -> FetchOutcome {
    fetch_auto_from(|k| std::env::var(k).ok(), |p| std::fs::read_to_string(p).ok(), artifact)
}

fn fetch_auto_from(
    env: impl Fn(&str) -> Option<String>,
    read: impl Fn(&Path) -> Option<String>,
    artifact: &str,
) -> FetchOutcome {
    let failed = |error: baseline::BaselineFetchError| FetchOutcome::Failed {
        class: error.class(),
        message: terminal_safe(&error.to_string()),
    };
    let query = match BaselineQuery::from_lookup(&env, read, artifact) {
        Ok(query) => query,
        Err(error) => return failed(error),
    };
    let parent = env("RUNNER_TEMP").filter(|t| !t.trim().is_empty()).map_or_else(std::env::temp_dir, PathBuf::from);
    let dir = match tempfile::Builder::new().prefix("truegreen-baseline.").tempdir_in(&parent) {
        Ok(dir) => dir,
        Err(e) => {
            return FetchOutcome::Failed {
                class: FetchClass::Unavailable,
                message: terminal_safe(&format!("no directory for the baseline in {}: {e}", parent.display())),
            };
        }
    };
    match baseline::fetch(&query, dir.path()) {
        Ok(baseline) => FetchOutcome::Fetched { baseline, _dir: dir },
        Err(error) => failed(error),
    }
}

#[derive(Debug, Args)]
pub struct BaselineArgs {
    #[command(subcommand)]
    command: BaselineCommand,
}

#[derive(Debug, Subcommand)]
enum BaselineCommand {
    /// Print the name of the artifact that keeps the test inventory of this check name and
    /// matrix cell (what the action uploads, and what `--baseline auto` downloads).
    ArtifactName {
        /// The check name, as given to `check --check-name`.
        #[arg(long, value_name = "NAME", default_value = "truegreen")]
        check_name: String,
        /// The matrix cell, as `toJSON(matrix)` or @FILE; `null` or empty for none.
        #[arg(long, value_name = "JSON|@FILE")]
        shard: Option<String>,
    },
    /// Fetch the baseline inventory from the GitHub Actions API as `--baseline auto` does,
    /// from this run's GITHUB_* environment, and copy it to FILE.
    ///
    /// Exit codes: 0 fetched; 1 no baseline (a first run, an expired artifact) or GitHub
    /// unavailable; 3 the artifact is unusable (corrupt, too large, not an inventory).
    Fetch {
        /// The artifact's name (see `truegreen baseline artifact-name`).
        #[arg(long, value_name = "NAME")]
        artifact: String,
        /// Where to write the inventory.
        #[arg(long, value_name = "FILE")]
        output: PathBuf,
    },
}

pub fn run(args: BaselineArgs) -> anyhow::Result<i32> {
    match args.command {
        BaselineCommand::ArtifactName { check_name, shard } => {
            let shard = shard.as_deref().map(inline_or_file).transpose().map_err(anyhow::Error::msg)?;
            super::print_report(&format!("{}\n", baseline::artifact_name(&check_name, shard.as_deref())));
            Ok(0)
        }
        BaselineCommand::Fetch { artifact, output } => {
            let outcome = fetch_auto(&artifact);
            let Some(path) = outcome.path() else {
                eprintln!("truegreen: {}", outcome.message());
                let code = match outcome {
                    FetchOutcome::Failed { class: FetchClass::Unusable, .. } => 3,
                    _ => 1,
                };
                return Ok(code);
            };
            std::fs::copy(path, &output).with_context(|| format!("cannot write {}", output.display()))?;
            super::print_report(&format!(
                "{} -> {}\n",
                outcome.message(),
                terminal_safe(&output.display().to_string())
            ));
            Ok(0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outside_github_actions_the_outcome_is_unavailable_with_a_reason() {
        let outcome = fetch_auto_from(|_| None, |_| None, "a");
        match outcome {
            FetchOutcome::Failed { class, message } => {
                assert_eq!(class, FetchClass::Unavailable);
                assert!(message.contains("GITHUB_REPOSITORY"), "{message}");
            }
            FetchOutcome::Fetched { .. } => panic!("fetched without an environment"),
        }
    }
}
