//! truegreen's own suite ledger (`truegreen.ledger.v1`, see [`crate::ledger`]):
//! each line becomes an [`Observation::SuiteRun`] for the completeness rules.

use std::io::BufRead;

use super::json::sniff_string_field;
use super::{ParseError, ReadContext, Sniff};
use crate::ledger::{Record, SCHEMA};
use crate::model::{Evidence, Format, Observation};

const MAX_LINE_BYTES: usize = 1024 * 1024;

pub fn detect(sniff: &Sniff<'_>) -> Option<Format> {
    let first = sniff.lines(1).next()?;
    (first.starts_with('{') && sniff_string_field(first, "schema") == Some(SCHEMA)).then_some(Format::TruegreenLedger)
}

pub fn read(input: &mut dyn BufRead, ev: &mut Evidence, _cx: &ReadContext<'_>) -> Result<(), ParseError> {
    let mut lines = super::lines::LineReader::new(input, MAX_LINE_BYTES);
    while let Some(line) = lines.next_strict_line()? {
        let at = line.position();
        let text = line.text.trim();
        if text.is_empty() {
            continue;
        }
        let record: Record = serde_json::from_str(text)
            .map_err(|e| ParseError::new(format!("invalid ledger record: {e}"), at.clone()))?;
        if record.schema != SCHEMA {
            return Err(ParseError::new(
                format!("unknown ledger schema {:?} (expected {SCHEMA})", record.schema),
                at.with_field("schema"),
            ));
        }
        let mut run = record.run;
        run.position = at;
        // Stored relative to the ledger; resolved here, so every reader of the
        // observation sees paths as discovery spells them.
        let ledger = std::path::Path::new(&ev.info.path);
        for report in &mut run.reports {
            *report = crate::ledger::resolve_report(ledger, report);
        }
        ev.observe(Observation::SuiteRun(run));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ArtifactInfo, EvidenceLimits, SuiteRun};

    fn run(suite: &str, exit_status: i32) -> SuiteRun {
        SuiteRun {
            suite: suite.into(),
            argv: vec!["bash".into(), format!("tests/{suite}.sh")],
            exit_status,
            signal: None,
            started: chrono::DateTime::UNIX_EPOCH,
            ended: chrono::DateTime::UNIX_EPOCH,
            reports: vec![format!("results/{suite}.results")],
            spawn_error: None,
            position: crate::model::Position::default(),
        }
    }

    #[test]
    fn appended_records_read_back_as_suite_runs() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("ledger").join("suites.jsonl");
        crate::ledger::append(&path, &run("unit", 0))?;
        crate::ledger::append(&path, &run("vm", 1))?;
        let bytes = std::fs::read(&path)?;
        assert_eq!(detect(&Sniff::new(&bytes, true, "suites.jsonl")), Some(Format::TruegreenLedger));
        let info = ArtifactInfo { path: "l".into(), format: None, sha256: None, size: 0, modified: None };
        let mut ev = Evidence::new(info, EvidenceLimits::default());
        assert_eq!(
            read(&mut bytes.as_slice(), &mut ev, &ReadContext::new(Format::TruegreenLedger, None, Default::default())),
            Ok(())
        );
        let runs: Vec<_> = ev
            .observations
            .iter()
            .filter_map(|o| match o {
                Observation::SuiteRun(r) => Some((r.suite.clone(), r.exit_status, r.position.line)),
                _ => None,
            })
            .collect();
        assert_eq!(runs, vec![("unit".into(), 0, Some(1)), ("vm".into(), 1, Some(2))]);
        Ok(())
    }

    #[test]
    fn foreign_or_broken_lines_are_unparseable() {
        let info = ArtifactInfo { path: "l".into(), format: None, sha256: None, size: 0, modified: None };
        let mut ev = Evidence::new(info, EvidenceLimits::default());
        let text = "{\"schema\":\"truegreen.ledger.v1\",\"suite\":\"x\"}\n";
        let err =
            read(&mut text.as_bytes(), &mut ev, &ReadContext::new(Format::TruegreenLedger, None, Default::default()))
                .err()
                .map(|e| e.message)
                .unwrap_or_default();
        assert!(err.contains("missing field"), "{err}");
        assert_eq!(detect(&Sniff::new(b"{\"schema\":\"other\"}\n", true, "x")), None);
    }
}
