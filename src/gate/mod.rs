//! `truegreen gate`: one required check that knows every matrix cell.
//!
//! Each matrix shard runs `truegreen check --shard "$MATRIX" --json FILE` and
//! uploads its verdict document. The gate reads them all and requires exactly
//! one passing verdict, from this commit and this run, for every cell the matrix
//! defines:
//!
//! ```text
//! expected cells (matrix.rs, workflow.rs, or a count)
//!        + verdict documents (shard.rs)  ──▶  cell rows (evaluate)  ──▶  gate rules  ──▶  GateResult
//!        + needs (needs.rs, alls-green mode)
//! ```
//!
//! Rows say what happened to each cell; rules (`rules/`, registered in
//! [`rules::REGISTRY`]) turn rows into findings; the result's status
//! follows from the findings, exactly as `check`'s verdict does.

pub mod cell;
pub mod inventory;
pub mod matrix;
pub mod needs;
pub mod ordered;
pub mod rules;
pub mod shard;
pub mod workflow;

#[cfg(test)]
mod tests;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

pub use cell::Cell;
use needs::{JobOutcome, JobRow};
use rules::GateFinding;
use shard::{ShardVerdict, Unreadable};

use crate::rules::{HasMeta, Severity};
use crate::verdict::Status;

/// The gate document's schema. Fields are only ever added within a version.
pub const SCHEMA: &str = "truegreen.gate.v1";

/// Where the expected cells came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ExpectedSource {
    /// `--expect-matrix`.
    Matrix,
    /// `--workflow FILE --job ID`.
    Workflow { path: String, job: String },
    /// `--expect-count N`: that many distinct cells, unnamed.
    Count,
    /// No shard verdicts are expected; only `--needs` is judged.
    None,
}

/// What the gate expects.
#[derive(Clone, Debug, PartialEq)]
pub struct Expectation {
    pub source: ExpectedSource,
    /// The cells, in the order GitHub creates them (empty for a count).
    pub cells: Vec<Cell>,
    /// Cells the definition produces more than once (see [`matrix::Expansion`]).
    pub repeated: Vec<Cell>,
    /// How many distinct cells are expected.
    pub count: u64,
}

impl Expectation {
    pub fn cells(source: ExpectedSource, expansion: matrix::Expansion) -> Self {
        let count = expansion.cells.len() as u64;
        Self { source, cells: expansion.cells, repeated: expansion.repeated, count }
    }

    pub fn count(n: u64) -> Self {
        Self { source: ExpectedSource::Count, cells: Vec::new(), repeated: Vec::new(), count: n }
    }

    pub fn none() -> Self {
        Self { source: ExpectedSource::None, cells: Vec::new(), repeated: Vec::new(), count: 0 }
    }
}

/// The run every verdict must come from. `None` fields are not checked (and the
/// report says so).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    pub commit: Option<String>,
    pub run_id: Option<String>,
}

/// Where run links point: `GITHUB_SERVER_URL` and `GITHUB_REPOSITORY`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkBase {
    pub server_url: String,
    pub repository: String,
}

/// Everything the gate needs, already resolved from flags and environment.
#[derive(Clone, Debug)]
pub struct GateRequest {
    /// Verdict files, directories and globs.
    pub verdicts: Vec<String>,
    pub expectation: Expectation,
    pub provenance: Provenance,
    /// Judged `needs`, when `--needs` was given.
    pub jobs: Vec<JobRow>,
    pub links: Option<LinkBase>,
    /// Merge the cells' inventories (`--inventory`), and compare the cells with
    /// a baseline matrix's (`--baseline`).
    pub inventory: crate::engine::InventoryRequest,
}

/// What happened to one cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CellState {
    Pass,
    Fail,
    /// The cell's own verdict is a discrepancy, or the document contradicts itself.
    Discrepancy,
    /// No verdict at all.
    Missing,
    /// More than one verdict in the latest attempt.
    Duplicate,
    /// Only verdicts from another commit or run.
    Stale,
    /// A verdict for a cell the matrix does not define.
    Unexpected,
}

