use super::{Finding, Rule, RuleContext, RuleMeta, Severity};
use crate::model::Observation;

pub struct SetAside;

static META: RuleMeta = RuleMeta {
    code: "TG502",
    name: "not-a-result",
    summary: "something that reads as a test result is not one, and was set aside",
    severity: Severity::Warning,
    doc: r#"## What it checks
Warns about each line a reader kept out of the results because it only looks like one.
go 1.19's `test2json` reads every line a test prints that looks like go's own framing as
if go had written it: a passing test that prints `--- FAIL: TestGhost (0.00s)` yields a
`fail` event for `TestGhost`, a test that never had a `run` event, while the package
passes and `go test` exits 0. truegreen reads such an event as that output, not as a
result, and names the line here. (Go 1.20+ marks its own framing lines, so printed text
stays output there.)

## Why it matters
Counting the printed line as a failure is a false alarm on an honest run; ignoring it
silently would hide what the test printed. A genuine failure is never set aside: a test
go runs always has a `run` event before its result, and a package that failed is a
failure by its own final event whatever its tests' events say.

## Example
`{"Action":"fail","Package":"example.com/forged","Test":"TestGhost"}` at line 4, with no
`run` event for `TestGhost`.

## How to fix
Nothing is wrong with the run. Stop printing go's framing lines from tests, or move to
go 1.20 or later.
"#,
};

rule_meta!(SetAside);

impl Rule for SetAside {
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for ev in cx.artifacts {
            for obs in &ev.observations {
                if let Observation::SetAside { detail, position } = obs {
                    out.push(META.finding(detail.clone()).artifact(&ev.info.path).position(position));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Format, Position};
    use crate::rules::testing::{evidence, policy, run};

    #[test]
    fn each_line_set_aside_is_a_warning_at_its_position() {
        let mut ev = evidence("go.jsonl", Format::GoTestJson);
        ev.observe(Observation::SetAside { detail: "not a result".into(), position: Position::line(4) });
        let found = run(&SetAside, &[ev], &policy());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Warning);
        assert_eq!(found[0].position, Some(Position::line(4)));
        assert_eq!(found[0].message, "not a result");
    }
}
