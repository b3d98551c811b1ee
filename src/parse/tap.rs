//! TAP, the Test Anything Protocol, versions 13 and 14 (and version-less 12).
//!
//! Raw evidence: every test point (`ok`/`not ok`), with its SKIP/TODO directive
//! and the diagnostics after it (a YAML block, `#` comment lines). Claims: the
//! plan (`1..N`) against the number of test points at its level, and a parent
//! test point that closes a subtest against the subtest's own points.
//!
//! What TAP 14 asks a harness to treat as failure and this reader records:
//! a missing or misplaced plan, a test number outside the plan or out of order,
//! `Bail out!` (also inside subtests), an unterminated subtest, and an empty
//! stream (no plan and no test points: only a version line or comments).
//!
//! A test point with a SKIP or TODO directive is recorded as skipped whether it
//! says `ok` or `not ok`: a failing TODO is not a failure, and a passing one
//! proves nothing yet. A `\#` in a description is an escaped `#`, not a directive.
//!
//! Replay commands are only offered where the producer is recognizable from the
//! content: bats (its `# (in test file F, line N)` diagnostics) and node's test
//! runner (`# Subtest:` lines and YAML `location`).

use std::io::BufRead;

use super::duration;
use super::lines::{CappedText, LineReader};
use super::location::{first_workspace_frame, workspace_relative};
use super::{ParseError, ReadContext, Sniff};
use crate::model::{
    Case, CaseOutcome, Claim, Evidence, Format, Observation, Position, SourceLocation, Status, Violation,
};
use crate::replay;

pub fn detect(sniff: &Sniff<'_>) -> Option<Format> {
    // Leading comments are allowed; the first other line must be TAP.
    let first = sniff.lines(200).find(|l| !l.starts_with('#'))?;
    let tap = version_line(first).is_some()
        || parse_plan(first).is_some()
        || parse_test_point(first).is_some()
        || strip_bail_out(first).is_some();
    tap.then_some(Format::Tap)
}

/// Lines are cut beyond this; a test point is never this long.
const MAX_LINE_BYTES: usize = 1024 * 1024;
/// Diagnostics kept per test point (comments and YAML).
const MAX_DIAGNOSTIC_BYTES: usize = 16 * 1024;
/// Test-number problems recorded one by one; the rest are counted.
const MAX_NUMBER_VIOLATIONS: u64 = 20;
/// Deeper subtest nesting than this is refused rather than tracked.
const MAX_DEPTH: usize = 256;

/// Read a TAP stream. `workspace` resolves absolute paths in YAML
/// diagnostics (`at:`, `location:`) and bats locations to annotation locations.
pub fn read(input: &mut dyn BufRead, ev: &mut Evidence, cx: &ReadContext<'_>) -> Result<(), ParseError> {
    let workspace = cx.workspace;
    let mut lines = LineReader::new(input, MAX_LINE_BYTES);
    let mut reader = Reader::new(workspace);
    while let Some(line) = lines.next_line()? {
        if reader.bailed {
            // After `Bail out!` the producer stopped testing; nothing later counts.
            continue;
        }
        let position = line.position();
        if !line.terminated && is_result_line(&line.text) {
            // Every producer ends its lines; a last one without a newline was cut
            // while written, and a cut can turn `ok 3 # SKIP` into `ok 3`.
            ev.observe(Observation::Truncated {
                detail: "the last line is a test point or plan without its line terminator: \
                         the stream was cut while it was being written"
                    .to_owned(),
                position: position.clone(),
            });
        }
        if let Err(err) = reader.line(&line.text, position, ev) {
            reader.finish(ev, lines.line_number());
            return Err(err);
        }
    }
    reader.finish(ev, lines.line_number());
    Ok(())
}

/// A test point or a plan, at any subtest depth.
fn is_result_line(line: &str) -> bool {
    let line = line.trim_start();
    parse_test_point(line).is_some() || parse_plan(line.trim_end()).is_some()
}

