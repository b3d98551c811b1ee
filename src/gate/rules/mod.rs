//! The rules of `truegreen gate`. Each is a unit with a stable code (TG230–TG249),
//! a name, a one-line summary and its own doc, registered once in [`REGISTRY`];
//! `crate::catalogue` lists them beside the rules of `check`, so `truegreen rules`
//! and `docs/rules.md` list them too. They judge the gate's cell rows and
//! needed jobs instead of artifacts.

mod cell_discrepancy;
mod cell_failed;
mod cell_left_matrix;
mod cell_removed;
mod duplicate_cell;
mod job_allowed;
mod job_cancelled;
mod job_failed;
mod job_skipped;
mod job_unknown_result;
mod matrix_baseline_missing;
mod matrix_inventory_unusable;
mod missing_cell;
mod nothing_expected;
mod self_contradiction;
mod stale_verdict;
mod unexpected_cell;
mod unreadable_verdict;

#[cfg(test)]
pub(crate) mod testing;

pub use cell_discrepancy::CellDiscrepancy;
pub use cell_failed::CellFailed;
pub use cell_left_matrix::CellLeftMatrix;
pub use cell_removed::CellRemoved;
pub use duplicate_cell::DuplicateCell;
pub use job_allowed::JobAllowed;
pub use job_cancelled::JobCancelled;
pub use job_failed::JobFailed;
pub use job_skipped::JobSkipped;
pub use job_unknown_result::JobUnknownResult;
pub use matrix_baseline_missing::MatrixBaselineMissing;
pub use matrix_inventory_unusable::MatrixInventoryUnusable;
pub use missing_cell::MissingCell;
pub use nothing_expected::NothingExpected;
pub use self_contradiction::SelfContradiction;
pub use stale_verdict::StaleVerdict;
pub use unexpected_cell::UnexpectedCell;
pub use unreadable_verdict::UnreadableVerdict;

use serde::{Deserialize, Serialize};

use super::{Cell, GateResult};
use crate::rules::{Finding, HasMeta, RuleMeta, rule_meta};

/// A rule of the gate: it reads the gate's rows and jobs and reports findings.
pub trait GateRule: HasMeta + Sync {
    fn judge(&self, gate: &GateResult, out: &mut Vec<GateFinding>);
}

/// Every rule of the gate, in code order. The one place such a rule is registered.
pub static REGISTRY: &[&dyn GateRule] = &[
    &MissingCell,
    &DuplicateCell,
    &UnexpectedCell,
    &StaleVerdict,
    &UnreadableVerdict,
    &CellDiscrepancy,
    &SelfContradiction,
    &CellFailed,
    &JobCancelled,
    &JobSkipped,
    &JobFailed,
    &JobUnknownResult,
    &JobAllowed,
    &NothingExpected,
    &CellLeftMatrix,
    &CellRemoved,
    &MatrixBaselineMissing,
    &MatrixInventoryUnusable,
];

/// A finding of the gate: a [`Finding`] (its `artifact` is the verdict document
/// it is about) and the cell it concerns, when it concerns one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GateFinding {
    #[serde(flatten)]
    pub finding: Finding,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub cell: Option<Cell>,
}

impl GateFinding {
    pub fn new(meta: &'static RuleMeta, message: impl Into<String>) -> Self {
        Self { finding: meta.finding(message), cell: None }
    }

    pub fn cell(mut self, cell: &Cell) -> Self {
        self.cell = Some(cell.clone());
        self
    }

    pub fn artifact(mut self, path: &str) -> Self {
        self.finding = self.finding.artifact(path);
        self
    }

    pub fn replay(mut self, command: Option<&str>) -> Self {
        self.finding = self.finding.replay(command);
        self
    }
}

/// `cell os=linux, node=18`, quoting at most a bounded label: a shard can put
/// anything in its cell.
pub(crate) fn cell_name(label: &str) -> String {
    format!("cell {}", crate::text::truncate(label, 200))
}
