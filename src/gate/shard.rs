//! Reading shard verdict documents (`truegreen check --shard ... --json FILE`).
//!
//! A document is untrusted: a shard job may run a fork's code and upload what it
//! likes. The gate reads only the fields it needs, each with its type checked,
//! and re-derives the shard's status from the document's own findings and counts
//! instead of taking its `status` field on trust.

use std::io::Read;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::cell::Cell;
use crate::discover;
use crate::model::SourceLocation;
use crate::parse::ParseError;
use crate::parse::json::{Fields, sniff_string_field, syntax_error};
use crate::rules::{HasMeta, NothingRan};
use crate::verdict::{SCHEMA, Status};

/// A verdict document larger than this is refused: one shard's verdict holds
/// only its failures, so anything this large is not one.
pub const MAX_DOCUMENT_BYTES: u64 = 64 * 1024 * 1024;
/// Kept per shard for the report; the rest are counted.
const MAX_PROBLEMS: usize = 20;
const MAX_FAILURES: usize = 50;
const MAX_REPLAY: usize = 20;
/// The most of any one string of a document that the gate keeps: enough for a
/// message or a replay command, and far less than a hostile document can hold.
const MAX_ECHO_BYTES: usize = 2_000;

/// One of the shard's own findings, as its document records it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardProblem {
    pub rule: String,
    pub severity: String,
    pub message: String,
}

/// One blocking failure of the shard, for annotations and the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardFailure {
    pub name: String,
    pub outcome: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub source: Option<SourceLocation>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub replay: Option<String>,
}

/// What the gate takes from one shard verdict document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShardVerdict {
    pub path: String,
    pub sha256: String,
    /// The matrix cell the shard says it ran (`context.shard`), as it wrote it.
    #[serde(rename = "shard")]
    pub cell: Cell,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub commit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub run_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub run_attempt: Option<u64>,
    /// A link the document offers for its run (`context.run_url`), unvalidated.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub run_url: Option<String>,
    /// What the document says its status is.
    pub claimed_status: Status,
    pub claimed_exit_code: i64,
    /// What its findings and counts say its status is.
    pub status: Status,
    /// Where the document contradicts itself; empty when it is consistent.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub contradictions: Vec<String>,
    pub executed: u64,
    /// Blocking failed, errored and incomplete cases that fail the run: the
    /// waived ones are not among them.
    pub failed: u64,
    /// Blocking failures an active waiver or quarantine entry of the shard covers.
    #[serde(skip_serializing_if = "is_zero", default)]
    pub waived: u64,
    /// The shard's own discrepancy findings.
    pub discrepancies: u64,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub problems: Vec<ShardProblem>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub failures: Vec<ShardFailure>,
    /// Replay commands the document offers, deduplicated.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub replay: Vec<String>,
    /// Problems, failures and replay commands not kept, to stay small.
    #[serde(skip_serializing_if = "is_zero", default)]
    pub not_kept: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// A path that yields no usable verdict document, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unreadable {
    pub path: String,
    pub detail: String,
}

/// A cell's test inventory among the gate's inputs.
const INVENTORY_EXTENSION: &str = "tginv";

/// Every verdict document the VERDICT arguments lead to.
#[derive(Debug, Default)]
pub struct Collected {
    pub verdicts: Vec<ShardVerdict>,
    pub unreadable: Vec<Unreadable>,
    /// Files found while scanning directories that are not verdict documents.
    pub ignored: Vec<String>,
    /// The cells' test inventories (`*.tginv`, `check --shard --inventory`),
    /// for `gate --inventory` and `gate --baseline`.
    pub inventories: Vec<std::path::PathBuf>,
}

