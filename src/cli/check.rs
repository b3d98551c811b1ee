use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, ValueEnum};

use truegreen::engine::{self, CheckRequest};
use truegreen::model::{EvidenceLimits, Format};
use truegreen::parse::ReadOptions;
use truegreen::render;
use truegreen::rules::{FlakyPolicy, Policy};
use truegreen::verdict::{RunContext, Verdict};

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Report files, directories (scanned recursively) or globs.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<String>,

    /// Read every file as this format instead of detecting it from content.
    #[arg(long, value_enum)]
    pub format: Option<Format>,

    /// Exit code of the command that produced the artifacts; checked against them.
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub exit_code: Option<i32>,

    /// Minimum number of executed cases, steps or gates across all artifacts.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub min_tests: u64,

    /// Longest waiver or quarantine lifetime allowed, in days.
    #[arg(long, value_name = "DAYS", default_value_t = 30)]
    pub max_waiver_days: i64,

    /// What a test that passed only on a retry does: `pass` reports it as a
    /// warning, `fail` fails the run (exit 1).
    #[arg(long, value_enum, value_name = "POLICY", default_value_t = FlakyPolicy::Pass)]
    pub flaky: FlakyPolicy,

    /// Failure messages longer than this many bytes are cut.
    #[arg(long, value_name = "BYTES", default_value_t = 4096)]
    pub max_message_bytes: usize,

    /// Judge waiver expiry as of this date (YYYY-MM-DD) instead of today (UTC).
    #[arg(long, value_name = "DATE")]
    pub today: Option<chrono::NaiveDate>,

    /// Write the verdict document (JSON, schema truegreen.verdict.v1) to FILE.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,

    /// Write the markdown report (for a job summary) to FILE.
    #[arg(long, value_name = "FILE")]
    pub markdown: Option<PathBuf>,

    /// Color the terminal report. `auto` colors a terminal unless NO_COLOR is set.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    fn enabled(self) -> bool {
        match self {
            Self::Always => true,
            Self::Never => false,
            Self::Auto => std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal(),
        }
    }
}

pub fn run(args: CheckArgs) -> anyhow::Result<i32> {
    let today = args.today.unwrap_or_else(|| chrono::Utc::now().date_naive());
    let mut policy = Policy::new(today);
    policy.min_tests = args.min_tests;
    policy.exit_code = args.exit_code;
    policy.max_waiver_days = args.max_waiver_days;
    policy.flaky = args.flaky;
    let request = CheckRequest {
        paths: args.paths,
        read: ReadOptions {
            limits: EvidenceLimits { max_message_bytes: args.max_message_bytes },
            forced: args.format,
            workspace: workspace(),
        },
        context: RunContext { exit_code: args.exit_code, min_tests: args.min_tests, ..RunContext::default() },
        policy,
    };
    let verdict = engine::check(&request);
    write_outputs(&verdict, args.json.as_deref(), args.markdown.as_deref())?;
    print!("{}", render::terminal::render(&verdict, args.color.enabled()));
    Ok(verdict.exit_code)
}

/// The checkout the tests ran in: `GITHUB_WORKSPACE` on GitHub Actions, else
/// the current directory. Stack frames under it become source locations.
fn workspace() -> Option<String> {
    std::env::var("GITHUB_WORKSPACE")
        .ok()
        .filter(|w| !w.is_empty())
        .or_else(|| std::env::current_dir().ok().map(|d| d.display().to_string()))
}

fn write_outputs(verdict: &Verdict, json: Option<&Path>, markdown: Option<&Path>) -> anyhow::Result<()> {
    if let Some(path) = json {
        std::fs::write(path, render::json::to_string(verdict))
            .with_context(|| format!("writing the verdict document to {}", path.display()))?;
    }
    if let Some(path) = markdown {
        std::fs::write(path, render::markdown::render(verdict))
            .with_context(|| format!("writing the markdown report to {}", path.display()))?;
    }
    Ok(())
}
