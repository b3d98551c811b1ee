//! Properties of the rspec-json and dart-json readers: no report holding failing
//! evidence (a failed example, an error outside of examples, a failing or
//! unfinished test, a late error) ever yields exit 0, whatever its summary,
//! summary line or `done.success` claims, and whatever exit code the tool gave.
//! An honest, complete, all-pass report with exit 0 passes. The shapes are
//! those of the real fixtures (`tests/fixtures/rspec-json/`, the peers' Dart
//! streams).

use chrono::NaiveDate;
use proptest::prelude::*;
use serde_json::json;

use truegreen::engine::check_bytes;
use truegreen::parse::ReadOptions;
use truegreen::rules::Policy;

fn exit_code_for(name: &str, text: &str, tool_exit: Option<i32>) -> i32 {
    let mut policy = Policy::new(NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default());
    policy.run.exit_code = tool_exit;
    check_bytes(name, text.as_bytes(), &ReadOptions::default(), &policy).exit_code
}

#[derive(Debug, Clone)]
struct RspecRun {
    statuses: Vec<&'static str>,
    errors_outside: u64,
    /// Drop the messages (the count stays), or zero the count (the messages stay).
    hide_messages: bool,
    zero_error_count: bool,
    /// Summary counts say everything passed.
    lie: bool,
}

fn rspec_run() -> impl Strategy<Value = RspecRun> {
    (
        prop::collection::vec(prop::sample::select(vec!["passed", "failed", "pending"]), 0..6),
        0u64..3,
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(statuses, errors_outside, hide_messages, zero_error_count, lie)| RspecRun {
            statuses,
            errors_outside,
            hide_messages,
            zero_error_count,
            lie,
        })
}

fn render_rspec(run: &RspecRun) -> String {
    let examples: Vec<_> = run
        .statuses
        .iter()
        .enumerate()
        .map(|(i, status)| {
            let mut e = json!({
                "id": format!("./calc_spec.rb[1:{}]", i + 1), "description": format!("e{i}"),
                "full_description": format!("Calc e{i}"), "status": status, "file_path": "./calc_spec.rb",
                "line_number": i + 2, "run_time": 0.0001, "pending_message": null
            });
            if *status == "failed" {
                e["exception"] = json!({"class": "RuntimeError", "message": "boom", "backtrace": ["./calc_spec.rb:3"]});
            }
            e
        })
        .collect();
    let count = |s: &str| run.statuses.iter().filter(|x| **x == s).count() as u64;
    let (failed, pending) = if run.lie { (0, 0) } else { (count("failed"), count("pending")) };
    let errors = if run.lie || run.zero_error_count { 0 } else { run.errors_outside };
    let messages: Vec<String> = (0..run.errors_outside)
        .map(|i| format!("\nAn error occurred while loading ./broken{i}_spec.rb.\nRuntimeError:\n  x\n"))
        .collect();
    let mut line = format!("{} examples, {failed} failures", run.statuses.len());
    if pending > 0 {
        line.push_str(&format!(", {pending} pending"));
    }
    if errors > 0 {
        line.push_str(&format!(", {errors} errors occurred outside of examples"));
    }
    // Written in RSpec's key order (serde_json sorts an object's keys).
    let messages = if !run.hide_messages && !messages.is_empty() {
        format!("\"messages\":{},", json!(messages))
    } else {
        String::new()
    };
    let summary = json!({"duration": 0.01, "example_count": run.statuses.len(), "failure_count": failed,
        "pending_count": pending, "errors_outside_of_examples_count": errors});
    format!(
        "{{\"version\":\"3.12.0\",{messages}\"examples\":{},\"summary\":{summary},\"summary_line\":{}}}",
        json!(examples),
        json!(line)
    )
}

#[derive(Debug, Clone)]
struct DartRun {
    results: Vec<&'static str>,
    /// Index of a test that gets an error after its testDone.
    late_error: Option<usize>,
    /// Index of a test whose testDone is dropped.
    unfinished: Option<usize>,
    claim_success: Option<bool>,
    with_done: bool,
}

