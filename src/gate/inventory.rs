//! The matrix's test inventory (`gate --inventory`) and its comparison with the
//! previous matrix's (`gate --baseline`).
//!
//! Each cell compares its own tests with its own baseline (`check --shard
//! --baseline`): a test that vanished from a cell is that cell's TG601. What no
//! cell can see is a cell that left the matrix: nothing runs there to compare.
//! So the gate merges the cells' inventories (`check --shard CELL --inventory`,
//! found among its inputs as `*.tginv`) into one, each report tagged with its
//! cell, and compares the cells: a baseline cell that is gone, with tests that no
//! cell runs now, is TG244; one whose tests all run in other cells now (a
//! version bump in the matrix) is TG245, a warning.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::shard::Unreadable;
use super::{Cell, Provenance};
use crate::inventory::compare::NAMES_PER_GROUP;
use crate::inventory::file::{self, Header, InventoryError, Line, MemberWriter};
use crate::inventory::identity::test_id;
use crate::inventory::{BaselineSource, BaselineStatus};

/// Groups of vanished tests listed per cell; the rest are counted.
pub const GROUPS_PER_CELL: usize = 20;

/// The cells' inventories, merged.
#[derive(Debug, Default)]
pub struct MatrixInventory {
    header: Header,
    members: Vec<Vec<u8>>,
    /// Every test's identity (format, suite, name; not its cell), sorted and
    /// deduplicated: whether some cell runs a test now.
    ids: Vec<u64>,
    /// The cells merged, by key.
    cells: BTreeMap<String, Cell>,
}

impl MatrixInventory {
    /// Write the matrix inventory: a later gate's `--baseline`.
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        file::write(path, &self.header, self.members.iter().map(Vec::as_slice))
    }

    pub fn has_cell(&self, key: &str) -> bool {
        self.cells.contains_key(key)
    }
}

/// What the gate's document records of the matrix inventory.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatrixInventoryReport {
    /// Cells whose inventories were merged.
    pub cells: u64,
    /// Test lines merged.
    pub tests: u64,
    /// Cell inventories that were not merged, or cells without one, and why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<Unreadable>,
    /// Inventories of a cell replaced by a later one of the same cell (a re-run).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub superseded: Vec<String>,
    /// Gates' own inventories among the inputs (an earlier attempt's upload,
    /// downloaded with the cells'), not merged.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignored: Vec<String>,
}

/// One cell's inventory, by its header.
struct CellFile {
    path: PathBuf,
    cell: Cell,
    key: String,
    created: Option<chrono::DateTime<chrono::Utc>>,
}

/// Merge the cells' inventories at `paths`. Each must name its cell (written by
/// `check --shard`) and come from the gated run; the latest of a cell's counts.
pub fn merge(paths: &[PathBuf], provenance: &Provenance) -> (MatrixInventory, MatrixInventoryReport) {
    let mut report = MatrixInventoryReport::default();
    let mut latest: BTreeMap<String, CellFile> = BTreeMap::new();
    for path in paths {
        let shown = path.display().to_string();
        let problem = |detail: String| Unreadable { path: shown.clone(), detail };
        let header = match std::fs::File::open(path).map_err(InventoryError::from).and_then(file::read_header) {
            Ok(header) => header,
            Err(err) => {
                report.problems.push(problem(format!("not a usable test inventory: {err}")));
                continue;
            }
        };
        if header.matrix {
            report.ignored.push(shown);
            continue;
        }
        let cell = match header.cell.clone().map(serde_json::from_value::<Cell>) {
            Some(Ok(cell)) => cell,
            Some(Err(err)) => {
                report.problems.push(problem(format!("its matrix cell is not an object: {err}")));
                continue;
            }
            None => {
                let detail = "it names no matrix cell: the check that wrote it ran without --shard";
                report.problems.push(problem(detail.to_owned()));
                continue;
            }
        };
        if let Some(reason) = super::not_from(header.commit.as_deref(), header.run_id.as_deref(), provenance) {
            report.problems.push(problem(format!("it {reason}")));
            continue;
        }
        let key = cell.key();
        let candidate = CellFile { path: path.clone(), cell, key: key.clone(), created: header.created };
        match latest.get(&key) {
            Some(kept) if kept.created >= candidate.created => report.superseded.push(shown),
            Some(kept) => {
                report.superseded.push(kept.path.display().to_string());
                latest.insert(key, candidate);
            }
            None => {
                latest.insert(key, candidate);
            }
        }
    }

    let mut merged = MatrixInventory {
        header: Header {
            truegreen: env!("CARGO_PKG_VERSION").to_owned(),
            commit: provenance.commit.clone(),
            run_id: provenance.run_id.clone(),
            created: Some(chrono::Utc::now()),
            cell: None,
            matrix: true,
        },
        ..MatrixInventory::default()
    };
    for cell_file in latest.into_values() {
        match merge_one(&cell_file, &mut merged) {
            Ok(tests) => {
                report.tests += tests;
                merged.cells.insert(cell_file.key, cell_file.cell);
            }
            Err(detail) => {
                report.problems.push(Unreadable { path: cell_file.path.display().to_string(), detail });
            }
        }
    }
    merged.ids.sort_unstable();
    merged.ids.dedup();
    report.cells = merged.cells.len() as u64;
    (merged, report)
}

