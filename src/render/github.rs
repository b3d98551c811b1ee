//! GitHub renderers: the check run's title, summary, text and annotations,
//! workflow commands, the job summary and step outputs.
//!
//! They decide nothing and send nothing ([`crate::publish`] delivers what they
//! produce). Every piece of artifact text passes through [`crate::text`] first,
//! and every workflow command escapes its data, so a test named
//! `::set-output name=x::y` or holding a newline cannot become a command.

use std::fmt::Write as _;

use serde::Serialize;

use super::markdown::{self, Bounded};
use crate::model::{FailureRecord, qualified_name};
use crate::rules::{Finding, Severity};
use crate::text::{markdown_code_block, markdown_code_span, markdown_inline, one_line, terminal_safe, truncate};
use crate::verdict::{ArtifactReport, Verdict};

/// GitHub's cap on a check run's `output.summary` and `output.text`, in
/// characters. The renderers count bytes, which is never fewer.
pub const CHECK_RUN_TEXT_LIMIT: usize = 65_535;
/// Annotations accepted per check-run request.
pub const ANNOTATIONS_PER_REQUEST: usize = 50;
/// Cap on an annotation's `message` and `raw_details` (64 KB), with a margin.
pub const ANNOTATION_FIELD_LIMIT: usize = 64_000;
/// Cap on an annotation's `title`, in characters.
pub const ANNOTATION_TITLE_LIMIT: usize = 255;
/// Cap on one step's job summary (`$GITHUB_STEP_SUMMARY`).
pub const JOB_SUMMARY_LIMIT: usize = 1024 * 1024;
/// Annotations sent with a check run unless `--max-annotations` says otherwise:
/// 20 requests, well inside the write rate limit, and more than anyone reads.
pub const DEFAULT_MAX_ANNOTATIONS: usize = 1000;
/// GitHub shows at most this many workflow-command annotations per level and step.
pub const WORKFLOW_ANNOTATIONS_PER_LEVEL: usize = 10;
/// Cap on a commit status description.
pub const COMMIT_STATUS_DESCRIPTION_LIMIT: usize = 140;

/// An annotation's level, named as the Checks API names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Failure,
    Warning,
    Notice,
}

impl Level {
    /// The workflow command for this level.
    pub fn command(self) -> &'static str {
        match self {
            Self::Failure => "error",
            Self::Warning => "warning",
            Self::Notice => "notice",
        }
    }
}

/// One annotation, in the Checks API's shape. Text is already inert.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Annotation {
    pub path: String,
    pub start_line: u32,
    pub end_line: u32,
    pub annotation_level: Level,
    pub title: String,
    pub message: String,
    /// The replay command, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raw_details: Option<String>,
}

/// Turns the paths artifacts were read from into repository paths, which is
/// what annotations need.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RepoPaths {
    /// `GITHUB_WORKSPACE`, the checkout's root.
    workspace: Option<String>,
    /// The directory relative artifact paths are relative to.
    cwd: Option<String>,
    /// Where annotations about no file in particular go (the workflow file).
    fallback: Option<String>,
}

impl RepoPaths {
    pub fn new(workspace: Option<&str>, cwd: Option<&str>) -> Self {
        Self { workspace: workspace.map(slashes), cwd: cwd.map(slashes), fallback: None }
    }

    /// Annotations about the run as a whole go to this file.
    pub fn with_fallback(mut self, path: Option<&str>) -> Self {
        self.fallback = path.filter(|p| !p.trim().is_empty()).map(slashes);
        self
    }

