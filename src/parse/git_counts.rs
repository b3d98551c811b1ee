//! git's `t/test-lib.sh` results: `test-results/<script>.counts`, written by
//! `test_done` (and by sharness and notmuch, which copy it):
//!
//! ```text
//! total 12
//! success 10
//! fixed 0
//! broken 1
//! failed 1
//! missing_prereq PERL
//! ```
//!
//! `total` counts every test started, skipped ones included, and the file has no
//! skip count: skipped = total - (success + fixed + broken + failed). `broken`
//! is a known breakage (`test_expect_failure` that failed as expected): recorded
//! as skipped, as an xfail is. `fixed` is a known breakage that now passes:
//! recorded as passed. Like `key=value` counts, the file names no test, so each
//! count becomes that many cases in the tally and one record. A second record
//! in one file (copies that write with `>>`) means two runs appended to it,
//! which is unparseable.

use std::io::BufRead;

use super::{ParseError, ReadContext, Sniff};
use crate::model::{Case, CaseOutcome, Claim, Evidence, Format, Position};

const MAX_LINE_BYTES: usize = 64 * 1024;

pub fn detect(sniff: &Sniff<'_>) -> Option<Format> {
    let mut keys = Vec::new();
    for line in sniff.lines(12) {
        let (k, v) = line.split_once(char::is_whitespace)?;
        if matches!(k, "total" | "success" | "fixed" | "broken" | "failed") && v.trim().parse::<u64>().is_err() {
            return None;
        }
        keys.push(k);
    }
    let first_is_total = keys.first() == Some(&"total");
    (first_is_total && keys.contains(&"success") && keys.contains(&"failed")).then_some(Format::GitTestCounts)
}

#[derive(Default)]
struct Block {
    total: Option<(u64, u64)>,
    success: Option<(u64, u64)>,
    fixed: Option<(u64, u64)>,
    broken: Option<(u64, u64)>,
    failed: Option<(u64, u64)>,
    first_line: u64,
}

impl Block {
    fn is_empty(&self) -> bool {
        self.first_line == 0
    }
}

pub fn read(input: &mut dyn BufRead, ev: &mut Evidence, _cx: &ReadContext<'_>) -> Result<(), ParseError> {
    let mut block = Block::default();
    let mut blocks = 0u64;
    let mut lines = super::lines::LineReader::new(input, MAX_LINE_BYTES);
    while let Some(line) = lines.next_strict_line()? {
        let line_no = line.number;
        let at = Position::line(line_no);
        let text = line.text.trim();
        if text.is_empty() {
            if !block.is_empty() {
                finish_block(&block, ev)?;
                blocks += 1;
                block = Block::default();
            }
            continue;
        }
        if blocks > 0 && block.is_empty() {
            return Err(ParseError::new(
                "a second record follows the first: two runs appended to the file, \
                 so which counts belong to this run is unknown",
                at,
            ));
        }
        let (key, value) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
        let slot = match key {
            "total" => &mut block.total,
            "success" => &mut block.success,
            "fixed" => &mut block.fixed,
            "broken" => &mut block.broken,
            "failed" => &mut block.failed,
            // `missing_prereq` lists names; later git versions may add more keys.
            _ => {
                if block.first_line == 0 {
                    block.first_line = line_no;
                }
                continue;
            }
        };
        let count: u64 = value.trim().parse().map_err(|_| {
            ParseError::new(format!("{key} {:?} is not a count", value.trim()), at.clone().with_field(key))
        })?;
        let count = super::capped_count(count, key, at.clone().with_field(key))?;
        if let Some((_, first)) = slot {
            return Err(ParseError::new(
                format!("{key} is given twice (lines {first} and {line_no}): two runs appended to the file"),
                at.with_field(key),
            ));
        }
        *slot = Some((count, line_no));
        if block.first_line == 0 {
            block.first_line = line_no;
        }
    }
    if !block.is_empty() {
        finish_block(&block, ev)?;
    }
    Ok(())
}