/// The reason after `Bail out!` (matched in any case, as tap-parser does).
fn strip_bail_out(line: &str) -> Option<&str> {
    let head = line.get(..9)?;
    head.eq_ignore_ascii_case("bail out!").then(|| &line[9..])
}

/// `TAP version N`, with the version number.
fn version_line(line: &str) -> Option<&str> {
    line.strip_prefix("TAP version ").map(str::trim).filter(|v| !v.is_empty())
}

struct Plan {
    count: u64,
    /// `1..0 # reason`: the producer skipped everything on purpose.
    skip_all: Option<String>,
}

/// `1..N` with an optional `# reason`.
fn parse_plan(line: &str) -> Option<Plan> {
    let rest = line.strip_prefix("1..")?;
    let digits_end = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
    let count: u64 = rest[..digits_end].parse().ok()?;
    let tail = rest[digits_end..].trim();
    let reason = match tail.strip_prefix('#') {
        Some(reason) => Some(reason.trim().to_owned()),
        None if tail.is_empty() => None,
        None => return None,
    };
    Some(Plan { count, skip_all: if count == 0 { Some(reason.unwrap_or_default()) } else { None } })
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Directive {
    Skip(String),
    Todo(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct TestPoint {
    ok: bool,
    number: Option<u64>,
    description: String,
    directive: Option<Directive>,
}

/// `(not )?ok [N] [-] [description] [# SKIP|TODO [reason]]`.
fn parse_test_point(line: &str) -> Option<TestPoint> {
    let (ok, rest) = match line.strip_prefix("not ok") {
        Some(rest) => (false, rest),
        None => (true, line.strip_prefix("ok")?),
    };
    if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    let rest = rest.trim_start();
    let digits_end = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
    let (number, rest) = if digits_end > 0 && rest[digits_end..].chars().next().is_none_or(char::is_whitespace) {
        (rest[..digits_end].parse().ok(), &rest[digits_end..])
    } else {
        (None, rest)
    };
    let rest = rest.trim_start();
    let rest = rest.strip_prefix("- ").or_else(|| (rest == "-").then_some("")).unwrap_or(rest);
    let (description, directive) = split_directive(rest);
    Some(TestPoint { ok, number, description: unescape(description.trim()), directive })
}

/// Split at the first unescaped `#` preceded by whitespace; what follows is a
/// directive when it starts with SKIP or TODO (any case).
fn split_directive(text: &str) -> (&str, Option<Directive>) {
    let bytes = text.as_bytes();
    let mut escaped = false;
    for (i, &b) in bytes.iter().enumerate() {
        if escaped {
            escaped = false;
            continue;
        }
        match b {
            b'\\' => escaped = true,
            b'#' if i == 0 || bytes[i - 1].is_ascii_whitespace() => {
                let after = text[i + 1..].trim_start();
                let word_end = after.find(char::is_whitespace).unwrap_or(after.len());
                let word = after[..word_end].to_ascii_lowercase();
                let reason = after[word_end..].trim().to_owned();
                let directive = if word.starts_with("skip") {
                    Some(Directive::Skip(reason))
                } else if word.starts_with("todo") {
                    Some(Directive::Todo(reason))
                } else {
                    None
                };
                return (&text[..i], directive);
            }
            _ => {}
        }
    }
    (text, None)
}

/// `\#` → `#` and `\\` → `\`, as TAP escapes them in descriptions.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some(next @ ('#' | '\\')) => out.push(next),
                Some(next) => {
                    out.push('\\');
                    out.push(next);
                }
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// What a parent learns from a subtest once it closes.
struct SubtestResult {
    name: Option<String>,
    points: u64,
    failed: u64,
    position: Position,
}

/// A test point waiting for its diagnostics, which follow it.
struct Pending {
    point: TestPoint,
    number: u64,
    position: Position,
    diagnostics: CappedText,
    yaml: Option<Diagnostics>,
    bats_location: Option<(String, u32)>,
    subtest: Option<SubtestResult>,
}

/// What a YAML diagnostics block says about a failure.
#[derive(Default)]
struct Diagnostics {
    message: Option<String>,
    /// `path:line[:col]` from `location` (node), `at`, or `file` + `line`.
    location: Option<String>,
    /// `duration_ms` (node:test writes it for every test point), in seconds.
    seconds: Option<f64>,
}

/// One document: the top-level stream or a subtest.
struct Level {
    indent: usize,
    name: Option<String>,
    plan: Option<(Plan, Position)>,
    /// The plan came after test points (a trailing plan).
    plan_after_points: bool,
    points: u64,
    next_number: u64,
    max_number: u64,
    /// Failing points at this level and below.
    failed: u64,
    pending: Option<Pending>,
    /// A subtest that ended and waits for this level's next test point.
    closed_child: Option<SubtestResult>,
    /// `# Subtest: name` at this level, naming the next child (node's style).
    child_label: Option<String>,
    misplaced_reported: bool,
    /// Comments before the first test point (node prints a file's load error
    /// there), kept for that point should it fail.
    preamble: CappedText,
    position: Position,
}

impl Level {
    fn new(indent: usize, name: Option<String>, position: Position) -> Self {
        Self {
            indent,
            name,
            plan: None,
            plan_after_points: false,
            points: 0,
            next_number: 1,
            max_number: 0,
            failed: 0,
            pending: None,
            closed_child: None,
            child_label: None,
            misplaced_reported: false,
            preamble: CappedText::new(),
            position,
        }
    }
}

struct YamlBlock {
    /// Indentation of the `---` and `...` markers.
    indent: usize,
    text: String,
    too_long: bool,
    position: Position,
}

struct Reader {
    levels: Vec<Level>,
    yaml: Option<YamlBlock>,
    saw_tap_line: bool,
    bailed: bool,
    /// The stream shows node's `# Subtest:` lines.
    node: bool,
    /// Test-number violations recorded one by one; later ones are counted.
    number_violations: u64,
    workspace: Option<String>,
}

enum LineKind<'a> {
    Version,
    Plan(Plan),
    Point(TestPoint),
    BailOut(&'a str),
    Comment(&'a str),
    Other,
}

fn classify(content: &str) -> LineKind<'_> {
    if version_line(content).is_some() {
        LineKind::Version
    } else if let Some(plan) = parse_plan(content) {
        LineKind::Plan(plan)
    } else if let Some(point) = parse_test_point(content) {
        LineKind::Point(point)
    } else if let Some(reason) = strip_bail_out(content) {
        LineKind::BailOut(reason.trim())
    } else if let Some(comment) = content.strip_prefix('#') {
        LineKind::Comment(comment.trim())
    } else {
        LineKind::Other
    }
}

impl Reader {
    fn new(workspace: Option<&str>) -> Self {
        Self {
            levels: vec![Level::new(0, None, Position::line(1))],
            yaml: None,
            saw_tap_line: false,
            bailed: false,
            node: false,
            number_violations: 0,
            workspace: workspace.map(str::to_owned),
        }
    }

    fn current(&mut self) -> &mut Level {
        let last = self.levels.len() - 1;
        &mut self.levels[last]
    }

    fn line(&mut self, text: &str, position: Position, ev: &mut Evidence) -> Result<(), ParseError> {
        let indent = text.bytes().take_while(|b| *b == b' ').count();
        let content = text[indent..].trim_end();

        if let Some(block) = self.yaml.as_mut() {
            if indent == block.indent && content == "..." {
                self.end_yaml();
                return Ok(());
            }
            if indent >= block.indent || content.is_empty() {
                // Blank lines may be shorter than the indentation (or end in other whitespace).
                let body = text.get(block.indent..).unwrap_or("");
                if block.text.len() + body.len() < MAX_DIAGNOSTIC_BYTES {
                    block.text.push_str(body);
                    block.text.push('\n');
                } else {
                    block.too_long = true;
                }
                return Ok(());
            }
            // Outdented before `...`: the block ended without its marker.
            self.end_yaml();
        }

        if content.is_empty() {
            return Ok(());
        }
        let current_indent = self.current().indent;
        if content == "---" && indent == current_indent + 2 && self.current().pending.is_some() {
            self.yaml = Some(YamlBlock { indent, text: String::new(), too_long: false, position });
            return Ok(());
        }

        let kind = classify(content);
        match kind {
            LineKind::Other => {
                // Not TAP: output of the test under way, kept as its diagnostics.
                self.note_diagnostic(content, indent);
                Ok(())
            }
            LineKind::Comment(comment) => {
                // A comment back at a parent's indentation ends the subtests below it
                // (the parent's test point must still come to close them).
                if indent < current_indent && self.levels.iter().any(|l| l.indent == indent) {
                    while self.current().indent > indent {
                        self.close_level(ev);
                    }
                }
                self.comment(comment, indent, position, ev);
                Ok(())
            }
            LineKind::Version if !self.saw_tap_line && indent == 0 => {
                self.saw_tap_line = true;
                Ok(())
            }
            // A version line later on (concatenated streams, a subtest header) changes nothing.
            LineKind::Version => Ok(()),
            structural => {
                if !self.enter_level(indent, position.clone(), ev)? {
                    self.note_diagnostic(content, indent);
                    return Ok(());
                }
                self.saw_tap_line = true;
                self.structural(structural, position, ev);
                Ok(())
            }
        }
    }

    /// Make the level at `indent` current, opening a subtest one level deeper or
    /// closing subtests back up to it. False when the indentation fits no level.
    fn enter_level(&mut self, indent: usize, position: Position, ev: &mut Evidence) -> Result<bool, ParseError> {
        let current_indent = self.current().indent;
        if indent == current_indent {
            return Ok(true);
        }
        if indent == current_indent + 4 {
            if self.levels.len() >= MAX_DEPTH {
                return Err(ParseError::new(format!("subtests nested deeper than {MAX_DEPTH} levels"), position));
            }
            self.flush_pending(ev);
            self.unterminated_child(ev);
            let name = self.current().child_label.take();
            self.levels.push(Level::new(indent, name, position));
            return Ok(true);
        }
        if indent < current_indent && self.levels.iter().any(|l| l.indent == indent) {
            while self.current().indent > indent {
                self.close_level(ev);
            }
            return Ok(true);
        }
        Ok(false)
    }

    fn structural(&mut self, kind: LineKind<'_>, position: Position, ev: &mut Evidence) {
        if !matches!(kind, LineKind::Point(_)) {
            self.unterminated_child(ev);
        }
        match kind {
            LineKind::Point(point) => {
                self.flush_pending(ev);
                let level = self.current();
                if level.plan.is_some() && level.plan_after_points && !level.misplaced_reported {
                    level.misplaced_reported = true;
                    let detail = format!(
                        "{}: test point after the trailing plan; a plan comes first or last",
                        scope_name(level)
                    );
                    ev.observe(Observation::ProtocolViolation {
                        violation: Violation::PlanMisplaced,
                        detail,
                        position: position.clone(),
                    });
                }
                let subtest = level.closed_child.take();
                level.child_label = None;
                let mut number_problems = Vec::new();
                let number = match point.number {
                    Some(n) => {
                        if n != level.next_number {
                            number_problems.push(format!(
                                "{}: test number {n} where {} was expected (out of order or repeated)",
                                scope_name(level),
                                level.next_number
                            ));
                        }
                        n
                    }
                    None => level.next_number,
                };
                if let Some((plan, _)) = &level.plan
                    && !level.plan_after_points
                    && (number == 0 || number > plan.count)
                {
                    number_problems.push(format!(
                        "{}: test number {number} is outside the plan 1..{}",
                        scope_name(level),
                        plan.count
                    ));
                }
                level.next_number = number.saturating_add(1);
                level.max_number = level.max_number.max(number);
                level.points += 1;
                level.pending = Some(Pending {
                    point,
                    number,
                    position: position.clone(),
                    diagnostics: std::mem::take(&mut level.preamble),
                    yaml: None,
                    bats_location: None,
                    subtest,
                });
                for detail in number_problems {
                    self.number_violation(detail, position.clone(), ev);
                }
            }
            LineKind::Plan(plan) => {
                self.flush_pending(ev);
                let level = self.current();
                if let Some((_, first)) = &level.plan {
                    let detail = format!(
                        "{}: a second plan; the first is at line {}",
                        scope_name(level),
                        first.line.unwrap_or_default()
                    );
                    ev.observe(Observation::ProtocolViolation {
                        violation: Violation::PlanMisplaced,
                        detail,
                        position,
                    });
                } else {
                    level.plan_after_points = level.points > 0;
                    level.plan = Some((plan, position));
                }
            }
            LineKind::BailOut(reason) => {
                self.flush_pending(ev);
                let scope = scope_name(self.current());
                let detail = if reason.is_empty() {
                    format!("Bail out! in {scope}: the producer stopped testing")
                } else {
                    format!("Bail out! in {scope}: {reason}")
                };
                ev.observe(Observation::ProtocolViolation { violation: Violation::BailOut, detail, position });
                self.bailed = true;
            }
            LineKind::Version | LineKind::Comment(_) | LineKind::Other => {}
        }
    }

    /// One numbering problem; a stream numbered wrong throughout yields a few
    /// findings and a count, not one finding per line.
    fn number_violation(&mut self, detail: String, position: Position, ev: &mut Evidence) {
        self.number_violations += 1;
        if self.number_violations <= MAX_NUMBER_VIOLATIONS {
            ev.observe(Observation::ProtocolViolation { violation: Violation::TestNumber, detail, position });
        }
    }

    fn comment(&mut self, comment: &str, indent: usize, position: Position, ev: &mut Evidence) {
        if let Some(name) = comment.strip_prefix("Subtest:") {
            self.node = true;
            let name = name.trim().to_owned();
            let current_indent = self.current().indent;
            if indent == current_indent {
                // node: a label at the level of the test point it names.
                self.current().child_label = Some(name);
            } else if indent == current_indent + 4 && self.levels.len() < MAX_DEPTH {
                self.flush_pending(ev);
                self.unterminated_child(ev);
                let level = match self.current().child_label.take() {
                    // node: the subtest was named at its parent's level; this label
                    // names the subtest's first test point.
                    Some(parent_label) => {
                        let mut level = Level::new(indent, Some(parent_label), position);
                        level.child_label = Some(name);
                        level
                    }
                    // TAP 14: the label is the first line of the subtest it names.
                    None => Level::new(indent, Some(name), position),
                };
                self.levels.push(level);
            }
            return;
        }
        if let Some(location) = bats_location(comment) {
            if let Some(pending) = self.pending_at(indent) {
                pending.bats_location.get_or_insert(location);
            }
        }
        self.note_diagnostic(comment, indent);
    }

    /// The pending test point a line at `indent` belongs to: the deepest level at
    /// or above that indentation.
    fn pending_at(&mut self, indent: usize) -> Option<&mut Pending> {
        self.levels.iter_mut().rev().find(|l| l.indent <= indent).and_then(|l| l.pending.as_mut())
    }

    fn note_diagnostic(&mut self, text: &str, indent: usize) {
        let Some(level) = self.levels.iter_mut().rev().find(|l| l.indent <= indent) else { return };
        match level.pending.as_mut() {
            Some(pending) => pending.diagnostics.push_line(text, MAX_DIAGNOSTIC_BYTES),
            None if level.points == 0 => level.preamble.push_line(text, MAX_DIAGNOSTIC_BYTES),
            None => {}
        }
    }

    fn end_yaml(&mut self) {
        let Some(block) = self.yaml.take() else { return };
        let diagnostics = parse_yaml(&block);
        if let Some(pending) = self.current().pending.as_mut() {
            pending.yaml = Some(diagnostics);
        }
    }

    /// A subtest that ended is closed only by a test point at its parent's level.
    fn unterminated_child(&mut self, ev: &mut Evidence) {
        let level = self.current();
        if let Some(child) = level.closed_child.take() {
            let parent = scope_name(level);
            let detail = format!(
                "subtest {} in {parent} is not closed by a test point of its parent",
                child.name.as_deref().map_or("(unnamed)".to_owned(), |n| format!("{n:?}"))
            );
            ev.observe(Observation::ProtocolViolation {
                violation: Violation::UnterminatedSubtest,
                detail,
                position: child.position,
            });
        }
    }

    /// Close the deepest level: check its plan and hand its result to the parent.
    fn close_level(&mut self, ev: &mut Evidence) {
        self.flush_pending(ev);
        self.unterminated_child(ev);
        let Some(level) = self.levels.pop() else { return };
        self.check_plan(&level, ev);
        let result =
            SubtestResult { name: level.name, points: level.points, failed: level.failed, position: level.position };
        self.current().closed_child = Some(result);
    }

    fn check_plan(&self, level: &Level, ev: &mut Evidence) {
        if self.bailed {
            // The bail-out is the finding; the plan was never going to be met.
            return;
        }
        let scope = scope_name(level);
        match &level.plan {
            None if level.indent == 0 && level.points == 0 => ev.observe(Observation::Empty),
            None => ev.observe(Observation::ProtocolViolation {
                violation: Violation::PlanMissing,
                detail: format!("{scope} has {} test point(s) and no plan (1..N)", level.points),
                position: level.position.clone(),
            }),
            Some((plan, position)) => {
                if level.plan_after_points && level.max_number > plan.count {
                    ev.observe(Observation::ProtocolViolation {
                        violation: Violation::TestNumber,
                        detail: format!(
                            "{scope}: test number {} is outside the plan 1..{}",
                            level.max_number, plan.count
                        ),
                        position: position.clone(),
                    });
                }
                // Subtest plans that hold are not worth a line in the verdict.
                if level.indent == 0 || plan.count != level.points {
                    let evidence = match &plan.skip_all {
                        Some(reason) if !reason.is_empty() => format!("test points at this level (skip all: {reason})"),
                        _ => "test points at this level".to_owned(),
                    };
                    ev.add_claim(Claim::count(scope, "plan", plan.count, level.points, evidence).at(position.clone()));
                }
            }
        }
    }

    fn flush_pending(&mut self, ev: &mut Evidence) {
        if self.yaml.is_some() {
            self.end_yaml();
        }
        let suite = self.suite_path();
        let producer = Producer { node: self.node, workspace: self.workspace.as_deref() };
        let Some(level) = self.levels.last_mut() else { return };
        let Some(pending) = level.pending.take() else { return };
        let scope = scope_name(level);
        let point = &pending.point;
        let name = if point.description.is_empty() {
            format!("test point {}", pending.number)
        } else {
            point.description.clone()
        };
        let failing = !point.ok && point.directive.is_none();
        let outcome = match (&point.directive, point.ok) {
            (Some(_), _) => CaseOutcome::Skipped,
            (None, true) => CaseOutcome::Passed,
            (None, false) => CaseOutcome::Failed,
        };

        if let Some(child) = &pending.subtest {
            // A test point that closes a subtest speaks for it: its ok/not ok is a
            // claim about the subtest's points, which were recorded as cases.
            let own_failure = failing && child.failed == 0;
            if own_failure {
                let note = Some("failed while every point of its subtest passed");
                record(ev, &pending, &name, suite.as_deref(), outcome, &producer, note);
            }
            level.failed += child.failed + u64::from(own_failure);
            if child.failed > 0 || failing {
                let claimed = if point.ok { Status::Pass } else { Status::Fail };
                let raw = if point.ok { "ok" } else { "not ok" };
                ev.add_claim(
                    Claim::status(
                        match &level.name {
                            None if level.indent == 0 => format!("test point {} {name:?}", pending.number),
                            _ => format!("test point {} {name:?} in {scope}", pending.number),
                        },
                        "ok",
                        raw,
                        claimed,
                        Status::Fail,
                        format!(
                            "{} of {} point(s) in its subtest failed{}",
                            child.failed,
                            child.points,
                            if own_failure { ", and the test point itself failed" } else { "" }
                        ),
                    )
                    .at(pending.position.clone()),
                );
            }
            return;
        }
        if failing {
            level.failed += 1;
        }
        record(ev, &pending, &name, suite.as_deref(), outcome, &producer, None);
    }

    /// The names of the subtests enclosing the current level, outermost first.
    fn suite_path(&self) -> Option<String> {
        let names: Vec<String> = self
            .levels
            .iter()
            .skip(1)
            .map(|l| l.name.clone().unwrap_or_else(|| format!("subtest at {}", l.position.describe())))
            .collect();
        (!names.is_empty()).then(|| names.join(" > "))
    }

    fn finish(&mut self, ev: &mut Evidence, last_line: u64) {
        if let Some(block) = &self.yaml {
            ev.observe(Observation::Truncated {
                detail: "the stream ends inside a YAML diagnostics block (no closing `...`)".to_owned(),
                position: block.position.clone(),
            });
            self.end_yaml();
        }
        if self.bailed {
            self.flush_pending(ev);
            return;
        }
        while self.levels.len() > 1 {
            let name = self.current().name.clone();
            let position = self.current().position.clone();
            self.close_level(ev);
            // Closed by the end of the stream, not by a parent test point.
            self.current().closed_child = None;
            ev.observe(Observation::ProtocolViolation {
                violation: Violation::UnterminatedSubtest,
                detail: format!(
                    "subtest {} is still open when the stream ends at line {last_line}",
                    name.as_deref().map_or("(unnamed)".to_owned(), |n| format!("{n:?}"))
                ),
                position,
            });
        }
        self.flush_pending(ev);
        self.unterminated_child(ev);
        if let Some(top) = self.levels.pop() {
            self.check_plan(&top, ev);
        }
        if self.number_violations > MAX_NUMBER_VIOLATIONS {
            ev.observe(Observation::ProtocolViolation {
                violation: Violation::TestNumber,
                detail: format!("… and {} more test-number problem(s)", self.number_violations - MAX_NUMBER_VIOLATIONS),
                position: Position::line(last_line),
            });
        }
    }
}

fn scope_name(level: &Level) -> String {
    match &level.name {
        Some(name) => format!("subtest {name:?}"),
        None if level.indent == 0 => "the TAP stream".to_owned(),
        None => format!("the subtest at {}", level.position.describe()),
    }
}

/// What the stream as a whole tells about how to read a test point.
struct Producer<'a> {
    /// node's test runner, which has its own replay command.
    node: bool,
    workspace: Option<&'a str>,
}

fn record(
    ev: &mut Evidence,
    pending: &Pending,
    name: &str,
    suite: Option<&str>,
    outcome: CaseOutcome,
    producer: &Producer<'_>,
    note: Option<&str>,
) {
    let seconds = pending.yaml.as_ref().and_then(|y| y.seconds);
    let mut case = Case::new(name, outcome).at(pending.position.clone()).took(seconds);
    if let Some(suite) = suite {
        case = case.suite(suite);
    }
    if outcome.is_failure() {
        let mut message = CappedText::new();
        if let Some(note) = note {
            message.push_line(note, MAX_DIAGNOSTIC_BYTES);
        }
        if let Some(text) = pending.yaml.as_ref().and_then(|y| y.message.as_deref()) {
            message.push_text(text, MAX_DIAGNOSTIC_BYTES);
        }
        if !pending.diagnostics.is_empty() {
            message.push_text(pending.diagnostics.as_str(), MAX_DIAGNOSTIC_BYTES);
        }
        let message = message.finish();
        let yaml_location = pending.yaml.as_ref().and_then(|y| y.location.as_deref());
        case.source = source_location(pending, yaml_location, producer.workspace);
        case.replay = replay_command(pending, name, suite, yaml_location, producer);
        if !message.is_empty() {
            return ev.add_case(case.message(&message));
        }
    }
    ev.add_case(case);
}

fn source_location(pending: &Pending, yaml_location: Option<&str>, workspace: Option<&str>) -> Option<SourceLocation> {
    if let Some((file, line)) = &pending.bats_location {
        return first_workspace_frame(&format!("{file}:{line}"), workspace);
    }
    yaml_location.and_then(|l| first_workspace_frame(l, workspace))
}

fn replay_command(
    pending: &Pending,
    name: &str,
    suite: Option<&str>,
    yaml_location: Option<&str>,
    producer: &Producer<'_>,
) -> Option<String> {
    // bats needs the file to run; without one there is no replay rather than a broken one.
    if let Some((file, _)) = &pending.bats_location {
        return Some(replay::bats(Some(file), name));
    }
    if producer.node {
        let location = yaml_location.map(strip_line_and_column)?;
        // node writes absolute paths: relative to the checkout, the command
        // runs on a developer's machine too.
        let file = workspace_relative(location, producer.workspace).unwrap_or_else(|| location.to_owned());
        // A file-level failure (the file would not load), named by the path
        // node was given: rerun the file.
        if location == name || location.strip_suffix(name).is_some_and(|dir| dir.ends_with('/')) {
            return Some(format!("node --test {}", crate::text::shell_quote(&file)));
        }
        return Some(replay::node_test(Some(&file), replay::node_filter(name, suite)));
    }
    None
}

/// `path:line:col` → `path` (node's `location`).
fn strip_line_and_column(location: &str) -> &str {
    let mut path = location;
    for _ in 0..2 {
        if let Some((head, tail)) = path.rsplit_once(':')
            && !tail.is_empty()
            && tail.bytes().all(|b| b.is_ascii_digit())
        {
            path = head;
        }
    }
    path
}

/// bats: `(in test file tests/x.bats, line 9)` or `(from function `f' in test file tests/x.bats, line 9)`.
fn bats_location(comment: &str) -> Option<(String, u32)> {
    let start = comment.find("in test file ")? + "in test file ".len();
    let rest = &comment[start..];
    let (file, rest) = rest.split_once(", line ")?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let line = digits.parse().ok()?;
    (!file.is_empty()).then(|| (file.to_owned(), line))
}

/// The parts of a YAML diagnostics block a failure report needs. A block that
/// is not valid YAML is kept as text: diagnostics never decide an outcome.
fn parse_yaml(block: &YamlBlock) -> Diagnostics {
    if block.too_long {
        return Diagnostics { message: Some(block.text.clone()), location: None, seconds: None };
    }
    let Ok(value) = yaml_serde::from_str::<yaml_serde::Value>(&block.text) else {
        return Diagnostics { message: Some(block.text.clone()), location: None, seconds: None };
    };
    let text = |key: &str| -> Option<String> {
        match value.get(key)? {
            yaml_serde::Value::String(s) => Some(s.clone()),
            yaml_serde::Value::Number(n) => Some(n.to_string()),
            yaml_serde::Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    };
    let message = ["message", "error"]
        .iter()
        .filter_map(|k| text(k))
        .chain(text("stack").map(|s| format!("stack:\n{s}")))
        .collect::<Vec<_>>();
    let location = text("location").or_else(|| text("at")).or_else(|| {
        // node-tap writes `at: {file, line, column}`; others `file` and `line` at the top.
        let at = value.get("at");
        let file = at
            .and_then(|a| a.get("file"))
            .and_then(yaml_serde::Value::as_str)
            .map(str::to_owned)
            .or_else(|| text("file"))?;
        let line = at
            .and_then(|a| a.get("line"))
            .and_then(yaml_serde::Value::as_u64)
            .map(|l| l.to_string())
            .or_else(|| text("line"))?;
        Some(format!("{file}:{line}"))
    });
    let seconds = value.get("duration_ms").and_then(yaml_serde::Value::as_f64).map(duration::millis);
    Diagnostics { message: (!message.is_empty()).then(|| message.join("\n")), location, seconds }
}

#[cfg(test)]
mod tests;
