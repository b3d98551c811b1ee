//! The process exit codes: what each means, and the one policy (`--fail-on`)
//! that may lower an honest failure's. README.md ("Exit codes"), `--help` and
//! docs/gate.md, docs/run.md and docs/action.md document the same table.

use crate::verdict::Status;

/// The exit codes truegreen uses, in the style of cargo-nextest's
/// `NextestExitCode`: named constants, never a bare number elsewhere.
pub enum TruegreenExitCode {}

impl TruegreenExitCode {
    /// Every check holds and something ran.
    pub const PASS: i32 = 0;
    /// Tests or gates failed, and the evidence is consistent.
    pub const FAIL: i32 = 1;
    /// The command line or the configuration is wrong: a flag, a value, a
    /// `.truegreen.yml` that does not validate. Running it again will not help.
    pub const USAGE: i32 = 2;
    /// A claim contradicts the evidence, or evidence is missing, unreadable,
    /// empty, or nothing ran.
    pub const DISCREPANCY: i32 = 3;
    /// The request was valid but the environment failed it: a file truegreen
    /// had to read or write (the configuration, the ledger, `--json`,
    /// `--markdown`, `--stdout-file`, a `@FILE` value) could not be, a
    /// temporary directory could not be made, or the command of `truegreen run`
    /// could not be started. No verdict was decided.
    pub const ENVIRONMENT: i32 = 4;
}

/// What fails the step (`--fail-on`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FailOn {
    /// Honest failures (exit 1) and discrepancies (exit 3) both fail the step.
    #[default]
    Failure,
    /// Only discrepancies (exit 3) fail the step; honest failures exit 0.
    Discrepancy,
}

impl FailOn {
    /// The process exit code under this policy. The verdict (and the
    /// `exit-code` output) keep the verdict's own code.
    pub fn exit_code(self, status: Status) -> i32 {
        match (self, status) {
            (Self::Discrepancy, Status::Fail) => TruegreenExitCode::PASS,
            _ => status.exit_code(),
        }
    }

    /// The check run's conclusion: `neutral` for an honest failure the policy
    /// lets through, so a required check does not block on it.
    pub fn conclusion(self, status: Status) -> &'static str {
        match (status, self) {
            (Status::Pass, _) => "success",
            (Status::Fail, Self::Discrepancy) => "neutral",
            _ => "failure",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fail_on_discrepancy_lets_honest_failures_through() {
        let (pass, fail, disc) = (Status::Pass, Status::Fail, Status::Discrepancy);
        assert_eq!([pass.exit_code(), fail.exit_code(), disc.exit_code()], [0, 1, 3]);
        assert_eq!(FailOn::Failure.exit_code(fail), 1);
        assert_eq!(FailOn::Failure.exit_code(disc), 3);
        assert_eq!(FailOn::Discrepancy.exit_code(fail), 0);
        assert_eq!(FailOn::Discrepancy.exit_code(disc), 3);
        assert_eq!(FailOn::Discrepancy.exit_code(pass), 0);
        assert_eq!(FailOn::Failure.conclusion(fail), "failure");
        assert_eq!(FailOn::Discrepancy.conclusion(fail), "neutral");
        assert_eq!(FailOn::Discrepancy.conclusion(disc), "failure");
        assert_eq!(FailOn::Failure.conclusion(pass), "success");
    }
}
