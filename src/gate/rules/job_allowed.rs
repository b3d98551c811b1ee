use super::{GateFinding, GateRule, rule_meta};
use crate::gate::GateResult;
use crate::gate::needs::JobOutcome;
use crate::rules::{RuleMeta, Severity};

pub struct JobAllowed;

static META: RuleMeta = RuleMeta {
    code: "TG242",
    name: "job-allowed-nonsuccess",
    summary: "a needed job failed or was skipped, as an allow flag permits",
    severity: Severity::Warning,
    doc: r#"## What it checks
With `--needs`, notes each job that failed under `--allow-failure`, or was skipped under
`--allow-skip`. It does not change the gate's exit code.

## Why it matters
An allowance that is always used stops being noticed. Listing each use keeps an
experimental job that has failed for weeks visible.

## Example
`--allow-failure nightly-toolchain` and `{"nightly-toolchain": {"result": "failure"}}`.

## How to fix
Nothing, if the allowance is still wanted; otherwise fix the job and drop it from the flag.
"#,
};

rule_meta!(JobAllowed);

impl GateRule for JobAllowed {
    fn judge(&self, gate: &GateResult, out: &mut Vec<GateFinding>) {
        for job in &gate.jobs {
            let how = match job.outcome {
                JobOutcome::AllowedFailure => "failed, which --allow-failure permits",
                JobOutcome::AllowedSkip => "was skipped, which --allow-skip permits",
                _ => continue,
            };
            out.push(GateFinding::new(&META, format!("job `{}` {how}", crate::text::truncate(&job.name, 100))));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gate::Expectation;
    use crate::gate::needs::judge as judge_needs;
    use crate::gate::rules::testing::{gate, judge};
    use crate::verdict::Status;

    #[test]
    fn allowed_outcomes_are_warnings_and_the_gate_passes() -> Result<(), crate::gate::needs::NeedsError> {
        let needs = r#"{"exp": {"result": "failure"}, "docs": {"result": "skipped"}, "t": {"result": "success"}}"#;
        let g = gate(Expectation::none(), vec![], judge_needs(needs, &["exp".to_owned()], &["docs".to_owned()])?);
        let found = judge(&JobAllowed, &g);
        assert_eq!(found.len(), 2);
        assert!(found.iter().all(|f| f.finding.severity == Severity::Warning));
        assert_eq!(g.status, Status::Pass, "{:?}", g.findings);
        Ok(())
    }
}
