use super::{GateFinding, GateRule, rule_meta};
use crate::gate::GateResult;
use crate::gate::needs::JobOutcome;
use crate::rules::{RuleMeta, Severity};

pub struct JobSkipped;

static META: RuleMeta = RuleMeta {
    code: "TG239",
    name: "job-skipped",
    summary: "a required needed job was skipped",
    severity: Severity::Discrepancy,
    doc: r#"## What it checks
With `--needs`, reports each needed job whose result is `skipped` and that `--allow-skip`
does not name.

## Why it matters
GitHub counts a skipped required check as passing, and a job skipped because an `if:` was
false or a job it needs failed has tested nothing. A required job that was skipped is the
quietest false green there is.

## Example
`test` has `if: github.event_name == 'push'`, and the pull request's gate sees
`{"test": {"result": "skipped"}}`.

## How to fix
If the job is meant to be skipped sometimes, say so with `--allow-skip test`. Otherwise find
why it was skipped (its `if:`, or a failed job it needs).
"#,
};

rule_meta!(JobSkipped);

impl GateRule for JobSkipped {
    fn judge(&self, gate: &GateResult, out: &mut Vec<GateFinding>) {
        for job in gate.jobs.iter().filter(|j| j.outcome == JobOutcome::Skipped) {
            out.push(GateFinding::new(
                &META,
                format!(
                    "job `{}` was skipped and --allow-skip does not name it",
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
    fn a_skip_needs_allow_skip() -> Result<(), crate::gate::needs::NeedsError> {
        let needs = r#"{"docs": {"result": "skipped"}}"#;
        let found = judge(&JobSkipped, &gate(Expectation::none(), vec![], judge_needs(needs, &[], &[])?));
        assert_eq!(found.len(), 1);
        let allowed = judge_needs(needs, &[], &["docs".to_owned()])?;
        assert!(judge(&JobSkipped, &gate(Expectation::none(), vec![], allowed)).is_empty());
        Ok(())
    }
}