fn dart_run() -> impl Strategy<Value = DartRun> {
    (
        prop::collection::vec(prop::sample::select(vec!["success", "failure", "error", "skipped"]), 0..6),
        prop::option::of(0usize..6),
        prop::option::of(0usize..6),
        prop::option::of(any::<bool>()),
        any::<bool>(),
    )
        .prop_map(|(results, late_error, unfinished, claim_success, with_done)| DartRun {
            results,
            late_error,
            unfinished,
            claim_success,
            with_done,
        })
}

fn render_dart(run: &DartRun) -> String {
    let mut lines = vec![
        json!({"protocolVersion": "0.1.1", "runnerVersion": "1.25.3", "pid": 1, "type": "start", "time": 0}),
        json!({"suite": {"id": 0, "platform": "vm", "path": "test/a_test.dart"}, "type": "suite", "time": 0}),
        json!({"test": {"id": 1, "name": "loading test/a_test.dart", "suiteID": 0, "groupIDs": [],
            "metadata": {"skip": false, "skipReason": null}, "line": null, "column": null, "url": null},
            "type": "testStart", "time": 0}),
        json!({"count": 1, "type": "allSuites", "time": 1}),
        json!({"testID": 1, "result": "success", "skipped": false, "hidden": true, "type": "testDone", "time": 2}),
    ];
    for (i, result) in run.results.iter().enumerate() {
        let id = 10 + i as u64;
        lines.push(json!({"test": {"id": id, "name": format!("t{i}"), "suiteID": 0, "groupIDs": [],
            "metadata": {"skip": false, "skipReason": null}, "line": 3, "column": 3,
            "url": "file:///w/test/a_test.dart"}, "type": "testStart", "time": 3}));
        if matches!(*result, "failure" | "error") {
            lines.push(json!({"testID": id, "error": "boom", "stackTrace": "", "isFailure": *result == "failure",
                "type": "error", "time": 4}));
        }
        if run.unfinished != Some(i) {
            let (result, skipped) = if *result == "skipped" { ("success", true) } else { (*result, false) };
            lines.push(json!({"testID": id, "result": result, "skipped": skipped, "hidden": false,
                "type": "testDone", "time": 5}));
        }
        if run.late_error == Some(i) {
            lines.push(json!({"testID": id, "error": "late", "stackTrace": "", "isFailure": false,
                "type": "error", "time": 6}));
        }
    }
    if run.with_done {
        lines.push(json!({"success": run.claim_success, "type": "done", "time": 7}));
    }
    lines.iter().map(|l| format!("{l}\n")).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn rspec_failing_evidence_never_exits_0(run in rspec_run(), tool_exit in prop::option::of(0i32..2)) {
        let text = render_rspec(&run);
        let code = exit_code_for("rspec.json", &text, tool_exit);
        // An error outside of examples leaves evidence while a message or its count remains.
        let error_evidence = run.errors_outside > 0 && (!run.hide_messages || !(run.lie || run.zero_error_count));
        if run.statuses.contains(&"failed") || error_evidence {
            prop_assert_ne!(code, 0, "{}", text);
        }
        let honest = !run.lie && !run.hide_messages && !run.zero_error_count;
        if honest && run.errors_outside == 0 && run.statuses.contains(&"passed")
            && !run.statuses.contains(&"failed") && tool_exit.unwrap_or(0) == 0 {
            prop_assert_eq!(code, 0, "{}", text);
        }
    }

    #[test]
    fn dart_failing_evidence_never_exits_0(run in dart_run(), tool_exit in prop::option::of(0i32..2)) {
        let text = render_dart(&run);
        let code = exit_code_for("dart-test.json", &text, tool_exit);
        let n = run.results.len();
        let failing = run.results.iter().any(|r| matches!(*r, "failure" | "error"))
            || run.late_error.is_some_and(|i| i < n)
            || run.unfinished.is_some_and(|i| i < n);
        if failing || !run.with_done || run.claim_success != Some(true) {
            prop_assert_ne!(code, 0, "{}", text);
        }
        if !failing && run.with_done && run.claim_success == Some(true) && run.results.contains(&"success")
            && tool_exit.unwrap_or(0) == 0 {
            prop_assert_eq!(code, 0, "{}", text);
        }
    }
}
