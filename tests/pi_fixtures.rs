//! Runs the built binary over every file and directory of the real
//! pi_agent_rust artifacts in `../shared/fixtures/pi` and asserts, for each,
//! the exit code, the verdict status and the exact set of rule codes.

// A test may panic: a failed step should fail it loudly (the lints guard input paths).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// Judge waivers as of a fixed day, so that results do not change with time.
const TODAY: &str = "2026-11-20";

/// (path relative to the fixture root, exit code, verdict status, rule codes).
/// Every file and directory must be listed: `every_fixture_path_is_covered`
/// fails when one is added or removed.
const EXPECTED: &[(&str, i32, &str, &[&str])] = &[
    // The whole tree: the stale dossier and replay bundle, the `[]` summaries.
    // The whole tree mixes artifacts of several commits: their gates disagree
    // (TG305) and their embedded commits differ (TG306).
    (".", 3, "discrepancy", &["TG002", "TG101", "TG103", "TG110", "TG305", "TG306"]),
    // Files named explicitly that are no report.
    ("SCHEMAS.md", 3, "discrepancy", &["TG003", "TG201"]),
    ("SOURCE_COMMIT.txt", 3, "discrepancy", &["TG003", "TG201"]),
    // The committed drop-in verdict says NOT_CERTIFIED, and its gates agree.
    ("docs", 1, "fail", &[]),
    ("docs/ci-operator-runbook.md", 3, "discrepancy", &["TG003", "TG201"]),
    // The contract has its own schema; it is not a verdict.
    ("docs/dropin-certification-contract.json", 3, "discrepancy", &["TG003", "TG201"]),
    ("docs/dropin-certification-verdict.json", 1, "fail", &[]),
    ("history", 3, "discrepancy", &["TG101", "TG103", "TG305"]),
    // `pass_with_residuals` over a failed gate; 169 of 173 test files classified.
    ("history/certification_dossier.c713835f.json", 3, "discrepancy", &["TG101", "TG103", "TG201"]),
    // Blocking skip: verdict fail (honest), but `blocker_gates` lists none.
    ("history/certification_verdict.489489f8.json", 3, "discrepancy", &["TG103"]),
    ("history/full_suite_verdict.489489f8.json", 1, "fail", &[]),
    ("history/full_suite_verdict.c713835f.json", 1, "fail", &[]),
    // `verdict: pass` with a blocking skip: the committed false green.
    ("history/preflight_verdict.489489f8.json", 3, "discrepancy", &["TG101"]),
    ("tests", 3, "discrepancy", &["TG002", "TG101", "TG103", "TG110", "TG306"]),
    ("tests/e2e_results", 3, "discrepancy", &["TG002"]),
    // A run directory holding only a TSV: no report.
    ("tests/e2e_results/20260206T184219Z", 3, "discrepancy", &["TG004", "TG201"]),
    ("tests/e2e_results/20260206T184219Z/summary.tsv", 3, "discrepancy", &["TG003", "TG201"]),
    ("tests/e2e_results/20260206T184406Z", 3, "discrepancy", &["TG002", "TG201"]),
    ("tests/e2e_results/20260206T184406Z/summary.json", 3, "discrepancy", &["TG002", "TG201"]),
    ("tests/e2e_results/20260206T184406Z/summary.tsv", 3, "discrepancy", &["TG003", "TG201"]),
    ("tests/e2e_results/20260206T184732Z", 3, "discrepancy", &["TG002", "TG201"]),
    ("tests/e2e_results/20260206T184732Z/summary.json", 3, "discrepancy", &["TG002", "TG201"]),
    ("tests/e2e_results/20260206T184732Z/summary.tsv", 3, "discrepancy", &["TG003", "TG201"]),
    ("tests/e2e_results/20260206T184855Z", 3, "discrepancy", &["TG002", "TG201"]),
    ("tests/e2e_results/20260206T184855Z/summary.json", 3, "discrepancy", &["TG002", "TG201"]),
    ("tests/e2e_results/20260206T184855Z/summary.tsv", 3, "discrepancy", &["TG003", "TG201"]),
    ("tests/e2e_results/20260206T185039Z", 3, "discrepancy", &["TG002", "TG201"]),
    ("tests/e2e_results/20260206T185039Z/summary.json", 3, "discrepancy", &["TG002", "TG201"]),
    ("tests/e2e_results/20260206T185039Z/summary.tsv", 3, "discrepancy", &["TG003", "TG201"]),
    ("tests/e2e_results/20260206T185305Z", 3, "discrepancy", &["TG002", "TG201"]),
    ("tests/e2e_results/20260206T185305Z/summary.json", 3, "discrepancy", &["TG002", "TG201"]),
    ("tests/e2e_results/20260206T185305Z/summary.tsv", 3, "discrepancy", &["TG003", "TG201"]),
    // e2e_rpc exited 101 before running a test (disk full while compiling).
    ("tests/e2e_results/20260206T212320Z", 1, "fail", &[]),
    ("tests/e2e_results/20260206T212320Z/e2e_rpc", 1, "fail", &[]),
    // cargo test output: the compile failure behind result.json, read by the libtest reader.
    ("tests/e2e_results/20260206T212320Z/e2e_rpc/output.log", 1, "fail", &[]),
    ("tests/e2e_results/20260206T212320Z/e2e_rpc/result.json", 1, "fail", &[]),
    // Provenance only: alone, nothing ran.
    ("tests/e2e_results/20260206T212320Z/environment.json", 3, "discrepancy", &["TG201"]),
    ("tests/e2e_results/20260206T212320Z/summary.json", 1, "fail", &[]),
    // The verdicts pass; the dossier and the replay bundle beside them are stale.
    // replay_bundle.json (git_sha 3da65244) sits beside a schema example from abc1234.
    ("tests/full_suite_gate", 3, "discrepancy", &["TG101", "TG103", "TG110", "TG306"]),
    ("tests/full_suite_gate/artifact_retention_report.json", 3, "discrepancy", &["TG003", "TG201"]),
    ("tests/full_suite_gate/certification_dossier.json", 3, "discrepancy", &["TG101", "TG103", "TG201"]),
    ("tests/full_suite_gate/certification_dossier.md", 3, "discrepancy", &["TG003", "TG201"]),
    ("tests/full_suite_gate/certification_events.jsonl", 3, "discrepancy", &["TG003", "TG201"]),
    ("tests/full_suite_gate/certification_report.md", 3, "discrepancy", &["TG003", "TG201"]),
    ("tests/full_suite_gate/certification_verdict.json", 0, "pass", &[]),
    ("tests/full_suite_gate/extension_remediation_backlog.json", 3, "discrepancy", &["TG003", "TG201"]),
    ("tests/full_suite_gate/franken_node_kernel_boundary_drift_report.json", 3, "discrepancy", &["TG003", "TG201"]),
    ("tests/full_suite_gate/full_suite_events.jsonl", 3, "discrepancy", &["TG003", "TG201"]),
    ("tests/full_suite_gate/full_suite_report.md", 3, "discrepancy", &["TG003", "TG201"]),
    ("tests/full_suite_gate/full_suite_verdict.json", 0, "pass", &[]),
    ("tests/full_suite_gate/perf3x_bead_coverage_audit.json", 3, "discrepancy", &["TG003", "TG201"]),
    ("tests/full_suite_gate/practical_finish_checkpoint.json", 3, "discrepancy", &["TG003", "TG201"]),
    ("tests/full_suite_gate/practical_finish_issues_snapshot.jsonl", 3, "discrepancy", &["TG003", "TG201"]),
    ("tests/full_suite_gate/preflight_verdict.json", 0, "pass", &[]),
    // Alone, a replay bundle is its list of failures.
    ("tests/full_suite_gate/replay_bundle.json", 1, "fail", &[]),
    ("tests/full_suite_gate/replay_bundle_schema_example.json", 1, "fail", &[]),
    ("tests/full_suite_gate/sec_conformance_verdict.json", 3, "discrepancy", &["TG003", "TG201"]),
    ("tests/full_suite_gate/waiver_audit.json", 3, "discrepancy", &["TG201"]),
    // Suite lists and commented-out examples only: policy, nothing ran.
    ("tests/suite_classification.toml", 3, "discrepancy", &["TG201"]),
];

