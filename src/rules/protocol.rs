//! Shared by the rules that each report one kind of protocol violation (TAP's
//! plan and bail-out rules, CTRF's schema rule): the reader observes the
//! violation, the rule of that kind turns it into a finding.

use super::{Finding, RuleContext, RuleMeta};
use crate::model::{Observation, Violation};

/// One finding per observed violation of `kind`, at its position.
pub(super) fn report(cx: &RuleContext<'_>, kind: Violation, meta: &'static RuleMeta, out: &mut Vec<Finding>) {
    for ev in cx.artifacts {
        for obs in &ev.observations {
            if let Observation::ProtocolViolation { violation, detail, position } = obs
                && *violation == kind
            {
                out.push(meta.finding(detail.clone()).artifact(&ev.info.path).position(position));
            }
        }
    }
}

/// Test helper: `rule` reports a violation of `kind` with its detail and
/// position, as a discrepancy, and ignores a violation of any other kind.
#[cfg(test)]
pub(super) fn assert_reports_only(rule: &dyn super::Rule, kind: Violation) {
    use crate::model::{Format, Position};
    use crate::rules::Severity;
    use crate::rules::testing::{evidence, policy, run};

    let all = [
        Violation::PlanMissing,
        Violation::PlanMisplaced,
        Violation::TestNumber,
        Violation::BailOut,
        Violation::UnterminatedSubtest,
        Violation::Schema,
    ];
    for violation in all {
        let mut ev = evidence("r", Format::Tap);
        ev.observe(Observation::ProtocolViolation {
            violation,
            detail: "what broke".into(),
            position: Position::line(4),
        });
        let found = run(rule, &[ev], &policy());
        if violation == kind {
            assert_eq!(found.len(), 1, "{kind:?}");
            assert_eq!(found[0].rule, rule.meta().code);
            assert_eq!(found[0].severity, Severity::Discrepancy);
            assert_eq!(found[0].position, Some(Position::line(4)));
            assert_eq!(found[0].message, "what broke");
        } else {
            assert!(found.is_empty(), "{} reported {violation:?}", rule.meta().code);
        }
    }
}
