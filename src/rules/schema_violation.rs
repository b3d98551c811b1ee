use super::{Finding, Rule, RuleContext, RuleMeta, Severity};
use crate::model::{Observation, Violation};

pub struct SchemaViolation;

static META: RuleMeta = RuleMeta {
    code: "TG025",
    name: "schema-violation",
    summary: "a report does not conform to its format's schema",
    severity: Severity::Discrepancy,
    doc: r#"## What it checks
Reports each place where a report breaks its format's published schema: a required field
missing, a value of the wrong type, a status outside the allowed values, a property the
schema does not allow, a key given twice. Today this covers CTRF
(`ctrf.schema.json`); up to 50 violations are listed, then counted.

The report is still read, so its failures are shown too. One real-world deviation is
tolerated: jest-ctrf-json-reporter writes a test's `suite` as a string instead of an array.

## Why it matters
The CTRF specification says consumers must reject documents that do not conform. A
reader that skips what it does not understand turns a broken report (a status of
`"PASS"`, a count written as a string) into a shorter and greener one.

## Example
`{"name": "login", "status": "PASS", "duration": 12}`: `status` must be one of
`passed`, `failed`, `skipped`, `pending`, `other`.

## How to fix
Fix or upgrade the reporter that wrote the file; validate its output against the schema.
"#,
};

impl Rule for SchemaViolation {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for ev in cx.artifacts {
            for obs in &ev.observations {
                if let Observation::ProtocolViolation { violation: Violation::Schema, detail, position } = obs {
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
        ev.observe(Observation::ProtocolViolation { violation, detail: "results.tests[3].status: expected one of passed, failed, skipped, pending, other, found string \"PASS\"".into(), position: Position::line(4) });
        run(&SchemaViolation, &[ev], &policy())
    }

    #[test]
    fn reports_its_violation_with_position() {
        let found = with(Violation::Schema);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].rule, "TG025");
        assert_eq!(found[0].severity, Severity::Discrepancy);
        assert_eq!(found[0].position, Some(Position::line(4)));
        assert_eq!(
            found[0].message,
            "results.tests[3].status: expected one of passed, failed, skipped, pending, other, found string \"PASS\""
        );
    }

    #[test]
    fn ignores_other_violations() {
        let other = if Violation::Schema == Violation::Schema { Violation::BailOut } else { Violation::Schema };
        assert!(with(other).is_empty());
    }
}
