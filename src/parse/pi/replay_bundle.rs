//! `replay_bundle.json` (`pi.e2e.replay_bundle.v1`), in both flavours: the e2e
//! run's (`failed_suites`, `failed_unit_targets`, built from `summary.json`) and
//! the gate test's (`failed_gates`, built from `full_suite_verdict.json`).
//!
//! A bundle is a list of failures: each listed suite, unit target and gate is a
//! failed case carrying its replay command (the most targeted one; the others
//! are in the message), so a bundle alone fails the run. It may be empty on a
//! clean run ([`Format::carries_cases`](crate::model::Format::carries_cases) is
//! false). Claims: `summary.total_failed_*` against the lists. The listed
//! failures are also recorded as a quote of the source artifact named by
//! `source_summary_path`, which rule TG110 checks against that artifact when it
//! sits beside the bundle. `one_command_replay` replays the whole run.
//!
//! Not checked: `all_commands_reference_valid_targets` is a bare boolean (the
//! run flavour hard-codes `true`), and `failed_unit_targets[].exit_code` is
//! hard-coded `1` by the producer.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use super::{ParseError, cargo_replay, objects, provenance, root};
use crate::model::{Case, CaseOutcome, Claim, Evidence, Observation, Position, ProvenanceKind, qualified_name};

const SCOPE: &str = "replay_bundle";

pub(super) fn read(doc: &Value, ev: &mut Evidence) -> Result<(), ParseError> {
    let root = root(doc)?;
    provenance(ev, &root, "correlation_id", ProvenanceKind::CorrelationId)?;
    provenance(ev, &root, "generated_at", ProvenanceKind::GeneratedAt)?;
    if let Some(env) = root.opt_object("environment")? {
        provenance(ev, &env, "git_sha", ProvenanceKind::Commit)?;
    }
    if let Some(cmd) = root.opt_str("one_command_replay")? {
        ev.add_replay_command(cmd);
    }
    let mut failing = Vec::new();

    let suites = objects(&root, "failed_suites")?;
    for suite in &suites {
        let name = suite.str("suite")?;
        let exit_code = suite.i64("exit_code")?;
        let class = suite.opt_str("root_cause_class")?;
        let commands = [
            ("targeted replay", suite.opt_str("targeted_replay")?),
            ("cargo replay", suite.opt_str("cargo_replay")?),
            ("runner replay", suite.opt_str("runner_replay")?),
        ];
        let mut lines =
            vec![format!("exit code {exit_code}{}", class.map(|c| format!(", root cause {c}")).unwrap_or_default())];
        let replay = best_command(&commands, &mut lines).unwrap_or_else(|| cargo_replay(None, name));
        record(ev, name, "failed_suites", &lines.join("\n"), replay, suite.path("suite"));
        failing.push(qualified_name(Some("suites"), name));
    }

    let units = objects(&root, "failed_unit_targets")?;
    for unit in &units {
        let name = unit.str("target")?;
        let exit_code = unit.i64("exit_code")?;
        let replay = unit.opt_str("cargo_replay")?.map(str::to_owned).unwrap_or_else(|| cargo_replay(None, name));
        record(ev, name, "failed_unit_targets", &format!("exit code {exit_code}"), replay, unit.path("target"));
        failing.push(qualified_name(Some("unit_targets"), name));
    }

    let gates = objects(&root, "failed_gates")?;
    for gate in &gates {
        let id = gate.str("gate_id")?;
        let label = gate.opt_str("gate_name")?.unwrap_or(id);
        let message = format!("listed as failed: {label}");
        match gate.opt_str("reproduce_command")? {
            Some(cmd) => record(ev, id, "failed_gates", &message, cmd.to_owned(), gate.path("gate_id")),
            None => ev.add_case(
                Case::new(id, CaseOutcome::Failed)
                    .suite("failed_gates")
                    .message(&message)
                    .at(Position::field(gate.path("gate_id"))),
            ),
        }
        failing.push(qualified_name(Some("gates"), id));
    }

    let summary = root.object("summary")?;
    let pairs = [
        ("total_failed_suites", suites.len(), "entries in failed_suites[]"),
        ("total_failed_units", units.len(), "entries in failed_unit_targets[]"),
        ("total_failed_gates", gates.len(), "entries in failed_gates[]"),
    ];
    for (key, derived, evidence) in pairs {
        let field = summary.path(key);
        ev.add_claim(
            Claim::count(SCOPE, &field, summary.u64(key)?, derived as u64, evidence).at(Position::field(&field)),
        );
    }

    if let Some(source) = root.opt_str("source_summary_path")? {
        let name = Path::new(source).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if !name.is_empty() {
            ev.observe(Observation::Quote {
                source: name,
                counts: BTreeMap::new(),
                failing,
                position: Position::field("source_summary_path"),
            });
        }
    }
    Ok(())
}

/// The first non-empty command; the others are appended to `lines` so that
/// every command the bundle offers is shown.
fn best_command(commands: &[(&str, Option<&str>)], lines: &mut Vec<String>) -> Option<String> {
    let mut best = None;
    for (label, cmd) in commands {
        let Some(cmd) = cmd.map(str::trim).filter(|c| !c.is_empty()) else { continue };
        if best.is_none() {
            best = Some(cmd.to_owned());
        } else {
            lines.push(format!("{label}: {cmd}"));
        }
    }
    best
}

fn record(ev: &mut Evidence, name: &str, suite: &str, message: &str, replay: String, field: String) {
    ev.add_case(
        Case::new(name, CaseOutcome::Failed).suite(suite).message(message).replay(replay).at(Position::field(field)),
    );
}
