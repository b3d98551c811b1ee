use std::collections::HashSet;

use super::{Finding, Rule, RuleContext, RuleMeta, Severity};
use crate::model::{Observation, WaiverKind};

pub struct WaiverUnbacked;

static META: RuleMeta = RuleMeta {
    code: "TG405",
    name: "waiver-unbacked",
    summary: "a unit is counted as waived, but no waiver entry for it was checked",
    severity: Severity::Discrepancy,
    doc: r#"## What it checks
Reports each unit an artifact excuses by a waiver instead of counting its failure (pi's
`waivers_applied` gates in the preflight and certification lanes, a drop-in
certification gate in state `waived`) when no waiver entry with the same id is among
the checked artifacts: `suite_classification.toml`, `waiver_audit.json`, or the
`waiver_audit` embedded in `certification_verdict.json`.

The waiver entries themselves are judged by TG401–TG404 (expired, too long,
incomplete, expiring soon); this rule makes sure there is one to judge.

## Why it matters
A waived gate is a failure someone decided to tolerate. The preflight verdict and the
drop-in verdict carry no waiver record, so from them alone a `waived` status is an
unverifiable claim: it could name a waiver that expired, was never written, or covers
another lane.

## Example
`preflight_verdict.json` lists `cross_platform` in `waivers_applied`, and truegreen is
run on that file alone.

## How to fix
Check the waiver source along with the verdict
(`truegreen check tests/full_suite_gate tests/suite_classification.toml`), or fix the gate
and drop the waiver.
"#,
};

rule_meta!(WaiverUnbacked);

impl Rule for WaiverUnbacked {
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        // Every waiver entry's id, collected once: an artifact can count a
        // hundred thousand units as waived.
        let entries: HashSet<&str> = cx
            .artifacts
            .iter()
            .flat_map(|a| &a.observations)
            .filter_map(|o| match o {
                Observation::Waiver(w) if w.kind == WaiverKind::Waiver => Some(w.id.as_str()),
                _ => None,
            })
            .collect();
        let backed = |id: &str| entries.contains(id);
        for ev in cx.artifacts {
            for obs in &ev.observations {
                if let Observation::Waived { id, detail, position } = obs
                    && !backed(id)
                {
                    out.push(
                        META.finding(format!(
                            "{id:?} is counted as waived ({detail}), but no waiver entry for it was checked"
                        ))
                        .artifact(&ev.info.path)
                        .position(position)
                        .side_by_side("waived", "no waiver entry among the artifacts"),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Format, Position, WaiverEntry};
    use crate::rules::testing::{evidence, policy, run};

    fn waived(id: &str) -> crate::model::Evidence {
        let mut ev = evidence("preflight_verdict.json", Format::PiPreflightVerdict);
        ev.observe(Observation::Waived {
            id: id.into(),
            detail: "gate fail and waived".into(),
            position: Position::field("x"),
        });
        ev
    }

    fn entry(kind: WaiverKind, id: &str) -> crate::model::Evidence {
        let mut ev = evidence("suite_classification.toml", Format::PiSuiteClassification);
        ev.observe(Observation::Waiver(WaiverEntry {
            kind,
            id: id.into(),
            owner: Some("o".into()),
            reason: None,
            created: None,
            expires: None,
            max_days: 30,
            missing_fields: vec![],
            invalid_fields: vec![],
            position: Position::default(),
        }));
        ev
    }

    #[test]
    fn a_waived_gate_without_an_entry_is_reported() {
        let found = run(&WaiverUnbacked, &[waived("cross_platform")], &policy());
        assert_eq!(found.len(), 1);
        assert!(found[0].message.starts_with("\"cross_platform\" is counted as waived"), "{}", found[0].message);
    }

    #[test]
    fn a_waiver_entry_anywhere_backs_it_but_a_quarantine_does_not() {
        assert!(run(&WaiverUnbacked, &[waived("g"), entry(WaiverKind::Waiver, "g")], &policy()).is_empty());
        assert_eq!(run(&WaiverUnbacked, &[waived("g"), entry(WaiverKind::Quarantine, "g")], &policy()).len(), 1);
        assert_eq!(run(&WaiverUnbacked, &[waived("g"), entry(WaiverKind::Waiver, "h")], &policy()).len(), 1);
    }
}
