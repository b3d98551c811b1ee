//! Property: no mutation of a real failing TRX file (liquid-xunit-net8.trx:
//! 3 passed, 3 failed, 1 skipped, xUnit `[FAIL]` RunInfo errors) yields exit 0
//! unless the mutated file honestly passes: every result kept, none failing,
//! no run-level error left, counters and summary telling the truth.

use chrono::NaiveDate;
use proptest::prelude::*;

use truegreen::engine::check_bytes;
use truegreen::parse::ReadOptions;
use truegreen::rules::Policy;

const XUNIT: &str = include_str!("fixtures/trx/public/liquid-xunit-net8.trx");

const OUTCOMES: &[&str] = &[
    "Passed",
    "Failed",
    "NotExecuted",
    "Inconclusive",
    "Timeout",
    "Error",
    "Aborted",
    "NotRunnable",
    "Disconnected",
    "Warning",
    "PassedButRunAborted",
    "Completed",
    "InProgress",
    "Pending",
    "",
];

const SUMMARIES: &[&str] = &["Failed", "Completed", "Passed", "Warning", "Error", "Aborted", "Pending", "Bogus"];

fn exit_code_for(text: &str) -> i32 {
    let policy = Policy::new(NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default());
    check_bytes("results.trx", text.as_bytes(), &ReadOptions::default(), &policy).exit_code
}

#[derive(Debug, Clone, Copy)]
enum CountersMutation {
    Keep,
    Honest,
    Random(u64, u64, u64, u64),
}

#[derive(Debug, Clone)]
struct Mutation {
    /// Per result: None drops it, Some(i) sets OUTCOMES[i] ("" removes the attribute).
    results: Vec<Option<usize>>,
    summary: usize,
    counters: CountersMutation,
    drop_run_infos: bool,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let result = prop_oneof![1 => Just(None), 8 => (0..OUTCOMES.len()).prop_map(Some)];
    let counters = prop_oneof![
        Just(CountersMutation::Keep),
        Just(CountersMutation::Honest),
        (0u64..9, 0u64..9, 0u64..9, 0u64..4).prop_map(|(a, b, c, d)| CountersMutation::Random(a, b, c, d)),
    ];
    (prop::collection::vec(result, 7), 0..SUMMARIES.len(), counters, any::<bool>()).prop_map(
        |(results, summary, counters, drop_run_infos)| Mutation { results, summary, counters, drop_run_infos },
    )
}

/// The byte ranges of the top-level `<UnitTestResult>` elements.
fn result_ranges(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(start) = text[from..].find("<UnitTestResult ").map(|i| i + from) {
        let end = text[start..].find("</UnitTestResult>").map(|i| start + i + "</UnitTestResult>".len());
        let Some(end) = end else { break };
        out.push((start, end));
        from = end;
    }
    out
}

fn apply(m: &Mutation) -> (String, bool) {
    let ranges = result_ranges(XUNIT);
    assert_eq!(ranges.len(), 7);
    let mut text = String::new();
    let mut last = 0;
    let (mut total, mut executed, mut passed, mut failed, mut error) = (0u64, 0u64, 0u64, 0u64, 0u64);
    let mut honest_results = true;
    for (&(start, end), choice) in ranges.iter().zip(&m.results) {
        text.push_str(&XUNIT[last..start]);
        last = end;
        let Some(i) = choice else {
            honest_results = false;
            continue;
        };
        let block = &XUNIT[start..end];
        let outcome_at = block.find(" outcome=\"").unwrap_or(0);
        let value_end = outcome_at + " outcome=\"".len() + block[outcome_at + 10..].find('"').unwrap_or(0) + 1;
        let new = if OUTCOMES[*i].is_empty() { String::new() } else { format!(" outcome=\"{}\"", OUTCOMES[*i]) };
        text.push_str(&block[..outcome_at]);
        text.push_str(&new);
        text.push_str(&block[value_end..]);
        total += 1;
        match OUTCOMES[*i] {
            "Passed" => passed += 1,
            "NotExecuted" => {}
            "Failed" => failed += 1,
            "Error" | "" => error += 1,
            _ => {}
        }
        if OUTCOMES[*i] != "NotExecuted" {
            executed += 1;
        }
        if !matches!(OUTCOMES[*i], "Passed" | "NotExecuted") {
            honest_results = false;
        }
    }
    text.push_str(&XUNIT[last..]);
    let original = "<Counters total=\"7\" executed=\"6\" passed=\"3\" failed=\"3\" error=\"0\"";
    let counters = match m.counters {
        CountersMutation::Keep => original.to_owned(),
        CountersMutation::Honest => format!(
            "<Counters total=\"{total}\" executed=\"{executed}\" passed=\"{passed}\" failed=\"{failed}\" error=\"{error}\""
        ),
        CountersMutation::Random(a, b, c, d) => {
            format!("<Counters total=\"{a}\" executed=\"{b}\" passed=\"{c}\" failed=\"{d}\" error=\"0\"")
        }
    };
    let honest_counters = counters
        == format!(
            "<Counters total=\"{total}\" executed=\"{executed}\" passed=\"{passed}\" failed=\"{failed}\" error=\"{error}\""
        );
    text = text.replacen(original, &counters, 1);
    let summary = SUMMARIES[m.summary];
    text = text.replacen("<ResultSummary outcome=\"Failed\">", &format!("<ResultSummary outcome=\"{summary}\">"), 1);
    if m.drop_run_infos {
        let start = text.find("<RunInfos>").unwrap_or(0);
        let end = text.find("</RunInfos>").map_or(start, |i| i + "</RunInfos>".len());
        text.replace_range(start..end, "");
    }
    let honest_pass = honest_results
        && passed > 0
        && honest_counters
        && m.drop_run_infos
        && matches!(summary, "Completed" | "Passed" | "Warning");
    (text, honest_pass)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn no_mutation_of_failing_evidence_passes(m in mutation()) {
        let (text, honest_pass) = apply(&m);
        let code = exit_code_for(&text);
        prop_assert!(code != 0 || honest_pass, "exit 0 for {m:?}");
        if honest_pass {
            prop_assert_eq!(code, 0, "an honest passing file must pass: {:?}", m);
        }
    }
}

#[test]
fn the_fixture_itself_fails() {
    assert_eq!(exit_code_for(XUNIT), 1);
}

#[test]
fn the_honest_all_passing_mutation_passes() {
    let m = Mutation {
        results: vec![Some(0), Some(0), Some(2), Some(0), Some(0), Some(0), Some(0)],
        summary: 1,
        counters: CountersMutation::Honest,
        drop_run_infos: true,
    };
    let (text, honest_pass) = apply(&m);
    assert!(honest_pass);
    assert_eq!(exit_code_for(&text), 0);
    // The same with one [FAIL] line left: not green.
    let m = Mutation { drop_run_infos: false, ..m };
    assert_ne!(exit_code_for(&apply(&m).0), 0);
}
