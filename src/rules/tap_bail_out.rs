use super::{Finding, Rule, RuleContext, RuleMeta, Severity};
use crate::model::{Observation, Violation};

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

impl Rule for TapBailOut {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for ev in cx.artifacts {
            for obs in &ev.observations {
                if let Observation::ProtocolViolation { violation: Violation::BailOut, detail, position } = obs {
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
            detail: "Bail out! in the TAP stream: database unreachable".into(),
            position: Position::line(4),
        });
        run(&TapBailOut, &[ev], &policy())
    }

    #[test]
    fn reports_its_violation_with_position() {
        let found = with(Violation::BailOut);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].rule, "TG023");
        assert_eq!(found[0].severity, Severity::Discrepancy);
        assert_eq!(found[0].position, Some(Position::line(4)));
        assert_eq!(found[0].message, "Bail out! in the TAP stream: database unreachable");
    }

    #[test]
    fn ignores_other_violations() {
        let other = if Violation::BailOut == Violation::Schema { Violation::BailOut } else { Violation::Schema };
        assert!(with(other).is_empty());
    }
}
