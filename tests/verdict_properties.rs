//! The verdict is pass only when the underlying evidence is all-pass and
//! consistent, for every supported format.
//!
//! Each property generates a run (cases that passed, failed or were skipped),
//! has one of the writers in `verdict_properties/formats.rs` write its report,
//! applies one mutation, and judges the bytes in process (`read_stream` +
//! `judge`, no subprocess). The honest property checks both directions, so the
//! suite fails if truegreen stops passing honest green reports, not only if it
//! passes a tampered one. Every property runs 10,000 cases
//! (`ProptestConfig::with_cases`); docs/RELIABILITY.md records how long each takes.

// A test may panic: a failed step should fail it loudly (the lints guard input paths).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "verdict_properties/formats.rs"]
mod formats;

use chrono::{DateTime, NaiveDate, Utc};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

use formats::{Count, Outcome, Run, View, WRITERS, Writer};
use truegreen::engine::{Collected, judge};
use truegreen::model::{ArtifactInfo, EvidenceLimits, Format};
use truegreen::parse::{ReadOptions, ReadOutcome, read_stream};
use truegreen::rules::Policy;
use truegreen::verdict::{Status, Verdict};

const CASES: u32 = 10_000;

fn format(id: &str) -> Format {
    Format::ALL.iter().copied().find(|f| f.id() == id).unwrap_or_else(|| panic!("no format {id}"))
}

fn since() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-20T12:00:00Z").map(|t| t.with_timezone(&Utc)).unwrap_or_default()
}

/// Judge one report in memory, read as the writer's format, optionally with a
/// modification time and a run start (`--since`).
fn verdict(
    writer: &Writer,
    bytes: &[u8],
    modified: Option<DateTime<Utc>>,
    run_since: Option<DateTime<Utc>>,
) -> Verdict {
    let mut policy = Policy::new(NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default());
    policy.run.since = run_since;
    let read = ReadOptions {
        limits: EvidenceLimits::default(),
        forced: Some(format(writer.format)),
        workspace: None,
        inventory: false,
    };
    let info = ArtifactInfo {
        path: writer.file_name.to_owned(),
        format: None,
        sha256: None,
        size: bytes.len() as u64,
        modified,
    };
    let artifacts = match read_stream(bytes, info, true, &read) {
        ReadOutcome::Report(ev) => vec![*ev],
        ReadOutcome::Ignored => Vec::new(),
    };
    judge(Collected { artifacts, issues: Vec::new(), ignored: Vec::new() }, &policy)
}

fn outcome() -> impl Strategy<Value = Outcome> {
    prop_oneof![5 => Just(Outcome::Pass), 2 => Just(Outcome::Fail), 1 => Just(Outcome::Skip)]
}

fn run() -> impl Strategy<Value = Run> {
    prop::collection::vec(outcome(), 0..12).prop_map(|cases| Run { cases })
}

/// A run with at least one failure, placed anywhere.
fn failing_run() -> impl Strategy<Value = Run> {
    (prop::collection::vec(outcome(), 0..12), any::<prop::sample::Index>()).prop_map(|(mut cases, at)| {
        let i = at.index(cases.len() + 1);
        cases.insert(i, Outcome::Fail);
        Run { cases }
    })
}

/// A run with at least one executed (passed or failed) case.
fn executed_run() -> impl Strategy<Value = Run> {
    (prop::collection::vec(outcome(), 0..12), any::<bool>(), any::<prop::sample::Index>()).prop_map(
        |(mut cases, fail, at)| {
            let i = at.index(cases.len() + 1);
            cases.insert(i, if fail { Outcome::Fail } else { Outcome::Pass });
            Run { cases }
        },
    )
}

fn writer_where(keep: fn(&Writer) -> bool) -> impl Strategy<Value = &'static Writer> {
    let chosen: Vec<&'static Writer> = WRITERS.iter().filter(|w| keep(w)).collect();
    assert!(!chosen.is_empty(), "no writer supports this mutation");
    prop::sample::select(chosen)
}

fn any_writer() -> impl Strategy<Value = &'static Writer> {
    writer_where(|_| true)
}

fn describe(writer: &Writer, run: &Run, report: &str, v: &Verdict) -> String {
    let rules: Vec<&str> = v.findings.iter().map(|f| f.rule.as_str()).collect();
    format!(
        "{} ({}): run {:?} → {} (exit {}), rules {rules:?}\n{report}",
        writer.format,
        writer.file_name,
        run.cases,
        v.status.as_str(),
        v.exit_code
    )
}

fn not_pass(writer: &Writer, run: &Run, report: &str, v: &Verdict) -> Result<(), TestCaseError> {
    prop_assert_ne!(v.status, Status::Pass, "{}", describe(writer, run, report, v));
    Ok(())
}

