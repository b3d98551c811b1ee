//! Publishing flags, shared by every subcommand that produces a verdict
//! (`#[command(flatten)] publish: PublishArgs`), and the one place that reads
//! the GitHub environment.

use std::io::Read;
use std::path::{Path, PathBuf};

use std::io::IsTerminal;

use anyhow::Context;
use clap::{Args, ValueEnum};

use truegreen::exit_code::FailOn;
use truegreen::publish::{self, GitHubContext, PublishOptions, Subject};

use super::values::{CommentModeArg, FailOnArg, PublishModeArg};
use truegreen::render;

/// What every judging subcommand (`check`, `run`, `gate`) writes, prints and
/// publishes once its verdict is decided.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Write the JSON document to FILE, creating its directory: the verdict (schema
    /// truegreen.verdict.v1), or for `gate` the gate document (truegreen.gate.v1).
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,

    /// Write the markdown report (for a job summary) to FILE, creating its directory.
    #[arg(long, value_name = "FILE")]
    pub markdown: Option<PathBuf>,

    /// Color the terminal report. `auto` colors a terminal unless NO_COLOR is set.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Where and how to publish on GitHub.
    #[command(flatten)]
    pub publish: PublishArgs,
}

impl OutputArgs {
    /// Write `--json` and `--markdown`, print the terminal report, publish as
    /// asked, and return the exit code (publishing never changes it).
    pub fn report<'a>(&self, subject: impl Into<Subject<'a>>, default_name: &str) -> anyhow::Result<i32> {
        let subject = subject.into();
        // Only what was asked for is rendered: a report with many failures makes
        // the JSON and markdown documents the slowest part of a check.
        if let Some(path) = &self.json {
            let document = match subject {
                Subject::Verdict(v) => render::json::to_string(v),
                Subject::Gate(g) => render::gate::json::to_string(g),
            };
            write_output(path, document).with_context(|| format!("writing the JSON document to {}", path.display()))?;
        }
        if let Some(path) = &self.markdown {
            let max = render::markdown::MAX_JOB_SUMMARY_BYTES;
            let markdown = match subject {
                Subject::Verdict(v) => render::markdown::render_bounded(v, max),
                Subject::Gate(g) => render::gate::markdown::render_bounded(g, max),
            };
            write_output(path, markdown)
                .with_context(|| format!("writing the markdown report to {}", path.display()))?;
        }
        let terminal = match subject {
            Subject::Verdict(v) => render::terminal::render(v, self.color.enabled()),
            Subject::Gate(g) => render::gate::terminal::render(g, self.color.enabled()),
        };
        Ok(self.publish.report_and_publish(
            subject,
            &terminal,
            default_name,
            self.json.as_deref(),
            self.markdown.as_deref(),
        ))
    }
}

/// Write an output file, creating its directory: a workflow names one file per
/// matrix cell (`--json verdicts/${{ matrix.os }}.json`) in a directory nothing made.
fn write_output(path: &std::path::Path, contents: String) -> std::io::Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, contents)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    pub fn enabled(self) -> bool {
        match self {
            Self::Always => true,
            Self::Never => false,
            Self::Auto => std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal(),
        }
    }
}

#[derive(Debug, Args)]
pub struct PublishArgs {
    /// Where the verdict goes. auto: inside GitHub Actions, a check run when the token can write one, else
    /// the job summary and workflow-command annotations; outside, nothing. check-run: a check run with
    /// its annotations plus the job summary. summary: the job summary and workflow-command annotations,
    /// no API call. off: step outputs only. Publishing never changes the verdict or the exit code.
    #[arg(long, value_enum, default_value_t = PublishModeArg::Auto, help_heading = "GitHub")]
    pub publish: PublishModeArg,

    /// The check run's name [default: `truegreen`, or `truegreen gate` for the gate]; with --shard,
    /// the matrix values are added as GitHub labels jobs.
    #[arg(long, value_name = "NAME", help_heading = "GitHub")]
    pub check_name: Option<String>,

