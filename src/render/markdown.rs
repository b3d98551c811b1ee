//! Markdown for a job summary or a check run. Artifact text is escaped or
//! fenced, so it cannot produce links, images, HTML or mentions.
//!
//! Output can be bounded ([`render_bounded`]): the verdict line and the totals
//! table always come first and always fit; sections after them are cut from
//! the bottom with a line saying how many entries were left out.

use std::fmt::Write as _;

use super::location;
use crate::model::FailureRecord;
use crate::rules::{Finding, Severity};
use crate::text::{markdown_code_block, markdown_code_span, markdown_inline, truncate};
use crate::verdict::{ArtifactReport, Status, Verdict};

/// GitHub refuses a job summary over 1 MiB per step (and the step's status does
/// not show it), so `--markdown` output, of `check` and of the gate, stays under it.
pub const MAX_JOB_SUMMARY_BYTES: usize = 1024 * 1024 - 1024;

/// Render without a size limit.
pub fn render(verdict: &Verdict) -> String {
    render_bounded(verdict, usize::MAX)
}

/// Render within `max_bytes`. The head (verdict and totals) is always kept.
pub fn render_bounded(verdict: &Verdict, max_bytes: usize) -> String {
    let mut doc = Bounded::new(max_bytes);
    doc.push_head(&head(verdict));

    let contradicted: Vec<_> =
        verdict.artifacts.iter().flat_map(|a| a.claims.iter().filter(|c| !c.holds).map(move |c| (a, c))).collect();
    if !contradicted.is_empty() {
        doc.section("### Claimed against derived\n\n| artifact | claim | claimed | derived |\n|---|---|---|---|\n");
        let rows = contradicted.iter().map(|(a, c)| {
            format!(
                "| {} | {} | {} | {} |\n",
                table_code_span(&a.info.path),
                markdown_inline(&format!("{} {}", c.claim.scope, c.claim.field)),
                markdown_inline(&c.claim.claimed_text()),
                markdown_inline(&c.claim.derived_text()),
            )
        });
        doc.entries(rows, "claims");
    }

    if !verdict.findings.is_empty() {
        doc.section("### Findings\n");
        grouped_findings(&mut doc, &verdict.findings, true);
    }

    let failures: Vec<_> = verdict.failures().collect();
    if !failures.is_empty() {
        doc.section("### Failures\n\n");
        let entries = failures.iter().map(|(a, f)| failure_entry(a, f, usize::MAX));
        doc.entries(entries, "failures");
    }

    baseline_section(&mut doc, verdict);

    if !verdict.slowest.is_empty() {
        doc.section("### Slowest tests\n\n| test | ms | report |\n|---|---|---|\n");
        let rows = verdict
            .slowest
            .iter()
            .map(|t| format!("| {} | {} | {} |\n", table_code_span(&t.name), t.millis, table_code_span(&t.report)));
        doc.entries(rows, "slow tests");
    }

    let artifacts = verdict.artifacts.iter().map(|a| {
        format!(
            "| {} | {} | {} | {} | {}/{} | {} |\n",
            table_code_span(&a.info.path),
            a.info.format.map_or("unknown", |f| f.id()),
            a.tally.executed(),
            a.tally.failures(),
            a.claims.iter().filter(|c| c.holds).count(),
            a.claims.len(),
            a.info.sha256.as_deref().map_or(String::new(), |s| format!("`{}`", &s[..s.len().min(12)])),
        )
    });
    doc.section(
        "### Artifacts\n\n| path | format | executed | failed | claims holding | sha256 |\n|---|---|---|---|---|---|\n",
    );
    doc.entries(artifacts, "artifacts");
    doc.finish()
}

/// "Compared with the baseline": the counts line, then each group of tests
/// that vanished, became skipped or failing, or were added, with their names.
pub(crate) fn baseline_section(doc: &mut Bounded, verdict: &Verdict) {
    let Some(line) = super::baseline_line(verdict) else { return };
    doc.section(&format!("### Compared with the baseline\n\n{}\n\n", markdown_inline(&line)));
    let groups = super::baseline_groups(verdict).into_iter().map(|g| {
        let scope = if g.suite.is_empty() { &g.report } else { &g.suite };
        let why = super::group_note(g).map(|e| format!(" ({})", markdown_inline(&e))).unwrap_or_default();
        let names: Vec<String> = g.names.iter().map(|n| markdown_code_span(n)).collect();
        let more = if g.unlisted() > 0 { format!(" and {} more", g.unlisted()) } else { String::new() };
        format!("- **{}** in {}{why}: {}{more}\n", super::group_label(g), markdown_code_span(scope), names.join(", "))
    });
    doc.entries(groups, "baseline groups");
}