fn write(writer: &Writer, view: &View) -> String {
    (writer.write)(view)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    /// An honest report passes exactly when something ran and nothing failed,
    /// and an honest failure is a failure (exit 1), not a discrepancy.
    #[test]
    fn honest_reports_get_the_verdict_their_run_deserves(writer in any_writer(), run in run()) {
        let report = write(writer, &run.honest());
        let v = verdict(writer, report.as_bytes(), None, None);
        let expected = if run.all_pass() {
            Status::Pass
        } else if run.counts().failed > 0 {
            Status::Fail
        } else {
            Status::Discrepancy // nothing ran
        };
        prop_assert_eq!(v.status, expected, "{}", describe(writer, &run, &report, &v));
        let c = run.counts();
        prop_assert_eq!(v.totals.derived.failures(), c.failed, "{}", describe(writer, &run, &report, &v));
        prop_assert_eq!(v.totals.derived.passed, c.passed, "{}", describe(writer, &run, &report, &v));
    }

    /// Deleting a failing case's record leaves the claims about it standing.
    #[test]
    fn deleting_a_failing_case_never_passes(
        writer in writer_where(|w| w.claims.records),
        run in failing_run(),
        which in any::<prop::sample::Index>(),
    ) {
        let mut view = run.honest();
        let failing: Vec<usize> =
            view.records.iter().enumerate().filter(|(_, (_, o))| *o == Outcome::Fail).map(|(k, _)| k).collect();
        view.records.remove(failing[which.index(failing.len())]);
        let report = write(writer, &view);
        not_pass(writer, &run, &report, &verdict(writer, report.as_bytes(), None, None))?;
    }

    /// A report cut anywhere before its end: a failing run never passes, and a
    /// passing one only with counts no larger than what ran.
    #[test]
    fn a_truncated_report_never_passes_a_failing_run(
        writer in any_writer(),
        run in run(),
        cut in any::<prop::sample::Index>(),
    ) {
        let report = write(writer, &run.honest());
        // Cut somewhere that removes at least one character that is not white space.
        let content = report.trim_end().len();
        prop_assume!(content > 0);
        let mut at = cut.index(content);
        while !report.is_char_boundary(at) {
            at -= 1;
        }
        let cut_report = &report[..at];
        let v = verdict(writer, cut_report.as_bytes(), None, None);
        if v.status == Status::Pass {
            prop_assert!(run.all_pass(), "{}", describe(writer, &run, cut_report, &v));
            prop_assert!(v.totals.executed <= run.counts().passed, "{}", describe(writer, &run, cut_report, &v));
        }
    }

    /// A second record of a case with another outcome: which one is true?
    #[test]
    fn a_case_duplicated_with_another_outcome_never_passes(
        writer in any_writer(),
        run in executed_run(),
        which in any::<prop::sample::Index>(),
    ) {
        let mut view = run.honest();
        let executed: Vec<usize> =
            view.records.iter().enumerate().filter(|(_, (_, o))| *o != Outcome::Skip).map(|(k, _)| k).collect();
        let k = executed[which.index(executed.len())];
        let (case, outcome) = view.records[k];
        view.records.insert(k + 1, (case, outcome.other()));
        let report = write(writer, &view);
        not_pass(writer, &run, &report, &verdict(writer, report.as_bytes(), None, None))?;
    }

    /// The claimed overall status says the opposite of the records.
    #[test]
    fn a_flipped_status_never_passes(writer in writer_where(|w| w.claims.status), run in executed_run()) {
        let mut view = run.honest();
        view.status_pass = !view.status_pass;
        let report = write(writer, &view);
        not_pass(writer, &run, &report, &verdict(writer, report.as_bytes(), None, None))?;
    }

    /// Without its plan or summary, a report cannot show it is complete.
    #[test]
    fn a_report_without_its_plan_never_passes(writer in writer_where(|w| w.claims.plan), run in run()) {
        let mut view = run.honest();
        view.plan = false;
        let report = write(writer, &view);
        not_pass(writer, &run, &report, &verdict(writer, report.as_bytes(), None, None))?;
    }

    /// A declared count that disagrees with the records.
    #[test]
    fn a_changed_count_never_passes(
        writer in writer_where(|w| !w.claims.counts.is_empty()),
        run in run(),
        which in any::<prop::sample::Index>(),
        delta in prop_oneof![-3i64..=-1, 1i64..=3],
    ) {
        let count: Count = writer.claims.counts[which.index(writer.claims.counts.len())];
        let mut view = run.honest();
        let mut changed = view.counts.shift(count, delta);
        if changed == view.counts {
            changed = view.counts.shift(count, delta.abs()); // a count at 0 cannot go lower
        }
        view.counts = changed;
        let report = write(writer, &view);
        not_pass(writer, &run, &report, &verdict(writer, report.as_bytes(), None, None))?;
    }

    /// A report last written before the run started is a leftover, whatever it says.
    #[test]
    fn a_stale_report_never_passes(writer in any_writer(), run in run(), minutes in 2i64..10_000) {
        let report = write(writer, &run.honest());
        let modified = since() - chrono::Duration::minutes(minutes);
        let v = verdict(writer, report.as_bytes(), Some(modified), Some(since()));
        not_pass(writer, &run, &report, &v)?;
        prop_assert!(v.findings.iter().any(|f| f.rule == "TG301"), "{}", describe(writer, &run, &report, &v));
    }
}
