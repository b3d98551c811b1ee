use super::{Finding, Rule, RuleContext, RuleMeta, Severity, provenance};
use crate::model::ProvenanceKind;

pub struct ProvenanceDisagreement;

static META: RuleMeta = RuleMeta {
    code: "TG306",
    name: "provenance-disagreement",
    summary: "the artifacts of one check come from different commits or CI runs",
    severity: Severity::Discrepancy,
    doc: r#"## What it checks
When the commit under test or the run id is unknown (no `--commit`, `GITHUB_SHA` or git
work tree; no `--run-id` or `GITHUB_RUN_ID`), compares the artifacts with each other:
commits (by prefix) and CI run ids must agree across all of them. When the reference is
known, TG302 and TG303 compare each artifact with it instead.

## Why it matters
Evidence checked together is judged as one run. Two commits or two run ids among the
artifacts mean at least one of them is left over from another run, even when truegreen
cannot tell which.

## Example
`environment.json` says `git_sha: 1a2b3c4`, the drop-in verdict says `git_commit: 9f8e7d6`.

## How to fix
Pass `--commit` so that the stale artifact is named, then regenerate it.
"#,
};

impl Rule for ProvenanceDisagreement {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        if cx.policy.run.commit.is_none() {
            self.compare(cx, ProvenanceKind::Commit, "commits", provenance::same_commit, out);
        }
        if cx.policy.run.run_id.is_none() {
            self.compare(cx, ProvenanceKind::RunId, "CI run ids", |a, b| Some(a.trim() == b.trim()), out);
        }
    }
}

impl ProvenanceDisagreement {
    fn compare(
        &self,
        cx: &RuleContext<'_>,
        kind: ProvenanceKind,
        label: &str,
        same: impl Fn(&str, &str) -> Option<bool>,
        out: &mut Vec<Finding>,
    ) {
        // The first value seen, and each value that agrees with no earlier one.
        let mut distinct: Vec<(&str, &str, &str)> = Vec::new();
        for ev in cx.artifacts {
            for p in ev.provenance.iter().filter(|p| p.kind == kind) {
                let agrees = distinct.iter().any(|(v, _, _)| same(v, &p.value) != Some(false));
                if !agrees {
                    distinct.push((&p.value, &p.field, &ev.info.path));
                }
            }
        }
        if distinct.len() > 1 {
            let list: Vec<String> =
                distinct.iter().map(|(value, field, path)| format!("{path} ({field} {value})")).collect();
            out.push(
                META.finding(format!(
                    "the artifacts name {} different {label}: {}; all but one are stale",
                    distinct.len(),
                    list.join(", ")
                ))
                .artifact(distinct[1].2),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Format;
    use crate::rules::testing::{evidence, policy, run};

    fn with_commit(path: &str, sha: &str) -> crate::model::Evidence {
        let mut ev = evidence(path, Format::PiDropinVerdict);
        ev.add_provenance(ProvenanceKind::Commit, "git_commit", sha);
        ev
    }

    #[test]
    fn different_commits_without_a_reference_are_reported() {
        let artifacts =
            [with_commit("a.json", "1a2b3c4d"), with_commit("b.json", "1a2b3c4"), with_commit("c.json", "9f8e7d6")];
        let found = run(&ProvenanceDisagreement, &artifacts, &policy());
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("2 different commits"), "{}", found[0].message);
        assert_eq!(found[0].artifact.as_deref(), Some("c.json"));
        let mut policy = policy();
        policy.run.commit = Some("1a2b3c4".into());
        assert!(run(&ProvenanceDisagreement, &artifacts, &policy).is_empty(), "TG302 takes over");
    }
}
