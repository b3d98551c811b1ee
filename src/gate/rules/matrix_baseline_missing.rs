use super::{GateFinding, GateRule, rule_meta};
use crate::gate::GateResult;
use crate::gate::inventory::MatrixBaseline;
use crate::rules::{RuleMeta, Severity};

pub struct MatrixBaselineMissing;

static META: RuleMeta = RuleMeta {
    code: "TG246",
    name: "matrix-baseline-missing",
    summary: "the gate's --baseline names no matrix inventory",
    severity: Severity::Discrepancy,
    doc: r#"## What it checks
`gate --baseline FILE` names a file that is not there, or `--baseline auto` found none.
It is a warning instead when no baseline is expected: `--baseline-missing-ok`, or
`--baseline auto` on a first run (no earlier successful run, an expired artifact) or when
GitHub cannot be asked (the verdict does not depend on GitHub).

## Why it matters
A gate told to compare the matrix and comparing nothing would pass a matrix that lost a
cell, which is the one thing the comparison is for.

## Example
`--baseline base-matrix.tginv` where the previous gate did not upload it.

## How to fix
Write the baseline with `truegreen gate --inventory FILE` on the base branch, and make it
available to this run, or use the action's `baseline: auto` on the gate.
"#,
};

rule_meta!(MatrixBaselineMissing);

impl GateRule for MatrixBaselineMissing {
    fn judge(&self, gate: &GateResult, out: &mut Vec<GateFinding>) {
        let Some(MatrixBaseline::Missing { path, reason, expected }) = &gate.baseline else { return };
        let mut finding =
            GateFinding::new(&META, format!("no baseline to compare the matrix with: {path}: {reason}")).artifact(path);
        if *expected {
            finding.finding.severity = Severity::Warning;
        }
        out.push(finding);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gate::rules::testing::{expect, gate, judge};

    #[test]
    fn a_missing_baseline_is_a_discrepancy_unless_expected() {
        let mut g = gate(expect(&[]), vec![], vec![]);
        let missing =
            |expected| MatrixBaseline::Missing { path: "b.tginv".into(), reason: "no such file".into(), expected };
        g.baseline = Some(missing(false));
        assert_eq!(judge(&MatrixBaselineMissing, &g)[0].finding.severity, Severity::Discrepancy);
        g.baseline = Some(missing(true));
        assert_eq!(judge(&MatrixBaselineMissing, &g)[0].finding.severity, Severity::Warning);
        g.baseline = None;
        assert!(judge(&MatrixBaselineMissing, &g).is_empty());
    }
}
