use super::*;
use crate::model::{ArtifactInfo, ClaimKind, EvidenceLimits};

fn read_str(input: &str) -> (Evidence, Result<(), ParseError>) {
    let info =
        ArtifactInfo { path: "k.ndjson".into(), format: Some(Format::Kane), sha256: None, size: 0, modified: None };
    let mut ev = Evidence::new(info, EvidenceLimits::default());
    let result =
        read(&mut input.as_bytes(), &mut ev, &crate::parse::ReadContext::new(Format::Kane, None, Default::default()));
    ev.finish();
    (ev, result)
}

fn contradicted(ev: &Evidence) -> Vec<String> {
    ev.claims.iter().filter(|c| !c.holds()).map(|c| format!("{} {}", c.scope, c.field)).collect()
}

const PASSING_RUN: &str = r#"Update available: 0.8.4 -> 0.8.5
{"type":"test_md_step_start","step_index":1,"heading":"Step 1 — open","ref":null}
{"type":"run_end","status":"passed","reason":"replay completed"}
{"type":"test_md_step_end","step_index":1,"status":"passed","duration_s":1.0}
{"type":"test_md_step_start","step_index":2,"heading":"Step 2 — assert","ref":null}
{"type":"test_md_step_end","step_index":2,"status":"passed","duration_s":1.0}
{"type":"test_md_summary","overall_status":"passed","steps":{"total":2,"passed":2,"failed":0,"skipped":0}}
{"type":"test_md_done","overall_status":"passed","duration_s":2,"session_id":"s-1"}
"#;

#[test]
fn honest_pass_has_consistent_claims() {
    let (ev, result) = read_str(PASSING_RUN);
    assert_eq!(result, Ok(()));
    assert_eq!(ev.tally.passed, 2);
    assert!(contradicted(&ev).is_empty(), "{:?}", contradicted(&ev));
    assert!(ev.observations.is_empty(), "{:?}", ev.observations);
    assert_eq!(ev.provenance.len(), 1);
}

