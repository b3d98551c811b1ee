use super::{GateFinding, GateRule, cell_name, rule_meta};
use crate::gate::{CellState, GateResult};
use crate::rules::{RuleMeta, Severity};

pub struct SelfContradiction;

static META: RuleMeta = RuleMeta {
    code: "TG236",
    name: "verdict-self-contradiction",
    summary: "a shard's verdict document contradicts itself",
    severity: Severity::Discrepancy,
    doc: r#"## What it checks
The gate does not take a shard's `status` on trust: it re-derives it from the document's
findings and counts, the way `truegreen check` decides (failed cases, less those its
waived failure records cover, fail the cell), and reports a document whose `status`,
`exit_code`, `totals.discrepancies`, `totals.waived` or executed count disagree with its
own findings, failure records and tallies, that waives more cases than failed, or that
carries a finding of unknown severity.

## Why it matters
Verdict documents are uploaded by jobs that may run a fork's code. A document edited to say
`"status": "pass"` while its findings list failures is exactly the false green the gate
exists to stop.

## Example
`{"status": "pass", "exit_code": 0, "totals": {"derived": {"failed": 2, ...}}}`.

## How to fix
Upload the document `truegreen check --json` wrote, unchanged, from the job that ran the
tests; do not post-process it. If it was not edited, report a bug with the document.
"#,
};

rule_meta!(SelfContradiction);

impl GateRule for SelfContradiction {
    fn judge(&self, gate: &GateResult, out: &mut Vec<GateFinding>) {
        for row in gate.cells.iter().filter(|r| r.state == CellState::Discrepancy) {
            let Some(v) = row.counted().filter(|v| !v.contradictions.is_empty()) else { continue };
            let reasons: Vec<String> = v.contradictions.iter().map(|c| crate::text::truncate(c, 300)).collect();
            out.push(
                GateFinding::new(
                    &META,
                    format!(
                        "{}: the verdict document contradicts itself: {}",
                        cell_name(&row.label),
                        reasons.join("; ")
                    ),
                )
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
    use crate::verdict::Status;

    #[test]
    fn a_document_claiming_pass_over_failures_is_reported() {
        let c = json!({"os": "linux"});
        let mut v = verdict("v.json", c.clone(), Status::Fail);
        v.claimed_status = Status::Pass;
        v.contradictions.push("status says pass, but its findings and counts say fail".into());
        let g = gate(expect(&[c]), vec![v], vec![]);
        assert_eq!(g.cells[0].state, CellState::Discrepancy);
        let found = judge(&SelfContradiction, &g);
        assert_eq!(
            found[0].finding.message,
            "cell os=linux: the verdict document contradicts itself: status says pass, but its findings and counts say fail"
        );
    }
}
