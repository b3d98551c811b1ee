//! Hostile inputs, through the real binary: each gets a clear finding and a
//! verdict that is not pass, without a crash, a hang or unbounded memory.
//! docs/RELIABILITY.md lists each input with its outcome, and the by-hand runs
//! too slow for `cargo test` (a real 2 GB file through the binary).

// A test may panic: a failed step should fail it loudly (the lints guard input paths).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::io::Read;
use std::path::Path;
use std::time::Duration;

use common::{TestResult, findings, kane_stream, rule_codes};
use serde_json::Value;

/// A guard against hangs, far above any run here: a FIFO opened by mistake
/// would block forever, and the test must fail rather than stall the suite.
const HANG_GUARD: Duration = Duration::from_secs(300);

/// Every format id that reads test results, plus the two truegreen reads itself.
const FORMATS: &[&str] = &[
    "junit",
    "trx",
    "nunit",
    "xunit",
    "kane",
    "ctrf",
    "tap",
    "go-test-json",
    "mocha-json",
    "jest-json",
    "playwright-json",
    "rspec-json",
    "dart-json",
    "libtest",
    "libtest-json",
    "key-value-counts",
    "git-test-counts",
    "pi-result",
    "pi-summary",
    "pi-full-suite-verdict",
    "pi-suite-classification",
    "truegreen-ledger",
    "truegreen-config",
];

struct Outcome {
    code: i32,
    stdout: String,
    verdict: Value,
}

impl Outcome {
    fn rules(&self) -> Vec<String> {
        rule_codes(&self.verdict)
    }

    /// Not a pass, and not a crash: a panic exits 101, a signal has no code.
    fn assert_discrepancy(&self, what: &str) {
        assert_eq!(self.code, 3, "{what}: {:?}\n{}", self.rules(), self.stdout);
        assert_eq!(self.verdict["status"], "discrepancy", "{what}");
    }
}

/// `truegreen check ARGS` in `dir`, which is also the workspace.
fn check(dir: &Path, args: &[&str]) -> Outcome {
    let json = dir.join("verdict.out.json");
    let _ = std::fs::remove_file(&json);
    let output = common::truegreen(dir)
        .env("GITHUB_WORKSPACE", dir)
        .env_remove("GITHUB_ACTIONS")
        .timeout(HANG_GUARD)
        .args(["check", "--color", "never", "--today", "2026-11-20", "--json"])
        .arg(&json)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("run truegreen: {e}"));
    let code = output.status.code().unwrap_or(-1);
    let verdict = std::fs::read(&json).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or(Value::Null);
    Outcome { code, stdout: String::from_utf8_lossy(&output.stdout).into_owned(), verdict }
}

