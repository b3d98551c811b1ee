//! Property: no mutation of a real mocha, Jest/Vitest or Playwright JSON report
//! that keeps a witness of its failure yields exit 0, whatever the mutation
//! does to the outcome arrays, statuses and declared counts. Judged with
//! `--flaky fail`: a test that passed with a failed attempt on record (Vitest
//! keeps the attempts' `failureMessages`, Jest counts `invocations`) is the
//! tool's own flaky pass, which the default policy lets through with TG120.

// A test may panic: a failed step should fail it loudly (the lints guard input paths).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::NaiveDate;
use proptest::prelude::*;
use serde_json::Value;

use truegreen::engine::check_bytes;
use truegreen::parse::ReadOptions;
use truegreen::rules::{FlakyPolicy, Policy};

fn exit_code(doc: &Value) -> i32 {
    let mut policy = Policy::new(NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default());
    policy.flaky = FlakyPolicy::Fail;
    let bytes = doc.to_string();
    check_bytes("report.json", bytes.as_bytes(), &ReadOptions::default(), &policy).exit_code
}

fn fixture(path: &str) -> Value {
    let path = format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn array(doc: &mut Value, key: &str) -> Vec<Value> {
    doc[key].as_array().cloned().unwrap_or_default()
}

/// Counts as declared: the honest ones, or arbitrary ones.
fn set_counts(doc: &mut Value, object: Option<&str>, counts: &[(&str, u64)], lie: Option<&[u64]>) {
    for (i, (key, honest)) in counts.iter().enumerate() {
        let value = lie.and_then(|l| l.get(i).copied()).unwrap_or(*honest);
        match object {
            Some(o) => doc[o][*key] = value.into(),
            None => doc[*key] = value.into(),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// mocha `retry_fail`: the failing test is in `tests[]` (with its `err`)
    /// and in `failures[]`. Move its outcome entry anywhere, strip its errors,
    /// drop its `tests[]` entry, and declare any counts.
    #[test]
    fn mocha_failures_never_pass(
        goes_to in 0usize..4,
        strip_outcome_err in any::<bool>(),
        tests_entry in 0usize..3,
        lie in proptest::option::of(proptest::collection::vec(0u64..4, 4)),
    ) {
        let mut doc = fixture("mocha-json/mocha/retry_fail.json");
        let mut failures = array(&mut doc, "failures");
        let mut failed = failures.remove(0);
        if strip_outcome_err {
            failed["err"] = serde_json::json!({});
        }
        let mut passes = array(&mut doc, "passes");
        let mut pending = array(&mut doc, "pending");
        match goes_to {
            0 => failures.push(failed),
            1 => passes.push(failed),
            2 => pending.push(failed),
            _ => {}
        }
        let mut tests = array(&mut doc, "tests");
        let index = tests.iter().position(|t| t["err"].as_object().is_some_and(|e| !e.is_empty())).unwrap_or(0);
        match tests_entry {
            0 => {}
            1 => tests[index]["err"] = serde_json::json!({}),
            _ => { tests.remove(index); }
        }
        let honest = [
            ("tests", tests.len() as u64),
            ("passes", passes.len() as u64),
            ("pending", pending.len() as u64),
            ("failures", failures.len() as u64),
        ];
        doc["tests"] = Value::Array(tests);
        doc["passes"] = Value::Array(passes);
        doc["pending"] = Value::Array(pending);
        doc["failures"] = Value::Array(failures);
        set_counts(&mut doc, Some("stats"), &honest, lie.as_deref());
        // An honest pass: the test moved to passes[] or pending[] with no error
        // left anywhere, or removed from every list.
        let witness_gone = (goes_to == 1 || goes_to == 2) && strip_outcome_err && tests_entry == 1
            || goes_to == 3 && tests_entry == 2;
        if !witness_gone {
            prop_assert_ne!(exit_code(&doc), 0, "{}", doc);
        }
    }

    /// Jest and Vitest `retry_fail`: the failing test's status set to anything,
    /// its failure messages kept or not, the file's status, `success` and every
    /// count declared at will.
    #[test]
    fn jest_failures_never_pass(
        vitest in any::<bool>(),
        status in proptest::sample::select(vec!["failed", "passed", "pending", "skipped", "todo", "disabled", "focused", ""]),
        keep_messages in any::<bool>(),
        file_passed in any::<bool>(),
        success in any::<bool>(),
        lie in proptest::option::of(proptest::collection::vec(0u64..4, 5)),
    ) {
        let dialect = if vitest { "vitest" } else { "jest" };
        let mut doc = fixture(&format!("{dialect}-json/{dialect}/retry_fail.json"));
        let test = &mut doc["testResults"][0]["assertionResults"][0];
        if status.is_empty() {
            if let Some(t) = test.as_object_mut() { t.remove("status"); }
        } else {
            test["status"] = status.into();
        }
        if !keep_messages {
            test["failureMessages"] = Value::Array(Vec::new());
        }
        doc["testResults"][0]["status"] = if file_passed { "passed" } else { "failed" }.into();
        doc["testResults"][0]["message"] = "".into();
        doc["success"] = success.into();
        let ran = u64::from(status == "passed");
        let honest = [
            ("numTotalTests", 2),
            ("numPassedTests", 1 + ran),
            ("numFailedTests", u64::from(status == "failed")),
            ("numPendingTests", u64::from(matches!(status, "pending" | "skipped" | "disabled"))),
            ("numTodoTests", u64::from(status == "todo")),
        ];
        set_counts(&mut doc, None, &honest, lie.as_deref());
        // Jest's failing test ran 3 times (`invocations: 3`): relabelled passed it is a flaky pass.
        let clean = !keep_messages
            && (matches!(status, "pending" | "skipped" | "todo" | "disabled") || status == "passed" && vitest);
        if !clean {
            prop_assert_ne!(exit_code(&doc), 0, "{}", doc);
        }
    }

    /// Playwright `retry_fail`: three failed attempts. Drop any of them, claim
    /// any test status, spec `ok` and stats.
    #[test]
    fn playwright_failures_never_pass(
        keep in proptest::collection::vec(any::<bool>(), 3),
        status in proptest::sample::select(vec!["expected", "unexpected", "flaky", "skipped", "other"]),
        ok in any::<bool>(),
        lie in proptest::option::of(proptest::collection::vec(0u64..4, 4)),
    ) {
        let mut doc = fixture("playwright-json/playwright/retry_fail.json");
        let test = &mut doc["suites"][0]["specs"][0]["tests"][0];
        let results: Vec<Value> = test["results"].as_array().cloned().unwrap_or_default()
            .into_iter().zip(keep.iter()).filter(|(_, k)| **k).map(|(r, _)| r).collect();
        test["results"] = Value::Array(results);
        test["status"] = status.into();
        doc["suites"][0]["specs"][0]["ok"] = ok.into();
        let honest = [("expected", 1), ("skipped", 0), ("unexpected", 1), ("flaky", 0)];
        set_counts(&mut doc, Some("stats"), &honest, lie.as_deref());
        prop_assert_ne!(exit_code(&doc), 0, "{}", doc);
    }
}
