//! The gate's report for a terminal (and a job log).
//!
//! Every line starts with text of ours, never with text from a verdict
//! document: the Actions runner looks for `::command::` at the start of a line
//! after trimming whitespace, so untrusted text must not begin a line.

use std::fmt::Write as _;

use super::{MAX_LABEL_BYTES, cells_sentence, count, matrix_baseline_line, replay_sections, source_phrase, state_text};
use crate::gate::needs::JobOutcome;
use crate::gate::{CellState, GateResult};
use crate::render::terminal::{Paint, block};
use crate::rules::Severity;
use crate::text::{one_line, truncate};
use crate::verdict::Status;

pub fn render(result: &GateResult, color: bool) -> String {
    let p = Paint::new(color);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {} · {} · {} verdict(s) read",
        p.bold("truegreen gate"),
        result.truegreen_version,
        one_line(&source_phrase(result)),
        result.totals.verdicts
    );
    let commit = result.provenance.commit.as_deref().map_or("not checked", |c| c);
    let run = result.provenance.run_id.as_deref().map_or("not checked", |r| r);
    let _ =
        writeln!(out, "provenance: commit {} · run {}", one_line(&truncate(commit, 48)), one_line(&truncate(run, 48)));
    if let Some(line) = matrix_baseline_line(result) {
        let _ = writeln!(out, "baseline: {}", one_line(&truncate(&line, 400)));
    }

    if !result.cells.is_empty() {
        let labels: Vec<String> = result.cells.iter().map(|r| one_line(&truncate(&r.label, MAX_LABEL_BYTES))).collect();
        let width = labels.iter().map(|l| l.chars().count()).max().unwrap_or(4).max(4);
        let _ = writeln!(
            out,
            "\n  {:<18} {:<width$}  {:>6} {:>6} {:>13}  link",
            "verdict", "cell", "tests", "failed", "discrepancies"
        );
        for (row, label) in result.cells.iter().zip(&labels) {
            let state = state_text(row);
            let painted = match row.state {
                CellState::Pass => p.green(&format!("{state:<18}")),
                CellState::Fail => p.red(&format!("{state:<18}")),
                _ => p.magenta(&format!("{state:<18}")),
            };
            let line = format!(
                "  {painted} {label:<width$}  {:>6} {:>6} {:>13}  {}",
                count(row.tests),
                count(row.failed),
                row.discrepancies,
                row.link.as_deref().unwrap_or("")
            );
            let _ = writeln!(out, "{}", line.trim_end());
        }
    }

    if !result.jobs.is_empty() {
        let _ = writeln!(out, "\n  {:<18} job (needs)", "result");
        for job in &result.jobs {
            let word = format!("{:<18}", job.outcome.as_str());
            let painted = match job.outcome {
                JobOutcome::Success => p.green(&word),
                JobOutcome::AllowedFailure | JobOutcome::AllowedSkip => p.yellow(&word),
                JobOutcome::Failure => p.red(&word),
                _ => p.magenta(&word),
            };
            let _ = writeln!(out, "  {painted} {}", one_line(&truncate(&job.name, MAX_LABEL_BYTES)));
        }
    }

    if !result.findings.is_empty() {
        out.push('\n');
    }
    for f in &result.findings {
        let label = match f.finding.severity {
            Severity::Discrepancy => p.magenta("DISCREPANCY"),
            Severity::Failure => p.red("FAILURE"),
            Severity::Warning => p.yellow("WARNING"),
        };
        let file = f.finding.artifact.as_deref().map(|a| format!("  {}", one_line(a))).unwrap_or_default();
        let _ = writeln!(out, "{label} {} {}{}", f.finding.rule, p.dim(&f.finding.name), p.dim(&file));
        block(&mut out, "  │ ", &f.finding.message, 6);
    }

    let replays = replay_sections(result);
    if !replays.is_empty() {
        let _ = writeln!(out, "\nreplay the cells that did not pass:");
    }
    for (row, commands, more) in replays {
        let _ = writeln!(out, "  cell {}", one_line(&truncate(&row.label, MAX_LABEL_BYTES)));
        for cmd in commands {
            let _ = writeln!(out, "    replay: {}", one_line(cmd));
        }
        if more > 0 {
            let _ = writeln!(out, "    … {more} more (all are in the --json document)");
        }
    }

    if !result.ignored.is_empty() {
        let _ = writeln!(
            out,
            "\n  {}",
            p.dim(&format!("{} file(s) ignored: not truegreen verdict documents", result.ignored.len()))
        );
    }

    let headline = match result.status {
        Status::Pass => p.green("PASS"),
        Status::Fail => p.red("FAIL"),
        Status::Discrepancy => p.magenta("DISCREPANCY"),
    };
    let t = &result.totals;
    let _ = writeln!(
        out,
        "\ngate: {headline} (exit {}): {} {} discrepancy(ies), {} failure(s), {} warning(s)",
        result.exit_code,
        cells_sentence(result),
        t.discrepancies,
        t.failures,
        t.warnings
    );
    out
}
