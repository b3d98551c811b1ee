//! The gate's report as markdown, for a job summary or a check run's summary.
//!
//! The head (the verdict line and the cells sentence) always fits. The table
//! lists the cells that did not pass first, so a size limit cuts passing cells
//! before anything that needs attention.

use std::fmt::Write as _;

use super::{MAX_LABEL_BYTES, cells_sentence, count, replay_sections, source_phrase, state_text};
use crate::gate::needs::JobOutcome;
use crate::gate::{CellRow, CellState, GateResult};
use crate::render::markdown::{Bounded, grouped_findings, indent, table_code_span};
use crate::text::{markdown_code_block, markdown_code_span, markdown_inline, one_line, truncate};
use crate::verdict::Status;

/// Render without a size limit.
pub fn render(result: &GateResult) -> String {
    render_bounded(result, usize::MAX)
}

/// Render within `max_bytes`; the head is always kept.
pub fn render_bounded(result: &GateResult, max_bytes: usize) -> String {
    let mut doc = Bounded::new(max_bytes);
    doc.push_head(&head(result));

    if !result.cells.is_empty() {
        doc.section("| cell | verdict | tests | failed | discrepancies | link |\n|---|---|---|---|---|---|\n");
        let (problems, passing): (Vec<&CellRow>, Vec<&CellRow>) =
            result.cells.iter().partition(|r| r.state != CellState::Pass);
        doc.entries(problems.into_iter().chain(passing).map(cell_row), "cells");
    }

    if !result.jobs.is_empty() {
        doc.section("### Needed jobs\n\n| job | result | verdict |\n|---|---|---|\n");
        let rows = result.jobs.iter().map(|job| {
            let icon = match job.outcome {
                JobOutcome::Success => "✅",
                JobOutcome::AllowedFailure | JobOutcome::AllowedSkip => "☑️",
                JobOutcome::Failure => "❌",
                _ => "⚠️",
            };
            format!(
                "| {} | {} | {icon} {} |\n",
                table_code_span(&truncate(&job.name, MAX_LABEL_BYTES)),
                markdown_inline(&truncate(job.result.as_deref().unwrap_or("(none)"), 40)),
                job.outcome.as_str()
            )
        });
        doc.entries(rows, "jobs");
    }

    if !result.findings.is_empty() {
        doc.section("### Findings\n");
        grouped_findings(&mut doc, result.findings.iter().map(|f| &f.finding), false);
    }

    let replays = replay_sections(result);
    if !replays.is_empty() {
        doc.section("### Replay the cells that did not pass\n\n");
        let entries = replays.into_iter().map(|(row, commands, more)| {
            let label = truncate(&row.label, MAX_LABEL_BYTES);
            let mut script = format!("# cell: {}\n", one_line(&label));
            for cmd in commands {
                script.push_str(&one_line(cmd));
                script.push('\n');
            }
            let mut s = format!("- {}\n", markdown_code_span(&label));
            s.push_str(&indent(&markdown_code_block(&script, "sh")));
            if more > 0 {
                let _ = writeln!(s, "  _{more} more in the JSON gate document._");
            }
            s
        });
        doc.entries(entries, "replay sections");
    }
    doc.finish()
}

fn head(result: &GateResult) -> String {
    let (icon, word) = match result.status {
        Status::Pass => ("✅", "pass"),
        Status::Fail => ("❌", "fail"),
        Status::Discrepancy => ("⚠️", "discrepancy"),
    };
    let mut s = format!("## {icon} truegreen gate: {word} (exit {})\n\n", result.exit_code);
    let _ = writeln!(s, "**{}**\n", markdown_inline(&cells_sentence(result)));
    let commit = result.provenance.commit.as_deref().map_or("not checked".to_owned(), |c| truncate(c, 48));
    let run = result.provenance.run_id.as_deref().map_or("not checked".to_owned(), |r| truncate(r, 48));
    let _ = writeln!(
        s,
        "{} · commit {} · run {} · {} verdict document(s) read",
        markdown_inline(&source_phrase(result)),
        markdown_code_span(&commit),
        markdown_code_span(&run),
        result.totals.verdicts
    );
    if let Some(line) = super::matrix_baseline_line(result) {
        let _ = writeln!(s, "\n**Baseline:** {}", markdown_inline(&truncate(&line, 400)));
    }
    s
}

fn cell_row(row: &CellRow) -> String {
    let icon = match row.state {
        CellState::Pass => "✅",
        CellState::Fail => "❌",
        _ => "⚠️",
    };
    let link = row.link.as_deref().map(|url| format!("[run]({url})")).unwrap_or_default();
    format!(
        "| {} | {icon} {} | {} | {} | {} | {link} |\n",
        table_code_span(&truncate(&row.label, MAX_LABEL_BYTES)),
        state_text(row),
        count(row.tests),
        count(row.failed),
        row.discrepancies,
    )
}
