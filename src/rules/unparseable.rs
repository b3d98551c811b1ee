use super::{Finding, Rule, RuleContext, RuleMeta, Severity};
use crate::model::Observation;

pub struct Unparseable;

static META: RuleMeta = RuleMeta {
    code: "TG001",
    name: "unparseable-artifact",
    summary: "an artifact could not be read as its format",
    severity: Severity::Discrepancy,
    doc: r#"## What it checks
Reports an artifact whose bytes are not valid for its format: invalid JSON or XML, a value
of the wrong type, invalid UTF-8, a number out of range, a file cut off in the middle.
The finding names the file and the line, column or byte offset where reading stopped.

## Why it matters
A reader that skips what it cannot parse, or recovers from it, turns a crashed or
truncated report into a shorter, greener one. A report that cannot be read proves
nothing, so truegreen never counts it as a pass.

## Example
`result.json` holding `{"exit_code": 0, "passed": 12` (cut off): TG001 at byte 27.

## How to fix
Find out why the producer wrote a broken file (crash, full disk, killed job) and rerun.
"#,
};

rule_meta!(Unparseable);

impl Rule for Unparseable {
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for ev in cx.artifacts {
            for obs in &ev.observations {
                if let Observation::Unparseable { message, position } = obs {
                    let format = ev.format().map_or("report".to_owned(), |f| f.id().to_owned());
                    out.push(
                        META.finding(format!("cannot read as {format}: {message}"))
                            .artifact(&ev.info.path)
                            .position(position),
                    );
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
    fn reports_each_unparseable_observation_with_its_position() {
        let mut ev = evidence("r.json", Format::PiResult);
        ev.unparseable("EOF while parsing an object", Position::line(3));
        let found = run(&Unparseable, &[ev], &policy());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].rule, "TG001");
        assert_eq!(found[0].position, Some(Position::line(3)));
        assert!(found[0].message.contains("pi-result"));
    }

    #[test]
    fn silent_on_clean_artifacts() {
        assert!(run(&Unparseable, &[evidence("r.json", Format::PiResult)], &policy()).is_empty());
    }
}