impl CellState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Fail => "fail",
            Self::Discrepancy => "discrepancy",
            Self::Missing => "missing",
            Self::Duplicate => "duplicate",
            Self::Stale => "stale",
            Self::Unexpected => "unexpected",
        }
    }

    pub fn status(self) -> Status {
        match self {
            Self::Pass => Status::Pass,
            Self::Fail => Status::Fail,
            _ => Status::Discrepancy,
        }
    }
}

/// Why a verdict document counts for its cell or not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The verdict the cell is judged by.
    Counted,
    /// Another verdict for the cell in the same (latest) attempt.
    Duplicate,
    /// From an earlier attempt of this run; a later attempt re-ran the cell.
    Superseded,
    /// From another commit or run.
    Stale,
}

/// One verdict document as it bears on its cell.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CellVerdict {
    #[serde(flatten)]
    pub verdict: ShardVerdict,
    pub role: Role,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub stale_reason: Option<String>,
}

/// One row of the gate's table: a cell and the verdicts found for it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CellRow {
    pub cell: Cell,
    pub label: String,
    /// Whether the expectation names this cell.
    pub expected: bool,
    pub state: CellState,
    pub status: Status,
    /// Executed cases in the counted verdict.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub tests: Option<u64>,
    /// Failed cases in the counted verdict.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub failed: Option<u64>,
    /// The counted verdict's own discrepancies plus the gate's about this cell.
    pub discrepancies: u64,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub link: Option<String>,
    pub verdicts: Vec<CellVerdict>,
}

impl CellRow {
    /// The verdict this cell is judged by.
    pub fn counted(&self) -> Option<&ShardVerdict> {
        self.verdicts.iter().find(|v| v.role == Role::Counted).map(|v| &v.verdict)
    }

    pub fn with_role(&self, role: Role) -> impl Iterator<Item = &CellVerdict> {
        self.verdicts.iter().filter(move |v| v.role == role)
    }
}

/// What the gate expected, as the document records it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExpectedReport {
    pub source: ExpectedSource,
    pub count: u64,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub repeated: Vec<Cell>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GateTotals {
    pub expected: u64,
    pub passed: u64,
    pub failed: u64,
    pub discrepancy: u64,
    pub missing: u64,
    pub duplicate: u64,
    pub stale: u64,
    pub unexpected: u64,
    /// Verdict documents read (every role).
    pub verdicts: u64,
    pub unreadable: u64,
    /// Executed cases over the counted verdicts of expected cells.
    pub tests: u64,
    pub failed_tests: u64,
    pub jobs: u64,
    pub jobs_not_passing: u64,
    pub discrepancies: u64,
    pub failures: u64,
    pub warnings: u64,
}

/// The gate document (`--json`), which every gate renderer consumes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GateResult {
    pub schema: String,
    pub truegreen_version: String,
    pub status: Status,
    pub exit_code: i32,
    pub expected: ExpectedReport,
    /// The commit and run every verdict had to come from.
    pub provenance: Provenance,
    pub totals: GateTotals,
    /// Expected cells in matrix order, then unexpected ones.
    pub cells: Vec<CellRow>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub jobs: Vec<JobRow>,
    /// Discrepancies first, then failures, then warnings.
    pub findings: Vec<GateFinding>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub unreadable: Vec<Unreadable>,
    /// Files found while scanning directories that are not verdict documents.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub ignored: Vec<String>,
    /// The cells' inventories, merged (with `--inventory` or `--baseline`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub inventory: Option<inventory::MatrixInventoryReport>,
    /// The cells compared with the baseline matrix's (`--baseline`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub baseline: Option<inventory::MatrixBaseline>,
}

impl GateResult {
    /// Rows whose cell did not pass, in table order.
    pub fn failing_cells(&self) -> impl Iterator<Item = &CellRow> {
        self.cells.iter().filter(|r| r.status != Status::Pass)
    }
}

