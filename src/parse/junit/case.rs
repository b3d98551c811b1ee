//! One testcase: its result children, its outcome, what a failure carries.

use super::attrs::{self, CaseAttrs};
use super::dialect::Dialect;
use crate::model::{Case, CaseOutcome, Evidence, Position, SourceLocation};

/// A result child of a testcase.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ResultKind {
    Failure,
    Error,
    Skipped,
    FlakyFailure,
    FlakyError,
    RerunFailure,
    RerunError,
}

impl ResultKind {
    pub(super) fn from_tag(tag: &str) -> Option<Self> {
        Some(match tag {
            "failure" => Self::Failure,
            "error" => Self::Error,
            "skipped" => Self::Skipped,
            "flakyFailure" => Self::FlakyFailure,
            "flakyError" => Self::FlakyError,
            "rerunFailure" => Self::RerunFailure,
            "rerunError" => Self::RerunError,
            _ => return None,
        })
    }

    /// Which result's text becomes the message: the final failure over a
    /// rerun's, a rerun's over a flaky attempt's. Skips carry none.
    pub(super) fn rank(self) -> u8 {
        match self {
            Self::Failure | Self::Error => 3,
            Self::RerunFailure | Self::RerunError => 2,
            Self::FlakyFailure | Self::FlakyError => 1,
            Self::Skipped => 0,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum SkipKind {
    /// node's `<skipped type="todo">`.
    Todo,
    /// Catch2's `<skipped message="TEST_CASE tagged with !mayfail"/>`, written
    /// beside the failures of a `[!mayfail]` or `[!shouldfail]` test that
    /// failed as allowed.
    MayFail,
    /// CTest's `SKIP_RETURN_CODE=N` / `SKIP_REGULAR_EXPRESSION_MATCHED`: the
    /// test asked to be skipped. Any other reason CTest did not run a test
    /// (a missing executable, a failed fixture) CTest counts as a failure.
    Requested,
    Other,
}

impl SkipKind {
    pub(super) fn from_result(kind: &str, message: &str) -> Self {
        if kind == "todo" {
            Self::Todo
        } else if message == "TEST_CASE tagged with !mayfail" {
            Self::MayFail
        } else if message.starts_with("SKIP_RETURN_CODE=") || message == "SKIP_REGULAR_EXPRESSION_MATCHED" {
            Self::Requested
        } else {
            Self::Other
        }
    }
}

/// Whether the tool ran the test, where it says so (GoogleTest's and CTest's
/// `status`, GoogleTest's `result`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) enum Ran {
    /// No `status` attribute, or `status="run"`/`"fail"`: the result children decide.
    #[default]
    Unstated,
    /// Disabled in the source: GoogleTest's `DISABLED_` prefix
    /// (`status="notrun" result="suppressed"`), CTest's `DISABLED` property
    /// (`status="disabled"`). Never a pass.
    Disabled,
    /// `status="notrun"` for any other reason.
    NotRun,
    /// CTest's `status="fail"`: failed, with or without a `<failure>` child.
    Failed,
}

impl Ran {
    pub(super) fn from_attrs(status: Option<&str>, result: Option<&str>) -> Self {
        match (status, result) {
            (Some("disabled"), _) | (_, Some("suppressed")) => Self::Disabled,
            (Some("notrun"), _) => Self::NotRun,
            (Some("fail"), _) => Self::Failed,
            _ => Self::Unstated,
        }
    }
}

/// The result children of one testcase.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Results {
    pub(super) failures: u32,
    pub(super) errors: u32,
    pub(super) reruns: u32,
    pub(super) flakes: u32,
    pub(super) skipped: Option<SkipKind>,
    /// node: a failure whose type marks a cancellation.
    pub(super) cancelled: bool,
    pub(super) ran: Ran,
}

impl Results {
    pub(super) fn any(&self) -> bool {
        self.failures + self.errors + self.reruns + self.flakes > 0 || self.skipped.is_some()
    }
}

/// The outcome of a testcase from its result children.
pub(super) fn outcome(dialect: Dialect, r: &Results) -> CaseOutcome {
    if r.failures + r.errors > 0 {
        // node: a failing todo test does not fail the run; Catch2: nor does a
        // failing [!mayfail] or [!shouldfail] test (its expected outcome).
        match (dialect, r.skipped) {
            (Dialect::Node, Some(SkipKind::Todo)) | (Dialect::Catch2, Some(SkipKind::MayFail)) => {
                return CaseOutcome::Skipped;
            }
            _ => {}
        }
        return if r.failures > 0 { CaseOutcome::Failed } else { CaseOutcome::Errored };
    }
    if r.reruns > 0 || r.ran == Ran::Failed {
        // Surefire writes reruns after a final failure; alone they are still
        // red. A status that says the test failed is believed without a child.
        return CaseOutcome::Failed;
    }
    if r.flakes > 0 {
        return CaseOutcome::Flaky;
    }
    // CTest counts a test it could not run (missing executable, failed
    // fixture) as failed and exits non-zero, yet writes it as `<skipped>`.
    if dialect == Dialect::Ctest && r.ran == Ran::NotRun && r.skipped != Some(SkipKind::Requested) {
        return CaseOutcome::Errored;
    }
    if r.skipped.is_some() || r.ran != Ran::Unstated {
        return CaseOutcome::Skipped;
    }
    CaseOutcome::Passed
}

/// What a failing or flaky case carries beyond its name.
#[derive(Debug, Default)]
pub(super) struct Detail {
    pub(super) message: Option<String>,
    pub(super) source: Option<SourceLocation>,
    pub(super) replay: Option<String>,
}

/// A testcase opened with a start tag, its fields copied into reused buffers.
#[derive(Debug, Default)]
pub(super) struct OpenCase {
    pub(super) position: u64,
    pub(super) name: String,
    pub(super) classname: String,
    pub(super) file: String,
    pub(super) class: String,
    pub(super) line: Option<u32>,
    pub(super) results: Results,
    pub(super) captured_rank: Option<u8>,
    pub(super) capturing: bool,
    pub(super) message: String,
    pub(super) body: String,
    pub(super) body_cut: u64,
    pub(super) seconds: Option<f64>,
}

impl OpenCase {
    pub(super) fn open(&mut self, a: &CaseAttrs<'_>, position: u64) {
        self.position = position;
        for (buf, value) in [
            (&mut self.name, &a.name),
            (&mut self.classname, &a.classname),
            (&mut self.file, &a.file),
            (&mut self.class, &a.class),
        ] {
            buf.clear();
            buf.push_str(value.as_deref().unwrap_or(""));
        }
        self.line = a.line.as_deref().and_then(attrs::line);
        self.seconds = a.seconds();
        self.results = Results { ran: Ran::from_attrs(a.status.as_deref(), a.result.as_deref()), ..Results::default() };
        self.captured_rank = None;
        self.capturing = false;
        self.message.clear();
        self.body.clear();
        self.body_cut = 0;
    }

