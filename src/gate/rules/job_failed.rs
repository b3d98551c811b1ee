use super::{GateFinding, GateRule, rule_meta};
use crate::gate::GateResult;
use crate::gate::needs::JobOutcome;
use crate::rules::{RuleMeta, Severity};

pub struct JobFailed;

static META: RuleMeta = RuleMeta {
    code: "TG240",
    name: "job-failed",
    summary: "a needed job failed",
    severity: Severity::Failure,
    doc: r#"## What it checks
With `--needs`, reports each needed job whose result is `failure` and that
`--allow-failure` does not name.

## Why it matters
This is the job-level half of the gate, as re-actors/alls-green does it: one required check
that fails when any job it depends on fails. For a matrix job, `needs.<job>.result` is one
value for all cells; the cell verdicts say which cell failed.

## Example
`{"lint": {"result": "failure", "outputs": {}}}`.

## How to fix
Open the failed job's log. Jobs allowed to fail (experimental ones) belong in
`--allow-failure`.
"#,
};

rule_meta!(JobFailed);

impl GateRule for JobFailed {
    fn judge(&self, gate: &GateResult, out: &mut Vec<GateFinding>) {
        for job in gate.jobs.iter().filter(|j| j.outcome == JobOutcome::Failure) {
            out.push(GateFinding::new(&META, format!("job `{}` failed", crate::text::truncate(&job.name, 100))));
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
    fn a_failure_fails_unless_allowed() -> Result<(), crate::gate::needs::NeedsError> {
        let needs = r#"{"lint": {"result": "failure"}, "test": {"result": "success"}}"#;
        let g = gate(Expectation::none(), vec![], judge_needs(needs, &[], &[])?);
        let found = judge(&JobFailed, &g);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].finding.message, "job `lint` failed");
        let allowed = judge_needs(needs, &["lint".to_owned()], &[])?;
        assert!(judge(&JobFailed, &gate(Expectation::none(), vec![], allowed)).is_empty());
        Ok(())
    }
}