fn finding_text(verdict: &Value, rule: &str) -> String {
    findings(verdict, rule)
        .iter()
        .map(|f| f["message"].as_str().unwrap_or("").to_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(unix)]
#[test]
fn a_2gb_file_is_refused_without_being_read() -> TestResult {
    let dir = tempfile::tempdir()?;
    // Sparse: 2 GB of size, no disk blocks, nothing for truegreen to read.
    let file = std::fs::File::create(dir.path().join("huge.ndjson"))?;
    file.set_len(2_000_000_000)?;
    // Under a 1 GiB cap (the default is 4 GiB, for reports of millions of tests).
    let out = check(dir.path(), &["--max-file-bytes", "1G", "huge.ndjson"]);
    out.assert_discrepancy("2 GB file");
    assert_eq!(out.rules(), ["TG006", "TG201"]);
    let message = finding_text(&out.verdict, "TG006");
    assert!(message.contains("2000000000 bytes, above the cap of 1073741824 bytes (--max-file-bytes)"), "{message}");
    assert_eq!(findings(&out.verdict, "TG006")[0]["artifact"], "huge.ndjson");
    Ok(())
}

#[test]
fn a_file_over_a_lowered_cap_is_refused_though_it_would_pass() -> TestResult {
    let dir = tempfile::tempdir()?;
    let mut report = String::new();
    for _ in 0..3000 {
        report.push_str(&kane_stream(10, 0));
    }
    assert!(report.len() > 2 << 20, "{}", report.len());
    std::fs::write(dir.path().join("run.ndjson"), &report)?;
    assert_eq!(check(dir.path(), &["run.ndjson"]).code, 0, "the report itself is an honest pass");
    let out = check(dir.path(), &["--max-file-bytes", "1M", "run.ndjson"]);
    out.assert_discrepancy("over the cap");
    assert!(out.rules().contains(&"TG006".to_owned()), "{:?}", out.rules());
    assert!(finding_text(&out.verdict, "TG006").contains("above the cap of 1048576 bytes"));
    let bad = common::truegreen(dir.path()).args(["check", "--max-file-bytes", "lots", "run.ndjson"]).output()?;
    assert_eq!(bad.status.code(), Some(2), "an unreadable cap is a usage error");
    Ok(())
}

/// The same code path as a 2 GB pipe, in memory: a stream of unknown size (an
/// endless valid kane stream) is read up to the cap and no further.
#[test]
fn a_stream_is_read_no_further_than_the_cap() {
    use truegreen::model::{ArtifactInfo, EvidenceLimits, Excess, Observation};
    use truegreen::parse::{ReadOptions, ReadOutcome, read_stream};

    struct Endless {
        line: Vec<u8>,
        at: usize,
        served: u64,
    }
    impl Read for Endless {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let mut n = 0;
            while n < buf.len() {
                buf[n] = self.line[self.at];
                self.at = (self.at + 1) % self.line.len();
                n += 1;
            }
            self.served += n as u64;
            Ok(n)
        }
    }
    let line = kane_stream(1, 0).into_bytes();
    let mut endless = Endless { line, at: 0, served: 0 };
    let cap = 8 << 20;
    let options = ReadOptions {
        limits: EvidenceLimits { max_file_bytes: cap, ..EvidenceLimits::default() },
        forced: None,
        workspace: None,
        inventory: false,
    };
    let info = ArtifactInfo { path: "pipe.ndjson".into(), format: None, sha256: None, size: 0, modified: None };
    let ReadOutcome::Report(ev) = read_stream(&mut endless, info, true, &options) else { panic!("ignored") };
    let too_large = Observation::TooLarge { what: Excess::FileBytes, size: None, limit: cap };
    assert!(ev.observations.contains(&too_large), "{:?}", ev.observations);
    assert_eq!(ev.info.sha256, None, "a prefix's hash names no file");
    assert!(endless.served <= cap + 512 * 1024, "read {} bytes past a cap of {cap}", endless.served);
}

