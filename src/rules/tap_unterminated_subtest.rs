use super::{Finding, Rule, RuleContext, RuleMeta, Severity};
use crate::model::{Observation, Violation};

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

impl Rule for TapUnterminatedSubtest {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for ev in cx.artifacts {
            for obs in &ev.observations {
                if let Observation::ProtocolViolation { violation: Violation::UnterminatedSubtest, detail, position } =
                    obs
                {
                    out.push(META.finding(detail.clone()).artifact(&ev.info.path).position(position));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Format, Position};
    use crate::rules::testing::{evidence, policy, run};

    fn with(violation: Violation) -> Vec<Finding> {
        let mut ev = evidence("r", Format::Tap);
        ev.observe(Observation::ProtocolViolation {
            violation,
            detail: "subtest \"database\" is still open when the stream ends at line 4".into(),
            position: Position::line(4),
        });
        run(&TapUnterminatedSubtest, &[ev], &policy())
    }

    #[test]
    fn reports_its_violation_with_position() {
        let found = with(Violation::UnterminatedSubtest);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].rule, "TG024");
        assert_eq!(found[0].severity, Severity::Discrepancy);
        assert_eq!(found[0].position, Some(Position::line(4)));
        assert_eq!(found[0].message, "subtest \"database\" is still open when the stream ends at line 4");
    }

    #[test]
    fn ignores_other_violations() {
        let other =
            if Violation::UnterminatedSubtest == Violation::Schema { Violation::BailOut } else { Violation::Schema };
        assert!(with(other).is_empty());
    }
}
