//! `<run>/<suite>/failure_digest.json` (`pi.e2e.failure_digest.v1`), written for
//! each e2e suite that exited non-zero.
//!
//! Evidence: the suite's `exit_code`, one case, with `root_cause_class` and the
//! first failing assertion as its message, the assertion's `location` as its
//! source (pi's `{"file": "", "line": 0}` placeholder is skipped), and the
//! remediation commands: the most targeted as its replay, the others in its
//! message. A digest of a suite that exited 0 contradicts itself: the case
//! passes and the digest's root cause is recorded as a claim of failure (TG102).

use serde_json::Value;

use super::{ParseError, assertion_location, cargo_replay, provenance, root};
use crate::model::{Case, CaseOutcome, Claim, Evidence, Position, ProvenanceKind, Status};
use crate::parse::json::Fields;

pub(super) fn read(doc: &Value, ev: &mut Evidence) -> Result<(), ParseError> {
    let root = root(doc)?;
    provenance(ev, &root, "correlation_id", ProvenanceKind::CorrelationId)?;
    provenance(ev, &root, "generated_at", ProvenanceKind::GeneratedAt)?;
    let suite = root.str("suite")?;
    let exit_code = root.i64("exit_code")?;
    let class = root.opt_str("root_cause_class")?.unwrap_or("unknown");
    let assertion = root.opt_object("first_failing_assertion")?;
    let mut lines = vec![format!("exit code {exit_code}, root cause {class}")];
    let mut source = None;
    if let Some(assertion) = &assertion {
        lines.extend(assertion_lines(assertion)?);
        source = assertion_location(assertion)?;
    }

    let mut replay = None;
    if let Some(pointer) = root.opt_object("remediation_pointer")? {
        if let Some(summary) = pointer.opt_str("summary")?.filter(|s| !s.is_empty()) {
            lines.push(format!("remediation: {summary}"));
        }
        let commands = [
            ("targeted replay", "targeted_test_replay_command"),
            ("suite replay", "suite_replay_command"),
            ("runner replay", "replay_command"),
            ("cargo rerun hint", "cargo_rerun_hint"),
        ];
        for (label, key) in commands {
            let Some(cmd) = pointer.opt_str(key)?.map(str::trim).filter(|c| !c.is_empty()) else { continue };
            if replay.is_none() {
                replay = Some(cmd.to_owned());
            } else {
                lines.push(format!("{label}: {cmd}"));
            }
        }
    }
    let replay = replay.unwrap_or_else(|| cargo_replay(None, suite));
    let position = Position::field("exit_code");

    if exit_code == 0 {
        ev.add_case(Case::new(suite, CaseOutcome::Passed).suite("suites").at(position));
        ev.add_claim(
            Claim::status(
                "failure_digest",
                "root_cause_class",
                class,
                Status::Fail,
                Status::Pass,
                "exit_code 0: the suite passed, yet a failure digest was written for it",
            )
            .at(Position::field("root_cause_class")),
        );
        return Ok(());
    }
    let message = lines.join("\n");
    let mut case = Case::new(suite, outcome_for(class)).suite("suites").message(&message).replay(replay).at(position);
    case.source = source;
    ev.add_case(case);
    Ok(())
}

/// How a root cause class reads as an outcome: an assertion that failed, or a
/// suite that could not run to one.
pub(super) fn outcome_for(class: &str) -> CaseOutcome {
    match class {
        "assertion_failure" | "panic" | "vcr_mismatch" => CaseOutcome::Failed,
        "timeout" => CaseOutcome::Incomplete,
        _ => CaseOutcome::Errored,
    }
}

/// The first failing assertion as message lines: test, message.
pub(super) fn assertion_lines(assertion: &Fields<'_>) -> Result<Vec<String>, ParseError> {
    let mut lines = Vec::new();
    if let Some(test) = assertion.opt_str("test")?.filter(|t| !t.is_empty()) {
        lines.push(format!("first failing test: {test}"));
    }
    if let Some(message) = assertion.opt_str("message")?.filter(|m| !m.is_empty()) {
        lines.push(message.to_owned());
    }
    Ok(lines)
}