fn nested_json() -> [(&'static str, String); 2] {
    [
        ("arrays", format!("{}{}", "[".repeat(100_000), "]".repeat(100_000))),
        ("objects", format!("{}1{}", "{\"a\":".repeat(100_000), "}".repeat(100_000))),
    ]
}

#[test]
fn nesting_100000_levels_deep_is_unparseable_not_a_stack_overflow() -> TestResult {
    let dir = tempfile::tempdir()?;
    for (kind, text) in nested_json() {
        std::fs::write(dir.path().join("deep.json"), &text)?;
        let detected = check(dir.path(), &["deep.json"]);
        detected.assert_discrepancy(&format!("{kind}, detected"));
        for format in FORMATS {
            let out = check(dir.path(), &["--format", format, "deep.json"]);
            out.assert_discrepancy(&format!("{kind} as {format}"));
        }
        // The JSON readers name the depth (serde_json's recursion limit); CTRF
        // refuses a root array before it descends.
        let formats: &[&str] =
            if kind == "objects" { &["ctrf", "pi-result", "truegreen-ledger"] } else { &["pi-result"] };
        for format in formats {
            let out = check(dir.path(), &["--format", format, "deep.json"]);
            assert!(
                finding_text(&out.verdict, "TG001").contains("recursion limit"),
                "{kind} as {format}: {:?}",
                out.verdict
            );
        }
        // As the configuration: a usage error, named, before any report is read.
        std::fs::write(dir.path().join("deep.yml"), &text)?;
        let config = common::truegreen(dir.path())
            .timeout(HANG_GUARD)
            .args(["check", "--config", "deep.yml", "deep.json"])
            .output()?;
        assert_eq!(config.status.code(), Some(2), "{kind}");
        let stderr = String::from_utf8_lossy(&config.stderr);
        assert!(stderr.contains("nested more than 64 levels deep"), "{kind}: {stderr}");
    }
    Ok(())
}

/// XML nested 100,000 levels deep: suites in suites, and unknown elements in
/// a testcase. The reader is a stream over quick-xml events with no recursion;
/// billion laughs and external entities are in tests/junit_hostile.rs.
#[test]
fn xml_nested_100000_levels_deep_is_never_green() -> TestResult {
    let dir = tempfile::tempdir()?;
    let depth = 100_000;
    let suites = format!(
        "<testsuites>{}<testcase name=\"t\"/>{}</testsuites>\n",
        "<testsuite name=\"s\">".repeat(depth),
        "</testsuite>".repeat(depth)
    );
    let inside = format!(
        "<testsuites><testsuite name=\"s\" tests=\"1\"><testcase name=\"t\">{}{}</testcase></testsuite></testsuites>\n",
        "<x>".repeat(depth),
        "</x>".repeat(depth)
    );
    let unclosed = format!("<testsuites>{}\n", "<testsuite name=\"s\">".repeat(depth));
    // The .NET roots, with elements nested inside them.
    let trx = format!(
        "<TestRun xmlns=\"http://microsoft.com/schemas/VisualStudio/TeamTest/2010\"><Results>{}{}</Results></TestRun>\n",
        "<UnitTestResult testName=\"t\" outcome=\"Passed\">".repeat(depth),
        "</UnitTestResult>".repeat(depth)
    );
    let nunit = format!(
        "<test-run total=\"1\" passed=\"1\" result=\"Passed\">{}<test-case name=\"t\" result=\"Passed\"/>{}</test-run>\n",
        "<test-suite type=\"TestSuite\" name=\"s\">".repeat(depth),
        "</test-suite>".repeat(depth)
    );
    let xunit = format!(
        "<assemblies><assembly total=\"1\" passed=\"1\"><collection>{}{}</collection></assembly></assemblies>\n",
        "<test name=\"t\" result=\"Pass\">".repeat(depth),
        "</test>".repeat(depth)
    );
    for (what, xml) in [
        ("nested suites", suites),
        ("nested elements", inside),
        ("unclosed", unclosed),
        ("nested TRX results", trx),
        ("nested NUnit suites", nunit),
        ("nested xUnit.net tests", xunit),
    ] {
        std::fs::write(dir.path().join("deep.xml"), xml)?;
        let out = check(dir.path(), &["deep.xml"]);
        assert_ne!(out.code, 0, "{what}: {:?}", out.rules());
        assert!([1, 3].contains(&out.code), "{what}: a verdict, not a crash: {}", out.code);
        assert!(out.stdout.len() < 64 * 1024, "{what}: {} bytes of output", out.stdout.len());
    }
    Ok(())
}

#[test]
fn a_yaml_alias_bomb_is_refused() -> TestResult {
    let dir = tempfile::tempdir()?;
    let mut bomb = String::from(
        "suites:\n  a: {reports: &a [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]}\n",
    );
    let mut previous = 'a';
    for name in ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'] {
        let refs = vec![format!("*{previous}"); 8].join(", ");
        bomb.push_str(&format!("  {name}: {{reports: &{name} [{refs}]}}\n"));
        previous = name;
    }
    std::fs::write(dir.path().join("bomb.yml"), &bomb)?;
    std::fs::write(dir.path().join("run.ndjson"), kane_stream(1, 0))?;
    let out = common::truegreen(dir.path())
        .timeout(HANG_GUARD)
        .args(["check", "--config", "bomb.yml", "run.ndjson"])
        .output()?;
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let as_report = check(dir.path(), &["--format", "truegreen-config", "bomb.yml"]);
    as_report.assert_discrepancy("alias bomb as a report");
    assert!(as_report.rules().contains(&"TG001".to_owned()));
    Ok(())
}

