use super::{GateFinding, GateRule, rule_meta};
use crate::gate::GateResult;
use crate::rules::{RuleMeta, Severity};

pub struct UnreadableVerdict;

static META: RuleMeta = RuleMeta {
    code: "TG234",
    name: "unreadable-verdict",
    summary: "a verdict path is missing, unreadable, or not a truegreen verdict document",
    severity: Severity::Discrepancy,
    doc: r#"## What it checks
Reports each VERDICT argument that leads to nothing (a missing file, a glob that matches
nothing, a directory without verdict documents), and each file that is not a
`truegreen.verdict.v1` document the gate can read: invalid JSON, another schema, a field of
the wrong type, or no matrix cell (`context.shard`). Files found by scanning a directory
are read only when they declare a `truegreen.verdict` schema; others are listed as ignored.

## Why it matters
A verdict the gate cannot read is a cell it cannot judge. A truncated upload, a document
from an incompatible version, or a hand-edited file must not pass as "no news".

## Example
`verdicts/test-3/verdict.json` holds half a document because the job ran out of disk.

## How to fix
Look at the named file. Produce it with `truegreen check --shard "$MATRIX" --json FILE` from
the same truegreen version as the gate, and upload it unchanged.
"#,
};

rule_meta!(UnreadableVerdict);

impl GateRule for UnreadableVerdict {
    fn judge(&self, gate: &GateResult, out: &mut Vec<GateFinding>) {
        for u in &gate.unreadable {
            out.push(GateFinding::new(&META, u.detail.clone()).artifact(&u.path));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gate::rules::testing::{expect, gate_with, judge};
    use crate::gate::shard::Unreadable;

    #[test]
    fn each_unreadable_path_is_named() {
        let unreadable = vec![Unreadable { path: "v/half.json".into(), detail: "not a JSON document".into() }];
        let found = judge(&UnreadableVerdict, &gate_with(expect(&[]), vec![], unreadable, vec![]));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].finding.artifact.as_deref(), Some("v/half.json"));
    }
}
