use serde_json::{Value, json};

use super::full_suite::{gate, verdict_doc};
use super::*;

fn dossier(gates: [u64; 6]) -> Value {
    let [total, passed, failed, skipped, blocking_pass, blocking_total] = gates;
    let question = |q: &str| json!({"question": q, "answer": "Yes", "status": "pass_with_residuals", "evidence": [], "quantified_residuals": []});
    json!({
        "schema": "pi.qa.certification_dossier.v1", "generated_at": "2026-02-13T20:05:00.712Z", "bead": "bd-1f42.8.10",
        "verdict": "pass_with_residuals",
        "closure_questions": {"q1_non_mock_coverage": question("mocks?"), "q2_e2e_logging": question("logging?")},
        "suite_classification": {"unit_files": 32, "vcr_files": 113, "e2e_files": 24, "total_classified": 169,
                                 "total_test_files": 169, "quarantined": 0, "active_waivers": 0},
        "test_double_inventory": {"entry_count": 267, "module_count": 21, "high_risk": 132, "medium_risk": 99, "low_risk": 36},
        "e2e_scenario_matrix": {"total_workflows": 12, "covered": 11, "waived": 1, "planned": 0, "coverage_pct": 91.6},
        "ci_gate_status": {"total_gates": total, "passed": passed, "failed": failed, "skipped": skipped,
                           "blocking_pass": blocking_pass, "blocking_total": blocking_total}
    })
}

#[test]
fn a_constant_pass_over_a_failed_gate_is_a_false_green_three_times() {
    // history/certification_dossier.c713835f.json: 1 failed gate, 5 of 7 blocking pass.
    let ev = read_json(
        Format::PiCertificationDossier,
        "h/certification_dossier.c713835f.json",
        &dossier([13, 9, 1, 3, 5, 7]),
    );
    assert_eq!(
        broken_claims(&ev),
        vec![
            "verdict: pass_with_residuals vs fail",
            "closure_questions.q1_non_mock_coverage.status: pass_with_residuals vs fail",
            "closure_questions.q2_e2e_logging.status: pass_with_residuals vs fail",
        ]
    );
    assert_eq!(ev.tally.total(), 0, "the gates are the verdict's: claims only");
    assert_verdict(vec![ev], 3, &["TG101", "TG201"]);
}

#[test]
fn with_its_verdict_beside_it_gates_count_once_and_the_quote_is_checked() {
    let gates = || vec![gate("a", "pass", true), gate("b", "pass", true), gate("c", "skip", false)];
    let verdict_ev = read_json(Format::PiFullSuiteVerdict, "g/full_suite_verdict.json", &verdict_doc(gates()));
    let agreeing =
        read_json(Format::PiCertificationDossier, "g/certification_dossier.json", &dossier([3, 2, 0, 1, 2, 2]));
    let v = assert_verdict(vec![agreeing, verdict_ev], 0, &[]);
    assert_eq!(v.totals.executed, 2);

    let stale =
        read_json(Format::PiCertificationDossier, "g/certification_dossier.json", &dossier([13, 9, 1, 3, 5, 7]));
    let verdict_ev = read_json(Format::PiFullSuiteVerdict, "g/full_suite_verdict.json", &verdict_doc(gates()));
    let v = assert_verdict(vec![stale, verdict_ev], 3, &["TG101", "TG110"]);
    let tg110: Vec<_> = v.findings.iter().filter(|f| f.rule == "TG110").collect();
    assert_eq!(tg110.len(), 1, "one finding per stale quote");
    assert!(tg110[0].message.contains("summary.total_gates 13, counted 3"), "{}", tg110[0].message);
}

#[test]
fn a_suffixed_dossier_pairs_with_the_same_suffixed_verdict_only() {
    let verdict_ev = read_json(
        Format::PiFullSuiteVerdict,
        "h/full_suite_verdict.other.json",
        &verdict_doc(vec![gate("a", "pass", true)]),
    );
    let ev = read_json(
        Format::PiCertificationDossier,
        "h/certification_dossier.c713835f.json",
        &dossier([1, 1, 0, 0, 1, 1]),
    );
    assert!(
        ev.observations
            .iter()
            .any(|o| matches!(o, Observation::Quote { source, .. } if source == "full_suite_verdict.c713835f.json"))
    );
    assert_verdict(vec![ev, verdict_ev], 0, &[]);
}

#[test]
fn totals_that_do_not_add_up_are_mismatches() {
    let mut doc = dossier([1, 1, 0, 0, 1, 1]);
    doc["suite_classification"]["total_test_files"] = json!(173);
    doc["test_double_inventory"]["entry_count"] = json!(300);
    let ev = read_json(Format::PiCertificationDossier, "d.json", &doc);
    assert_eq!(
        broken_claims(&ev),
        vec![
            "suite_classification.total_classified (every test file classified): 169 vs 173",
            "test_double_inventory.entry_count: 300 vs 267",
        ]
    );
}

#[test]
fn an_unknown_verdict_is_never_a_pass() {
    let mut doc = dossier([1, 1, 0, 0, 1, 1]);
    doc["verdict"] = json!("certified-ish");
    assert_verdict(vec![read_json(Format::PiCertificationDossier, "d.json", &doc)], 3, &["TG102", "TG201"]);
}
