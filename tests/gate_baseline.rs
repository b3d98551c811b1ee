//! `gate --inventory` and `gate --baseline` (issue 14: "gate --inventory FILE,
//! per cell"; "the gate compares cell by cell") over real reports: the cells of
//! a matrix are real runs from `tests/fixtures/baseline-pairs/` (pytest, go
//! test, jest). Each cell runs `check --shard CELL --json --inventory` as the
//! action does; the gate merges the cells' inventories into the matrix's, and a
//! later gate compares its cells with it.

// A test may panic: a failed step should fail it loudly (the lints guard input paths).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::{Path, PathBuf};

use common::{TestResult, bin, distinct_rule_codes};
use serde_json::{Value, json};

const COMMIT: &str = "0123456789abcdef0123456789abcdef01234567";

/// A real report of a baseline pair, by tool: (pair directory, side, report).
fn report(tool: &str, side: &str) -> PathBuf {
    let (pair, file) = match tool {
        "pytest" => ("pytest-no-change", "report.xml"),
        "go" => ("go-no-change", "report.jsonl"),
        "jest" => ("jest-no-change", "report.json"),
        other => panic!("no fixture for {other}"),
    };
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/baseline-pairs/{pair}/{side}/{file}"))
}

/// Run one cell's check as a matrix job of run `run` would: its verdict and
/// inventory land in `out/<n>/`, as the gate's download step lays them out.
fn run_cell(out: &Path, n: usize, run: &str, cell: &Value, reports: &[PathBuf]) -> TestResult {
    let dir = out.join(n.to_string());
    std::fs::create_dir_all(&dir)?;
    let mut cmd = bin();
    cmd.current_dir(&dir)
        .args(["check", "--commit", COMMIT, "--run-id", run, "--shard", &cell.to_string()])
        .arg("--json")
        .arg(dir.join("verdict.json"))
        .arg("--inventory")
        .arg(dir.join("inventory.tginv"))
        .arg("--")
        .args(reports);
    let output = cmd.output()?;
    assert_eq!(output.status.code(), Some(0), "cell {cell}: {}", String::from_utf8_lossy(&output.stdout));
    Ok(())
}

/// The gate over `inputs` for the expected `matrix`; its document and exit code.
fn gate(
    inputs: &Path,
    run: &str,
    matrix: &Value,
    extra: &[&str],
) -> Result<(Value, Option<i32>), Box<dyn std::error::Error>> {
    let json_out = inputs.with_extension("gate.json");
    let output = bin()
        .current_dir(inputs)
        .args(["gate", "--commit", COMMIT, "--run-id", run, "--expect-matrix", &matrix.to_string()])
        .arg("--json")
        .arg(&json_out)
        .args(extra)
        .arg(inputs)
        .output()?;
    let doc: Value = serde_json::from_slice(&std::fs::read(&json_out)?)?;
    Ok((doc, output.status.code()))
}

fn findings_of<'a>(doc: &'a Value, code: &str) -> Vec<&'a Value> {
    doc["findings"].as_array().map(|f| f.iter().filter(|f| f["rule"] == code).collect()).unwrap_or_default()
}

/// The baseline matrix: pytest, go and jest, each a cell; the gate writes the
/// matrix inventory to `base.tginv`.
fn baseline_matrix(root: &Path) -> Result<PathBuf, Box<dyn std::error::Error>> {
    let inputs = root.join("base-run");
    for (n, tool) in ["pytest", "go", "jest"].iter().enumerate() {
        run_cell(&inputs, n, "100", &json!({ "tool": tool }), &[report(tool, "base")])?;
    }
    let inventory = root.join("base.tginv");
    let inventory_arg = inventory.display().to_string();
    let (doc, code) =
        gate(&inputs, "100", &json!({"tool": ["pytest", "go", "jest"]}), &["--inventory", &inventory_arg])?;
    assert_eq!(code, Some(0), "{doc:#}");
    assert_eq!(doc["inventory"]["cells"], 3, "{doc:#}");
    Ok(inventory)
}

