//! `<run>/environment.json` (`pi.e2e.environment.v1`, and the older form without
//! `schema`): the run's provenance, no results. Records `git_sha`,
//! `correlation_id` and `timestamp` so that a verdict names the commit and run
//! its artifacts came from.

use serde_json::Value;

use super::{ParseError, provenance, root};
use crate::model::{Evidence, ProvenanceKind};

pub(super) fn read(doc: &Value, ev: &mut Evidence) -> Result<(), ParseError> {
    let root = root(doc)?;
    provenance(ev, &root, "git_sha", ProvenanceKind::Commit)?;
    provenance(ev, &root, "correlation_id", ProvenanceKind::CorrelationId)?;
    provenance(ev, &root, "timestamp", ProvenanceKind::GeneratedAt)?;
    // run_all.sh writes environment.json at the top of the run folder it
    // describes: every result below it belongs to the same run.
    ev.provenance_covers_directory();
    // Type-check the rest of what identifies the run: a value of the wrong type
    // means the heredoc that writes this file interpolated something it should not.
    for key in ["git_branch", "artifact_dir", "profile", "rustc", "os"] {
        root.opt_str(key)?;
    }
    Ok(())
}
