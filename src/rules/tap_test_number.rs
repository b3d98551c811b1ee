use super::{Finding, Rule, RuleContext, RuleMeta, Severity};
use crate::model::{Observation, Violation};

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

impl Rule for TapTestNumber {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for ev in cx.artifacts {
            for obs in &ev.observations {
                if let Observation::ProtocolViolation { violation: Violation::TestNumber, detail, position } = obs {
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
            detail: "the TAP stream: test number 3 where 2 was expected (out of order or repeated)".into(),
            position: Position::line(4),
        });
        run(&TapTestNumber, &[ev], &policy())
    }

    #[test]
    fn reports_its_violation_with_position() {
        let found = with(Violation::TestNumber);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].rule, "TG022");
        assert_eq!(found[0].severity, Severity::Discrepancy);
        assert_eq!(found[0].position, Some(Position::line(4)));
        assert_eq!(found[0].message, "the TAP stream: test number 3 where 2 was expected (out of order or repeated)");
    }

    #[test]
    fn ignores_other_violations() {
        let other = if Violation::TestNumber == Violation::Schema { Violation::BailOut } else { Violation::Schema };
        assert!(with(other).is_empty());
    }
}
