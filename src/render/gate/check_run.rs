//! What a publisher needs to post the gate as one check run: its name,
//! conclusion, title, summary and annotations, within GitHub's limits. The
//! shapes follow the Checks API (`output.title`, `output.summary`,
//! `output.annotations[]`), so a publisher can send them as they are.

use serde::Serialize;

use super::{cells_sentence, markdown};
use crate::gate::GateResult;
use crate::text::{one_line, terminal_safe, truncate};
use crate::verdict::Status;

/// The check run's name: one stable required check.
pub const NAME: &str = "truegreen gate";
/// GitHub rejects an `output.summary` longer than this.
pub const MAX_SUMMARY_BYTES: usize = 65_535;
/// GitHub caps an annotation's title at 255 characters and its message and
/// raw details at 64 KB.
const MAX_TITLE: usize = 255;
const MAX_DETAIL: usize = 64 * 1024 - 1;
/// Annotations produced at most (a publisher sends them 50 per request).
pub const MAX_ANNOTATIONS: usize = 500;

/// One annotation, as `output.annotations[]` takes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Annotation {
    pub path: String,
    pub start_line: u32,
    pub end_line: u32,
    /// `failure`, `warning` or `notice`.
    pub annotation_level: &'static str,
    pub title: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raw_details: Option<String>,
}

/// The gate as one check run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CheckRunOutput {
    pub name: &'static str,
    /// `success` only when the gate passed; `failure` otherwise.
    pub conclusion: &'static str,
    pub title: String,
    pub summary: String,
    pub annotations: Vec<Annotation>,
    /// Annotations not produced because of [`MAX_ANNOTATIONS`].
    pub annotations_left_out: usize,
}

pub fn check_run(result: &GateResult) -> CheckRunOutput {
    let conclusion = if result.status == Status::Pass { "success" } else { "failure" };
    let mut annotations = Vec::new();
    let mut left_out = 0usize;
    for row in result.failing_cells() {
        let Some(v) = row.counted() else { continue };
        for failure in &v.failures {
            let Some(source) = &failure.source else { continue };
            if annotations.len() >= MAX_ANNOTATIONS {
                left_out += 1;
                continue;
            }
            let line = source.line.unwrap_or(1).max(1);
            annotations.push(Annotation {
                path: one_line(&source.file),
                start_line: line,
                end_line: line,
                annotation_level: "failure",
                title: truncate(&one_line(&format!("{}: {}", row.label, failure.name)), MAX_TITLE),
                message: truncate(
                    &terminal_safe(
                        failure.message.as_deref().unwrap_or(&format!("{} in cell {}", failure.outcome, row.label)),
                    ),
                    MAX_DETAIL,
                ),
                raw_details: failure.replay.as_deref().map(|r| truncate(&one_line(r), MAX_DETAIL)),
            });
        }
    }
    CheckRunOutput {
        name: NAME,
        conclusion,
        title: truncate(&one_line(&cells_sentence(result)), MAX_TITLE),
        summary: markdown::render_bounded(result, MAX_SUMMARY_BYTES),
        annotations,
        annotations_left_out: left_out,
    }
}
