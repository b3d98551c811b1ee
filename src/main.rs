//! The `truegreen` binary: argument parsing and process exit codes. Everything
//! else lives in the library.

mod cli;

use std::process::ExitCode;

use truegreen::exit_code::TruegreenExitCode;

fn main() -> ExitCode {
    match cli::run() {
        Ok(code) => ExitCode::from(u8::try_from(code).unwrap_or(u8::MAX)),
        Err(err) => {
            eprintln!("truegreen: error: {err:#}");
            ExitCode::from(error_exit_code(&err) as u8)
        }
    }
}

/// An error with an I/O failure anywhere in its chain is the environment's
/// (exit 4); every other error is in the request: a flag, a value or the
/// configuration (exit 2). Clap exits 2 itself for what it rejects.
fn error_exit_code(err: &anyhow::Error) -> i32 {
    if err.chain().any(|cause| cause.is::<std::io::Error>()) {
        TruegreenExitCode::ENVIRONMENT
    } else {
        TruegreenExitCode::USAGE
    }
}