/// Discover and read the verdict documents. Files named directly or by a glob
/// must be verdict documents; files found by scanning a directory are read when
/// they declare a `truegreen.verdict` schema and ignored otherwise (a cell whose
/// document is ignored is then missing, which the gate reports).
pub fn collect(paths: &[String]) -> Collected {
    let found = discover::discover(paths);
    let mut out = Collected::default();
    for issue in found.issues {
        out.unreadable.push(Unreadable { path: issue.path, detail: issue.detail });
    }
    let mut per_root = vec![0usize; paths.len()];
    for candidate in &found.candidates {
        if candidate.path.extension().is_some_and(|e| e == INVENTORY_EXTENSION) {
            out.inventories.push(candidate.path.clone());
            continue;
        }
        let shown = candidate.path.display().to_string();
        match read_file(&candidate.path, candidate.explicit) {
            Ok(Some(verdict)) => {
                per_root[candidate.root] += 1;
                out.verdicts.push(verdict);
            }
            Ok(None) => out.ignored.push(shown),
            Err(err) => {
                per_root[candidate.root] += 1;
                out.unreadable.push(Unreadable { path: shown, detail: err.to_string() });
            }
        }
    }
    for (root, dir) in found.directory_roots {
        if per_root[root] == 0 {
            out.unreadable
                .push(Unreadable { path: dir, detail: "the directory holds no truegreen verdict document".to_owned() });
        }
    }
    out
}

/// Why a file yields no usable verdict document; shown as its [`Unreadable`] detail.
#[derive(Debug, thiserror::Error)]
pub enum ShardReadError {
    #[error("cannot open: {0}")]
    Open(#[source] std::io::Error),
    #[error("cannot read: {0}")]
    Read(#[source] std::io::Error),
    #[error("larger than {} MiB: not a shard verdict", MAX_DOCUMENT_BYTES / (1024 * 1024))]
    TooLarge,
    #[error("not a JSON document: {0}")]
    NotJson(ParseError),
    /// A field is missing, of the wrong type or out of range; the message names it.
    #[error("{}", .0.message)]
    Invalid(ParseError),
}

/// Read one file: `Ok(None)` when it was found by scanning and is not a verdict.
fn read_file(path: &Path, explicit: bool) -> Result<Option<ShardVerdict>, ShardReadError> {
    let file = std::fs::File::open(path).map_err(ShardReadError::Open)?;
    let mut bytes = Vec::new();
    file.take(MAX_DOCUMENT_BYTES + 1).read_to_end(&mut bytes).map_err(ShardReadError::Read)?;
    if bytes.len() as u64 > MAX_DOCUMENT_BYTES {
        return Err(ShardReadError::TooLarge);
    }
    if !explicit {
        let prefix = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]);
        if !sniff_string_field(&prefix, "schema").is_some_and(|s| s.starts_with("truegreen.verdict")) {
            return Ok(None);
        }
    }
    let sha256: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
    read_document(&bytes, &path.display().to_string(), sha256).map(Some)
}

/// Read a verdict document's bytes. The error names what is wrong and where.
pub fn read_document(bytes: &[u8], path: &str, sha256: String) -> Result<ShardVerdict, ShardReadError> {
    let value: Value = serde_json::from_slice(bytes).map_err(|e| ShardReadError::NotJson(syntax_error(e)))?;
    parse(&value, path, sha256).map_err(ShardReadError::Invalid)
}

/// What a document says, its fields read and type-checked, before any judging.
/// Every string kept from it is cut by [`echo`].
struct ShardDocument {
    claimed_status: Status,
    claimed_exit_code: i64,
    cell: Cell,
    commit: Option<String>,
    run_id: Option<String>,
    run_attempt: Option<u64>,
    run_url: Option<String>,
    min_tests: u64,
    /// `totals.executed`.
    executed: u64,
    /// Failed, errored and incomplete cases of `totals.derived`.
    failed: u64,
    /// The sum `Tally::executed` makes over `totals.derived`.
    executed_by_tally: u64,
    declared_discrepancies: u64,
    declared_waived: u64,
    discrepancy_findings: u64,
    failure_findings: u64,
    /// The first findings whose severity is unknown (index, severity), and how many there are.
    unknown_severities: Vec<(usize, String)>,
    unknown_severity_count: u64,
    /// Cases the waived failure records stand for.
    waived: u64,
    problems: Vec<ShardProblem>,
    failures: Vec<ShardFailure>,
    replay: Vec<String>,
    not_kept: u64,
}