/// Copy one cell's reports into the merged inventory, each tagged with the
/// cell; on an error, nothing of the cell is kept.
fn merge_one(cell_file: &CellFile, merged: &mut MatrixInventory) -> Result<u64, String> {
    let (members_before, ids_before) = (merged.members.len(), merged.ids.len());
    let mut writer: Option<MemberWriter> = None;
    let mut suite: Option<String> = None;
    let mut nested = false;
    let mut tests = 0u64;
    let read = std::fs::File::open(&cell_file.path).map_err(InventoryError::from).and_then(|input| {
        file::read(input, |line| match line {
            Line::Report(r) => {
                nested |= r.cell.is_some();
                if let Some(done) = writer.replace(MemberWriter::report_in(r.format, &r.path, Some(&cell_file.key))) {
                    merged.members.push(done.finish());
                }
                suite = None;
            }
            Line::Test(t) => {
                let Some(w) = writer.as_mut() else { return };
                if suite.as_deref() != Some(t.suite) {
                    w.suite(t.suite);
                    suite = Some(t.suite.to_owned());
                }
                w.test(t.outcome, t.millis, t.name);
                merged.ids.push(test_id(t.format, t.suite, t.name));
                tests += 1;
            }
        })
    });
    if let Some(done) = writer {
        merged.members.push(done.finish());
    }
    let failed = match read {
        Err(err) => Some(format!("not a usable test inventory: {err}")),
        Ok(_) if nested => Some("it is a gate's inventory, not a matrix cell's".to_owned()),
        Ok(_) => None,
    };
    match failed {
        Some(detail) => {
            merged.members.truncate(members_before);
            merged.ids.truncate(ids_before);
            Err(detail)
        }
        None => Ok(tests),
    }
}

/// What became of the gate's baseline.
pub type MatrixBaseline = BaselineStatus<MatrixComparison>;

/// The baseline matrix's cells against this one's.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatrixComparison {
    /// The baseline inventory's path.
    pub baseline: String,
    pub header: Header,
    /// Cells in the baseline.
    pub baseline_cells: u64,
    /// Baseline cells that are not in this matrix, in key order.
    pub cells_gone: Vec<GoneCell>,
}

/// A cell of the baseline that is not in this matrix.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoneCell {
    pub cell: Cell,
    pub label: String,
    /// Distinct tests that executed in the cell in the baseline.
    pub tests: u64,
    /// Of those, the ones no cell runs now.
    pub vanished: u64,
    /// The vanished ones by report and suite, at most [`GROUPS_PER_CELL`].
    pub groups: Vec<VanishedTests>,
    /// Groups not listed.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub unlisted_groups: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// Tests of one report and suite of a gone cell that no cell runs now.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VanishedTests {
    pub report: String,
    pub suite: String,
    pub count: u64,
    /// The first [`NAMES_PER_GROUP`].
    pub names: Vec<String>,
}

