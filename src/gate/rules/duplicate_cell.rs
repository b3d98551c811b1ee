use super::{GateFinding, GateRule, cell_name, rule_meta};
use crate::gate::{CellState, GateResult, Role};
use crate::rules::{RuleMeta, Severity};

pub struct DuplicateCell;

static META: RuleMeta = RuleMeta {
    code: "TG231",
    name: "duplicate-cell",
    summary: "a matrix cell has more than one verdict in the same run attempt",
    severity: Severity::Discrepancy,
    doc: r#"## What it checks
Reports a cell for which more than one verdict document comes from the latest run
attempt of that cell. Verdicts from earlier attempts are not duplicates: a re-run
supersedes them (see `truegreen gate --help`).

## Why it matters
Exactly one verdict per cell is what makes the gate trustworthy. Two verdicts for one cell
mean two jobs claimed the same cell, so some other cell's job reported the wrong `--shard`
(and that cell is unaccounted for), or the same artifact was downloaded twice into
different places, or the matrix definition produces the same combination twice. Picking
either verdict would be a guess.

## Example
`--shard` was built from `matrix.os` only in a matrix over `os` and `node`: the two
`node` cells of each `os` report the same cell.

## How to fix
Pass the whole matrix: `--shard "$MATRIX"` with `MATRIX: ${{ toJSON(matrix) }}`. Give each
uploaded artifact a unique name (the job index and the run attempt), and download each
into its own directory. If the matrix lists a combination twice, remove the repeat.
"#,
};

rule_meta!(DuplicateCell);

impl GateRule for DuplicateCell {
    fn judge(&self, gate: &GateResult, out: &mut Vec<GateFinding>) {
        for row in gate.cells.iter().filter(|r| r.state == CellState::Duplicate) {
            let same: Vec<_> = row.with_role(Role::Counted).chain(row.with_role(Role::Duplicate)).collect();
            let paths: Vec<&str> = same.iter().map(|v| v.verdict.path.as_str()).collect();
            let attempt = same
                .first()
                .and_then(|v| v.verdict.run_attempt)
                .map_or_else(|| "without an attempt number".to_owned(), |a| format!("in run attempt {a}"));
            let mut message =
                format!("{}: {} verdicts {attempt}: {}", cell_name(&row.label), same.len(), paths.join(", "));
            if same.windows(2).all(|w| w[0].verdict.sha256 == w[1].verdict.sha256) {
                message.push_str(" (identical documents: the same artifact downloaded twice?)");
            }
            let key = row.cell.key();
            if gate.expected.repeated.iter().any(|c| c.key() == key) {
                message.push_str(" (the matrix definition produces this cell more than once)");
            }
            out.push(GateFinding::new(&META, message).cell(&row.cell));
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::gate::rules::testing::{expect, gate, judge, verdict};
    use crate::verdict::Status;

    #[test]
    fn two_verdicts_in_one_attempt_are_a_duplicate() {
        let c = json!({"os": "linux"});
        let g = gate(
            expect(std::slice::from_ref(&c)),
            vec![verdict("a.json", c.clone(), Status::Pass), verdict("b.json", c, Status::Pass)],
            vec![],
        );
        let found = judge(&DuplicateCell, &g);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].finding.message, "cell os=linux: 2 verdicts in run attempt 1: a.json, b.json");
    }

    #[test]
    fn a_later_attempt_supersedes_instead() {
        let c = json!({"os": "linux"});
        let mut retry = verdict("b.json", c.clone(), Status::Pass);
        retry.run_attempt = Some(2);
        let g = gate(expect(std::slice::from_ref(&c)), vec![verdict("a.json", c, Status::Fail), retry], vec![]);
        assert!(judge(&DuplicateCell, &g).is_empty());
        assert_eq!(g.cells[0].state, CellState::Pass);
    }

    #[test]
    fn identical_copies_and_repeated_definitions_are_explained() {
        let c = json!({"os": "linux"});
        let mut a = verdict("x/v.json", c.clone(), Status::Pass);
        let mut b = verdict("y/v.json", c.clone(), Status::Pass);
        a.sha256 = "same".into();
        b.sha256 = "same".into();
        let mut expectation = expect(std::slice::from_ref(&c));
        expectation.repeated = expectation.cells.clone();
        let found = judge(&DuplicateCell, &gate(expectation, vec![a, b], vec![]));
        assert!(found[0].finding.message.contains("identical documents"), "{}", found[0].finding.message);
        assert!(found[0].finding.message.contains("produces this cell more than once"));
    }
}
