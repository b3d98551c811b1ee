use super::{Finding, Rule, RuleContext, RuleMeta, Severity};
use crate::model::{Observation, Violation};

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

impl Rule for TapPlanMisplaced {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for ev in cx.artifacts {
            for obs in &ev.observations {
                if let Observation::ProtocolViolation { violation: Violation::PlanMisplaced, detail, position } = obs {
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
            detail: "the TAP stream: a second plan; the first is at line 1".into(),
            position: Position::line(4),
        });
        run(&TapPlanMisplaced, &[ev], &policy())
    }

    #[test]
    fn reports_its_violation_with_position() {
        let found = with(Violation::PlanMisplaced);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].rule, "TG021");
        assert_eq!(found[0].severity, Severity::Discrepancy);
        assert_eq!(found[0].position, Some(Position::line(4)));
        assert_eq!(found[0].message, "the TAP stream: a second plan; the first is at line 1");
    }

    #[test]
    fn ignores_other_violations() {
        let other = if Violation::PlanMisplaced == Violation::Schema { Violation::BailOut } else { Violation::Schema };
        assert!(with(other).is_empty());
    }
}
