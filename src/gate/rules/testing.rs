//! Helpers for gate rule tests: build verdicts and gate results without files.

use serde_json::Value;

use super::super::needs::JobRow;
use super::super::shard::{Collected, ShardVerdict, Unreadable};
use super::super::{Cell, Expectation, ExpectedSource, GateRequest, GateResult, Provenance, evaluate};
use super::{GateFinding, GateRule};
use crate::verdict::Status;

pub fn cell(v: Value) -> Cell {
    match v {
        Value::Object(map) => Cell::from_object(&map),
        _ => Cell::new(),
    }
}

/// A cell with keys in the given order.
pub fn ordered_cell(entries: &[(&str, Value)]) -> Cell {
    let mut c = Cell::new();
    for (k, v) in entries {
        c.set(k, v.clone());
    }
    c
}

/// A consistent verdict for `cell` from commit `c1`, run `1`, attempt 1.
pub fn verdict(path: &str, c: Value, status: Status) -> ShardVerdict {
    verdict_for(path, cell(c), status)
}

/// [`verdict`] for a cell built with [`ordered_cell`].
pub fn verdict_for(path: &str, c: Cell, status: Status) -> ShardVerdict {
    let failed = u64::from(status == Status::Fail);
    let discrepancies = u64::from(status == Status::Discrepancy);
    ShardVerdict {
        path: path.to_owned(),
        sha256: format!("sha-{path}"),
        cell: c,
        commit: Some("c1".into()),
        run_id: Some("1".into()),
        run_attempt: Some(1),
        run_url: None,
        claimed_status: status,
        claimed_exit_code: i64::from(status.exit_code()),
        status,
        contradictions: Vec::new(),
        executed: 3,
        failed,
        waived: 0,
        discrepancies,
        problems: Vec::new(),
        failures: Vec::new(),
        replay: Vec::new(),
        not_kept: 0,
    }
}

pub fn provenance() -> Provenance {
    Provenance { commit: Some("c1".into()), run_id: Some("1".into()) }
}

pub fn expect(cells: &[Value]) -> Expectation {
    let cells: Vec<Cell> = cells.iter().cloned().map(cell).collect();
    Expectation { source: ExpectedSource::Matrix, count: cells.len() as u64, cells, repeated: Vec::new() }
}

/// An expectation of exactly these cells, from a matrix.
pub fn expect_cells(cells: Vec<Cell>) -> Expectation {
    Expectation { source: ExpectedSource::Matrix, count: cells.len() as u64, cells, repeated: Vec::new() }
}

pub fn gate(expectation: Expectation, verdicts: Vec<ShardVerdict>, jobs: Vec<JobRow>) -> GateResult {
    gate_with(expectation, verdicts, Vec::new(), jobs)
}

pub fn gate_with(
    expectation: Expectation,
    verdicts: Vec<ShardVerdict>,
    unreadable: Vec<Unreadable>,
    jobs: Vec<JobRow>,
) -> GateResult {
    let request = GateRequest {
        verdicts: Vec::new(),
        expectation,
        provenance: provenance(),
        jobs,
        links: None,
        inventory: Default::default(),
    };
    evaluate(Collected { verdicts, unreadable, ..Collected::default() }, &request)
}

/// The findings of one rule over a gate result.
pub fn judge(rule: &dyn GateRule, gate: &GateResult) -> Vec<GateFinding> {
    let mut out = Vec::new();
    rule.judge(gate, &mut out);
    out
}

/// A comparison with one gone cell (`{"suite":"integration"}`) that ran
/// `tests` tests, `vanished` of which run in no cell now.
pub fn sample_comparison(tests: u64, vanished: u64) -> crate::gate::inventory::MatrixComparison {
    use crate::gate::inventory::{GoneCell, MatrixComparison, VanishedTests};
    let gone = cell(serde_json::json!({"suite": "integration"}));
    let names = ["test_a", "test_b", "test_c"].iter().take(vanished as usize).map(|n| (*n).to_owned()).collect();
    let groups = match vanished {
        0 => Vec::new(),
        n => vec![VanishedTests { report: "reports/it.xml".into(), suite: "tests.it".into(), count: n, names }],
    };
    MatrixComparison {
        baseline: "base.tginv".into(),
        baseline_cells: 2,
        cells_gone: vec![GoneCell { label: gone.label(), cell: gone, tests, vanished, groups, unlisted_groups: 0 }],
        ..MatrixComparison::default()
    }
}
