//! `check` flags that mark a verdict as one matrix shard of one run, for
//! `truegreen gate`. Kept in their own flattened group so they merge cleanly
//! with other `check` flags.

use clap::Args;
use serde_json::{Map, Value};

use truegreen::verdict::RunContext;

use super::{env_var, inline_or_file};

#[derive(Debug, Args)]
pub struct ShardArgs {
    /// The matrix cell this job is, as a JSON object or @FILE, recorded in the verdict for
    /// `truegreen gate`. Pass `toJSON(matrix)` through an environment variable:
    /// `env: {MATRIX: ${{ toJSON(matrix) }}}` and `--shard "$MATRIX"`.
    #[arg(long, value_name = "JSON|@FILE", value_parser = parse_shard)]
    pub shard: Option<Map<String, Value>>,

    /// The run attempt to record in the verdict. Default: $GITHUB_RUN_ATTEMPT.
    #[arg(long, value_name = "N", value_parser = parse_attempt)]
    pub run_attempt: Option<String>,
}

impl ShardArgs {
    /// Record the shard and the run attempt of this job, from the flags or else
    /// from the GitHub Actions environment. (`--commit` and `--run-id` resolve
    /// with the other check options.)
    pub fn apply(&self, context: &mut RunContext) {
        context.shard = self.shard.clone().map(Value::Object);
        context.run_attempt =
            self.run_attempt.clone().or_else(|| env_var("GITHUB_RUN_ATTEMPT").filter(|a| parse_attempt(a).is_ok()));
    }
}

fn parse_shard(value: &str) -> Result<Map<String, Value>, String> {
    let text = inline_or_file(value).map_err(|e| e.to_string())?;
    match serde_json::from_str::<Value>(&text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(Value::Null) => Err("null is not a matrix cell: toJSON(matrix) is null outside a matrix job".to_owned()),
        Ok(_) => Err("the shard must be a JSON object, the one toJSON(matrix) prints".to_owned()),
        Err(e) => Err(format!("not JSON ({e}); pass toJSON(matrix) through an environment variable")),
    }
}

fn parse_attempt(value: &str) -> Result<String, String> {
    match value.trim().parse::<u64>() {
        Ok(n) if n > 0 => Ok(n.to_string()),
        _ => Err(format!("{value:?} is not a run attempt (a positive integer)")),
    }
}