/// The fixture root, or a loud failure naming where it was expected.
fn fixtures() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/pi");
    assert!(
        root.join("SCHEMAS.md").is_file(),
        "the pi fixtures are missing: expected the shared read-only fixtures at {} \
         (the `shared` checkout next to this repository)",
        root.display()
    );
    root
}

/// Run `truegreen check` on one path (relative to the fixture root, so that
/// paths in the output are stable) and return (exit code, stdout, verdict JSON).
fn check(path: &str) -> (i32, String, Value) {
    let root = fixtures();
    let out_dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let json_path = out_dir.path().join("verdict.json");
    // Run from the fixture root (stable relative paths), with no CI variables
    // and no git repository above it, so no commit leaks into the comparison.
    let output = common::truegreen(&root)
        .args(["check", "--today", TODAY, "--color", "never", "--json"])
        .arg(&json_path)
        .arg(path)
        .output()
        .unwrap_or_else(|e| panic!("running truegreen on {path}: {e}"));
    let code = output.status.code().unwrap_or(-1);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let text = std::fs::read_to_string(&json_path).unwrap_or_else(|e| {
        panic!("{path}: no verdict document ({e}); stderr: {}", String::from_utf8_lossy(&output.stderr))
    });
    let verdict = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: verdict is not JSON: {e}"));
    (code, stdout, verdict)
}

