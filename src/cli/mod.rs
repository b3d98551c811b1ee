//! Command-line interface. Errors here carry context for a human (anyhow);
//! the library's own errors are typed.

mod check;
mod publish;
mod rules;

use clap::{Parser, Subcommand};

/// Re-derive CI test verdicts from raw artifacts and fail on any discrepancy.
///
/// Exit codes: 0 pass, 1 honest failure, 2 usage or configuration error,
/// 3 discrepancy (a claim contradicts the evidence, or evidence is missing,
/// unreadable, empty, or nothing ran).
#[derive(Debug, Parser)]
#[command(name = "truegreen", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check test artifacts: derive the verdict from raw evidence and compare every claim.
    Check(check::CheckArgs),
    /// List the rules, or print one rule's documentation.
    Rules(rules::RulesArgs),
}

/// Parse arguments and run; returns the process exit code.
pub fn run() -> anyhow::Result<i32> {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => check::run(args),
        Command::Rules(args) => rules::run(args),
    }
}
