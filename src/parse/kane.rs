//! kane-cli `--agent` NDJSON streams: `testmd run`, `testrun run`, and `run`.
//!
//! Raw evidence, rawest first: each `test_md_step_end` status, then the
//! summary's `steps` counts (skipped steps emit no events), then each
//! `testrun_member_end`. Claims: `overall_status` of `test_md_summary` and
//! `test_md_done`, `testrun_summary.execution.status`, `testrun_done.overall_status`,
//! the summary counts, and `run_end.status` of a bare `kane-cli run`.
//!
//! A stream can hold several `test_md_summary`/`test_md_done` pairs (one per
//! flow); each pair closes a segment and is checked against that segment only.
//! Lines that are not JSON are progress noise on stdout and are skipped, but a
//! line that starts like JSON and does not parse is a cut or corrupt stream.

use std::io::BufRead;

use serde_json::Value;

use super::duration;
use super::json::Fields;
use super::lines::LineReader;
use super::{ParseError, ReadContext, Sniff};
use crate::model::{Case, CaseOutcome, Claim, Evidence, Format, Observation, Position, ProvenanceKind, Status};

/// Typed events that identify a kane stream.
const MARKER_TYPES: &[&str] = &[
    "test_md_step_start",
    "test_md_step_end",
    "test_md_summary",
    "test_md_done",
    "test_md_lock_state",
    "testrun_plan",
    "testrun_start",
    "testrun_member_start",
    "testrun_member_end",
    "testrun_summary",
    "testrun_done",
    "run_start",
    "run_end",
    "step_start",
    "step_end",
    "step_event",
    "bifurcation",
    "recording_state",
    "skill_update_available",
    "coverage",
];

pub fn detect(sniff: &Sniff<'_>) -> Option<Format> {
    let hit = sniff.lines(40).filter(|l| l.starts_with('{')).any(|line| {
        // A cut line still names its type near the start.
        let ty = super::json::sniff_string_field(line, "type");
        ty.is_some_and(|t| MARKER_TYPES.contains(&t) || t.starts_with("test_md_") || t.starts_with("testrun_"))
    });
    hit.then_some(Format::Kane)
}

/// Longest line accepted; kane lines are a few KiB at most.
const MAX_LINE_BYTES: usize = 16 * 1024 * 1024;

pub fn read(input: &mut dyn BufRead, ev: &mut Evidence, _cx: &ReadContext<'_>) -> Result<(), ParseError> {
    let mut state = State::default();
    let mut lines = LineReader::new(input, MAX_LINE_BYTES);
    while let Some(line) = lines.next_strict_line()? {
        let position = line.position();
        let trimmed = line.text.trim();
        if !trimmed.starts_with('{') {
            // Progress text or a non-JSON prefix: kane documents these as noise.
            continue;
        }
        let value: Value = serde_json::from_str(trimmed).map_err(|e| {
            ParseError::new(
                format!("invalid JSON event: {e}"),
                Position { column: Some(e.column() as u64), ..position.clone() },
            )
        })?;
        state.event(&value, &position, ev).map_err(|mut e| {
            e.position = Position { field: e.position.field.take(), ..position.clone() };
            e
        })?;
    }
    state.finish(ev, lines.line_number());
    Ok(())
}

#[derive(Default)]
struct Step {
    index: u64,
    heading: String,
    /// The last failure detail seen inside the step (bug verdict, run_end reason).
    detail: Option<String>,
    position: Position,
}

/// One `testmd run` flow: the steps since the previous summary.
#[derive(Default)]
struct Segment {
    open_step: Option<Step>,
    steps_passed: u64,
    steps_failed: u64,
    steps_other: u64,
    /// A summary was seen and its `done` has not come yet.
    awaiting_done: Option<(Status, Position)>,
    any_event: bool,
}

#[derive(Default)]
struct State {
    segment: Segment,
    segments_closed: u64,
    md_path: Option<String>,
    readonly_fallback: bool,
    // testrun
    plan_members: Option<u64>,
    members_ended: u64,
    members_passed: u64,
    members_failed: u64,
    members_broken: u64,
    members_other: u64,
    testrun_derived: Option<Status>,
    testrun_started: bool,
    testrun_done: bool,
    // bare `kane-cli run`
    progress_steps: u64,
    bare_run_end: Option<(String, Position)>,
    saw_test_md: bool,
}

fn step_outcome(status: &str) -> Option<CaseOutcome> {
    match status {
        "passed" => Some(CaseOutcome::Passed),
        "failed" => Some(CaseOutcome::Failed),
        "skipped" => Some(CaseOutcome::Skipped),
        _ => None,
    }
}

fn claimed_status(raw: &str) -> Status {
    match raw {
        "passed" => Status::Pass,
        "failed" | "cancelled" => Status::Fail,
        _ => Status::Unknown,
    }
}