#[test]
fn issue_93_summary_alone_is_a_false_green() {
    let (ev, _) =
        read_str(r#"{"type":"test_md_summary","overall_status":"passed","steps":{"passed":0,"failed":1,"skipped":1}}"#);
    assert_eq!((ev.tally.failed, ev.tally.skipped, ev.tally.passed), (1, 1, 0));
    let status = ev.claims.iter().find(|c| c.field == "overall_status").map(|c| c.kind.clone());
    assert!(
        matches!(status, Some(ClaimKind::Status { claimed: Status::Pass, derived: Status::Fail, .. })),
        "{status:?}"
    );
}

#[test]
fn summary_counts_without_step_events_are_one_record_per_count() {
    let (ev, result) = read_str(
        r#"{"type":"test_md_summary","overall_status":"passed","steps":{"passed":3,"failed":250000,"skipped":999999}}"#,
    );
    assert_eq!(result, Ok(()));
    assert_eq!((ev.tally.passed, ev.tally.failed, ev.tally.skipped), (3, 250_000, 999_999));
    let records: Vec<_> = ev.failures.iter().map(|f| (f.name.as_str(), f.cases)).collect();
    assert_eq!(records, [("failed steps (steps per summary counts)", 250_000)]);
}

#[test]
fn counts_past_the_cap_are_unparseable_not_a_long_loop() {
    // Found by hand: `"skipped": 50000000000` made 5e10 skipped cases, one at a
    // time, and the check ran for hours; a sum of two huge totals overflowed.
    for input in [
        r#"{"type":"test_md_summary","overall_status":"passed","steps":{"passed":0,"failed":0,"skipped":50000000000}}"#,
        r#"{"type":"test_md_summary","overall_status":"passed","steps":{"passed":18446744073709551615,"failed":1,"total":1}}"#,
        r#"{"type":"testrun_summary","execution":{"status":"passed"},"totals":{"passed":18446744073709551615,"failed":1,"broken":0}}"#,
    ] {
        let (_, result) = read_str(input);
        let message = result.err().map(|e| e.message).unwrap_or_default();
        assert!(message.contains("is over the 1000000 cases a report may count"), "{input}: {message}");
    }
}

#[test]
fn failed_step_event_contradicts_a_passed_summary() {
    let input = PASSING_RUN.replace(r#""step_index":2,"status":"passed""#, r#""step_index":2,"status":"failed""#);
    let (ev, _) = read_str(&input);
    assert_eq!(ev.tally.failed, 1);
    let bad = contradicted(&ev);
    assert!(bad.contains(&"test_md_summary #1 overall_status".to_owned()), "{bad:?}");
    assert!(bad.contains(&"test_md_summary #1 steps.passed".to_owned()), "{bad:?}");
    assert!(bad.contains(&"test_md_summary #1 steps.failed".to_owned()), "{bad:?}");
    assert_eq!(ev.failures[0].name, "step 2: Step 2 — assert");
}

#[test]
fn claimed_failure_with_all_steps_passing_is_contradicted() {
    let input = PASSING_RUN.replace(r#""overall_status":"passed","steps""#, r#""overall_status":"failed","steps""#);
    let (ev, _) = read_str(&input);
    assert_eq!(contradicted(&ev), vec!["test_md_summary #1 overall_status".to_owned()]);
}

#[test]
fn each_summary_pair_is_its_own_segment() {
    let failing = r#"{"type":"test_md_step_start","step_index":1,"heading":"a"}
{"type":"test_md_step_end","step_index":1,"status":"failed"}
{"type":"test_md_summary","overall_status":"failed","steps":{"total":1,"passed":0,"failed":1,"skipped":0}}
{"type":"test_md_done","overall_status":"failed","session_id":"s-0"}
"#;
    let (ev, _) = read_str(&format!("{failing}{PASSING_RUN}"));
    assert!(contradicted(&ev).is_empty(), "{:?}", contradicted(&ev));
    assert_eq!((ev.tally.passed, ev.tally.failed), (2, 1));
    assert_eq!(ev.failures[0].suite.as_deref(), Some("test_md run #1"));
}

#[test]
fn total_that_does_not_add_up_is_a_count_claim() {
    let input = PASSING_RUN.replace(r#""total":2"#, r#""total":3"#);
    let (ev, _) = read_str(&input);
    assert_eq!(contradicted(&ev), vec!["test_md_summary #1 steps.total".to_owned()]);
}

#[test]
fn a_stream_cut_mid_step_is_truncated_and_incomplete() {
    let cut: String = PASSING_RUN.lines().take(5).map(|l| format!("{l}\n")).collect();
    let (ev, result) = read_str(&cut);
    assert_eq!(result, Ok(()));
    assert_eq!(ev.tally.incomplete, 1);
    assert!(ev.observations.iter().any(|o| matches!(o, Observation::Truncated { .. })));
}

#[test]
fn summary_without_done_is_truncated() {
    let cut: String = PASSING_RUN.lines().take(7).map(|l| format!("{l}\n")).collect();
    let (ev, _) = read_str(&cut);
    assert!(matches!(ev.observations.as_slice(), [Observation::Truncated { .. }]), "{:?}", ev.observations);
}

#[test]
fn a_half_written_json_line_is_a_parse_error_with_its_line() {
    let cut = format!(
        "{}{{\"type\":\"test_md_summ",
        &PASSING_RUN[..PASSING_RUN.find("{\"type\":\"test_md_summary").unwrap_or(0)]
    );
    let (_, result) = read_str(&cut);
    let err = result.err().map(|e| (e.position.line, e.message.starts_with("invalid JSON event")));
    assert_eq!(err, Some((Some(7), true)));
}

#[test]
fn wrong_types_name_the_field() {
    let (_, result) =
        read_str(r#"{"type":"test_md_summary","overall_status":"passed","steps":{"passed":"2","failed":0}}"#);
    let message = result.err().map(|e| e.message).unwrap_or_default();
    assert!(message.contains("steps.passed"), "{message}");
}

#[test]
fn testrun_counts_members_and_claims() {
    let input = r#"{"type":"testrun_plan","members":[{"path":"a_test.md"},{"path":"b_test.md"}],"valid":true}
{"type":"testrun_start","execution_id":"e-1","members":["a_test.md","b_test.md"]}
{"type":"testrun_member_end","path":"a_test.md","status":"passed","duration_s":1}
{"type":"testrun_member_end","path":"b_test.md","status":"broken","duration_s":1}
{"type":"testrun_summary","execution":{"id":"e-1","status":"passed"},"totals":{"tests":2,"passed":1,"failed":1,"broken":0,"skipped":0}}
{"type":"testrun_done","execution_id":"e-1","overall_status":"passed"}
"#;
    let (ev, _) = read_str(input);
    assert_eq!(ev.tally.errored, 1);
    let bad = contradicted(&ev);
    assert_eq!(
        bad,
        vec![
            "testrun_summary totals.failed".to_owned(),
            "testrun_summary totals.broken".to_owned(),
            "testrun_summary execution.status".to_owned(),
            "testrun_done overall_status".to_owned(),
        ]
    );
    assert_eq!(ev.failures[0].replay.as_deref(), Some("kane-cli testmd run b_test.md --agent --headless"));
}

#[test]
fn testrun_without_done_is_truncated() {
    let input = r#"{"type":"testrun_start","execution_id":"e-1","members":["a_test.md"]}
{"type":"testrun_member_end","path":"a_test.md","status":"passed","duration_s":1}
"#;
    let (ev, _) = read_str(input);
    assert!(matches!(ev.observations.as_slice(), [Observation::Truncated { .. }]), "{:?}", ev.observations);
}

#[test]
fn bare_run_end_is_one_case() {
    let input = r#"{"step":2,"status":"running","remark":"Step 1"}
{"type":"run_end","status":"failed","summary":"x"}
"#;
    let (ev, _) = read_str(input);
    assert_eq!(ev.tally.failed, 1);
}

#[test]
fn detection_needs_kane_event_types() {
    let sniff = |s: &'static str| detect(&Sniff::new(s.as_bytes(), true, "x"));
    assert_eq!(sniff(PASSING_RUN), Some(Format::Kane));
    assert_eq!(sniff(r#"{"Action":"run","Package":"x","Test":"T"}"#), None);
    assert_eq!(sniff(r#"{"type":"something_else"}"#), None);
}
