//! `key=value` results files that shell test harnesses write at the end of a
//! suite (`echo "passed=$PASS" > results/suite.results`), e.g. my_hypervisor's
//! `export_results`.
//!
//! Such a file names no test: the counts are the only evidence there is. Each
//! count becomes that many cases in the tally, so `--min-tests`, the floor and
//! `--exit-code` see them, and one record (`failed tests (count only)`) stands
//! for all the cases of a count. `total`, when present, is a claim checked
//! against the sum. A key repeated in one file means two runs appended to it,
//! so it is unparseable rather than summed or overridden.
//!
//! Provenance keys are recorded for the freshness rules: `commit`, `git_sha`,
//! `git_commit`, `sha` (commit); `run_id`, `github_run_id` (CI run id);
//! `correlation_id`; `timestamp`, `generated_at` (generation time).

use std::io::BufRead;

use super::{ParseError, ReadContext, Sniff};
use crate::model::{Case, CaseOutcome, Claim, Evidence, Format, Position, ProvenanceKind};

/// Longest line accepted.
const MAX_LINE_BYTES: usize = 64 * 1024;

/// The count a key carries, by its (lower-cased) name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Key {
    Total,
    Passed,
    Failed,
    Errored,
    Skipped,
}

fn key(name: &str) -> Option<Key> {
    Some(match name.to_ascii_lowercase().as_str() {
        "total" | "tests" => Key::Total,
        "passed" | "pass" => Key::Passed,
        "failed" | "fail" | "failures" => Key::Failed,
        "errored" | "errors" => Key::Errored,
        "skipped" | "skip" | "ignored" => Key::Skipped,
        _ => return None,
    })
}

fn provenance_key(name: &str) -> Option<ProvenanceKind> {
    Some(match name.to_ascii_lowercase().as_str() {
        "commit" | "git_sha" | "git_commit" | "sha" => ProvenanceKind::Commit,
        "run_id" | "github_run_id" => ProvenanceKind::RunId,
        "correlation_id" => ProvenanceKind::CorrelationId,
        "timestamp" | "generated_at" => ProvenanceKind::GeneratedAt,
        _ => return None,
    })
}

/// `NAME=value` with a shell-variable-like name.
fn split_assignment(line: &str) -> Option<(&str, &str)> {
    let (name, value) = line.split_once('=')?;
    let mut chars = name.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    (first_ok && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')).then_some((name, value))
}

pub fn detect(sniff: &Sniff<'_>) -> Option<Format> {
    if !matches!(sniff.first_significant(), Some(b) if b.is_ascii_alphabetic() || b == b'_' || b == b'#') {
        return None;
    }
    let mut has_failed = false;
    let mut has_passed_or_total = false;
    let mut any = false;
    for line in sniff.lines(40) {
        if line.starts_with('#') {
            continue;
        }
        let (name, value) = split_assignment(line)?;
        any = true;
        match key(name) {
            Some(Key::Failed) => has_failed = true,
            Some(Key::Passed | Key::Total) => has_passed_or_total = true,
            _ => {}
        }
        if key(name).is_some() && unquote(value).parse::<u64>().is_err() {
            return None;
        }
    }
    (any && has_failed && has_passed_or_total).then_some(Format::KeyValueCounts)
}

fn unquote(value: &str) -> &str {
    let v = value.trim();
    for q in ['"', '\''] {
        if let Some(inner) = v.strip_prefix(q).and_then(|r| r.strip_suffix(q)) {
            return inner.trim();
        }
    }
    v
}

#[derive(Default)]
struct Counts {
    /// (value, line) per key, in `Key` order.
    values: [Option<(u64, u64)>; 5],
}

impl Counts {
    fn slot(k: Key) -> usize {
        match k {
            Key::Total => 0,
            Key::Passed => 1,
            Key::Failed => 2,
            Key::Errored => 3,
            Key::Skipped => 4,
        }
    }

    fn get(&self, k: Key) -> Option<(u64, u64)> {
        self.values[Self::slot(k)]
    }
}

pub fn read(input: &mut dyn BufRead, ev: &mut Evidence, _cx: &ReadContext<'_>) -> Result<(), ParseError> {
    let mut counts = Counts::default();
    let mut spelled: [String; 5] = Default::default();
    let mut provenance: Vec<(ProvenanceKind, String, String)> = Vec::new();
    let mut provenance_lines: Vec<(String, u64)> = Vec::new();
    let mut lines = super::lines::LineReader::new(input, MAX_LINE_BYTES);
    while let Some(line) = lines.next_strict_line()? {
        let line_no = line.number;
        let text = line.text.trim();
        if text.is_empty() || text.starts_with('#') {
            continue;
        }
        let at = Position::line(line_no);
        let Some((name, value)) = split_assignment(text) else {
            return Err(ParseError::new(
                format!("expected KEY=VALUE, found {:?}", crate::text::truncate(text, 60)),
                at,
            ));
        };
        let value = unquote(value);
        if let Some(kind) = provenance_key(name) {
            if let Some(first) = provenance_lines.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, l)| *l) {
                return Err(ParseError::new(
                    format!("{name} is given twice (lines {first} and {line_no}): two runs appended to the file"),
                    at.with_field(name.to_owned()),
                ));
            }
            provenance_lines.push((name.to_owned(), line_no));
            provenance.push((kind, name.to_owned(), value.to_owned()));
            continue;
        }
        let Some(k) = key(name) else { continue };
        let count: u64 = value.parse().map_err(|_| {
            ParseError::new(format!("{name}={value:?} is not a count"), at.clone().with_field(name.to_owned()))
        })?;
        let count = super::capped_count(count, name, at.clone().with_field(name.to_owned()))?;
        let slot = Counts::slot(k);
        if let Some((_, first)) = counts.values[slot] {
            return Err(ParseError::new(
                format!(
                    "{name} is given twice (lines {first} and {line_no}): two runs appended to the file, \
                     so which counts belong to this run is unknown"
                ),
                at.with_field(name.to_owned()),
            ));
        }
        counts.values[slot] = Some((count, line_no));
        spelled[slot] = name.to_owned();
    }
    for (kind, field, value) in &provenance {
        ev.add_provenance(*kind, field, value);
    }
    record(&counts, &spelled, ev);
    Ok(())
}

