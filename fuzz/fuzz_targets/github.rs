//! The renderers alone, fed hostile text directly: the input is split on 0xFF
//! into a test name, a suite, a message, a replay command and two paths, which
//! become a failing case, a flaky one, an advisory failure, a contradicted
//! claim, a discovery issue and an ignored file. Every output (terminal,
//! markdown, check run, annotations, workflow commands, JSON) must stay inert.
#![no_main]

mod common;

use truegreen::discover::DiscoveryIssue;
use truegreen::engine::{Collected, judge};
use truegreen::model::{
    ArtifactInfo, Case, CaseOutcome, Claim, Evidence, EvidenceLimits, Format, Position, SourceLocation, Status,
};
use truegreen::rules::Policy;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let fields: Vec<String> = data.split(|b| *b == 0xff).map(|f| String::from_utf8_lossy(f).into_owned()).collect();
    let field = |i: usize| fields.get(i).map_or("", String::as_str);
    let (name, suite, message, replay, path, other) = (field(0), field(1), field(2), field(3), field(4), field(5));

    let info = ArtifactInfo { path: path.to_owned(), format: Some(Format::Kane), sha256: None, size: 0, modified: None };
    let mut ev = Evidence::new(info, EvidenceLimits { max_message_bytes: 1024, ..EvidenceLimits::default() });
    let mut failing = Case::new(name, CaseOutcome::Failed).suite(suite).message(message).replay(replay);
    failing.position = Position::line(3).with_field(other);
    failing.source = Some(SourceLocation { file: other.to_owned(), line: Some(7) });
    ev.add_case(failing);
    ev.add_case(Case::new(message, CaseOutcome::Flaky).suite(name));
    ev.add_case(Case::new(replay, CaseOutcome::Failed).advisory().message(name));
    ev.add_case(Case::new(other, CaseOutcome::Passed));
    ev.add_claim(Claim::status(name, suite, message, Status::Pass, Status::Fail, other));
    ev.add_claim(Claim::count(suite, name, 0, 1, message));
    ev.add_replay_command(replay);
    ev.finish();

    let collected = Collected {
        artifacts: vec![ev],
        issues: vec![DiscoveryIssue { path: other.to_owned(), detail: message.to_owned() }],
        ignored: vec![path.to_owned(), other.to_owned()],
    };
    let mut policy = Policy::new(chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default());
    policy.run.exit_code = Some(0);
    let verdict = judge(collected, &policy);
    common::verdict_is_backed(&verdict);
    common::outputs_are_inert(&verdict);
});