#[test]
fn a_10mb_single_line_is_read_in_bounded_memory_and_output() -> TestResult {
    let dir = tempfile::tempdir()?;
    std::fs::write(dir.path().join("line.txt"), "a".repeat(10 << 20))?;
    let detected = check(dir.path(), &["line.txt"]);
    detected.assert_discrepancy("10 MB line, detected");
    assert_eq!(detected.rules(), ["TG003", "TG201"]);
    for format in FORMATS {
        let out = check(dir.path(), &["--format", format, "line.txt"]);
        out.assert_discrepancy(&format!("10 MB line as {format}"));
        assert!(out.stdout.len() < 64 * 1024, "{format}: {} bytes of output", out.stdout.len());
    }
    // A 10 MB test name in a failing step: an honest failure, with the name cut
    // in every output.
    let name = "x".repeat(10 << 20);
    let mut report = String::new();
    for event in [
        serde_json::json!({"type": "test_md_step_start", "step_index": 1, "heading": name}),
        serde_json::json!({"type": "test_md_step_end", "step_index": 1, "status": "failed", "error": name}),
        serde_json::json!({"type": "test_md_summary", "overall_status": "failed",
                           "steps": {"total": 1, "passed": 0, "failed": 1, "skipped": 0}}),
        serde_json::json!({"type": "test_md_done", "overall_status": "failed"}),
    ] {
        report.push_str(&format!("{event}\n"));
    }
    std::fs::write(dir.path().join("big-name.ndjson"), report)?;
    let out = check(dir.path(), &["--format", "kane", "--markdown", "out.md", "big-name.ndjson"]);
    assert_eq!(out.code, 1, "{:?}", out.rules());
    assert!(out.stdout.len() < 64 * 1024, "{} bytes of terminal output", out.stdout.len());
    assert!(std::fs::metadata(dir.path().join("out.md"))?.len() < 64 * 1024);
    let failure = &out.verdict["artifacts"][0]["failures"][0];
    assert!(failure["name"].as_str().unwrap_or("").ends_with("bytes cut]"), "{}", &failure["name"].to_string()[..80]);
    Ok(())
}

#[test]
fn invalid_utf8_and_nul_bytes_are_unreadable_never_green() -> TestResult {
    let dir = tempfile::tempdir()?;
    let binary: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
    std::fs::write(dir.path().join("binary.json"), &binary)?;
    let detected = check(dir.path(), &["binary.json"]);
    detected.assert_discrepancy("binary, detected");
    assert!(finding_text(&detected.verdict, "TG003").contains("binary data"), "{:?}", detected.verdict);
    for format in FORMATS {
        check(dir.path(), &["--format", format, "binary.json"]).assert_discrepancy(&format!("binary as {format}"));
    }
    // A passing report with a line of invalid UTF-8 or a NUL inside an event.
    for (what, bad) in [
        ("invalid UTF-8", &b"{\"type\": \"test_md_step_end\", \"status\": \"\xff\xfe\"}\n"[..]),
        ("NUL", b"{\"type\":\0\"x\"}\n"),
    ] {
        let mut report = kane_stream(2, 0).into_bytes();
        report.extend_from_slice(bad);
        std::fs::write(dir.path().join("run.ndjson"), &report)?;
        let out = check(dir.path(), &["run.ndjson"]);
        out.assert_discrepancy(what);
        assert!(out.rules().contains(&"TG001".to_owned()), "{what}: {:?}", out.rules());
    }
    Ok(())
}

