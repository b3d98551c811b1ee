use super::{Finding, Rule, RuleContext, RuleMeta, Severity, provenance};
use crate::model::ProvenanceKind;

pub struct CommitMismatch;

static META: RuleMeta = RuleMeta {
    code: "TG302",
    name: "commit-mismatch",
    summary: "an artifact was produced from a different commit than the one under test",
    severity: Severity::Discrepancy,
    doc: r#"## What it checks
Compares every commit an artifact embeds (pi's `environment.json` `git_sha`, the drop-in
verdict's `git_commit`, a report's VCS revision) with the commit under test: `--commit`,
else `GITHUB_SHA`, else `git rev-parse HEAD` when run inside a git work tree. Abbreviated
SHAs match by prefix (at least 7 hex digits); values that are not commit ids (`unknown`)
are not compared.

## Why it matters
An artifact built from another commit is evidence about other code: a cache restored from
a previous run, an artifact downloaded from the wrong workflow run, a report committed to
the repository and never regenerated.

## Example
`{"git_sha": "1a2b3c4"}` in a job running for `9f8e7d6...`.

## How to fix
Regenerate the artifact in this run, and check the cache keys and download steps that
brought in the old one.
"#,
};

rule_meta!(CommitMismatch);

impl Rule for CommitMismatch {
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let Some(expected) = &cx.policy.run.commit else { return };
        for ev in cx.artifacts {
            for p in ev.provenance.iter().filter(|p| p.kind == ProvenanceKind::Commit) {
                if provenance::same_commit(&p.value, expected) == Some(false) {
                    out.push(
                        META.finding(format!(
                            "{} is {}, but the commit under test is {expected}: the artifact is stale",
                            p.field, p.value
                        ))
                        .artifact(&ev.info.path)
                        .position(&crate::model::Position::field(p.field.clone()))
                        .side_by_side(format!("{} {}", p.field, p.value), format!("commit {expected}")),
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
    fn a_different_commit_is_stale_and_a_short_sha_matches() {
        let mut old = evidence("environment.json", Format::PiResult);
        old.add_provenance(ProvenanceKind::Commit, "git_sha", "1a2b3c4");
        let mut same = evidence("verdict.json", Format::PiDropinVerdict);
        same.add_provenance(ProvenanceKind::Commit, "git_commit", "9f8e7d6");
        let mut policy = policy();
        policy.run.commit = Some("9f8e7d6c5b4a39281706f5e4d3c2b1a098765432".into());
        let found = run(&CommitMismatch, &[old, same], &policy);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].artifact.as_deref(), Some("environment.json"));
        assert!(found[0].message.starts_with("git_sha is 1a2b3c4"), "{}", found[0].message);
    }
}
