use serde::{Deserialize, Serialize};

use super::Position;

/// An overall status, either claimed by a producer or derived by truegreen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pass,
    /// Passed its blocking checks with advisory failures (pi's `warn`).
    Warn,
    Fail,
    /// A claimed value truegreen does not recognize. Never read as a pass.
    Unknown,
}

impl Status {
    /// Ordering from best to worst; an unknown claim ranks with a failure so
    /// that it can never stand in for a pass.
    pub fn rank(self) -> u8 {
        match self {
            Self::Pass => 0,
            Self::Warn => 1,
            Self::Fail | Self::Unknown => 2,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Warn => "warn",
            Self::Fail => "fail",
            Self::Unknown => "unknown",
        }
    }
}

/// What a producer says about itself, next to what its own raw evidence says.
/// The reader pairs the two; rules decide whether they contradict each other.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claim {
    /// Which part of the artifact makes the claim, e.g. `test_md_summary #2`.
    pub scope: String,
    /// The claiming field, e.g. `overall_status` or `summary.failed`.
    pub field: String,
    #[serde(skip_serializing_if = "Position::is_empty", default)]
    pub position: Position,
    #[serde(flatten)]
    pub kind: ClaimKind,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ClaimKind {
    /// A pass/fail statement (`overall_status`, `verdict`, `can_promote`, ...).
    Status {
        claimed: Status,
        /// The value exactly as written, e.g. `"pass_with_residuals"`.
        claimed_raw: String,
        derived: Status,
        /// What the derived status rests on, e.g. `1 of 2 steps failed`.
        evidence: String,
    },
    /// A declared count (`steps.failed`, `tests="12"`, `failed_suites`, ...).
    Count { claimed: u64, derived: u64, evidence: String },
}

impl Claim {
    pub fn status(
        scope: impl Into<String>,
        field: impl Into<String>,
        claimed_raw: impl Into<String>,
        claimed: Status,
        derived: Status,
        evidence: impl Into<String>,
    ) -> Self {
        Self {
            scope: scope.into(),
            field: field.into(),
            position: Position::default(),
            kind: ClaimKind::Status { claimed, claimed_raw: claimed_raw.into(), derived, evidence: evidence.into() },
        }
    }

    pub fn count(
        scope: impl Into<String>,
        field: impl Into<String>,
        claimed: u64,
        derived: u64,
        evidence: impl Into<String>,
    ) -> Self {
        Self {
            scope: scope.into(),
            field: field.into(),
            position: Position::default(),
            kind: ClaimKind::Count { claimed, derived, evidence: evidence.into() },
        }
    }

    pub fn at(mut self, position: Position) -> Self {
        self.position = position;
        self
    }

    /// The claimed value as text, for side-by-side display.
    pub fn claimed_text(&self) -> String {
        match &self.kind {
            ClaimKind::Status { claimed_raw, .. } => claimed_raw.clone(),
            ClaimKind::Count { claimed, .. } => claimed.to_string(),
        }
    }

    /// The derived value as text, for side-by-side display.
    pub fn derived_text(&self) -> String {
        match &self.kind {
            ClaimKind::Status { derived, evidence, .. } => format!("{} ({evidence})", derived.as_str()),
            ClaimKind::Count { derived, evidence, .. } => format!("{derived} ({evidence})"),
        }
    }

    /// Whether the two witnesses agree.
    pub fn holds(&self) -> bool {
        match &self.kind {
            ClaimKind::Status { claimed, derived, .. } => claimed.rank() == derived.rank(),
            ClaimKind::Count { claimed, derived, .. } => claimed == derived,
        }
    }
}
