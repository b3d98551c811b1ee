use super::{Finding, Rule, RuleContext, RuleMeta, Severity};
use crate::model::ClaimKind;

pub struct CountMismatch;

static META: RuleMeta = RuleMeta {
    code: "TG103",
    name: "count-mismatch",
    summary: "declared counts do not match the units they count",
    severity: Severity::Discrepancy,
    doc: r#"## What it checks
Compares every count a producer declares with the count derived from the units it
enumerates: passed + failed + skipped against total, `failed_names` against the failed
count, a summary's `failed_suites` against its `suites[]`, a kane summary's `steps`
against its `test_md_step_end` events, a replay bundle's totals against its lists.
Both numbers are shown.

## Why it matters
Counts that do not add up mean units went missing or were counted twice: a suite that
crashed before writing results, a scraper that read the wrong line, a stale file merged
in. The total a dashboard shows is then fiction.

## Example
pi `summary.json` with `failed_suites: 0` while one entry of `suites[]` has `exit_code: 101`.

## How to fix
Find the unit that is missing or extra; the finding says which count and where.
"#,
};

rule_meta!(CountMismatch);

impl Rule for CountMismatch {
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for ev in cx.artifacts {
            for claim in &ev.claims {
                if let ClaimKind::Count { claimed, derived, evidence } = &claim.kind
                    && claimed != derived
                {
                    out.push(
                        META.finding(format!(
                            "{} declares {} = {claimed}, but counts {derived}: {evidence}",
                            claim.scope, claim.field
                        ))
                        .artifact(&ev.info.path)
                        .from_claim(claim),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Claim, Format};
    use crate::rules::testing::{evidence, policy, run};

    #[test]
    fn reports_only_counts_that_differ() {
        let mut ev = evidence("s.json", Format::PiSummary);
        ev.add_claim(Claim::count("summary", "failed_suites", 0, 1, "suites[] with exit_code != 0"));
        ev.add_claim(Claim::count("summary", "total_suites", 3, 3, "entries in suites[]"));
        let found = run(&CountMismatch, &[ev], &policy());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].claimed.as_deref(), Some("0"));
        assert!(found[0].message.contains("failed_suites = 0, but counts 1"));
    }
}
