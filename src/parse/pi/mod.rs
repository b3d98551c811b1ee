//! pi_agent_rust gate and e2e artifacts (see `shared/fixtures/pi/SCHEMAS.md`).
//!
//! Each artifact states a verdict next to the raw results it should follow from.
//! One module per artifact derives the verdict from the raw part and records
//! the stated one as a claim. `docs/formats/pi.md` lists, per artifact, what
//! is evidence, what is a claim, and which rules judge it.

mod certification_dossier;
mod certification_verdict;
mod diagnostics_index;
mod dropin_verdict;
mod environment;
mod failure_digest;
mod full_suite_verdict;
mod gates;
mod preflight_verdict;
mod replay_bundle;
mod result;
mod suite_classification;
mod summary;
mod triage_diff;
mod waiver_audit;

#[cfg(test)]
mod tests;

use std::io::BufRead;

use serde_json::Value;

use super::json::{Fields, read_document, sniff_string_field, wrong_type};
use super::{ParseError, ReadContext, Sniff};
use crate::model::{Evidence, Format, Position, ProvenanceKind, SourceLocation, Status};

/// Map a `schema` value to its format.
fn format_for_schema(schema: &str) -> Option<Format> {
    Some(match schema {
        "pi.e2e.result.v1" => Format::PiResult,
        "pi.e2e.summary.v1" => Format::PiSummary,
        "pi.e2e.triage_diff.v1" => Format::PiTriageDiff,
        "pi.e2e.replay_bundle.v1" => Format::PiReplayBundle,
        "pi.e2e.failure_digest.v1" => Format::PiFailureDigest,
        "pi.e2e.failure_diagnostics_index.v1" => Format::PiFailureDiagnosticsIndex,
        "pi.ci.full_suite_gate.v1" => Format::PiFullSuiteVerdict,
        "pi.ci.preflight_lane.v1" => Format::PiPreflightVerdict,
        "pi.ci.certification_lane.v1" => Format::PiCertificationVerdict,
        "pi.ci.waiver_audit.v1" => Format::PiWaiverAudit,
        "pi.qa.certification_dossier.v1" => Format::PiCertificationDossier,
        "pi.dropin.certification_verdict.v1" => Format::PiDropinVerdict,
        "pi.e2e.environment.v1" => Format::PiEnvironment,
        _ => return None,
    })
}

pub fn detect(sniff: &Sniff<'_>) -> Option<Format> {
    let text = sniff.text();
    match sniff.first_significant()? {
        b'{' => match sniff_string_field(text, "schema") {
            Some(schema) => format_for_schema(schema),
            // A document that names a schema truegreen does not know (pi's
            // drop-in *contract*, its perf audits) is not one of these, even when
            // it mentions their keys.
            None if has_key(text, "schema") => None,
            None => detect_schemaless(text),
        },
        // Only the legacy `run_e2e.sh` summary is a top-level array. An empty
        // array says nothing of its producer; the file name breaks the tie.
        b'[' => {
            let inner = text.trim_start().trim_start_matches('[').trim_start();
            let empty = inner.starts_with(']');
            let legacy_rows = has_key(text, "provider") && has_key(text, "verdict");
            (legacy_rows || empty && sniff.file_name == "summary.json").then_some(Format::PiSummary)
        }
        _ => {
            let has_section = sniff
                .lines(400)
                .any(|l| l.starts_with("[suite.") || l.starts_with("[waiver.") || l.starts_with("[quarantine."));
            has_section.then_some(Format::PiSuiteClassification)
        }
    }
}

/// `"key"` used as an object key (followed by a colon), not as a string value.
fn has_key(text: &str, key: &str) -> bool {
    let needle = format!("\"{key}\"");
    text.match_indices(&needle).any(|(i, _)| text[i + needle.len()..].trim_start().starts_with(':'))
}

/// Older pi files carry no `schema`; recognize them by their required keys.
fn detect_schemaless(text: &str) -> Option<Format> {
    let has = |key: &str| has_key(text, key);
    if has("exit_code") && (has("suite") || has("target")) && has("passed") && has("failed") && !has("suites") {
        Some(Format::PiResult)
    } else if has("total_suites") && has("suites") {
        Some(Format::PiSummary)
    } else if has("overall_verdict") && has("hard_gate_results") {
        Some(Format::PiDropinVerdict)
    } else if has("git_sha") && has("rustc") && has("artifact_dir") {
        Some(Format::PiEnvironment)
    } else {
        None
    }
}

pub fn read(input: &mut dyn BufRead, ev: &mut Evidence, cx: &ReadContext<'_>) -> Result<(), ParseError> {
    let format = cx.format;
    if format == Format::PiSuiteClassification {
        return suite_classification::read(input, ev);
    }
    let doc = read_document(input)?;
    match format {
        Format::PiResult => result::read(&doc, ev),
        Format::PiSummary => summary::read(&doc, ev),
        Format::PiTriageDiff => triage_diff::read(&doc, ev),
        Format::PiReplayBundle => replay_bundle::read(&doc, ev),
        Format::PiFailureDigest => failure_digest::read(&doc, ev),
        Format::PiFailureDiagnosticsIndex => diagnostics_index::read(&doc, ev),
        Format::PiFullSuiteVerdict => full_suite_verdict::read(&doc, ev),
        Format::PiPreflightVerdict => preflight_verdict::read(&doc, ev),
        Format::PiCertificationVerdict => certification_verdict::read(&doc, ev),
        Format::PiWaiverAudit => waiver_audit::read(&doc, ev),
        Format::PiCertificationDossier => certification_dossier::read(&doc, ev),
        Format::PiDropinVerdict => dropin_verdict::read(&doc, ev),
        Format::PiEnvironment => environment::read(&doc, ev),
        // Not a pi JSON artifact; `parse::read_format` never routes these here.
        other => Err(ParseError::new(format!("{other} is not a pi JSON artifact"), Position::default())),
    }
}