    /// What fails the step. failure: honest failures (1) and discrepancies (3). discrepancy: only
    /// discrepancies (3); an honest failure exits 0 and its check run is neutral.
    #[arg(long, value_enum, default_value_t = FailOnArg::Failure, help_heading = "GitHub")]
    pub fail_on: FailOnArg,

    /// Also post a commit status with the verdict and a link to the run (needs `statuses: write`), so the
    /// result shows in the pull request's merge box whichever check suite GitHub files the check run under.
    #[arg(long, help_heading = "GitHub")]
    pub commit_status: bool,

    /// The pull request comment. auto: on a pull request, when a check run is published, keep one comment
    /// per check name, updated in place on every run (needs `pull-requests: write`); a matrix cell
    /// (--shard) leaves it to `truegreen gate`, which comments for the whole matrix. off: no comment.
    #[arg(long, value_enum, default_value_t = CommentModeArg::Auto, help_heading = "GitHub")]
    pub comment: CommentModeArg,

    /// Send at most N annotations with the check run, discrepancies first; past it, the last one says
    /// how many more there are. Every one is still in the --json document. 0 sends none.
    #[arg(long, value_name = "N", default_value_t = render::github::DEFAULT_MAX_ANNOTATIONS, help_heading = "GitHub")]
    pub max_annotations: usize,
}

impl PublishArgs {
    /// Publishing settings. The shard comes from the verdict (`--shard`,
    /// recorded in its context), so the check run and the gate see the same cell.
    pub fn options(
        &self,
        subject: Subject<'_>,
        default_name: &str,
        json: Option<&Path>,
        markdown: Option<&Path>,
    ) -> PublishOptions {
        let shard = match subject {
            Subject::Verdict(v) => v.context.shard.clone().filter(|s| !s.is_null()),
            Subject::Gate(_) => None,
        };
        PublishOptions {
            mode: self.publish.into(),
            check_name: self.check_name.clone().unwrap_or_else(|| default_name.to_owned()),
            shard,
            fail_on: self.fail_on.into(),
            commit_status: self.commit_status,
            comment: self.comment.into(),
            max_annotations: self.max_annotations,
            json_path: json.map(absolute),
            markdown_path: markdown.map(absolute),
            ..PublishOptions::default()
        }
    }

    /// Print the terminal report, publish, and return the step's exit code.
    pub fn report_and_publish<'a>(
        &self,
        subject: impl Into<Subject<'a>>,
        terminal: &str,
        default_name: &str,
        json: Option<&Path>,
        markdown: Option<&Path>,
    ) -> i32 {
        let subject = subject.into();
        let ctx = github_context();
        if ctx.actions {
            // Test names and messages can hold `::command::` lines.
            super::print_report(&render::github::inert_log(terminal, &publish::random_hex(16)));
        } else {
            super::print_report(terminal);
        }
        let report = publish::publish(subject, &ctx, &self.options(subject, default_name, json, markdown));
        super::print_report(&report.log);
        FailOn::from(self.fail_on).exit_code(subject.status())
    }
}

fn absolute(path: &Path) -> String {
    let full: PathBuf = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().map(|d| d.join(path)).unwrap_or_else(|_| path.to_path_buf())
    };
    full.display().to_string()
}

/// The GitHub run, from the environment and the event payload.
pub fn github_context() -> GitHubContext {
    GitHubContext::from_lookup(|k| std::env::var(k).ok(), read_event_payload)
        .with_cwd(std::env::current_dir().ok().as_deref())
}

/// Event payloads are small; refuse anything absurd rather than buffer it.
fn read_event_payload(path: &Path) -> Option<String> {
    const MAX: u64 = 32 * 1024 * 1024;
    let mut text = String::new();
    std::fs::File::open(path).ok()?.take(MAX).read_to_string(&mut text).ok()?;
    Some(text)
}
