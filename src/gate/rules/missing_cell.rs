use super::{GateFinding, GateRule, cell_name, rule_meta};
use crate::gate::{CellState, ExpectedSource, GateResult};
use crate::rules::{RuleMeta, Severity};

pub struct MissingCell;

static META: RuleMeta = RuleMeta {
    code: "TG230",
    name: "missing-cell",
    summary: "an expected matrix cell has no verdict",
    severity: Severity::Discrepancy,
    doc: r#"## What it checks
`truegreen gate` expands the matrix (`--expect-matrix`, or `--workflow` with `--job`) and
reports every cell for which no verdict document was found at all. With `--expect-count N`
the cells have no names, so it reports how many of the N are missing.

## Why it matters
A cell that never reports cannot fail. A cancelled or skipped matrix job, a job that
crashed before its report step, a `continue-on-error` cell, an artifact that was never
uploaded or never downloaded: each leaves a hole that job-level gates count as success.
GitHub's `needs.<job>.result` is one value for the whole matrix, so the hole is invisible
there.

## Example
A 3×2 matrix where the `os=macos, node=20` job was cancelled: five verdicts arrive, and the
gate names the sixth cell.

## How to fix
Find the cell's job in the run: did it run, and did its `truegreen check --json` step and its
upload step run (`if: always()`)? Check that the gate downloads every verdict artifact
(`pattern:` matches every name) and that the artifact names are unique per cell and attempt.
"#,
};

rule_meta!(MissingCell);

impl GateRule for MissingCell {
    fn judge(&self, gate: &GateResult, out: &mut Vec<GateFinding>) {
        if gate.expected.source == ExpectedSource::Count {
            let found = gate.cells.len() as u64;
            let want = gate.expected.count;
            if found < want {
                out.push(GateFinding::new(
                    &META,
                    format!(
                        "{} of {want} expected cell(s) have no verdict (--expect-count does not name cells; \
                         --expect-matrix or --workflow would)",
                        want - found
                    ),
                ));
            }
            return;
        }
        for row in gate.cells.iter().filter(|r| r.state == CellState::Missing) {
            out.push(
                GateFinding::new(
                    &META,
                    format!(
                        "{}: no verdict: its job was cancelled, skipped or failed before `truegreen check`, or its \
                         artifact was not uploaded or not downloaded",
                        cell_name(&row.label)
                    ),
                )
                .cell(&row.cell),
            );
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
    fn names_each_cell_without_a_verdict() {
        let g = gate(
            expect(&[json!({"os": "linux"}), json!({"os": "mac"})]),
            vec![verdict("a.json", json!({"os": "linux"}), Status::Pass)],
            vec![],
        );
        let found = judge(&MissingCell, &g);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].finding.message.starts_with("cell os=mac: no verdict"), "{}", found[0].finding.message);
        assert_eq!(found[0].cell.as_ref().map(|c| c.label()), Some("os=mac".to_owned()));
    }

    #[test]
    fn counts_missing_cells_when_they_have_no_names() {
        let g = gate(Expectation::count(3), vec![verdict("a.json", json!({"shard": 1}), Status::Pass)], vec![]);
        let found = judge(&MissingCell, &g);
        assert_eq!(found.len(), 1);
        assert!(found[0].finding.message.starts_with("2 of 3 expected cell(s) have no verdict"));
    }
}
