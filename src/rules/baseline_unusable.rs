use super::{Finding, Rule, RuleContext, RuleMeta, Severity};
use crate::inventory::BaselineStatus;

pub struct BaselineUnusable;

static META: RuleMeta = RuleMeta {
    code: "TG605",
    name: "baseline-unusable",
    summary: "the baseline inventory cannot be read or compared with",
    severity: Severity::Discrepancy,
    doc: r#"## What it checks
The baseline inventory exists but cannot be used: it is not an inventory, is cut short or
corrupt, was written by another version of the inventory layout, or comes from another
tool (none of its reports is of a format this run reads). The finding names the file and
the reason.

## Why it matters
Comparing with a broken or foreign baseline would report every test as vanished, or none.

## Example
A baseline written by `truegreen check --inventory` for the JUnit reports of another job,
compared with this job's `go test -json` output.

## How to fix
Point `--baseline` at the inventory the same check wrote on the base branch.
"#,
};

rule_meta!(BaselineUnusable);

impl Rule for BaselineUnusable {
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let Some(BaselineStatus::Unusable { path, reason }) = cx.baseline else { return };
        out.push(META.finding(format!("the baseline {path} cannot be used: {reason}")).artifact(path));
    }
}
