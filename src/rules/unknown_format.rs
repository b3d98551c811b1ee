use super::{Finding, Rule, RuleContext, RuleMeta, Severity};
use crate::model::Observation;

pub struct UnknownFormat;

static META: RuleMeta = RuleMeta {
    code: "TG003",
    name: "unknown-format",
    summary: "a named artifact is in no format truegreen reads",
    severity: Severity::Discrepancy,
    doc: r#"## What it checks
Reports a file named on the command line (or matched by a glob) whose content matches
no reader. Files found while scanning a directory are only listed as ignored.

## Why it matters
When you name a file as evidence and truegreen cannot read it, the honest answer is
"unknown", and unknown is never green.

## Example
`truegreen check build.log` where `build.log` is not a test report.

## How to fix
Point truegreen at the report itself, or force a reader with `--format`.
"#,
};

rule_meta!(UnknownFormat);

impl Rule for UnknownFormat {
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for ev in cx.artifacts {
            for obs in &ev.observations {
                if let Observation::UnknownFormat { detail } = obs {
                    out.push(META.finding(format!("no reader recognizes this file: {detail}")).artifact(&ev.info.path));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ArtifactInfo, Evidence, EvidenceLimits};
    use crate::rules::testing::{policy, run};

    #[test]
    fn reports_unknown_content() {
        let info = ArtifactInfo { path: "x.bin".into(), format: None, sha256: None, size: 3, modified: None };
        let mut ev = Evidence::new(info, EvidenceLimits::default());
        ev.observe(Observation::UnknownFormat { detail: "binary data".into() });
        let found = run(&UnknownFormat, &[ev], &policy());
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("binary data"));
    }
}