fn parse(value: &Value, path: &str, sha256: String) -> Result<ShardVerdict, ParseError> {
    Ok(judge(read_fields(value)?, path, sha256))
}

/// Read the fields the gate needs, each with its type checked.
fn read_fields(value: &Value) -> Result<ShardDocument, ParseError> {
    let root = Fields::of(value, "")?;
    let schema = root.str("schema")?;
    if schema != SCHEMA {
        return Err(ParseError::new(
            format!("schema is {:?}; the gate reads {SCHEMA:?} documents from `truegreen check --json`", echo(schema)),
            Default::default(),
        ));
    }
    let claimed_status = status(root.str("status")?, &root.path("status"))?;
    let claimed_exit_code = root.i64("exit_code")?;

    let context = root.object("context")?;
    let cell = match context.get("shard") {
        Some(Value::Object(map)) => Cell::from_object(map),
        Some(other) => {
            return Err(ParseError::new(
                format!(
                    "field context.shard: expected the matrix cell as an object, found {}",
                    echo(&other.to_string())
                ),
                Default::default(),
            ));
        }
        None => {
            return Err(ParseError::new(
                "records no matrix cell (context.shard): run `truegreen check` with --shard \"$MATRIX\"",
                Default::default(),
            ));
        }
    };
    let run_attempt = match context.opt_str("run_attempt")? {
        None => None,
        Some(s) => Some(s.parse::<u64>().map_err(|_| {
            ParseError::new(
                format!("field context.run_attempt: {:?} is not a run attempt number", echo(s)),
                Default::default(),
            )
        })?),
    };
    let min_tests = context.opt_u64("min_tests")?.unwrap_or(1);

    let totals = root.object("totals")?;
    let executed = totals.u64("executed")?;
    let derived = totals.object("derived")?;
    // Checked: a document is untrusted, and a sum that wraps could hide failures.
    let sum = |keys: &[&str], start: u64| -> Result<u64, ParseError> {
        keys.iter().try_fold(start, |total, key| {
            total.checked_add(derived.u64(key)?).ok_or_else(|| {
                ParseError::new(
                    format!("totals.derived: the counts add up past {}", u64::MAX),
                    crate::model::Position::field(derived.path(key)),
                )
            })
        })
    };
    let failed = sum(&["failed", "errored", "incomplete"], 0)?;
    let executed_by_tally = sum(&["passed", "flaky", "advisory_failed"], failed)?;

    let mut doc = ShardDocument {
        claimed_status,
        claimed_exit_code,
        cell,
        commit: context.opt_str("commit")?.map(echo),
        run_id: context.opt_str("run_id")?.map(echo),
        run_attempt,
        run_url: context.get("run_url").and_then(Value::as_str).map(echo),
        min_tests,
        executed,
        failed,
        executed_by_tally,
        declared_discrepancies: totals.u64("discrepancies")?,
        declared_waived: totals.opt_u64("waived")?.unwrap_or(0),
        discrepancy_findings: 0,
        failure_findings: 0,
        unknown_severities: Vec::new(),
        unknown_severity_count: 0,
        waived: 0,
        problems: Vec::new(),
        failures: Vec::new(),
        replay: Vec::new(),
        not_kept: 0,
    };

    for (i, finding) in root.array("findings")?.iter().enumerate() {
        let f = Fields::of(finding, &format!("findings[{i}]"))?;
        let severity = f.str("severity")?;
        match severity {
            "discrepancy" => doc.discrepancy_findings += 1,
            "failure" => doc.failure_findings += 1,
            "warning" => continue,
            other => {
                doc.unknown_severity_count += 1;
                let mut ignored = 0;
                keep(&mut doc.unknown_severities, (i, echo(other)), MAX_PROBLEMS, &mut ignored);
            }
        }
        let problem =
            ShardProblem { rule: echo(f.str("rule")?), severity: echo(severity), message: echo(f.str("message")?) };
        keep(&mut doc.problems, problem, MAX_PROBLEMS, &mut doc.not_kept);
        if let Some(replay) = f.opt_str("replay")? {
            add_replay(&mut doc.replay, replay, &mut doc.not_kept);
        }
    }

    for (i, artifact) in root.array("artifacts")?.iter().enumerate() {
        let a = Fields::of(artifact, &format!("artifacts[{i}]"))?;
        for (j, failure) in a.opt_array("failures")?.into_iter().flatten().enumerate() {
            let f = Fields::of(failure, &format!("{}[{j}]", a.path("failures")))?;
            let outcome = f.str("outcome")?;
            // Unknown outcomes count as failures, as everywhere else.
            let is_failure = !matches!(outcome, "passed" | "skipped" | "flaky");
            if !f.bool("blocking")? || !is_failure {
                continue;
            }
            if f.opt_str("waived")?.is_some() {
                // A count-only record stands for `cases` cases, all covered by its waiver.
                doc.waived = doc.waived.saturating_add(f.opt_u64("cases")?.unwrap_or(1));
                continue;
            }
            let name = echo(&crate::model::qualified_name(f.opt_str("suite")?, f.str("name")?));
            let source = match f.opt_object("source")? {
                Some(s) => Some(SourceLocation {
                    file: echo(s.str("file")?),
                    line: s.opt_u64("line")?.and_then(|l| u32::try_from(l).ok()),
                }),
                None => None,
            };
            let replay = f.opt_str("replay")?;
            if let Some(cmd) = replay {
                add_replay(&mut doc.replay, cmd, &mut doc.not_kept);
            }
            let failure = ShardFailure {
                name,
                outcome: echo(outcome),
                message: f.opt_str("message")?.map(echo),
                source,
                replay: replay.map(echo),
            };
            keep(&mut doc.failures, failure, MAX_FAILURES, &mut doc.not_kept);
        }
        for (j, cmd) in a.opt_array("replay_commands")?.into_iter().flatten().enumerate() {
            let cmd = cmd.as_str().ok_or_else(|| {
                crate::parse::json::wrong_type(&format!("{}[{j}]", a.path("replay_commands")), "a string", Some(cmd))
            })?;
            add_replay(&mut doc.replay, cmd, &mut doc.not_kept);
        }
    }
    Ok(doc)
}

