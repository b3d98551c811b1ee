use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

use super::{Finding, Rule, RuleContext, RuleMeta, Severity};
use crate::model::{CaseOutcome, Evidence};

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
Each artifact keeps one 8-byte key per distinct case and outcome while the check runs,
sorted. The comparison merges those sorted lists where they are, adding one cursor per
artifact, and is skipped when fewer than two artifacts hold cases. Names come from the
failure records kept; a case shown that no record names (a failure past the cap of
failures kept, a name longer than `--max-message-bytes`) is named by reading its artifact
a second time for the shown cases alone. If that artifact changed since it was read (its
sha256 differs) or is gone, the case is shown as `case #<key>` with the reason; the
finding is the same either way.
"#,
};

/// A case identity with its outcome in each of two artifacts.
type Conflict = (u64, CaseOutcome, CaseOutcome);

/// The conflicts between two artifacts: the count, the first few, and the
/// identity last counted (each identity's keys are adjacent).
#[derive(Clone, Debug, Default)]
pub struct Conflicts {
    count: usize,
    shown: Vec<Conflict>,
    last: Option<u64>,
}

/// The conflicts between artifacts, per pair of artifact indices (lower first).
/// Computed once per check: the engine names the cases shown before the rule
/// reports them ([`CrossConflicts::unnamed`]).
#[derive(Clone, Debug, Default)]
pub struct CrossConflicts {
    by_pair: BTreeMap<(usize, usize), Conflicts>,
}

impl CrossConflicts {
    /// Compare the cases of every artifact with those of every other.
    pub fn find(artifacts: &[Evidence]) -> Self {
        Self { by_pair: find_conflicts(artifacts) }
    }

    /// The cases a finding will show that neither artifact names, each with
    /// the artifact to read its name from: the side that is not a plain pass,
    /// since a reader may keep a passing case as a key alone.
    pub fn unnamed(&self, artifacts: &[Evidence]) -> Vec<(usize, u64)> {
        let mut wanted = Vec::new();
        for (&(a, b), conflicts) in &self.by_pair {
            for &(identity, oa, _) in &conflicts.shown {
                if artifacts[a].case_name(identity).is_none() && artifacts[b].case_name(identity).is_none() {
                    wanted.push((if oa == CaseOutcome::Passed { b } else { a }, identity));
                }
            }
        }
        wanted
    }
}

/// Names listed per finding; the rest are counted.
const NAMES_SHOWN: usize = 10;

/// The sorted union of several sorted key lists, as (key, artifact index).
struct Merge<'a> {
    lists: &'a [(usize, &'a [u64])],
    /// The next key of each list with the list's position in `lists`, smallest first.
    heads: BinaryHeap<Reverse<(u64, usize)>>,
    cursors: Vec<usize>,
}

impl<'a> Merge<'a> {
    fn new(lists: &'a [(usize, &'a [u64])]) -> Self {
        let heads = lists.iter().enumerate().filter_map(|(l, (_, keys))| Some(Reverse((*keys.first()?, l)))).collect();
        Self { lists, heads, cursors: vec![0; lists.len()] }
    }

    fn next(&mut self) -> Option<(u64, usize)> {
        let Reverse((key, l)) = self.heads.pop()?;
        let (artifact, keys) = self.lists[l];
        self.cursors[l] += 1;
        if let Some(&following) = keys.get(self.cursors[l]) {
            self.heads.push(Reverse((following, l)));
        }
        Some((key, artifact))
    }

    fn next_if(&mut self, wanted: impl Fn(u64) -> bool) -> Option<(u64, usize)> {
        match self.heads.peek() {
            Some(Reverse((key, _))) if wanted(*key) => self.next(),
            _ => None,
        }
    }
}

rule_meta!(CrossReportConflict);

