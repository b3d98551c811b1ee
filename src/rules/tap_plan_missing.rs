use super::{Finding, Rule, RuleContext, RuleMeta, Severity};
use crate::model::{Observation, Violation};

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

impl Rule for TapPlanMissing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for ev in cx.artifacts {
            for obs in &ev.observations {
                if let Observation::ProtocolViolation { violation: Violation::PlanMissing, detail, position } = obs {
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
            detail: "the TAP stream has 2 test point(s) and no plan (1..N)".into(),
            position: Position::line(4),
        });
        run(&TapPlanMissing, &[ev], &policy())
    }

    #[test]
    fn reports_its_violation_with_position() {
        let found = with(Violation::PlanMissing);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].rule, "TG020");
        assert_eq!(found[0].severity, Severity::Discrepancy);
        assert_eq!(found[0].position, Some(Position::line(4)));
        assert_eq!(found[0].message, "the TAP stream has 2 test point(s) and no plan (1..N)");
    }

    #[test]
    fn ignores_other_violations() {
        let other = if Violation::PlanMissing == Violation::Schema { Violation::BailOut } else { Violation::Schema };
        assert!(with(other).is_empty());
    }
}
