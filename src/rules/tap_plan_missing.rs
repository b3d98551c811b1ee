use super::{Finding, Rule, RuleContext, RuleMeta, Severity};
use crate::model::Violation;

pub struct TapPlanMissing;

static META: RuleMeta = RuleMeta {
    code: "TG020",
    name: "tap-plan-missing",
    summary: "a TAP stream or subtest has no plan",
    severity: Severity::Discrepancy,
    doc: r#"## What it checks
Reports a TAP stream, or a subtest inside one, that has test points and no plan
(`1..N`). A stream with no plan and no test points at all (only a version line or
comments) is reported as empty by TG002 instead.

## Why it matters
The plan is how a TAP producer says how many tests it meant to run. Without it, a
stream cut short after its last passing test looks like a complete, green run. TAP 14
says a harness "must treat a TAP stream lacking a plan as a failed test".

## Example
```
TAP version 14
ok 1 - parses
ok 2 - renders
```
(the producer was killed before test 3 and before printing `1..3`).

## How to fix
Find out why the producer stopped before printing its plan (its stderr, the job log),
or make it print the plan first (`1..N` before the tests) so truncation shows as a
count mismatch.
"#,
};

rule_meta!(TapPlanMissing);

impl Rule for TapPlanMissing {
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        super::protocol::report(cx, Violation::PlanMissing, &META, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_its_violation_and_no_other() {
        super::super::protocol::assert_reports_only(&TapPlanMissing, Violation::PlanMissing);
    }
}
