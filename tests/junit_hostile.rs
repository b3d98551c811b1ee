//! Hostile JUnit input: entity expansion attacks do nothing and never pass,
//! and test names built to run commands produce replay commands that, pasted
//! into a shell, run the test tool with the name as one literal argument.

// A test may panic: a failed step should fail it loudly (the lints guard input paths).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::Output;

use serde_json::Value;

mod common;

fn check(xml_path: &Path, json: &Path, extra: &[&str]) -> Output {
    common::bin()
        .args(["check", "--color", "never", "--json"])
        .arg(json)
        .args(extra)
        .arg(xml_path)
        .output()
        .expect("run truegreen")
}

fn rules(json: &Path) -> Vec<String> {
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(json).expect("verdict")).expect("JSON");
    doc["findings"]
        .as_array()
        .map(|f| f.iter().filter_map(|f| f["rule"].as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

const BILLION_LAUGHS: &str = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<testsuites tests="1" failures="0"><testsuite name="s" tests="1" failures="0">
<testcase classname="c" name="&lol9;"/>
</testsuite></testsuites>
"#;

#[test]
fn billion_laughs_is_an_unparseable_report_not_a_pass() {
    let dir = tempfile::tempdir().expect("temp dir");
    let xml = dir.path().join("laughs.xml");
    std::fs::write(&xml, BILLION_LAUGHS).expect("write");
    let json = dir.path().join("v.json");
    let out = check(&xml, &json, &["--exit-code", "0"]);
    assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(rules(&json)[0], "TG001");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("unknown entity &lol9;"), "{stdout}");
    assert!(stdout.len() < 10_000, "nothing was expanded: {} bytes of output", stdout.len());
}

#[test]
fn external_entities_are_never_fetched_and_never_pass() {
    let dir = tempfile::tempdir().expect("temp dir");
    let secret = dir.path().join("secret.txt");
    std::fs::write(&secret, "TOP-SECRET-CONTENT").expect("write");
    let doc = format!(
        r#"<?xml version="1.0"?>
<!DOCTYPE testsuites [<!ENTITY xxe SYSTEM "file://{}"><!ENTITY % remote SYSTEM "http://127.0.0.1:9/x.dtd"> %remote;]>
<testsuites><testsuite name="s" tests="1" failures="1"><testcase name="t"><failure>&xxe;</failure></testcase></testsuite></testsuites>
"#,
        secret.display()
    );
    let xml = dir.path().join("xxe.xml");
    std::fs::write(&xml, doc).expect("write");
    let json = dir.path().join("v.json");
    let out = check(&xml, &json, &[]);
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(rules(&json)[0], "TG001");
    let verdict = std::fs::read_to_string(&json).expect("verdict");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!verdict.contains("TOP-SECRET") && !stdout.contains("TOP-SECRET"), "{stdout}");
}

/// Names that would run commands if a replay command were pasted unquoted.
const HOSTILE: &str = "it $(touch pwned1) `touch pwned2` '\"; touch pwned3 #";