/// Run the gate end to end: read the verdicts, then judge them.
pub fn run(request: &GateRequest) -> GateResult {
    run_keeping_inventory(request).0
}

/// Run the gate, and hand back the matrix inventory when the request keeps
/// one (`--inventory`, `--baseline`), for the caller to write.
pub fn run_keeping_inventory(request: &GateRequest) -> (GateResult, Option<inventory::MatrixInventory>) {
    let collected = shard::collect(&request.verdicts);
    evaluate_keeping_inventory(collected, request)
}

/// Judge collected verdicts against the request.
pub fn evaluate(collected: shard::Collected, request: &GateRequest) -> GateResult {
    evaluate_keeping_inventory(collected, request).0
}

fn evaluate_keeping_inventory(
    collected: shard::Collected,
    request: &GateRequest,
) -> (GateResult, Option<inventory::MatrixInventory>) {
    let expectation = &request.expectation;
    let mut rows = build_rows(collected.verdicts, expectation, &request.provenance);
    if let Some(links) = &request.links {
        for row in &mut rows {
            row.link = link_for(row, links);
        }
    }
    let (merged, inventory_report, baseline) = match request.inventory.wanted() {
        true => {
            let (merged, report, baseline) = matrix_inventory(&collected.inventories, &rows, request);
            (Some(merged), Some(report), baseline)
        }
        false => (None, None, None),
    };
    let mut result = GateResult {
        schema: SCHEMA.to_owned(),
        truegreen_version: env!("CARGO_PKG_VERSION").to_owned(),
        status: Status::Pass,
        exit_code: 0,
        expected: ExpectedReport {
            source: expectation.source.clone(),
            count: expectation.count,
            repeated: expectation.repeated.clone(),
        },
        provenance: request.provenance.clone(),
        totals: GateTotals::default(),
        cells: rows,
        jobs: request.jobs.clone(),
        findings: Vec::new(),
        unreadable: collected.unreadable,
        ignored: collected.ignored,
        inventory: inventory_report,
        baseline,
    };
    let mut findings = Vec::new();
    for rule in rules::REGISTRY {
        rule.judge(&result, &mut findings);
    }
    findings.sort_by_key(|f| f.finding.severity);
    result.findings = findings;
    finish(&mut result);
    (result, merged)
}

/// Merge the cells' inventories and compare the cells with the baseline's.
/// A cell that ran (it has a verdict) without leaving an inventory makes the
/// matrix inventory incomplete, and is not "gone".
fn matrix_inventory(
    paths: &[std::path::PathBuf],
    rows: &[CellRow],
    request: &GateRequest,
) -> (inventory::MatrixInventory, inventory::MatrixInventoryReport, Option<inventory::MatrixBaseline>) {
    let (merged, mut report) = inventory::merge(paths, &request.provenance);
    if paths.is_empty() {
        report.problems.push(shard::Unreadable {
            path: request.verdicts.join(", "),
            detail: "no matrix cell's test inventory (*.tginv) among the inputs: download the cells' inventory \
                     artifacts with their verdicts"
                .to_owned(),
        });
    } else {
        for row in rows.iter().filter(|r| r.expected && r.counted().is_some() && !merged.has_cell(&r.cell.key())) {
            report.problems.push(shard::Unreadable {
                path: row.label.clone(),
                detail: "the cell has a verdict and no test inventory: its check ran without --inventory, or its \
                         inventory was not downloaded"
                    .to_owned(),
            });
        }
    }
    // A cell the matrix expects, or one that left a verdict, is in this matrix
    // even when its inventory is missing (the problem above says so).
    let present: std::collections::HashSet<String> = request
        .expectation
        .cells
        .iter()
        .map(Cell::key)
        .chain(rows.iter().filter(|r| !r.verdicts.is_empty()).map(|r| r.cell.key()))
        .collect();
    // With no cell's inventory every cell would look gone: not compared, and
    // the problem above says why.
    let baseline = request
        .inventory
        .baseline
        .as_ref()
        .filter(|_| !paths.is_empty())
        .map(|source| inventory::compare(source, &merged, &|key| merged.has_cell(key) || present.contains(key)));
    (merged, report, baseline)
}

