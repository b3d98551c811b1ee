use crate::model::Format;
use crate::parse::{Sniff, detect};

fn detected(text: &str, file_name: &str) -> Option<Format> {
    detect(&Sniff::new(text.as_bytes(), true, file_name))
}

#[test]
fn schemas_decide() {
    assert_eq!(
        detected(r#"{"schema": "pi.ci.full_suite_gate.v1", "gates": []}"#, "x.json"),
        Some(Format::PiFullSuiteVerdict)
    );
    assert_eq!(detected(r#"{"schema": "pi.e2e.environment.v1"}"#, "x.json"), Some(Format::PiEnvironment));
    assert_eq!(
        detected(r#"{"schema": "pi.dropin.certification_verdict.v1"}"#, "x.json"),
        Some(Format::PiDropinVerdict)
    );
}

#[test]
fn an_unknown_schema_is_not_claimed_even_with_known_keys() {
    // pi's drop-in *contract* names the verdict's required fields as strings.
    let contract = r#"{"schema": "pi.dropin.certification_contract.v1",
        "required_fields": ["git_commit", "overall_verdict", "hard_gate_results"]}"#;
    assert_eq!(detected(contract, "dropin-certification-contract.json"), None);
    assert_eq!(detected(r#"{"schema": "pi.perf3x.bead_coverage.audit.v1", "status": "pass"}"#, "x.json"), None);
}

#[test]
fn schemaless_files_are_recognized_by_their_keys() {
    let result = r#"{"suite": "e2e_rpc", "exit_code": 101, "passed": 0, "failed": 0}"#;
    assert_eq!(detected(result, "result.json"), Some(Format::PiResult));
    let summary = r#"{"timestamp": "t", "total_suites": 1, "suites": [{"suite": "a", "exit_code": 0, "passed": 1, "failed": 0}]}"#;
    assert_eq!(detected(summary, "summary.json"), Some(Format::PiSummary));
    let env = r#"{"timestamp": "t", "rustc": "rustc 1.95", "git_sha": "8fbe3320", "artifact_dir": "/x"}"#;
    assert_eq!(detected(env, "environment.json"), Some(Format::PiEnvironment));
    let dropin = r#"{"overall_verdict": "NOT_CERTIFIED", "hard_gate_results": []}"#;
    assert_eq!(detected(dropin, "v.json"), Some(Format::PiDropinVerdict));
    // Keys mentioned as values do not count.
    assert_eq!(detected(r#"{"fields": ["exit_code", "suite", "passed", "failed"]}"#, "x.json"), None);
}

#[test]
fn arrays_and_toml() {
    assert_eq!(detected("[]", "summary.json"), Some(Format::PiSummary));
    assert_eq!(detected("[]", "other.json"), None);
    assert_eq!(detected(r#"[{"provider": "openai", "verdict": "PASS"}]"#, "s.json"), Some(Format::PiSummary));
    assert_eq!(detected("# c\n[quarantine.x]\nowner = \"o\"\n", "s.toml"), Some(Format::PiSuiteClassification));
    assert_eq!(detected("provider\tverdict\nopenai\tFAIL\n", "summary.tsv"), None);
}
