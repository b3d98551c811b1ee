//! Command-line interface. Errors here carry context for a human (anyhow);
//! the library's own errors are typed.

mod baseline;
mod check;
mod gate;
mod options;
mod publish;
mod rules;
mod run;
mod shard;
mod values;

use clap::{Parser, Subcommand};

/// Re-derive CI test verdicts from raw artifacts and fail on any discrepancy.
///
/// Exit codes: 0 pass, 1 honest failure, 2 usage or configuration error,
/// 3 discrepancy (a claim contradicts the evidence, or evidence is missing,
/// unreadable, empty, or nothing ran), 4 an I/O or environment error (a file
/// truegreen had to read or write could not be; no verdict was decided).
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
    /// Run a command, then check the reports it wrote against its exit status and start time.
    ///
    /// `truegreen run [OPTIONS] [REPORT PATH]... -- COMMAND [ARGS]...`: the command runs
    /// with stdin and stderr inherited; stdout is shown and, with --stdout-format,
    /// audited too; SIGINT and SIGTERM are forwarded to it. Then the reports are
    /// checked with --exit-code and --since set from the run. The exit code is
    /// check's: 0 pass, 1 failure, 2 usage error, 3 discrepancy, 4 I/O error.
    // `run` sets these two from the command it runs.
    #[command(mut_arg("exit_code", |a| a.hide(true)), mut_arg("since", |a| a.hide(true)))]
    Run(run::RunArgs),
    /// One required check for a whole matrix: require exactly one passing verdict, from this
    /// commit and run, for every matrix cell (and, with --needs, every needed job).
    ///
    /// Cells match by keys and values in any key order; values keep their JSON type (`3` and
    /// `"3"` differ). When a cell has verdicts from several run attempts, the latest attempt
    /// counts and earlier ones are superseded; two verdicts in the same attempt are a duplicate.
    ///
    /// Exit codes: 0 every expected cell passed (and every needed job succeeded); 1 a cell's
    /// tests or a needed job honestly failed; 2 usage or configuration error; 3 a discrepancy:
    /// a cell missing, duplicated, unexpected, from another commit or run, unreadable or
    /// discrepant itself, or a needed job cancelled, skipped or of unknown result; 4 an I/O
    /// or environment error.
    Gate(gate::GateArgs),
    /// List the rules, or print one rule's documentation.
    Rules(rules::RulesArgs),
    /// The baseline artifact of `--baseline auto`: its name, or a fetch to look at it.
    Baseline(baseline::BaselineArgs),
}

/// Parse arguments and run; returns the process exit code.
pub fn run() -> anyhow::Result<i32> {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => check::run(args),
        Command::Run(args) => run::run(args),
        Command::Gate(args) => gate::run(args),
        Command::Rules(args) => rules::run(args),
        Command::Baseline(args) => baseline::run(args),
    }
}

/// Print the report to stdout. A closed stdout (`truegreen check | head`) is not
/// an error: the verdict is in the exit code and in `--json`, and `print!` would
/// panic on the broken pipe.
pub(crate) fn print_report(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

/// An environment variable, treating empty as unset.
pub(crate) fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok().map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// A flag value given inline or as `@FILE`. An unreadable file is an I/O error
/// (exit 4 when it reaches `main`).
pub(crate) fn inline_or_file(value: &str) -> std::io::Result<String> {
    match value.strip_prefix('@') {
        Some(path) => {
            std::fs::read_to_string(path).map_err(|e| std::io::Error::new(e.kind(), format!("cannot read {path}: {e}")))
        }
        None => Ok(value.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_command_line_definition_is_consistent() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
