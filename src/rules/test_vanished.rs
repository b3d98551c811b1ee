use super::{Finding, Rule, RuleContext, RuleMeta, Severity};
use crate::inventory::{Change, Group};

pub struct TestVanished;

static META: RuleMeta = RuleMeta {
    code: "TG601",
    name: "test-vanished",
    summary: "a test that ran in the baseline run is absent from this one",
    severity: Severity::Discrepancy,
    doc: r#"## What it checks
With `--baseline FILE` (an inventory an earlier run wrote with `--inventory FILE`), every
test that executed in the baseline must be in this run's reports, whatever its outcome.
Tests are matched by format, suite and name, normalized so that what changes between runs
of the same tool (an object address in a parameter id, cargo's hash in a test binary's name,
the checkout's path) does not make a new test. A suite or a whole report that is gone is
named as such, not test by test; each finding lists the first names and counts the rest.

A vanished test is not reported here when git explains it (TG603: its source file was
deleted, or no longer names it, between the baseline's commit and this one), or when a
waiver or quarantine entry covers it.

## Why it matters
A test that silently stops running leaves no trace in any single run: the run is honest,
green and a little smaller. A renamed file the runner no longer collects, a module-level
`pytest.skip`, a committed `describe.only`, a Go build tag, an emptied parameter list, a
`testPathIgnorePatterns` change, a matrix cell that stopped running a suite: each exits 0.
A count floor misses a swap (five tests lost, five added).

## Example
The baseline ran `tests.test_api::test_login`; this run's reports do not have it.

## How to fix
Find why the test no longer runs. If it was removed on purpose, commit the removal so that
git shows it (TG603), or add a waiver with an owner, a reason and an expiry.
"#,
};

/// A vanished group as a message: the scope, the count and the first names.
pub(super) fn describe(group: &Group) -> String {
    let n = group.count;
    let tests = if n == 1 { "test" } else { "tests" };
    if group.whole_report {
        format!(
            "report {} vanished: its {n} {tests} ran in the baseline and none ran now: {}",
            group.report,
            group.listing()
        )
    } else if group.whole_suite {
        format!("suite {} vanished ({n} {tests}, in the baseline's {}): {}", group.suite, group.report, group.listing())
    } else {
        format!("{n} {tests} of {} ran in the baseline and not now: {}", group.scope(), group.listing())
    }
}

rule_meta!(TestVanished);

impl Rule for TestVanished {
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let Some(comparison) = cx.baseline.and_then(|b| b.comparison()) else { return };
        for group in comparison.groups_of(Change::Vanished).filter(|g| g.explained.is_none()) {
            out.push(
                META.finding(describe(group))
                    .artifact(&group.report)
                    .source_file(group.file.as_deref())
                    .side_by_side(format!("{} in the baseline", group.count), "absent now"),
            );
        }
        if let Some(more) = comparison.unlisted_groups.get("vanished") {
            out.push(META.finding(format!("{more} more suites with vanished tests are not listed")));
        }
    }
}
