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
/// Append one record. Report paths are stored relative to the ledger's own
/// directory, so a results tree can be moved (uploaded as an artifact, checked
/// on another machine) and `check --ledger` still finds what each suite wrote.
pub fn append(path: &Path, run: &SuiteRun) -> std::io::Result<()> {
    let mut run = run.clone();
    run.position = crate::model::Position::default();
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let base = std::path::absolute(dir)?;
    for report in &mut run.reports {
        let absolute = std::path::absolute(Path::new(report.as_str()))?;
        *report = relative_to(&absolute, &base);
    }
    let record = Record { schema: SCHEMA.to_owned(), run };
    let mut line = serde_json::to_vec(&record).map_err(std::io::Error::other)?;
    line.push(b'\n');
    let mut file = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
    file.write_all(&line)
}

/// Where a report listed in a ledger is, normalized: relative paths are
/// relative to the ledger's directory.
pub fn resolve_report(ledger: &Path, report: &str) -> String {
    let joined = if Path::new(report).is_absolute() {
        report.to_owned()
    } else {
        ledger.parent().unwrap_or(Path::new("")).join(report).display().to_string()
    };
    crate::discover::normalize(&joined)
}

/// `path` relative to `base` (both absolute), with `..` where needed, using `/`.
fn relative_to(path: &Path, base: &Path) -> String {
    use std::path::Component;
    let clean = |p: &Path| -> Vec<String> {
        let mut parts: Vec<String> = Vec::new();
        for c in p.components() {
            match c {
                Component::ParentDir => {
                    parts.pop();
                }
                Component::Normal(n) => parts.push(n.to_string_lossy().into_owned()),
                Component::Prefix(p) => parts.push(p.as_os_str().to_string_lossy().into_owned()),
                Component::RootDir | Component::CurDir => {}
            }
        }
        parts
    };
    let (path, base) = (clean(path), clean(base));
    let common = path.iter().zip(&base).take_while(|(a, b)| a == b).count();
    let mut out: Vec<String> = std::iter::repeat_n("..".to_owned(), base.len() - common).collect();
    out.extend(path[common..].iter().cloned());
    out.join("/")
}

#[cfg(test)]
mod path_tests {
    use super::*;

    #[test]
    fn reports_are_stored_relative_to_the_ledger() {
        assert_eq!(relative_to(Path::new("/w/results/unit.results"), Path::new("/w/results")), "unit.results");
        assert_eq!(relative_to(Path::new("/w/out/a.xml"), Path::new("/w/results")), "../out/a.xml");
        assert_eq!(relative_to(Path::new("/w/results/./x/../b.tap"), Path::new("/w/results")), "b.tap");
    }

    #[test]
    fn relative_reports_resolve_from_the_ledger_directory() {
        let ledger = Path::new("ci/results/ledger.jsonl");
        assert_eq!(resolve_report(ledger, "unit.results"), "ci/results/unit.results");
        assert_eq!(resolve_report(ledger, "../out/a.xml"), "ci/out/a.xml");
        assert_eq!(resolve_report(ledger, "/abs/x.xml"), "/abs/x.xml");
    }
}
