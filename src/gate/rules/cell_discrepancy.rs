use super::{GateFinding, GateRule, cell_name, rule_meta};
use crate::gate::{CellState, GateResult};
use crate::rules::{RuleMeta, Severity};
use crate::verdict::Status;

pub struct CellDiscrepancy;

static META: RuleMeta = RuleMeta {
    code: "TG235",
    name: "cell-discrepancy",
    summary: "a matrix cell's own verdict is a discrepancy",
    severity: Severity::Discrepancy,
    doc: r#"## What it checks
Carries up each cell whose counted verdict is a discrepancy: `truegreen check` in that job
found a claim contradicting the evidence, evidence missing, unreadable, truncated or empty,
or nothing run. The finding lists the cell's own findings (their rule codes and messages).
The status is re-derived from the document's findings and counts, not read from its
`status` field.

## Why it matters
The gate passes only when every cell passed. A cell whose evidence cannot be trusted did not
pass, even if its tests "look" green, and the gate must say so as loudly as the cell did.

## Example
A cell cancelled mid-run uploads a kane stream that stops inside a step: the cell's verdict
carries TG005 (truncated stream), and the gate reports TG235 for that cell.

## How to fix
Open the cell's verdict (the table links its run) and fix what its findings name; each has
its own rule page (`truegreen rules CODE`).
"#,
};

rule_meta!(CellDiscrepancy);

impl GateRule for CellDiscrepancy {
    fn judge(&self, gate: &GateResult, out: &mut Vec<GateFinding>) {
        for row in gate.cells.iter().filter(|r| r.state == CellState::Discrepancy) {
            let Some(v) = row.counted().filter(|v| v.status == Status::Discrepancy) else { continue };
            let own: Vec<String> = v
                .problems
                .iter()
                .filter(|p| p.severity != "failure")
                .take(3)
                .map(|p| format!("{} {}", p.rule, crate::text::truncate(&p.message, 300)))
                .collect();
            let detail = if own.is_empty() {
                format!("{} case(s) executed", v.executed)
            } else {
                let more = v.discrepancies.saturating_sub(own.len() as u64);
                let more = if more > 0 { format!("; and {more} more") } else { String::new() };
                format!("{}{more}", own.join("; "))
            };
            out.push(
                GateFinding::new(&META, format!("{}: its verdict is a discrepancy: {detail}", cell_name(&row.label)))
                    .cell(&row.cell)
                    .artifact(&v.path),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::gate::rules::testing::{expect, gate, judge, verdict};
    use crate::gate::shard::ShardProblem;

    #[test]
    fn carries_the_cells_own_findings_up() {
        let c = json!({"os": "win"});
        let mut v = verdict("w.json", c.clone(), Status::Discrepancy);
        v.problems.push(ShardProblem {
            rule: "TG005".into(),
            severity: "discrepancy".into(),
            message: "the stream ends inside test_md run #1".into(),
        });
        let found = judge(&CellDiscrepancy, &gate(expect(&[c]), vec![v], vec![]));
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].finding.message,
            "cell os=win: its verdict is a discrepancy: TG005 the stream ends inside test_md run #1"
        );
    }

    #[test]
    fn passing_and_failing_cells_are_not_reported() {
        let a = json!({"os": "a"});
        let b = json!({"os": "b"});
        let g = gate(
            expect(&[a.clone(), b.clone()]),
            vec![verdict("a.json", a, Status::Pass), verdict("b.json", b, Status::Fail)],
            vec![],
        );
        assert!(judge(&CellDiscrepancy, &g).is_empty());
    }
}
