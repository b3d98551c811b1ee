use super::{GateFinding, GateRule, cell_name, rule_meta};
use crate::gate::{GateResult, Role};
use crate::rules::{RuleMeta, Severity};

pub struct StaleVerdict;

static META: RuleMeta = RuleMeta {
    code: "TG233",
    name: "stale-verdict",
    summary: "a verdict comes from another commit or another run",
    severity: Severity::Discrepancy,
    doc: r#"## What it checks
Each verdict records the commit, run id and run attempt of the job that wrote it
(`GITHUB_SHA`, `GITHUB_RUN_ID`, `GITHUB_RUN_ATTEMPT`, or `truegreen check` flags). The gate
requires the commit given by `--commit` (default `GITHUB_SHA`) and the run given by `--run-id`
(default `GITHUB_RUN_ID`), and reports every verdict that records another, or none. A cell
whose only verdicts are stale counts as not run. Commits match exactly, or by prefix when one
side is abbreviated to at least 7 characters.

## Why it matters
An artifact from yesterday's run, another branch, or a cache restores a green verdict for
code that was never tested. This is how "green" gates pass on commits whose tests did not
run.

## Example
The gate downloads artifacts with `run-id:` set to another run, and a cell's verdict says
`commit: 1a2b3c` while the gate runs on `4d5e6f`.

## How to fix
Download only this run's artifacts. Run `truegreen check` inside the job that ran the tests, so
it records that job's commit and run. A gate in another workflow (`workflow_run`) should pass
`--commit ${{ github.event.workflow_run.head_sha }}` and `--run-id ${{ github.event.workflow_run.id }}`.
"#,
};

rule_meta!(StaleVerdict);

impl GateRule for StaleVerdict {
    fn judge(&self, gate: &GateResult, out: &mut Vec<GateFinding>) {
        for row in &gate.cells {
            for v in row.with_role(Role::Stale) {
                let reason = v.stale_reason.as_deref().unwrap_or("is from another run");
                out.push(
                    GateFinding::new(&META, format!("{}: the verdict {reason}", cell_name(&row.label)))
                        .cell(&row.cell)
                        .artifact(&v.verdict.path),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::gate::CellState;
    use crate::gate::rules::testing::{expect, gate, judge, verdict};
    use crate::verdict::Status;

    #[test]
    fn another_commit_another_run_or_none_is_stale() {
        let c = json!({"os": "linux"});
        let mut old = verdict("old.json", c.clone(), Status::Pass);
        old.commit = Some("c0".into());
        let mut other_run = verdict("run.json", c.clone(), Status::Pass);
        other_run.run_id = Some("7".into());
        let mut unmarked = verdict("none.json", c.clone(), Status::Pass);
        unmarked.commit = None;
        let g = gate(expect(&[c]), vec![old, other_run, unmarked], vec![]);
        let found = judge(&StaleVerdict, &g);
        let messages: Vec<&str> = found.iter().map(|f| f.finding.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "cell os=linux: the verdict is from commit c0, not c1",
                "cell os=linux: the verdict is from run 7, not run 1",
                "cell os=linux: the verdict records no commit, so it cannot be shown to be from c1",
            ]
        );
        assert_eq!(g.cells[0].state, CellState::Stale);
    }

    #[test]
    fn a_stale_copy_beside_a_fresh_verdict_is_still_reported() {
        let c = json!({"os": "linux"});
        let mut old = verdict("old.json", c.clone(), Status::Pass);
        old.commit = Some("0000000".into());
        let g = gate(expect(std::slice::from_ref(&c)), vec![verdict("new.json", c, Status::Pass), old], vec![]);
        assert_eq!(g.cells[0].state, CellState::Pass);
        assert_eq!(judge(&StaleVerdict, &g).len(), 1);
    }
}