impl VanishedTests {
    /// `a, b and 3 more`.
    pub fn listing(&self) -> String {
        let mut text = self.names.join(", ");
        let more = self.count.saturating_sub(self.names.len() as u64);
        if more > 0 {
            text.push_str(&format!(" and {more} more"));
        }
        text
    }
}

/// Compare the matrix with the baseline at `source`. `present` says whether a
/// cell (by key) is in this matrix: merged, or expected by the matrix
/// definition (a cell whose inventory is missing is not gone).
pub fn compare(source: &BaselineSource, now: &MatrixInventory, present: &dyn Fn(&str) -> bool) -> MatrixBaseline {
    let (path, shown) = match source.file() {
        Ok(file) => file,
        Err(status) => return status,
    };
    match compare_file(path, now, present) {
        Ok(Some(mut comparison)) => {
            comparison.baseline = shown;
            MatrixBaseline::Compared(comparison)
        }
        Ok(None) => MatrixBaseline::Unusable {
            path: shown,
            reason: "it is a check's inventory, not a gate's: its reports name no matrix cell".to_owned(),
        },
        Err(err) => MatrixBaseline::Unusable { path: shown, reason: err.to_string() },
    }
}

/// `None` when the file is a check's inventory (not marked a matrix's, or a
/// report names no cell).
fn compare_file(
    path: &Path,
    now: &MatrixInventory,
    present: &dyn Fn(&str) -> bool,
) -> Result<Option<MatrixComparison>, InventoryError> {
    #[derive(Default)]
    struct Gone {
        cell: Option<Cell>,
        seen: HashSet<u64>,
        tests: u64,
        vanished: u64,
        groups: BTreeMap<(String, String), VanishedTests>,
    }
    let mut cells: BTreeMap<String, Gone> = BTreeMap::new();
    let mut baseline_cells: HashSet<String> = HashSet::new();
    let mut check_inventory = false;
    // The current report: its path and its cell's key, when that cell is gone.
    let mut report = String::new();
    let mut gone_key: Option<String> = None;
    let header = file::read(std::fs::File::open(path)?, |line| match line {
        Line::Report(r) => {
            report.clone_from(&r.path);
            gone_key = None;
            let Some(key) = &r.cell else {
                check_inventory = true;
                return;
            };
            baseline_cells.insert(key.clone());
            if !present(key) {
                let entry = cells.entry(key.clone()).or_default();
                if entry.cell.is_none() {
                    entry.cell = Some(serde_json::from_str::<Cell>(key).unwrap_or_default());
                }
                gone_key = Some(key.clone());
            }
        }
        Line::Test(t) => {
            let Some(key) = &gone_key else { return };
            let Some(gone) = cells.get_mut(key) else { return };
            let id = test_id(t.format, t.suite, t.name);
            if !t.outcome.executed() || !gone.seen.insert(id) {
                return;
            }
            gone.tests += 1;
            if now.ids.binary_search(&id).is_ok() {
                return;
            }
            gone.vanished += 1;
            let group = gone.groups.entry((report.clone(), t.suite.to_owned())).or_insert_with(|| VanishedTests {
                report: report.clone(),
                suite: t.suite.to_owned(),
                ..VanishedTests::default()
            });
            group.count += 1;
            if group.names.len() < NAMES_PER_GROUP {
                group.names.push(t.name.to_owned());
            }
        }
    })?;
    if check_inventory || !header.matrix {
        return Ok(None);
    }
    let cells_gone = cells
        .into_values()
        .map(|gone| {
            let cell = gone.cell.unwrap_or_default();
            let all = gone.groups.len();
            let groups: Vec<VanishedTests> = gone.groups.into_values().take(GROUPS_PER_CELL).collect();
            GoneCell {
                label: cell.label(),
                cell,
                tests: gone.tests,
                vanished: gone.vanished,
                unlisted_groups: (all - groups.len()) as u64,
                groups,
            }
        })
        .collect();
    Ok(Some(MatrixComparison {
        baseline: String::new(),
        header,
        baseline_cells: baseline_cells.len() as u64,
        cells_gone,
    }))
}
