use super::{Finding, Rule, RuleContext, RuleMeta, Severity};
use crate::model::Violation;

pub struct TapUnterminatedSubtest;

static META: RuleMeta = RuleMeta {
    code: "TG024",
    name: "tap-unterminated-subtest",
    summary: "a TAP subtest is not closed by its parent's test point",
    severity: Severity::Discrepancy,
    doc: r#"## What it checks
Reports a TAP 14 subtest (an indented block of test points) that is not followed by the
test point of its parent, either because the stream ends inside it or because the
parent level continues with something else.

## Why it matters
The parent's test point closes a subtest and states its result. A subtest left open is
the trace of a producer that died in the middle of it: its remaining tests, and the
parent's verdict, are missing.

## Example
```
TAP version 14
# Subtest: database
    ok 1 - connects
    1..3
```
(the stream ends: tests 2 and 3 and the parent's `ok 1 - database` never came).

## How to fix
Find out why the producer stopped inside the subtest (its stderr, the job log) and rerun.
"#,
};

rule_meta!(TapUnterminatedSubtest);

impl Rule for TapUnterminatedSubtest {
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        super::protocol::report(cx, Violation::UnterminatedSubtest, &META, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_its_violation_and_no_other() {
        super::super::protocol::assert_reports_only(&TapUnterminatedSubtest, Violation::UnterminatedSubtest);
    }
}