fn rule_codes(verdict: &Value) -> BTreeSet<String> {
    verdict["findings"]
        .as_array()
        .map(|f| f.iter().filter_map(|f| f["rule"].as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

#[test]
fn every_fixture_path_is_covered() {
    let root = fixtures();
    let mut found: BTreeSet<String> = BTreeSet::from([".".to_owned()]);
    for entry in walkdir::WalkDir::new(&root).min_depth(1) {
        let entry = entry.unwrap_or_else(|e| panic!("walking {}: {e}", root.display()));
        let rel = entry.path().strip_prefix(&root).unwrap_or_else(|e| panic!("{e}"));
        found.insert(rel.to_string_lossy().replace('\\', "/"));
    }
    let listed: BTreeSet<String> = EXPECTED.iter().map(|(p, ..)| (*p).to_owned()).collect();
    let unlisted: Vec<_> = found.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&found).collect();
    assert!(
        unlisted.is_empty() && stale.is_empty(),
        "fixture paths not in EXPECTED: {unlisted:?}; listed but absent: {stale:?}"
    );
}

#[test]
fn every_fixture_path_has_its_expected_verdict() {
    let mut wrong = Vec::new();
    for (path, exit, status, codes) in EXPECTED {
        let (code, _, verdict) = check(path);
        let got_codes = rule_codes(&verdict);
        let want_codes: BTreeSet<String> = codes.iter().map(|c| (*c).to_owned()).collect();
        let got_status = verdict["status"].as_str().unwrap_or("");
        if code != *exit || got_status != *status || got_codes != want_codes || verdict["exit_code"] != *exit {
            wrong.push(format!("{path}: exit {code}, status {got_status}, rules {got_codes:?}"));
        }
    }
    assert!(wrong.is_empty(), "unexpected verdicts:\n{}", wrong.join("\n"));
}

/// The format detected for every report among the fixtures; every other file is ignored.
const FORMATS: &[(&str, &str)] = &[
    ("docs/dropin-certification-verdict.json", "pi-dropin-verdict"),
    ("history/certification_dossier.c713835f.json", "pi-certification-dossier"),
    ("history/certification_verdict.489489f8.json", "pi-certification-verdict"),
    ("history/full_suite_verdict.489489f8.json", "pi-full-suite-verdict"),
    ("history/full_suite_verdict.c713835f.json", "pi-full-suite-verdict"),
    ("history/preflight_verdict.489489f8.json", "pi-preflight-verdict"),
    ("tests/e2e_results/20260206T184406Z/summary.json", "pi-summary"),
    ("tests/e2e_results/20260206T184732Z/summary.json", "pi-summary"),
    ("tests/e2e_results/20260206T184855Z/summary.json", "pi-summary"),
    ("tests/e2e_results/20260206T185039Z/summary.json", "pi-summary"),
    ("tests/e2e_results/20260206T185305Z/summary.json", "pi-summary"),
    ("tests/e2e_results/20260206T212320Z/e2e_rpc/output.log", "libtest"),
    ("tests/e2e_results/20260206T212320Z/e2e_rpc/result.json", "pi-result"),
    ("tests/e2e_results/20260206T212320Z/environment.json", "pi-environment"),
    ("tests/e2e_results/20260206T212320Z/summary.json", "pi-summary"),
    ("tests/full_suite_gate/certification_dossier.json", "pi-certification-dossier"),
    ("tests/full_suite_gate/certification_verdict.json", "pi-certification-verdict"),
    ("tests/full_suite_gate/full_suite_verdict.json", "pi-full-suite-verdict"),
    ("tests/full_suite_gate/preflight_verdict.json", "pi-preflight-verdict"),
    ("tests/full_suite_gate/replay_bundle.json", "pi-replay-bundle"),
    ("tests/full_suite_gate/replay_bundle_schema_example.json", "pi-replay-bundle"),
    ("tests/full_suite_gate/waiver_audit.json", "pi-waiver-audit"),
    ("tests/suite_classification.toml", "pi-suite-classification"),
];

#[test]
fn every_report_is_detected_as_its_format_and_nothing_else_is() {
    let (_, _, verdict) = check(".");
    let strip = |p: &str| p.strip_prefix("./").unwrap_or(p).to_owned();
    let got: Vec<(String, String)> = verdict["artifacts"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|a| (strip(a["path"].as_str().unwrap_or("")), a["format"].as_str().unwrap_or("none").to_owned()))
                .collect()
        })
        .unwrap_or_default();
    let want: Vec<(String, String)> = FORMATS.iter().map(|(p, f)| ((*p).to_owned(), (*f).to_owned())).collect();
    assert_eq!(got, want);
    // Everything else is ignored when scanning, the drop-in contract included.
    let ignored: Vec<String> = verdict["ignored"]
        .as_array()
        .map(|i| i.iter().filter_map(|p| p.as_str().map(strip)).collect())
        .unwrap_or_default();
    assert!(ignored.contains(&"docs/dropin-certification-contract.json".to_owned()), "{ignored:?}");
    let files = EXPECTED.iter().filter(|(p, ..)| Path::new(&fixtures().join(p)).is_file()).count();
    assert_eq!(ignored.len() + got.len(), files, "every file is either read or ignored");
}

