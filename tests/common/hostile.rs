//! The hostile-names corpus: test names, messages and paths an attacker would
//! put in a report (a fork's pull request controls its test suite, so it
//! controls every string in it), one per kind of injection, and report writers
//! that carry them in each format. `tests/injection.rs` runs every output
//! against this one corpus.

#![allow(dead_code)] // each test binary uses a different subset

use serde_json::json;

/// Strings that would do something if an output interpreted them. Shell
/// payloads use absolute paths so that a stub `PATH` cannot hide their running.
pub const NAMES: &[&str] = &[
    // Shell: command substitution, chaining, redirection, quoting.
    "$(/usr/bin/touch pwned-subst)",
    "`/usr/bin/touch pwned-backtick`",
    "a; /usr/bin/touch pwned-semicolon",
    "a && /usr/bin/touch pwned-and || /usr/bin/touch pwned-or",
    "a | /usr/bin/tee pwned-pipe",
    "a > pwned-redirect < /dev/null",
    "it's 'single' \"double\" \\ back\\slash $HOME ${HOME} *.glob ~ {a,b}",
    "first line\n/usr/bin/touch pwned-newline",
    "-rf --flag=value",
    // Workflow commands, with the runner's own escapes and property separators.
    "::set-output name=x::y",
    "::add-mask::secret",
    "%0A::error::pwned-percent %25 %0D",
    "x,title=forged::injected",
    "cr\r::error::pwned-carriage-return",
    "::stop-commands::token",
    // Markdown and HTML: elements, links, images, autolinks, mentions, tables, fences.
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script><details open><summary>x</summary>",
    "[click here](https://evil.example/phish)",
    "![pixel](https://evil.example/t.png)",
    "https://evil.example/auto www.evil.example mailto:a@evil.example",
    "@octocat @org/team #123 GH-1",
    "| broken | table |",
    "```\nfenced\n```",
    "~~~\ntilde fence",
    "*emph* _under_ ~~strike~~ **bold** <b>b</b> &lt;entity&amp;",
    "    indented code\n# heading\n> quote\n- list",
    // Terminal: escape sequences (colour, title, hyperlink), C1, controls, bidi.
    "\u{1b}[31mred\u{1b}[0m \u{1b}]0;title\u{7} \u{1b}]8;;https://evil.example\u{1b}\\link\u{1b}]8;;\u{1b}\\",
    "\u{1b}[2J\u{1b}[H cleared \u{1b}[1A up",
    "\u{9b}31m C1 CSI \u{9d}0;title\u{9c}",
    "back\u{8}\u{8}space \u{7}bell \u{0}nul \u{7f}del",
    "\u{202e}reversed\u{202c} \u{2066}isolate\u{2069}",
    // Expressions GitHub evaluates in workflow files (never in outputs, but shown).
    "${{ secrets.GITHUB_TOKEN }}",
];

/// File names for a report: spaces, newlines and command-like text.
pub const PATHS: &[&str] = &[
    "a b c.ndjson",
    "line\n::error::pwned-path.ndjson",
    "$(touch pwned-path) `x`.ndjson",
    // A `|` ends a table cell even inside a code span (found by the `github` fuzz
    // target): what follows it, here a mention and a link, must stay code.
    "runs |x| ``` @octocat [x](http://evil) |.ndjson",
];

/// A kane `testmd run` stream with one failed step per name (name as the heading,
/// as the bug title and in the message), whose summary claims a pass.
pub fn kane_report(names: &[&str]) -> String {
    let mut lines = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let step = i + 1;
        lines.push(json!({"type": "test_md_step_start", "step_index": step, "heading": name}));
        lines.push(json!({"type": "test_md_bug_verdict", "step_index": step, "bug_title": name, "description": name}));
        lines.push(json!({"type": "test_md_step_end", "step_index": step, "status": "failed", "error": name}));
    }
    lines.push(json!({"type": "test_md_summary", "overall_status": "passed", "duration_s": 1,
        "steps": {"total": names.len(), "passed": 0, "failed": names.len(), "skipped": 0}}));
    lines.iter().map(|l| format!("{l}\n")).collect()
}

