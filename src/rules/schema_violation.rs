use super::{Finding, Rule, RuleContext, RuleMeta, Severity};
use crate::model::Violation;

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

rule_meta!(SchemaViolation);

impl Rule for SchemaViolation {
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        super::protocol::report(cx, Violation::Schema, &META, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_its_violation_and_no_other() {
        super::super::protocol::assert_reports_only(&SchemaViolation, Violation::Schema);
    }
}