#[test]
fn the_gate_directory_lists_failing_gates_with_their_reproduce_commands() {
    let (code, stdout, _) = check("tests/full_suite_gate");
    assert_eq!(code, 3, "{stdout}");
    assert!(stdout.contains("FAILED failed_gates::cross_platform"), "{stdout}");
    assert!(
        stdout.contains(
            "replay: cargo test --test ci_cross_platform_matrix -- cross_platform_matrix --nocapture --exact"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("TG110 artifacts-disagree"), "{stdout}");
}

#[test]
fn the_committed_preflight_false_green_is_named() {
    let (code, stdout, _) = check("history/preflight_verdict.489489f8.json");
    assert_eq!(code, 3);
    assert!(stdout.contains("preflight_verdict says verdict = \"pass\", but its evidence says fail"), "{stdout}");
    assert!(stdout.contains("ext_must_pass (skip)"), "{stdout}");
}

/// The verdict document without what changes between builds and checkouts
/// (version, modification times), and with only the claims that fail.
fn stable_view(mut verdict: Value) -> Value {
    verdict["truegreen_version"] = Value::from("[version]");
    if let Some(artifacts) = verdict["artifacts"].as_array_mut() {
        for artifact in artifacts {
            if let Some(obj) = artifact.as_object_mut() {
                obj.remove("modified");
                let claims = obj.remove("claims").unwrap_or(Value::Null);
                let all = claims.as_array().cloned().unwrap_or_default();
                let broken: Vec<Value> = all.iter().filter(|c| c["holds"] == false).cloned().collect();
                obj.insert("claims_checked".into(), Value::from(all.len()));
                obj.insert("claims_broken".into(), Value::from(broken));
            }
        }
    }
    verdict
}

#[test]
fn verdict_documents_match_their_snapshots() {
    for path in [
        "tests/full_suite_gate",
        "history",
        "tests/e2e_results/20260206T212320Z",
        "tests/e2e_results/20260206T184406Z/summary.json",
        "docs/dropin-certification-verdict.json",
    ] {
        let (_, _, verdict) = check(path);
        let name = path.replace(['/', '.'], "_");
        insta::assert_json_snapshot!(name, stable_view(verdict));
    }
}