/// A CTRF report (jest) with one failed test per name, from a file named after it.
pub fn ctrf_report(names: &[&str]) -> String {
    let tests: Vec<_> = names
        .iter()
        .map(|n| {
            json!({"name": n, "status": "failed", "duration": 1, "message": n, "trace": n,
                        "filePath": format!("{n}.test.js"), "suite": [n]})
        })
        .collect();
    let doc = json!({"reportFormat": "CTRF", "specVersion": "0.0.0", "results": {"tool": {"name": "jest"},
        "summary": {"tests": names.len(), "passed": 0, "failed": names.len(), "skipped": 0, "pending": 0,
                    "other": 0, "start": 1, "stop": 2},
        "tests": tests}});
    format!("{doc}\n")
}

/// bats TAP with one failing test per name (first line of the name only: TAP is line-based).
pub fn bats_report(names: &[&str]) -> String {
    let mut out = format!("1..{}\n", names.len());
    for (i, n) in names.iter().enumerate() {
        let n = n.lines().next().unwrap_or("");
        out.push_str(&format!("not ok {} {n}\n# (in test file tests/{n}.bats, line 3)\n#   `{n}' failed\n", i + 1));
    }
    out
}

/// `go test -json` with one failing subtest per name.
pub fn go_report(names: &[&str]) -> String {
    const PKG: &str = "example.com/m/$(touch pwned-pkg)";
    let mut lines = vec![json!({"Action": "start", "Package": PKG})];
    for n in names {
        let test = format!("TestX/{n}");
        lines.push(json!({"Action": "run", "Package": PKG, "Test": test}));
        lines.push(
            json!({"Action": "output", "Package": PKG, "Test": test, "Output": format!("    x_test.go:9: {n}\n")}),
        );
        lines.push(json!({"Action": "fail", "Package": PKG, "Test": test, "Elapsed": 0}));
    }
    lines.push(json!({"Action": "fail", "Package": PKG, "Elapsed": 0.1}));
    lines.iter().map(|l| format!("{l}\n")).collect()
}

/// `cargo test` output with one failing test per name (first line only).
pub fn libtest_report(names: &[&str]) -> String {
    let first: Vec<&str> = names.iter().map(|n| n.lines().next().unwrap_or("")).collect();
    let mut out = format!(
        "     Running tests/api.rs (target/debug/deps/api-0123456789abcdef)\n\nrunning {} tests\n",
        first.len()
    );
    for n in &first {
        out.push_str(&format!("test {n} ... FAILED\n"));
    }
    out.push_str("\nfailures:\n\n");
    for n in &first {
        out.push_str(&format!("---- {n} stdout ----\nthread '{n}' panicked at tests/api.rs:9:5:\n{n}\n\n"));
    }
    out.push_str("\nfailures:\n");
    for n in &first {
        out.push_str(&format!("    {n}\n"));
    }
    out.push_str(&format!(
        "\ntest result: FAILED. 0 passed; {} failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s\n\n",
        first.len()
    ));
    out
}

/// pytest's JUnit XML with one failing testcase per name. XML 1.0 cannot carry
/// most control characters, even escaped, so names holding one are left out:
/// a report with them is unparseable, which other tests cover.
pub fn junit_report(names: &[&str]) -> String {
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .replace('\r', "&#13;")
            .replace('\n', "&#10;")
    };
    let xml_safe: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| !n.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')))
        .collect();
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><testsuites name=\"pytest tests\"><testsuite name=\"pytest\" errors=\"0\" failures=\"{0}\" skipped=\"0\" tests=\"{0}\">",
        xml_safe.len()
    );
    for n in xml_safe {
        let n = escape(n);
        out.push_str(&format!(
            "<testcase classname=\"tests.test_x\" name=\"{n}\" file=\"tests/{n}.py\"><failure message=\"{n}\">{n}</failure></testcase>"
        ));
    }
    out.push_str("</testsuite></testsuites>\n");
    out
}

/// Every report writer, with the file name its format is detected from.
pub fn reports(names: &[&str]) -> Vec<(&'static str, String)> {
    vec![
        ("run.ndjson", kane_report(names)),
        ("ctrf-report.json", ctrf_report(names)),
        ("results.tap", bats_report(names)),
        ("go-test.jsonl", go_report(names)),
        ("cargo-test.txt", libtest_report(names)),
        ("junit.xml", junit_report(names)),
    ]
}
