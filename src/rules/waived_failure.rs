use super::{Finding, Rule, RuleContext, RuleMeta, Severity};
use crate::model::qualified_name;

pub struct WaivedFailure;

static META: RuleMeta = RuleMeta {
    code: "TG410",
    name: "waived-failure",
    summary: "a failure is kept out of the verdict by an active waiver or quarantine",
    severity: Severity::Warning,
    doc: r#"## What it checks
Lists each failing case that an active (unexpired) entry under `waivers:` or
`quarantine:` in `.truegreen.yml` covers, naming the entry, its owner and its expiry.
Such a failure does not fail the run; it stays in the report, marked waived.

A failure whose entry has expired is not waived: it fails the run, and the expired
entry is itself a discrepancy (TG401).

## Why it matters
A waiver is a decision with an owner and an end date, not a deletion. Showing every
failure it hides keeps the decision visible until it expires.

## Example
`waivers: [{id: "net::flaky_dns", owner: alice, reason: "mirror flaps", expires: 2026-12-01}]`
and `net::flaky_dns` fails.

## How to fix
Fix the test before the entry expires, then delete the entry.
"#,
};

rule_meta!(WaivedFailure);

impl Rule for WaivedFailure {
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for ev in cx.artifacts {
            for f in &ev.failures {
                let Some(by) = &f.waived else { continue };
                let name = qualified_name(f.suite.as_deref(), &f.name);
                out.push(META.finding(format!("{name} {} and is waived by {by}", f.outcome.as_str())).failure(ev, f));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Case, CaseOutcome, Format};
    use crate::rules::testing::{evidence, policy, run};

    #[test]
    fn waived_failures_are_listed_as_warnings() {
        let mut ev = evidence("k.ndjson", Format::Kane);
        ev.add_case(Case::new("dns", CaseOutcome::Failed).suite("net"));
        ev.add_case(Case::new("tcp", CaseOutcome::Failed).suite("net"));
        ev.failures[0].waived = Some("waiver \"net::dns\" (owner: alice, until 2026-12-01)".into());
        let found = run(&WaivedFailure, &[ev], &policy());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Warning);
        assert!(found[0].message.starts_with("net::dns failed and is waived by waiver"), "{}", found[0].message);
    }
}
