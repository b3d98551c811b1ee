use super::{Finding, Rule, RuleContext, RuleMeta, Severity};
use crate::config::id_matches;
use crate::model::{Format, Observation, WaiverKind, qualified_name};

pub struct UnusedWaiver;

static META: RuleMeta = RuleMeta {
    code: "TG411",
    name: "unused-waiver",
    summary: "an active waiver or quarantine entry matches no failure",
    severity: Severity::Warning,
    doc: r#"## What it checks
Warns about each active entry under `waivers:` or `quarantine:` in `.truegreen.yml` whose
id matches no failing case in the reports checked.

## Why it matters
An entry that waives nothing is either obsolete (the test was fixed) or misspelled (and
the failure it was meant for fails the run). Either way it should not stay: an obsolete
waiver silently covers the next regression of that test.

## Example
`waivers: [{id: "net::flaky_dsn", ...}]` while the failing test is `net::flaky_dns`.

## How to fix
Delete the entry if the test passes now; correct the id if it is misspelled.
"#,
};

rule_meta!(UnusedWaiver);

impl Rule for UnusedWaiver {
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let configs = cx.artifacts.iter().filter(|ev| ev.format() == Some(Format::TruegreenConfig));
        for config in configs {
            for obs in &config.observations {
                let Observation::Waiver(w) = obs else { continue };
                if w.expires.is_some_and(|e| e < cx.policy.today) {
                    continue; // TG401 reports it
                }
                let used = cx.artifacts.iter().flat_map(|ev| &ev.failures).any(|f| {
                    f.outcome.is_failure() && id_matches(&w.id, &qualified_name(f.suite.as_deref(), &f.name), &f.name)
                });
                // A waiver that accounts for a vanished test is used too.
                let vanished = cx.baseline.and_then(|b| b.comparison()).into_iter().flat_map(|c| &c.groups);
                let used = used
                    || vanished
                        .filter(|g| g.change == crate::inventory::Change::Vanished)
                        .any(|g| g.names.iter().any(|n| id_matches(&w.id, &qualified_name(Some(&g.suite), n), n)));
                if !used {
                    let kind = match w.kind {
                        WaiverKind::Waiver => "waiver",
                        WaiverKind::Quarantine => "quarantine",
                    };
                    out.push(
                        META.finding(format!(
                            "{kind} {:?} (owner: {}) matches no failing case",
                            w.id,
                            w.owner.as_deref().unwrap_or("no owner")
                        ))
                        .artifact(&config.info.path)
                        .position(&w.position),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Case, CaseOutcome, Position, WaiverEntry};
    use crate::rules::testing::{evidence, policy, run};

    fn entry(id: &str, expires: &str) -> Observation {
        Observation::Waiver(WaiverEntry {
            kind: WaiverKind::Waiver,
            id: id.into(),
            owner: Some("alice".into()),
            reason: Some("r".into()),
            created: None,
            expires: chrono::NaiveDate::parse_from_str(expires, "%Y-%m-%d").ok(),
            max_days: 30,
            missing_fields: vec![],
            invalid_fields: vec![],
            position: Position::field("waivers[0]"),
        })
    }

    #[test]
    fn entries_matching_no_failure_are_reported() {
        let mut config = evidence(".truegreen.yml", Format::TruegreenConfig);
        config.observe(entry("net::dns", "2026-12-01"));
        config.observe(entry("net::dsn", "2026-12-01"));
        config.observe(entry("gone", "2026-01-01"));
        let mut report = evidence("k.ndjson", Format::Kane);
        report.add_case(Case::new("dns", CaseOutcome::Failed).suite("net"));
        let found = run(&UnusedWaiver, &[config, report], &policy());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].message, "waiver \"net::dsn\" (owner: alice) matches no failing case");
    }
}