/// One failing testcase named [`HOSTILE`] in a report of each dialect with a
/// replay builder. `{N}` is the name, XML-escaped.
const DIALECTS: &[(&str, &str)] = &[
    (
        "pytest",
        r#"<testsuites name="pytest tests"><testsuite name="pytest" tests="1" failures="1" errors="0" skipped="0"><testcase classname="test_x" name="{N}"><failure/></testcase></testsuite></testsuites>"#,
    ),
    (
        "jest",
        r#"<testsuites name="jest tests" tests="1" failures="1" errors="0"><testsuite name="m" errors="0" failures="1" skipped="0" tests="1"><testcase classname="{N}" name="{N}"><failure/></testcase></testsuite></testsuites>"#,
    ),
    (
        "nextest",
        r#"<testsuites name="nextest-run" tests="1" failures="1" errors="0" skipped="0" uuid="u"><testsuite name="app" tests="1" failures="1" errors="0" skipped="0"><testcase name="{N}" classname="app"><failure/></testcase></testsuite></testsuites>"#,
    ),
    (
        "go",
        r#"<testsuites tests="1" failures="1" errors="0"><testsuite name="ex.com/m" tests="1" failures="1" errors="0" id="0" hostname="h"><testcase name="Test{N}" classname="ex.com/m"><failure/></testcase></testsuite></testsuites>"#,
    ),
    (
        "bats",
        r#"<testsuites time="1"><testsuite name="x.bats" tests="1" failures="1" errors="0" skipped="0"><testcase classname="x.bats" name="{N}"><failure/></testcase></testsuite></testsuites>"#,
    ),
    ("node", r#"<testsuites><testcase name="{N}" classname="test"><failure/></testcase></testsuites>"#),
    (
        "mocha",
        r#"<testsuites name="Mocha Tests" tests="1" failures="1" skipped="0"><testsuite name="m" tests="1" failures="1" file="m.spec.js"><testcase name="{N}" classname="x"><failure/></testcase></testsuite></testsuites>"#,
    ),
    (
        "surefire",
        r#"<testsuite xsi:noNamespaceSchemaLocation="surefire-test-report.xsd" name="A" tests="1" errors="0" skipped="0" failures="1"><testcase name="{N}" classname="com.x.ATest"><failure/></testcase></testsuite>"#,
    ),
    (
        "phpunit",
        r#"<testsuites><testsuite name="a" tests="1" assertions="1" errors="0" failures="1" skipped="0"><testcase name="{N}" class="A\T" classname="A.T" assertions="1"><failure/></testcase></testsuite></testsuites>"#,
    ),
    (
        "libtest",
        r#"<testsuites><testsuite name="test" package="test" id="0" errors="0" failures="1" tests="1" skipped="0"><testcase classname="tests" name="{N}"><failure type="assert"/></testcase></testsuite></testsuites>"#,
    ),
];

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('"', "&quot;").replace('\'', "&apos;")
}

#[test]
fn hostile_test_names_make_inert_replay_commands() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).expect("mkdir");
    // Stand-ins for every test tool: record their arguments, one per line.
    for tool in ["pytest", "npx", "cargo", "go", "bats", "node", "mvn", "phpunit"] {
        let stub = bin.join(tool);
        std::fs::write(&stub, "#!/bin/sh\nprintf '%s\\n' \"$@\" >> \"$(dirname \"$0\")/../calls\"\necho >> \"$(dirname \"$0\")/../calls\"\n")
            .expect("stub");
        let mut perms = std::fs::metadata(&stub).expect("stub").permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
        std::fs::set_permissions(&stub, perms).expect("chmod");
    }
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    for (dialect, template) in DIALECTS {
        let xml = dir.path().join(format!("{dialect}.xml"));
        std::fs::write(&xml, template.replace("{N}", &xml_escape(HOSTILE))).expect("write");
        let json = dir.path().join(format!("{dialect}.json"));
        let out = check(&xml, &json, &[]);
        assert_eq!(out.status.code(), Some(1), "{dialect}: {}", String::from_utf8_lossy(&out.stdout));
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&json).expect("verdict")).expect("JSON");
        let failure = &doc["artifacts"][0]["failures"][0];
        assert!(failure["name"].as_str().is_some_and(|n| n.ends_with(HOSTILE)), "{dialect}: {failure}");
        let replay = failure["replay"].as_str().unwrap_or_else(|| panic!("{dialect}: no replay command"));
        let _ = std::fs::remove_file(dir.path().join("calls"));
        let status = std::process::Command::new("sh")
            .arg("-c")
            .arg(replay)
            .current_dir(dir.path())
            .env("PATH", &path)
            .status()
            .expect("run sh");
        assert!(status.success(), "{dialect}: {replay}");
        for pwned in ["pwned1", "pwned2", "pwned3"] {
            assert!(!dir.path().join(pwned).exists(), "{dialect}: {replay} ran a command");
        }
        let calls = std::fs::read_to_string(dir.path().join("calls")).unwrap_or_default();
        assert_eq!(calls.matches("\n\n").count(), 1, "{dialect}: one tool call: {calls}");
        // Maven takes a method name, which ends at `(`: the builder cuts there.
        let expected = if *dialect == "surefire" { "#it $" } else { "touch pwned1" };
        assert!(calls.contains(expected), "{dialect}: the name reaches the tool as text: {calls}");
    }
}
