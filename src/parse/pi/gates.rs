//! Gates, as the full-suite, preflight, certification and drop-in verdicts list
//! them, and the fail-closed rule truegreen derives a lane verdict with:
//!
//! - a blocking gate whose status is not `pass` fails the run, whatever the status
//!   (`fail`, `warn`, `skip`, `blocked`, anything unknown) unless a waiver excuses it;
//! - a non-blocking gate that fails (or has an unknown status) is an advisory
//!   failure and turns a `pass` into `warn`, as pi's own rule does
//!   (verdict pass requires `failed == 0`);
//! - a non-blocking `warn` is shown as an advisory failure but, as in pi, does not
//!   change the verdict; a non-blocking `skip` is a skip.

use super::{ParseError, bounded_list};
use crate::model::{Case, CaseOutcome, Evidence, Observation, Position, Status};
use crate::parse::json::Fields;

/// One gate as an artifact lists it.
pub(super) struct Gate<'a> {
    pub id: &'a str,
    pub status: &'a str,
    pub blocking: bool,
    pub detail: Option<&'a str>,
    pub reproduce_command: Option<&'a str>,
    pub position: Position,
}

impl<'a> Gate<'a> {
    /// Read a gate object. `id_key` is `id` (lanes) or `gate_id` (drop-in);
    /// `default_blocking` applies when the producer omits `blocking`
    /// (hand-written drop-in verdicts list hard gates, which all block).
    pub fn parse(f: &Fields<'a>, id_key: &str, default_blocking: Option<bool>) -> Result<Self, ParseError> {
        let blocking = match default_blocking {
            Some(default) => f.opt_bool("blocking")?.unwrap_or(default),
            None => f.bool("blocking")?,
        };
        let detail = match f.opt_str("detail")? {
            Some(d) => Some(d),
            None => f.opt_str("reason")?,
        };
        Ok(Self {
            id: f.str(id_key)?,
            status: f.str("status")?,
            blocking,
            detail,
            reproduce_command: f.opt_str("reproduce_command")?,
            position: Position::field(f.path("status")),
        })
    }
}

/// Counts over a lane's gates, by pi's definitions (status strings) and by
/// truegreen's fail-closed one.
#[derive(Default)]
pub(super) struct GateTally {
    pub total: u64,
    pub passed: u64,
    /// Status `fail`, not waived.
    pub failed: u64,
    /// Status `warn`, not waived.
    pub warned: u64,
    pub skipped: u64,
    pub waived: u64,
    pub blocking_total: u64,
    /// Blocking gates with status `pass` (pi's `blocking_pass` in the full-suite gate).
    pub blocking_passed: u64,
    /// Blocking gates that are not `pass` and not waived: each fails the run.
    pub blockers: Vec<String>,
    /// Non-blocking gates that failed or have an unknown status.
    pub advisory_failing: Vec<String>,
}

impl GateTally {
    /// The lane verdict truegreen derives from the gates.
    pub fn derived(&self) -> Status {
        if !self.blockers.is_empty() {
            Status::Fail
        } else if !self.advisory_failing.is_empty() {
            Status::Warn
        } else {
            Status::Pass
        }
    }

    /// What [`GateTally::derived`] rests on, for the side-by-side display.
    pub fn evidence(&self) -> String {
        let mut text = format!(
            "{} gate(s), {} of {} blocking pass{}",
            self.total,
            self.blocking_total.saturating_sub(self.blockers.len() as u64),
            self.blocking_total,
            if self.waived > 0 { format!(" ({} waived)", self.waived) } else { String::new() }
        );
        if !self.blockers.is_empty() {
            text.push_str(&format!("; blocking not passing: {}", bounded_list(&self.blockers)));
        }
        if !self.advisory_failing.is_empty() {
            text.push_str(&format!("; non-blocking failing: {}", bounded_list(&self.advisory_failing)));
        }
        text
    }

    /// Record one gate as a case. `waived` is true only when the caller found a
    /// waiver that excuses this gate's failure.
    pub fn record(&mut self, ev: &mut Evidence, gate: &Gate<'_>, suite: &str, waived: bool) {
        self.total += 1;
        if gate.blocking {
            self.blocking_total += 1;
        }
        let status = gate.status;
        let labelled = format!("{} ({status})", gate.id);
        let detail = gate.detail.unwrap_or("");
        let with_detail = |text: &str| if detail.is_empty() { text.to_owned() } else { format!("{text}: {detail}") };
        let (outcome, message) = if waived && status != "pass" {
            self.waived += 1;
            ev.observe(Observation::Waived {
                id: gate.id.to_owned(),
                detail: with_detail(&format!("gate {status} and waived")),
                position: gate.position.clone(),
            });
            (CaseOutcome::Skipped, None)
        } else {
            match status {
                "pass" => {
                    self.passed += 1;
                    if gate.blocking {
                        self.blocking_passed += 1;
                    }
                    (CaseOutcome::Passed, None)
                }
                "skip" if !gate.blocking => {
                    self.skipped += 1;
                    (CaseOutcome::Skipped, None)
                }
                "skip" => {
                    self.skipped += 1;
                    let text = "blocking gate skipped: fail-closed, a blocking gate that did not run is no pass";
                    (CaseOutcome::Errored, Some(with_detail(text)))
                }
                "fail" => {
                    self.failed += 1;
                    (CaseOutcome::Failed, Some(with_detail("gate failed")))
                }
                "warn" => {
                    self.warned += 1;
                    let text = if gate.blocking { "blocking gate warned: fail-closed" } else { "gate warned" };
                    (CaseOutcome::Failed, Some(with_detail(text)))
                }
                "blocked" => (CaseOutcome::Errored, Some(with_detail("gate blocked"))),
                other => {
                    let text = format!("unknown gate status {other:?}: read as a failure");
                    (CaseOutcome::Errored, Some(with_detail(&text)))
                }
            }
        };
        if outcome.is_failure() {
            if gate.blocking {
                self.blockers.push(labelled);
            } else if status != "warn" {
                self.advisory_failing.push(labelled);
            }
        }
        let mut case = Case::new(gate.id, outcome).suite(suite).at(gate.position.clone());
        if !gate.blocking {
            case = case.advisory();
        }
        if let Some(message) = &message {
            case = case.message(message);
        }
        if let Some(cmd) = gate.reproduce_command.filter(|c| !c.trim().is_empty()) {
            case = case.replay(cmd);
        }
        ev.add_case(case);
    }
}