impl Rule for CrossReportConflict {
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let found;
        let by_pair = match cx.cross_conflicts {
            Some(known) => &known.by_pair,
            None => {
                found = find_conflicts(cx.artifacts);
                &found
            }
        };
        for (&(a, b), conflicts) in by_pair {
            let (ea, eb) = (&cx.artifacts[a], &cx.artifacts[b]);
            let shown: Vec<String> = conflicts
                .shown
                .iter()
                .map(|(identity, oa, ob)| {
                    let name = ea.case_name(*identity).or_else(|| eb.case_name(*identity)).unwrap_or_else(|| {
                        let not_passed = if *oa == CaseOutcome::Passed { eb } else { ea };
                        not_passed.unnamed_case(*identity)
                    });
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

/// The conflicting identities of every pair of artifacts.
fn find_conflicts(artifacts: &[Evidence]) -> BTreeMap<(usize, usize), Conflicts> {
    // Each artifact's keys are sorted, so a k-way merge visits the entries of one
    // case identity together, whatever artifact they come from, without
    // copying every key: memory stays at one cursor per artifact.
    let lists: Vec<(usize, &[u64])> =
        artifacts.iter().enumerate().map(|(i, ev)| (i, ev.case_keys())).filter(|(_, k)| !k.is_empty()).collect();
    if lists.len() < 2 {
        return BTreeMap::new();
    }
    // Conflicting identities per pair of artifacts (lower index first): how
    // many, and the first few. Only those are kept, so that many copies of a
    // large report cannot make the lists grow with pairs times cases.
    let mut by_pair: BTreeMap<(usize, usize), Conflicts> = BTreeMap::new();
    let mut group: Vec<(u64, usize)> = Vec::new();
    let mut merged = Merge::new(&lists);
    while let Some(first) = merged.next() {
        group.clear();
        group.push(first);
        while let Some(next) = merged.next_if(|key| key >> 3 == first.0 >> 3) {
            group.push(next);
        }
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
    by_pair
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
    fn a_case_no_failure_record_names_is_named_by_a_naming_read_or_its_key() {
        // The failing side's record is cut short (a long name), so its key finds
        // no record: the engine asks the failing artifact for the name.
        let long = "x".repeat(5000);
        let mut fresh = evidence("fresh.xml", Format::Kane);
        fresh.add_case(Case::new(&long, CaseOutcome::Failed).suite("net"));
        fresh.finish();
        let stale = artifact("stale.xml", &[(long.as_str(), CaseOutcome::Passed)]);
        let mut artifacts = [stale, fresh];
        let cross = CrossConflicts::find(&artifacts);
        let identity = crate::model::case_identity(Some("net"), &long);
        assert_eq!(cross.unnamed(&artifacts), [(1, identity)], "the side that is not a plain pass");
        let found = run(&CrossReportConflict, &artifacts, &policy());
        assert!(found[0].message.contains(&format!(": case #{identity:x} (passed here")), "{}", found[0].message);

        artifacts[1].set_case_names(vec![(identity, "net::xxx… [cut]".into())], None);
        assert!(cross.unnamed(&artifacts).is_empty());
        let found = run(&CrossReportConflict, &artifacts, &policy());
        assert!(found[0].message.contains(": net::xxx… [cut] (passed here, failed there)"), "{}", found[0].message);
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

    #[test]
    fn every_pair_of_several_artifacts_is_compared() {
        // Identities interleave across the artifacts' sorted keys; the empty one
        // in the middle takes no part and shifts no index.
        let names: Vec<String> = (0..200).map(|i| format!("t{i}")).collect();
        let with = |outcome_of: &dyn Fn(usize) -> CaseOutcome| -> Vec<(&str, CaseOutcome)> {
            names.iter().enumerate().map(|(i, n)| (n.as_str(), outcome_of(i))).collect()
        };
        let a = artifact("a", &with(&|i| if i % 3 == 0 { CaseOutcome::Failed } else { CaseOutcome::Passed }));
        let empty = artifact("empty", &[]);
        let b = artifact("b", &with(&|_| CaseOutcome::Passed));
        let c = artifact("c", &with(&|i| if i % 5 == 0 { CaseOutcome::Failed } else { CaseOutcome::Passed }));
        let found = run(&CrossReportConflict, &[a, empty, b, c], &policy());
        let summary: Vec<(Option<&str>, &str)> =
            found.iter().map(|f| (f.artifact.as_deref(), f.message.split(':').next().unwrap_or(""))).collect();
        // a–b: multiples of 3 (67); a–c: multiples of 3 or 5 but not of 15 (67 + 40 - 2 * 14 = 79);
        // b–c: multiples of 5 (40).
        assert_eq!(
            summary,
            [
                (Some("a"), "67 case(s) have different outcomes here and in b"),
                (Some("a"), "79 case(s) have different outcomes here and in c"),
                (Some("b"), "40 case(s) have different outcomes here and in c"),
            ],
            "{found:?}"
        );
    }
}
