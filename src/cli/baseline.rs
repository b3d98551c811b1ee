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

/// The test inventory flags, shared by `check`, `run` and `gate`.
#[derive(Clone, Debug, Default, Args)]
pub struct InventoryArgs {
    /// Write this run's test inventory to FILE, to be a later run's --baseline: every test read,
    /// its outcome and duration; for `gate`, the cells' inventories (`*.tginv` among its inputs,
    /// written by `check --shard`) merged, each report under its cell.
    #[arg(long, value_name = "FILE")]
    pub inventory: Option<PathBuf>,

    /// Compare with the inventory an earlier run wrote (--inventory). check: a test that ran
    /// there and is absent now is a discrepancy (TG601), and so is one that passed there and is
    /// skipped now (TG602); overrides `baseline.inventory` in the configuration. gate: a matrix
    /// cell that left the matrix with tests no cell runs now is a discrepancy (TG244). `auto`:
    /// fetch it from the last successful run of this workflow through the GitHub Actions API
    /// (the artifact --baseline-artifact names; the action's `baseline: auto`).
    #[arg(long, value_name = "FILE|auto")]
    pub baseline: Option<PathBuf>,

    /// With --baseline auto: the name of the artifact the baseline's run uploaded its
    /// inventory as (`truegreen baseline artifact-name` computes it).
    #[arg(long, value_name = "NAME", requires = "baseline")]
    pub baseline_artifact: Option<String>,

    /// A --baseline file that does not exist means a first run: a warning (TG604; TG246 for
    /// the gate), not a discrepancy.
    #[arg(long)]
    pub baseline_missing_ok: bool,
}

impl InventoryArgs {
    pub fn is_auto(&self) -> bool {
        self.baseline.as_deref() == Some(Path::new(AUTO))
    }

    /// The baseline to compare with: a path as a file, `auto` fetched now.
    /// The download (the returned outcome) must outlive the comparison.
    pub fn source(&self) -> (Option<BaselineSource>, Option<FetchOutcome>) {
        match &self.baseline {
            None => (None, None),
            Some(_) if self.is_auto() => {
                let (source, download) = self.fetch_auto();
                (Some(source), download)
            }
            Some(path) => {
                (Some(BaselineSource::File { path: path.clone(), missing_ok: self.baseline_missing_ok }), None)
            }
        }
    }

    /// `--baseline auto`: the inventory from the Actions API, or what its
    /// absence means for the verdict.
    pub fn fetch_auto(&self) -> (BaselineSource, Option<FetchOutcome>) {
        let Some(artifact) = self.baseline_artifact.as_deref() else {
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