impl State {
    fn event(&mut self, value: &Value, pos: &Position, ev: &mut Evidence) -> Result<(), ParseError> {
        let f = Fields::of(value, "")?;
        let Some(ty) = f.opt_str("type")? else {
            // Untyped progress objects ({"step":N,"status":...}) of `kane-cli run`.
            if f.has("step") {
                self.progress_steps += 1;
            }
            return Ok(());
        };
        match ty {
            "test_md_step_start" => {
                self.saw_test_md = true;
                self.segment.any_event = true;
                let index = f.u64("step_index")?;
                let heading = f.opt_str("heading")?.unwrap_or("").to_owned();
                self.segment.open_step = Some(Step { index, heading, detail: None, position: pos.clone() });
            }
            "test_md_step_end" => self.step_end(&f, pos, ev)?,
            "test_md_bug_verdict" => {
                let title = f.opt_str("bug_title")?.or(f.opt_str("one_liner")?).unwrap_or("bug verdict");
                self.note_detail(format!("bug verdict: {title}"));
            }
            "run_end" => {
                let status = f.opt_str("status")?.unwrap_or("");
                if self.segment.open_step.is_some() {
                    if status != "passed" {
                        let reason = f.opt_str("reason")?.unwrap_or(status);
                        self.note_detail(reason.to_owned());
                    }
                } else if !self.saw_test_md {
                    self.bare_run_end = Some((status.to_owned(), pos.clone()));
                }
            }
            "test_md_lock_state" => {}
            "test_md_bundle_sync" => {
                if let Some(path) = f.opt_str("path")? {
                    self.md_path = Some(path.to_owned());
                }
            }
            "test_md_summary" => self.summary(&f, pos, ev)?,
            "test_md_done" => self.done(&f, pos, ev)?,
            "testrun_plan" => {
                self.plan_members = Some(f.array("members")?.len() as u64);
            }
            "testrun_start" => {
                self.testrun_started = true;
                if let Some(id) = f.opt_str("execution_id")? {
                    ev.add_provenance(ProvenanceKind::SessionId, "testrun_start.execution_id", id);
                }
            }
            "testrun_member_end" => self.member_end(&f, pos, ev)?,
            "testrun_summary" => self.testrun_summary(&f, pos, ev)?,
            "testrun_done" => {
                self.testrun_done = true;
                let raw = f.str("overall_status")?;
                let derived = self.testrun_status();
                ev.add_claim(
                    Claim::status(
                        "testrun_done",
                        "overall_status",
                        raw,
                        claimed_status(raw),
                        derived,
                        self.testrun_evidence(),
                    )
                    .at(pos.clone().with_field("overall_status")),
                );
            }
            _ => {}
        }
        Ok(())
    }

    fn note_detail(&mut self, detail: String) {
        if let Some(step) = self.segment.open_step.as_mut() {
            step.detail = Some(detail);
        }
    }

    fn scope(&self) -> String {
        format!("test_md run #{}", self.segments_closed + 1)
    }

    fn step_end(&mut self, f: &Fields<'_>, pos: &Position, ev: &mut Evidence) -> Result<(), ParseError> {
        self.saw_test_md = true;
        self.segment.any_event = true;
        let index = f.u64("step_index")?;
        let status = f.str("status")?;
        let step = match self.segment.open_step.take() {
            Some(step) if step.index == index => step,
            _ => Step { index, position: pos.clone(), ..Step::default() },
        };
        let outcome = step_outcome(status).unwrap_or(CaseOutcome::Errored);
        match outcome {
            CaseOutcome::Passed => self.segment.steps_passed += 1,
            CaseOutcome::Failed => self.segment.steps_failed += 1,
            _ => self.segment.steps_other += 1,
        }
        let name =
            if step.heading.is_empty() { format!("step {index}") } else { format!("step {index}: {}", step.heading) };
        let unknown = format!("unknown step status {status:?}");
        let message = step.detail.as_deref().or((outcome == CaseOutcome::Errored).then_some(unknown.as_str()));
        let scope = self.scope();
        let seconds = duration::json_seconds(f.get("duration_s"));
        let mut case = Case::new(&name, outcome).suite(&scope).at(step.position.clone()).took(seconds);
        if let Some(m) = message {
            case = case.message(m);
        }
        if let Some(cmd) = self.replay_command() {
            case = case.replay(cmd);
        }
        ev.add_case(case);
        Ok(())
    }

    fn replay_command(&self) -> Option<String> {
        self.md_path
            .as_deref()
            .map(|p| format!("kane-cli testmd run {} --agent --headless", crate::text::shell_quote(p)))
    }

