//! The normalized model every reader writes into and every rule reads from.
//!
//! A reader never decides pass or fail. It records three kinds of facts about one
//! artifact into an [`Evidence`]:
//! - [`Case`]s: the rawest units of evidence (a test case, a kane step, a pi gate);
//! - [`Claim`]s: what the producer says about itself, paired with what the cases say;
//! - [`Observation`]s: structural facts (unparseable bytes, an empty file, a waiver).
//!
//! Rules judge those facts; the verdict follows from the rules' findings.

mod case;
mod case_log;
mod claim;
mod evidence;
mod format;
mod observation;
mod position;

pub use case::{Case, CaseOutcome, FailureRecord, Tally};
pub use case_log::{CaseBatch, CaseLog};
pub use claim::{Claim, ClaimKind, Status};
pub use evidence::{
    ArtifactInfo, Evidence, EvidenceLimits, PassedKey, Provenance, ProvenanceKind, cap_message, caps, case_identity,
    key_name, qualified_name,
};
pub(crate) use format::format_table;
pub use format::{Format, Role};
pub use observation::{Excess, Observation, SuiteRun, Violation, WaiverEntry, WaiverKind};
pub use position::{Position, SourceLocation};
