use super::{GateFinding, GateRule, cell_name, rule_meta};
use crate::gate::GateResult;
use crate::gate::inventory::MatrixBaseline;
use crate::rules::{RuleMeta, Severity};

pub struct CellLeftMatrix;

static META: RuleMeta = RuleMeta {
    code: "TG244",
    name: "cell-left-matrix",
    summary: "a matrix cell of the baseline is gone, and some of its tests run in no cell now",
    severity: Severity::Discrepancy,
    doc: r#"## What it checks
With `gate --baseline FILE` (the matrix inventory an earlier gate wrote with `--inventory`),
every cell of the baseline matrix that is not in this one (neither expected by the matrix
definition nor holding an inventory) is looked at test by test: a test that executed there
and runs in no cell of this matrix has vanished with its cell. Each such cell is one
finding, with its tests grouped by report and suite and the first names listed.

Tests match across cells by format, suite and name, normalized as for TG601: a test that
moved to another cell is not vanished (TG245 says the cell left).

## Why it matters
Each cell compares its own tests with its own baseline (TG601), but a cell that left the
matrix runs nothing to compare. An `exclude:` that drops the only cell running the
integration suite, a `include:` entry deleted in a refactor, a matrix axis emptied by a
bad expression: each leaves a green matrix, smaller than the one before, and no cell's
check can see it.

## Example
The baseline matrix ran `{"suite":"integration"}`; this matrix has only `{"suite":"unit"}`,
and the 40 integration tests run nowhere.

## How to fix
Restore the cell, or run its tests in another one. If the tests were removed on purpose,
the gate's next baseline no longer has them: re-run on the base branch after the removal
lands.
"#,
};

rule_meta!(CellLeftMatrix);

impl GateRule for CellLeftMatrix {
    fn judge(&self, gate: &GateResult, out: &mut Vec<GateFinding>) {
        let Some(MatrixBaseline::Compared(comparison)) = &gate.baseline else { return };
        for gone in comparison.cells_gone.iter().filter(|g| g.vanished > 0) {
            let mut message = format!(
                "{} left the matrix: {} of its {} tests ran in the baseline and run in no cell now",
                cell_name(&gone.label),
                gone.vanished,
                gone.tests
            );
            for group in &gone.groups {
                let scope = if group.suite.is_empty() { String::new() } else { format!(" suite {}", group.suite) };
                message.push_str(&format!("; {}{scope}: {}", group.report, group.listing()));
            }
            if gone.unlisted_groups > 0 {
                message.push_str(&format!("; and {} more suites", gone.unlisted_groups));
            }
            let mut finding = GateFinding::new(&META, message).cell(&gone.cell).artifact(&comparison.baseline);
            finding.finding = finding
                .finding
                .side_by_side(format!("{} tests in the baseline's cell", gone.vanished), "run in no cell now");
            out.push(finding);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gate::rules::testing::{expect, gate, judge, sample_comparison};

    #[test]
    fn a_gone_cell_with_tests_that_run_nowhere_is_named_with_them() {
        let mut g = gate(expect(&[]), vec![], vec![]);
        g.baseline = Some(MatrixBaseline::Compared(sample_comparison(3, 2)));
        let found = judge(&CellLeftMatrix, &g);
        assert_eq!(found.len(), 1);
        let message = &found[0].finding.message;
        assert!(message.contains("2 of its 3 tests"), "{message}");
        assert!(message.contains("test_a, test_b"), "{message}");
        assert!(found[0].cell.is_some());
    }

    #[test]
    fn a_gone_cell_whose_tests_all_run_elsewhere_is_not_this_rule() {
        let mut g = gate(expect(&[]), vec![], vec![]);
        g.baseline = Some(MatrixBaseline::Compared(sample_comparison(3, 0)));
        assert!(judge(&CellLeftMatrix, &g).is_empty());
    }
}