    fn summary(&mut self, f: &Fields<'_>, pos: &Position, ev: &mut Evidence) -> Result<(), ParseError> {
        self.saw_test_md = true;
        let scope = format!("test_md_summary #{}", self.segments_closed + 1);
        let raw = f.str("overall_status")?;
        let steps = f.object("steps")?;
        let passed = steps.count("passed")?;
        let failed = steps.count("failed")?;
        let skipped = steps.opt_count("skipped")?.unwrap_or(0);
        let total = steps.opt_count("total")?;
        if let Some(commit) = f.opt_object("commit")? {
            if commit.opt_str("reason")? == Some("readonly_fallback") {
                self.readonly_fallback = true;
            }
        }
        let seg = &self.segment;
        let had_events = seg.steps_passed + seg.steps_failed + seg.steps_other > 0;
        let at = |field: &str| pos.clone().with_field(field);
        if had_events {
            ev.add_claim(
                Claim::count(
                    &scope,
                    "steps.passed",
                    passed,
                    seg.steps_passed,
                    "test_md_step_end events with status passed",
                )
                .at(at("steps.passed")),
            );
            ev.add_claim(
                Claim::count(
                    &scope,
                    "steps.failed",
                    failed,
                    seg.steps_failed,
                    "test_md_step_end events with status failed",
                )
                .at(at("steps.failed")),
            );
        } else {
            // No step events: the counts are the rawest evidence there is. Record
            // them as cases so that the tally and the rules see them.
            let label = if seg.any_event { "steps without end events" } else { "steps per summary counts" };
            let scope_name = self.scope();
            for (n, outcome) in [(passed, CaseOutcome::Passed), (failed, CaseOutcome::Failed)] {
                let name = format!("{} steps ({label})", outcome.as_str());
                let mut case = Case::new(&name, outcome).suite(&scope_name).at(at("steps"));
                if let Some(cmd) = self.replay_command() {
                    case = case.replay(cmd);
                }
                ev.add_counted(case, n);
            }
        }
        // Skipped steps never emit events; the summary is the only place they show.
        let scope_name = self.scope();
        let skipped_steps = Case::new("skipped steps", CaseOutcome::Skipped).suite(&scope_name);
        ev.add_counted(skipped_steps.at(at("steps.skipped")), skipped);
        if let Some(total) = total {
            ev.add_claim(
                Claim::count(
                    &scope,
                    "steps.total",
                    total,
                    passed + failed + skipped,
                    "steps.passed + steps.failed + steps.skipped",
                )
                .at(at("steps.total")),
            );
        }
        let failed_evidence = failed.max(self.segment.steps_failed) + self.segment.steps_other;
        let derived = if failed_evidence > 0 { Status::Fail } else { Status::Pass };
        let evidence = format!(
            "{} passed, {} failed, {} skipped{}",
            passed.max(self.segment.steps_passed),
            failed_evidence,
            skipped,
            if self.readonly_fallback { "; commit.reason readonly_fallback" } else { "" }
        );
        ev.add_claim(
            Claim::status(&scope, "overall_status", raw, claimed_status(raw), derived, evidence)
                .at(at("overall_status")),
        );
        self.segment.awaiting_done = Some((derived, pos.clone()));
        self.segment.open_step = None;
        Ok(())
    }

    fn done(&mut self, f: &Fields<'_>, pos: &Position, ev: &mut Evidence) -> Result<(), ParseError> {
        self.saw_test_md = true;
        let raw = f.str("overall_status")?;
        if let Some(session) = f.opt_str("session_id")? {
            ev.add_provenance(ProvenanceKind::SessionId, "test_md_done.session_id", session);
        }
        let scope = format!("test_md_done #{}", self.segments_closed + 1);
        let (derived, evidence) = match self.segment.awaiting_done.take() {
            Some((derived, _)) => (derived, "the test_md_summary before it".to_owned()),
            None => {
                // A done without its summary: compare with the step events alone.
                let seg = &self.segment;
                let derived = if seg.steps_failed + seg.steps_other > 0 { Status::Fail } else { Status::Pass };
                ev.observe(Observation::Truncated {
                    detail: format!("{scope} has no test_md_summary before it"),
                    position: pos.clone(),
                });
                (derived, format!("{} step(s) passed, {} failed", seg.steps_passed, seg.steps_failed + seg.steps_other))
            }
        };
        ev.add_claim(
            Claim::status(&scope, "overall_status", raw, claimed_status(raw), derived, evidence)
                .at(pos.clone().with_field("overall_status")),
        );
        self.segments_closed += 1;
        self.segment = Segment::default();
        self.md_path = None;
        self.readonly_fallback = false;
        Ok(())
    }