/// Findings of one rule shown before the rest are collapsed in `<details>`.
pub const OPEN_FINDINGS_PER_RULE: usize = 5;

/// Findings grouped by rule, in the order each rule first appears (the
/// verdict lists discrepancies first): the rule's code, name, count and
/// summary once, then each finding's message, the first
/// [`OPEN_FINDINGS_PER_RULE`] in view and the rest collapsed.
/// `with_replay` adds each finding's replay command (the gate shows its cells'
/// commands in a section of their own).
pub(crate) fn grouped_findings<'a>(
    doc: &mut Bounded,
    findings: impl IntoIterator<Item = &'a Finding>,
    with_replay: bool,
) {
    // Few distinct rules fire in one run, so a linear search per finding is cheap.
    let mut groups: Vec<Vec<&Finding>> = Vec::new();
    for finding in findings {
        match groups.iter_mut().find(|g| g[0].rule == finding.rule) {
            Some(group) => group.push(finding),
            None => groups.push(vec![finding]),
        }
    }
    for group in groups {
        let first = group[0];
        doc.section(&rule_heading(first, group.len()));
        let open = group.len().min(OPEN_FINDINGS_PER_RULE);
        doc.entries(group[..open].iter().map(|f| finding_entry(f, with_replay)), "findings");
        if group.len() > open {
            let opened = doc.open_details(&format!("{} more {} findings", group.len() - open, first.rule));
            doc.entries(group[open..].iter().map(|f| finding_entry(f, with_replay)), "findings");
            doc.close_details(opened);
        }
    }
}

/// `#### ⚠️ TG101 claim-false-green · 2 discrepancies: <the rule's summary>`.
fn rule_heading(f: &Finding, count: usize) -> String {
    let (one, many) = match f.severity {
        Severity::Discrepancy => ("discrepancy", "discrepancies"),
        Severity::Failure => ("failure", "failures"),
        Severity::Warning => ("warning", "warnings"),
    };
    let icon = match f.severity {
        Severity::Discrepancy => "⚠️",
        Severity::Failure => "❌",
        Severity::Warning => "🔸",
    };
    let mut s = format!(
        "#### {icon} {} {} · {count} {}",
        markdown_inline(&f.rule),
        markdown_code_span(&f.name),
        if count == 1 { one } else { many }
    );
    if let Some(meta) = crate::catalogue::lookup(&f.rule) {
        let _ = write!(s, ": {}", markdown_inline(meta.summary));
    }
    s.push_str("\n\n");
    s
}

/// One finding of a group (its rule is in the group's heading): the message,
/// its location and its replay command.
pub(crate) fn finding_entry(f: &Finding, with_replay: bool) -> String {
    let mut s = format!("- {}", markdown_inline(&f.message));
    let loc = location(f.artifact.as_deref(), f.position.as_ref());
    if !loc.is_empty() {
        let _ = write!(s, " ({})", markdown_code_span(&loc));
    }
    s.push('\n');
    if let Some(replay) = f.replay.as_ref().filter(|_| with_replay) {
        s.push_str(&indent(&markdown_code_block(replay, "sh")));
    }
    s
}

/// One failure as a list item: its name and place, its message (cut to
/// `max_message` bytes) and its replay command.
pub(crate) fn failure_entry(a: &ArtifactReport, f: &FailureRecord, max_message: usize) -> String {
    let name = crate::model::qualified_name(f.suite.as_deref(), &f.name);
    let loc = match &f.source {
        Some(src) => format!("{}{}", src.file, src.line.map(|l| format!(":{l}")).unwrap_or_default()),
        None => location(Some(&a.info.path), Some(&f.position)),
    };
    let kind = if f.waived.is_some() {
        "waived"
    } else if f.blocking {
        f.outcome.as_str()
    } else {
        "advisory"
    };
    let mut s = format!("- **{kind}** {} at {}\n", markdown_code_span(&name), markdown_code_span(&loc));
    if let Some(by) = &f.waived {
        let _ = writeln!(s, "  waived by {}", markdown_inline(by));
    }
    if let Some(message) = &f.message {
        s.push_str(&indent(&markdown_code_block(&truncate(message, max_message), "text")));
    }
    if let Some(replay) = &f.replay {
        s.push_str("  replay:\n");
        s.push_str(&indent(&markdown_code_block(replay, "sh")));
    }
    s
}