    /// `path` relative to the workspace, with `/` separators; as given (apart
    /// from separators and `.` segments) when it lies outside the workspace or
    /// the workspace is unknown.
    pub fn relative(&self, path: &str) -> String {
        let path = slashes(path);
        let Some(ws) = &self.workspace else { return crate::discover::normalize(&path) };
        let absolute = match &self.cwd {
            Some(cwd) if !is_absolute(&path) => format!("{}/{path}", cwd.trim_end_matches('/')),
            _ => path.clone(),
        };
        let normalized = crate::discover::normalize(&absolute);
        let ws = crate::discover::normalize(ws);
        match normalized.strip_prefix(ws.trim_end_matches('/')) {
            Some("") => ".".to_owned(),
            Some(rest) if rest.starts_with('/') => rest.trim_start_matches('/').to_owned(),
            _ if is_absolute(&path) => normalized,
            // Relative to a directory outside the workspace: keep it as given.
            _ => crate::discover::normalize(&path),
        }
    }

    fn fallback_for(&self, verdict: &Verdict) -> String {
        if let Some(f) = &self.fallback {
            return self.relative(f);
        }
        verdict.artifacts.first().map_or_else(|| ".".to_owned(), |a| self.relative(&a.info.path))
    }
}

fn slashes(s: &str) -> String {
    s.replace('\\', "/")
}

fn is_absolute(path: &str) -> bool {
    let bytes = path.as_bytes();
    path.starts_with('/')
        || (bytes.len() >= 3 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && bytes[2] == b'/')
}

/// Every finding and every failure as an annotation: discrepancies first, then
/// failures, then warnings, advisory failures and flaky passes.
pub fn annotations(verdict: &Verdict, paths: &RepoPaths) -> Vec<Annotation> {
    let fallback = paths.fallback_for(verdict);
    let mut out = Vec::new();
    for severity in [Severity::Discrepancy, Severity::Failure] {
        out.extend(
            verdict.findings.iter().filter(|f| f.severity == severity).map(|f| finding_annotation(f, paths, &fallback)),
        );
    }
    out.extend(
        verdict
            .failures()
            .filter(|(_, f)| f.blocking && f.outcome.is_failure())
            .map(|(a, f)| failure_annotation(a, f, paths, Level::Failure)),
    );
    out.extend(
        verdict
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Warning)
            .map(|f| finding_annotation(f, paths, &fallback)),
    );
    out.extend(
        verdict
            .failures()
            .filter(|(_, f)| !f.blocking && f.outcome.is_failure())
            .map(|(a, f)| failure_annotation(a, f, paths, Level::Warning)),
    );
    out.extend(
        verdict
            .failures()
            .filter(|(_, f)| !f.outcome.is_failure())
            .map(|(a, f)| failure_annotation(a, f, paths, Level::Notice)),
    );
    out
}

/// Keep at most `max` annotations, in order. Past the cap the last one kept
/// makes way for a notice, at the place of the first one left out, saying how
/// many more there are and where they are, so none goes missing silently.
pub fn cap_annotations(annotations: &mut Vec<Annotation>, max: usize) {
    if annotations.len() <= max {
        return;
    }
    let hidden = annotations.len() - max.saturating_sub(1);
    annotations.truncate(max);
    if let Some(first_hidden) = annotations.pop() {
        annotations.push(Annotation {
            annotation_level: Level::Notice,
            title: "truegreen".to_owned(),
            message: format!(
                "{hidden} more annotation(s) not sent, from here on (--max-annotations {max}). \
                 The --json document has every finding and failure."
            ),
            raw_details: None,
            ..first_hidden
        });
    }
}

pub(crate) fn finding_annotation(f: &Finding, paths: &RepoPaths, fallback: &str) -> Annotation {
    let (path, line) = match (&f.source, &f.artifact) {
        (Some(src), _) => (src.file.clone(), src.line.map(u64::from)),
        (None, Some(artifact)) => (paths.relative(artifact), f.position.as_ref().and_then(|p| p.line)),
        (None, None) => (fallback.to_owned(), None),
    };
    let mut message = f.message.clone();
    if let (Some(claimed), Some(derived)) = (&f.claimed, &f.derived) {
        let _ = write!(message, "\nclaimed: {claimed}\nderived: {derived}");
    }
    if f.source.is_some()
        && let Some(artifact) = &f.artifact
    {
        let _ = write!(message, "\nreported in {}", super::location(Some(artifact), f.position.as_ref()));
    }
    let level = match f.severity {
        Severity::Discrepancy | Severity::Failure => Level::Failure,
        Severity::Warning => Level::Warning,
    };
    annotation(
        path,
        line,
        level,
        &format!("{} {} ({})", f.rule, f.name, f.severity.as_str()),
        &message,
        f.replay.as_deref(),
    )
}

