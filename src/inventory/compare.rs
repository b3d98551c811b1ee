//! This run's tests against a baseline inventory: which vanished, which became
//! skipped, which were added, which now fail.
//!
//! Memory is two `u64` per distinct test (one per side) plus what is named:
//! each inventory is read twice, once for the keys and once, after the
//! comparison, for the names of the tests it found, at most
//! [`NAMES_PER_GROUP`] per suite.

use std::collections::{BTreeMap, HashSet};
use std::io::Read;

use serde::{Deserialize, Serialize};

use super::file::{self, Header, InventoryError, Line};
use super::identity::{suite_id, test_id};
use super::log::Key;
use crate::model::{CaseOutcome, Format, qualified_name};

/// Names listed per group; the rest are counted.
pub const NAMES_PER_GROUP: usize = 20;
/// Groups listed per kind of change; the rest are counted.
pub const GROUPS: usize = 200;

/// What one side knows of a test, folded over all its lines, in the low 4
/// bits of its identity (so a side costs 8 bytes per test).
const EXECUTED: u64 = 1;
const FAILING: u64 = 2;
/// Every line passed (a flaky pass counts as a pass).
const PASSED: u64 = 4;
/// Every line was skipped.
const SKIPPED: u64 = 8;
const SEEN_BITS: u64 = 15;

/// A test's identity without the bits [`fold`] keeps beside it.
fn ident(id: u64) -> u64 {
    id & !SEEN_BITS
}

/// Fold keys into one entry per identity, in place: sorted by identity, with
/// what was seen of the test in the low bits.
fn fold(keys: Vec<Key>) -> Vec<u64> {
    let mut entries: Vec<u64> = keys
        .into_iter()
        .map(|key| {
            let o = key.outcome();
            let mut seen = 0;
            if o.executed() {
                seen |= EXECUTED;
            }
            if o.is_failure() {
                seen |= FAILING;
            }
            if matches!(o, CaseOutcome::Passed | CaseOutcome::Flaky) {
                seen |= PASSED;
            }
            if o == CaseOutcome::Skipped {
                seen |= SKIPPED;
            }
            ident(key.id()) | seen
        })
        .collect();
    entries.sort_unstable();
    let mut out = 0;
    for i in 0..entries.len() {
        let entry = entries[i];
        if out > 0 && ident(entries[out - 1]) == ident(entry) {
            let kept = entries[out - 1];
            let any = (kept | entry) & (EXECUTED | FAILING);
            let all = kept & entry & (PASSED | SKIPPED);
            entries[out - 1] = ident(entry) | any | all;
        } else {
            entries[out] = entry;
            out += 1;
        }
    }
    entries.truncate(out);
    entries.shrink_to_fit();
    entries
}

/// How a test changed between the baseline and this run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// Executed in the baseline, absent now.
    Vanished,
    /// Passed in the baseline, skipped now.
    NewlySkipped,
    /// Absent from the baseline.
    Added,
    /// Did not fail in the baseline, fails now.
    NewlyFailing,
}

/// Tests of one suite (or one whole report) that changed the same way.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    pub change: Change,
    /// The report the tests were read from (the baseline's, for vanished tests).
    pub report: String,
    pub format: Format,
    /// The suite, empty when the format has none.
    pub suite: String,
    /// Every test of the suite is gone (vanished only).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub whole_suite: bool,
    /// Every test of the report is gone (vanished only).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub whole_report: bool,
    pub count: u64,
    /// The first [`NAMES_PER_GROUP`] names, as the report spells them (normalized).
    pub names: Vec<String>,
    /// Why git says the tests are gone on purpose (vanished only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explained: Option<String>,
    /// The one test added in the same suite, when one test went: a rename.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_to: Option<String>,
    /// The source file the tests live (or lived) in, when git could tell: where
    /// their annotations go.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

impl Group {
    /// The names not listed.
    pub fn unlisted(&self) -> u64 {
        self.count.saturating_sub(self.names.len() as u64)
    }

    /// The listed names, then how many more: `a, b and 3 more`.
    pub fn listing(&self) -> String {
        let mut text = self.names.join(", ");
        match self.unlisted() {
            0 => {}
            more => text.push_str(&format!(" and {more} more")),
        }
        text
    }

    /// What the tests are, for a message: `report r.xml`, `suite s` or the tests.
    pub fn scope(&self) -> String {
        if self.whole_report || self.suite.is_empty() {
            format!("report {}", self.report)
        } else {
            format!("suite {}", self.suite)
        }
    }
}