pub(crate) fn head(verdict: &Verdict) -> String {
    let (icon, word) = match verdict.status {
        Status::Pass => ("✅", "pass"),
        Status::Fail => ("❌", "fail"),
        Status::Discrepancy => ("⚠️", "discrepancy"),
    };
    let t = &verdict.totals;
    let d = &t.derived;
    let mut s = format!("## {icon} truegreen: {word} (exit {})\n\n", verdict.exit_code);
    s.push_str("| executed | passed | failed | errored | incomplete | flaky | skipped | discrepancies | claims contradicted |\n");
    s.push_str("|---|---|---|---|---|---|---|---|---|\n");
    let _ = writeln!(
        s,
        "| {} | {} | {} | {} | {} | {} | {} | {} | {}/{} |\n",
        t.executed,
        d.passed,
        d.failed,
        d.errored,
        d.incomplete,
        d.flaky,
        d.skipped,
        t.discrepancies,
        t.claims_contradicted,
        t.claims_checked
    );
    s
}

/// Text inside an HTML element (a `<summary>`), where markdown escapes would
/// show as written: only `&`, `<` and `>` are replaced.
pub(crate) fn html_text(s: &str) -> String {
    crate::text::one_line(s).replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// A code span inside a table cell: GFM splits cells on `|` even inside code
/// spans unless it is escaped.
pub(crate) fn table_code_span(s: &str) -> String {
    markdown_code_span(s).replace('|', "\\|")
}

pub(crate) fn indent(block: &str) -> String {
    block.lines().map(|l| format!("  {l}\n")).collect()
}

/// A document that stops adding entries when the next would overflow, and
/// says in one closing line how many of each kind it left out. Shared with the
/// GitHub renderers.
pub(crate) struct Bounded {
    out: String,
    max: usize,
    full: bool,
    left_out: Vec<(usize, &'static str)>,
    /// Bytes kept for closing tags of `<details>` blocks still open.
    pending_close: usize,
}

impl Bounded {
    /// Room kept for the closing "not shown" line (one line, naming at most a
    /// handful of entry kinds), so that the total stays within `max`.
    const RESERVE: usize = 256;

    pub(crate) fn new(max: usize) -> Self {
        Self { out: String::new(), max, full: false, left_out: Vec::new(), pending_close: 0 }
    }

    const DETAILS_CLOSE: &'static str = "\n</details>\n";

    fn room(&self) -> usize {
        self.max.saturating_sub(self.out.len()).saturating_sub(Self::RESERVE).saturating_sub(self.pending_close)
    }

    /// Open a collapsed `<details>` block whose summary is `summary` (our own
    /// words: HTML-escaped, not markdown). Its closing tag is reserved now, so
    /// [`Bounded::close_details`] always fits. Returns whether it was opened.
    pub(crate) fn open_details(&mut self, summary: &str) -> bool {
        // Blank lines around the tags: GFM ends an HTML block at a blank line, and
        // the markdown inside renders only after one.
        let open = format!("\n<details><summary>{}</summary>\n\n", html_text(summary));
        if self.full || open.len() + Self::DETAILS_CLOSE.len() >= self.room() {
            self.full = true;
            return false;
        }
        self.out.push_str(&open);
        self.pending_close += Self::DETAILS_CLOSE.len();
        true
    }

    /// Close a block [`Bounded::open_details`] opened (pass its result).
    pub(crate) fn close_details(&mut self, opened: bool) {
        if opened {
            self.pending_close = self.pending_close.saturating_sub(Self::DETAILS_CLOSE.len());
            self.out.push_str(Self::DETAILS_CLOSE);
        }
    }

    pub(crate) fn push_head(&mut self, head: &str) {
        self.out.push_str(head);
    }

    /// Start a section; once the document is full, later sections are dropped
    /// and their entries only counted.
    pub(crate) fn section(&mut self, header: &str) {
        if !self.full && header.len() < self.room() {
            self.out.push('\n');
            self.out.push_str(header);
        } else {
            self.full = true;
        }
    }

    pub(crate) fn entries(&mut self, entries: impl Iterator<Item = String>, what: &'static str) {
        let mut left_out = 0usize;
        for entry in entries {
            if !self.full && entry.len() <= self.room() {
                self.out.push_str(&entry);
            } else {
                self.full = true;
                left_out += 1;
            }
        }
        if left_out > 0 {
            self.left_out.push((left_out, what));
        }
    }

    pub(crate) fn finish(mut self) -> String {
        if !self.left_out.is_empty() {
            let parts: Vec<String> = self.left_out.iter().map(|(n, what)| format!("{n} {what}")).collect();
            let _ = writeln!(
                self.out,
                "\n_Not shown, to stay within the size limit: {}. All are in the JSON verdict._",
                parts.join(", ")
            );
        }
        self.out
    }
}