fn failure_annotation(a: &ArtifactReport, f: &FailureRecord, paths: &RepoPaths, level: Level) -> Annotation {
    let (path, line) = match &f.source {
        Some(src) => (src.file.clone(), src.line.map(u64::from)),
        None => (paths.relative(&a.info.path), f.position.line),
    };
    let name = qualified_name(f.suite.as_deref(), &f.name);
    let kind = if f.blocking || !f.outcome.is_failure() { f.outcome.as_str() } else { "advisory failure" };
    let mut message = match (&f.message, f.outcome) {
        (Some(m), _) => m.clone(),
        (None, crate::model::CaseOutcome::Flaky) => "passed on a retry after failing at least once".to_owned(),
        (None, _) => format!("{kind}; the report records no message"),
    };
    if f.source.is_some() {
        let _ = write!(message, "\nreported in {}", super::location(Some(&a.info.path), Some(&f.position)));
    }
    let replay = f.replay.as_deref().or(a.replay_commands.first().map(String::as_str));
    annotation(path, line, level, &format!("{kind}: {name}"), &message, replay)
}

/// One annotation from untrusted parts: every text is made inert and cut to
/// GitHub's limits, and the line is a valid 1-based line.
pub(crate) fn annotation(
    path: String,
    line: Option<u64>,
    level: Level,
    title: &str,
    message: &str,
    replay: Option<&str>,
) -> Annotation {
    let line = line.and_then(|l| u32::try_from(l).ok()).filter(|l| *l > 0).unwrap_or(1);
    let message = terminal_safe(message);
    Annotation {
        path: one_line(&path),
        start_line: line,
        end_line: line,
        annotation_level: level,
        title: truncate(&one_line(title), ANNOTATION_TITLE_LIMIT),
        message: truncate(if message.trim().is_empty() { "(no message)" } else { &message }, ANNOTATION_FIELD_LIMIT),
        raw_details: replay
            .map(terminal_safe)
            .filter(|r| !r.trim().is_empty())
            .map(|r| truncate(&r, ANNOTATION_FIELD_LIMIT)),
    }
}

/// The check run's name: the check name, and the matrix cell when there is one.
pub fn check_run_name(check_name: &str, shard: Option<&serde_json::Value>) -> String {
    let name = one_line(check_name);
    let name = if name.is_empty() { "truegreen".to_owned() } else { name };
    match shard.and_then(shard_label) {
        Some(label) => format!("{name} ({})", truncate(&label, 200)),
        None => name,
    }
}

/// A matrix cell (`toJSON(matrix)`) as GitHub labels jobs: its values, in order.
pub fn shard_label(shard: &serde_json::Value) -> Option<String> {
    use serde_json::Value;
    fn text(v: &Value) -> String {
        match v {
            Value::String(s) => one_line(s),
            other => one_line(&other.to_string()),
        }
    }
    let label = match shard {
        Value::Null => return None,
        Value::Object(map) if map.is_empty() => return None,
        Value::Object(map) => map.values().map(text).collect::<Vec<_>>().join(", "),
        other => text(other),
    };
    (!label.is_empty()).then_some(label)
}

/// The verdict and the counts, in one line.
pub fn check_run_title(verdict: &Verdict) -> String {
    let t = &verdict.totals;
    let d = &t.derived;
    format!(
        "{}: {} executed, {} passed, {} failed, {} skipped, {} flaky, {} discrepanc{}",
        verdict.status.as_str(),
        t.executed,
        d.passed,
        d.failures(),
        d.skipped,
        d.flaky,
        t.discrepancies,
        if t.discrepancies == 1 { "y" } else { "ies" }
    )
}