/// Group verdicts by cell and decide what each cell's state is.
fn build_rows(verdicts: Vec<ShardVerdict>, expectation: &Expectation, provenance: &Provenance) -> Vec<CellRow> {
    let mut groups: Vec<(Cell, Vec<ShardVerdict>)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for cell in &expectation.cells {
        index.insert(cell.key(), groups.len());
        groups.push((cell.clone(), Vec::new()));
    }
    let expected_groups = groups.len();
    for verdict in verdicts {
        let key = verdict.cell.key();
        let at = *index.entry(key).or_insert_with(|| {
            groups.push((verdict.cell.clone(), Vec::new()));
            groups.len() - 1
        });
        groups[at].1.push(verdict);
    }
    let count_mode = expectation.source == ExpectedSource::Count;
    groups
        .into_iter()
        .enumerate()
        .map(|(i, (cell, docs))| row(cell, docs, i < expected_groups || count_mode, provenance))
        .collect()
}

fn row(cell: Cell, docs: Vec<ShardVerdict>, expected: bool, provenance: &Provenance) -> CellRow {
    let mut verdicts: Vec<CellVerdict> = docs
        .into_iter()
        .map(|verdict| {
            let stale_reason = stale_reason(&verdict, provenance);
            let role = if stale_reason.is_some() { Role::Stale } else { Role::Superseded };
            CellVerdict { verdict, role, stale_reason }
        })
        .collect();
    // The latest attempt of the cell wins; a verdict without an attempt number
    // ranks below any with one.
    let latest = verdicts.iter().filter(|v| v.role != Role::Stale).map(|v| v.verdict.run_attempt).max();
    let mut in_latest = 0usize;
    if let Some(latest) = latest {
        for v in verdicts.iter_mut().filter(|v| v.role != Role::Stale && v.verdict.run_attempt == latest) {
            v.role = if in_latest == 0 { Role::Counted } else { Role::Duplicate };
            in_latest += 1;
        }
    }
    let counted = verdicts.iter().find(|v| v.role == Role::Counted).map(|v| &v.verdict);
    let state = if !expected {
        CellState::Unexpected
    } else if verdicts.is_empty() {
        CellState::Missing
    } else {
        match counted {
            None => CellState::Stale,
            Some(_) if in_latest > 1 => CellState::Duplicate,
            Some(v) if !v.contradictions.is_empty() => CellState::Discrepancy,
            Some(v) => match v.status {
                Status::Pass => CellState::Pass,
                Status::Fail => CellState::Fail,
                Status::Discrepancy => CellState::Discrepancy,
            },
        }
    };
    CellRow {
        label: cell.label(),
        tests: counted.map(|v| v.executed),
        failed: counted.map(|v| v.failed),
        discrepancies: counted.map_or(0, |v| v.discrepancies),
        cell,
        expected,
        state,
        status: state.status(),
        link: None,
        verdicts,
    }
}

/// Why a verdict is not from the run being gated, if it is not.
fn stale_reason(verdict: &ShardVerdict, provenance: &Provenance) -> Option<String> {
    not_from(verdict.commit.as_deref(), verdict.run_id.as_deref(), provenance)
}

/// Why a document recording `commit` and `run_id` (a verdict, a cell's
/// inventory) is not from the gated commit and run, if it is not. A field the
/// gate checks and the document does not record fails closed.
fn not_from(commit: Option<&str>, run_id: Option<&str>, provenance: &Provenance) -> Option<String> {
    if let Some(want) = &provenance.commit {
        match commit {
            None => return Some(format!("records no commit, so it cannot be shown to be from {}", short(want))),
            Some(have) if !same_commit(have, want) => {
                return Some(format!("is from commit {}, not {}", short(have), short(want)));
            }
            Some(_) => {}
        }
    }
    if let Some(want) = &provenance.run_id {
        match run_id {
            None => return Some(format!("records no run id, so it cannot be shown to be from run {}", short(want))),
            Some(have) if have.trim() != want.trim() => {
                return Some(format!("is from run {}, not run {}", short(have), short(want)));
            }
            Some(_) => {}
        }
    }
    None
}