/// Re-derive the status the way `truegreen check` decides it, and list where
/// the document contradicts itself.
fn judge(doc: ShardDocument, path: &str, sha256: String) -> ShardVerdict {
    let ShardDocument { claimed_status, claimed_exit_code, executed, failed, min_tests, .. } = doc;
    let mut contradictions = Vec::new();
    for (i, severity) in &doc.unknown_severities {
        contradictions.push(format!("finding {i} has an unknown severity {severity:?}"));
    }
    let unlisted = doc.unknown_severity_count - doc.unknown_severities.len() as u64;
    if unlisted > 0 {
        contradictions.push(format!("{unlisted} more finding(s) have an unknown severity"));
    }
    // An unknown severity cannot be shown harmless: count it as a discrepancy.
    let mut discrepancies = doc.discrepancy_findings.saturating_add(doc.unknown_severity_count);
    // Waived cases are taken off the failures, as long as no more are waived than failed.
    let blocking_failed = failed.saturating_sub(doc.waived);
    let ran_too_little = executed < min_tests;
    let mut status = Status::decide(
        discrepancies.saturating_add(u64::from(ran_too_little)),
        blocking_failed.saturating_add(doc.failure_findings),
    );
    if ran_too_little && discrepancies == 0 {
        contradictions.push(format!(
            "{executed} case(s) executed, fewer than its own --min-tests {min_tests}, yet no discrepancy is recorded"
        ));
    }
    if status != claimed_status {
        contradictions.push(format!(
            "status says {}, but its findings and counts say {}",
            claimed_status.as_str(),
            status.as_str()
        ));
    }
    if claimed_exit_code != i64::from(claimed_status.exit_code()) {
        contradictions
            .push(format!("exit_code {claimed_exit_code} does not go with status {}", claimed_status.as_str()));
    }
    if doc.executed_by_tally != executed {
        contradictions.push(format!(
            "totals.executed says {executed}, but its derived tally adds up to {}",
            doc.executed_by_tally
        ));
    }
    if doc.declared_discrepancies != discrepancies {
        contradictions.push(format!(
            "totals.discrepancies says {}, but it lists {discrepancies} discrepancy finding(s)",
            doc.declared_discrepancies
        ));
    }
    if doc.declared_waived != doc.waived {
        contradictions.push(format!(
            "totals.waived says {}, but its waived failure records stand for {} case(s)",
            doc.declared_waived, doc.waived
        ));
    }
    if doc.waived > failed {
        contradictions
            .push(format!("{} case(s) are waived, but its derived tally has only {failed} failure(s)", doc.waived));
    }
    let mut problems = doc.problems;
    // `check --min-tests 0` may accept an empty run; a matrix cell that ran
    // nothing has not passed, whatever its own threshold.
    if executed == 0 && status != Status::Discrepancy {
        discrepancies += 1;
        status = Status::decide(discrepancies, 0);
        problems.insert(
            0,
            ShardProblem {
                rule: NothingRan.meta().code.to_owned(),
                severity: NothingRan.meta().severity.as_str().to_owned(),
                message: "nothing executed in this cell; the gate requires at least one executed case per cell"
                    .to_owned(),
            },
        );
    }
    ShardVerdict {
        path: path.to_owned(),
        sha256,
        cell: doc.cell,
        commit: doc.commit,
        run_id: doc.run_id,
        run_attempt: doc.run_attempt,
        run_url: doc.run_url,
        claimed_status,
        claimed_exit_code,
        status,
        contradictions,
        executed,
        failed: blocking_failed,
        waived: doc.waived,
        discrepancies,
        problems,
        failures: doc.failures,
        replay: doc.replay,
        not_kept: doc.not_kept,
    }
}

