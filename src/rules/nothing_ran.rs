use super::{Finding, Rule, RuleContext, RuleMeta, Severity};
use crate::model::{Observation, Tally};

pub struct NothingRan;

static META: RuleMeta = RuleMeta {
    code: "TG201",
    name: "nothing-ran",
    summary: "fewer cases executed than required",
    severity: Severity::Discrepancy,
    doc: r#"## What it checks
Counts the cases, steps and gates that actually executed (a skip is not an execution)
and reports:
- each test artifact in which nothing executed, even when others did;
- a run in which fewer than `--min-tests N` (default 1) executed in all.

Artifacts already reported as empty, unparseable or unknown are not reported twice.
An artifact of a suite configured `allow-empty: true` in `.truegreen.yml` is not asked to
hold an executed case.

## Why it matters
Zero tests is the quietest false green: a filter that matches nothing, a suite that
fails to load, a runner that exits before collecting. jest-junit writes
`tests="0" failures="0"` for a suite that failed to import; kane-cli exits 0 for a file
with no steps; pi's result.json reports PASS with every test filtered out.

## Example
`<testsuites tests="0" failures="0" errors="0">` with no testcases.

## How to fix
Check the filter, the collection errors and the runner's log; raise `--min-tests` to
the number of cases you expect so that a shrinking suite is caught too.
"#,
};

rule_meta!(NothingRan);

impl Rule for NothingRan {
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let mut totals = Tally::default();
        for ev in cx.artifacts {
            totals.add(&ev.tally);
            let already_reported = ev.observations.iter().any(|o| {
                matches!(o, Observation::Empty | Observation::Unparseable { .. } | Observation::UnknownFormat { .. })
            });
            let is_test_evidence = ev.format().is_some_and(|f| f.carries_cases());
            // A suite configured `allow-empty` may legitimately run nothing.
            let empty_allowed = cx.policy.run.empty_allowed.contains(&ev.info.path);
            if is_test_evidence && !already_reported && !empty_allowed && ev.tally.executed() == 0 {
                let skipped = ev.tally.skipped;
                let detail = if skipped > 0 { format!(" ({skipped} skipped)") } else { String::new() };
                out.push(
                    META.finding(format!("nothing executed in this artifact{detail}"))
                        .artifact(&ev.info.path)
                        .side_by_side("a test artifact", format!("0 executed{detail}")),
                );
            }
        }
        let executed = totals.executed();
        let min = cx.policy.run.min_tests;
        if executed < min {
            out.push(
                META.finding(format!("{executed} case(s) executed in all, fewer than the required {min}"))
                    .side_by_side(format!("at least {min}"), format!("{executed} executed")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Case, CaseOutcome, Format};
    use crate::rules::testing::{evidence, policy, run};

    #[test]
    fn an_all_skipped_artifact_and_the_whole_run_are_reported() {
        let mut ev = evidence("k.ndjson", Format::Kane);
        ev.add_case(Case::new("s", CaseOutcome::Skipped));
        let found = run(&NothingRan, &[ev], &policy());
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].message.contains("1 skipped"));
    }

    #[test]
    fn min_tests_is_enforced_over_all_artifacts() {
        let mut ev = evidence("k.ndjson", Format::Kane);
        ev.add_case(Case::new("a", CaseOutcome::Passed));
        ev.add_case(Case::new("b", CaseOutcome::Failed));
        let mut policy = policy();
        assert!(run(&NothingRan, std::slice::from_ref(&ev), &policy).is_empty());
        policy.run.min_tests = 3;
        assert_eq!(run(&NothingRan, &[ev], &policy).len(), 1);
    }

    #[test]
    fn empty_artifacts_are_not_reported_twice() {
        let mut ev = evidence("k.ndjson", Format::Kane);
        ev.observe(Observation::Empty);
        let found = run(&NothingRan, &[ev], &policy());
        assert_eq!(found.len(), 1, "only the run-wide finding: {found:?}");
        assert!(found[0].artifact.is_none());
    }

    #[test]
    fn policy_files_need_no_cases() {
        let waivers = evidence("w.json", Format::PiWaiverAudit);
        let mut tests = evidence("k.ndjson", Format::Kane);
        tests.add_case(Case::new("a", CaseOutcome::Passed));
        assert!(run(&NothingRan, &[waivers, tests], &policy()).is_empty());
    }
}
