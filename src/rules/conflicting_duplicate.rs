use super::{Finding, Rule, RuleContext, RuleMeta, Severity};
use crate::model::{CaseOutcome, Observation};

pub struct ConflictingDuplicate;

static META: RuleMeta = RuleMeta {
    code: "TG106",
    name: "conflicting-duplicate",
    summary: "the same case is reported as both passing and failing",
    severity: Severity::Discrepancy,
    doc: r#"## What it checks
Reports a case (same suite and name) that appears more than once in one artifact as
passed (or flaky) and as failed, errored or incomplete, when the format gives no sign
that the repeats are retries. Recognizable retries (Surefire `flakyFailure`/`rerunFailure`,
nextest retries) are read as flaky or failed instead and do not trigger this rule.

TAP is not checked: a test point is identified by its number, not its description, and
tape, node-tap, Perl's Test::More and testthat write a point per assertion, many under
one description (`ok 15 passes then fails`, `not ok 16 passes then fails`). Nor is EUnit's
JUnit, whose generators give their cases one name.

Repeats that cannot turn a failure into a pass are not reported: TestNG (through
Surefire) writes each retried attempt as a skipped testcase before the final one, and
jest-junit writes a test file that failed to load as an `<error>` and a `<failure>`
testcase of the same name.

## Why it matters
Readers that keep the first or the last occurrence turn a failure into a pass:
pytest-rerunfailures writes failed attempts as empty, pass-looking testcases; a stale
report merged into a fresh one repeats every case.

## Example
Two `<testcase classname="t" name="test_io">`, one with `<failure>`, one without.

## How to fix
Find out why the case is reported twice (a retry plugin, two reports concatenated).

## Names
Duplicates are found from one 8-byte key per case, so memory does not grow with the
passes. The finding names the case from its failure record when one side failed; when
neither side keeps a record (passed and skipped), the artifact is read a second time for
the names of those cases alone (up to 1,000 per artifact). If the file changed since it
was read (its sha256 differs) or is gone, the case is shown as `case #<key>` with the
reason; the finding is the same either way.
"#,
};

rule_meta!(ConflictingDuplicate);

impl Rule for ConflictingDuplicate {
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for ev in cx.artifacts {
            for obs in &ev.observations {
                if let Observation::ConflictingDuplicate { name, outcomes, .. } = obs
                    && outcomes.iter().any(|o| o.is_failure())
                    && outcomes.iter().any(|o| matches!(o, CaseOutcome::Passed | CaseOutcome::Flaky))
                {
                    let list: Vec<&str> = outcomes.iter().map(|o| o.as_str()).collect();
                    out.push(
                        META.finding(format!("{name} is reported with outcomes {}", list.join(", ")))
                            .artifact(&ev.info.path),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Case, Format};
    use crate::rules::testing::{evidence, policy, run};

    #[test]
    fn reports_conflicts_found_when_evidence_is_finished() {
        let mut ev = evidence("j.xml", Format::Kane);
        ev.add_case(Case::new("io", CaseOutcome::Failed));
        ev.add_case(Case::new("io", CaseOutcome::Passed));
        ev.finish();
        let found = run(&ConflictingDuplicate, &[ev], &policy());
        assert_eq!(found.len(), 1);
        assert!(found[0].message.starts_with("io is reported"), "{}", found[0].message);
    }

    #[test]
    fn repeats_that_cannot_hide_a_failure_are_not_conflicts() {
        let mut ev = evidence("j.xml", Format::Junit);
        // TestNG's retried attempt, then the final failure.
        ev.add_case(Case::new("retried", CaseOutcome::Skipped));
        ev.add_case(Case::new("retried", CaseOutcome::Failed));
        // jest-junit's suite that failed to load: an error and a failure.
        ev.add_case(Case::new("broken.test.js", CaseOutcome::Errored));
        ev.add_case(Case::new("broken.test.js", CaseOutcome::Failed));
        ev.finish();
        assert!(run(&ConflictingDuplicate, &[ev], &policy()).is_empty());
    }
}
