use super::{Finding, Rule, RuleContext, RuleMeta, Severity};
use crate::model::Observation;

pub struct FileTooLarge;

static META: RuleMeta = RuleMeta {
    code: "TG006",
    name: "file-too-large",
    summary: "an artifact is larger than --max-file-bytes and was not read",
    severity: Severity::Discrepancy,
    doc: r#"## What it checks
Reports an artifact larger than `--max-file-bytes` (default 1 GiB). A regular file whose
size exceeds the cap is never opened; a stream whose size is not known in advance is read
up to the cap and no further. The finding names the file, its size when known, and the cap.

## Why it matters
Report files are untrusted: a pull request from a fork can make the test step write
anything. A multi-gigabyte file would keep the job busy hashing and parsing for minutes
and could hide its results behind the size. An artifact that was not read proves nothing,
so it is never a pass.

## Example
`truegreen check --max-file-bytes 64M reports/` with a 2 GB `reports/junit.xml`: TG006,
"2000000000 bytes, above the cap of 67108864 bytes (--max-file-bytes)".

## How to fix
Find out why the report is that large (a test printing in a loop, output captured into
the report). If it is legitimate, raise the cap: `--max-file-bytes 4G`.
"#,
};

impl Rule for FileTooLarge {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for ev in cx.artifacts {
            for obs in &ev.observations {
                if let Observation::TooLarge { size, limit } = obs {
                    let size = match size {
                        Some(size) => format!("{size} bytes"),
                        None => "more bytes than the cap".to_owned(),
                    };
                    let message = format!("not read: {size}, above the cap of {limit} bytes (--max-file-bytes)");
                    out.push(META.finding(message).artifact(&ev.info.path));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Format;
    use crate::rules::testing::{evidence, policy, run};

    #[test]
    fn names_the_file_its_size_and_the_cap() {
        let mut known = evidence("big.xml", Format::Ctrf);
        known.observe(Observation::TooLarge { size: Some(2_000_000_000), limit: 1 << 30 });
        let mut stream = evidence("pipe.ndjson", Format::Kane);
        stream.observe(Observation::TooLarge { size: None, limit: 10 });
        let found = run(&FileTooLarge, &[known, stream, evidence("ok.json", Format::Ctrf)], &policy());
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].rule, "TG006");
        assert_eq!(found[0].artifact.as_deref(), Some("big.xml"));
        assert!(
            found[0].message.contains("2000000000 bytes, above the cap of 1073741824 bytes"),
            "{}",
            found[0].message
        );
        assert_eq!(found[1].artifact.as_deref(), Some("pipe.ndjson"));
        assert!(found[1].message.contains("cap of 10 bytes"), "{}", found[1].message);
    }
}