#[cfg(unix)]
#[test]
fn a_symlink_out_of_the_workspace_is_refused_unless_followed() -> TestResult {
    let root = tempfile::tempdir()?;
    let ws = root.path().join("workspace");
    let outside = root.path().join("outside");
    std::fs::create_dir_all(ws.join("reports"))?;
    std::fs::create_dir_all(&outside)?;
    // An honest, passing report: only where the link leads is wrong.
    std::fs::write(outside.join("secret.ndjson"), kane_stream(3, 0))?;
    std::os::unix::fs::symlink(outside.join("secret.ndjson"), ws.join("reports/run.ndjson"))?;

    for args in [&["reports/run.ndjson"][..], &["reports"], &["reports/*.ndjson"]] {
        let out = check(&ws, args);
        out.assert_discrepancy(&format!("{args:?}"));
        let message = findings(&out.verdict, "TG004").iter().map(|f| f.to_string()).collect::<String>();
        assert!(message.contains("reports/run.ndjson is a symbolic link to "), "{args:?}: {message}");
        assert!(message.contains("secret.ndjson"), "{args:?}: the target is named: {message}");
        assert!(message.contains("--follow-symlinks"), "{args:?}: {message}");
        assert_eq!(out.verdict["totals"]["executed"], 0, "{args:?}: nothing was read through the link");
        let followed = check(&ws, &[&["--follow-symlinks"][..], args].concat());
        assert_eq!(followed.code, 0, "{args:?} with --follow-symlinks: {:?}", followed.rules());
    }

    // A linked directory leading out is refused the same way.
    std::os::unix::fs::symlink(&outside, ws.join("linked"))?;
    check(&ws, &["linked/secret.ndjson"]).assert_discrepancy("through a linked directory");
    check(&ws, &["linked"]).assert_discrepancy("a linked directory");

    // A link that stays inside the workspace is read like its target.
    std::fs::write(ws.join("reports/real.ndjson"), kane_stream(2, 0))?;
    std::fs::remove_file(ws.join("reports/run.ndjson"))?;
    std::os::unix::fs::symlink(ws.join("reports/real.ndjson"), ws.join("reports/alias.ndjson"))?;
    let inside = check(&ws, &["reports/alias.ndjson"]);
    assert_eq!(inside.code, 0, "{:?}", inside.rules());
    Ok(())
}

#[cfg(unix)]
#[test]
fn a_fifo_is_refused_without_blocking() -> TestResult {
    let dir = tempfile::tempdir()?;
    let fifo = dir.path().join("report.ndjson");
    let path = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes())?;
    // SAFETY: mkfifo reads a NUL-terminated path that outlives the call.
    assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o600) }, 0, "mkfifo");
    let out = check(dir.path(), &["report.ndjson"]);
    out.assert_discrepancy("FIFO named explicitly");
    assert!(finding_text(&out.verdict, "TG004").contains("not a regular file (FIFO, socket or device): refused"));
    // Found by scanning, it is skipped, and the directory then holds no report.
    let scanned = check(dir.path(), &["."]);
    scanned.assert_discrepancy("FIFO found by scanning");
    assert!(finding_text(&scanned.verdict, "TG004").contains("holds no report"), "{:?}", scanned.verdict);
    Ok(())
}

#[test]
fn a_report_path_that_is_a_directory_is_scanned() -> TestResult {
    let dir = tempfile::tempdir()?;
    std::fs::create_dir_all(dir.path().join("empty dir"))?;
    let empty = check(dir.path(), &["empty dir"]);
    empty.assert_discrepancy("an empty directory");
    assert_eq!(empty.rules(), ["TG004", "TG201"]);
    assert!(finding_text(&empty.verdict, "TG004").contains("the directory holds no report truegreen recognizes"));
    std::fs::create_dir_all(dir.path().join("reports dir/nested"))?;
    std::fs::write(dir.path().join("reports dir/nested/run.ndjson"), kane_stream(2, 0))?;
    let full = check(dir.path(), &["reports dir"]);
    assert_eq!(full.code, 0, "{:?}", full.rules());
    assert_eq!(full.verdict["totals"]["executed"], 2);
    Ok(())
}

#[test]
fn failure_messages_are_cut_at_the_cap() -> TestResult {
    let dir = tempfile::tempdir()?;
    let message = "m".repeat(100_000);
    let mut report = String::new();
    for event in [
        serde_json::json!({"type": "test_md_step_start", "step_index": 1, "heading": "one"}),
        serde_json::json!({"type": "test_md_bug_verdict", "step_index": 1, "bug_title": message}),
        serde_json::json!({"type": "test_md_step_end", "step_index": 1, "status": "failed"}),
        serde_json::json!({"type": "test_md_summary", "overall_status": "failed",
                           "steps": {"total": 1, "passed": 0, "failed": 1, "skipped": 0}}),
        serde_json::json!({"type": "test_md_done", "overall_status": "failed"}),
    ] {
        report.push_str(&format!("{event}\n"));
    }
    std::fs::write(dir.path().join("run.ndjson"), report)?;
    let kept = |out: &Outcome| out.verdict["artifacts"][0]["failures"][0]["message"].as_str().unwrap_or("").to_owned();
    let default = check(dir.path(), &["run.ndjson"]);
    assert_eq!(default.code, 1);
    assert!(kept(&default).len() < 4096 + 64 && kept(&default).contains("bytes cut]"), "{}", kept(&default).len());
    let small = check(dir.path(), &["--max-message-bytes", "100", "run.ndjson"]);
    assert!(kept(&small).len() < 100 + 64 && kept(&small).contains("bytes cut]"), "{}", kept(&small));
    Ok(())
}