#[test]
fn a_cell_that_left_the_matrix_with_its_tests_is_a_discrepancy_naming_them() -> TestResult {
    let root = tempfile::tempdir()?;
    let base = baseline_matrix(root.path())?;
    // The jest cell is gone from the matrix: nothing else runs its tests, and
    // every cell that is left passes.
    let inputs = root.path().join("head-run");
    for (n, tool) in ["pytest", "go"].iter().enumerate() {
        run_cell(&inputs, n, "200", &json!({ "tool": tool }), &[report(tool, "head")])?;
    }
    let base_arg = base.display().to_string();
    let (doc, code) = gate(&inputs, "200", &json!({"tool": ["pytest", "go"]}), &["--baseline", &base_arg])?;
    assert_eq!(code, Some(3), "{doc:#}");
    assert_eq!(distinct_rule_codes(&doc), vec!["TG244".to_owned()], "{doc:#}");
    let found = findings_of(&doc, "TG244");
    let message = found[0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("cell tool=jest left the matrix"), "{message}");
    let gone = &doc["baseline"]["cells_gone"][0];
    assert_eq!(gone["vanished"], gone["tests"], "no other cell runs jest's tests: {gone:#}");
    assert!(gone["vanished"].as_u64().unwrap_or(0) > 0, "{gone:#}");
    // Each name is one the jest report has.
    let jest = std::fs::read_to_string(report("jest", "base"))?;
    for group in gone["groups"].as_array().into_iter().flatten() {
        for name in group["names"].as_array().into_iter().flatten() {
            let name = name.as_str().unwrap_or_default();
            assert!(jest.contains(&format!("\"title\":\"{name}\"")) || jest.contains(name), "{name} is jest's");
        }
    }
    Ok(())
}

#[test]
fn the_same_matrix_again_is_the_cells_own_verdict() -> TestResult {
    let root = tempfile::tempdir()?;
    let base = baseline_matrix(root.path())?;
    let inputs = root.path().join("head-run");
    for (n, tool) in ["pytest", "go", "jest"].iter().enumerate() {
        run_cell(&inputs, n, "200", &json!({ "tool": tool }), &[report(tool, "head")])?;
    }
    // The gate's own inventory of an earlier attempt, downloaded with the
    // cells' by a broad pattern, is no cell's: left out, without a finding.
    std::fs::create_dir_all(inputs.join("gate"))?;
    std::fs::copy(&base, inputs.join("gate").join("inventory.tginv"))?;
    let base_arg = base.display().to_string();
    let (doc, code) = gate(&inputs, "200", &json!({"tool": ["pytest", "go", "jest"]}), &["--baseline", &base_arg])?;
    assert_eq!(code, Some(0), "{doc:#}");
    assert_eq!(doc["inventory"]["ignored"].as_array().map(Vec::len), Some(1), "{doc:#}");
    assert_eq!(doc["baseline"]["status"], "compared");
    assert_eq!(doc["baseline"]["cells_gone"], json!([]));
    assert_eq!(doc["baseline"]["baseline_cells"], 3);
    Ok(())
}

#[test]
fn a_cell_dropped_in_a_version_bump_whose_tests_run_on_is_a_warning() -> TestResult {
    let root = tempfile::tempdir()?;
    // Baseline: node 18 and 20 run the same jest suite.
    let base_run = root.path().join("base-run");
    for (n, node) in [18, 20].iter().enumerate() {
        run_cell(&base_run, n, "100", &json!({ "node": node }), &[report("jest", "base")])?;
    }
    let base = root.path().join("base.tginv");
    let base_arg = base.display().to_string();
    let (doc, code) = gate(&base_run, "100", &json!({"node": [18, 20]}), &["--inventory", &base_arg])?;
    assert_eq!(code, Some(0), "{doc:#}");
    // Head: node 20 and 22.
    let head_run = root.path().join("head-run");
    for (n, node) in [20, 22].iter().enumerate() {
        run_cell(&head_run, n, "200", &json!({ "node": node }), &[report("jest", "head")])?;
    }
    let (doc, code) = gate(&head_run, "200", &json!({"node": [20, 22]}), &["--baseline", &base_arg])?;
    assert_eq!(code, Some(0), "a version bump is no discrepancy: {doc:#}");
    let removed = findings_of(&doc, "TG245");
    assert_eq!(removed.len(), 1, "{doc:#}");
    assert_eq!(removed[0]["severity"], "warning");
    assert!(removed[0]["message"].as_str().unwrap_or_default().contains("node=18"), "{doc:#}");
    Ok(())
}

