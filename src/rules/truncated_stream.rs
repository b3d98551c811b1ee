use super::{Finding, Rule, RuleContext, RuleMeta, Severity};
use crate::model::Observation;

pub struct TruncatedStream;

static META: RuleMeta = RuleMeta {
    code: "TG005",
    name: "truncated-stream",
    summary: "a stream stopped before its producer finished it",
    severity: Severity::Discrepancy,
    doc: r#"## What it checks
Reports a result stream that ends before the producer's own terminal event: a kane-cli
step started with no end and no summary, a summary with no matching `done` event, a run
that began and never reported an outcome.

## Why it matters
A process killed mid-run (OOM, timeout, cancelled job) leaves a prefix of a valid
stream. Everything in that prefix may have passed; what came after is unknown.

## Example
A kane stream whose last line is `test_md_step_start` for step 3.

## How to fix
Find out why the producer stopped (its stderr, the runner's log) and rerun.
"#,
};

rule_meta!(TruncatedStream);

impl Rule for TruncatedStream {
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for ev in cx.artifacts {
            for obs in &ev.observations {
                if let Observation::Truncated { detail, position } = obs {
                    out.push(META.finding(detail.clone()).artifact(&ev.info.path).position(position));
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

    #[test]
    fn reports_truncation_with_position() {
        let mut ev = evidence("k.ndjson", Format::Kane);
        ev.observe(Observation::Truncated { detail: "no test_md_summary".into(), position: Position::line(9) });
        let found = run(&TruncatedStream, &[ev], &policy());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].position, Some(Position::line(9)));
    }
}
