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

/// Every verdict document the VERDICT arguments lead to.
#[derive(Debug, Default)]
pub struct Collected {
    pub verdicts: Vec<ShardVerdict>,
    pub unreadable: Vec<Unreadable>,
    /// Files found while scanning directories that are not verdict documents.
    pub ignored: Vec<String>,
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
        let shown = candidate.path.display().to_string();
        match read_file(&candidate.path, candidate.explicit) {
            Ok(Some(verdict)) => {
                per_root[candidate.root] += 1;
                out.verdicts.push(verdict);
            }
            Ok(None) => out.ignored.push(shown),
            Err(detail) => {
                per_root[candidate.root] += 1;
                out.unreadable.push(Unreadable { path: shown, detail });
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

/// Read one file: `Ok(None)` when it was found by scanning and is not a verdict.
fn read_file(path: &Path, explicit: bool) -> Result<Option<ShardVerdict>, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot open: {e}"))?;
    let mut bytes = Vec::new();
    file.take(MAX_DOCUMENT_BYTES + 1).read_to_end(&mut bytes).map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > MAX_DOCUMENT_BYTES {
        return Err(format!("larger than {} MiB: not a shard verdict", MAX_DOCUMENT_BYTES / (1024 * 1024)));
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
pub fn read_document(bytes: &[u8], path: &str, sha256: String) -> Result<ShardVerdict, String> {
    let value: Value = serde_json::from_slice(bytes).map_err(|e| {
        let err = syntax_error(e);
        format!("not a JSON document: {err}")
    })?;
    parse(&value, path, sha256).map_err(|e| e.message)
}

fn parse(value: &Value, path: &str, sha256: String) -> Result<ShardVerdict, ParseError> {
    let root = Fields::of(value, "")?;
    let schema = root.str("schema")?;
    if schema != SCHEMA {
        return Err(ParseError::new(
            format!("schema is {schema:?}; the gate reads {SCHEMA:?} documents from `truegreen check --json`"),
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
                format!("field context.shard: expected the matrix cell as an object, found {other}"),
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
            ParseError::new(format!("field context.run_attempt: {s:?} is not a run attempt number"), Default::default())
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
    // The same sum `Tally::executed` makes: the document's two counts must agree.
    let executed_by_tally = sum(&["passed", "flaky", "advisory_failed"], failed)?;
    let declared_discrepancies = totals.u64("discrepancies")?;

    let mut verdict = ShardVerdict {
        path: path.to_owned(),
        sha256,
        cell,
        commit: context.opt_str("commit")?.map(str::to_owned),
        run_id: context.opt_str("run_id")?.map(str::to_owned),
        run_attempt,
        run_url: context.get("run_url").and_then(Value::as_str).map(str::to_owned),
        claimed_status,
        claimed_exit_code,
        status: Status::Pass,
        contradictions: Vec::new(),
        executed,
        failed,
        waived: 0,
        discrepancies: 0,
        problems: Vec::new(),
        failures: Vec::new(),
        replay: Vec::new(),
        not_kept: 0,
    };

    let mut failure_findings = 0u64;
    for (i, finding) in root.array("findings")?.iter().enumerate() {
        let f = Fields::of(finding, &format!("findings[{i}]"))?;
        let severity = f.str("severity")?;
        match severity {
            "discrepancy" => verdict.discrepancies += 1,
            "failure" => failure_findings += 1,
            "warning" => continue,
            other => {
                // An unknown severity cannot be shown harmless: count it as a discrepancy.
                verdict.discrepancies += 1;
                verdict.contradictions.push(format!("finding {i} has an unknown severity {other:?}"));
            }
        }
        let problem = ShardProblem {
            rule: f.str("rule")?.to_owned(),
            severity: severity.to_owned(),
            message: f.str("message")?.to_owned(),
        };
        keep(&mut verdict.problems, problem, MAX_PROBLEMS, &mut verdict.not_kept);
        if let Some(replay) = f.opt_str("replay")? {
            add_replay(&mut verdict, replay);
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
                verdict.waived = verdict.waived.saturating_add(f.opt_u64("cases")?.unwrap_or(1));
                continue;
            }
            let name = crate::model::qualified_name(f.opt_str("suite")?, f.str("name")?);
            let source = match f.opt_object("source")? {
                Some(s) => Some(SourceLocation {
                    file: s.str("file")?.to_owned(),
                    line: s.opt_u64("line")?.and_then(|l| u32::try_from(l).ok()),
                }),
                None => None,
            };
            let replay = f.opt_str("replay")?.map(str::to_owned);
            if let Some(cmd) = &replay {
                add_replay(&mut verdict, cmd);
            }
            let failure = ShardFailure {
                name,
                outcome: outcome.to_owned(),
                message: f.opt_str("message")?.map(str::to_owned),
                source,
                replay,
            };
            keep(&mut verdict.failures, failure, MAX_FAILURES, &mut verdict.not_kept);
        }
        for (j, cmd) in a.opt_array("replay_commands")?.into_iter().flatten().enumerate() {
            let cmd = cmd.as_str().ok_or_else(|| {
                crate::parse::json::wrong_type(&format!("{}[{j}]", a.path("replay_commands")), "a string", Some(cmd))
            })?;
            add_replay(&mut verdict, cmd);
        }
    }

    // Re-derive the status the way `truegreen check` decides it: waived cases are
    // taken off the failures, as long as no more are waived than failed.
    verdict.failed = failed.saturating_sub(verdict.waived);
    let ran_too_little = executed < min_tests;
    verdict.status = Status::decide(
        verdict.discrepancies.saturating_add(u64::from(ran_too_little)),
        verdict.failed.saturating_add(failure_findings),
    );
    if ran_too_little && verdict.discrepancies == 0 {
        verdict.contradictions.push(format!(
            "{executed} case(s) executed, fewer than its own --min-tests {min_tests}, yet no discrepancy is recorded"
        ));
    }
    if verdict.status != claimed_status {
        verdict.contradictions.push(format!(
            "status says {}, but its findings and counts say {}",
            claimed_status.as_str(),
            verdict.status.as_str()
        ));
    }
    if claimed_exit_code != i64::from(claimed_status.exit_code()) {
        verdict
            .contradictions
            .push(format!("exit_code {claimed_exit_code} does not go with status {}", claimed_status.as_str()));
    }
    if executed_by_tally != executed {
        verdict
            .contradictions
            .push(format!("totals.executed says {executed}, but its derived tally adds up to {executed_by_tally}"));
    }
    if declared_discrepancies != verdict.discrepancies {
        verdict.contradictions.push(format!(
            "totals.discrepancies says {declared_discrepancies}, but it lists {} discrepancy finding(s)",
            verdict.discrepancies
        ));
    }
    let declared_waived = totals.opt_u64("waived")?.unwrap_or(0);
    if declared_waived != verdict.waived {
        verdict.contradictions.push(format!(
            "totals.waived says {declared_waived}, but its waived failure records stand for {} case(s)",
            verdict.waived
        ));
    }
    if verdict.waived > failed {
        verdict
            .contradictions
            .push(format!("{} case(s) are waived, but its derived tally has only {failed} failure(s)", verdict.waived));
    }
    // `check --min-tests 0` may accept an empty run; a matrix cell that ran
    // nothing has not passed, whatever its own threshold.
    if executed == 0 && verdict.status != Status::Discrepancy {
        verdict.status = Status::Discrepancy;
        verdict.discrepancies += 1;
        verdict.problems.insert(
            0,
            ShardProblem {
                rule: NothingRan.meta().code.to_owned(),
                severity: NothingRan.meta().severity.as_str().to_owned(),
                message: "nothing executed in this cell; the gate requires at least one executed case per cell"
                    .to_owned(),
            },
        );
    }
    Ok(verdict)
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

fn add_replay(verdict: &mut ShardVerdict, command: &str) {
    if command.trim().is_empty() || verdict.replay.iter().any(|c| c == command) {
        return;
    }
    keep(&mut verdict.replay, command.to_owned(), MAX_REPLAY, &mut verdict.not_kept);
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
        read_document(value.to_string().as_bytes(), "v.json", "00".into())
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
        let text = read_document(b"{\"schema\": ", "v.json", "00".into()).err().unwrap_or_default();
        assert!(text.starts_with("not a JSON document"), "{text}");
    }
}