/// The check run's summary: the verdict table, claimed against derived, the
/// findings and the failures with their replay commands, within GitHub's cap.
pub fn check_run_summary(verdict: &Verdict) -> String {
    markdown::render_bounded(verdict, CHECK_RUN_TEXT_LIMIT)
}

/// The check run's text: every claim (holding or not), run-level replay
/// commands and ignored files, within GitHub's cap.
pub fn check_run_text(verdict: &Verdict) -> String {
    let mut doc = Bounded::new(CHECK_RUN_TEXT_LIMIT);
    doc.push_head("## Evidence\n\nEvery claim the artifacts make, next to what their raw evidence says.\n");
    let claims: Vec<_> = verdict.artifacts.iter().flat_map(|a| a.claims.iter().map(move |c| (a, c))).collect();
    if claims.is_empty() {
        doc.section("_No artifact makes a claim about itself._\n");
    } else {
        doc.section("### Claims\n\n| artifact | claim | claimed | derived | holds |\n|---|---|---|---|---|\n");
        let rows = claims.iter().map(|(a, c)| {
            format!(
                "| {} | {} | {} | {} | {} |\n",
                markdown::table_code_span(&a.info.path),
                markdown_inline(&format!("{} {}", c.claim.scope, c.claim.field)),
                markdown_inline(&c.claim.claimed_text()),
                markdown_inline(&c.claim.derived_text()),
                if c.holds { "yes" } else { "**no**" },
            )
        });
        doc.entries(rows, "claims");
    }
    let replays: Vec<_> =
        verdict.artifacts.iter().flat_map(|a| a.replay_commands.iter().map(move |c| (a, c))).collect();
    if !replays.is_empty() {
        doc.section("### Replay a whole run\n\n");
        let entries = replays.iter().map(|(a, cmd)| {
            format!("- {}\n{}", markdown_code_span(&a.info.path), markdown::indent(&markdown_code_block(cmd, "sh")))
        });
        doc.entries(entries, "replay commands");
    }
    if !verdict.ignored.is_empty() {
        doc.section("### Ignored files (no reader recognizes them)\n\n");
        doc.entries(verdict.ignored.iter().map(|p| format!("- {}\n", markdown_code_span(p))), "ignored files");
    }
    doc.finish()
}

/// The job summary: the markdown report, labelled with the check run's name,
/// within `max_bytes`.
pub fn job_summary(verdict: &Verdict, label: Option<&str>, max_bytes: usize) -> String {
    labelled(label, |max| markdown::render_bounded(verdict, max), max_bytes)
}

/// A bounded markdown body under a bold label line, all within `max_bytes`.
pub fn labelled(label: Option<&str>, body: impl FnOnce(usize) -> String, max_bytes: usize) -> String {
    let prefix = match label {
        Some(l) if !l.trim().is_empty() => format!("**{}**\n\n", markdown_inline(l)),
        _ => String::new(),
    };
    let body = body(max_bytes.saturating_sub(prefix.len()));
    format!("{prefix}{body}")
}

/// A commit status description: the verdict and the counts, at most 140 characters.
pub fn commit_status_description(verdict: &Verdict) -> String {
    let t = &verdict.totals;
    truncate(
        &format!(
            "truegreen {}: {} executed, {} failed, {} discrepancies",
            verdict.status.as_str(),
            t.executed,
            t.derived.failures(),
            t.discrepancies
        ),
        COMMIT_STATUS_DESCRIPTION_LIMIT,
    )
}

