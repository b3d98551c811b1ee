//! The test inventory: which tests a check read, and how they ended, kept so
//! that the next run can be compared with it and a test that silently stopped
//! running is caught (TG601–TG605). See docs/inventory.md.
//!
//! Readers know nothing of it: the evidence records each case it is handed
//! into a [`log::ReportLog`] when the check asks for an inventory, so every
//! format has one, and the file is compressed while the reports are read.

pub mod compare;
pub mod explain;
pub mod file;
pub mod identity;
pub mod log;
pub mod threaded;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use compare::{Change, Comparison, Counts, Group};
pub use file::Header;
pub use log::{FinishedLog, Key, ReportLog, Slowest, Timed};
pub use threaded::ThreadedLog;

use crate::model::Format;

/// This run's inventory, gathered report by report.
#[derive(Debug, Default)]
pub struct Inventory {
    header: Header,
    members: Vec<Vec<u8>>,
    keys: Vec<Key>,
    slowest: Slowest,
    formats: Vec<Format>,
    /// Reports whose tests could not all be recorded, and why: such an
    /// inventory is neither written nor compared.
    incomplete: Vec<String>,
}

impl Inventory {
    pub fn new(header: Header) -> Self {
        Self { header, ..Self::default() }
    }

    pub fn add(&mut self, format: Format, log: FinishedLog) {
        self.members.push(log.member);
        self.keys.extend(log.keys);
        self.slowest.merge(log.slowest);
        if !self.formats.contains(&format) {
            self.formats.push(format);
        }
    }

    /// A report whose log was lost: the inventory is incomplete.
    pub fn lost(&mut self, report: &str, reason: &str) {
        self.incomplete.push(format!("{report}: {reason}"));
    }

    fn complete(&self) -> std::io::Result<()> {
        match self.incomplete.first() {
            None => Ok(()),
            Some(first) => Err(std::io::Error::other(format!("the inventory is incomplete: {first}"))),
        }
    }

    /// The slowest tests of the run, longest first.
    pub fn slowest(&self) -> Vec<Timed> {
        self.slowest.clone().into_vec()
    }

    /// Write the inventory file.
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        self.complete()?;
        file::write(path, &self.header, self.members.iter().map(Vec::as_slice))
    }

    /// The whole file's bytes, to read this run's names back from.
    fn bytes(&self) -> std::io::Result<Vec<u8>> {
        self.complete()?;
        let mut bytes = file::header_member(&self.header)?;
        for m in &self.members {
            bytes.extend_from_slice(m);
        }
        bytes.extend_from_slice(&file::end_member(self.members.len())?);
        Ok(bytes)
    }

    /// Compare with the baseline at `source`; `waiver` names the waiver that
    /// covers a vanished test (suite, name), if any.
    pub fn compare(
        &mut self,
        source: &BaselineSource,
        waiver: &dyn Fn(&str, &str) -> Option<String>,
    ) -> BaselineStatus {
        let (path, shown) = match source.file() {
            Ok(file) => file,
            Err(status) => return status,
        };
        let bytes = match self.bytes() {
            Ok(bytes) => bytes,
            Err(err) => {
                return BaselineStatus::Unusable { path: shown, reason: format!("this run's inventory: {err}") };
            }
        };
        // The keys are needed once: the comparison sorts them in place.
        let head = compare::Head { keys: std::mem::take(&mut self.keys), inventory: &bytes };
        match compare::compare(&shown, || std::fs::File::open(path), head, waiver) {
            Ok(comparison) => {
                let theirs = &comparison.baseline_formats;
                if !theirs.is_empty() && !self.formats.is_empty() && !theirs.iter().any(|f| self.formats.contains(f)) {
                    let ids = |fs: &[Format]| fs.iter().map(|f| f.id()).collect::<Vec<_>>().join(", ");
                    return BaselineStatus::Unusable {
                        path: shown,
                        reason: format!(
                            "it is from another tool: its reports are {}, this run's are {}",
                            ids(theirs),
                            ids(&self.formats)
                        ),
                    };
                }
                BaselineStatus::Compared(Box::new(comparison))
            }
            Err(err) => BaselineStatus::Unusable { path: shown, reason: err.to_string() },
        }
    }
}

/// Where the baseline comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BaselineSource {
    /// An inventory file (`--baseline FILE`). A missing file is a discrepancy
    /// unless `missing_ok` (a first run, `--baseline-missing-ok`).
    File { path: PathBuf, missing_ok: bool },
    /// None could be had, and why: the Actions API found no earlier run
    /// (`first_run`), or could not be asked.
    Absent { origin: String, reason: String, first_run: bool },
    /// One was found and cannot be used (a corrupt or oversized artifact).
    Unusable { origin: String, reason: String },
}

impl BaselineSource {
    /// The baseline file to read, and its path as shown; or, when there is
    /// none to read, the status that says why (whatever the comparison `C`).
    pub fn file<C>(&self) -> Result<(&Path, String), BaselineStatus<C>> {
        let path = match self {
            Self::File { path, .. } => path,
            Self::Absent { origin, reason, first_run } => {
                return Err(BaselineStatus::Missing {
                    path: origin.clone(),
                    reason: reason.clone(),
                    expected: *first_run,
                });
            }
            Self::Unusable { origin, reason } => {
                return Err(BaselineStatus::Unusable { path: origin.clone(), reason: reason.clone() });
            }
        };
        let shown = path.display().to_string();
        if !path.is_file() {
            let expected = matches!(self, Self::File { missing_ok: true, .. });
            let reason = if path.exists() { "it is not a file" } else { "no such file" };
            return Err(BaselineStatus::Missing { path: shown, reason: reason.to_owned(), expected });
        }
        Ok((path, shown))
    }
}

/// What became of the baseline: recorded in the verdict document (`C`, the
/// comparison: a check's tests, or the gate's cells).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum BaselineStatus<C = Box<Comparison>> {
    /// No baseline to compare with. `expected` on a first run.
    Missing {
        path: String,
        reason: String,
        expected: bool,
    },
    /// A baseline that cannot be compared with.
    Unusable {
        path: String,
        reason: String,
    },
    Compared(C),
}

impl BaselineStatus {
    pub fn comparison(&self) -> Option<&Comparison> {
        match self {
            Self::Compared(c) => Some(c),
            _ => None,
        }
    }
}
