use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::{Finding, Rule, RuleContext, RuleMeta, Severity};
use crate::model::{ClaimKind, Evidence, Observation, qualified_name};

pub struct ArtifactsDisagree;

static META: RuleMeta = RuleMeta {
    code: "TG110",
    name: "artifacts-disagree",
    summary: "an artifact misquotes another artifact of the same run",
    severity: Severity::Discrepancy,
    doc: r#"## What it checks
Some artifacts restate another one of the same run: pi's `certification_dossier.json`
copies the gate counts of `full_suite_verdict.json` into `ci_gate_status`, and a
`replay_bundle.json` lists the failures of the artifact named by its
`source_summary_path` (`full_suite_verdict.json` or `summary.json`). When the quoted
artifact sits beside the quoting one (same directory, same file name; a dossier kept
as `certification_dossier.<x>.json` pairs with `full_suite_verdict.<x>.json`), this
rule compares the two:
- each quoted count with the count truegreen derives from the quoted artifact's units;
- each unit the quote lists as failing with the quoted artifact's own failures.

Nothing is reported when the quoted artifact is not among the checked ones.

## Why it matters
pi writes these files in separate test runs and commits them side by side. A dossier
built from an older verdict keeps certifying gates that no longer exist; a stale replay
bundle sends you to replay a failure the verdict beside it no longer has, and misses the
ones it does have. Either way one of the two files describes another run.

## Example
`full_suite_verdict.json` lists 20 gates, all passing, while the
`certification_dossier.json` beside it quotes `total_gates: 13, failed: 1` and the
`replay_bundle.json` lists `cross_platform` as failed.

## How to fix
Regenerate the stale artifact from the same run (for pi: rerun the dossier and replay
bundle tests after the full-suite gate), or stop committing it.
"#,
};

rule_meta!(ArtifactsDisagree);

impl Rule for ArtifactsDisagree {
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for ev in cx.artifacts {
            // The quoting artifact's own record of each name, found by the part after a
            // `::`: a map, since a quote can list as many names as it has failures.
            let mut own: HashMap<&str, usize> = HashMap::new();
            for (at, f) in ev.failures.iter().enumerate() {
                own.entry(f.name.as_str()).or_insert(at);
            }
            for obs in &ev.observations {
                let Observation::Quote { source, counts, failing, position } = obs else { continue };
                let Some(quoted) = sibling(cx.artifacts, &ev.info.path, source) else { continue };
                let quoted_path = &quoted.info.path;
                // One finding per quote: the stale copy is one problem, however many counts it gets wrong.
                let wrong: Vec<(&String, u64, u64)> = counts
                    .iter()
                    .filter_map(|(field, value)| {
                        derived_count(quoted, field).filter(|d| d != value).map(|d| (field, *value, d))
                    })
                    .collect();
                if !wrong.is_empty() {
                    let list = |pick: &dyn Fn(&(&String, u64, u64)) -> u64| {
                        wrong.iter().map(|w| format!("{} = {}", w.0, pick(w))).collect::<Vec<_>>().join(", ")
                    };
                    out.push(
                        META.finding(format!(
                            "{} quotes counts of {source} that its gates do not show ({quoted_path}): {}",
                            file_name(&ev.info.path),
                            wrong
                                .iter()
                                .map(|(f, v, d)| format!("{f} {v}, counted {d}"))
                                .collect::<Vec<_>>()
                                .join("; ")
                        ))
                        .artifact(&ev.info.path)
                        .position(position)
                        .side_by_side(list(&|w| w.1), format!("{} in {source}", list(&|w| w.2))),
                    );
                }
                let failing_there: HashSet<String> = quoted
                    .failures
                    .iter()
                    .filter(|f| f.outcome.is_failure())
                    .map(|f| qualified_name(f.suite.as_deref(), &f.name))
                    .collect();
                for name in failing {
                    if !failing_there.contains(name) {
                        let replay = name
                            .match_indices("::")
                            .filter_map(|(at, _)| own.get(&name[at + 2..]).copied())
                            .min()
                            .and_then(|at| ev.failures.get(at));
                        out.push(
                            META.finding(format!(
                                "{} lists {name} as failing, but {source} beside it does not record it failing \
                                 ({quoted_path})",
                                file_name(&ev.info.path)
                            ))
                            .artifact(&ev.info.path)
                            .position(position)
                            .side_by_side(format!("{name} failed"), format!("not failing in {source}"))
                            .replay(replay.and_then(|f| f.replay.as_deref())),
                        );
                    }
                }
            }
        }
    }
}

