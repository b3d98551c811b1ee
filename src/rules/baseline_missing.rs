use super::{Finding, Rule, RuleContext, RuleMeta, Severity};
use crate::inventory::BaselineStatus;

pub struct BaselineMissing;

static META: RuleMeta = RuleMeta {
    code: "TG604",
    name: "baseline-missing",
    summary: "the baseline inventory to compare with is not there",
    severity: Severity::Discrepancy,
    doc: r#"## What it checks
`--baseline FILE` (or `baseline.inventory` in `.truegreen.yml`) names an inventory that
does not exist. Nothing can then be said about tests that stopped running, so the check
does not pass silently.

It is a warning instead when no baseline is expected: `--baseline-missing-ok` (a first
run), or the action's `baseline: auto` finding no earlier successful run, or no inventory
artifact in it (first run, expired artifact), or the Actions API not answering (the
verdict does not depend on GitHub).

## Why it matters
A comparison that silently does not happen is a gate that silently does not close.

## Example
`--baseline base.tginv` where the previous job did not upload `base.tginv`.

## How to fix
Write the baseline with `truegreen check --inventory FILE` on the base branch, and make it
available to this job; on a first run, pass `--baseline-missing-ok`.
"#,
};

rule_meta!(BaselineMissing);

impl Rule for BaselineMissing {
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let Some(BaselineStatus::Missing { path, reason, expected }) = cx.baseline else { return };
        let mut finding =
            META.finding(format!("no baseline to compare the tests with: {path}: {reason}")).artifact(path);
        if *expected {
            finding.severity = Severity::Warning;
        }
        out.push(finding);
    }
}
