use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::{ArgGroup, Args};

use truegreen::engine::InventoryRequest;
use truegreen::gate::matrix::MatrixDef;
use truegreen::gate::ordered::Ordered;
use truegreen::gate::{self, Expectation, ExpectedSource, GateRequest, LinkBase, Provenance, needs};
use truegreen::render::gate as render;

use super::{env_var, inline_or_file};

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("expect").args(["expect_matrix", "workflow", "expect_count"]).multiple(false)))]
pub struct GateArgs {
    /// Shard verdict documents (`truegreen check --shard ... --json FILE`): files,
    /// directories (scanned recursively) or globs.
    #[arg(value_name = "VERDICT")]
    pub verdicts: Vec<String>,

    /// The expected cells: the matrix definition as JSON or @FILE, the object under
    /// `strategy.matrix` (include and exclude are expanded as GitHub does), or a list of cells.
    #[arg(long, value_name = "JSON|@FILE")]
    pub expect_matrix: Option<String>,

    /// The expected cells: read `jobs.<JOB>.strategy.matrix` from this workflow file.
    #[arg(long, value_name = "FILE", requires = "job")]
    pub workflow: Option<PathBuf>,

    /// The matrix job in --workflow.
    #[arg(long, value_name = "ID", requires = "workflow")]
    pub job: Option<String>,

    /// The expected cells: this many distinct ones, unnamed.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub expect_count: Option<u64>,

    /// alls-green mode: the `needs` context as JSON or @FILE. Pass it through an environment
    /// variable: `env: {NEEDS: ${{ toJSON(needs) }}}` and `--needs "$NEEDS"`.
    #[arg(long, value_name = "JSON|@FILE")]
    pub needs: Option<String>,

    /// A needed job allowed to fail (repeatable, comma-separated, or a JSON list).
    #[arg(long, value_name = "JOB", requires = "needs")]
    pub allow_failure: Vec<String>,

    /// A needed job allowed to be skipped (repeatable, comma-separated, or a JSON list).
    #[arg(long, value_name = "JOB", requires = "needs")]
    pub allow_skip: Vec<String>,

    /// Every verdict must come from this commit (full or abbreviated). Default: $GITHUB_SHA; on a
    /// `workflow_run` event, not checked (the triggering run's id pins the commit).
    #[arg(long, value_name = "SHA")]
    pub commit: Option<String>,

    /// Every verdict must come from this workflow run. Default: $GITHUB_RUN_ID; on a `workflow_run`
    /// event, the run that triggered it (`workflow_run.id`), whose verdict artifacts it judges.
    #[arg(long, value_name = "ID")]
    pub run_id: Option<String>,

    /// The matrix inventory (the cells', merged) and the baseline matrix to compare the cells with.
    #[command(flatten)]
    pub inventory: super::baseline::InventoryArgs,

    /// The documents to write, the terminal report, and publishing (one combined check run).
    #[command(flatten)]
    pub output: super::publish::OutputArgs,
}

pub fn run(args: GateArgs) -> anyhow::Result<i32> {
    let expectation = expectation(&args)?;
    let jobs = match &args.needs {
        Some(value) => {
            let text = inline_or_file(value).context("reading --needs")?;
            let allow_failure = needs::job_list(&args.allow_failure)?;
            let allow_skip = needs::job_list(&args.allow_skip)?;
            needs::judge(&text, &allow_failure, &allow_skip)?
        }
        None => Vec::new(),
    };
    if expectation.source == ExpectedSource::None && jobs.is_empty() {
        bail!(
            "nothing to gate: give shard verdicts with the expected cells (--expect-matrix, --workflow with \
             --job, or --expect-count), or --needs"
        );
    }
    let links = match (env_var("GITHUB_SERVER_URL"), env_var("GITHUB_REPOSITORY")) {
        (Some(server_url), Some(repository)) => Some(LinkBase { server_url, repository }),
        _ => None,
    };
    // An `auto` download must live until the comparison is done.
    let (baseline, _download) = args.inventory.source();
    let request = GateRequest {
        verdicts: args.verdicts,
        expectation,
        provenance: provenance(args.commit, args.run_id),
        jobs,
        links,
        inventory: InventoryRequest { write: args.inventory.inventory.clone(), baseline },
    };
    let (result, inventory) = gate::run_keeping_inventory(&request);
    if let (Some(path), Some(inventory)) = (&args.inventory.inventory, &inventory) {
        inventory.write(path).with_context(|| format!("writing the matrix inventory {}", path.display()))?;
    }
    args.output.report(&result, render::check_run::NAME)
}

/// The commit and run every verdict must come from. On `workflow_run` (the
/// fork recipe in docs/action.md) the verdicts come from the run that
/// triggered this one: its id is known, but the commit its jobs recorded
/// (`GITHUB_SHA`, a merge commit on pull requests) is not in the payload, and
/// the run id already pins it.
fn provenance(commit: Option<String>, run_id: Option<String>) -> Provenance {
    match super::publish::github_context().triggering_run_id {
        Some(triggering) => Provenance { commit, run_id: run_id.or(Some(triggering)) },
        None => Provenance {
            commit: commit.or_else(|| env_var("GITHUB_SHA")),
            run_id: run_id.or_else(|| env_var("GITHUB_RUN_ID")),
        },
    }
}

fn expectation(args: &GateArgs) -> anyhow::Result<Expectation> {
    if let Some(value) = &args.expect_matrix {
        let text = inline_or_file(value).context("reading --expect-matrix")?;
        let node = Ordered::from_json(&text).context("--expect-matrix is not JSON")?;
        let expansion = MatrixDef::parse(node, "--expect-matrix").and_then(|d| d.expand())?;
        return Ok(Expectation::cells(ExpectedSource::Matrix, expansion));
    }
    if let (Some(path), Some(job)) = (&args.workflow, &args.job) {
        let expansion = gate::workflow::read_matrix(path, job)?
            .expand()
            .map_err(|source| gate::workflow::WorkflowError::Matrix { path: path.display().to_string(), source })?;
        let source = ExpectedSource::Workflow { path: path.display().to_string(), job: job.clone() };
        return Ok(Expectation::cells(source, expansion));
    }
    if let Some(n) = args.expect_count {
        return Ok(Expectation::count(n));
    }
    if !args.verdicts.is_empty() {
        bail!(
            "the gate must know which cells to expect: add --expect-matrix, --workflow with --job, or --expect-count"
        );
    }
    Ok(Expectation::none())
}
