//! The suite ledger: one JSON line per suite run, appended by `truegreen run
//! --ledger FILE --suite NAME` and judged by `truegreen check --ledger FILE`.
//!
//! A shell runner that loops over suites (`bash "$suite" || rc=$?`) loses a suite
//! that dies before writing its results. The ledger keeps what the runner forgot:
//! that the suite ran, how it exited and which reports it wrote.

use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::model::SuiteRun;

/// The `schema` of every ledger line.
pub const SCHEMA: &str = "truegreen.ledger.v1";

/// One ledger line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    pub schema: String,
    #[serde(flatten)]
    pub run: SuiteRun,
}

/// Append one record. The line is written with a single `write` on a file opened
/// for appending, so suites run in parallel do not interleave their records.
pub fn append(path: &Path, run: &SuiteRun) -> std::io::Result<()> {
    let mut run = run.clone();
    run.position = crate::model::Position::default();
    let record = Record { schema: SCHEMA.to_owned(), run };
    let mut line = serde_json::to_vec(&record).map_err(std::io::Error::other)?;
    line.push(b'\n');
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut file = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
    file.write_all(&line)
}
