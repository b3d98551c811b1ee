use super::{Finding, Rule, RuleContext, RuleMeta, Severity, suites};

pub struct SuiteExitContradiction;

static META: RuleMeta = RuleMeta {
    code: "TG220",
    name: "suite-exit-contradiction",
    summary: "a suite's exit status contradicts the reports it wrote",
    severity: Severity::Discrepancy,
    doc: r#"## What it checks
For each suite recorded in the ledger (`truegreen check --ledger FILE`), compares how its
command ended with the failures its own reports record, in both directions:
- a non-zero exit (or death by a signal) while its reports record no failure: the suite
  failed somewhere no report shows (a `set -e` abort between two tests, a crash in
  teardown, a helper that returned non-zero);
- exit 0 while its reports record failures: the harness swallowed its own failure.

A suite that wrote no results at all is reported by TG221 instead.

## Why it matters
The exit status and the report are two witnesses of the same suite. In my_hypervisor's
runner (issue 44) `test_end` returned non-zero under `set -e`, the suite stopped, and the
top-level runner summed only the result files it found and printed `ALL TESTS PASSED`.

## Example
`{"suite":"vm","exit_status":1,"reports":["results/vm.results"]}` where
`results/vm.results` says `failed=0`.

## How to fix
Read the suite's log for the failure its report does not show, and make the harness
record every failure in its results (for example by exporting them from an EXIT trap).
"#,
};

rule_meta!(SuiteExitContradiction);

impl Rule for SuiteExitContradiction {
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for (ledger, run) in suites::runs(cx) {
            if run.spawn_error.is_some() {
                continue;
            }
            let reports: Vec<_> = suites::artifacts_at(cx, &run.reports).collect();
            if reports.iter().all(|ev| ev.tally.total() == 0) {
                continue; // no results at all: TG221
            }
            let failures: u64 = reports.iter().map(|ev| ev.tally.failures()).sum();
            let suite = &run.suite;
            if run.failed() && failures == 0 {
                out.push(
                    META.finding(format!(
                        "suite {suite:?} {}, but its reports record no failure: \
                         it failed somewhere no report shows",
                        run.describe_exit()
                    ))
                    .artifact(&ledger.info.path)
                    .position(&run.position)
                    .side_by_side(format!("exit status {}", run.exit_status), "0 failures in its reports"),
                );
            } else if !run.failed() && failures > 0 {
                out.push(
                    META.finding(format!("suite {suite:?} exited 0, but its reports record {failures} failure(s)"))
                        .artifact(&ledger.info.path)
                        .position(&run.position)
                        .side_by_side("exit status 0", format!("{failures} failure(s) in its reports")),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Case, CaseOutcome, Format, Observation};
    use crate::rules::testing::{evidence, policy, run, suite_run};

    fn check(exit_status: i32, outcome: CaseOutcome) -> Vec<Finding> {
        let mut ledger = evidence("suites.jsonl", Format::TruegreenLedger);
        ledger.observe(Observation::SuiteRun(suite_run("vm", exit_status, &["r/vm.results"])));
        let mut report = evidence("r/vm.results", Format::KeyValueCounts);
        report.add_case(Case::new("t", outcome));
        run(&SuiteExitContradiction, &[ledger, report], &policy())
    }

    #[test]
    fn nonzero_exit_without_failures_is_reported_naming_the_suite() {
        let found = check(1, CaseOutcome::Passed);
        assert_eq!(found.len(), 1);
        assert!(found[0].message.starts_with("suite \"vm\" exited 1"), "{}", found[0].message);
        assert_eq!(found[0].artifact.as_deref(), Some("suites.jsonl"));
    }

    #[test]
    fn zero_exit_with_failures_is_reported() {
        assert_eq!(check(0, CaseOutcome::Failed).len(), 1);
    }

    #[test]
    fn agreeing_suites_are_fine() {
        assert!(check(0, CaseOutcome::Passed).is_empty());
        assert!(check(1, CaseOutcome::Failed).is_empty());
    }
}
