use super::{Finding, Rule, RuleContext, RuleMeta, Severity};
use crate::model::Observation;

pub struct EmptyArtifact;

static META: RuleMeta = RuleMeta {
    code: "TG002",
    name: "empty-artifact",
    summary: "an artifact is empty",
    severity: Severity::Discrepancy,
    doc: r#"## What it checks
Reports an artifact of zero bytes, or one holding only whitespace, or a structure with
nothing in it where the format requires content (pi's legacy `summary.json` written as `[]`).

## Why it matters
Producers write empty files when they crash between opening and filling the file, or
when every row failed to serialize (pi's `run_e2e.sh` writes `[]` when one cost field is
`n/a`). Many readers treat an empty report as "zero failures".

## Example
`tests/e2e_results/20260206T184406Z/summary.json` containing `[]` while the TSV beside
it lists a run.

## How to fix
Make the producer write its results even on the failure path, then rerun.
"#,
};

rule_meta!(EmptyArtifact);

impl Rule for EmptyArtifact {
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for ev in cx.artifacts {
            if ev.observations.iter().any(|o| matches!(o, Observation::Empty)) {
                out.push(META.finding("the artifact is empty: it holds no results").artifact(&ev.info.path));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Format;
    use crate::rules::testing::{evidence, policy, run};

    #[test]
    fn reports_empty_artifacts_only() {
        let mut empty = evidence("a.json", Format::PiSummary);
        empty.observe(Observation::Empty);
        let full = evidence("b.json", Format::PiSummary);
        let found = run(&EmptyArtifact, &[empty, full], &policy());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].artifact.as_deref(), Some("a.json"));
    }
}
