//! Policy rules over waiver and quarantine entries, wherever they are declared
//! (pi's `suite_classification.toml` and `waiver_audit.json`, `.truegreen.yml`).

use super::{Finding, Rule, RuleContext, RuleMeta, Severity};
use crate::model::{Evidence, Observation, WaiverEntry, WaiverKind};

pub struct WaiverExpired;
pub struct WaiverTooLong;
pub struct WaiverIncomplete;
pub struct WaiverExpiringSoon;

static EXPIRED: RuleMeta = RuleMeta {
    code: "TG401",
    name: "waiver-expired",
    summary: "a waiver or quarantine entry has expired",
    severity: Severity::Discrepancy,
    doc: r#"## What it checks
Reports each waiver or quarantine entry whose `expires` date is before today, naming the
waived id and its owner.

## Why it matters
An expired waiver that is still applied silently keeps a failing gate or test out of the
verdict. pi_agent_rust applies only active waivers, but a stale `suite_classification.toml`
or a waiver audit nobody reads lets the entry linger.

## Example
`[waiver.cross_platform] expires = "2026-11-19"` checked on 2026-11-20.

## How to fix
Fix the waived failure and delete the entry, or renew it deliberately with a new date.
"#,
};

static TOO_LONG: RuleMeta = RuleMeta {
    code: "TG402",
    name: "waiver-too-long",
    summary: "a waiver or quarantine lasts longer than policy allows",
    severity: Severity::Discrepancy,
    doc: r#"## What it checks
Reports an entry whose lifetime (`expires - created`) exceeds the policy maximum: the
producer's own limit where it has one (pi: 30 days for waivers, 14 for quarantine), else
`max-waiver-days` (default 30).

## Why it matters
A waiver that lasts a year is a deletion with extra steps.

## Example
`created = "2026-01-01"`, `expires = "2026-12-31"`.

## How to fix
Shorten the entry to the allowed lifetime and renew it when it comes due.
"#,
};

static INCOMPLETE: RuleMeta = RuleMeta {
    code: "TG403",
    name: "waiver-incomplete",
    summary: "a waiver or quarantine entry lacks required fields or has invalid ones",
    severity: Severity::Discrepancy,
    doc: r#"## What it checks
Reports an entry missing a required field (owner, dates, reason, ...) or holding one
that cannot be used (a date that does not parse, an unknown scope or category).

## Why it matters
pi_agent_rust's waiver parser drops invalid entries from the waiver list and its
lifecycle gate then reports `pass`, while the audit file says `invalid > 0`. An entry
without an owner or an expiry can never be followed up.

## Example
`[waiver.ext_must_pass]` with no `owner` and `expires = "soon"`.

## How to fix
Fill in every required field; see the finding for which.
"#,
};

static EXPIRING: RuleMeta = RuleMeta {
    code: "TG404",
    name: "waiver-expiring-soon",
    summary: "a waiver or quarantine entry expires within a few days",
    severity: Severity::Warning,
    doc: r#"## What it checks
Warns about an entry that expires within 3 days (inclusive), so its owner can act before
it turns into TG401.

## Why it matters
Expiry is meant to force a decision; a warning gives the owner time to make it.

## How to fix
Fix the waived failure, or renew the entry deliberately.
"#,
};

fn entries(ev: &Evidence) -> impl Iterator<Item = &WaiverEntry> {
    ev.observations.iter().filter_map(|o| match o {
        Observation::Waiver(w) => Some(w),
        _ => None,
    })
}

fn label(w: &WaiverEntry) -> String {
    let kind = match w.kind {
        WaiverKind::Waiver => "waiver",
        WaiverKind::Quarantine => "quarantine",
    };
    let owner = w.owner.as_deref().filter(|o| !o.is_empty()).unwrap_or("no owner");
    format!("{kind} {:?} (owner: {owner})", w.id)
}

rule_meta!(WaiverExpired, EXPIRED);

impl Rule for WaiverExpired {
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for ev in cx.artifacts {
            for w in entries(ev) {
                if let Some(expires) = w.expires
                    && expires < cx.policy.today
                {
                    let days = (cx.policy.today - expires).num_days();
                    out.push(
                        EXPIRED
                            .finding(format!("{} expired on {expires}, {days} day(s) ago", label(w)))
                            .artifact(&ev.info.path)
                            .position(&w.position)
                            .side_by_side(format!("waived until {expires}"), format!("today is {}", cx.policy.today)),
                    );
                }
            }
        }
    }
}

rule_meta!(WaiverTooLong, TOO_LONG);

