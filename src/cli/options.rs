//! Flags shared by `check` and `run` (flattened into both), and how they resolve
//! against the configuration and the environment.

use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::{DateTime, Utc};
use clap::{Args, ValueEnum};

use truegreen::config::{self, LoadedConfig};
use truegreen::discover::SymlinkPolicy;
use truegreen::engine::{CheckRequest, InventoryRequest};
use truegreen::inventory::BaselineSource;
use truegreen::model::{EvidenceLimits, Format};
use truegreen::parse::ReadOptions;
use truegreen::rules::{Policy, Severity};
use truegreen::verdict::{RunContext, Verdict};

use super::baseline::AUTO;

use super::values::FlakyPolicyArg;

#[derive(Debug, Args)]
pub struct CheckOptions {
    /// The matrix cell and run attempt, recorded in the verdict for `truegreen gate`.
    #[command(flatten)]
    pub shard: super::shard::ShardArgs,

    /// Read every file as this format instead of detecting it from content.
    #[arg(long, value_name = "FORMAT", value_parser = format_id())]
    pub format: Option<Format>,

    /// Exit code of the command that produced the artifacts; checked against them.
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub exit_code: Option<i32>,

    /// The producing step's outcome, for `${{ steps.<id>.outcome }}` when the tests ran
    /// earlier with `continue-on-error`: `success` means exit code 0, anything else 1.
    #[arg(long, value_enum, conflicts_with = "exit_code")]
    pub outcome: Option<StepOutcome>,

    /// Reports last modified (or generated) before TIME (RFC 3339) are stale.
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub since: Option<DateTime<Utc>>,

    /// The commit under test; embedded commits must match. Default: GITHUB_SHA, else
    /// `git rev-parse HEAD`. An empty value turns the comparison off.
    #[arg(long, value_name = "SHA")]
    pub commit: Option<String>,

    /// The CI run id; embedded run ids must match. Default: GITHUB_RUN_ID. An empty
    /// value turns the comparison off.
    #[arg(long, value_name = "ID")]
    pub run_id: Option<String>,

    /// The correlation id embedded correlation ids must match (pi's CORRELATION_ID).
    #[arg(long, value_name = "ID")]
    pub correlation_id: Option<String>,

    /// A report that must exist and hold results: file, directory or glob (repeatable).
    #[arg(long = "expect", value_name = "PATTERN")]
    pub expect: Vec<String>,

    /// Reports the build may restore from an earlier run, e.g. Gradle's up-to-date or
    /// build-cache test tasks: file, directory or glob (repeatable). Older than the run,
    /// they are a warning naming the pattern instead of a discrepancy (TG301, TG304).
    #[arg(long = "accept-reused", value_name = "PATTERN")]
    pub accept_reused: Vec<String>,

    /// Configuration file. Default: .truegreen.yml in the working directory, if present.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Minimum number of executed cases, steps or gates across all artifacts [default: 1].
    #[arg(long, value_name = "N")]
    pub min_tests: Option<u64>,

    /// Longest waiver or quarantine lifetime allowed, in days [default: 30].
    #[arg(long, value_name = "DAYS")]
    pub max_waiver_days: Option<i64>,

    /// What a test that passed only on a retry does: `pass` reports it as a
    /// warning, `fail` fails the run (exit 1).
    #[arg(long, value_enum, value_name = "POLICY", default_value_t = FlakyPolicyArg::Pass)]
    pub flaky: FlakyPolicyArg,

    /// Failure messages, test names and parse errors longer than this many bytes are cut
    /// (and marked as cut).
    #[arg(long, value_name = "BYTES", default_value_t = EvidenceLimits::DEFAULT_MAX_MESSAGE_BYTES)]
    pub max_message_bytes: usize,

    /// An artifact larger than this is not read and is a discrepancy (TG006). Takes
    /// a number of bytes or a K, M, G suffix (powers of 1024).
    #[arg(long, value_name = "BYTES", default_value = "4G", value_parser = parse_byte_size)]
    pub max_file_bytes: u64,

