//! Helpers for reader unit tests: run a reader over text and judge the result
//! with every registered rule, as `truegreen check` would.

use chrono::NaiveDate;

use super::{ReadContext, Sniff, detect, read_format};
use crate::model::{ArtifactInfo, Case, CaseLog, Evidence, EvidenceLimits, Format, Observation};
use crate::rules::{self, Policy, RuleContext};
use crate::verdict::{self, RunContext};

/// Read `text` as `format`, recording a reader error as the driver does.
pub fn read(format: Format, text: &str) -> Evidence {
    read_in(format, text, None)
}

/// [`read`], with the workspace that absolute paths in the report resolve against.
pub fn read_in(format: Format, text: &str, workspace: Option<&str>) -> Evidence {
    let info = ArtifactInfo { path: "report".into(), format: Some(format), sha256: None, size: 1, modified: None };
    read_into(Evidence::new(info, EvidenceLimits::default()), format, text, workspace)
}

/// Every case's name and duration (seconds), as `--inventory` receives them.
#[derive(Debug, Default)]
struct Durations(Vec<(String, Option<f64>)>);

impl CaseLog for Durations {
    fn record(&mut self, case: &Case<'_>, _max_name: usize) {
        // To the nanosecond, so that a test compares with a literal exactly
        // whatever the last bit of a parsed float.
        self.0.push((case.name.to_owned(), case.duration.map(|s| (s * 1e9).round() / 1e9)));
    }

    fn into_any(self: Box<Self>) -> Box<dyn std::any::Any> {
        self
    }
}

/// [`read`], with every case's name and duration in seconds, in the order the
/// reader handed them over (the cases the test inventory would record).
pub fn durations(format: Format, text: &str) -> (Evidence, Vec<(String, Option<f64>)>) {
    let info = ArtifactInfo { path: "report".into(), format: Some(format), sha256: None, size: 1, modified: None };
    let mut ev = Evidence::new(info, EvidenceLimits::default());
    ev.log_cases(Box::<Durations>::default());
    let mut ev = read_into(ev, format, text, None);
    let log = ev.take_case_log().and_then(|log| log.into_any().downcast::<Durations>().ok());
    (ev, log.map(|d| d.0).unwrap_or_default())
}

fn read_into(mut ev: Evidence, format: Format, text: &str, workspace: Option<&str>) -> Evidence {
    let mut input = text.as_bytes();
    if let Err(err) = read_format(&mut input, &mut ev, &ReadContext::new(format, workspace, EvidenceLimits::default()))
    {
        ev.observe(Observation::Unparseable { message: err.message, position: err.position });
    }
    ev.finish();
    ev
}

/// The format detection picks for `text` as a whole file.
pub fn detected(text: &str) -> Option<Format> {
    detect(&Sniff::new(text.as_bytes(), true, "report"))
}

/// The verdict's exit code and the sorted, deduplicated rule codes it found.
pub fn judge(ev: Evidence, exit_code: Option<i32>) -> (i32, Vec<String>) {
    let mut policy = Policy::new(NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default());
    policy.run.exit_code = exit_code;
    let artifacts = vec![ev];
    let findings = {
        let cx = RuleContext {
            artifacts: &artifacts,
            discovery_issues: &[],
            policy: &policy,
            cross_conflicts: None,
            baseline: None,
        };
        rules::run_all(&cx)
    };
    let mut codes: Vec<String> = findings.iter().map(|f| f.rule.clone()).collect();
    codes.sort();
    codes.dedup();
    let verdict = verdict::decide(artifacts, findings, Vec::new(), RunContext::default());
    (verdict.exit_code, codes)
}

/// Rule codes as [`judge`] returns them, from a sorted list of literals.
pub fn codes(list: &[&str]) -> Vec<String> {
    list.iter().map(|c| (*c).to_owned()).collect()
}

/// The violations of one kind recorded on `ev`.
pub fn violations(ev: &Evidence, kind: crate::model::Violation) -> Vec<String> {
    ev.observations
        .iter()
        .filter_map(|o| match o {
            Observation::ProtocolViolation { violation, detail, .. } if *violation == kind => Some(detail.clone()),
            _ => None,
        })
        .collect()
}

/// The claims on `ev` that do not hold, as `field claimed/derived`.
pub fn broken_claims(ev: &Evidence) -> Vec<String> {
    ev.claims
        .iter()
        .filter(|c| !c.holds())
        .map(|c| format!("{} {} {}/{}", c.scope, c.field, c.claimed_text(), c.derived_text()))
        .collect()
}

/// The messages of the unparseable observations on `ev` (a reader's errors).
pub fn unparseable(ev: &Evidence) -> Vec<String> {
    ev.observations
        .iter()
        .filter_map(|o| match o {
            Observation::Unparseable { message, .. } => Some(message.clone()),
            _ => None,
        })
        .collect()
}

/// Read a real report, and a copy of it whose durations are made unreadable
/// (`tampered`): the copy reads as cleanly and is judged the same, since a
/// duration never makes a report unreadable or adds a finding. Returns the
/// copy's durations, as [`durations`] does.
pub fn bad_durations(format: Format, original: &str, tampered: &str) -> Vec<(String, Option<f64>)> {
    assert_ne!(original, tampered, "the copy is tampered with");
    let (original, _) = durations(format, original);
    let (copy, durations) = durations(format, tampered);
    assert_eq!(unparseable(&copy), unparseable(&original));
    assert_eq!(judge(copy, None), judge(original, None));
    durations
}

/// `(name, seconds)` pairs, as [`durations`] returns them.
pub fn timed(list: &[(&str, Option<f64>)]) -> Vec<(String, Option<f64>)> {
    list.iter().map(|(name, seconds)| ((*name).to_owned(), *seconds)).collect()
}

/// A case log that keeps nothing: with it, a reader takes its general path
/// for every case ([`Evidence::takes_passed_keys`]).
#[derive(Debug)]
struct NoLog;

impl crate::model::CaseLog for NoLog {
    fn record(&mut self, _: &crate::model::Case<'_>, _: usize) {}
    fn into_any(self: Box<Self>) -> Box<dyn std::any::Any> {
        self
    }
}

/// What a read of `text` records, as JSON with its sorted case keys: once as
/// `check` reads it (passing cases offloaded), once through the general path
/// alone (cases logged). The two must be equal.
pub fn read_both_ways(format: Format, text: &str) -> [(serde_json::Value, Vec<u64>); 2] {
    [false, true].map(|general| {
        let info = ArtifactInfo { path: "report".into(), format: Some(format), sha256: None, size: 1, modified: None };
        let mut ev = Evidence::new(info, EvidenceLimits::default());
        if general {
            ev.log_cases(Box::new(NoLog));
        }
        let mut input = text.as_bytes();
        let cx = ReadContext::new(format, None, EvidenceLimits::default());
        if let Err(err) = read_format(&mut input, &mut ev, &cx) {
            ev.observe(Observation::Unparseable { message: err.message, position: err.position });
        }
        ev.finish();
        (serde_json::to_value(&ev).unwrap_or_default(), ev.case_keys().to_vec())
    })
}

/// `copies` copies of `element` (a real report's test element with its
/// `attribute="value"` pair), each with that value made unique, for a report
/// big enough to start the offload's worker.
pub fn copies(element: &str, attribute: &str, copies: usize) -> String {
    let marker = format!("{attribute}=\"");
    let (head, tail) = element.split_once(&marker).unwrap_or((element, ""));
    (0..copies).map(|i| format!("{head}{marker}{i:08}-{tail}\n")).collect()
}