/// Full SHAs compare exactly; an abbreviated one (7+ characters) matches its prefix.
fn same_commit(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim().to_ascii_lowercase(), b.trim().to_ascii_lowercase());
    a == b || (a.len().min(b.len()) >= 7 && (a.starts_with(&b) || b.starts_with(&a)))
}

/// Document values can be anything; messages quote at most a short prefix.
fn short(s: &str) -> String {
    crate::text::truncate(s.trim(), 48)
}

/// A link to the run of the counted (or first) verdict. Built only from the
/// gate's own environment and a numeric run id; a document's `run_url` is used
/// only when it points into the same repository's runs.
fn link_for(row: &CellRow, links: &LinkBase) -> Option<String> {
    let v = row.counted().or_else(|| row.verdicts.first().map(|v| &v.verdict))?;
    let base = format!("{}/{}/actions/runs/", links.server_url.trim_end_matches('/'), links.repository);
    if !url_safe(&base) {
        return None;
    }
    if let Some(url) = &v.run_url
        && url.starts_with(&base)
        && url_safe(url)
    {
        return Some(url.clone());
    }
    let run_id = v.run_id.as_deref().filter(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))?;
    Some(match v.run_attempt {
        Some(attempt) => format!("{base}{run_id}/attempts/{attempt}"),
        None => format!("{base}{run_id}"),
    })
}

/// Only characters that cannot end a markdown link or start markup.
fn url_safe(url: &str) -> bool {
    (url.starts_with("https://") || url.starts_with("http://"))
        && url.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~:/?#&=%+".contains(&b))
}

/// Totals and the status, from rows and findings.
fn finish(result: &mut GateResult) {
    let mut t = GateTotals { expected: result.expected.count, ..GateTotals::default() };
    for row in &result.cells {
        match row.state {
            CellState::Pass => t.passed += 1,
            CellState::Fail => t.failed += 1,
            CellState::Discrepancy => t.discrepancy += 1,
            CellState::Missing => t.missing += 1,
            CellState::Duplicate => t.duplicate += 1,
            CellState::Stale => t.stale += 1,
            CellState::Unexpected => t.unexpected += 1,
        }
        t.verdicts += row.verdicts.len() as u64;
        if row.expected {
            t.tests += row.tests.unwrap_or(0);
            t.failed_tests += row.failed.unwrap_or(0);
        }
    }
    if result.expected.source == ExpectedSource::Count {
        t.missing += t.expected.saturating_sub(result.cells.len() as u64);
    }
    t.unreadable = result.unreadable.len() as u64;
    t.jobs = result.jobs.len() as u64;
    t.jobs_not_passing = result.jobs.iter().filter(|j| j.outcome != JobOutcome::Success).count() as u64;
    for f in &result.findings {
        match f.finding.severity {
            Severity::Discrepancy => t.discrepancies += 1,
            Severity::Failure => t.failures += 1,
            Severity::Warning => t.warnings += 1,
        }
    }
    // A cell's discrepancy count includes the gate's findings about it.
    for row in &mut result.cells {
        let key = row.cell.key();
        row.discrepancies += result
            .findings
            .iter()
            .filter(|f| {
                f.finding.severity == Severity::Discrepancy
                    && f.finding.rule != rules::CellDiscrepancy.meta().code
                    && f.cell.as_ref().is_some_and(|c| c.key() == key)
            })
            .count() as u64;
    }
    // Fail closed: an expected cell that did not pass can never leave the gate
    // green, whatever the findings say.
    let all_expected_passed = result.cells.iter().filter(|r| r.expected).all(|r| r.state == CellState::Pass);
    let unexplained = u64::from(!all_expected_passed && t.failures == 0);
    result.status = Status::decide(t.discrepancies + unexplained, t.failures);
    result.exit_code = result.status.exit_code();
    result.totals = t;
}