/// The artifact named `source` in the quoting artifact's directory.
fn sibling<'a>(artifacts: &'a [Evidence], quoting: &str, source: &str) -> Option<&'a Evidence> {
    let dir = Path::new(quoting).parent()?;
    let wanted = dir.join(source);
    artifacts.iter().find(|a| Path::new(&a.info.path) == wanted && a.info.path != quoting)
}

/// The value truegreen derived for a count the quoted artifact declares.
fn derived_count(ev: &Evidence, field: &str) -> Option<u64> {
    ev.claims.iter().find_map(|c| match &c.kind {
        ClaimKind::Count { derived, .. } if c.field == field => Some(*derived),
        _ => None,
    })
}

fn file_name(path: &str) -> String {
    Path::new(path).file_name().map_or_else(|| path.to_owned(), |n| n.to_string_lossy().into_owned())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::model::{Case, CaseOutcome, Claim, Format, Position};
    use crate::rules::testing::{evidence, policy, run};

    fn verdict(path: &str, failed: u64, failing: &[&str]) -> Evidence {
        let mut ev = evidence(path, Format::PiFullSuiteVerdict);
        ev.add_claim(Claim::count("full_suite_verdict", "summary.failed", failed, failed, "gates with status fail"));
        for name in failing {
            ev.add_case(Case::new(name, CaseOutcome::Failed).suite("gates"));
        }
        ev
    }

    fn quoting(path: &str, source: &str, counts: &[(&str, u64)], failing: &[&str]) -> Evidence {
        let mut ev = evidence(path, Format::PiReplayBundle);
        for name in failing {
            ev.add_case(
                Case::new(name, CaseOutcome::Failed).suite("failed_gates").replay(format!("cargo test {name}")),
            );
        }
        ev.observe(Observation::Quote {
            source: source.into(),
            counts: counts.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect::<BTreeMap<_, _>>(),
            failing: failing.iter().map(|n| format!("gates::{n}")).collect(),
            position: Position::field("source_summary_path"),
        });
        ev
    }

    #[test]
    fn a_stale_failure_list_is_reported_with_its_replay() {
        let found = run(
            &ArtifactsDisagree,
            &[
                quoting("g/replay_bundle.json", "full_suite_verdict.json", &[], &["cross_platform"]),
                verdict("g/full_suite_verdict.json", 0, &[]),
            ],
            &policy(),
        );
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("gates::cross_platform as failing"), "{}", found[0].message);
        assert_eq!(found[0].replay.as_deref(), Some("cargo test cross_platform"));
    }

    #[test]
    fn quoted_counts_are_compared_with_derived_ones() {
        let dossier = quoting("g/certification_dossier.json", "full_suite_verdict.json", &[("summary.failed", 1)], &[]);
        let found = run(&ArtifactsDisagree, &[dossier, verdict("g/full_suite_verdict.json", 0, &[])], &policy());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].claimed.as_deref(), Some("summary.failed = 1"));
        assert_eq!(found[0].derived.as_deref(), Some("summary.failed = 0 in full_suite_verdict.json"));
    }

    #[test]
    fn agreeing_or_unpaired_artifacts_are_fine() {
        let agreeing = [
            quoting("g/replay_bundle.json", "full_suite_verdict.json", &[("summary.failed", 1)], &["cross_platform"]),
            verdict("g/full_suite_verdict.json", 1, &["cross_platform"]),
        ];
        assert!(run(&ArtifactsDisagree, &agreeing, &policy()).is_empty());
        let elsewhere = [
            quoting("g/replay_bundle.json", "full_suite_verdict.json", &[], &["cross_platform"]),
            verdict("other/full_suite_verdict.json", 0, &[]),
        ];
        assert!(run(&ArtifactsDisagree, &elsewhere, &policy()).is_empty());
    }
}
