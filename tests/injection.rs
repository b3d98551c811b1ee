//! Untrusted test names, messages and paths reach every output inert. One
//! corpus (`common/hostile.rs`), one definition of inert (`common/inert.rs`,
//! shared with the fuzz targets), one test per output: the check-run markdown,
//! annotations, workflow commands, replay commands and the terminal.
//!
//! Each test judges the corpus twice: through every reader (reports of each
//! format that carry the names, so no reader can smuggle text past the
//! renderers), and as evidence built directly (so the names also reach fields
//! no reader fills from them: paths, suites, replay commands an artifact supplies).

mod common;

use common::hostile::{self, NAMES, PATHS};
use common::inert;
use truegreen::discover::DiscoveryIssue;
use truegreen::engine::{Collected, check_bytes, judge};
use truegreen::model::{ArtifactInfo, Case, CaseOutcome, Claim, Evidence, EvidenceLimits, Format, Position, Status};
use truegreen::parse::ReadOptions;
use truegreen::render::github::{self, RepoPaths};
use truegreen::render::{comment, markdown, terminal};
use truegreen::rules::Policy;
use truegreen::verdict::Verdict;

fn policy() -> Policy {
    Policy::new(chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default())
}

/// The corpus through every reader, one verdict per format.
fn read_verdicts() -> Vec<(String, Verdict)> {
    let read = ReadOptions { limits: EvidenceLimits::default(), forced: None, workspace: None, inventory: false };
    hostile::reports(NAMES)
        .into_iter()
        .map(|(file, report)| {
            let v = check_bytes(file, report.as_bytes(), &read, &policy());
            assert!(!v.artifacts.is_empty() && v.artifacts[0].info.format.is_some(), "{file} not read: {v:?}");
            assert!(v.totals.derived.failures() as usize >= NAMES.len() / 2, "{file}: the names were read as failures");
            (file.to_owned(), v)
        })
        .collect()
}

/// The corpus as evidence built directly: every name as a case name, suite,
/// message, artifact-supplied replay command, claim, path, and discovery issue.
fn built_verdict() -> Verdict {
    let mut artifacts = Vec::new();
    for (i, path) in PATHS.iter().enumerate() {
        let info = ArtifactInfo {
            path: (*path).to_owned(),
            format: Some(Format::Kane),
            sha256: None,
            size: 1,
            modified: None,
        };
        let mut ev = Evidence::new(info, EvidenceLimits::default());
        for (j, name) in NAMES.iter().enumerate() {
            let suite = NAMES[(j + i + 1) % NAMES.len()];
            ev.add_case(
                Case::new(name, CaseOutcome::Failed)
                    .suite(suite)
                    .message(name)
                    .replay(*name)
                    .at(Position::line(j as u64 + 1)),
            );
            ev.add_case(Case::new(name, CaseOutcome::Flaky).suite("flaky"));
            ev.add_claim(Claim::status(*name, *name, *name, Status::Pass, Status::Fail, *name));
            ev.add_replay_command(name);
        }
        ev.finish();
        artifacts.push(ev);
    }
    let issues = NAMES.iter().map(|n| DiscoveryIssue { path: (*n).to_owned(), detail: (*n).to_owned() }).collect();
    let ignored = NAMES.iter().map(|n| (*n).to_owned()).collect();
    let mut policy = policy();
    policy.run.exit_code = Some(0);
    judge(Collected { artifacts, issues, ignored }, &policy)
}

fn all_verdicts() -> Vec<(String, Verdict)> {
    let mut all = read_verdicts();
    all.push(("built evidence".to_owned(), built_verdict()));
    all
}

fn paths() -> RepoPaths {
    RepoPaths::new(Some("/ws/repo"), Some("/ws/repo")).with_fallback(Some(".github/workflows/ci.yml"))
}

#[test]
fn check_run_markdown_renders_no_link_image_html_or_mention() {
    for (what, v) in all_verdicts() {
        for (output, md) in [
            ("check-run summary", github::check_run_summary(&v)),
            ("check-run text", github::check_run_text(&v)),
            ("job summary", github::job_summary(&v, Some(NAMES[16]), github::JOB_SUMMARY_LIMIT)),
            ("--markdown", markdown::render(&v)),
            (
                "pull request comment",
                comment::verdict_comment(
                    &v,
                    &comment::marker(NAMES[16]),
                    &comment::CommentLinks { label: Some(NAMES[16]), ..Default::default() },
                ),
            ),
        ] {
            let problems = inert::markdown_problems(&md);
            assert!(problems.is_empty(), "{what}, {output}: {problems:#?}\n{md}");
            // The text is still there to read, as text (the check-run text only lists claims).
            if output != "check-run text" {
                assert!(md.contains("onerror"), "{what}, {output}: the hostile text is shown");
            }
        }
    }
}

#[test]
fn annotations_hold_one_line_titles_and_no_control_characters() {
    for (what, v) in all_verdicts() {
        let annotations = github::annotations(&v, &paths());
        assert!(!annotations.is_empty(), "{what}");
        for a in &annotations {
            for (field, text) in [("title", &a.title), ("path", &a.path)] {
                assert!(!text.chars().any(char::is_control), "{what}: control character in the {field}: {a:?}");
            }
            for text in [Some(&a.message), a.raw_details.as_ref()].into_iter().flatten() {
                let controls: Vec<char> = text.chars().filter(|c| c.is_control() && *c != '\n' && *c != '\t').collect();
                assert!(controls.is_empty(), "{what}: control characters {controls:?} in {a:?}");
                assert!(!text.contains('\u{202e}'), "{what}: bidi override in {a:?}");
            }
            assert!(a.title.chars().count() <= github::ANNOTATION_TITLE_LIMIT);
        }
    }
}