fn finish_block(block: &Block, ev: &mut Evidence) -> Result<(), ParseError> {
    let Some((total, total_line)) = block.total else {
        return Err(ParseError::new("the record has no `total` line", Position::line(block.first_line)));
    };
    // `test_done` writes every count, zeros included. A missing one is a file cut
    // short: `total 2` and `success 1` alone would read as one pass and one skip.
    let counts =
        [(block.success, "success"), (block.fixed, "fixed"), (block.broken, "broken"), (block.failed, "failed")];
    if let Some((_, key)) = counts.iter().find(|(slot, _)| slot.is_none()) {
        return Err(ParseError::new(
            format!("the record has no `{key}` line: test_done writes every count, so the file is incomplete"),
            Position::line(block.first_line),
        ));
    }
    let value = |slot: Option<(u64, u64)>| slot.map_or(0, |(n, _)| n);
    let line_of = |slot: Option<(u64, u64)>, key: &str| {
        slot.map_or_else(Position::default, |(_, line)| Position::line(line).with_field(key))
    };
    let suite = ev.info.path.clone();
    let ran = value(block.success) + value(block.fixed) + value(block.broken) + value(block.failed);
    let skipped = total.saturating_sub(ran);
    let groups = [
        (block.success, "success", CaseOutcome::Passed, "passed"),
        (block.fixed, "fixed", CaseOutcome::Passed, "fixed known breakage"),
        (block.broken, "broken", CaseOutcome::Skipped, "known breakage"),
        (block.failed, "failed", CaseOutcome::Failed, "failed"),
    ];
    for (slot, key, outcome, label) in groups {
        let n = value(slot);
        let message = format!("counted in `{key} {n}`; the .counts file names no test");
        let name = format!("{label} tests (count only)");
        let mut case = Case::new(&name, outcome).suite(&suite).at(line_of(slot, key));
        if outcome.is_failure() {
            case = case.message(&message);
        }
        ev.add_counted(case, n);
    }
    let skipped_case = Case::new("skipped tests (count only)", CaseOutcome::Skipped).suite(&suite);
    ev.add_counted(skipped_case.at(Position::line(total_line)), skipped);
    // `total` includes skipped tests, which the file does not count separately, so
    // it can only be contradicted by being smaller than the tests it lists.
    ev.add_claim(
        Claim::count(".counts", "total", total, total.max(ran), "success + fixed + broken + failed, plus skipped")
            .at(Position::line(total_line).with_field("total")),
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ArtifactInfo, EvidenceLimits};

    fn read_str(text: &str) -> (Evidence, Result<(), ParseError>) {
        let info = ArtifactInfo {
            path: "t/test-results/t0001-init.counts".into(),
            format: Some(Format::GitTestCounts),
            sha256: None,
            size: 1,
            modified: None,
        };
        let mut ev = Evidence::new(info, EvidenceLimits::default());
        let result =
            read(&mut text.as_bytes(), &mut ev, &ReadContext::new(Format::GitTestCounts, None, Default::default()));
        ev.finish();
        (ev, result)
    }

    const SAMPLE: &str = "total 12\nsuccess 9\nfixed 1\nbroken 1\nfailed 0\nmissing_prereq PERL,TTY\n\n";

    #[test]
    fn detects_counts_files() {
        let sniff = |t: &'static str| detect(&Sniff::new(t.as_bytes(), true, "t0001-init.counts"));
        assert_eq!(sniff(SAMPLE), Some(Format::GitTestCounts));
        assert_eq!(sniff("success 3\ntotal 3\nfailed 0\n"), None, "test_done writes total first");
        assert_eq!(sniff("total=3\npassed=3\nfailed=0\n"), None);
        assert_eq!(sniff("total 3 tests\nsuccess 3\nfailed 0\n"), None);
    }

    #[test]
    fn counts_map_to_outcomes_with_skips_derived_from_total() {
        let (ev, result) = read_str(SAMPLE);
        assert_eq!(result, Ok(()));
        // 9 success + 1 fixed passed; 1 broken and 1 unlisted skip are skipped.
        assert_eq!((ev.tally.passed, ev.tally.failed, ev.tally.skipped), (10, 0, 2));
        assert!(ev.claims.iter().all(|c| c.holds()));
    }

    #[test]
    fn failures_are_recorded_and_a_short_total_is_contradicted() {
        let (ev, _) = read_str("total 2\nsuccess 2\nfixed 0\nbroken 0\nfailed 1\n");
        assert_eq!(ev.tally.failed, 1);
        assert_eq!(ev.failures[0].position.line, Some(5));
        assert!(!ev.claims[0].holds());
    }

    #[test]
    fn each_count_is_one_record_standing_for_all_its_cases() {
        let (ev, result) = read_str("total 90000\nsuccess 10\nfixed 0\nbroken 0\nfailed 87272\n");
        assert_eq!(result, Ok(()));
        assert_eq!((ev.tally.passed, ev.tally.failed, ev.tally.skipped), (10, 87_272, 2_718));
        assert_eq!(ev.failures.len(), 1);
        assert_eq!((ev.failures[0].name.as_str(), ev.failures[0].cases), ("failed tests (count only)", 87_272));
        assert_eq!(ev.case_keys().len(), 3, "passed, failed and skipped: one key each");
    }

    #[test]
    fn a_record_cut_short_is_unparseable() {
        // Found by tests/verdict_properties.rs: `total 2\nsuccess 1\nfixed 0\nbroken 0\nfailed 1\n`
        // cut after `success 1` passed as one pass and one skip.
        for text in ["total 2\nsuccess 1", "total 2\nsuccess 1\nfixed 0\nbroken 0\n", "total 1\nsuccess 1\nfailed 0\n"]
        {
            let (ev, result) = read_str(text);
            let err = result.err().map(|e| e.message).unwrap_or_default();
            assert!(err.contains("the file is incomplete"), "{text:?}: {err}");
            assert_eq!(ev.tally.total(), 0, "{text:?}");
        }
    }

    #[test]
    fn appended_records_are_unparseable() {
        let (_, result) = read_str(
            "total 1\nsuccess 1\nfixed 0\nbroken 0\nfailed 0\n\ntotal 1\nsuccess 0\nfixed 0\nbroken 0\nfailed 1\n\n",
        );
        let err = result.err().map(|e| e.message).unwrap_or_default();
        assert!(err.contains("two runs appended"), "{err}");
        let (_, result) = read_str("total 1\nsuccess 1\nsuccess 1\nfailed 0\n");
        assert!(result.is_err());
    }
}
