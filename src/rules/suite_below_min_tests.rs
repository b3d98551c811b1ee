use super::{Finding, Rule, RuleContext, RuleMeta, Severity, suites};

pub struct SuiteBelowMinTests;

static META: RuleMeta = RuleMeta {
    code: "TG225",
    name: "suite-below-min-tests",
    summary: "a suite executed fewer cases than its configured minimum",
    severity: Severity::Discrepancy,
    doc: r#"## What it checks
For each suite with `min-tests` in `.truegreen.yml`, counts the cases executed in the
suite's reports (the reports its ledger records list, or without a ledger the reports
matching its `reports:` patterns) and reports a suite below its minimum.

A suite with no report at all is reported by TG221 or TG223 instead.

## Why it matters
A run-wide minimum hides one suite collapsing while the others carry the count. A suite
that collects 3 tests instead of 300 still passes every other check.

## Example
`suites: {vm: {reports: [results/vm.results], min-tests: 20}}` and `results/vm.results`
says `passed=2 failed=0`.

## How to fix
Find out why the suite ran fewer cases (a filter, a collection error, an early exit), or
lower its `min-tests` when it shrank on purpose.
"#,
};

rule_meta!(SuiteBelowMinTests);

impl Rule for SuiteBelowMinTests {
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for suite in &cx.policy.run.suites {
            let Some(min) = suite.min_tests else { continue };
            if suite.reports.is_empty() {
                continue;
            }
            let executed: u64 = suites::artifacts_at(cx, &suite.reports).map(|ev| ev.tally.executed()).sum();
            if executed < min {
                out.push(
                    META.finding(format!(
                        "suite {:?} executed {executed} case(s), fewer than its min-tests of {min}",
                        suite.name
                    ))
                    .side_by_side(format!("at least {min}"), format!("{executed} executed")),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Case, CaseOutcome, Format};
    use crate::rules::SuitePolicy;
    use crate::rules::testing::{evidence, policy, run};

    #[test]
    fn suites_below_their_minimum_are_named() {
        let mut ev = evidence("r/vm.results", Format::KeyValueCounts);
        ev.add_case(Case::new("a", CaseOutcome::Passed));
        let mut policy = policy();
        policy.run.suites = vec![SuitePolicy {
            name: "vm".into(),
            min_tests: Some(2),
            allow_empty: false,
            reports: vec!["r/vm.results".into()],
        }];
        let found = run(&SuiteBelowMinTests, std::slice::from_ref(&ev), &policy);
        assert_eq!(found.len(), 1);
        assert!(found[0].message.starts_with("suite \"vm\" executed 1"), "{}", found[0].message);
        policy.run.suites[0].min_tests = Some(1);
        assert!(run(&SuiteBelowMinTests, &[ev], &policy).is_empty());
    }
}
