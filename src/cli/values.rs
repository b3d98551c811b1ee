//! The command line's names for library settings: clap's `ValueEnum` derives
//! live here, at the edge, and convert into the library's plain enums. Each
//! variant's doc comment is its `--help` text.

use clap::ValueEnum;

use truegreen::exit_code::FailOn;
use truegreen::publish::{CommentMode, PublishMode};
use truegreen::rules::FlakyPolicy;

/// Where the verdict goes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "kebab-case")]
pub enum PublishModeArg {
    /// Inside GitHub Actions: a check run when the token can write one, else
    /// the job summary and workflow-command annotations. Outside: nothing.
    #[default]
    Auto,
    /// A check run with annotations, and the job summary; falls back to
    /// workflow-command annotations when the token cannot write checks.
    CheckRun,
    /// The job summary and workflow-command annotations; no API call.
    Summary,
    /// Nothing but step outputs.
    Off,
}

impl From<PublishModeArg> for PublishMode {
    fn from(arg: PublishModeArg) -> Self {
        match arg {
            PublishModeArg::Auto => Self::Auto,
            PublishModeArg::CheckRun => Self::CheckRun,
            PublishModeArg::Summary => Self::Summary,
            PublishModeArg::Off => Self::Off,
        }
    }
}

/// Whether to keep a comment on the pull request.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "kebab-case")]
pub enum CommentModeArg {
    /// On a pull request, when a check run is published: one comment per check
    /// name, updated in place. Not from a matrix cell (`--shard`): the gate
    /// comments for the whole matrix.
    #[default]
    Auto,
    /// No comment.
    Off,
}

impl From<CommentModeArg> for CommentMode {
    fn from(arg: CommentModeArg) -> Self {
        match arg {
            CommentModeArg::Auto => Self::Auto,
            CommentModeArg::Off => Self::Off,
        }
    }
}

/// What fails the step.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "kebab-case")]
pub enum FailOnArg {
    /// Honest failures (exit 1) and discrepancies (exit 3) both fail the step.
    #[default]
    Failure,
    /// Only discrepancies (exit 3) fail the step; honest failures exit 0.
    Discrepancy,
}

impl From<FailOnArg> for FailOn {
    fn from(arg: FailOnArg) -> Self {
        match arg {
            FailOnArg::Failure => Self::Failure,
            FailOnArg::Discrepancy => Self::Discrepancy,
        }
    }
}

/// What a flaky case (passed only on a retry) does to the verdict: `--flaky`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum FlakyPolicyArg {
    /// Reported as a warning; the run can pass.
    #[default]
    Pass,
    /// Reported as a failure: exit 1 unless something worse is found.
    Fail,
}

impl From<FlakyPolicyArg> for FlakyPolicy {
    fn from(arg: FlakyPolicyArg) -> Self {
        match arg {
            FlakyPolicyArg::Pass => Self::Pass,
            FlakyPolicyArg::Fail => Self::Fail,
        }
    }
}
