use super::{GateFinding, GateRule, rule_meta};
use crate::gate::{ExpectedSource, GateResult};
use crate::rules::{RuleMeta, Severity};

pub struct NothingExpected;

static META: RuleMeta = RuleMeta {
    code: "TG243",
    name: "nothing-expected",
    summary: "the matrix expands to no cells, so the gate has nothing to check",
    severity: Severity::Discrepancy,
    doc: r#"## What it checks
Reports a matrix definition (`--expect-matrix`, or `--workflow` with `--job`) that expands to
no cells at all, for example because `exclude` removes every combination, or a generated
matrix came out empty.

## Why it matters
"Every expected cell passed" is true of an empty set. A gate over zero cells would pass a run
in which nothing ran; it must not.

## Example
`--expect-matrix '{"os": ["linux"], "exclude": [{"os": "linux"}]}'`.

## How to fix
Check the matrix definition or the step that generates it. If the run really has no cells to
check, do not run the gate on it.
"#,
};

rule_meta!(NothingExpected);

impl GateRule for NothingExpected {
    fn judge(&self, gate: &GateResult, out: &mut Vec<GateFinding>) {
        let from_matrix = matches!(gate.expected.source, ExpectedSource::Matrix | ExpectedSource::Workflow { .. });
        if from_matrix && gate.expected.count == 0 {
            out.push(GateFinding::new(
                &META,
                "the matrix expands to no cells: every combination is excluded or the definition is empty",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gate::rules::testing::{expect, gate, judge};
    use crate::verdict::Status;

    #[test]
    fn an_empty_matrix_is_a_discrepancy() {
        let g = gate(expect(&[]), vec![], vec![]);
        assert_eq!(judge(&NothingExpected, &g).len(), 1);
        assert_eq!(g.status, Status::Discrepancy);
    }
}
