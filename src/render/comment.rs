//! The pull request comment: one per check name, updated in place on every
//! run. It is for a glance: the verdict, the counts table, the findings that
//! block, and the first failures with their replay commands; the check run and
//! the JSON verdict hold the rest.
//!
//! The body starts with a hidden marker that names the check, which is how the
//! publisher finds the comment again. Everything after it is bounded by
//! GitHub's 65,536-character limit on a comment, cut from the bottom: the
//! verdict and the table always stay.

use std::fmt::Write as _;

use super::markdown::{self, Bounded};
use crate::gate::GateResult;
use crate::model::FailureRecord;
use crate::rules::Severity;
use crate::text::markdown_code_span;
use crate::verdict::{ArtifactReport, Verdict};

/// GitHub refuses a comment body longer than this many characters. The
/// renderers count bytes, which is never fewer.
pub const COMMENT_LIMIT: usize = 65_536;
/// Failures shown in full, before the rest are collapsed.
pub const OPEN_FAILURES: usize = 5;
/// Failures shown at most; the check run and the JSON verdict have them all.
pub const MAX_FAILURES: usize = 50;
/// A failure message is cut to this many bytes in a comment.
pub const MAX_MESSAGE_BYTES: usize = 2_000;

/// The hidden first line that identifies the comment of `check_name`. The
/// name is percent-encoded outside `[A-Za-z0-9 _.,:/()]`, so it can neither
/// close the HTML comment (`-->`) nor differ in form from one run to the next.
pub fn marker(check_name: &str) -> String {
    let mut encoded = String::with_capacity(check_name.len());
    for b in check_name.trim().bytes() {
        if b.is_ascii_alphanumeric() || b" _.,:/()".contains(&b) {
            encoded.push(b as char);
        } else {
            let _ = write!(encoded, "%{b:02X}");
        }
    }
    format!("<!-- truegreen:comment:{encoded} -->")
}

/// Where the comment points, and what it is about. URLs come from GitHub's own
/// answers and the run's environment, never from an artifact.
#[derive(Clone, Copy, Debug, Default)]
pub struct CommentLinks<'a> {
    /// The check name, shown when it is not the default one.
    pub label: Option<&'a str>,
    pub commit: Option<&'a str>,
    pub check_run_url: Option<&'a str>,
    pub run_url: Option<&'a str>,
}

/// The comment for one check's verdict.
pub fn verdict_comment(verdict: &Verdict, marker: &str, links: &CommentLinks<'_>) -> String {
    compose(marker, links, &elsewhere(verdict), |max| verdict_body(verdict, max))
}

/// The comment for the gate: one row per matrix cell.
pub fn gate_comment(gate: &GateResult, marker: &str, links: &CommentLinks<'_>) -> String {
    compose(marker, links, "", |max| super::gate::markdown::render_bounded(gate, max))
}

/// The marker, the label, the bounded body, then `trailer` and the footer,
/// which are always kept.
fn compose(marker: &str, links: &CommentLinks<'_>, trailer: &str, body: impl FnOnce(usize) -> String) -> String {
    let label = match links.label {
        Some(l) if !l.trim().is_empty() => format!("**{}**\n\n", crate::text::markdown_inline(l)),
        _ => String::new(),
    };
    let footer = footer(links);
    let fixed = marker.len() + 1 + label.len() + trailer.len() + footer.len();
    let body = body(COMMENT_LIMIT.saturating_sub(fixed));
    format!("{marker}\n{label}{body}{trailer}{footer}")
}

fn verdict_body(verdict: &Verdict, max: usize) -> String {
    let mut doc = Bounded::new(max);
    doc.push_head(&markdown::head(verdict));

    let blocking: Vec<_> = verdict.findings.iter().filter(|f| f.severity != Severity::Warning).collect();
    if !blocking.is_empty() {
        doc.section("### Findings\n");
        markdown::grouped_findings(&mut doc, blocking, true);
    }

    let failures: Vec<_> = verdict.blocking_failures().collect();
    if !failures.is_empty() {
        let shown = failures.len().min(MAX_FAILURES);
        let heading = if shown < failures.len() {
            format!("### First {shown} of {} failures\n\n", failures.len())
        } else {
            format!("### Failures ({})\n\n", failures.len())
        };
        doc.section(&heading);
        let entry = |(a, f): &(&ArtifactReport, &FailureRecord)| markdown::failure_entry(a, f, MAX_MESSAGE_BYTES);
        let open = shown.min(OPEN_FAILURES);
        doc.entries(failures[..open].iter().map(entry), "failures");
        if shown > open {
            let opened = doc.open_details(&format!("{} more failures", shown - open));
            doc.entries(failures[open..shown].iter().map(entry), "failures");
            doc.close_details(opened);
        }
    }

    markdown::baseline_section(&mut doc, verdict);
    doc.finish()
}

/// What the comment leaves to the check run, counted, so nothing goes
/// missing silently.
fn elsewhere(verdict: &Verdict) -> String {
    let mut parts = Vec::new();
    let not_shown = verdict.blocking_failures().count().saturating_sub(MAX_FAILURES);
    if not_shown > 0 {
        parts.push(plural(not_shown, "more failure", "more failures"));
    }
    let warnings = verdict.findings.iter().filter(|f| f.severity == Severity::Warning).count();
    if warnings > 0 {
        parts.push(plural(warnings, "warning", "warnings"));
    }
    let others = verdict.failures().filter(|(_, f)| !f.fails_run()).count();
    if others > 0 {
        parts.push(plural(others, "advisory, waived or flaky result", "advisory, waived or flaky results"));
    }
    if parts.is_empty() {
        return String::new();
    }
    format!("\n_Also in the check run and the JSON verdict: {}._\n", parts.join(", "))
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn footer(links: &CommentLinks<'_>) -> String {
    let mut parts = Vec::new();
    if let Some(url) = links.check_run_url.and_then(safe_url) {
        parts.push(format!("[check run]({url})"));
    }
    if let Some(url) = links.run_url.and_then(safe_url) {
        parts.push(format!("[workflow run]({url})"));
    }
    if let Some(commit) = links.commit {
        parts.push(format!("commit {}", markdown_code_span(commit.get(..12).unwrap_or(commit))));
    }
    let mut s = String::from("\n<sub>truegreen updates this comment in place on every run");
    if !parts.is_empty() {
        let _ = write!(s, " · {}", parts.join(" · "));
    }
    s.push_str("</sub>\n");
    s
}

/// A URL for a markdown link, or `None` when it could break out of one.
fn safe_url(url: &str) -> Option<&str> {
    let plain = (url.starts_with("https://") || url.starts_with("http://"))
        && url.len() <= 500
        && url.chars().all(|c| c.is_ascii_graphic() && !"()<>[]`\"'\\".contains(c));
    plain.then_some(url)
}
