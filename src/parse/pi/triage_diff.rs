//! `<run>/triage_diff.json` (`pi.e2e.triage_diff.v1`): the current run against a
//! baseline summary, per unit target and e2e suite.
//!
//! Evidence: every listed record (`regressions`, `new_failures`,
//! `unresolved_failures`, `fixed`, `added_pass`, `stable_pass`) is a case of the
//! current run, its outcome taken from `current_exit_code`, not from the list it
//! is filed in; `removed` records are not in the current run (skipped cases).
//! The per-name classification is recomputed from both exit codes with pi's
//! ladder (baseline 0 → current ≠ 0 is a regression, absent → ≠ 0 a new failure,
//! ≠ 0 → ≠ 0 unresolved, ≠ 0 → 0 fixed).
//!
//! Claims: every `summary.*_count` against the recomputed classification. The
//! `status` is recorded once, as an [`Observation::TriageStatus`] holding the
//! regressions and new failures (judged by TG104), not also as a status claim.
//! Replay: `recommended_commands.target_commands` on each case (else the
//! case's `ranked_diagnostics[].recommended_command`), `runner_repro_command` and
//! `semantic_focus_commands` for the whole run (`ranked_repro_commands` repeats
//! the per-target commands).

use std::collections::HashMap;

use serde_json::Value;

use super::{ParseError, objects, opt_objects, opt_strings, provenance, root};
use crate::model::{Case, CaseOutcome, Claim, Evidence, Observation, Position, ProvenanceKind, Status};
use crate::parse::json::Fields;

const SCOPE: &str = "triage_diff";
/// Names kept in the triage observation; the counts hold the rest.
const LISTED_MAX: usize = 20;

/// The lists a surface is split into, in pi's order.
const LISTS: &[&str] =
    &["regressions", "new_failures", "unresolved_failures", "fixed", "added_pass", "stable_pass", "removed"];

#[derive(Default)]
struct Ladder {
    regressions: u64,
    new_failures: u64,
    unresolved: u64,
    fixed: u64,
    /// Names recomputed or filed as regressions or new failures.
    flagged: Vec<String>,
}

pub(super) fn read(doc: &Value, ev: &mut Evidence) -> Result<(), ParseError> {
    let root = root(doc)?;
    provenance(ev, &root, "generated_at", ProvenanceKind::GeneratedAt)?;
    let commands = root.opt_object("recommended_commands")?;
    let targets = match &commands {
        Some(c) => c.opt_object("target_commands")?,
        None => None,
    };
    if let Some(c) = &commands {
        if let Some(cmd) = c.opt_str("runner_repro_command")? {
            ev.add_replay_command(cmd);
        }
        for cmd in opt_strings(c, "semantic_focus_commands")? {
            ev.add_replay_command(cmd);
        }
    }

    // `ranked_diagnostics[]` carries a command per (surface, name) too; used where
    // `target_commands` has none.
    // A map, first entry winning: looked up once per case, and a document can hold a million.
    let mut ranked: HashMap<String, &str> = HashMap::new();
    for entry in opt_objects(&root, "ranked_diagnostics")? {
        if let (Some(surface), Some(name), Some(cmd)) =
            (entry.opt_str("surface")?, entry.opt_str("name")?, entry.opt_str("recommended_command")?)
        {
            ranked.entry(format!("{surface}:{name}")).or_insert(cmd);
        }
    }

    let mut all = Ladder::default();
    let mut per_surface = Vec::new();
    for (key, surface, label) in [("unit_targets", "unit", "unit_targets"), ("suites", "suite", "suites")] {
        let Some(section) = root.opt_object(key)? else { continue };
        let ladder = surface_cases(ev, &section, surface, label, targets.as_ref(), &ranked)?;
        all.regressions += ladder.regressions;
        all.new_failures += ladder.new_failures;
        all.unresolved += ladder.unresolved;
        all.fixed += ladder.fixed;
        all.flagged.extend(ladder.flagged);
        per_surface.push((surface, ladder.regressions));
    }

    let summary = root.object("summary")?;
    let pairs = [
        ("regression_count", all.regressions, "records whose exit code went from 0 to non-zero"),
        ("new_failure_count", all.new_failures, "records absent from the baseline that fail now"),
        ("unresolved_failure_count", all.unresolved, "records failing in both runs"),
        ("fixed_count", all.fixed, "records whose exit code went from non-zero to 0"),
    ];
    let mut claimed_regressions = 0;
    let mut claimed_new = 0;
    for (key, derived, evidence) in pairs {
        let field = summary.path(key);
        let claimed = summary.u64(key)?;
        match key {
            "regression_count" => claimed_regressions = claimed,
            "new_failure_count" => claimed_new = claimed,
            _ => {}
        }
        ev.add_claim(Claim::count(SCOPE, &field, claimed, derived, evidence).at(Position::field(&field)));
    }
    for (surface, derived) in per_surface {
        let key = format!("{surface}_regression_count");
        if let Some(claimed) = summary.opt_u64(&key)? {
            let field = summary.path(&key);
            let evidence = format!("{surface} records whose exit code went from 0 to non-zero");
            ev.add_claim(Claim::count(SCOPE, &field, claimed, derived, evidence).at(Position::field(&field)));
        }
    }

    let raw = root.str("status")?;
    let claimed = match raw {
        "regression" => Status::Fail,
        "stable" => Status::Pass,
        "known_failures_only" | "semantic_mismatch" | "incomplete_mirroring" => Status::Warn,
        _ => Status::Unknown,
    };
    all.flagged.truncate(LISTED_MAX);
    ev.observe(Observation::TriageStatus {
        claimed_raw: raw.to_owned(),
        claimed,
        // Either witness saying "regression" is enough for the status to be wrong.
        regression_count: all.regressions.max(claimed_regressions),
        new_failure_count: all.new_failures.max(claimed_new),
        listed: all.flagged,
        position: Position::field("status"),
    });
    Ok(())
}