    pub(super) fn data(&self) -> CaseData<'_> {
        CaseData {
            position: self.position,
            name: &self.name,
            classname: &self.classname,
            file: &self.file,
            class: &self.class,
            line: self.line,
            seconds: self.seconds,
            results: self.results,
            message: &self.message,
            body: &self.body,
            body_cut: self.body_cut,
        }
    }
}

/// One finished testcase, borrowed from wherever it was read.
pub(super) struct CaseData<'a> {
    pub(super) position: u64,
    pub(super) name: &'a str,
    pub(super) classname: &'a str,
    pub(super) file: &'a str,
    pub(super) class: &'a str,
    pub(super) line: Option<u32>,
    /// The `time` attribute, in seconds.
    pub(super) seconds: Option<f64>,
    pub(super) results: Results,
    pub(super) message: &'a str,
    pub(super) body: &'a str,
    pub(super) body_cut: u64,
}

/// Record one case.
pub(super) fn emit(
    ev: &mut Evidence,
    name: &str,
    suite: Option<&str>,
    outcome: CaseOutcome,
    (position, seconds): (u64, Option<f64>),
    detail: Option<Detail>,
) {
    let mut case = Case::new(name, outcome).at(Position::offset(position)).took(seconds);
    case.suite = suite;
    let Some(Detail { message, source, replay }) = detail else {
        ev.add_case(case);
        return;
    };
    case.message = message.as_deref();
    case.source = source;
    case.replay = replay;
    ev.add_case(case);
}

/// The message of a failure: its `message` attribute and its text, without
/// saying the same thing twice.
pub(super) fn compose_message(attr: &str, body: &str, body_cut: u64) -> Option<String> {
    let attr = attr.trim();
    let body = body.trim_end();
    let body_start = body.trim_start();
    let mut message = match (attr.is_empty(), body_start.is_empty()) {
        (true, true) => return None,
        (false, true) => attr.to_owned(),
        (true, false) => body.trim_start_matches(['\n', '\r']).to_owned(),
        (false, false) if memchr::memmem::find(body_start.as_bytes(), attr.as_bytes()).is_some() => {
            body.trim_start_matches(['\n', '\r']).to_owned()
        }
        (false, false) => format!("{attr}\n{}", body.trim_start_matches(['\n', '\r'])),
    };
    if body_cut > 0 {
        message.push_str(&format!("… [{body_cut} bytes cut]"));
    }
    Some(message)
}
