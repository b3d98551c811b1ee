use super::{Finding, Rule, RuleContext, RuleMeta, Severity, suites};

pub struct SuiteWithoutResults;

static META: RuleMeta = RuleMeta {
    code: "TG221",
    name: "suite-without-results",
    summary: "a suite in the ledger wrote no results",
    severity: Severity::Discrepancy,
    doc: r#"## What it checks
For each suite recorded in the ledger (`truegreen check --ledger FILE`), requires at least
one report written during its run that holds a result (a case, step or gate). Reports
that are gone, empty or unreadable do not count. A suite the configuration marks
`allow-empty: true` may write nothing when it exits 0.

## Why it matters
A suite that dies before it exports its results disappears from every total: the runner
has nothing to add up, so it adds up the other suites and reports them green. This is the
false green of my_hypervisor's `tests/run_tests.sh` (issue 44): a suite under `set -e`
stopped before `export_results`, and the runner printed `ALL TESTS PASSED`.

## Example
`{"suite":"vm","exit_status":1,"reports":[]}`: the suite exited 1 and wrote nothing.

## How to fix
Read the suite's log for why it stopped early. Make the harness write its results on
every path (an EXIT trap), and declare the suite's reports in `.truegreen.yml` so that
`truegreen run` can tell which files it wrote.
"#,
};

rule_meta!(SuiteWithoutResults);

impl Rule for SuiteWithoutResults {
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for (ledger, run) in suites::runs(cx) {
            let holds_results = suites::artifacts_at(cx, &run.reports).any(|ev| ev.tally.total() > 0);
            if holds_results {
                continue;
            }
            let allowed = suites::policy_of(cx, &run.suite).is_some_and(|s| s.allow_empty);
            if allowed && !run.failed() {
                continue;
            }
            let what = if run.reports.is_empty() {
                "wrote no report".to_owned()
            } else {
                format!("left no readable result in {}", run.reports.join(", "))
            };
            out.push(
                META.finding(format!("suite {:?} {} and {what}", run.suite, run.describe_exit()))
                    .artifact(&ledger.info.path)
                    .position(&run.position)
                    .side_by_side(format!("suite {:?} ran", run.suite), "no results"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Case, CaseOutcome, Format, Observation};
    use crate::rules::SuitePolicy;
    use crate::rules::testing::{evidence, policy, run, suite_run};

    fn ledger(exit_status: i32, reports: &[&str]) -> crate::model::Evidence {
        let mut ledger = evidence("suites.jsonl", Format::TruegreenLedger);
        ledger.observe(Observation::SuiteRun(suite_run("vm", exit_status, reports)));
        ledger
    }

    #[test]
    fn a_crashed_suite_with_no_report_is_named() {
        let found = run(&SuiteWithoutResults, &[ledger(1, &[])], &policy());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].message, "suite \"vm\" exited 1 and wrote no report");
    }

    #[test]
    fn reports_without_results_do_not_count() {
        let mut empty = evidence("r/vm.results", Format::KeyValueCounts);
        empty.observe(Observation::Empty);
        let found = run(&SuiteWithoutResults, &[ledger(0, &["r/vm.results"]), empty], &policy());
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("left no readable result in r/vm.results"), "{}", found[0].message);
    }

    #[test]
    fn a_suite_with_results_or_allowed_empty_is_fine() {
        let mut report = evidence("r/vm.results", Format::KeyValueCounts);
        report.add_case(Case::new("t", CaseOutcome::Passed));
        assert!(run(&SuiteWithoutResults, &[ledger(1, &["r/vm.results"]), report], &policy()).is_empty());
        let mut policy = policy();
        policy.run.suites.push(SuitePolicy { name: "vm".into(), min_tests: None, allow_empty: true, reports: vec![] });
        assert!(run(&SuiteWithoutResults, &[ledger(0, &[])], &policy).is_empty());
        assert_eq!(run(&SuiteWithoutResults, &[ledger(2, &[])], &policy).len(), 1, "allow-empty needs exit 0");
    }
}
