use super::{Finding, Rule, RuleContext, RuleMeta, Severity};
use crate::model::Violation;

pub struct TapPlanMisplaced;

static META: RuleMeta = RuleMeta {
    code: "TG021",
    name: "tap-plan-misplaced",
    summary: "a TAP plan is in the middle of the stream, or repeated",
    severity: Severity::Discrepancy,
    doc: r#"## What it checks
Reports a TAP plan (`1..N`) that is neither before the first test point nor after the
last one, and a second plan at the same level.

## Why it matters
A plan in the middle, or two plans, usually means two streams were concatenated (two
test files written to one log) or a producer restarted. Which plan is the real one, and
which tests belong to it, cannot be known; the counts prove nothing.

## Example
```
1..2
ok 1
ok 2
1..3
ok 3
```

## How to fix
Keep one TAP stream per file (one `--tap` output per test run), or merge streams with
a TAP-aware tool that renumbers them under one plan.
"#,
};

rule_meta!(TapPlanMisplaced);

impl Rule for TapPlanMisplaced {
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        super::protocol::report(cx, Violation::PlanMisplaced, &META, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_its_violation_and_no_other() {
        super::super::protocol::assert_reports_only(&TapPlanMisplaced, Violation::PlanMisplaced);
    }
}
