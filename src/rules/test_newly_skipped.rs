use super::{Finding, Rule, RuleContext, RuleMeta, Severity};
use crate::inventory::Change;

pub struct TestNewlySkipped;

static META: RuleMeta = RuleMeta {
    code: "TG602",
    name: "test-newly-skipped",
    summary: "a test that passed in the baseline run is skipped in this one",
    severity: Severity::Discrepancy,
    doc: r#"## What it checks
With `--baseline FILE`, every test that passed in the baseline and is skipped now. A
discrepancy by default; `baseline: {newly-skipped: warning}` in `.truegreen.yml` makes
it a warning.

## Why it matters
A skip marker added to a module, a committed `.only` that skips its siblings, a condition
that is now always true: the run stays green while the tests stop testing anything.

## Example
`tests.test_api::test_login` passed in the baseline; this run reports it skipped.

## How to fix
Remove the skip, or, when it is intended, set `newly-skipped: warning` or waive the test.
"#,
};

rule_meta!(TestNewlySkipped);

impl Rule for TestNewlySkipped {
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let Some(comparison) = cx.baseline.and_then(|b| b.comparison()) else { return };
        for group in comparison.groups_of(Change::NewlySkipped) {
            let n = group.count;
            let (tests, are) = if n == 1 { ("test", "is") } else { ("tests", "are") };
            let mut finding = META
                .finding(format!(
                    "{n} {tests} of {} passed in the baseline and {are} skipped now: {}",
                    group.scope(),
                    group.listing()
                ))
                .artifact(&group.report)
                .side_by_side("passed in the baseline", "skipped now");
            finding.severity = cx.policy.newly_skipped;
            out.push(finding);
        }
    }
}