/// A string from the document, cut to a length any message can quote.
fn echo(s: &str) -> String {
    crate::text::truncate(s, MAX_ECHO_BYTES)
}

fn status(s: &str, field: &str) -> Result<Status, ParseError> {
    match s {
        "pass" => Ok(Status::Pass),
        "fail" => Ok(Status::Fail),
        "discrepancy" => Ok(Status::Discrepancy),
        other => Err(ParseError::new(
            format!("field {field}: {other:?} is not a status (pass, fail, discrepancy)"),
            Default::default(),
        )),
    }
}

fn keep<T>(list: &mut Vec<T>, item: T, max: usize, not_kept: &mut u64) {
    if list.len() < max {
        list.push(item);
    } else {
        *not_kept += 1;
    }
}

fn add_replay(replay: &mut Vec<String>, command: &str, not_kept: &mut u64) {
    let command = echo(command);
    if command.trim().is_empty() || replay.contains(&command) {
        return;
    }
    keep(replay, command, MAX_REPLAY, not_kept);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn document() -> Value {
        json!({
            "schema": "truegreen.verdict.v1",
            "truegreen_version": "0.1.0",
            "status": "fail",
            "exit_code": 1,
            "context": {"min_tests": 1, "commit": "abc", "run_id": "42", "run_attempt": "2", "shard": {"os": "linux", "node": 20}},
            "totals": {
                "derived": {"passed": 5, "failed": 1, "errored": 0, "incomplete": 0, "skipped": 0, "flaky": 0, "advisory_failed": 0},
                "executed": 6, "claims_checked": 0, "claims_contradicted": 0, "discrepancies": 0, "warnings": 0
            },
            "artifacts": [{
                "path": "run.ndjson", "format": "kane", "size": 1,
                "tally": {},
                "claims": [],
                "failures": [
                    {"name": "step 6", "suite": "run #1", "outcome": "failed", "blocking": true, "message": "boom",
                     "source": {"file": "src/a.rs", "line": 7}, "replay": "kane-cli testmd run t.md"},
                    {"name": "advisory", "outcome": "failed", "blocking": false}
                ],
                "replay_commands": ["kane-cli testmd run t.md", "make replay"]
            }],
            "findings": []
        })
    }

    fn read(value: &Value) -> Result<ShardVerdict, String> {
        read_document(value.to_string().as_bytes(), "v.json", "00".into()).map_err(|e| e.to_string())
    }

    #[test]
    fn reads_cell_provenance_counts_failures_and_replays() -> Result<(), String> {
        let v = read(&document())?;
        assert_eq!(v.cell.label(), "node=20, os=linux");
        assert_eq!((v.commit.as_deref(), v.run_id.as_deref(), v.run_attempt), (Some("abc"), Some("42"), Some(2)));
        assert_eq!((v.status, v.executed, v.failed, v.discrepancies), (Status::Fail, 6, 1, 0));
        assert!(v.contradictions.is_empty(), "{:?}", v.contradictions);
        assert_eq!(v.failures.len(), 1, "advisory failures are not blocking");
        assert_eq!(v.failures[0].name, "run #1::step 6");
        assert_eq!(v.replay, ["kane-cli testmd run t.md", "make replay"]);
        Ok(())
    }

    #[test]
    fn a_document_that_lies_about_its_status_is_caught() -> Result<(), String> {
        let mut doc = document();
        doc["status"] = json!("pass");
        doc["exit_code"] = json!(0);
        let v = read(&doc)?;
        assert_eq!(v.status, Status::Fail);
        assert_eq!(v.contradictions, ["status says pass, but its findings and counts say fail"]);

        let mut doc = document();
        doc["exit_code"] = json!(0);
        doc["findings"] = json!([{"rule": "TG101", "name": "x", "severity": "discrepancy", "message": "m"}]);
        let v = read(&doc)?;
        assert_eq!(v.status, Status::Discrepancy);
        assert_eq!(v.contradictions.len(), 3, "{:?}", v.contradictions);
        Ok(())
    }

    /// The document of a shard whose one failure record is waived.
    fn waived_document(cases: u64) -> Value {
        let mut doc = document();
        doc["status"] = json!("pass");
        doc["exit_code"] = json!(0);
        doc["totals"]["derived"]["failed"] = json!(cases);
        doc["totals"]["derived"]["passed"] = json!(6 - cases);
        doc["totals"]["waived"] = json!(cases);
        let failure = &mut doc["artifacts"][0]["failures"][0];
        failure["waived"] = json!("waiver \"run #1::*\" (owner: alice, until 2026-12-01)");
        failure["cases"] = json!(cases);
        doc
    }

    #[test]
    fn waived_failures_do_not_fail_the_cell_and_must_add_up() -> Result<(), String> {
        let v = read(&waived_document(3))?;
        assert!(v.contradictions.is_empty(), "{:?}", v.contradictions);
        assert_eq!((v.status, v.failed, v.waived), (Status::Pass, 0, 3));
        assert!(v.failures.is_empty(), "a waived failure is not a blocking one: {:?}", v.failures);

        // A record that covers fewer cases than failed leaves the rest failing.
        let mut doc = waived_document(3);
        doc["artifacts"][0]["failures"][0]["cases"] = json!(2);
        let v = read(&doc)?;
        assert_eq!((v.status, v.failed), (Status::Fail, 1));
        assert_eq!(
            v.contradictions,
            [
                "status says pass, but its findings and counts say fail",
                "totals.waived says 3, but its waived failure records stand for 2 case(s)"
            ]
        );

        // Waiving more than failed is no licence to pass.
        let mut doc = waived_document(1);
        doc["artifacts"][0]["failures"][0]["cases"] = json!(4);
        doc["totals"]["waived"] = json!(4);
        let v = read(&doc)?;
        assert_eq!(v.contradictions, ["4 case(s) are waived, but its derived tally has only 1 failure(s)"]);
        Ok(())
    }

    #[test]
    fn counts_that_add_up_past_u64_are_unreadable_not_wrapped() {
        // Wrapped, failed + errored would be 0: a pass over 2^64 failures.
        let mut doc = document();
        doc["status"] = json!("pass");
        doc["exit_code"] = json!(0);
        doc["totals"]["derived"]["failed"] = json!(u64::MAX);
        doc["totals"]["derived"]["errored"] = json!(1);
        let err = read(&doc).err().unwrap_or_default();
        assert_eq!(err, format!("totals.derived: the counts add up past {}", u64::MAX));
    }

    #[test]
    fn executed_must_add_up() -> Result<(), String> {
        let mut doc = document();
        doc["totals"]["derived"]["failed"] = json!(200);
        let v = read(&doc)?;
        assert_eq!(v.contradictions, ["totals.executed says 6, but its derived tally adds up to 205"]);
        Ok(())
    }

    #[test]
    fn nothing_ran_is_a_discrepancy_even_if_unrecorded() -> Result<(), String> {
        let mut doc = document();
        doc["status"] = json!("pass");
        doc["exit_code"] = json!(0);
        doc["totals"]["executed"] = json!(0);
        doc["totals"]["derived"]["failed"] = json!(0);
        doc["totals"]["derived"]["passed"] = json!(0);
        doc["artifacts"] = json!([]);
        let v = read(&doc)?;
        assert_eq!(v.status, Status::Discrepancy);
        assert!(v.contradictions[0].contains("fewer than its own --min-tests 1"), "{:?}", v.contradictions);
        Ok(())
    }

    #[test]
    fn a_cell_that_ran_nothing_never_passes_even_with_min_tests_0() -> Result<(), String> {
        let mut doc = document();
        doc["status"] = json!("pass");
        doc["exit_code"] = json!(0);
        doc["context"]["min_tests"] = json!(0);
        doc["totals"]["executed"] = json!(0);
        doc["totals"]["derived"]["failed"] = json!(0);
        doc["totals"]["derived"]["passed"] = json!(0);
        doc["artifacts"] = json!([]);
        let v = read(&doc)?;
        assert!(v.contradictions.is_empty(), "{:?}", v.contradictions);
        assert_eq!((v.status, v.discrepancies), (Status::Discrepancy, 1));
        assert_eq!(v.problems[0].rule, "TG201");
        Ok(())
    }

    #[test]
    fn malformed_documents_name_the_problem() {
        let err = |doc: Value| read(&doc).err().unwrap_or_default();
        let mut doc = document();
        doc["schema"] = json!("truegreen.verdict.v9");
        assert!(err(doc).contains("schema is \"truegreen.verdict.v9\""));
        let mut doc = document();
        doc["context"].as_object_mut().map(|c| c.remove("shard"));
        assert!(err(doc).contains("records no matrix cell"));
        let mut doc = document();
        doc["context"]["shard"] = json!("linux");
        assert!(err(doc).contains("expected the matrix cell as an object"));
        let mut doc = document();
        doc["totals"]["executed"] = json!(-1);
        assert!(err(doc).contains("totals.executed"));
        let mut doc = document();
        doc["context"]["run_attempt"] = json!("two");
        assert!(err(doc).contains("not a run attempt number"));
        let mut doc = document();
        doc["status"] = json!("green");
        assert!(err(doc).contains("\"green\" is not a status"));
        let text =
            read_document(b"{\"schema\": ", "v.json", "00".into()).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(text.starts_with("not a JSON document"), "{text}");
    }
}
