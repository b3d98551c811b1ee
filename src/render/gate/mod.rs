//! Renderers for the gate's result: terminal, JSON (`truegreen.gate.v1`),
//! markdown (job summary) and the check-run output a publisher sends. Like the
//! verdict renderers they decide nothing, and every text that came from a
//! verdict document (cell values, paths, messages, commands) goes through
//! [`crate::text`] first: shard jobs may run a fork's code.

pub mod check_run;
pub mod json;
pub mod markdown;
pub mod terminal;

#[cfg(test)]
mod tests;

use crate::gate::inventory::MatrixBaseline;
use crate::gate::{CellRow, CellState, ExpectedSource, GateResult};

/// Table cells are cut to this many bytes; the JSON document has them whole.
pub const MAX_LABEL_BYTES: usize = 120;
/// Replay commands shown per failing cell; all are in the JSON document.
pub const MAX_REPLAY_PER_CELL: usize = 10;

/// "4 of 6 expected cells did not pass: 1 missing, 1 stale, ..." or "All 6 expected cells passed."
pub fn cells_sentence(result: &GateResult) -> String {
    let t = &result.totals;
    if result.expected.source == ExpectedSource::None {
        return jobs_sentence(result);
    }
    let expected_rows = result.cells.iter().filter(|r| r.expected).count() as u64;
    let not_passed = t.expected.saturating_sub(t.passed);
    let mut parts = Vec::new();
    for (n, word) in [
        (t.missing, "missing"),
        (t.duplicate, "duplicate"),
        (t.stale, "stale"),
        (t.discrepancy, "discrepancy"),
        (t.failed, "failed"),
        (t.unexpected, "unexpected"),
    ] {
        if n > 0 {
            parts.push(format!("{n} {word}"));
        }
    }
    let extra = expected_rows.saturating_sub(t.expected);
    let mut s = if not_passed == 0 && t.unexpected == 0 && extra == 0 {
        format!("All {} expected cell(s) passed", t.expected)
    } else {
        let mut s = format!("{not_passed} of {} expected cell(s) did not pass", t.expected);
        if !parts.is_empty() {
            s.push_str(": ");
            s.push_str(&parts.join(", "));
        }
        if extra > 0 {
            s.push_str(&format!("; {extra} more cell(s) reported than expected"));
        }
        s
    };
    if !result.jobs.is_empty() {
        s.push_str("; ");
        s.push_str(&jobs_sentence(result));
    } else {
        s.push('.');
    }
    s
}

fn jobs_sentence(result: &GateResult) -> String {
    let t = &result.totals;
    if t.jobs_not_passing == 0 {
        format!("all {} needed job(s) succeeded.", t.jobs)
    } else {
        format!("{} of {} needed job(s) did not succeed.", t.jobs_not_passing, t.jobs)
    }
}

/// Where the expected cells came from, for a heading line.
/// The cells against the baseline matrix, in one line: `1 cell gone (5 tests
/// run in no cell now) (baseline base.tginv, commit 1a2b3c4d5e6f: 3 cells,
/// now 2 with inventories)`. `None` without `--baseline`.
pub fn matrix_baseline_line(result: &GateResult) -> Option<String> {
    Some(match result.baseline.as_ref()? {
        MatrixBaseline::Missing { path, .. } => format!("no baseline matrix to compare with ({path} is missing)"),
        MatrixBaseline::Unusable { path, .. } => format!("the baseline matrix {path} cannot be used"),
        MatrixBaseline::Compared(c) => {
            let gone = c.cells_gone.len();
            let vanished: u64 = c.cells_gone.iter().map(|g| g.vanished).sum();
            let commit =
                c.header.commit.as_deref().map(|s| format!(", commit {}", s.chars().take(12).collect::<String>()));
            let now = result.inventory.as_ref().map_or(0, |i| i.cells);
            format!(
                "{gone} cell(s) gone ({vanished} test(s) run in no cell now) (baseline {}{}: {} cells, now {now} with \
                 inventories)",
                c.baseline,
                commit.unwrap_or_default(),
                c.baseline_cells
            )
        }
    })
}

pub fn source_phrase(result: &GateResult) -> String {
    match &result.expected.source {
        ExpectedSource::Matrix => format!("{} expected cell(s) from --expect-matrix", result.expected.count),
        ExpectedSource::Workflow { path, job } => {
            format!("{} expected cell(s) from {} job {}", result.expected.count, path, job)
        }
        ExpectedSource::Count => format!("{} expected cell(s) (--expect-count)", result.expected.count),
        ExpectedSource::None => "no shard verdicts expected (--needs only)".to_owned(),
    }
}

/// The verdict column: the state, with the superseded attempts noted.
pub fn state_text(row: &CellRow) -> String {
    let superseded = row.with_role(crate::gate::Role::Superseded).count();
    match (row.state, superseded) {
        (CellState::Pass | CellState::Fail | CellState::Discrepancy, n) if n > 0 => {
            format!("{} (retried)", row.state.as_str())
        }
        (state, _) => state.as_str().to_owned(),
    }
}

/// A count or `-` when the cell has no counted verdict.
pub fn count(n: Option<u64>) -> String {
    n.map_or_else(|| "-".to_owned(), |n| n.to_string())
}

/// Replay commands of the cells that did not pass, per cell, capped.
pub fn replay_sections(result: &GateResult) -> Vec<(&CellRow, Vec<&str>, usize)> {
    result
        .failing_cells()
        .filter_map(|row| {
            let v = row.counted()?;
            if v.replay.is_empty() {
                return None;
            }
            let shown: Vec<&str> = v.replay.iter().take(MAX_REPLAY_PER_CELL).map(String::as_str).collect();
            Some((row, shown, v.replay.len().saturating_sub(MAX_REPLAY_PER_CELL)))
        })
        .collect()
}