/// The objects of an array field, each with its own field path for errors.
fn objects<'a>(f: &Fields<'a>, key: &str) -> Result<Vec<Fields<'a>>, ParseError> {
    let path = f.path(key);
    f.array(key)?.iter().enumerate().map(|(i, v)| Fields::of(v, &format!("{path}[{i}]"))).collect()
}

/// Like [`objects`], for an optional array.
fn opt_objects<'a>(f: &Fields<'a>, key: &str) -> Result<Vec<Fields<'a>>, ParseError> {
    if f.get(key).is_none() { Ok(Vec::new()) } else { objects(f, key) }
}

/// The strings of an array field.
fn strings<'a>(f: &Fields<'a>, key: &str) -> Result<Vec<&'a str>, ParseError> {
    let path = f.path(key);
    f.array(key)?
        .iter()
        .enumerate()
        .map(|(i, v)| v.as_str().ok_or_else(|| wrong_type(&format!("{path}[{i}]"), "a string", Some(v))))
        .collect()
}

/// Like [`strings`], for an optional array.
fn opt_strings<'a>(f: &Fields<'a>, key: &str) -> Result<Vec<&'a str>, ParseError> {
    if f.get(key).is_none() { Ok(Vec::new()) } else { strings(f, key) }
}

/// Record a provenance string field when present (type-checked).
fn provenance(ev: &mut Evidence, f: &Fields<'_>, key: &str, kind: ProvenanceKind) -> Result<(), ParseError> {
    if let Some(value) = f.opt_str(key)? {
        ev.add_provenance(kind, &f.path(key), value);
    }
    Ok(())
}

/// Sum declared counts without overflowing: a sum past u64 is malformed input.
fn checked_sum(parts: &[u64], field: &str) -> Result<u64, ParseError> {
    parts
        .iter()
        .try_fold(0u64, |acc, n| acc.checked_add(*n))
        .ok_or_else(|| ParseError::new(format!("field {field}: counts too large to add up"), Position::field(field)))
}

/// A pi lane verdict or gate status (`pass`, `warn`, `fail`) as a [`Status`].
fn lane_status(raw: &str) -> Status {
    match raw {
        "pass" => Status::Pass,
        "warn" => Status::Warn,
        "fail" => Status::Fail,
        _ => Status::Unknown,
    }
}

/// A boolean claim (`all_blocking_pass`, `can_promote`, `overall_ready`).
fn bool_status(value: bool) -> Status {
    if value { Status::Pass } else { Status::Fail }
}

/// pi's own per-target replay: `cargo test --test <target> -- --nocapture`
/// (the form its replay bundles write), or `--lib` for the inline unit tests.
fn cargo_replay(kind: Option<&str>, target: &str) -> String {
    if kind == Some("lib") || target == "lib" {
        "cargo test --lib -- --nocapture".to_owned()
    } else {
        format!("cargo test --test {} -- --nocapture", crate::text::shell_quote(target))
    }
}

/// `first_failing_assertion.location` as a source location, unless it is pi's
/// `{"file": "", "line": 0}` placeholder or points outside the workspace.
fn assertion_location(assertion: &Fields<'_>) -> Result<Option<SourceLocation>, ParseError> {
    let Some(location) = assertion.opt_object("location")? else { return Ok(None) };
    let file = location.opt_str("file")?.unwrap_or("");
    let line = location.opt_u64("line")?.unwrap_or(0);
    if file.is_empty() || line == 0 {
        return Ok(None);
    }
    Ok(super::location::first_workspace_frame(&format!("{file}:{line}"), None))
}

/// Failed names listed by an artifact against the names its units show failing:
/// the count claim, plus a membership claim when the lists differ at equal length.
fn names_claims(ev: &mut Evidence, scope: &str, field: &str, listed: &[&str], failing: &[String], position: Position) {
    let failing_text = if failing.is_empty() { "none".to_owned() } else { bounded_list(failing) };
    ev.add_claim(
        crate::model::Claim::count(
            scope,
            field,
            listed.len() as u64,
            failing.len() as u64,
            format!("entries with a non-zero exit code: {failing_text}"),
        )
        .at(position.clone()),
    );
    let failing_set: std::collections::HashSet<&str> = failing.iter().map(String::as_str).collect();
    let named_failing = listed.iter().filter(|n| failing_set.contains(*n)).count() as u64;
    if listed.len() == failing.len() && named_failing != listed.len() as u64 {
        let wrong: Vec<String> = listed.iter().filter(|n| !failing_set.contains(*n)).map(|n| (*n).to_owned()).collect();
        ev.add_claim(
            crate::model::Claim::count(
                scope,
                format!("{field} (entries naming a failing unit)"),
                listed.len() as u64,
                named_failing,
                format!("listed but not failing: {}; failing: {failing_text}", bounded_list(&wrong)),
            )
            .at(position),
        );
    }
}

/// At most ten names, comma-separated, with a count of the rest.
fn bounded_list(names: &[String]) -> String {
    const SHOWN: usize = 10;
    let mut out = names.iter().take(SHOWN).cloned().collect::<Vec<_>>().join(", ");
    if names.len() > SHOWN {
        out.push_str(&format!(" and {} more", names.len() - SHOWN));
    }
    out
}

/// The root object of a JSON document.
fn root(doc: &Value) -> Result<Fields<'_>, ParseError> {
    Fields::of(doc, "")
}
