use super::{Finding, Rule, RuleContext, RuleMeta, Severity};
use crate::model::{Excess, Observation};

pub struct ArtifactTooLarge;

static META: RuleMeta = RuleMeta {
    code: "TG006",
    name: "artifact-too-large",
    summary: "an artifact is larger than truegreen reads: over --max-file-bytes, or more cases or claims than it keeps",
    severity: Severity::Discrepancy,
    doc: r#"## What it checks
Reports an artifact that truegreen did not read whole:
- larger than `--max-file-bytes` (default 4 GiB): a regular file over the cap is never
  opened, and a stream whose size is not known in advance is read up to the cap and no
  further;
- holding more than one artifact may keep: 20,000,000 cases (each is keyed to find
  duplicates), 100,000 failing or flaky cases, 200,000 claims, or 100,000 observations
  or provenance values. The rest is not kept.

The finding names the file, its size or count when known, and the cap.

## Why it matters
Report files are untrusted: a pull request from a fork can make the test step write
anything. A multi-gigabyte file would keep the job busy for minutes, and millions of tiny
records would make truegreen's memory grow with them. What was not read or not kept
proves nothing, so the verdict is never a pass.

## Example
`truegreen check --max-file-bytes 64M reports/` with a 2 GB `reports/junit.xml`: TG006,
"not read: 2000000000 bytes, above the cap of 67108864 bytes (--max-file-bytes)".

## How to fix
Find out why the report is that large (a test printing in a loop, output captured into
the report, a generator gone wrong). If a file is legitimately that large, raise the cap:
`--max-file-bytes 4G`. The count caps are fixed: split such a report.
"#,
};

rule_meta!(ArtifactTooLarge);

impl Rule for ArtifactTooLarge {
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for ev in cx.artifacts {
            for obs in &ev.observations {
                if let Observation::TooLarge { what, size, limit } = obs {
                    let message = match (what, size) {
                        (Excess::FileBytes, Some(size)) => {
                            format!("not read: {size} bytes, above the cap of {limit} bytes (--max-file-bytes)")
                        }
                        (Excess::FileBytes, None) => {
                            format!("read up to the cap of {limit} bytes and no further (--max-file-bytes)")
                        }
                        (what, size) => {
                            let unit = what.unit();
                            let count = size.map_or_else(|| format!("more than {limit}"), |s| s.to_string());
                            format!(
                                "{count} {unit}, above the {limit} {unit} one artifact may hold: the rest was not kept"
                            )
                        }
                    };
                    out.push(META.finding(message).artifact(&ev.info.path));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Case, CaseOutcome, Claim, Format, caps};
    use crate::rules::testing::{evidence, policy, run};

    #[test]
    fn names_the_file_its_size_and_the_cap() {
        let mut known = evidence("big.xml", Format::Ctrf);
        known.observe(Observation::TooLarge { what: Excess::FileBytes, size: Some(2_000_000_000), limit: 1 << 30 });
        let mut stream = evidence("pipe.ndjson", Format::Kane);
        stream.observe(Observation::TooLarge { what: Excess::FileBytes, size: None, limit: 10 });
        let found = run(&ArtifactTooLarge, &[known, stream, evidence("ok.json", Format::Ctrf)], &policy());
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].rule, "TG006");
        assert_eq!(found[0].artifact.as_deref(), Some("big.xml"));
        assert!(
            found[0].message.contains("2000000000 bytes, above the cap of 1073741824 bytes"),
            "{}",
            found[0].message
        );
        assert_eq!(found[1].artifact.as_deref(), Some("pipe.ndjson"));
        assert!(found[1].message.contains("cap of 10 bytes and no further"), "{}", found[1].message);
    }

    #[test]
    fn claims_past_the_cap_are_dropped_and_reported() {
        let mut ev = evidence("many.tap", Format::Tap);
        ev.add_case(Case::new("a", CaseOutcome::Passed));
        for i in 0..caps::CLAIMS + 5 {
            ev.add_claim(Claim::count(format!("subtest {i}"), "plan", 1, 1, "test points"));
        }
        ev.finish();
        assert_eq!(ev.claims.len(), caps::CLAIMS);
        let found = run(&ArtifactTooLarge, &[ev], &policy());
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].message,
            "200005 claims, above the 200000 claims one artifact may hold: the rest was not kept"
        );
    }
}
