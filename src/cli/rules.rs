use std::io::Write;

use anyhow::{Context, bail};
use clap::Args;

use truegreen::catalogue;

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// A rule code (TG101) or name (claim-false-green) to print in full.
    code: Option<String>,
}

pub fn run(args: RulesArgs) -> anyhow::Result<i32> {
    let mut out = std::io::stdout().lock();
    match args.code {
        None => {
            for m in catalogue::all() {
                writeln!(out, "{}  {:<28} {:<11}  {}", m.code, m.name, m.severity.as_str(), m.summary)
                    .context("writing to stdout")?;
            }
        }
        Some(code) => {
            let Some(m) = catalogue::lookup(&code) else {
                bail!("no rule {code:?}; `truegreen rules` lists them");
            };
            write!(out, "# {} {}\n\n{}\n\nSeverity: {}.\n\n{}", m.code, m.name, m.summary, m.severity.as_str(), m.doc)
                .context("writing to stdout")?;
        }
    }
    Ok(0)
}