/// Totals of the comparison.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub baseline_tests: u64,
    pub tests: u64,
    pub vanished: u64,
    pub newly_skipped: u64,
    pub added: u64,
    pub newly_failing: u64,
    pub still_failing: u64,
}

/// The comparison of this run with a baseline.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comparison {
    /// The baseline inventory's path.
    pub baseline: String,
    pub header: Header,
    pub counts: Counts,
    /// Groups by change, then report and suite; at most [`GROUPS`] per change.
    pub groups: Vec<Group>,
    /// Groups not listed, per change.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub unlisted_groups: BTreeMap<String, u64>,
    /// The formats of the baseline's reports, for the "another tool" check.
    pub baseline_formats: Vec<Format>,
}

impl Comparison {
    pub fn groups_of(&self, change: Change) -> impl Iterator<Item = &Group> {
        self.groups.iter().filter(move |g| g.change == change)
    }
}

/// This run's side: its reports' keys and compressed lines, as the logs left them.
pub struct Head<'a> {
    /// Taken: sorted and folded in place.
    pub keys: Vec<Key>,
    /// The inventory of this run (header and members), to read names back from.
    pub inventory: &'a [u8],
}

/// Compare this run with the baseline inventory read by `open` (called once
/// per pass). Nothing is kept per test but its key.
/// `waiver` names the waiver that covers a vanished test (by suite and name),
/// if one does: such a test is accounted for, not vanished unseen.
pub fn compare<R: Read>(
    baseline: &str,
    mut open: impl FnMut() -> std::io::Result<R>,
    head: Head<'_>,
    waiver: &dyn Fn(&str, &str) -> Option<String>,
) -> Result<Comparison, InventoryError> {
    // Pass 1: the baseline's keys.
    let mut base_keys = Vec::new();
    let mut formats: Vec<Format> = Vec::new();
    let header = file::read(open()?, |line| match line {
        Line::Report(r) => {
            if !formats.contains(&r.format) {
                formats.push(r.format);
            }
        }
        Line::Test(t) => base_keys.push(Key::new(test_id(t.format, t.suite, t.name), t.outcome)),
    })?;
    let base = fold(base_keys);
    let now = fold(head.keys);

    // Classify by a merge of the two sorted lists.
    let mut counts = Counts { baseline_tests: base.len() as u64, tests: now.len() as u64, ..Counts::default() };
    let mut wanted_base: Vec<(u64, Change)> = Vec::new();
    let mut wanted_head: Vec<(u64, Change)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    loop {
        let (b, h) = (base.get(i).copied(), now.get(j).copied());
        let order = match (b, h) {
            (None, None) => break,
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (Some(b), Some(h)) => ident(b).cmp(&ident(h)),
        };
        let (b, h) = (b.unwrap_or_default(), h.unwrap_or_default());
        match order {
            std::cmp::Ordering::Less => {
                if b & EXECUTED != 0 {
                    wanted_base.push((ident(b), Change::Vanished));
                }
                i += 1;
            }
            std::cmp::Ordering::Equal => {
                if b & PASSED != 0 && h & SKIPPED != 0 {
                    wanted_head.push((ident(h), Change::NewlySkipped));
                } else if h & FAILING != 0 && b & FAILING != 0 {
                    counts.still_failing += 1;
                } else if h & FAILING != 0 {
                    wanted_head.push((ident(h), Change::NewlyFailing));
                }
                i += 1;
                j += 1;
            }
            std::cmp::Ordering::Greater => {
                wanted_head.push((ident(h), Change::Added));
                j += 1;
            }
        }
    }
    // Both were walked in order: the wanted lists are sorted by identity.
    drop(base);

    // The suites this run has, to tell a whole suite gone from some of its tests.
    let mut suites_now: HashSet<u64> = HashSet::new();
    let mut reports_now: HashSet<String> = HashSet::new();
    let _ = (!wanted_base.is_empty()).then(|| {
        file::read(head.inventory, |line| match line {
            Line::Report(r) => {
                reports_now.insert(r.path.clone());
            }
            Line::Test(t) => {
                suites_now.insert(suite_id(t.format, t.suite));
            }
        })
    });

    let mut groups = Groups::default();
    // Pass 2 over the baseline: name what vanished, and count each vanished
    // suite's and report's tests to tell whether all of them went.
    let mut report_paths: Vec<String> = Vec::new();
    // Per baseline report: how many of its lines name a test this run has.
    let mut report_present: Vec<u64> = Vec::new();
    let mut suite_seen: HashSet<(u32, u64)> = HashSet::new();
    if !wanted_base.is_empty() {
        file::read(open()?, |line| match line {
            Line::Report(r) => {
                report_paths.push(r.path.clone());
                report_present.push(0);
            }
            Line::Test(t) => {
                let id = ident(test_id(t.format, t.suite, t.name));
                if now.binary_search_by_key(&id, |e| ident(*e)).is_ok()
                    && let Some(count) = report_present.get_mut(t.report as usize)
                {
                    *count += 1;
                }
                if let Ok(at) = wanted_base.binary_search_by_key(&id, |(id, _)| *id) {
                    let change = wanted_base[at].1;
                    // A test on several lines (a retry) is named once.
                    if suite_seen.insert((t.report, id)) {
                        let report = report_paths.get(t.report as usize).map_or("", String::as_str);
                        let excuse = waiver(t.suite, t.name);
                        groups.add(change, report, t.format, t.suite, t.name, excuse);
                    }
                }
            }
        })?;
    }
    let mut named = vec![false; wanted_head.len()];
    let mut report_now = String::new();
    let _ = (!wanted_head.is_empty()).then(|| {
        file::read(head.inventory, |line| match line {
            Line::Report(r) => report_now.clone_from(&r.path),
            Line::Test(t) => {
                let id = ident(test_id(t.format, t.suite, t.name));
                if let Ok(at) = wanted_head.binary_search_by_key(&id, |(id, _)| *id)
                    && !std::mem::replace(&mut named[at], true)
                {
                    groups.add(wanted_head[at].1, &report_now, t.format, t.suite, t.name, None);
                }
            }
        })
    });
    let mut groups = groups.finish(&suites_now, &reports_now, &report_paths, &report_present);
    for g in &groups {
        let slot = match g.change {
            Change::Vanished => &mut counts.vanished,
            Change::NewlySkipped => &mut counts.newly_skipped,
            Change::Added => &mut counts.added,
            Change::NewlyFailing => &mut counts.newly_failing,
        };
        *slot += g.count;
    }
    let mut unlisted_groups = BTreeMap::new();
    let mut kept = Vec::new();
    let mut per_change: BTreeMap<Change, usize> = BTreeMap::new();
    for g in groups.drain(..) {
        let n = per_change.entry(g.change).or_default();
        *n += 1;
        if *n <= GROUPS {
            kept.push(g);
        } else {
            *unlisted_groups.entry(change_name(g.change).to_owned()).or_default() += 1;
        }
    }
    Ok(Comparison {
        baseline: baseline.to_owned(),
        header,
        counts,
        groups: kept,
        unlisted_groups,
        baseline_formats: formats,
    })
}