/// Escape a workflow command's data: `%`, CR and LF.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escape a workflow command property: the data escapes plus `:` and `,`.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// One workflow command line, `::name key=value,...::message`, with every
/// value made inert and escaped.
pub fn workflow_command(name: &str, properties: &[(&str, &str)], message: &str) -> String {
    let mut line = format!("::{name}");
    let props: Vec<String> =
        properties.iter().map(|(k, v)| format!("{k}={}", escape_property(&terminal_safe(v)))).collect();
    if !props.is_empty() {
        line.push(' ');
        line.push_str(&props.join(","));
    }
    line.push_str("::");
    line.push_str(&escape_data(&terminal_safe(message)));
    line.push('\n');
    line
}

/// Annotations as workflow commands (the fallback when no check run can be
/// written). GitHub shows `per_level` of each level per step; beyond that, the
/// last slot says how many more there are and where to find them.
pub fn workflow_commands(annotations: &[Annotation], per_level: usize) -> String {
    let mut out = String::new();
    for level in [Level::Failure, Level::Warning, Level::Notice] {
        let of_level: Vec<&Annotation> = annotations.iter().filter(|a| a.annotation_level == level).collect();
        let shown = if of_level.len() > per_level { per_level.saturating_sub(1) } else { of_level.len() };
        for a in &of_level[..shown] {
            let mut message = a.message.clone();
            if let Some(replay) = &a.raw_details {
                let _ = write!(message, "\n\nreplay: {replay}");
            }
            let line = a.start_line.to_string();
            out.push_str(&workflow_command(
                level.command(),
                &[("file", &a.path), ("line", &line), ("endLine", &line), ("title", &a.title)],
                &message,
            ));
        }
        let hidden = of_level.len() - shown;
        if hidden > 0 {
            out.push_str(&workflow_command(
                level.command(),
                &[("title", "truegreen")],
                &format!(
                    "{hidden} more {} annotation(s) not shown here: GitHub shows {per_level} per level and step. \
                     All of them are in the job summary and the JSON verdict.",
                    level.command()
                ),
            ));
        }
    }
    out
}

/// Wrap output that may hold artifact text so the runner reads no workflow
/// command from it (`::stop-commands::`), whatever lines it contains.
pub fn inert_log(body: &str, token: &str) -> String {
    let newline = if body.is_empty() || body.ends_with('\n') { "" } else { "\n" };
    format!("::stop-commands::{token}\n{body}{newline}::{token}::\n")
}

/// The step outputs the action declares, in order.
pub fn step_outputs(
    verdict: &Verdict,
    check_run_url: Option<&str>,
    json_path: Option<&str>,
    markdown_path: Option<&str>,
) -> Vec<(&'static str, String)> {
    let t = &verdict.totals;
    let d = &t.derived;
    vec![
        ("verdict", verdict.status.as_str().to_owned()),
        ("exit-code", verdict.exit_code.to_string()),
        ("tests", d.total().to_string()),
        ("passed", d.passed.to_string()),
        ("failed", d.failures().to_string()),
        ("skipped", d.skipped.to_string()),
        ("flaky", d.flaky.to_string()),
        ("discrepancies", t.discrepancies.to_string()),
        ("check-run-url", check_run_url.unwrap_or("").to_owned()),
        ("json", json_path.unwrap_or("").to_owned()),
        ("markdown", markdown_path.unwrap_or("").to_owned()),
    ]
}

/// Outputs in `$GITHUB_OUTPUT`'s multi-line form (`name<<DELIM`, value,
/// `DELIM`). `None` when the delimiter occurs in a name or value, so that the
/// caller picks another: a value can never end its own entry early.
pub fn output_file_entries(outputs: &[(&str, String)], delimiter: &str) -> Option<String> {
    if delimiter.is_empty() || outputs.iter().any(|(k, v)| k.contains(delimiter) || v.contains(delimiter)) {
        return None;
    }
    let mut out = String::new();
    for (name, value) in outputs {
        let _ = write!(out, "{name}<<{delimiter}\n{value}\n{delimiter}\n");
    }
    Some(out)
}

#[cfg(test)]
mod tests;
