use super::{Finding, Rule, RuleContext, RuleMeta, Severity};

pub struct AdvisoryFailure;

static META: RuleMeta = RuleMeta {
    code: "TG501",
    name: "advisory-failure",
    summary: "a non-blocking unit failed",
    severity: Severity::Warning,
    doc: r#"## What it checks
Warns about each unit the producer marks as non-blocking (pi's `blocking: false` gates)
that failed. Its failure does not fail the run, by the producer's own policy, but it is
shown so it cannot rot unseen.

## Why it matters
Non-blocking gates are where regressions wait until someone flips the flag.

## How to fix
Fix the gate, or delete it if nobody will.
"#,
};

rule_meta!(AdvisoryFailure);

impl Rule for AdvisoryFailure {
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for ev in cx.artifacts {
            for f in ev.failures.iter().filter(|f| !f.blocking) {
                let detail = f.message.as_deref().map(|m| format!(": {m}")).unwrap_or_default();
                out.push(
                    META.finding(format!("non-blocking {} {}{detail}", f.outcome.as_str(), f.name)).failure(ev, f),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Case, CaseOutcome, Format, SourceLocation};
    use crate::rules::testing::{evidence, policy, run};

    #[test]
    fn warns_for_non_blocking_failures_only() {
        let mut ev = evidence("v.json", Format::PiFullSuiteVerdict);
        let mut advisory = Case::new("evidence_bundle", CaseOutcome::Failed).advisory().replay("cargo test x");
        advisory.source = Some(SourceLocation { file: "tests/bundle.rs".into(), line: Some(3) });
        ev.add_case(advisory);
        ev.add_case(Case::new("cross_platform", CaseOutcome::Failed));
        let found = run(&AdvisoryFailure, &[ev], &policy());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].replay.as_deref(), Some("cargo test x"));
        assert_eq!(found[0].source, Some(SourceLocation { file: "tests/bundle.rs".into(), line: Some(3) }));
        assert_eq!(found[0].severity, Severity::Warning);
    }
}
