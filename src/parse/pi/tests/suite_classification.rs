use super::*;
use crate::model::{Position, WaiverEntry, WaiverKind};

fn read_toml(text: &str) -> Evidence {
    read(Format::PiSuiteClassification, "tests/suite_classification.toml", text)
}

fn entries(ev: &Evidence) -> Vec<&WaiverEntry> {
    ev.observations
        .iter()
        .filter_map(|o| match o {
            Observation::Waiver(w) => Some(w),
            _ => None,
        })
        .collect()
}

const SUITES: &str = "[suite.unit]\nfiles = [\"compaction\", \"error_types\"]\n\n[suite.e2e]\nfiles = [\"e2e_tui\"]\n";

const VALID_WAIVER: &str = r#"
[waiver.cross_platform]
owner = "TopazForest"
created = "2026-11-10"
expires = "2026-11-30"
bead = "bd-1f42.6.7"
reason = "macOS runner outage"
scope = "both"
remove_when = "runner restored"
"#;

#[test]
fn suite_lists_alone_hold_no_entries() {
    let ev = read_toml(SUITES);
    assert!(ev.observations.is_empty(), "{:?}", ev.observations);
}

#[test]
fn a_complete_current_waiver_is_fine() {
    let ev = read_toml(&format!("{SUITES}{VALID_WAIVER}"));
    let found = entries(&ev);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].position, Position { line: Some(7), ..Position::field("waiver.cross_platform") });
    assert_eq!(found[0].max_days, 30);
    // Nothing ran: a policy file is never evidence that tests passed.
    assert_verdict(vec![ev], 3, &["TG201"]);
}

#[test]
fn expired_too_long_and_incomplete_waivers_are_reported() {
    let text = r#"
[waiver.ext_must_pass]
owner = "a"
created = "2026-09-01"
expires = "2026-11-01"
bead = "bd-1"
reason = "r"
scope = "full"
remove_when = "w"

[waiver.evidence_bundle]
created = "2026-11-18"
expires = "2026-11-21"
scope = "release"
"#;
    let ev = read_toml(text);
    let found = entries(&ev);
    let incomplete =
        found.iter().find(|w| w.id == "evidence_bundle").map(|w| (w.missing_fields.clone(), w.invalid_fields.clone()));
    assert_eq!(
        incomplete,
        Some((
            vec!["owner".into(), "bead".into(), "reason".into(), "remove_when".into()],
            vec!["scope \"release\" (expected one of full, preflight, both)".into()]
        ))
    );
    assert_verdict(vec![ev], 3, &["TG201", "TG401", "TG402", "TG403", "TG404"]);
}

#[test]
fn quarantine_has_its_own_fields_categories_and_fourteen_days() {
    let text = r#"
[quarantine.io_flake]
category = "FLAKE-COSMIC"
owner = "b"
quarantined = "2026-11-01"
expires = "2026-11-25"
bead = "bd-2"
evidence = "ci run 1"
repro = "cargo test io_flake"
reason = "timing"
remove_when = "two green runs"
"#;
    let ev = read_toml(text);
    let found = entries(&ev);
    assert_eq!(found[0].kind, WaiverKind::Quarantine);
    assert_eq!(found[0].max_days, 14);
    assert_eq!(
        found[0].invalid_fields,
        vec![
            "category \"FLAKE-COSMIC\" (expected one of FLAKE-TIMING, FLAKE-ENV, FLAKE-NET, FLAKE-RES, FLAKE-EXT, FLAKE-LOGIC)"
        ]
    );
    assert_verdict(vec![ev], 3, &["TG201", "TG402", "TG403"]);
}

#[test]
fn names_pi_regex_parser_misses_are_read() {
    let body = "category = \"FLAKE-NET\"\nowner = \"o\"\nquarantined = \"2026-11-10\"\nexpires = \"2026-11-20\"\nbead = \"b\"\nevidence = \"e\"\nrepro = \"r\"\nreason = \"r\"\nremove_when = \"w\"\n";
    let text = format!("[quarantine.flaky-io]\n{body}\n[quarantine.\"a.b\"]\n{body}\n[quarantine.nested.name]\n{body}");
    let ev = read_toml(&text);
    let ids: Vec<&str> = entries(&ev).iter().map(|w| w.id.as_str()).collect();
    assert_eq!(ids, vec!["a.b", "flaky-io", "nested.name"]);
    assert!(entries(&ev).iter().all(|w| w.missing_fields.is_empty() && w.invalid_fields.is_empty()));
    assert_eq!(entries(&ev)[1].position.line, Some(1));
}

#[test]
fn bare_toml_dates_and_non_tables_are_invalid() {
    let text = "waiver.broken = \"not a table\"\n\n[waiver.dated]\nowner = \"o\"\ncreated = 2026-11-10\nexpires = \"2026-11-30\"\nbead = \"b\"\nreason = \"r\"\nscope = \"full\"\nremove_when = \"w\"\n";
    let ev = read_toml(text);
    let found = entries(&ev);
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].invalid_fields, vec!["entry (not a table)"]);
    assert_eq!(found[1].invalid_fields, vec!["created (a bare TOML date; pi reads only strings)"]);
    assert_eq!(found[1].created, chrono::NaiveDate::from_ymd_opt(2026, 11, 10));
}

#[test]
fn invalid_toml_is_unparseable_at_its_line() {
    let ev = read_toml("[suite.unit]\nfiles = [\"a\",\n[waiver.x]\n");
    let position = ev.observations.iter().find_map(|o| match o {
        Observation::Unparseable { position, .. } => Some(position.clone()),
        _ => None,
    });
    assert!(position.as_ref().and_then(|p| p.line).is_some_and(|l| l >= 2), "{position:?}");
    assert_verdict(vec![ev], 3, &["TG001", "TG201"]);
    let ev = read_toml("[suite.unit]\nfiles = \"compaction\"\n");
    assert_eq!(unparseable(&ev), Some("field suite.unit.files: expected an array of file stems"));
}
