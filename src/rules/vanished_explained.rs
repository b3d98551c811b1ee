use super::{Finding, Rule, RuleContext, RuleMeta, Severity};
use crate::inventory::Change;

pub struct VanishedExplained;

static META: RuleMeta = RuleMeta {
    code: "TG603",
    name: "vanished-explained",
    summary: "a test absent since the baseline run was removed on purpose, as git or a waiver shows",
    severity: Severity::Warning,
    doc: r#"## What it checks
A test that ran in the baseline and is absent now (TG601) is accounted for when:
- the checkout holds both the baseline's commit and this one, and between them the test's
  source file was deleted, or changed (or renamed) so that it no longer contains the test's
  name. One test gone and one added in the same suite is shown as a rename;
- or a waiver or quarantine entry of the configuration covers it.

A change that leaves the test's name in its file explains nothing: a skip marker, a
committed `.only`, a build tag or an emptied parameter list keep the name where it was.
When git cannot be asked (a shallow checkout without the baseline's commit), nothing is
explained and the tests stay TG601: fetch more history (`fetch-depth: 0`).

## Why it matters
Removing or renaming a test is honest change; reporting it as a discrepancy would be a
false alarm. It is still shown, so that a reviewer sees what went.

## Example
`test_old` vanished and `test_new` was added in `tests/test_api.py`, which no longer
contains `test_old`: "renamed to test_new".

## How to fix
Nothing to fix; check that the removal was intended.
"#,
};

rule_meta!(VanishedExplained);

impl Rule for VanishedExplained {
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let Some(comparison) = cx.baseline.and_then(|b| b.comparison()) else { return };
        for group in comparison.groups_of(Change::Vanished) {
            let Some(why) = &group.explained else { continue };
            let rename = match (&group.renamed_to, group.names.first()) {
                (Some(to), Some(from)) => format!(": {from} renamed to {to}"),
                _ => String::new(),
            };
            out.push(
                META.finding(format!("{} ({why}){rename}", super::test_vanished::describe(group)))
                    .artifact(&group.report)
                    .source_file(group.file.as_deref()),
            );
        }
    }
}