    fn member_end(&mut self, f: &Fields<'_>, pos: &Position, ev: &mut Evidence) -> Result<(), ParseError> {
        let path = f.str("path")?;
        let status = f.str("status")?;
        self.members_ended += 1;
        let outcome = match status {
            "passed" => {
                self.members_passed += 1;
                CaseOutcome::Passed
            }
            "failed" => {
                self.members_failed += 1;
                CaseOutcome::Failed
            }
            "broken" => {
                self.members_broken += 1;
                CaseOutcome::Errored
            }
            _ => {
                self.members_other += 1;
                CaseOutcome::Incomplete
            }
        };
        let message = format!("member status {status:?}");
        let seconds = duration::json_seconds(f.get("duration_s"));
        let mut case = Case::new(path, outcome).suite("testrun").at(pos.clone()).took(seconds);
        if outcome != CaseOutcome::Passed {
            case = case.message(&message);
        }
        let replay = format!("kane-cli testmd run {} --agent --headless", crate::text::shell_quote(path));
        ev.add_case(case.replay(replay));
        Ok(())
    }

    fn testrun_status(&self) -> Status {
        if self.members_failed + self.members_broken + self.members_other > 0 {
            Status::Fail
        } else {
            self.testrun_derived.unwrap_or(Status::Pass)
        }
    }

    fn testrun_evidence(&self) -> String {
        format!(
            "{} member(s) ended: {} passed, {} failed, {} broken, {} other",
            self.members_ended, self.members_passed, self.members_failed, self.members_broken, self.members_other
        )
    }

    fn testrun_summary(&mut self, f: &Fields<'_>, pos: &Position, ev: &mut Evidence) -> Result<(), ParseError> {
        let totals = f.object("totals")?;
        let at = |field: &str| pos.clone().with_field(field);
        let pairs = [("passed", self.members_passed), ("failed", self.members_failed), ("broken", self.members_broken)];
        let mut sum = 0;
        for (key, derived) in pairs {
            let claimed = totals.count(key)?;
            sum += claimed;
            ev.add_claim(
                Claim::count(
                    "testrun_summary",
                    format!("totals.{key}"),
                    claimed,
                    derived,
                    format!("testrun_member_end events with status {key}"),
                )
                .at(at(&format!("totals.{key}"))),
            );
        }
        let skipped = totals.opt_count("skipped")?.unwrap_or(0);
        if let Some(tests) = totals.opt_count("tests")? {
            ev.add_claim(
                Claim::count(
                    "testrun_summary",
                    "totals.tests",
                    tests,
                    sum + skipped,
                    "totals.passed + failed + broken + skipped",
                )
                .at(at("totals.tests")),
            );
        }
        if let Some(planned) = self.plan_members {
            ev.add_claim(
                Claim::count(
                    "testrun_plan",
                    "members",
                    planned,
                    self.members_ended + skipped,
                    "testrun_member_end events + skipped",
                )
                .at(at("totals")),
            );
        }
        let execution = f.object("execution")?;
        let raw = execution.str("status")?;
        let derived = self.testrun_status();
        self.testrun_derived = Some(derived);
        ev.add_claim(
            Claim::status(
                "testrun_summary",
                "execution.status",
                raw,
                claimed_status(raw),
                derived,
                self.testrun_evidence(),
            )
            .at(at("execution.status")),
        );
        Ok(())
    }

    fn finish(self, ev: &mut Evidence, last_line: u64) {
        let seg = &self.segment;
        if let Some(step) = &seg.open_step {
            ev.add_case(
                Case::new(&format!("step {}: {}", step.index, step.heading), CaseOutcome::Incomplete)
                    .suite(&self.scope())
                    .at(step.position.clone())
                    .message("the step started and the stream ended before its test_md_step_end"),
            );
        }
        if seg.any_event && seg.awaiting_done.is_none() {
            ev.observe(Observation::Truncated {
                detail: format!("the stream ends inside {} without a test_md_summary", self.scope()),
                position: Position::line(last_line),
            });
        } else if let Some((_, position)) = &seg.awaiting_done {
            ev.observe(Observation::Truncated {
                detail: "the stream ends after a test_md_summary without its test_md_done".to_owned(),
                position: position.clone(),
            });
        }
        if self.testrun_started && !self.testrun_done {
            ev.observe(Observation::Truncated {
                detail: "the testrun stream ends without its terminal testrun_done event".to_owned(),
                position: Position::line(last_line),
            });
        }
        if let Some((status, position)) = self.bare_run_end {
            // `kane-cli run`: run_end.status is both claim and only evidence of
            // the objective's outcome; record it as one case.
            let outcome = step_outcome(&status).unwrap_or(CaseOutcome::Errored);
            ev.add_case(
                Case::new("kane-cli run objective", outcome)
                    .at(position)
                    .message(&format!("run_end.status {status:?}")),
            );
        } else if self.progress_steps > 0 && !self.saw_test_md && self.plan_members.is_none() {
            ev.observe(Observation::Truncated {
                detail: "a kane-cli run stream with progress but no run_end".to_owned(),
                position: Position::line(last_line),
            });
        }
    }
}

#[cfg(test)]
mod tests;