pub fn change_name(change: Change) -> &'static str {
    match change {
        Change::Vanished => "vanished",
        Change::NewlySkipped => "newly skipped",
        Change::Added => "added",
        Change::NewlyFailing => "newly failing",
    }
}

/// Tests gathered by (change, report, suite, excuse), names bounded per group.
#[derive(Default)]
struct Groups {
    by_key: BTreeMap<(Change, String, String, Option<String>), Group>,
}

impl Groups {
    fn add(&mut self, change: Change, report: &str, format: Format, suite: &str, name: &str, excuse: Option<String>) {
        let key = (change, report.to_owned(), suite.to_owned(), excuse.clone());
        let group = self.by_key.entry(key).or_insert_with(|| Group {
            change,
            report: report.to_owned(),
            format,
            suite: suite.to_owned(),
            whole_suite: false,
            whole_report: false,
            count: 0,
            names: Vec::new(),
            explained: excuse,
            renamed_to: None,
            file: None,
        });
        group.count += 1;
        if group.names.len() < NAMES_PER_GROUP {
            group.names.push(name.to_owned());
        }
    }

    /// Mark the suites and reports that vanished whole, and fold a report whose
    /// every suite went into one group.
    fn finish(
        self,
        suites_now: &HashSet<u64>,
        reports_now: &HashSet<String>,
        report_paths: &[String],
        report_present: &[u64],
    ) -> Vec<Group> {
        let mut out: Vec<Group> = Vec::new();
        let mut vanished_per_report: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
        for mut g in self.by_key.into_values() {
            if g.change == Change::Vanished {
                g.whole_suite = !g.suite.is_empty() && !suites_now.contains(&suite_id(g.format, &g.suite));
                vanished_per_report.insert(g.report.clone());
            }
            out.push(g);
        }
        for report in vanished_per_report {
            // No test of the report is in this run, and no report of its path is read.
            let present = report_paths.iter().position(|p| *p == report).and_then(|i| report_present.get(i));
            if present != Some(&0) || reports_now.contains(&report) {
                continue;
            }
            let mut merged: Option<Group> = None;
            out.retain(|g| {
                if g.change != Change::Vanished || g.report != report || g.explained.is_some() {
                    return true;
                }
                let m = merged.get_or_insert_with(|| Group {
                    suite: String::new(),
                    whole_report: true,
                    whole_suite: false,
                    count: 0,
                    names: Vec::new(),
                    ..g.clone()
                });
                m.count += g.count;
                for name in &g.names {
                    if m.names.len() < NAMES_PER_GROUP {
                        m.names.push(qualified_name(Some(&g.suite), name));
                    }
                }
                false
            });
            out.extend(merged);
        }
        out.sort_by(|a, b| (a.change, &a.report, &a.suite).cmp(&(b.change, &b.report, &b.suite)));
        out
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;
    use crate::inventory::{Header, ReportLog, file};

    /// (suite, name) → outcome, as one report.
    type Run = BTreeMap<(u8, u8), CaseOutcome>;

    fn inventory(run: &Run, report: &str) -> (Vec<Key>, Vec<u8>) {
        let mut log = ReportLog::new(Format::Junit, report, None);
        for ((suite, name), outcome) in run {
            log.record(Some(&format!("suite{suite}")), &format!("test_{name}"), *outcome, None, 4096);
        }
        let finished = log.finish();
        let mut bytes = file::header_member(&Header::default()).unwrap_or_default();
        bytes.extend_from_slice(&finished.member);
        bytes.extend_from_slice(&file::end_member(1).unwrap_or_default());
        (finished.keys, bytes)
    }

    fn outcome() -> impl Strategy<Value = CaseOutcome> {
        prop_oneof![
            Just(CaseOutcome::Passed),
            Just(CaseOutcome::Failed),
            Just(CaseOutcome::Errored),
            Just(CaseOutcome::Skipped),
            Just(CaseOutcome::Flaky),
            Just(CaseOutcome::Incomplete),
        ]
    }

    fn run() -> impl Strategy<Value = Run> {
        proptest::collection::btree_map((0u8..4, 0u8..30), outcome(), 0..60)
    }

    proptest! {
        /// Every executed test that is gone is counted vanished, every test that
        /// passed and is now skipped newly skipped, every new one added; nothing else.
        #[test]
        fn the_comparison_counts_exactly_what_changed(base in run(), head in run()) {
            let (_, base_bytes) = inventory(&base, "base.xml");
            let (keys, head_bytes) = inventory(&head, "head.xml");
            let no_waiver = |_: &str, _: &str| None;
            let c = compare("base", || Ok(&base_bytes[..]), Head { keys, inventory: &head_bytes }, &no_waiver)
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            let vanished = base.iter().filter(|(k, o)| o.executed() && !head.contains_key(k)).count() as u64;
            let skipped = base
                .iter()
                .filter(|(k, o)| {
                    matches!(o, CaseOutcome::Passed | CaseOutcome::Flaky) && head.get(k) == Some(&CaseOutcome::Skipped)
                })
                .count() as u64;
            let added = head.keys().filter(|k| !base.contains_key(k)).count() as u64;
            prop_assert_eq!(c.counts.vanished, vanished);
            prop_assert_eq!(c.counts.newly_skipped, skipped);
            prop_assert_eq!(c.counts.added, added);
            let listed: u64 = c.groups_of(Change::Vanished).map(|g| g.count).sum();
            prop_assert_eq!(listed, vanished, "every vanished test is in a group");
        }
    }

    #[test]
    fn a_run_compared_with_itself_has_no_change() {
        let run: Run = (0..50).map(|i| ((i % 3, i), CaseOutcome::Passed)).collect();
        let (keys, bytes) = inventory(&run, "r.xml");
        let none = |_: &str, _: &str| None;
        let c = compare("base", || Ok(&bytes[..]), Head { keys, inventory: &bytes }, &none);
        let c = c.unwrap_or_default();
        assert!(c.groups.is_empty(), "{:?}", c.groups);
        assert_eq!((c.counts.baseline_tests, c.counts.tests), (50, 50));
    }
}
