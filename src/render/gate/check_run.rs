//! The gate as one check run: its title, summary, text and annotations, and
//! the step outputs. `crate::publish` delivers them with the same lifecycle,
//! retries and fallbacks as a single check's verdict.

use std::fmt::Write as _;

use super::{cells_sentence, markdown};
use crate::gate::{ExpectedSource, GateResult};
use crate::render::github::{self as gh, Annotation, Level, RepoPaths};
use crate::text::{markdown_code_block, markdown_code_span, one_line, truncate};

/// The check run's default name: one stable required check.
pub const NAME: &str = "truegreen gate";
/// Annotations produced at most; the summary and the JSON hold everything.
pub const MAX_ANNOTATIONS: usize = 500;

/// The cells and counts, in one line.
pub fn title(result: &GateResult) -> String {
    truncate(&one_line(&cells_sentence(result)), gh::ANNOTATION_TITLE_LIMIT)
}

/// The cell table and the findings, within GitHub's cap.
pub fn summary(result: &GateResult) -> String {
    markdown::render_bounded(result, gh::CHECK_RUN_TEXT_LIMIT)
}

/// The replay commands of every failing cell, within GitHub's cap.
pub fn text(result: &GateResult) -> String {
    let mut out = String::from("## Replay the failing cells\n\n");
    let mut any = false;
    for row in result.failing_cells() {
        let Some(verdict) = row.counted() else { continue };
        let commands: Vec<&str> = verdict
            .failures
            .iter()
            .filter_map(|f| f.replay.as_deref())
            .chain(verdict.replay.iter().map(String::as_str))
            .collect();
        if commands.is_empty() {
            continue;
        }
        any = true;
        let _ = writeln!(out, "### {}\n", markdown_code_span(&row.label));
        for cmd in commands {
            out.push_str(&markdown_code_block(cmd, "sh"));
        }
        out.push('\n');
        if out.len() > gh::CHECK_RUN_TEXT_LIMIT {
            break;
        }
    }
    if !any {
        out.push_str("_No failing cell carries a replay command._\n");
    }
    truncate(&out, gh::CHECK_RUN_TEXT_LIMIT)
}

/// The gate's findings (placed on the workflow file when the matrix came from
/// it), then every failure of a failing cell that names a source location.
pub fn annotations(result: &GateResult, paths: &RepoPaths) -> Vec<Annotation> {
    let fallback = match &result.expected.source {
        ExpectedSource::Workflow { path, .. } => paths.relative(path),
        _ => ".".to_owned(),
    };
    let mut out: Vec<Annotation> =
        result.findings.iter().map(|f| gh::finding_annotation(&f.finding, paths, &fallback)).collect();
    for row in result.failing_cells() {
        let Some(verdict) = row.counted() else { continue };
        for failure in &verdict.failures {
            let Some(source) = &failure.source else { continue };
            out.push(gh::annotation(
                source.file.clone(),
                source.line.map(u64::from),
                Level::Failure,
                &format!("{}: {} ({})", row.label, failure.name, failure.outcome),
                failure.message.as_deref().unwrap_or(&failure.outcome),
                failure.replay.as_deref(),
            ));
        }
    }
    out.truncate(MAX_ANNOTATIONS);
    out
}

/// A commit status description: the gate's sentence, at most 140 characters.
pub fn commit_status_description(result: &GateResult) -> String {
    truncate(&one_line(&cells_sentence(result)), gh::COMMIT_STATUS_DESCRIPTION_LIMIT)
}

/// The gate's step outputs.
pub fn step_outputs(
    result: &GateResult,
    check_run_url: Option<&str>,
    json_path: Option<&str>,
    markdown_path: Option<&str>,
) -> Vec<(&'static str, String)> {
    let t = &result.totals;
    vec![
        ("verdict", result.status.as_str().to_owned()),
        ("exit-code", result.exit_code.to_string()),
        ("cells", t.expected.to_string()),
        ("passed-cells", t.passed.to_string()),
        ("failed-cells", t.failed.to_string()),
        ("missing-cells", t.missing.to_string()),
        ("tests", t.tests.to_string()),
        ("failed", t.failed_tests.to_string()),
        (
            "discrepancies",
            result
                .findings
                .iter()
                .filter(|f| f.finding.severity == crate::rules::Severity::Discrepancy)
                .count()
                .to_string(),
        ),
        ("check-run-url", check_run_url.unwrap_or("").to_owned()),
        ("json", json_path.unwrap_or("").to_owned()),
        ("markdown", markdown_path.unwrap_or("").to_owned()),
    ]
}