    /// Read paths that reach outside the workspace (GITHUB_WORKSPACE, else the current
    /// directory) through a symbolic link, and walk linked directories when scanning.
    /// Without it such a path is refused (TG004).
    #[arg(long)]
    pub follow_symlinks: bool,

    /// Judge waiver expiry as of this date (YYYY-MM-DD) instead of today (UTC).
    #[arg(long, value_name = "DATE")]
    pub today: Option<chrono::NaiveDate>,

    /// The test inventory and the baseline to compare with.
    #[command(flatten)]
    pub inventory: super::baseline::InventoryArgs,

    /// The documents to write, the terminal report, and publishing.
    #[command(flatten)]
    pub output: super::publish::OutputArgs,
}

/// A GitHub Actions step outcome (`steps.<id>.outcome`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum StepOutcome {
    Success,
    Failure,
    Cancelled,
    Skipped,
}

impl StepOutcome {
    /// `success` is exit code 0; a failed, cancelled or skipped step is 1, never a pass.
    pub fn exit_code(self) -> i32 {
        match self {
            Self::Success => 0,
            Self::Failure | Self::Cancelled | Self::Skipped => 1,
        }
    }
}

/// `4096`, `64K`, `512M`, `1G`, `2GiB`: a size in bytes, suffixes in powers of 1024.
pub(crate) fn parse_byte_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (number, unit) = t.split_at(digits);
    let number: u64 = number.parse().map_err(|_| format!("expected a size such as 4096, 64M or 1G, not {s:?}"))?;
    let shift = match unit.trim().to_ascii_uppercase().as_str() {
        "" | "B" => 0,
        "K" | "KB" | "KIB" => 10,
        "M" | "MB" | "MIB" => 20,
        "G" | "GB" | "GIB" => 30,
        "T" | "TB" | "TIB" => 40,
        _ => return Err(format!("unknown size unit {unit:?} in {s:?}: use K, M, G or T")),
    };
    number.checked_mul(1u64 << shift).ok_or_else(|| format!("{s:?} is too large"))
}

fn parse_time(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("expected an RFC 3339 time such as 2026-11-20T10:00:00Z: {e}"))
}

/// The checkout the tests ran in: `GITHUB_WORKSPACE`, else the current directory.
/// Stack frames under it become annotation locations.
fn workspace() -> Option<String> {
    super::env_var("GITHUB_WORKSPACE").or_else(|| std::env::current_dir().ok().map(|d| d.display().to_string()))
}

/// A flag, else an environment variable; an empty value means "none".
fn flag_or_env(flag: Option<&str>, var: &str) -> Option<String> {
    match flag {
        Some(v) => Some(v.trim().to_owned()).filter(|v| !v.is_empty()),
        None => super::env_var(var),
    }
}

/// `git rev-parse HEAD` in the working directory, when it is a git work tree.
fn git_head() -> Option<String> {
    let out = std::process::Command::new("git")
        .args(["rev-parse", "--verify", "--quiet", "HEAD"])
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    let sha = String::from_utf8(out.stdout).ok()?.trim().to_owned();
    (out.status.success() && !sha.is_empty()).then_some(sha)
}

impl CheckOptions {
    pub fn load_config(&self) -> anyhow::Result<Option<LoadedConfig>> {
        Ok(config::resolve(self.config.as_deref())?)
    }