/// Record one surface's records as cases and recompute its classification.
fn surface_cases(
    ev: &mut Evidence,
    section: &Fields<'_>,
    surface: &str,
    label: &str,
    targets: Option<&Fields<'_>>,
    ranked: &HashMap<String, &str>,
) -> Result<Ladder, ParseError> {
    let mut ladder = Ladder::default();
    for list in LISTS {
        if section.get(list).is_none() {
            continue;
        }
        for record in objects(section, list)? {
            let name = record.str("name")?;
            let baseline = opt_i64(&record, "baseline_exit_code")?;
            let current = opt_i64(&record, "current_exit_code")?;
            let position = Position::field(record.path("name"));
            let flagged_by_list = matches!(*list, "regressions" | "new_failures");
            match (baseline, current) {
                (Some(0), Some(c)) if c != 0 => ladder.regressions += 1,
                (None, Some(c)) if c != 0 => ladder.new_failures += 1,
                (Some(b), Some(c)) if b != 0 && c != 0 => ladder.unresolved += 1,
                (Some(b), Some(0)) if b != 0 => ladder.fixed += 1,
                _ => {}
            }
            let recomputed_flag = matches!((baseline, current), (Some(0) | None, Some(c)) if c != 0);
            let flag = format!("{surface}:{name}");
            // Only LISTED_MAX names are ever shown, so no more are kept (or searched).
            if (flagged_by_list || recomputed_flag)
                && ladder.flagged.len() < LISTED_MAX
                && !ladder.flagged.contains(&flag)
            {
                ladder.flagged.push(flag);
            }
            let key = format!("{surface}:{name}");
            let listed = match targets {
                Some(t) => t.opt_str(&key)?,
                None => None,
            };
            let replay = listed.or_else(|| ranked.get(&key).copied());
            let (outcome, message) = match current {
                None if *list == "removed" => (CaseOutcome::Skipped, None),
                None => (CaseOutcome::Errored, Some(format!("filed under {list} without a current exit code"))),
                Some(0) => (CaseOutcome::Passed, None),
                Some(code) => {
                    (CaseOutcome::Failed, Some(format!("{list}: exit code {code} (baseline {})", describe(baseline))))
                }
            };
            let mut case = Case::new(name, outcome).suite(label).at(position);
            if let Some(m) = &message {
                case = case.message(m);
            }
            if let Some(cmd) = replay.filter(|c| !c.trim().is_empty()) {
                case = case.replay(cmd);
            }
            ev.add_case(case);
        }
    }
    Ok(ladder)
}

fn describe(code: Option<i64>) -> String {
    code.map_or_else(|| "absent".to_owned(), |c| format!("exit code {c}"))
}

/// An optional integer exit code (`null` when the run lacks the target).
fn opt_i64(f: &Fields<'_>, key: &str) -> Result<Option<i64>, ParseError> {
    match f.get(key) {
        None => Ok(None),
        Some(_) => f.i64(key).map(Some),
    }
}
