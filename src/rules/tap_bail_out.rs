use super::{Finding, Rule, RuleContext, RuleMeta, Severity};
use crate::model::Violation;

pub struct TapBailOut;

static META: RuleMeta = RuleMeta {
    code: "TG023",
    name: "tap-bail-out",
    summary: "a TAP producer bailed out",
    severity: Severity::Discrepancy,
    doc: r#"## What it checks
Reports `Bail out!` anywhere in a TAP stream, including inside a subtest. Nothing after
it is read.

## Why it matters
`Bail out!` means the producer gave up: a missing dependency, a broken fixture, an
aborted suite. The tests after it never ran, however green the lines before it are.

## Example
```
1..20
ok 1 - connects
Bail out! database unreachable
```

## How to fix
Fix the cause given after `Bail out!` and rerun the whole suite.
"#,
};

rule_meta!(TapBailOut);

impl Rule for TapBailOut {
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        super::protocol::report(cx, Violation::BailOut, &META, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_its_violation_and_no_other() {
        super::super::protocol::assert_reports_only(&TapBailOut, Violation::BailOut);
    }
}
