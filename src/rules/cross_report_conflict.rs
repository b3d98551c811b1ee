use std::collections::BTreeMap;

use super::{Finding, Rule, RuleContext, RuleMeta, Severity};
use crate::model::{CaseOutcome, Evidence, qualified_name};

pub struct CrossReportConflict;

static META: RuleMeta = RuleMeta {
    code: "TG305",
    name: "cross-report-conflict",
    summary: "the same test is reported by two artifacts with different outcomes",
    severity: Severity::Discrepancy,
    doc: r#"## What it checks
Compares the cases of every artifact with those of every other: the same case (same suite
and name) failing (or flaky) in one artifact and passing, skipped or failing differently
in another is reported, once per pair of artifacts, naming up to 10 cases. A skip next to
a pass is not a conflict (a test skipped in one configuration and run in another). Within
one artifact, TG106 applies.

## Why it matters
Two reports that disagree about one test cannot both be from this run: one is a stale
copy merged in (a report left in the output directory, an artifact downloaded twice, a
retry's report next to the first attempt's). Whichever a reader keeps decides the
verdict.

## Example
`reports/junit.xml` says `net::dns` failed; `reports/old/junit.xml` says it passed.

## How to fix
Remove the stale report, or check each run (or matrix cell) separately. To judge a retry,
check only the final attempt's report.

## Memory
Each artifact keeps one 8-byte key per distinct case and outcome while the check runs;
names are resolved only for conflicts, which always involve a kept failure record.
"#,
};

/// A case identity with its outcome in each of two artifacts.
type Conflict = (u64, CaseOutcome, CaseOutcome);

/// The conflicts between two artifacts: the count, the first few, and the
/// identity last counted (each identity's keys are adjacent).
#[derive(Default)]
struct Conflicts {
    count: usize,
    shown: Vec<Conflict>,
    last: Option<u64>,
}

/// Names listed per finding; the rest are counted.
const NAMES_SHOWN: usize = 10;

impl Rule for CrossReportConflict {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        // (key, artifact index) over every artifact: sorted, the entries of one case
        // identity are adjacent whatever artifact they come from.
        let mut entries: Vec<(u64, usize)> = Vec::new();
        for (i, ev) in cx.artifacts.iter().enumerate() {
            entries.extend(ev.case_keys().iter().map(|k| (*k, i)));
        }
        entries.sort_unstable();
        // Conflicting identities per pair of artifacts (lower index first): how
        // many, and the first few. Only those are kept, so that many copies of a
        // large report cannot make the lists grow with pairs times cases.
        let mut by_pair: BTreeMap<(usize, usize), Conflicts> = BTreeMap::new();
        for group in entries.chunk_by(|a, b| a.0 >> 3 == b.0 >> 3) {
            // One artifact, or one outcome everywhere: nothing can conflict.
            if group.iter().all(|(_, i)| *i == group[0].1) || group.iter().all(|(k, _)| k & 7 == group[0].0 & 7) {
                continue;
            }
            for (x, &(kx, ix)) in group.iter().enumerate() {
                for &(ky, iy) in &group[x + 1..] {
                    let (ox, oy) = (Evidence::key_outcome(kx), Evidence::key_outcome(ky));
                    if ix != iy && ox != oy && conflicts(ox, oy) {
                        let (a, b, oa, ob) = if ix < iy { (ix, iy, ox, oy) } else { (iy, ix, oy, ox) };
                        let pair = by_pair.entry((a, b)).or_default();
                        if pair.last != Some(kx >> 3) {
                            pair.last = Some(kx >> 3);
                            pair.count += 1;
                            if pair.shown.len() < NAMES_SHOWN {
                                pair.shown.push((kx >> 3, oa, ob));
                            }
                        }
                    }
                }
            }
        }
        for ((a, b), conflicts) in by_pair {
            let (ea, eb) = (&cx.artifacts[a], &cx.artifacts[b]);
            let shown: Vec<String> = conflicts
                .shown
                .iter()
                .map(|(identity, oa, ob)| {
                    let name = ea
                        .failure_by_identity(*identity)
                        .or_else(|| eb.failure_by_identity(*identity))
                        .map_or_else(|| format!("case #{identity:x}"), |f| qualified_name(f.suite.as_deref(), &f.name));
                    format!("{name} ({} here, {} there)", oa.as_str(), ob.as_str())
                })
                .collect();
            let more = conflicts.count.saturating_sub(NAMES_SHOWN);
            let more = if more > 0 { format!(", and {more} more") } else { String::new() };
            out.push(
                META.finding(format!(
                    "{} case(s) have different outcomes here and in {}: {}{more}; one of the two reports is stale",
                    conflicts.count,
                    eb.info.path,
                    shown.join("; ")
                ))
                .artifact(&ea.info.path),
            );
        }
    }
}

/// Different outcomes that cannot both be true of one run: at least one side is a
/// failure or a flake (a skip beside a pass is a different configuration).
fn conflicts(a: CaseOutcome, b: CaseOutcome) -> bool {
    let marked = |o: CaseOutcome| o.is_failure() || o == CaseOutcome::Flaky;
    marked(a) || marked(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Case, Format};
    use crate::rules::testing::{evidence, policy, run};

    fn artifact(path: &str, cases: &[(&str, CaseOutcome)]) -> Evidence {
        let mut ev = evidence(path, Format::Kane);
        for (name, outcome) in cases {
            ev.add_case(Case::new(name, *outcome).suite("net"));
        }
        ev.finish();
        ev
    }

    #[test]
    fn a_stale_copy_with_other_outcomes_is_reported_by_name() {
        let fresh = artifact("junit.xml", &[("dns", CaseOutcome::Failed), ("tcp", CaseOutcome::Passed)]);
        let stale = artifact("old/junit.xml", &[("dns", CaseOutcome::Passed), ("tcp", CaseOutcome::Passed)]);
        let found = run(&CrossReportConflict, &[fresh, stale], &policy());
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].artifact.as_deref(), Some("junit.xml"));
        assert!(
            found[0].message.starts_with(
                "1 case(s) have different outcomes here and in old/junit.xml: net::dns (failed here, passed there)"
            ),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn agreeing_reports_and_skips_beside_passes_are_fine() {
        let a = artifact("a.xml", &[("dns", CaseOutcome::Passed), ("tcp", CaseOutcome::Skipped)]);
        let b = artifact("b.xml", &[("dns", CaseOutcome::Passed), ("tcp", CaseOutcome::Passed)]);
        assert!(run(&CrossReportConflict, &[a, b], &policy()).is_empty());
    }

    #[test]
    fn within_one_artifact_is_left_to_tg106() {
        let a = artifact("a.xml", &[("dns", CaseOutcome::Passed), ("dns", CaseOutcome::Failed)]);
        assert!(run(&CrossReportConflict, &[a], &policy()).is_empty());
    }

    #[test]
    fn many_conflicts_are_summarized() {
        let names: Vec<String> = (0..25).map(|i| format!("t{i}")).collect();
        let failing: Vec<(&str, CaseOutcome)> = names.iter().map(|n| (n.as_str(), CaseOutcome::Failed)).collect();
        let passing: Vec<(&str, CaseOutcome)> = names.iter().map(|n| (n.as_str(), CaseOutcome::Passed)).collect();
        let found = run(&CrossReportConflict, &[artifact("a", &failing), artifact("b", &passing)], &policy());
        assert_eq!(found.len(), 1);
        assert!(found[0].message.starts_with("25 case(s)"), "{}", found[0].message);
        assert!(found[0].message.contains(", and 15 more;"), "{}", found[0].message);
    }
}
