//! Human-readable report for a terminal, in color when asked.

use std::fmt::Write as _;

use super::location;
use crate::rules::Severity;
use crate::text::{one_line, terminal_safe};
use crate::verdict::{Status, Verdict};

/// How many failures to print before summarizing the rest; all are in `--json`.
pub const MAX_FAILURES_SHOWN: usize = 100;

/// ANSI styling for our own labels, off unless asked for.
pub(crate) struct Paint {
    on: bool,
}

impl Paint {
    pub(crate) fn new(on: bool) -> Self {
        Self { on }
    }
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.on { format!("\u{1b}[{code}m{s}\u{1b}[0m") } else { s.to_owned() }
    }
    pub(crate) fn red(&self, s: &str) -> String {
        self.wrap("1;31", s)
    }
    pub(crate) fn magenta(&self, s: &str) -> String {
        self.wrap("1;35", s)
    }
    pub(crate) fn yellow(&self, s: &str) -> String {
        self.wrap("33", s)
    }
    pub(crate) fn green(&self, s: &str) -> String {
        self.wrap("1;32", s)
    }
    pub(crate) fn dim(&self, s: &str) -> String {
        self.wrap("2", s)
    }
    pub(crate) fn bold(&self, s: &str) -> String {
        self.wrap("1", s)
    }
}

/// Print untrusted multi-line text, each line behind a visible prefix. The
/// prefix is not whitespace on purpose: the GitHub Actions runner trims leading
/// whitespace before looking for `::command::`, so an indent alone would let a
/// failure message inject a workflow command into the job log.
pub(crate) fn block(out: &mut String, prefix: &str, text: &str, max_lines: usize) {
    let safe = terminal_safe(text);
    let lines: Vec<&str> = safe.lines().collect();
    for line in lines.iter().take(max_lines) {
        let _ = writeln!(out, "{prefix}{line}");
    }
    if lines.len() > max_lines {
        let _ = writeln!(out, "{prefix}… {} more line(s)", lines.len() - max_lines);
    }
}

pub fn render(verdict: &Verdict, color: bool) -> String {
    let p = Paint { on: color };
    let mut out = String::new();
    let t = &verdict.totals;
    let d = &t.derived;
    let _ = writeln!(
        out,
        "{} {} · {} artifact(s) · {} executed: {} passed, {} failed, {} errored, {} incomplete, {} flaky, {} skipped",
        p.bold("truegreen"),
        verdict.truegreen_version,
        verdict.artifacts.len(),
        t.executed,
        d.passed,
        d.failed,
        d.errored,
        d.incomplete,
        d.flaky,
        d.skipped
    );

    if !verdict.findings.is_empty() {
        out.push('\n');
    }
    for f in &verdict.findings {
        let label = match f.severity {
            Severity::Discrepancy => p.magenta("DISCREPANCY"),
            Severity::Failure => p.red("FAILURE"),
            Severity::Warning => p.yellow("WARNING"),
        };
        let loc = location(f.artifact.as_deref(), f.position.as_ref());
        let _ = writeln!(out, "{label} {} {}  {}", f.rule, p.dim(&f.name), one_line(&loc));
        block(&mut out, "  │ ", &f.message, usize::MAX);
        if let (Some(claimed), Some(derived)) = (&f.claimed, &f.derived) {
            let _ = writeln!(out, "  │ claimed: {}", one_line(claimed));
            let _ = writeln!(out, "  │ derived: {}", one_line(derived));
        }
        if let Some(replay) = &f.replay {
            let _ = writeln!(out, "  │ replay:  {}", one_line(replay));
        }
    }

    let failures: Vec<_> = verdict.failures().collect();
    if !failures.is_empty() {
        out.push('\n');
    }
    for (artifact, f) in failures.iter().take(MAX_FAILURES_SHOWN) {
        let label = if f.waived.is_some() {
            p.yellow("WAIVED")
        } else if !f.blocking {
            p.yellow("ADVISORY")
        } else if f.outcome.is_failure() {
            p.red(&f.outcome.as_str().to_uppercase())
        } else {
            p.yellow(&f.outcome.as_str().to_uppercase())
        };
        let name = crate::model::qualified_name(f.suite.as_deref(), &f.name);
        let loc = match &f.source {
            Some(src) => format!("{}{}", src.file, src.line.map(|l| format!(":{l}")).unwrap_or_default()),
            None => location(Some(&artifact.info.path), Some(&f.position)),
        };
        let _ = writeln!(out, "{label} {}  {}", one_line(&name), p.dim(&one_line(&loc)));
        if let Some(by) = &f.waived {
            let _ = writeln!(out, "  │ waived by {}", one_line(by));
        }
        if let Some(message) = &f.message {
            block(&mut out, "  │ ", message, 6);
        }
        if let Some(replay) = &f.replay {
            let _ = writeln!(out, "  │ replay: {}", one_line(replay));
        }
    }
    if failures.len() > MAX_FAILURES_SHOWN {
        let _ = writeln!(out, "… and {} more (all are in the --json document)", failures.len() - MAX_FAILURES_SHOWN);
    }

    out.push('\n');
    for a in &verdict.artifacts {
        let format = a.info.format.map_or("unknown", |f| f.id());
        let held = a.claims.iter().filter(|c| c.holds).count();
        let sha = a.info.sha256.as_deref().map(|s| &s[..s.len().min(12)]).unwrap_or("-");
        let _ = writeln!(
            out,
            "  {:<28} {}  {} executed, {} failed · claims {held}/{} hold · sha256 {sha}",
            format,
            one_line(&a.info.path),
            a.tally.executed(),
            a.tally.failures(),
            a.claims.len()
        );
        for cmd in &a.replay_commands {
            let _ = writeln!(out, "    replay all: {}", one_line(cmd));
        }
    }
    if !verdict.ignored.is_empty() {
        let _ =
            writeln!(out, "  {}", p.dim(&format!("{} file(s) ignored: not a report format", verdict.ignored.len())));
    }
    if let Some(line) = super::baseline_line(verdict) {
        let _ = writeln!(out, "\nbaseline: {}", one_line(&line));
        for g in super::baseline_groups(verdict) {
            let scope = if g.suite.is_empty() { g.report.as_str() } else { g.suite.as_str() };
            let why = super::group_note(g).map(|e| format!(" [{}]", one_line(&e))).unwrap_or_default();
            let _ =
                writeln!(out, "  {:<14} {}: {}{why}", super::group_label(g), one_line(scope), one_line(&g.listing()),);
        }
    }
    if !verdict.slowest.is_empty() {
        let slowest: Vec<String> =
            verdict.slowest.iter().take(5).map(|t| format!("{} ({} ms)", one_line(&t.name), t.millis)).collect();
        let _ = writeln!(out, "slowest: {}", slowest.join(", "));
    }

    let blocking = verdict.blocking_failures().count();
    let headline = match verdict.status {
        Status::Pass => p.green("PASS"),
        Status::Fail => p.red("FAIL"),
        Status::Discrepancy => p.magenta("DISCREPANCY"),
    };
    let _ = writeln!(
        out,
        "\nverdict: {headline} (exit {}): {} discrepancy(ies), {blocking} failure(s), {} warning(s)",
        verdict.exit_code, t.discrepancies, t.warnings
    );
    out
}
