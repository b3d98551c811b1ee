use super::{Finding, Rule, RuleContext, RuleMeta, Severity};

pub struct ClaimFalseRed;

static META: RuleMeta = RuleMeta {
    code: "TG102",
    name: "claim-false-red",
    summary: "a producer claims a worse outcome than its own evidence supports",
    severity: Severity::Discrepancy,
    doc: r#"## What it checks
The reverse of TG101: a claimed failure (or an unrecognized status) that the raw units in
the same artifact do not support, for example `overall_status: "failed"` while every step
passed, or a verdict `fail` with every gate passing.

## Why it matters
A failure the evidence does not show means the evidence is incomplete: something failed
that the artifact did not record (a crash after the last case, a gate evaluated from a
file that is not there). Either the claim or the evidence is wrong, and truegreen cannot
tell which, so it reports the contradiction instead of guessing.

## Example
`{"type":"test_md_summary","overall_status":"failed","steps":{"total":2,"passed":2,"failed":0,"skipped":0}}`

## How to fix
Look for the failure the artifact does not record: the producer's log, its stderr,
a unit that is missing from the list.
"#,
};

rule_meta!(ClaimFalseRed);

impl Rule for ClaimFalseRed {
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        super::status_claims::report(cx, &META, |claimed, derived| claimed.rank() > derived.rank(), out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Claim, Format, Status};
    use crate::rules::testing::{evidence, policy, run};

    fn with_claim(claimed: Status, derived: Status) -> Vec<Finding> {
        let mut ev = evidence("v.json", Format::PiFullSuiteVerdict);
        ev.add_claim(Claim::status("gates", "verdict", "fail", claimed, derived, "20 of 20 gates pass"));
        run(&ClaimFalseRed, &[ev], &policy())
    }

    #[test]
    fn failure_without_evidence_is_reported() {
        assert_eq!(with_claim(Status::Fail, Status::Pass).len(), 1);
        assert_eq!(with_claim(Status::Unknown, Status::Pass).len(), 1);
        assert_eq!(with_claim(Status::Warn, Status::Pass).len(), 1);
    }

    #[test]
    fn consistent_or_optimistic_claims_are_not_false_reds() {
        assert!(with_claim(Status::Fail, Status::Fail).is_empty());
        assert!(with_claim(Status::Pass, Status::Fail).is_empty());
    }
}
