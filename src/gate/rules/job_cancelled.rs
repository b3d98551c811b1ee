use super::{GateFinding, GateRule, rule_meta};
use crate::gate::GateResult;
use crate::gate::needs::JobOutcome;
use crate::rules::{RuleMeta, Severity};

pub struct JobCancelled;

static META: RuleMeta = RuleMeta {
    code: "TG238",
    name: "job-cancelled",
    summary: "a needed job was cancelled",
    severity: Severity::Discrepancy,
    doc: r#"## What it checks
With `--needs "$NEEDS"` (`NEEDS: ${{ toJSON(needs) }}`), reports each needed job whose result
is `cancelled`. No flag allows it: `--allow-failure` and `--allow-skip` do not cover a
cancellation.

## Why it matters
A cancelled job did not finish its checks, so nothing is known about them. Treating a
cancellation as a skip or a pass is how gates go green on runs that never completed
(re-actors/alls-green#7 rejected exactly that).

## Example
`{"test": {"result": "cancelled", "outputs": {}}}` after a newer push cancelled the run.

## How to fix
Re-run the workflow. If cancellations are expected (concurrency groups), make sure the
newer run's gate is the required check.
"#,
};

rule_meta!(JobCancelled);

impl GateRule for JobCancelled {
    fn judge(&self, gate: &GateResult, out: &mut Vec<GateFinding>) {
        for job in gate.jobs.iter().filter(|j| j.outcome == JobOutcome::Cancelled) {
            out.push(GateFinding::new(
                &META,
                format!(
                    "job `{}` was cancelled; a cancelled job is never a pass",
                    crate::text::truncate(&job.name, 100)
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gate::Expectation;
    use crate::gate::needs::judge as judge_needs;
    use crate::gate::rules::testing::{gate, judge};

    #[test]
    fn cancelled_is_reported_even_when_allowed_to_fail_and_skip() -> Result<(), crate::gate::needs::NeedsError> {
        let allow = ["test".to_owned()];
        let jobs = judge_needs(r#"{"test": {"result": "cancelled"}}"#, &allow, &allow)?;
        let found = judge(&JobCancelled, &gate(Expectation::none(), vec![], jobs));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].finding.message, "job `test` was cancelled; a cancelled job is never a pass");
        Ok(())
    }
}
