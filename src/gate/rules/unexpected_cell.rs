use super::{GateFinding, GateRule, cell_name, rule_meta};
use crate::gate::{CellState, ExpectedSource, GateResult};
use crate::rules::{RuleMeta, Severity};

pub struct UnexpectedCell;

static META: RuleMeta = RuleMeta {
    code: "TG232",
    name: "unexpected-cell",
    summary: "a verdict names a matrix cell the matrix does not define",
    severity: Severity::Discrepancy,
    doc: r#"## What it checks
Reports each verdict whose `--shard` cell is not one of the expected cells, and, with
`--expect-count N`, more than N distinct cells. Cells match by keys and values in any key
order; `3` and `"3"` are different values. When a verdict's cell differs from a missing
expected cell only in value types, the finding says so.

## Why it matters
A verdict for a cell nobody expects is either from another matrix (a stale or foreign
artifact), or a cell's job that reported the wrong cell, in which case the cell it should
have reported is missing. Either way the gate cannot count it.

## Example
The shard passed `--shard '{"os": "linux"}'` while the matrix is over `os` and `node`.

## How to fix
Pass exactly `toJSON(matrix)` as `--shard` (through an environment variable), and give the
gate the same matrix the jobs ran: the workflow file, or the JSON a setup job generated.
"#,
};

rule_meta!(UnexpectedCell);

impl GateRule for UnexpectedCell {
    fn judge(&self, gate: &GateResult, out: &mut Vec<GateFinding>) {
        if gate.expected.source == ExpectedSource::Count {
            let found = gate.cells.len() as u64;
            if found > gate.expected.count {
                out.push(GateFinding::new(
                    &META,
                    format!("verdicts name {found} distinct cells, {} expected", gate.expected.count),
                ));
            }
            return;
        }
        for row in gate.cells.iter().filter(|r| r.state == CellState::Unexpected) {
            let mut message = format!("{}: the matrix does not define this cell", cell_name(&row.label));
            let loose = row.cell.loose_key();
            if let Some(near) =
                gate.cells.iter().find(|r| r.expected && r.state == CellState::Missing && r.cell.loose_key() == loose)
            {
                message.push_str(&format!(
                    "; it differs from the missing {} only in value types ({} vs {}): pass toJSON(matrix) unchanged",
                    cell_name(&near.label),
                    crate::text::truncate(&row.cell.key(), 200),
                    crate::text::truncate(&near.cell.key(), 200),
                ));
            }
            let mut finding = GateFinding::new(&META, message).cell(&row.cell);
            if let Some(first) = row.verdicts.first() {
                finding = finding.artifact(&first.verdict.path);
            }
            out.push(finding);
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::gate::Expectation;
    use crate::gate::rules::testing::{expect, gate, judge, verdict};
    use crate::verdict::Status;

    #[test]
    fn a_cell_outside_the_matrix_is_reported_with_its_file() {
        let g = gate(
            expect(&[json!({"os": "linux"})]),
            vec![
                verdict("a.json", json!({"os": "linux"}), Status::Pass),
                verdict("b.json", json!({"os": "beos"}), Status::Pass),
            ],
            vec![],
        );
        let found = judge(&UnexpectedCell, &g);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].finding.message, "cell os=beos: the matrix does not define this cell");
        assert_eq!(found[0].finding.artifact.as_deref(), Some("b.json"));
    }

    #[test]
    fn a_type_only_difference_is_explained() {
        let g = gate(
            expect(&[json!({"python": 3})]),
            vec![verdict("a.json", json!({"python": "3"}), Status::Pass)],
            vec![],
        );
        let found = judge(&UnexpectedCell, &g);
        assert!(
            found[0].finding.message.contains(r#"only in value types ({"python":"3"} vs {"python":3})"#),
            "{}",
            found[0].finding.message
        );
    }

    #[test]
    fn too_many_cells_for_a_count() {
        let g = gate(
            Expectation::count(1),
            vec![verdict("a.json", json!({"i": 1}), Status::Pass), verdict("b.json", json!({"i": 2}), Status::Pass)],
            vec![],
        );
        let found = judge(&UnexpectedCell, &g);
        assert_eq!(found[0].finding.message, "verdicts name 2 distinct cells, 1 expected");
    }
}