impl Rule for WaiverTooLong {
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for ev in cx.artifacts {
            for w in entries(ev) {
                let (Some(created), Some(expires)) = (w.created, w.expires) else { continue };
                let max = w.max_days.min(cx.policy.max_waiver_days);
                let days = (expires - created).num_days();
                if days > max {
                    out.push(
                        TOO_LONG
                            .finding(format!(
                                "{} lasts {days} days ({created} to {expires}), over the {max}-day limit",
                                label(w)
                            ))
                            .artifact(&ev.info.path)
                            .position(&w.position)
                            .side_by_side(format!("{days} days"), format!("at most {max} days")),
                    );
                }
            }
        }
    }
}

rule_meta!(WaiverIncomplete, INCOMPLETE);

impl Rule for WaiverIncomplete {
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for ev in cx.artifacts {
            for w in entries(ev) {
                let mut problems = Vec::new();
                if !w.missing_fields.is_empty() {
                    problems.push(format!("missing {}", w.missing_fields.join(", ")));
                }
                if !w.invalid_fields.is_empty() {
                    problems.push(format!("invalid {}", w.invalid_fields.join(", ")));
                }
                if !problems.is_empty() {
                    out.push(
                        INCOMPLETE
                            .finding(format!("{}: {}", label(w), problems.join("; ")))
                            .artifact(&ev.info.path)
                            .position(&w.position),
                    );
                }
            }
        }
    }
}

rule_meta!(WaiverExpiringSoon, EXPIRING);

impl Rule for WaiverExpiringSoon {
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for ev in cx.artifacts {
            for w in entries(ev) {
                let Some(expires) = w.expires else { continue };
                let left = (expires - cx.policy.today).num_days();
                if (0..=cx.policy.waiver_warn_days).contains(&left) {
                    out.push(
                        EXPIRING
                            .finding(format!("{} expires on {expires}, in {left} day(s)", label(w)))
                            .artifact(&ev.info.path)
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
    use crate::model::{Format, Position};
    use crate::rules::testing::{evidence, policy, run};
    use chrono::NaiveDate;

    fn date(s: &str) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
    }

    fn waiver(created: &str, expires: &str) -> WaiverEntry {
        WaiverEntry {
            kind: WaiverKind::Waiver,
            id: "cross_platform".into(),
            owner: Some("alice".into()),
            reason: Some("flaky runner".into()),
            created: date(created),
            expires: date(expires),
            max_days: 30,
            missing_fields: vec![],
            invalid_fields: vec![],
            position: Position::field("waiver.cross_platform"),
        }
    }

    fn check(rule: &dyn Rule, w: WaiverEntry) -> Vec<Finding> {
        let mut ev = evidence("suite_classification.toml", Format::PiSuiteClassification);
        ev.observe(Observation::Waiver(w));
        run(rule, &[ev], &policy())
    }

    #[test]
    fn expired_yesterday_names_the_waiver_and_owner() {
        let found = check(&WaiverExpired, waiver("2026-11-01", "2026-11-19"));
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("\"cross_platform\" (owner: alice)"), "{}", found[0].message);
        assert!(check(&WaiverExpired, waiver("2026-11-01", "2026-11-20")).is_empty());
    }

    #[test]
    fn lifetime_over_the_limit_is_reported() {
        assert_eq!(check(&WaiverTooLong, waiver("2026-11-01", "2026-12-02")).len(), 1);
        assert!(check(&WaiverTooLong, waiver("2026-11-01", "2026-12-01")).is_empty());
        let mut strict = waiver("2026-11-01", "2026-11-20");
        strict.max_days = 14;
        assert_eq!(check(&WaiverTooLong, strict).len(), 1);
    }

    #[test]
    fn missing_or_invalid_fields_are_reported() {
        let mut w = waiver("2026-11-01", "2026-11-25");
        w.owner = None;
        w.missing_fields = vec!["owner".into()];
        w.invalid_fields = vec!["scope".into()];
        let found = check(&WaiverIncomplete, w);
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("missing owner; invalid scope"), "{}", found[0].message);
        assert!(found[0].message.contains("no owner"));
    }

    #[test]
    fn expiring_within_three_days_warns() {
        let found = check(&WaiverExpiringSoon, waiver("2026-11-01", "2026-11-23"));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Warning);
        assert!(check(&WaiverExpiringSoon, waiver("2026-11-01", "2026-11-24")).is_empty());
        assert!(check(&WaiverExpiringSoon, waiver("2026-11-01", "2026-11-19")).is_empty());
    }
}
