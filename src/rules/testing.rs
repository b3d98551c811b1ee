//! Helpers for rule unit tests: build evidence without a reader.

use chrono::NaiveDate;

use super::{Finding, Policy, Rule, RuleContext};
use crate::discover::DiscoveryIssue;
use crate::model::{ArtifactInfo, Evidence, EvidenceLimits, Format};

pub fn evidence(path: &str, format: Format) -> Evidence {
    let info = ArtifactInfo { path: path.into(), format: Some(format), sha256: None, size: 1, modified: None };
    Evidence::new(info, EvidenceLimits::default())
}

pub fn policy() -> Policy {
    Policy::new(NaiveDate::from_ymd_opt(2026, 11, 20).expect("valid date"))
}

pub fn run(rule: &dyn Rule, artifacts: &[Evidence], policy: &Policy) -> Vec<Finding> {
    run_with_issues(rule, artifacts, &[], policy)
}

pub fn run_with_issues(
    rule: &dyn Rule,
    artifacts: &[Evidence],
    issues: &[DiscoveryIssue],
    policy: &Policy,
) -> Vec<Finding> {
    let cx = RuleContext { artifacts, discovery_issues: issues, policy, cross_conflicts: None, baseline: None };
    let mut out = Vec::new();
    rule.check(&cx, &mut out);
    out
}

/// A ledger record of a suite that ran from the epoch for a second.
pub fn suite_run(suite: &str, exit_status: i32, reports: &[&str]) -> crate::model::SuiteRun {
    crate::model::SuiteRun {
        suite: suite.into(),
        argv: vec!["bash".into(), format!("tests/{suite}.sh")],
        exit_status,
        signal: None,
        started: chrono::DateTime::UNIX_EPOCH,
        ended: chrono::DateTime::UNIX_EPOCH + chrono::Duration::seconds(1),
        reports: reports.iter().map(|r| (*r).to_owned()).collect(),
        spawn_error: None,
        position: crate::model::Position::line(1),
    }
}
