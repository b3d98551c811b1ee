use super::{GateFinding, GateRule, rule_meta};
use crate::gate::GateResult;
use crate::gate::inventory::MatrixBaseline;
use crate::rules::{RuleMeta, Severity};

pub struct MatrixInventoryUnusable;

static META: RuleMeta = RuleMeta {
    code: "TG247",
    name: "matrix-inventory-unusable",
    summary: "a cell's inventory or the gate's baseline cannot be used",
    severity: Severity::Discrepancy,
    doc: r#"## What it checks
With `gate --inventory` or `gate --baseline`, every cell's test inventory among the gate's
inputs (`*.tginv`, written by `check --shard CELL --inventory FILE`) must be readable, name
its cell, and come from the gated commit and run; every expected cell that has a verdict
must have one; and there must be at least one. With `--baseline`, the baseline must be a
gate's inventory (its reports name their cells) that this version reads.

## Why it matters
A matrix inventory that misses a cell becomes a baseline that cannot see that cell leave
the matrix later. A baseline that cannot be read would make the comparison silently pass.

## Example
The gate's download step fetches the verdict artifacts and not the inventory artifacts:
no `*.tginv` among the inputs.

## How to fix
Run every cell's check with `--shard "$MATRIX" --inventory FILE` (the action's
`baseline: auto` does) and download those artifacts into the gate's input directory.
Compare with a file written by `truegreen gate --inventory`, not `check --inventory`.
"#,
};

rule_meta!(MatrixInventoryUnusable);

impl GateRule for MatrixInventoryUnusable {
    fn judge(&self, gate: &GateResult, out: &mut Vec<GateFinding>) {
        for problem in gate.inventory.iter().flat_map(|i| &i.problems) {
            let message = format!("the matrix inventory is incomplete: {}", problem.detail);
            out.push(GateFinding::new(&META, message).artifact(&problem.path));
        }
        if let Some(MatrixBaseline::Unusable { path, reason }) = &gate.baseline {
            let message = format!("the baseline matrix inventory cannot be used: {reason}");
            out.push(GateFinding::new(&META, message).artifact(path));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gate::inventory::MatrixInventoryReport;
    use crate::gate::rules::testing::{expect, gate, judge};
    use crate::gate::shard::Unreadable;

    #[test]
    fn each_problem_and_an_unusable_baseline_is_named() {
        let mut g = gate(expect(&[]), vec![], vec![]);
        assert!(judge(&MatrixInventoryUnusable, &g).is_empty());
        g.inventory = Some(MatrixInventoryReport {
            problems: vec![Unreadable { path: "a/inventory.tginv".into(), detail: "it names no matrix cell".into() }],
            ..MatrixInventoryReport::default()
        });
        g.baseline = Some(MatrixBaseline::Unusable { path: "b.tginv".into(), reason: "cut short".into() });
        let found = judge(&MatrixInventoryUnusable, &g);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].finding.artifact.as_deref(), Some("a/inventory.tginv"));
        assert_eq!(found[1].finding.artifact.as_deref(), Some("b.tginv"));
    }
}
