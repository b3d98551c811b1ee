//! The gate end to end over in-memory verdicts: the issue's 3×2 matrix with one
//! cell missing, one duplicated, one stale and one cancelled; re-runs; links;
//! counts; needs only.

use serde_json::json;

use super::rules::testing::{expect_cells, gate, gate_with, ordered_cell, verdict_for};
use super::shard::{Collected, ShardProblem};
use super::*;

fn cells_3x2() -> Vec<Cell> {
    let mut cells = Vec::new();
    for os in ["linux", "macos", "windows"] {
        for node in [18, 20] {
            cells.push(ordered_cell(&[("os", json!(os)), ("node", json!(node))]));
        }
    }
    cells
}

fn codes(result: &GateResult) -> Vec<String> {
    let mut codes: Vec<String> = result.findings.iter().map(|f| f.finding.rule.clone()).collect();
    codes.sort();
    codes.dedup();
    codes
}

fn states(result: &GateResult) -> Vec<(String, CellState)> {
    result.cells.iter().map(|r| (r.label.clone(), r.state)).collect()
}

#[test]
fn the_3x2_matrix_with_a_missing_a_duplicate_a_stale_and_a_cancelled_cell() -> Result<(), needs::NeedsError> {
    let c = cells_3x2();
    let mut stale = verdict_for("macos-20.json", c[3].clone(), Status::Pass);
    stale.commit = Some("0ld0ld0ld".into());
    let mut cancelled = verdict_for("windows-18.json", c[4].clone(), Status::Discrepancy);
    cancelled.problems.push(ShardProblem {
        rule: "TG005".into(),
        severity: "discrepancy".into(),
        message: "the stream ends inside test_md run #1 without a test_md_summary".into(),
    });
    let verdicts = vec![
        verdict_for("linux-18.json", c[0].clone(), Status::Pass),
        verdict_for("linux-20.json", c[1].clone(), Status::Pass),
        verdict_for("linux-20-again.json", c[1].clone(), Status::Pass),
        stale,
        cancelled,
        verdict_for("windows-20.json", c[5].clone(), Status::Fail),
    ];
    let jobs = needs::judge(r#"{"test": {"result": "cancelled", "outputs": {}}}"#, &[], &[])?;
    let result = gate(expect_cells(c), verdicts, jobs);

    assert_eq!(
        states(&result),
        [
            ("os=linux, node=18".to_owned(), CellState::Pass),
            ("os=linux, node=20".to_owned(), CellState::Duplicate),
            ("os=macos, node=18".to_owned(), CellState::Missing),
            ("os=macos, node=20".to_owned(), CellState::Stale),
            ("os=windows, node=18".to_owned(), CellState::Discrepancy),
            ("os=windows, node=20".to_owned(), CellState::Fail),
        ]
    );
    assert_eq!(codes(&result), ["TG230", "TG231", "TG233", "TG235", "TG237", "TG238"]);
    assert_eq!((result.status, result.exit_code), (Status::Discrepancy, 3));
    let t = &result.totals;
    assert_eq!((t.expected, t.passed, t.missing, t.duplicate, t.stale, t.discrepancy, t.failed), (6, 1, 1, 1, 1, 1, 1));
    assert_eq!(t.verdicts, 6);
    // Discrepancy findings come first.
    assert_eq!(result.findings.last().map(|f| f.finding.rule.as_str()), Some("TG237"));
    // Each problem cell carries its own discrepancy in the table.
    let discrepancies: Vec<u64> = result.cells.iter().map(|r| r.discrepancies).collect();
    assert_eq!(discrepancies, [0, 1, 1, 1, 1, 0]);
    Ok(())
}

#[test]
fn all_cells_passing_passes() {
    let c = cells_3x2();
    let verdicts = c.iter().enumerate().map(|(i, cell)| verdict_for(&format!("{i}.json"), cell.clone(), Status::Pass));
    let result = gate(expect_cells(c.clone()), verdicts.collect(), vec![]);
    assert_eq!((result.status, result.exit_code), (Status::Pass, 0), "{:?}", result.findings);
    assert!(result.findings.is_empty());
    assert_eq!(result.totals.passed, 6);
}

#[test]
fn only_failures_fail_with_exit_1() {
    let c = cells_3x2();
    let verdicts = c.iter().enumerate().map(|(i, cell)| {
        verdict_for(&format!("{i}.json"), cell.clone(), if i == 2 { Status::Fail } else { Status::Pass })
    });
    let result = gate(expect_cells(c.clone()), verdicts.collect(), vec![]);
    assert_eq!((result.status, result.exit_code), (Status::Fail, 1));
    assert_eq!(codes(&result), ["TG237"]);
}

#[test]
fn the_latest_attempt_of_a_cell_wins() {
    let c = cells_3x2();
    let mut verdicts: Vec<_> = c
        .iter()
        .enumerate()
        .map(|(i, cell)| verdict_for(&format!("a1-{i}.json"), cell.clone(), Status::Pass))
        .collect();
    // Attempt 1 failed cell 5; "re-run failed jobs" made attempt 2, which passed.
    verdicts[5].status = Status::Fail;
    let mut retry = verdict_for("a2-5.json", c[5].clone(), Status::Pass);
    retry.run_attempt = Some(2);
    verdicts.push(retry);
    let result = gate(expect_cells(c.clone()), verdicts.clone(), vec![]);
    assert_eq!(result.status, Status::Pass, "{:?}", result.findings);
    let row = &result.cells[5];
    assert_eq!(row.counted().map(|v| v.path.as_str()), Some("a2-5.json"));
    assert_eq!(row.with_role(Role::Superseded).count(), 1);
    assert_eq!(super::super::render::gate::state_text(row), "pass (retried)");

    // The other way round: attempt 2 failed after attempt 1 passed. The later one counts.
    verdicts[5].status = Status::Pass;
    if let Some(last) = verdicts.last_mut() {
        last.status = Status::Fail;
    }
    assert_eq!(gate(expect_cells(c), verdicts, vec![]).status, Status::Fail);
}

#[test]
fn a_verdict_with_an_attempt_number_outranks_one_without() {
    let c = cells_3x2();
    let mut unnumbered = verdict_for("x.json", c[0].clone(), Status::Fail);
    unnumbered.run_attempt = None;
    let numbered = verdict_for("y.json", c[0].clone(), Status::Pass);
    let result = gate(expect_cells(vec![c[0].clone()]), vec![unnumbered, numbered], vec![]);
    assert_eq!(result.status, Status::Pass);
}

#[test]
fn provenance_is_checked_only_when_known_and_abbreviated_commits_match() {
    let c = cells_3x2();
    let mut v = verdict_for("v.json", c[0].clone(), Status::Pass);
    v.commit = Some("ABCDEF1234567890".into());
    let request = GateRequest {
        verdicts: Vec::new(),
        expectation: expect_cells(vec![c[0].clone()]),
        provenance: Provenance { commit: Some("abcdef1".into()), run_id: None },
        jobs: Vec::new(),
        links: None,
        inventory: Default::default(),
    };
    let collected = || Collected { verdicts: vec![v.clone()], ..Collected::default() };
    assert_eq!(evaluate(collected(), &request).status, Status::Pass);
    let unchecked = GateRequest { provenance: Provenance::default(), ..request.clone() };
    assert_eq!(evaluate(collected(), &unchecked).status, Status::Pass);
    let other = GateRequest { provenance: Provenance { commit: Some("abcdef2".into()), run_id: None }, ..request };
    assert_eq!(evaluate(collected(), &other).cells[0].state, CellState::Stale);
}

#[test]
fn links_come_from_the_gates_environment_and_numeric_run_ids() {
    let c = cells_3x2();
    let mut good = verdict_for("a.json", c[0].clone(), Status::Pass);
    good.run_id = Some("123".into());
    good.run_attempt = Some(2);
    let mut offered = verdict_for("b.json", c[1].clone(), Status::Pass);
    offered.run_url = Some("https://github.com/o/r/actions/runs/123/job/9".into());
    offered.run_id = Some("123".into());
    let mut hostile = verdict_for("c.json", c[2].clone(), Status::Pass);
    hostile.run_url = Some("https://evil.example/phish".into());
    hostile.run_id = Some("1) [x](http://evil".into());
    let request = GateRequest {
        verdicts: Vec::new(),
        expectation: expect_cells(c[..3].to_vec()),
        provenance: Provenance::default(),
        jobs: Vec::new(),
        links: Some(LinkBase { server_url: "https://github.com/".into(), repository: "o/r".into() }),
        inventory: Default::default(),
    };
    let result = evaluate(Collected { verdicts: vec![good, offered, hostile], ..Collected::default() }, &request);
    let links: Vec<Option<&str>> = result.cells.iter().map(|r| r.link.as_deref()).collect();
    assert_eq!(
        links,
        [
            Some("https://github.com/o/r/actions/runs/123/attempts/2"),
            Some("https://github.com/o/r/actions/runs/123/job/9"),
            None,
        ]
    );
}

#[test]
fn a_count_expects_that_many_distinct_cells() {
    let verdicts =
        (0..3).map(|i| verdict_for(&format!("{i}.json"), ordered_cell(&[("shard", json!(i))]), Status::Pass));
    let result = gate(Expectation::count(3), verdicts.collect(), vec![]);
    assert_eq!(result.status, Status::Pass, "{:?}", result.findings);
    let verdicts =
        (0..2).map(|i| verdict_for(&format!("{i}.json"), ordered_cell(&[("shard", json!(i))]), Status::Pass));
    let result = gate(Expectation::count(3), verdicts.collect(), vec![]);
    assert_eq!((result.status, result.totals.missing), (Status::Discrepancy, 1));
    assert_eq!(codes(&result), ["TG230"]);
    let verdicts =
        (0..4).map(|i| verdict_for(&format!("{i}.json"), ordered_cell(&[("shard", json!(i))]), Status::Pass));
    let result = gate(Expectation::count(3), verdicts.collect(), vec![]);
    assert_eq!(codes(&result), ["TG232"]);
    assert_eq!(
        crate::render::gate::cells_sentence(&result),
        "0 of 3 expected cell(s) did not pass; 1 more cell(s) reported than expected."
    );
}

#[test]
fn needs_alone_is_alls_green() -> Result<(), needs::NeedsError> {
    let ok = needs::judge(r#"{"a": {"result": "success"}, "b": {"result": "skipped"}}"#, &[], &["b".into()])?;
    let result = gate(Expectation::none(), vec![], ok);
    assert_eq!(result.status, Status::Pass, "{:?}", result.findings);
    assert_eq!(codes(&result), ["TG242"]);
    let skipped = needs::judge(r#"{"a": {"result": "success"}, "b": {"result": "skipped"}}"#, &[], &[])?;
    assert_eq!(gate(Expectation::none(), vec![], skipped).exit_code, 3);
    let failed = needs::judge(r#"{"a": {"result": "failure"}}"#, &[], &[])?;
    assert_eq!(gate(Expectation::none(), vec![], failed).exit_code, 1);
    Ok(())
}

#[test]
fn unreadable_documents_make_the_gate_a_discrepancy() {
    let c = cells_3x2();
    let verdicts = c.iter().enumerate().map(|(i, cell)| verdict_for(&format!("{i}.json"), cell.clone(), Status::Pass));
    let unreadable = vec![shard::Unreadable { path: "7.json".into(), detail: "not a JSON document".into() }];
    let result = gate_with(expect_cells(c.clone()), verdicts.collect(), unreadable, vec![]);
    assert_eq!(codes(&result), ["TG234"]);
    assert_eq!(result.exit_code, 3);
}
