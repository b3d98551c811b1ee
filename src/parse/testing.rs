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

/// What a read of `text` records, as JSON with its sorted case keys and the
/// report's part of the test inventory (its lines, its keys and its slowest
/// tests): once as `check --inventory` reads it (passing cases offloaded),
/// once through the general path alone
/// ([`Evidence::take_general_path`]). The two must be equal. The offloaded
/// read without an inventory records the same evidence, which this checks.
pub fn read_both_ways(format: Format, text: &str) -> [(serde_json::Value, Vec<u64>, Logged); 2] {
    let read = |general: bool, inventory: bool| {
        let info = ArtifactInfo { path: "report".into(), format: Some(format), sha256: None, size: 1, modified: None };
        let mut ev = Evidence::new(info, EvidenceLimits::default());
        if general {
            ev.take_general_path();
        }
        if inventory {
            let log = crate::inventory::ReportLog::new(format, "report", None);
            ev.log_cases(Box::new(crate::inventory::ThreadedLog::new(log)));
        }
        let mut input = text.as_bytes();
        let cx = ReadContext::new(format, None, EvidenceLimits::default());
        if let Err(err) = read_format(&mut input, &mut ev, &cx) {
            ev.observe(Observation::Unparseable { message: err.message, position: err.position });
        }
        ev.finish();
        let log = ev.take_case_log().and_then(|log| log.into_any().downcast::<crate::inventory::ThreadedLog>().ok());
        let logged = log.map(|log| Logged::of(log.finish()));
        (serde_json::to_value(&ev).unwrap_or_default(), ev.case_keys().to_vec(), logged.unwrap_or_default())
    };
    let quiet = read(false, false);
    let [fast, general] = [false, true].map(|general| read(general, true));
    assert_eq!((&quiet.0, &quiet.1), (&fast.0, &fast.1), "an inventory changes nothing else");
    [fast, general]
}

/// A report's part of the test inventory, as [`read_both_ways`] compares it.
#[derive(Debug, Default, PartialEq)]
pub struct Logged {
    /// Its lines, uncompressed; or why they could not be had.
    pub lines: String,
    pub keys: Vec<crate::inventory::Key>,
    pub slowest: Vec<crate::inventory::Timed>,
}

impl Logged {
    fn of(finished: Result<crate::inventory::FinishedLog, String>) -> Self {
        let finished = match finished {
            Ok(finished) => finished,
            Err(reason) => return Self { lines: format!("lost: {reason}"), ..Self::default() },
        };
        let mut lines = String::new();
        let mut gz = flate2::read::MultiGzDecoder::new(finished.member.as_slice());
        if let Err(err) = std::io::Read::read_to_string(&mut gz, &mut lines) {
            lines = format!("unreadable: {err}");
        }
        Self { lines, keys: finished.keys, slowest: finished.slowest.into_vec() }
    }
}

/// `copies` copies of `element` (a real report's test element with its
/// `attribute="value"` pair), each with that value made unique, for a report
/// big enough to start the offload's worker.
pub fn copies(element: &str, attribute: &str, copies: usize) -> String {
    let marker = format!("{attribute}=\"");
    let (head, tail) = element.split_once(&marker).unwrap_or((element, ""));
    (0..copies).map(|i| format!("{head}{marker}{i:08}-{tail}\n")).collect()
}
