use super::{Finding, FloorPolicy, Rule, RuleContext, RuleMeta, Severity};

pub struct TestCountFloor;

static META: RuleMeta = RuleMeta {
    code: "TG224",
    name: "test-count-floor",
    summary: "fewer cases executed than the configured floor",
    severity: Severity::Discrepancy,
    doc: r#"## What it checks
With `floor:` in `.truegreen.yml`, requires the cases executed across all reports to
reach:
- `floor: N`: N cases; or
- `floor: {percent: X, baseline: verdict.json}`: X% of the cases executed in a previous
  truegreen verdict document (`totals.executed` of a `--json` output), rounded up.

A baseline that cannot be read or holds no executed count is reported too: the floor
cannot be checked, so the run cannot pass.

## Why it matters
`--min-tests` catches a run that executes nothing. A floor relative to the last good run
catches a suite that quietly shrinks: a filter that drops a directory, a test module that
stops being collected, a matrix cell that loses half its tests.

## Example
The baseline executed 1,200 cases, `percent: 90`, and this run executed 600.

## How to fix
Find which tests stopped running (compare the two verdict documents), or update the
baseline when the suite shrank on purpose.
"#,
};

rule_meta!(TestCountFloor);

impl Rule for TestCountFloor {
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let Some(floor) = &cx.policy.run.floor else { return };
        let executed: u64 = cx.artifacts.iter().map(|ev| ev.tally.executed()).sum();
        match floor {
            FloorPolicy::Minimum { executed: min, basis } => {
                if executed < *min {
                    out.push(
                        META.finding(format!("{executed} case(s) executed, below the floor of {min} ({basis})"))
                            .side_by_side(format!("at least {min}"), format!("{executed} executed")),
                    );
                }
            }
            FloorPolicy::Unverifiable { basis, error } => {
                out.push(META.finding(format!("the floor ({basis}) cannot be checked: {error}")));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Case, CaseOutcome, Format};
    use crate::rules::testing::{evidence, policy, run};

    #[test]
    fn executed_cases_below_the_floor_are_reported() {
        let mut ev = evidence("k.ndjson", Format::Kane);
        ev.add_case(Case::new("a", CaseOutcome::Passed));
        ev.add_case(Case::new("b", CaseOutcome::Skipped));
        let mut policy = policy();
        policy.run.floor = Some(FloorPolicy::Minimum { executed: 2, basis: "floor: 2".into() });
        let found = run(&TestCountFloor, std::slice::from_ref(&ev), &policy);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].message, "1 case(s) executed, below the floor of 2 (floor: 2)");
        policy.run.floor = Some(FloorPolicy::Minimum { executed: 1, basis: "floor: 1".into() });
        assert!(run(&TestCountFloor, &[ev], &policy).is_empty());
    }

    #[test]
    fn an_unreadable_baseline_is_reported() {
        let mut policy = policy();
        policy.run.floor =
            Some(FloorPolicy::Unverifiable { basis: "90% of b.json".into(), error: "no such file".into() });
        assert_eq!(run(&TestCountFloor, &[], &policy).len(), 1);
    }
}
