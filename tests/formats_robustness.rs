//! The new readers never panic, whatever they are fed: random bytes, and random
//! sequences of lines that look like their formats (the interesting inputs).

use proptest::prelude::*;
use truegreen::model::{ArtifactInfo, Evidence, EvidenceLimits, Format};

const FORMATS: [Format; 5] = [Format::Ctrf, Format::Tap, Format::GoTestJson, Format::Libtest, Format::LibtestJson];

fn read_all(format: Format, bytes: &[u8]) -> Evidence {
    let info = ArtifactInfo { path: "x".into(), format: Some(format), sha256: None, size: 0, modified: None };
    let mut ev = Evidence::new(info, EvidenceLimits::default());
    let mut input = bytes;
    let _ = truegreen::parse::read_format(
        &mut input,
        &mut ev,
        &truegreen::parse::ReadContext::new(format, None, EvidenceLimits::default()),
    );
    ev.finish();
    ev
}

/// Lines from all four formats, mixed so each reader meets its own syntax in
/// unexpected orders and indentations.
fn line() -> impl Strategy<Value = String> {
    let fragments = prop::sample::select(vec![
        "TAP version 14",
        "1..3",
        "1..0 # skip",
        "ok",
        "ok 1 - a",
        "not ok 2 - b # TODO x",
        "not ok 3 \\# SKIP",
        "Bail out!",
        "# Subtest: s",
        "  ---",
        "  message: m",
        "  at: {file: a.js, line: 2}",
        "  ...",
        "# (in test file t.bats, line 1)",
        r#"{"Action":"run","Package":"p","Test":"T/a"}"#,
        r#"{"Action":"fail","Package":"p","Test":"T"}"#,
        r#"{"Action":"pass","Package":"p"}"#,
        r#"{"Action":"build-fail","ImportPath":"p"}"#,
        "FAIL\tp [build failed]",
        "# p",
        "p/a.go:1:1: bad",
        "go: boom",
        "running 2 tests",
        "test a ... ok",
        "test b ... FAILED",
        "failures:",
        "---- b stdout ----",
        "test result: ok. 1 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out",
        "     Running tests/x.rs (target/debug/deps/x-1)",
        "error[E0001]: x",
        "error: could not compile `x`",
        "error: test failed, to rerun pass `--lib`",
        r#"{ "type": "suite", "event": "started", "test_count": 2 }"#,
        r#"{ "type": "test", "name": "a", "event": "failed", "stdout": "x" }"#,
        r#"{ "type": "suite", "event": "ok", "passed": 1, "failed": 0, "ignored": 0 }"#,
        r#"{"results":{"tool":{"name":"jest"},"tests":[{"name":"a","status":"failed","duration":1}"#,
        "]}}",
        "{",
        "",
        "\u{3000}",
    ]);
    (fragments, 0usize..3).prop_map(|(f, depth)| format!("{}{f}", "    ".repeat(depth)))
}

proptest! {
    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        for format in FORMATS {
            read_all(format, &bytes);
        }
    }

    #[test]
    fn format_like_lines_never_panic(lines in prop::collection::vec(line(), 0..40)) {
        let text = lines.join("\n");
        for format in FORMATS {
            let ev = read_all(format, text.as_bytes());
            // Whatever was read, failures recorded are never more than the cases.
            prop_assert!(ev.failures.len() as u64 <= ev.tally.total() + ev.tally.advisory_failed);
        }
    }
}
