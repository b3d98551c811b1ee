use std::path::PathBuf;

use anyhow::bail;
use clap::Args;

use super::options::CheckOptions;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Report files, directories (scanned recursively) or globs.
    #[arg(value_name = "PATH")]
    pub paths: Vec<String>,

    /// A suite ledger written by `truegreen run --ledger`: judge every suite it records
    /// (and the reports they wrote) and require every configured suite in it.
    #[arg(long, value_name = "FILE")]
    pub ledger: Option<PathBuf>,

    #[command(flatten)]
    pub options: CheckOptions,
}

pub fn run(args: CheckArgs) -> anyhow::Result<i32> {
    let config = args.options.load_config()?;
    let configured = config.as_ref().is_some_and(|c| !c.config.expect.is_empty() || !c.config.suites.is_empty());
    if args.paths.is_empty() && args.ledger.is_none() && args.options.expect.is_empty() && !configured {
        bail!(
            "nothing to check: give report paths, --expect PATTERN, --ledger FILE, \
             or expected reports in the configuration"
        );
    }
    let mut request = args.options.request(args.paths, config);
    request.policy.run.ledger = args.ledger.as_ref().map(|l| l.display().to_string());
    let verdict = args.options.check(&request)?;
    args.options.report(&verdict)
}
