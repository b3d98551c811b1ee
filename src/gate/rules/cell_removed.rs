use super::{GateFinding, GateRule, cell_name, rule_meta};
use crate::gate::GateResult;
use crate::gate::inventory::MatrixBaseline;
use crate::rules::{RuleMeta, Severity};

pub struct CellRemoved;

static META: RuleMeta = RuleMeta {
    code: "TG245",
    name: "cell-removed",
    summary: "a matrix cell of the baseline is gone; every test it ran runs in another cell now",
    severity: Severity::Warning,
    doc: r#"## What it checks
With `gate --baseline FILE`, a cell of the baseline matrix that is not in this one, and
whose every executed test runs in some cell of this matrix, is shown as a warning: the
matrix changed, and no test stopped running.

## Why it matters
A version bump (`node: [18, 20]` to `node: [20, 22]`) removes a cell on purpose, and its
tests run on in the others. Failing the gate on it would be a false alarm; saying nothing
would hide that a platform is no longer tested. The warning names the cell, and the
reviewer decides.

## Example
The baseline ran `{"node":18}` and `{"node":20}`; this matrix runs `{"node":20}` and
`{"node":22}`. The `node=18` cell is gone, and its tests all run under node 20 and 22.

## How to fix
Nothing, if the cell was dropped on purpose. Otherwise restore it.
"#,
};

rule_meta!(CellRemoved);

impl GateRule for CellRemoved {
    fn judge(&self, gate: &GateResult, out: &mut Vec<GateFinding>) {
        let Some(MatrixBaseline::Compared(comparison)) = &gate.baseline else { return };
        for gone in comparison.cells_gone.iter().filter(|g| g.vanished == 0) {
            let message = format!(
                "{} left the matrix; the {} tests it ran in the baseline all run in other cells now",
                cell_name(&gone.label),
                gone.tests
            );
            out.push(GateFinding::new(&META, message).cell(&gone.cell).artifact(&comparison.baseline));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gate::rules::testing::{expect, gate, judge, sample_comparison};
    use crate::verdict::Status;

    #[test]
    fn a_gone_cell_whose_tests_run_elsewhere_is_a_warning() {
        let mut g = gate(expect(&[]), vec![], vec![]);
        g.baseline = Some(MatrixBaseline::Compared(sample_comparison(3, 0)));
        let found = judge(&CellRemoved, &g);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].finding.severity, Severity::Warning);
        assert!(found[0].finding.message.contains("3 tests"), "{}", found[0].finding.message);
        let mut only_gone = gate(expect(&[]), vec![], vec![]);
        only_gone.baseline = Some(MatrixBaseline::Compared(sample_comparison(3, 1)));
        assert!(judge(&CellRemoved, &only_gone).is_empty());
        assert_ne!(g.status, Status::Pass, "an empty matrix is still no pass");
    }
}