#[test]
fn both_caps_are_documented_in_help_with_their_defaults() -> TestResult {
    let dir = tempfile::tempdir()?;
    for command in ["check", "run"] {
        let help = common::truegreen(dir.path()).args([command, "--help"]).output()?;
        let help = String::from_utf8_lossy(&help.stdout);
        assert!(help.contains("--max-file-bytes <BYTES>"), "{command}: {help}");
        assert!(help.contains("[default: 4G]"), "{command}: {help}");
        assert!(help.contains("--max-message-bytes <BYTES>"), "{command}: {help}");
        assert!(help.contains("[default: 4096]"), "{command}: {help}");
        assert!(help.contains("--follow-symlinks"), "{command}: {help}");
    }
    Ok(())
}

/// Report paths with spaces, newlines and shell syntax, through the binary as it
/// runs in GitHub Actions (`--publish summary`: workflow-command annotations and
/// the job summary, no API): each output shows them, and none acts on them.
#[test]
fn paths_with_spaces_and_newlines_stay_inert_in_every_output() -> TestResult {
    let dir = tempfile::tempdir()?;
    let reports = dir.path().join("reports");
    std::fs::create_dir_all(&reports)?;
    let mut names = vec!["a b c.ndjson", "$(touch pwned-path) `x` ; y.ndjson"];
    if cfg!(unix) {
        names.push("line\n::error::pwned-path\r%0A.ndjson");
    }
    // Each claims a pass over a failed step: a discrepancy and a failure per file.
    let liar = common::hostile::kane_report(&["step"]);
    for name in &names {
        std::fs::write(reports.join(name), &liar)?;
    }
    let summary = dir.path().join("step-summary.md");
    let outputs = dir.path().join("outputs.txt");
    let output = common::truegreen(dir.path())
        .env("GITHUB_WORKSPACE", dir.path())
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("GITHUB_OUTPUT", &outputs)
        .env_remove("GITHUB_TOKEN")
        .timeout(HANG_GUARD)
        .args(["check", "--publish", "summary", "--color", "never", "--json", "v.json", "--markdown", "report.md"])
        .arg("reports")
        .args(names.iter().map(|n| reports.join(n)))
        .output()?;
    assert_eq!(output.status.code(), Some(3));
    let verdict_doc = common::verdict(&dir.path().join("v.json"))?;
    assert_eq!(verdict_doc["artifacts"].as_array().map(Vec::len), Some(names.len()), "each file read once");

    // Terminal: the report sits inside a stop-commands fence, and every line
    // outside it is one of truegreen's own annotation commands.
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut fence: Option<String> = None;
    let (mut fenced, mut commands) = (String::new(), String::new());
    for line in stdout.lines() {
        match &fence {
            Some(token) if line == format!("::{token}::") => fence = None,
            Some(_) => fenced.push_str(&format!("{line}\n")),
            None => match line.strip_prefix("::stop-commands::") {
                Some(token) => fence = Some(token.to_owned()),
                None if line.starts_with("::") => commands.push_str(&format!("{line}\n")),
                None => {}
            },
        }
    }
    assert!(fence.is_none(), "the fence is closed:\n{stdout}");
    let problems = common::inert::terminal_problems(&fenced);
    assert!(problems.is_empty(), "terminal report: {problems:#?}\n{fenced}");
    assert!(fenced.contains("touch pwned-path"), "the paths are shown:\n{fenced}");
    let problems = common::inert::workflow_command_problems(&commands);
    assert!(problems.is_empty(), "workflow commands: {problems:#?}\n{commands}");
    assert!(commands.lines().count() >= 2 * names.len(), "{commands}");

    // Markdown: the job summary and --markdown.
    for (what, path) in [("job summary", &summary), ("--markdown", &dir.path().join("report.md"))] {
        let md = std::fs::read_to_string(path)?;
        let problems = common::inert::markdown_problems(&md);
        assert!(problems.is_empty(), "{what}: {problems:#?}\n{md}");
        assert!(md.contains("a b c.ndjson"), "{what} names the files:\n{md}");
    }

    // Annotations, as the check run would receive them.
    let verdict: truegreen::verdict::Verdict = serde_json::from_value(verdict_doc)?;
    let ws = dir.path().display().to_string();
    let annotations = truegreen::render::github::annotations(
        &verdict,
        &truegreen::render::github::RepoPaths::new(Some(&ws), Some(&ws)),
    );
    assert!(annotations.len() >= 2 * names.len());
    for a in &annotations {
        assert!(!a.path.chars().any(char::is_control) && !a.title.chars().any(char::is_control), "{a:?}");
    }
    assert!(!dir.path().join("pwned-path").exists());
    Ok(())
}

