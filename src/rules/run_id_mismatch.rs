use super::{Finding, Rule, RuleContext, RuleMeta, Severity};
use crate::model::ProvenanceKind;

pub struct RunIdMismatch;

static META: RuleMeta = RuleMeta {
    code: "TG303",
    name: "run-id-mismatch",
    summary: "an artifact carries another run's id",
    severity: Severity::Discrepancy,
    doc: r#"## What it checks
Compares the run identifiers artifacts embed with the run being judged:
- CI run ids (a report's build or run number) against `--run-id`, default `GITHUB_RUN_ID`;
- correlation ids (pi's `correlation_id` in `result.json`, `summary.json` and the
  diagnostics files) against `--correlation-id`, when given.

Producer-internal ids that truegreen cannot know in advance (kane's `session_id` and
`execution_id`) are not compared with either; they are recorded in the verdict document.

## Why it matters
A report from another run of the same job has the right shape, the right names and a
plausible result, and is about something else. An id is the cheapest proof that an
artifact belongs to this run.

## Example
`"correlation_id": "20260206T184406Z-shard0"` checked with
`--correlation-id 20260207T090000Z-shard0`.

## How to fix
Find where the old artifact came from (a cache, an artifact download, a directory reused
between runs) and make the step that should write it write it.
"#,
};

rule_meta!(RunIdMismatch);

impl Rule for RunIdMismatch {
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let run = &cx.policy.run;
        for ev in cx.artifacts {
            for p in &ev.provenance {
                let (expected, label) = match p.kind {
                    ProvenanceKind::RunId => (run.run_id.as_deref(), "run id"),
                    ProvenanceKind::CorrelationId => (run.correlation_id.as_deref(), "correlation id"),
                    _ => continue,
                };
                let Some(expected) = expected else { continue };
                if p.value.trim() != expected.trim() {
                    out.push(
                        META.finding(format!(
                            "{} is {:?}, but this run's {label} is {expected:?}: the artifact is from another run",
                            p.field, p.value
                        ))
                        .artifact(&ev.info.path)
                        .position(&crate::model::Position::field(p.field.clone()))
                        .side_by_side(format!("{} {}", p.field, p.value), format!("{label} {expected}")),
                    );
                }
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
    fn ids_of_another_run_are_reported_and_session_ids_are_not_compared() {
        let mut ev = evidence("result.json", Format::PiResult);
        ev.add_provenance(ProvenanceKind::CorrelationId, "correlation_id", "20260206T184406Z-shard0");
        ev.add_provenance(ProvenanceKind::RunId, "run_id", "1234");
        ev.add_provenance(ProvenanceKind::SessionId, "session_id", "bd19b0e3");
        let mut policy = policy();
        assert!(run(&RunIdMismatch, std::slice::from_ref(&ev), &policy).is_empty(), "nothing to compare with");
        policy.run.run_id = Some("1234".into());
        policy.run.correlation_id = Some("20260207T090000Z-shard0".into());
        let found = run(&RunIdMismatch, &[ev], &policy);
        assert_eq!(found.len(), 1);
        assert!(found[0].message.starts_with("correlation_id is"), "{}", found[0].message);
    }
}
