use super::{GateFinding, GateRule, rule_meta};
use crate::gate::GateResult;
use crate::gate::needs::JobOutcome;
use crate::rules::{RuleMeta, Severity};

pub struct JobUnknownResult;

static META: RuleMeta = RuleMeta {
    code: "TG241",
    name: "job-unknown-result",
    summary: "a needed job's result is missing or unknown",
    severity: Severity::Discrepancy,
    doc: r#"## What it checks
With `--needs`, reports each needed job whose `result` is missing, not a string, or not one
of `success`, `failure`, `cancelled`, `skipped`.

## Why it matters
A gate that does not understand an input must not pass it. A hand-built or truncated `needs`
JSON, or a result value GitHub adds in future, fails closed until someone decides what it
means.

## Example
`--needs '{"test": {"outputs": {}}}'`, or a result of `"neutral"`.

## How to fix
Pass the `needs` context unchanged: `NEEDS: ${{ toJSON(needs) }}` and `--needs "$NEEDS"`.
"#,
};

rule_meta!(JobUnknownResult);

impl GateRule for JobUnknownResult {
    fn judge(&self, gate: &GateResult, out: &mut Vec<GateFinding>) {
        for job in gate.jobs.iter().filter(|j| j.outcome == JobOutcome::Unknown) {
            let result = match &job.result {
                Some(r) => format!("result {:?}", crate::text::truncate(r, 60)),
                None => "no result".to_owned(),
            };
            out.push(GateFinding::new(
                &META,
                format!("job `{}` has {result}; the gate fails closed on it", crate::text::truncate(&job.name, 100)),
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
    fn missing_and_unknown_results_fail_closed() -> Result<(), crate::gate::needs::NeedsError> {
        let jobs = judge_needs(r#"{"a": {"result": "neutral"}, "b": {"outputs": {}}}"#, &[], &[])?;
        let found = judge(&JobUnknownResult, &gate(Expectation::none(), vec![], jobs));
        let messages: Vec<&str> = found.iter().map(|f| f.finding.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "job `a` has result \"neutral\"; the gate fails closed on it",
                "job `b` has no result; the gate fails closed on it"
            ]
        );
        Ok(())
    }
}