fn record(counts: &Counts, names: &[String; 5], ev: &mut Evidence) {
    let suite = ev.info.path.clone();
    let at = |k: Key| {
        let slot = Counts::slot(k);
        counts.get(k).map_or_else(Position::default, |(_, line)| Position::line(line).with_field(names[slot].as_str()))
    };
    let mut sum = 0;
    for (k, outcome) in [
        (Key::Passed, CaseOutcome::Passed),
        (Key::Failed, CaseOutcome::Failed),
        (Key::Errored, CaseOutcome::Errored),
        (Key::Skipped, CaseOutcome::Skipped),
    ] {
        let Some((n, _)) = counts.get(k) else { continue };
        sum += n;
        let field = &names[Counts::slot(k)];
        let message = format!("counted in {field}={n}; the results file names no test");
        let name = format!("{} tests (count only)", outcome.as_str());
        let mut case = Case::new(&name, outcome).suite(&suite).at(at(k));
        if outcome.is_failure() {
            case = case.message(&message);
        }
        ev.add_counted(case, n);
    }
    if let Some((total, _)) = counts.get(Key::Total) {
        let field = names[Counts::slot(Key::Total)].as_str();
        ev.add_claim(
            Claim::count(
                "results file",
                field,
                total,
                sum,
                "the sum of the passed, failed, errored and skipped counts",
            )
            .at(at(Key::Total)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ArtifactInfo, EvidenceLimits};

    fn evidence() -> Evidence {
        let info = ArtifactInfo {
            path: "results/vm.results".into(),
            format: Some(Format::KeyValueCounts),
            sha256: None,
            size: 1,
            modified: None,
        };
        Evidence::new(info, EvidenceLimits::default())
    }

    fn read_str(text: &str) -> (Evidence, Result<(), ParseError>) {
        let mut ev = evidence();
        let result =
            read(&mut text.as_bytes(), &mut ev, &ReadContext::new(Format::KeyValueCounts, None, Default::default()));
        ev.finish();
        (ev, result)
    }

    #[test]
    fn detects_shell_results_and_nothing_else() {
        let sniff = |t: &'static str| detect(&Sniff::new(t.as_bytes(), true, "x"));
        assert_eq!(sniff("total=3\npassed=2\nfailed=1\nskipped=0\n"), Some(Format::KeyValueCounts));
        assert_eq!(sniff("# vm suite\nPASS=2\nFAIL=0\n"), Some(Format::KeyValueCounts));
        assert_eq!(sniff("passed=2\n"), None, "a failure count is required");
        assert_eq!(sniff("PATH=/usr/bin\nHOME=/root\n"), None);
        assert_eq!(sniff("passed=two\nfailed=0\n"), None);
        assert_eq!(sniff("{\"passed\":1,\"failed\":0}"), None);
        assert_eq!(sniff("total 3\nsuccess 3\nfailed 0\n"), None, "git .counts is another format");
    }

    #[test]
    fn counts_become_cases_and_total_is_a_claim() {
        let (ev, result) = read_str("total=4\npassed=2\nfailed=1\nskipped=\"1\"\nsuite=vm\n");
        assert_eq!(result, Ok(()));
        assert_eq!((ev.tally.passed, ev.tally.failed, ev.tally.skipped), (2, 1, 1));
        assert_eq!(ev.failures.len(), 1);
        assert_eq!(ev.failures[0].name, "failed tests (count only)");
        assert_eq!(ev.failures[0].cases, 1);
        assert_eq!(ev.failures[0].position.line, Some(3));
        assert_eq!(ev.claims.len(), 1);
        assert!(ev.claims[0].holds());
    }

    #[test]
    fn each_count_is_one_record_standing_for_all_its_cases() {
        let (ev, result) = read_str("passed=5\nfailed=200000\nerrors=3\n");
        assert_eq!(result, Ok(()));
        assert_eq!((ev.tally.passed, ev.tally.failed, ev.tally.errored), (5, 200_000, 3));
        let records: Vec<_> = ev.failures.iter().map(|f| (f.name.as_str(), f.outcome, f.cases)).collect();
        assert_eq!(
            records,
            [
                ("failed tests (count only)", CaseOutcome::Failed, 200_000),
                ("errored tests (count only)", CaseOutcome::Errored, 3)
            ]
        );
        assert_eq!(ev.failures[0].message.as_deref(), Some("counted in failed=200000; the results file names no test"));
        assert!(ev.observations.is_empty(), "no cap is reached: {:?}", ev.observations);
    }

    #[test]
    fn a_zero_count_makes_no_record() {
        let (ev, result) = read_str("passed=2\nfailed=0\n");
        assert_eq!(result, Ok(()));
        assert!(ev.failures.is_empty());
        assert_eq!(ev.case_keys().len(), 1, "only the passed count has a key");
    }

    #[test]
    fn provenance_keys_are_recorded() {
        let (ev, result) = read_str("commit=9f8e7d6\nRUN_ID=42\ntimestamp=2026-11-20T10:00:00Z\npassed=1\nfailed=0\n");
        assert_eq!(result, Ok(()));
        let kinds: Vec<_> = ev.provenance.iter().map(|p| (p.kind, p.field.as_str(), p.value.as_str())).collect();
        assert_eq!(
            kinds,
            vec![
                (ProvenanceKind::Commit, "commit", "9f8e7d6"),
                (ProvenanceKind::RunId, "RUN_ID", "42"),
                (ProvenanceKind::GeneratedAt, "timestamp", "2026-11-20T10:00:00Z"),
            ]
        );
        let (_, result) = read_str("commit=a\npassed=1\nfailed=0\ncommit=b\n");
        assert!(result.is_err());
    }

    #[test]
    fn a_total_that_disagrees_is_a_broken_claim() {
        let (ev, _) = read_str("total=5\npassed=2\nfailed=0\n");
        assert!(!ev.claims[0].holds());
    }

    #[test]
    fn repeated_keys_and_bad_values_are_unparseable() {
        let (ev, result) = read_str("passed=2\nfailed=0\npassed=3\nfailed=1\n");
        let err = result.err().map(|e| e.message).unwrap_or_default();
        assert!(err.contains("given twice (lines 1 and 3)"), "{err}");
        assert_eq!(ev.tally.total(), 0, "nothing is recorded from an appended file");
        let (_, result) = read_str("passed=2\nfailed=-1\n");
        assert!(result.is_err());
        let (_, result) = read_str(&format!("passed={}\nfailed=0\n", crate::parse::MAX_COUNT + 1));
        assert!(result.is_err());
        let (_, result) = read_str("passed=2\nthis is not an assignment\n");
        assert!(result.is_err());
    }
}