#[test]
fn a_missing_cell_inventory_or_a_check_inventory_as_baseline_is_never_silent() -> TestResult {
    let root = tempfile::tempdir()?;
    let base = baseline_matrix(root.path())?;
    let inputs = root.path().join("head-run");
    for (n, tool) in ["pytest", "go", "jest"].iter().enumerate() {
        run_cell(&inputs, n, "200", &json!({ "tool": tool }), &[report(tool, "head")])?;
    }
    let matrix = json!({"tool": ["pytest", "go", "jest"]});

    // The go cell's inventory was not downloaded: the matrix inventory is incomplete.
    std::fs::remove_file(inputs.join("1").join("inventory.tginv"))?;
    let base_arg = base.display().to_string();
    let (doc, code) = gate(&inputs, "200", &matrix, &["--baseline", &base_arg])?;
    assert_eq!(code, Some(3), "{doc:#}");
    let unusable = findings_of(&doc, "TG247");
    assert_eq!(unusable.len(), 1, "{doc:#}");
    assert_eq!(unusable[0]["artifact"], "tool=go");
    // The go cell is expected, so it is not "gone" for lack of an inventory.
    assert!(findings_of(&doc, "TG244").is_empty(), "{doc:#}");

    // A check's inventory is not a matrix's.
    let check_inventory = inputs.join("0").join("inventory.tginv").display().to_string();
    let (doc, code) = gate(&inputs, "200", &matrix, &["--baseline", &check_inventory])?;
    assert_eq!(code, Some(3));
    assert!(
        findings_of(&doc, "TG247")
            .iter()
            .any(|f| f["message"].as_str().unwrap_or_default().contains("check's inventory")),
        "{doc:#}"
    );

    // A baseline that is not there: a discrepancy, or a warning on a first run.
    let (doc, code) = gate(&inputs, "200", &matrix, &["--baseline", "nowhere.tginv"])?;
    assert_eq!(code, Some(3));
    assert_eq!(findings_of(&doc, "TG246")[0]["severity"], "discrepancy");
    let (doc, code) = gate(&inputs, "200", &matrix, &["--baseline", "nowhere.tginv", "--baseline-missing-ok"])?;
    assert_eq!(findings_of(&doc, "TG246")[0]["severity"], "warning");
    assert_eq!(code, Some(3), "still red: the go cell's inventory is missing");
    Ok(())
}

#[test]
fn a_cell_inventory_from_another_run_or_without_a_cell_is_not_merged() -> TestResult {
    let root = tempfile::tempdir()?;
    let inputs = root.path().join("run");
    run_cell(&inputs, 0, "200", &json!({"tool": "pytest"}), &[report("pytest", "base")])?;
    // A stale inventory from run 199 lies beside this run's verdict.
    run_cell(&inputs, 1, "199", &json!({"tool": "go"}), &[report("go", "base")])?;
    std::fs::remove_file(inputs.join("1").join("verdict.json"))?;
    run_cell(&root.path().join("other"), 1, "200", &json!({"tool": "go"}), &[report("go", "base")])?;
    std::fs::rename(root.path().join("other/1/verdict.json"), inputs.join("1").join("verdict.json"))?;
    // And an inventory written without --shard.
    let no_cell = inputs.join("2");
    std::fs::create_dir_all(&no_cell)?;
    let output = bin()
        .current_dir(&no_cell)
        .args(["check", "--commit", COMMIT, "--run-id", "200", "--inventory", "inventory.tginv", "--"])
        .arg(report("jest", "base"))
        .output()?;
    assert_eq!(output.status.code(), Some(0));

    let out = root.path().join("matrix.tginv").display().to_string();
    let (doc, code) = gate(&inputs, "200", &json!({"tool": ["pytest", "go"]}), &["--inventory", &out])?;
    assert_eq!(code, Some(3), "{doc:#}");
    let problems: Vec<&str> = findings_of(&doc, "TG247").iter().filter_map(|f| f["message"].as_str()).collect();
    assert!(problems.iter().any(|m| m.contains("is from run 199, not run 200")), "{problems:?}");
    assert!(problems.iter().any(|m| m.contains("names no matrix cell")), "{problems:?}");
    assert!(problems.iter().any(|m| m.contains("has a verdict and no test inventory")), "{problems:?}");
    assert_eq!(doc["inventory"]["cells"], 1, "only the pytest cell is merged: {doc:#}");
    Ok(())
}