/// Readers that hold a whole document in memory stop at 32 MiB, whatever
/// `--max-file-bytes` allows, so a dense 40 MiB array cannot take gigabytes.
#[test]
fn a_whole_document_over_32_mib_is_not_held_in_memory() -> TestResult {
    let dir = tempfile::tempdir()?;
    let mut doc = String::with_capacity(41 << 20);
    doc.push('[');
    while doc.len() < 40 << 20 {
        doc.push_str("0,");
    }
    doc.push_str("0]");
    std::fs::write(dir.path().join("summary.json"), &doc)?;
    for format in ["pi-summary", "pi-suite-classification"] {
        let out = check(dir.path(), &["--format", format, "summary.json"]);
        out.assert_discrepancy(format);
        let message = finding_text(&out.verdict, "TG001");
        assert!(message.contains("larger than 33554432 bytes"), "{format}: {message}");
    }
    Ok(())
}

/// Replace every standalone number of up to six digits (counts, indices, exit
/// codes, line numbers; not hashes, versions or durations) with `huge`.
fn with_huge_numbers(data: &[u8], huge: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len());
    let mut i = 0;
    while i < data.len() {
        let starts_word = i == 0 || !(data[i - 1].is_ascii_alphanumeric() || data[i - 1] == b'.');
        if starts_word && data[i].is_ascii_digit() {
            let end = data[i..].iter().position(|b| !b.is_ascii_digit()).map_or(data.len(), |n| i + n);
            let ends_word = end == data.len() || !(data[end].is_ascii_alphanumeric() || data[end] == b'.');
            if ends_word && end - i <= 6 {
                out.extend_from_slice(huge.as_bytes());
                i = end;
                continue;
            }
        }
        out.push(data[i]);
        i += 1;
    }
    out
}

