//! What every fuzz target checks beyond "no panic": the whole pipeline
//! (read, rules, verdict, every renderer) runs on the input, and the outputs
//! stay inert whatever the input holds.

use truegreen::engine::check_bytes;
use truegreen::model::{EvidenceLimits, Format};
use truegreen::parse::ReadOptions;
use truegreen::render;
use truegreen::rules::Policy;
use truegreen::verdict::{RunContext, Status};

pub fn check(data: &[u8], forced: Option<Format>, name: &str) {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default();
    let policy = Policy::new(today);
    let read = ReadOptions { limits: EvidenceLimits { max_message_bytes: 256 }, forced, workspace: None };
    let verdict = check_bytes(name, data, &read, &policy, RunContext::default());

    // A pass needs executed cases and no failure: the verdict never says pass on nothing.
    if verdict.status == Status::Pass {
        assert!(verdict.totals.executed >= 1);
        assert_eq!(verdict.totals.derived.failures(), 0);
    }
    // Plain terminal output holds no escape sequence and cannot start a workflow command.
    let text = render::terminal::render(&verdict, false);
    assert!(!text.contains('\u{1b}'), "escape sequence in terminal output");
    for line in text.lines() {
        assert!(!line.trim_start().starts_with("::"), "workflow command in terminal output: {line:?}");
    }
    let _ = render::markdown::render_bounded(&verdict, 65_535);
    let _ = render::json::to_string(&verdict);
}
