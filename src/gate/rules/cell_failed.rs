use super::{GateFinding, GateRule, cell_name, rule_meta};
use crate::gate::{CellState, GateResult};
use crate::rules::{RuleMeta, Severity};

pub struct CellFailed;

static META: RuleMeta = RuleMeta {
    code: "TG237",
    name: "cell-failed",
    summary: "a matrix cell's tests failed",
    severity: Severity::Failure,
    doc: r#"## What it checks
Carries up each expected cell whose counted verdict is an honest failure: its evidence is
consistent and some of its tests failed. The finding gives the number of failures and the
cell's first replay command; the report lists all of them.

## Why it matters
One required check must fail when any cell fails, and say which cell and how to rerun the
failure with that cell's settings.

## Example
`os=windows-latest, node=20`: 1 test failed, replay `cargo nextest run -E 'test(=io::path)'`.

## How to fix
Run the replay command in the cell's environment (the cell's matrix values name it), fix the
test or the code, push.
"#,
};

rule_meta!(CellFailed);

impl GateRule for CellFailed {
    fn judge(&self, gate: &GateResult, out: &mut Vec<GateFinding>) {
        for row in gate.cells.iter().filter(|r| r.state == CellState::Fail) {
            let Some(v) = row.counted() else { continue };
            let what = if v.failed > 0 {
                format!("{} of {} test(s) failed", v.failed, v.executed)
            } else {
                let rules: Vec<&str> =
                    v.problems.iter().filter(|p| p.severity == "failure").map(|p| p.rule.as_str()).take(5).collect();
                format!("its verdict failed ({})", rules.join(", "))
            };
            out.push(
                GateFinding::new(&META, format!("{}: {what}", cell_name(&row.label)))
                    .cell(&row.cell)
                    .artifact(&v.path)
                    .replay(v.replay.first().map(String::as_str)),
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
    fn reports_the_failed_cell_with_its_replay() {
        let c = json!({"os": "win", "node": 20});
        let mut v = verdict("w.json", c.clone(), Status::Fail);
        v.replay.push("cargo test -- --exact io::path".into());
        let g = gate(expect(&[c]), vec![v], vec![]);
        let found = judge(&CellFailed, &g);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].finding.message, "cell node=20, os=win: 1 of 3 test(s) failed");
        assert_eq!(found[0].finding.replay.as_deref(), Some("cargo test -- --exact io::path"));
        assert_eq!(found[0].finding.severity, Severity::Failure);
    }
}
