//! Publishing flags, shared by every subcommand that produces a verdict
//! (`#[command(flatten)] publish: PublishArgs`), and the one place that reads
//! the GitHub environment.

use std::io::Read;
use std::path::{Path, PathBuf};

use clap::Args;

use truegreen::publish::{self, FailOn, GitHubContext, PublishMode, PublishOptions};
use truegreen::render;
use truegreen::verdict::Verdict;

#[derive(Debug, Args)]
pub struct PublishArgs {
    /// Where the verdict goes. auto: inside GitHub Actions, a check run when the token can write one, else
    /// the job summary and workflow-command annotations; outside, nothing. check-run: a check run with
    /// every annotation plus the job summary. summary: the job summary and workflow-command annotations,
    /// no API call. off: step outputs only. Publishing never changes the verdict or the exit code.
    #[arg(long, value_enum, default_value_t = PublishMode::Auto, help_heading = "GitHub")]
    pub publish: PublishMode,

    /// The check run's name; with --shard, the matrix values are added as GitHub labels jobs.
    #[arg(long, value_name = "NAME", default_value = "truegreen", help_heading = "GitHub")]
    pub check_name: String,

    /// What fails the step. failure: honest failures (1) and discrepancies (3). discrepancy: only
    /// discrepancies (3); an honest failure exits 0 and its check run is neutral.
    #[arg(long, value_enum, default_value_t = FailOn::Failure, help_heading = "GitHub")]
    pub fail_on: FailOn,

    /// Also post a commit status with the verdict and a link to the run (needs `statuses: write`), so the
    /// result shows in the pull request's merge box whichever check suite GitHub files the check run under.
    #[arg(long, help_heading = "GitHub")]
    pub commit_status: bool,
}

impl PublishArgs {
    /// The shard comes from the verdict (`--shard`, recorded in its context), so
    /// the check run and the gate see the same matrix cell.
    pub fn options(&self, verdict: &Verdict, json: Option<&Path>, markdown: Option<&Path>) -> PublishOptions {
        PublishOptions {
            mode: self.publish,
            check_name: self.check_name.clone(),
            shard: verdict.context.shard.clone().filter(|s| !s.is_null()),
            fail_on: self.fail_on,
            commit_status: self.commit_status,
            json_path: json.map(absolute),
            markdown_path: markdown.map(absolute),
            ..PublishOptions::default()
        }
    }

    /// Print the terminal report, publish, and return the step's exit code.
    pub fn report_and_publish(
        &self,
        verdict: &Verdict,
        color: bool,
        json: Option<&Path>,
        markdown: Option<&Path>,
    ) -> i32 {
        let ctx = github_context();
        let terminal = render::terminal::render(verdict, color);
        if ctx.actions {
            // Test names and messages can hold `::command::` lines.
            super::print_report(&render::github::inert_log(&terminal, &publish::random_hex(16)));
        } else {
            super::print_report(&terminal);
        }
        let report = publish::publish(verdict, &ctx, &self.options(verdict, json, markdown));
        super::print_report(&report.log);
        self.fail_on.exit_code(verdict)
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