    /// Build the request: flags first, then the configuration, then defaults.
    pub fn request(&self, paths: Vec<String>, config: Option<LoadedConfig>) -> CheckRequest {
        let cfg = config.as_ref().map(|c| &c.config);
        let today = self.today.unwrap_or_else(|| Utc::now().date_naive());
        let mut policy = Policy::new(today);
        policy.flaky = self.flaky.into();
        policy.max_waiver_days = self.max_waiver_days.or(cfg.and_then(|c| c.max_waiver_days)).unwrap_or(30);
        policy.run = RunContext {
            exit_code: self.exit_code.or(self.outcome.map(StepOutcome::exit_code)),
            min_tests: self.min_tests.or(cfg.and_then(|c| c.min_tests)).unwrap_or(1),
            commit: match self.commit.as_deref() {
                Some(flag) => flag_or_env(Some(flag), "GITHUB_SHA"),
                None => flag_or_env(None, "GITHUB_SHA").or_else(git_head),
            },
            run_id: flag_or_env(self.run_id.as_deref(), "GITHUB_RUN_ID"),
            since: self.since,
            correlation_id: self.correlation_id.clone().filter(|c| !c.trim().is_empty()),
            config: config.as_ref().map(|c| c.path.display().to_string()),
            ..RunContext::default()
        };
        self.shard.apply(&mut policy.run);
        let limits = EvidenceLimits { max_message_bytes: self.max_message_bytes, max_file_bytes: self.max_file_bytes };
        let read = ReadOptions { limits, forced: self.format, workspace: workspace(), inventory: false };
        let mut request = CheckRequest::new(paths, read, policy);
        request.symlinks = SymlinkPolicy {
            workspace: super::env_var("GITHUB_WORKSPACE").map(PathBuf::from),
            follow: self.follow_symlinks,
        };
        request.expect = self.expect.clone();
        request.accept_reused = self.accept_reused.clone();
        let baseline_config = cfg.and_then(|c| c.baseline.as_ref());
        if baseline_config.and_then(|b| b.newly_skipped) == Some(config::NewlySkipped::Warning) {
            request.policy.newly_skipped = Severity::Warning;
        }
        let baseline =
            self.inventory.baseline.clone().or_else(|| baseline_config?.inventory.as_ref().map(PathBuf::from));
        request.inventory = InventoryRequest {
            write: self.inventory.inventory.clone(),
            // `auto` is fetched by `check`, which keeps the download alive while it reads it.
            baseline: baseline
                .filter(|path| !self.inventory.is_auto() || path != Path::new(AUTO))
                .map(|path| BaselineSource::File { path, missing_ok: self.inventory.baseline_missing_ok }),
        };
        if self.inventory.is_auto() {
            request.inventory.baseline = Some(BaselineSource::Absent {
                origin: "--baseline auto".to_owned(),
                reason: "not fetched yet".to_owned(),
                first_run: false,
            });
        }
        request.read.inventory = request.inventory.wanted();
        request.config = config;
        request
    }

    /// Write the documents, print the terminal report, publish, and return the exit code.
    pub fn report(&self, verdict: &Verdict) -> anyhow::Result<i32> {
        self.output.report(verdict, "truegreen")
    }

    /// Check, and write the run's inventory when asked (`--inventory`). With
    /// `--baseline auto` the baseline is fetched first; the download lives
    /// until the check is done.
    pub fn check(&self, request: &CheckRequest) -> anyhow::Result<Verdict> {
        let mut request = std::borrow::Cow::Borrowed(request);
        let fetched = self.inventory.is_auto().then(|| self.inventory.fetch_auto());
        if let Some((source, _download)) = &fetched {
            request.to_mut().inventory.baseline = Some(source.clone());
        }
        let checked = truegreen::engine::check_keeping_inventory(&request);
        if let (Some(path), Some(inventory)) = (&request.inventory.write, &checked.inventory) {
            inventory.write(path).with_context(|| format!("writing the test inventory {}", path.display()))?;
        }
        Ok(checked.verdict)
    }
}

/// `--format ID`: any id of the format table, listed by `--help`.
pub fn format_id() -> impl clap::builder::TypedValueParser<Value = Format> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(Format::ALL.iter().map(|f| f.id()))
        .try_map(|id: String| Format::from_id(&id).ok_or_else(|| format!("no format {id:?}")))
}
