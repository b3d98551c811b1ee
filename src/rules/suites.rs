//! Lookups shared by the suite and completeness rules (not a rule).

use crate::model::{Evidence, Observation, SuiteRun};

use super::{RuleContext, SuitePolicy};

/// Every suite run recorded in a ledger among the artifacts, with its ledger.
pub fn runs<'a>(cx: &'a RuleContext<'_>) -> impl Iterator<Item = (&'a Evidence, &'a SuiteRun)> {
    cx.artifacts.iter().flat_map(|ev| {
        ev.observations.iter().filter_map(move |o| match o {
            Observation::SuiteRun(run) => Some((ev, run)),
            _ => None,
        })
    })
}

/// The artifacts read whose path is one of `paths`.
pub fn artifacts_at<'a>(cx: &'a RuleContext<'_>, paths: &'a [String]) -> impl Iterator<Item = &'a Evidence> {
    let wanted: Vec<String> = paths.iter().map(|p| crate::discover::normalize(p)).collect();
    cx.artifacts.iter().filter(move |ev| wanted.contains(&crate::discover::normalize(&ev.info.path)))
}

/// The configuration of a suite, if the configuration declares it.
pub fn policy_of<'a>(cx: &'a RuleContext<'_>, suite: &str) -> Option<&'a SuitePolicy> {
    cx.policy.run.suites.iter().find(|s| s.name == suite)
}
