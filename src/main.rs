//! The `truegreen` binary: argument parsing and process exit codes. Everything
//! else lives in the library.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    match cli::run() {
        Ok(code) => ExitCode::from(u8::try_from(code).unwrap_or(u8::MAX)),
        Err(err) => {
            eprintln!("truegreen: error: {err:#}");
            ExitCode::from(truegreen::verdict::exit_code::USAGE as u8)
        }
    }
}
