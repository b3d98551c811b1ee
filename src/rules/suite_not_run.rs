use super::{Finding, Rule, RuleContext, RuleMeta, Severity, suites};

pub struct SuiteNotRun;

static META: RuleMeta = RuleMeta {
    code: "TG222",
    name: "suite-not-run",
    summary: "a suite the configuration expects is absent from the ledger",
    severity: Severity::Discrepancy,
    doc: r#"## What it checks
With `truegreen check --ledger FILE`, requires every suite declared under `suites:` in
`.truegreen.yml` to have at least one record in the ledger.

## Why it matters
A runner that loops over `tests/suite_*.sh` silently runs fewer suites when one is
renamed, deleted, filtered out or skipped by an early `exit`. Each suite that did run can
pass; the one that never ran cannot fail.

## Example
`.truegreen.yml` declares `suites: {unit: ..., vm: ..., net: ...}` and the ledger holds
records for `unit` and `vm` only.

## How to fix
Run the missing suite through `truegreen run --ledger FILE --suite NAME -- ...`, or remove
it from the configuration if it no longer exists.
"#,
};

rule_meta!(SuiteNotRun);

impl Rule for SuiteNotRun {
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let Some(ledger) = &cx.policy.run.ledger else { return };
        for suite in &cx.policy.run.suites {
            if !suites::runs(cx).any(|(_, run)| run.suite == suite.name) {
                out.push(
                    META.finding(format!(
                        "suite {:?} is configured but absent from the ledger: it never ran",
                        suite.name
                    ))
                    .artifact(ledger)
                    .side_by_side(format!("suite {:?} expected", suite.name), "no ledger record"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Format, Observation};
    use crate::rules::SuitePolicy;
    use crate::rules::testing::{evidence, policy, run, suite_run};

    fn suite(name: &str) -> SuitePolicy {
        SuitePolicy { name: name.into(), min_tests: None, allow_empty: false, reports: vec![] }
    }

    #[test]
    fn configured_suites_missing_from_the_ledger_are_named() {
        let mut ledger = evidence("suites.jsonl", Format::TruegreenLedger);
        ledger.observe(Observation::SuiteRun(suite_run("unit", 0, &[])));
        let mut policy = policy();
        policy.run.suites = vec![suite("unit"), suite("net")];
        assert!(run(&SuiteNotRun, std::slice::from_ref(&ledger), &policy).is_empty(), "no ledger given: silent");
        policy.run.ledger = Some("suites.jsonl".into());
        let found = run(&SuiteNotRun, &[ledger], &policy);
        assert_eq!(found.len(), 1);
        assert!(found[0].message.starts_with("suite \"net\""), "{}", found[0].message);
    }
}
