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

An artifact that identifies the run of its whole directory (pi's `environment.json`, written at
the top of the run folder) is also compared with every artifact below it, on commit, run id
and correlation id: a `result.json` naming another correlation id than its run folder's
`environment.json` was left there by an earlier run (the stale-state flake of fbi PR 6).

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

rule_meta!(ProvenanceDisagreement);

impl Rule for ProvenanceDisagreement {
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let same_id = |a: &str, b: &str| Some(a.trim() == b.trim());
        if cx.policy.run.commit.is_none() {
            self.compare(cx, ProvenanceKind::Commit, "commits", provenance::same_commit, out);
            self.within_run_directories(cx, ProvenanceKind::Commit, "commit", provenance::same_commit, out);
        }
        if cx.policy.run.run_id.is_none() {
            self.compare(cx, ProvenanceKind::RunId, "CI run ids", same_id, out);
            self.within_run_directories(cx, ProvenanceKind::RunId, "run id", same_id, out);
        }
        if cx.policy.run.correlation_id.is_none() {
            self.within_run_directories(cx, ProvenanceKind::CorrelationId, "correlation id", same_id, out);
        }
    }
}

impl ProvenanceDisagreement {
    /// Every artifact below a run manifest's directory must agree with it.
    fn within_run_directories(
        &self,
        cx: &RuleContext<'_>,
        kind: ProvenanceKind,
        label: &str,
        same: impl Fn(&str, &str) -> Option<bool>,
        out: &mut Vec<Finding>,
    ) {
        for manifest in cx.artifacts {
            let Some(run) = manifest.provenance.iter().find(|p| p.kind == kind && p.covers_directory) else {
                continue;
            };
            let manifest_path = crate::discover::normalize(&manifest.info.path);
            let dir = manifest_path.rsplit_once('/').map_or("", |(dir, _)| dir);
            for ev in cx.artifacts {
                let path = crate::discover::normalize(&ev.info.path);
                let below = if dir.is_empty() { path != manifest_path } else { path.starts_with(&format!("{dir}/")) };
                if !below || path == manifest_path {
                    continue;
                }
                if let Some(stale) =
                    ev.provenance.iter().find(|p| p.kind == kind && same(&run.value, &p.value) == Some(false))
                {
                    out.push(
                        META.finding(format!(
                            "{} names {label} {}, but {} says its folder is run {}: the artifact is left over from another run",
                            ev.info.path, stale.value, manifest.info.path, run.value
                        ))
                        .artifact(&ev.info.path)
                        .position(&crate::model::Position::field(stale.field.clone()))
                        .side_by_side(format!("{} {}", stale.field, stale.value), format!("{label} {} ({})", run.value, manifest.info.path)),
                    );
                }
            }
        }
    }

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
    fn an_artifact_below_a_run_manifest_must_name_the_same_run() {
        let mut env = evidence("e2e/20261120/environment.json", Format::PiEnvironment);
        env.add_provenance(ProvenanceKind::CorrelationId, "correlation_id", "20261120-linux");
        env.provenance_covers_directory();
        let mut stale = evidence("e2e/20261120/rpc/result.json", Format::PiResult);
        stale.add_provenance(ProvenanceKind::CorrelationId, "correlation_id", "20261119-linux");
        let mut fresh = evidence("e2e/20261120/tui/result.json", Format::PiResult);
        fresh.add_provenance(ProvenanceKind::CorrelationId, "correlation_id", "20261120-linux");
        let mut elsewhere = evidence("e2e/20261119/rpc/result.json", Format::PiResult);
        elsewhere.add_provenance(ProvenanceKind::CorrelationId, "correlation_id", "20261119-linux");
        let found = run(&ProvenanceDisagreement, &[env, stale, fresh, elsewhere], &policy());
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].artifact.as_deref(), Some("e2e/20261120/rpc/result.json"));
        assert!(found[0].message.contains("left over from another run"), "{}", found[0].message);
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
