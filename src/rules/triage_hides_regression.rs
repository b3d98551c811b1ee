use super::{Finding, Rule, RuleContext, RuleMeta, Severity};
use crate::model::{Observation, Status};

pub struct TriageHidesRegression;

static META: RuleMeta = RuleMeta {
    code: "TG104",
    name: "triage-hides-regression",
    summary: "a triage diff reports no regression while it lists one",
    severity: Severity::Discrepancy,
    doc: r#"## What it checks
Reads a triage diff (pi's `triage_diff.json`) and reports a status other than
`regression` while `regression_count > 0`, `new_failure_count > 0`, or the diff lists a
regression or a new failure by name.

## Why it matters
Triage diffs decide whether a failure is "known" and may be tolerated. A diff that calls
itself `stable` or `known_failures_only` while listing a pass→fail transition hides
exactly the change it exists to surface.

## Example
`{"status": "known_failures_only", "summary": {"regression_count": 1, ...}}`

## How to fix
Treat the listed regressions as new failures; fix them or file them explicitly.
"#,
};

rule_meta!(TriageHidesRegression);

impl Rule for TriageHidesRegression {
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for ev in cx.artifacts {
            for obs in &ev.observations {
                let Observation::TriageStatus {
                    claimed_raw,
                    claimed,
                    regression_count,
                    new_failure_count,
                    listed,
                    position,
                } = obs
                else {
                    continue;
                };
                let hidden = *regression_count > 0 || *new_failure_count > 0 || !listed.is_empty();
                if hidden && *claimed != Status::Fail {
                    let names = if listed.is_empty() { String::new() } else { format!(" ({})", listed.join(", ")) };
                    out.push(
                        META.finding(format!(
                            "triage status {claimed_raw:?} while it lists {regression_count} regression(s) and \
                             {new_failure_count} new failure(s){names}"
                        ))
                        .artifact(&ev.info.path)
                        .position(position)
                        .side_by_side(
                            claimed_raw.clone(),
                            format!("regression ({regression_count} regressions, {new_failure_count} new failures)"),
                        ),
                    );
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

    fn triage(claimed: Status, regressions: u64, new_failures: u64, listed: &[&str]) -> Vec<Finding> {
        let mut ev = evidence("t.json", Format::PiTriageDiff);
        ev.observe(Observation::TriageStatus {
            claimed_raw: "stable".into(),
            claimed,
            regression_count: regressions,
            new_failure_count: new_failures,
            listed: listed.iter().map(|s| s.to_string()).collect(),
            position: Position::field("status"),
        });
        run(&TriageHidesRegression, &[ev], &policy())
    }

    #[test]
    fn stable_with_regressions_or_new_failures_is_reported() {
        assert_eq!(triage(Status::Pass, 1, 0, &[]).len(), 1);
        assert_eq!(triage(Status::Pass, 0, 1, &[]).len(), 1);
        assert_eq!(triage(Status::Warn, 0, 0, &["e2e_rpc"]).len(), 1);
    }

    #[test]
    fn honest_regression_status_or_clean_diff_is_fine() {
        assert!(triage(Status::Fail, 2, 1, &["a"]).is_empty());
        assert!(triage(Status::Pass, 0, 0, &[]).is_empty());
    }
}
