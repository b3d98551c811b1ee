use super::{Finding, Rule, RuleContext, RuleMeta, Severity};

pub struct ExpectedReportMissing;

static META: RuleMeta = RuleMeta {
    code: "TG223",
    name: "expected-report-missing",
    summary: "a report that must exist was not found",
    severity: Severity::Discrepancy,
    doc: r#"## What it checks
Every report declared as expected must lead to at least one report truegreen can read:
- `--expect PATTERN` (repeatable: a file, directory or glob);
- `expect:` in `.truegreen.yml`;
- each suite's `reports:` in `.truegreen.yml` (for `truegreen run --suite NAME`, only that
  suite's).

A pattern that matches nothing, or only files that are not reports, is reported here. An
expected report that exists but is empty is reported by TG002, one that is older than the
run by TG301.

## Why it matters
Checking only the reports that happen to exist passes whenever the failing part wrote
nothing: a crashed suite, a compile error before the test runner started, a cancelled
shard. Declaring what must exist turns that absence into a failure, even when every
report present passes.

## Example
`truegreen check --expect 'target/nextest/ci/junit.xml' reports/` after a compile error
left no `junit.xml`.

## How to fix
Find out why the producer did not write the report (its log, its exit status), or fix the
declared path.
"#,
};

rule_meta!(ExpectedReportMissing);

impl Rule for ExpectedReportMissing {
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for expected in &cx.policy.run.expected {
            if expected.matched.is_empty() {
                out.push(
                    META.finding(format!("expected report {} ({}) was not found", expected.pattern, expected.origin))
                        .artifact(&expected.pattern)
                        .side_by_side("a report", "nothing found"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::ExpectedReport;
    use crate::rules::testing::{policy, run};

    #[test]
    fn unmatched_expectations_are_reported_with_their_origin() {
        let mut policy = policy();
        policy.run.expected = vec![
            ExpectedReport { pattern: "junit.xml".into(), origin: "--expect".into(), matched: vec![] },
            ExpectedReport {
                pattern: "r/*.results".into(),
                origin: "suite \"vm\"".into(),
                matched: vec!["r/a".into()],
            },
        ];
        let found = run(&ExpectedReportMissing, &[], &policy);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].message, "expected report junit.xml (--expect) was not found");
    }
}
