use serde::{Deserialize, Serialize};

use super::RuleMeta;
use crate::model::{Claim, Evidence, FailureRecord, Position, SourceLocation};

/// How a finding weighs on the verdict. Ordered from worst to mildest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The evidence contradicts itself or cannot be trusted: exit 3.
    Discrepancy,
    /// Honest, consistent evidence of a failure: exit 1.
    Failure,
    /// Worth a look; does not change the exit code.
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Discrepancy => "discrepancy",
            Self::Failure => "failure",
            Self::Warning => "warning",
        }
    }
}

/// One thing a rule found, with everything needed to act on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// The rule's stable code, e.g. `TG101`.
    pub rule: String,
    /// The rule's stable name, e.g. `claim-false-green`.
    pub name: String,
    pub severity: Severity,
    pub message: String,
    /// The artifact the finding is about, when it is about one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub artifact: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
    /// Where in the code under test, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceLocation>,
    /// The producer's claim, verbatim, for side-by-side display.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claimed: Option<String>,
    /// What the raw evidence says instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub derived: Option<String>,
    /// A command that reproduces the problem. Printed, never executed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replay: Option<String>,
}

impl Finding {
    pub fn new(meta: &'static RuleMeta, message: impl Into<String>) -> Self {
        Self {
            rule: meta.code.to_owned(),
            name: meta.name.to_owned(),
            severity: meta.severity,
            message: message.into(),
            artifact: None,
            position: None,
            source: None,
            claimed: None,
            derived: None,
            replay: None,
        }
    }

    pub fn artifact(mut self, path: &str) -> Self {
        self.artifact = Some(path.to_owned());
        self
    }

    pub fn position(mut self, position: &Position) -> Self {
        if !position.is_empty() {
            self.position = Some(position.clone());
        }
        self
    }

    pub fn side_by_side(mut self, claimed: impl Into<String>, derived: impl Into<String>) -> Self {
        self.claimed = Some(claimed.into());
        self.derived = Some(derived.into());
        self
    }

    /// Fill position and the side-by-side values from a claim.
    pub fn from_claim(self, claim: &Claim) -> Self {
        self.position(&claim.position).side_by_side(claim.claimed_text(), claim.derived_text())
    }

    /// Annotate the finding on a file of the code under test, when one is known.
    pub fn source_file(mut self, file: Option<&str>) -> Self {
        if let Some(file) = file {
            self.source = Some(SourceLocation { file: file.to_owned(), line: None });
        }
        self
    }

    pub fn replay(mut self, command: Option<&str>) -> Self {
        self.replay = command.filter(|c| !c.trim().is_empty()).map(str::to_owned);
        self
    }

    /// Everything that locates one failure record of `artifact`: the artifact,
    /// the position in it, the source location for annotations and the replay
    /// command. One place, so that every finding about a failure carries all four.
    pub fn failure(mut self, artifact: &Evidence, failure: &FailureRecord) -> Self {
        self.source = failure.source.clone();
        self.artifact(&artifact.info.path).position(&failure.position).replay(failure.replay.as_deref())
    }
}