/// Every count in every shared fixture at once set near `u64::MAX`, past 2^63
/// and past the count cap: no overflow panic (the test build checks overflow),
/// no loop over counted cases, and a verdict for each. Found this way: a kane
/// summary's `"skipped": 50000000000` ran for hours, and JUnit's declared
/// failures + errors, and mocha's unwritten tests, overflowed.
#[test]
fn huge_counts_in_every_fixture_neither_overflow_nor_loop() -> TestResult {
    let dir = tempfile::tempdir()?;
    let mut checked = 0;
    for entry in walkdir::WalkDir::new(common::shared_fixtures("")) {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !entry.file_type().is_file() || entry.metadata()?.len() > 400_000 || name.ends_with(".md") {
            continue;
        }
        let data = std::fs::read(entry.path())?;
        for huge in ["18446744073709551615", "9223372036854775808", "1000001"] {
            let copy = dir.path().join(&name);
            std::fs::write(&copy, with_huge_numbers(&data, huge))?;
            let verdict = common::check_in_process(&copy);
            assert_eq!(
                verdict.artifacts.len(),
                1,
                "{name} with {huge}: {:?}",
                rule_codes(&serde_json::to_value(&verdict)?)
            );
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} fixture variants: are the shared fixtures there?");
    Ok(())
}

/// A shard verdict document is untrusted too: a real one from `check --shard`,
/// then edited to hold 8 MiB strings wherever the gate quotes one, and
/// thousands of findings whose severity contradicts the format. The gate
/// calls it a discrepancy, and no output grows with the document.
#[test]
fn a_hostile_shard_verdict_is_a_discrepancy_with_bounded_output() -> TestResult {
    let dir = tempfile::tempdir()?;
    let env = [("GITHUB_SHA", "abc1234def"), ("GITHUB_RUN_ID", "42"), ("GITHUB_RUN_ATTEMPT", "1")];
    let mut report = String::new();
    for event in [
        serde_json::json!({"type": "test_md_step_start", "step_index": 1, "heading": "open the cart"}),
        serde_json::json!({"type": "test_md_step_end", "step_index": 1, "status": "failed", "error": "no cart"}),
        serde_json::json!({"type": "test_md_summary", "overall_status": "failed",
                           "steps": {"total": 1, "passed": 0, "failed": 1, "skipped": 0}}),
        serde_json::json!({"type": "test_md_done", "overall_status": "failed"}),
    ] {
        report.push_str(&format!("{event}\n"));
    }
    std::fs::write(dir.path().join("run.ndjson"), report)?;
    let verdict_path = dir.path().join("verdict.json");
    let mut check = common::truegreen(dir.path());
    check.envs(env).args(["check", "--shard", r#"{"os": "linux"}"#, "--json"]).arg(&verdict_path).arg("run.ndjson");
    assert_eq!(check.output()?.status.code(), Some(1));

    let huge = "A".repeat(8 << 20);
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(&verdict_path)?)?;
    doc["status"] = "pass".into();
    doc["exit_code"] = 0.into();
    doc["context"]["run_url"] = huge.as_str().into();
    let failure = &mut doc["artifacts"][0]["failures"][0];
    failure["name"] = huge.as_str().into();
    failure["message"] = huge.as_str().into();
    let mut findings =
        vec![serde_json::json!({"rule": huge, "name": "x", "severity": "failure", "message": huge, "replay": huge})];
    findings
        .extend((0..5_000).map(
            |i| serde_json::json!({"rule": "TG101", "name": "x", "severity": format!("sev-{i}"), "message": "m"}),
        ));
    doc["findings"] = findings.into();
    std::fs::write(&verdict_path, doc.to_string())?;

    let mut gate = common::truegreen(dir.path());
    gate.envs(env).args(["gate", "--color", "never", "--expect-matrix", r#"{"os": ["linux"]}"#]).args([
        "--json",
        "gate.json",
        "--markdown",
        "gate.md",
        "verdict.json",
    ]);
    let output = gate.timeout(HANG_GUARD).output()?;
    assert_eq!(output.status.code(), Some(3), "{}", String::from_utf8_lossy(&output.stderr));
    let json = std::fs::read_to_string(dir.path().join("gate.json"))?;
    let markdown = std::fs::read_to_string(dir.path().join("gate.md"))?;
    let gate_doc: Value = serde_json::from_str(&json)?;
    assert_eq!(gate_doc["cells"][0]["state"], "discrepancy");
    let rules = common::distinct_rule_codes(&gate_doc);
    assert!(rules.contains(&"TG235".to_owned()) && rules.contains(&"TG236".to_owned()), "{rules:?}");
    let contradictions = gate_doc["cells"][0]["verdicts"][0]["contradictions"].as_array().map_or(0, Vec::len);
    assert!((2..=25).contains(&contradictions), "{contradictions} contradictions kept");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let run_of_a = "A".repeat(2_001);
    for (what, text, max) in
        [("terminal", &*stdout, 64 * 1024), ("json", &*json, 512 * 1024), ("markdown", &*markdown, 512 * 1024)]
    {
        assert!(text.len() < max, "{what}: {} bytes", text.len());
        assert!(!text.contains(&run_of_a), "{what} quotes more than 2,000 bytes of one string");
    }
    Ok(())
}
