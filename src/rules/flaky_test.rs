use serde::{Deserialize, Serialize};

use super::{Finding, Rule, RuleContext, RuleMeta, Severity};
use crate::model::CaseOutcome;

/// What a flaky case (passed only on a retry) does to the verdict: `--flaky`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlakyPolicy {
    /// Reported as a warning; the run can pass.
    #[default]
    Pass,
    /// Reported as a failure: exit 1 unless something worse is found.
    Fail,
}

pub struct FlakyTest;

static META: RuleMeta = RuleMeta {
    code: "TG120",
    name: "flaky-test",
    summary: "a test passed only after failing at least once",
    severity: Severity::Warning,
    doc: r#"## What it checks
Reports each case that passed on a retry after one or more failed attempts: JUnit
`flakyFailure`/`flakyError` (Surefire, nextest), pytest-rerunfailures' empty attempts
followed by a pass, a gotestsum `--rerun-fails` failure followed by a passing attempt.
A warning by default; with `--flaky fail` it is a failure (exit 1).

## Why it matters
A retry that ends in a pass hides the failure from the job's result: the report says
"passed" and the failed attempts are only in child elements most tools ignore. Flaky
tests mask real races and rot until they fail every time.

## Example
`<testcase name="tests::flaky"><flakyFailure message="panicked at src/lib.rs:28:9"/></testcase>`

## How to fix
Run the replay command a few times to reproduce it, then fix the race or the
dependency on timing, order or shared state. Use `--flaky fail` to hold the line.
"#,
};

rule_meta!(FlakyTest);

impl Rule for FlakyTest {
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for ev in cx.artifacts {
            for f in ev.failures.iter().filter(|f| f.outcome == CaseOutcome::Flaky) {
                let name = crate::model::qualified_name(f.suite.as_deref(), &f.name);
                let detail =
                    f.message.as_deref().and_then(|m| m.lines().next()).map(|m| format!(": {m}")).unwrap_or_default();
                let mut finding = META.finding(format!("{name} passed only on a retry{detail}")).failure(ev, f);
                if cx.policy.flaky == FlakyPolicy::Fail {
                    finding.severity = Severity::Failure;
                }
                out.push(finding);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Case, Format};
    use crate::rules::testing::{evidence, policy, run};

    fn flaky_evidence() -> crate::model::Evidence {
        let mut ev = evidence("junit.xml", Format::Junit);
        ev.add_case(Case::new("t::flaky", CaseOutcome::Flaky).suite("bin").message("panicked\nmore").replay("x"));
        ev.add_case(Case::new("t::ok", CaseOutcome::Passed).suite("bin"));
        ev.add_case(Case::new("t::bad", CaseOutcome::Failed).suite("bin"));
        ev
    }

    #[test]
    fn flaky_cases_warn_by_default() {
        let found = run(&FlakyTest, &[flaky_evidence()], &policy());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Warning);
        assert_eq!(found[0].message, "bin::t::flaky passed only on a retry: panicked");
        assert_eq!(found[0].replay.as_deref(), Some("x"));
    }

    #[test]
    fn flaky_fail_policy_makes_them_failures() {
        let mut policy = policy();
        policy.flaky = FlakyPolicy::Fail;
        let found = run(&FlakyTest, &[flaky_evidence()], &policy);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Failure);
    }
}
