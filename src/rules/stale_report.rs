use super::{FRESHNESS_SLACK_SECONDS, Finding, Rule, RuleContext, RuleMeta, Severity};

pub struct StaleReport;

static META: RuleMeta = RuleMeta {
    code: "TG301",
    name: "stale-report",
    summary: "a report was last modified before the run started",
    severity: Severity::Discrepancy,
    doc: r#"## What it checks
With `--since TIME` (set automatically by `truegreen run` to the moment it started the
command), reports each artifact whose modification time is earlier than TIME, naming both
times. One second of slack absorbs file systems that round modification times.
Committed policy files (`.truegreen.yml`, pi's `suite_classification.toml`) and the ledger
file are not run output and are exempt; a ledger record whose suite started before TIME
is reported instead (a ledger kept from an earlier run).

## Why it matters
A report left over from an earlier run is read as this run's. fbi's hang test read a
`result.json` left behind by the previous run that had held the same run id, and
reported `succeeded` for a run that hung (PR 6). cargo-nextest leaves the previous
`junit.xml` in place when a compile error stops it before any test runs.

## Example
`truegreen run target/nextest/ci/junit.xml -- cargo nextest run --profile ci` where the
build fails: `junit.xml` is yesterday's.

## How to fix
Delete reports before the run that writes them (`rm -f` in the same step), and find out
why the producer did not overwrite it this time. Start each job with a new ledger.

## Reused reports
Some builds restore reports on purpose: Gradle skips an up-to-date `test` task, or takes
its outputs from the build cache, and `build/test-results` then holds the reports of the
run that produced them, with their old modification times. Accept them explicitly, per
pattern, with `reused-reports` in `.truegreen.yml` (a `pattern` and a `reason`) or
`--accept-reused PATTERN`: a matching report older than the run is then a warning that
says so and names the pattern. Its results are judged as usual. The default stays strict;
the ledger's records are never accepted this way.
"#,
};

rule_meta!(StaleReport);

impl Rule for StaleReport {
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let (Some(since), Some(fresh_after)) = (cx.policy.run.since, cx.policy.run.fresh_after()) else { return };
        for ev in cx.run_outputs() {
            let Some(modified) = ev.info.modified else { continue };
            if modified < fresh_after {
                let age = since - modified;
                let reused = cx.policy.run.reused(&ev.info.path);
                let verdict = match reused {
                    Some(reused) => format!("older than the run, {}", reused.describe()),
                    None => "a report from an earlier run".to_owned(),
                };
                let mut finding = META
                    .finding(format!(
                        "last modified {}, {} before the run started at {}: {verdict}",
                        modified.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                        describe_duration(age),
                        since.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                    ))
                    .artifact(&ev.info.path)
                    .side_by_side(
                        format!(
                            "written by this run (after {})",
                            since.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                        ),
                        format!(
                            "modified {} (slack {FRESHNESS_SLACK_SECONDS}s)",
                            modified.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                        ),
                    );
                if reused.is_some() {
                    finding.severity = Severity::Warning;
                }
                out.push(finding);
            }
        }
        for (ledger, run) in super::suites::runs(cx) {
            if run.started < fresh_after {
                let started = run.started.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
                out.push(
                    META.finding(format!(
                        "the ledger records suite {:?} started {started}, before the run started at {}: \
                         a record from an earlier run",
                        run.suite,
                        since.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                    ))
                    .artifact(&ledger.info.path)
                    .position(&run.position),
                );
            }
        }
    }
}

/// `3 h 12 min`, `45 s`: how much older than the run an artifact is.
pub fn describe_duration(d: chrono::Duration) -> String {
    let secs = d.num_seconds().max(0);
    match secs {
        0..=119 => format!("{secs} s"),
        120..=7199 => format!("{} min", secs / 60),
        7200..=172_799 => format!("{} h {} min", secs / 3600, secs % 3600 / 60),
        _ => format!("{} day(s)", secs / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Format;
    use crate::rules::testing::{evidence, policy, run};
    use chrono::{DateTime, Duration, Utc};

    fn at(s: &str) -> Option<DateTime<Utc>> {
        DateTime::parse_from_rfc3339(s).ok().map(|d| d.with_timezone(&Utc))
    }

    fn artifact(path: &str, format: Format, modified: &str) -> crate::model::Evidence {
        let mut ev = evidence(path, format);
        ev.info.modified = at(modified);
        ev
    }

    #[test]
    fn reports_older_than_the_run_are_stale_with_one_second_of_slack() {
        let mut policy = policy();
        policy.run.since = at("2026-11-20T10:00:00Z");
        let artifacts = [
            artifact("old.xml", Format::Kane, "2026-11-19T09:00:00Z"),
            artifact("rounded.xml", Format::Kane, "2026-11-20T09:59:59.500Z"),
            artifact("fresh.xml", Format::Kane, "2026-11-20T10:00:03Z"),
            artifact(".truegreen.yml", Format::TruegreenConfig, "2026-01-01T00:00:00Z"),
        ];
        let found = run(&StaleReport, &artifacts, &policy);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].artifact.as_deref(), Some("old.xml"));
        assert!(found[0].message.contains("2026-11-19T09:00:00Z, 25 h 0 min before"), "{}", found[0].message);
    }

    #[test]
    fn ledger_records_from_an_earlier_run_are_stale() {
        let mut policy = policy();
        policy.run.since = at("1970-01-01T00:00:10Z");
        let mut ledger = evidence("suites.jsonl", Format::TruegreenLedger);
        ledger.observe(crate::model::Observation::SuiteRun(crate::rules::testing::suite_run("vm", 0, &[])));
        let found = run(&StaleReport, &[ledger], &policy);
        assert_eq!(found.len(), 1);
        assert!(found[0].message.starts_with("the ledger records suite \"vm\" started 1970-01-01T00:00:00Z"));
    }

    #[test]
    fn reports_accepted_as_reused_are_warnings_naming_the_pattern() {
        let mut policy = policy();
        policy.run.since = at("2026-11-20T10:00:00Z");
        policy.run.reused.push(crate::rules::ReusedReports {
            pattern: "build/test-results/**/*.xml".into(),
            origin: "reused-reports".into(),
            reason: Some("Gradle build cache".into()),
            matched: vec!["build/test-results/test/TEST-a.xml".into()],
        });
        let artifacts = [
            artifact("build/test-results/test/TEST-a.xml", Format::Junit, "2026-11-19T09:00:00Z"),
            artifact("other/TEST-b.xml", Format::Junit, "2026-11-19T09:00:00Z"),
        ];
        let found = run(&StaleReport, &artifacts, &policy);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].severity, Severity::Warning);
        assert_eq!(
            found[0].message,
            "last modified 2026-11-19T09:00:00Z, 25 h 0 min before the run started at 2026-11-20T10:00:00Z: \
             older than the run, accepted as reused by reused-reports \"build/test-results/**/*.xml\" (Gradle build cache)"
        );
        assert_eq!(
            (found[1].artifact.as_deref(), found[1].severity),
            (Some("other/TEST-b.xml"), Severity::Discrepancy)
        );
    }

    #[test]
    fn without_since_nothing_is_stale() {
        assert!(run(&StaleReport, &[artifact("old.xml", Format::Kane, "2000-01-01T00:00:00Z")], &policy()).is_empty());
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(describe_duration(Duration::seconds(5)), "5 s");
        assert_eq!(describe_duration(Duration::seconds(600)), "10 min");
        assert_eq!(describe_duration(Duration::seconds(3 * 3600 + 720)), "3 h 12 min");
    }
}
