use super::{Finding, Rule, RuleContext, RuleMeta, Severity};

pub struct NoReports;

static META: RuleMeta = RuleMeta {
    code: "TG004",
    name: "no-reports",
    summary: "a path named as evidence yields no readable report",
    severity: Severity::Discrepancy,
    doc: r#"## What it checks
Reports each path argument that does not exist, a glob that matches nothing, a directory
holding no report truegreen recognizes, and any path discovery refused to read (for
example a FIFO, or a symlink leading outside the workspace).

## Why it matters
The most common false green is the report that was never written: the suite crashed,
the job was cancelled, the glob was wrong. Absence of evidence is not evidence of success.

## Example
`truegreen check target/nextest/ci/junit.xml` after a compile error left no file.

## How to fix
Check that the producing step ran and wrote where you look; fix the path or the glob.
"#,
};

rule_meta!(NoReports);

impl Rule for NoReports {
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for issue in cx.discovery_issues {
            out.push(META.finding(issue.detail.clone()).artifact(&issue.path));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::DiscoveryIssue;
    use crate::rules::testing::{policy, run_with_issues};

    #[test]
    fn reports_every_discovery_issue() {
        let issues = vec![
            DiscoveryIssue { path: "missing.xml".into(), detail: "no such file or directory".into() },
            DiscoveryIssue { path: "dir".into(), detail: "directory holds no report".into() },
        ];
        let found = run_with_issues(&NoReports, &[], &issues, &policy());
        assert_eq!(found.len(), 2);
        assert_eq!(found[1].artifact.as_deref(), Some("dir"));
    }
}
