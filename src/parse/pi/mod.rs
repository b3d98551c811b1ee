//! pi_agent_rust gate and e2e artifacts (see `shared/fixtures/pi/SCHEMAS.md`).
//!
//! Each artifact states a verdict next to the raw results it should follow from.
//! One module per artifact derives the verdict from the raw part and records
//! the stated one as a claim.

use std::io::BufRead;

use super::json::sniff_string_field;
use super::{ParseError, Sniff};
use crate::model::{Evidence, Format, Position};

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
        _ => return None,
    })
}

pub fn detect(sniff: &Sniff<'_>) -> Option<Format> {
    let text = sniff.text();
    match sniff.first_significant()? {
        b'{' => {
            if let Some(format) = sniff_string_field(text, "schema").and_then(format_for_schema) {
                return Some(format);
            }
            detect_schemaless(text)
        }
        // Only the legacy `run_e2e.sh` summary is a top-level array. An empty
        // array says nothing of its producer; the file name breaks the tie.
        b'[' => {
            let inner = text.trim_start().trim_start_matches('[').trim_start();
            let empty = inner.starts_with(']');
            let legacy_rows = text.contains("\"provider\"") && text.contains("\"verdict\"");
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

/// Older pi files carry no `schema`; recognize them by their required keys.
fn detect_schemaless(text: &str) -> Option<Format> {
    let has = |key: &str| text.contains(&format!("\"{key}\""));
    if has("exit_code") && (has("suite") || has("target")) && has("passed") && has("failed") && !has("suites") {
        Some(Format::PiResult)
    } else if has("total_suites") && has("suites") {
        Some(Format::PiSummary)
    } else if has("overall_verdict") && has("hard_gate_results") {
        Some(Format::PiDropinVerdict)
    } else {
        None
    }
}

pub fn read(format: Format, input: &mut dyn BufRead, ev: &mut Evidence) -> Result<(), ParseError> {
    let _ = (format, input, ev);
    Err(ParseError::new("the pi reader for this artifact is not built yet", Position::default()))
}
