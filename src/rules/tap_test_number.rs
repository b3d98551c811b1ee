use super::{Finding, Rule, RuleContext, RuleMeta, Severity};
use crate::model::Violation;

pub struct TapTestNumber;

static META: RuleMeta = RuleMeta {
    code: "TG022",
    name: "tap-test-number",
    summary: "a TAP test number is outside the plan, out of order or repeated",
    severity: Severity::Discrepancy,
    doc: r#"## What it checks
Reports TAP test points whose number is not the next one expected (out of order,
repeated, skipped over) or lies outside the plan `1..N`.

## Why it matters
Test numbers are how TAP ties each result to a planned test. A number outside the plan
or out of sequence means results went missing, were duplicated, or come from another
stream; a consumer counting only `ok` lines is then counting the wrong things.

## Example
```
1..3
ok 1
ok 3
ok 4
```
(test 2 is missing and 4 is outside the plan).

## How to fix
Find which test is missing or duplicated (the finding gives the line), and why: a
crash, interleaved output of parallel workers, or a bad merge of streams.
"#,
};

rule_meta!(TapTestNumber);

impl Rule for TapTestNumber {
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        super::protocol::report(cx, Violation::TestNumber, &META, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_its_violation_and_no_other() {
        super::super::protocol::assert_reports_only(&TapTestNumber, Violation::TestNumber);
    }
}
