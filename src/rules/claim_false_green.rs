use super::{Finding, Rule, RuleContext, RuleMeta, Severity};

pub struct ClaimFalseGreen;

static META: RuleMeta = RuleMeta {
    code: "TG101",
    name: "claim-false-green",
    summary: "a producer claims a better outcome than its own evidence shows",
    severity: Severity::Discrepancy,
    doc: r#"## What it checks
Compares every status a producer states about itself (`overall_status`, `verdict`,
`status`, `overall_verdict`, `all_blocking_pass`, `can_promote`, ...) with the status
truegreen derives from the raw units in the same artifact (steps, cases, gates, exit
codes). Reports each claim that is better than the evidence: `passed` with a failed step,
`pass` with a failed or skipped blocking gate, `pass_with_residuals` while the gates it
summarizes failed.

## Why it matters
CI keys on these fields. kane-cli 0.4.x printed `overall_status: "passed"` and exited 0
with `steps.failed: 1` (kane-cli issue 93); pi_agent_rust committed a preflight verdict
`pass` with a skipped blocking gate. Both let a real regression through.

## Example
`{"type":"test_md_summary","overall_status":"passed","steps":{"passed":0,"failed":1,"skipped":1}}`

## How to fix
Treat the run as failed: fix the failing step or gate. Report the producer's bug upstream.
"#,
};

rule_meta!(ClaimFalseGreen);

impl Rule for ClaimFalseGreen {
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        super::status_claims::report(cx, &META, |claimed, derived| claimed.rank() < derived.rank(), out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Claim, Format, Status};
    use crate::rules::testing::{evidence, policy, run};

    fn with_claim(claimed: Status, derived: Status) -> Vec<Finding> {
        let mut ev = evidence("k.ndjson", Format::Kane);
        ev.add_claim(Claim::status("summary", "overall_status", "x", claimed, derived, "1 step failed"));
        run(&ClaimFalseGreen, &[ev], &policy())
    }

    #[test]
    fn pass_over_failing_evidence_is_reported() {
        let found = with_claim(Status::Pass, Status::Fail);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].claimed.as_deref(), Some("x"));
        assert_eq!(found[0].derived.as_deref(), Some("fail (1 step failed)"));
    }

    #[test]
    fn warn_over_failing_and_pass_over_warn_are_reported() {
        assert_eq!(with_claim(Status::Warn, Status::Fail).len(), 1);
        assert_eq!(with_claim(Status::Pass, Status::Warn).len(), 1);
    }

    #[test]
    fn agreeing_or_pessimistic_claims_are_not_false_greens() {
        assert!(with_claim(Status::Pass, Status::Pass).is_empty());
        assert!(with_claim(Status::Fail, Status::Pass).is_empty());
        assert!(with_claim(Status::Unknown, Status::Fail).is_empty());
    }
}
