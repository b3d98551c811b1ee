use super::{Finding, Rule, RuleContext, RuleMeta, Severity};
use crate::model::Tally;

pub struct ExitCodeContradiction;

static META: RuleMeta = RuleMeta {
    code: "TG105",
    name: "exit-code-contradiction",
    summary: "the producing command's exit code contradicts the artifacts",
    severity: Severity::Discrepancy,
    doc: r#"## What it checks
With `--exit-code N` (set automatically by `truegreen run`), compares the exit code of
the command that produced the artifacts with what they show, in both directions:
- exit 0 while the artifacts record failures: the tool hid its own failure;
- a non-zero exit while the artifacts record no failure: something failed that no
  artifact records (a crash after the last report, a suite that never wrote one).

## Why it matters
The exit code and the report are two witnesses of the same run. kane-cli exited 0 with
a failed step (issue 93); a shell runner exited non-zero after a suite crashed before
writing results. Either disagreement means one of them is lying.

## Example
`truegreen check --exit-code 0 run.ndjson` where the stream has a failed step.

## How to fix
For exit 0 with failures: fix the failures, and the tool that hid them. For a non-zero
exit without recorded failures: read the command's log for the crash.
"#,
};

rule_meta!(ExitCodeContradiction);

impl Rule for ExitCodeContradiction {
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let Some(code) = cx.policy.run.exit_code else { return };
        let mut totals = Tally::default();
        for ev in cx.artifacts {
            totals.add(&ev.tally);
        }
        let failures = totals.failures();
        if code == 0 && failures > 0 {
            out.push(
                META.finding(format!("the command exited 0, but the artifacts record {failures} failure(s)"))
                    .side_by_side("exit code 0", format!("{failures} failure(s)")),
            );
        } else if code != 0 && failures == 0 {
            out.push(
                META.finding(format!(
                    "the command exited {code}, but no artifact records a failure: \
                     something failed that left no result"
                ))
                .side_by_side(format!("exit code {code}"), "0 failures recorded"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Case, CaseOutcome, Format};
    use crate::rules::testing::{evidence, policy, run};

    fn check(code: Option<i32>, outcome: CaseOutcome) -> Vec<Finding> {
        let mut ev = evidence("r.xml", Format::Kane);
        ev.add_case(Case::new("t", outcome));
        let mut policy = policy();
        policy.run.exit_code = code;
        run(&ExitCodeContradiction, &[ev], &policy)
    }

    #[test]
    fn zero_exit_with_failures_is_reported() {
        let found = check(Some(0), CaseOutcome::Failed);
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("exited 0"));
    }

    #[test]
    fn nonzero_exit_without_failures_is_reported() {
        assert_eq!(check(Some(101), CaseOutcome::Passed).len(), 1);
    }

    #[test]
    fn agreeing_or_absent_exit_codes_are_fine() {
        assert!(check(Some(0), CaseOutcome::Passed).is_empty());
        assert!(check(Some(1), CaseOutcome::Failed).is_empty());
        assert!(check(None, CaseOutcome::Failed).is_empty());
    }
}