#[test]
fn workflow_commands_stay_one_command_per_annotation() {
    for (what, v) in all_verdicts() {
        let annotations = github::annotations(&v, &paths());
        let commands = github::workflow_commands(&annotations, usize::MAX);
        let problems = inert::workflow_command_problems(&commands);
        assert!(problems.is_empty(), "{what}: {problems:#?}\n{commands}");
        assert_eq!(commands.lines().count(), annotations.len(), "{what}: one line per annotation\n{commands}");
        // The runner's own escapes written by the report stay literal text.
        if what == "built evidence" {
            assert!(commands.contains("%250A%3A%3Aerror%3A%3Apwned-percent"), "{commands}");
            assert!(commands.contains("x%2Ctitle=forged%3A%3Ainjected"), "{commands}");
        }
    }
}

#[test]
fn terminal_output_has_no_escape_sequence_from_report_content() {
    for (what, v) in all_verdicts() {
        let plain = terminal::render(&v, false);
        let problems = inert::terminal_problems(&plain);
        assert!(problems.is_empty(), "{what}: {problems:#?}\n{plain}");
        assert!(plain.contains("evil.example"), "{what}: the hostile text is shown");
        // With colour on, the only escape sequences are truegreen's own SGR codes.
        let colored = terminal::render(&v, true);
        let mut rest = colored.as_str();
        while let Some(at) = rest.find('\u{1b}') {
            let seq = &rest[at..];
            let end = seq.find('m').unwrap_or(seq.len());
            let params = &seq[1..end];
            assert!(
                ["[0", "[1", "[2", "[33", "[1;31", "[1;32", "[1;35"].contains(&params),
                "{what}: escape sequence not ours: {:?}",
                &seq[..seq.len().min(20)]
            );
            rest = &seq[end..];
        }
    }
}

/// Replay commands the readers build from names: each parses as plain words
/// and single-quoted strings only, so a POSIX shell runs nothing else.
#[test]
fn replay_commands_quote_every_name() {
    let mut checked = 0;
    for (what, v) in read_verdicts() {
        for (_, failure) in v.failures() {
            let Some(replay) = &failure.replay else { continue };
            let words = inert::shell_words(replay);
            assert!(words.is_some(), "{what}: {replay:?} holds text a shell would interpret");
            checked += 1;
        }
    }
    assert!(checked >= 3 * NAMES.len(), "replay commands from at least three readers ({checked})");
}

/// The same replay commands, run by a real shell whose PATH holds only stubs
/// that record their arguments: nothing but the stub runs (no `pwned-*` file
/// appears), and the stub receives exactly the words the quoting check saw.
#[cfg(unix)]
#[test]
fn replay_commands_run_by_a_shell_execute_nothing_else() -> Result<(), Box<dyn std::error::Error>> {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir()?;
    let stubs = dir.path().join("stubs");
    let work = dir.path().join("work");
    std::fs::create_dir_all(&stubs)?;
    std::fs::create_dir_all(&work)?;
    let log = dir.path().join("argv.log");
    for program in ["cargo", "npx", "bats", "go", "node", "pytest", "kane-cli", "mvn", "phpunit"] {
        let stub = stubs.join(program);
        // One argument per line, each as hex, so newlines in arguments survive.
        std::fs::write(
            &stub,
            format!(
                "#!/bin/sh\nfor a in {program} \"$@\"; do printf '%s' \"$a\" | /usr/bin/od -An -tx1 | /usr/bin/tr -d ' \\n'; echo; done > \"$ARGV_LOG\"\n"
            ),
        )?;
        std::fs::set_permissions(&stub, std::fs::Permissions::from_mode(0o755))?;
    }
    let mut ran = 0;
    for (what, v) in read_verdicts() {
        for (_, failure) in v.failures() {
            // As every output shows it (a NUL cannot be passed to a shell anyway).
            let Some(replay) = failure.replay.as_deref().map(truegreen::text::terminal_safe) else { continue };
            let expected = inert::shell_words(&replay).unwrap_or_default();
            let _ = std::fs::remove_file(&log);
            let status = std::process::Command::new("/bin/sh")
                .arg("-c")
                .arg(&replay)
                .current_dir(&work)
                .env_clear()
                .env("PATH", &stubs)
                .env("ARGV_LOG", &log)
                .status()?;
            assert!(status.success(), "{what}: {replay:?} exited {status}");
            let recorded: Vec<String> = std::fs::read_to_string(&log)?
                .lines()
                .map(|hex| {
                    let bytes: Vec<u8> =
                        (0..hex.len()).step_by(2).filter_map(|i| u8::from_str_radix(&hex[i..i + 2], 16).ok()).collect();
                    String::from_utf8_lossy(&bytes).into_owned()
                })
                .collect();
            assert_eq!(recorded, expected, "{what}: the shell split {replay:?} differently");
            ran += 1;
        }
    }
    let left: Vec<_> = std::fs::read_dir(&work)?.filter_map(Result::ok).map(|e| e.file_name()).collect();
    assert!(left.is_empty(), "a replay command ran something: {left:?}");
    assert!(ran >= 3 * NAMES.len(), "{ran}");
    Ok(())
}
