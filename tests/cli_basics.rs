//! Behaviour every user meets first: empty input, missing input, usage errors.

mod common;

use common::check;

#[test]
fn an_empty_file_exits_3() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("junit.xml");
    std::fs::write(&file, "").expect("write");
    let run = check(&[file.to_str().expect("utf8")]);
    assert_eq!(run.code, 3);
    assert!(run.rules().contains(&"TG002".to_owned()), "{:?}", run.rules());
}

#[test]
fn a_directory_without_reports_exits_3() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("notes.txt"), "hello").expect("write");
    let run = check(&[dir.path().to_str().expect("utf8")]);
    assert_eq!(run.code, 3);
    assert_eq!(run.rules(), vec!["TG004".to_owned(), "TG201".to_owned()]);
    assert!(run.stdout.contains("holds no report"), "{}", run.stdout);
}

#[test]
fn a_missing_path_exits_3() {
    let run = check(&["/nonexistent/truegreen/report.xml"]);
    assert_eq!(run.code, 3);
    assert!(run.rules().contains(&"TG004".to_owned()));
}

#[test]
fn bad_input_is_a_discrepancy_naming_file_and_position() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases: &[(&str, &[u8])] = &[
        ("garbage.bin", b"\x00\x01\x02binary\xff\xfe"),
        ("bad-utf8.ndjson", b"{\"type\":\"test_md_summary\",\"overall_status\":\"pa\xffssed\"}\n"),
        ("huge.ndjson", b"{\"type\":\"test_md_summary\",\"overall_status\":\"passed\",\"steps\":{\"passed\":99999999999999999999999,\"failed\":0}}\n"),
        ("types.ndjson", b"{\"type\":\"test_md_summary\",\"overall_status\":true,\"steps\":{}}\n"),
    ];
    for (name, bytes) in cases {
        let file = dir.path().join(name);
        std::fs::write(&file, bytes).expect("write");
        let run = check(&[file.to_str().expect("utf8")]);
        assert_eq!(run.code, 3, "{name}: {}", run.stdout);
        assert!(run.stdout.contains(name), "{name}: {}", run.stdout);
        let codes = run.rules();
        assert!(codes.contains(&"TG001".to_owned()) || codes.contains(&"TG003".to_owned()), "{name}: {codes:?}");
    }
}

#[test]
fn usage_errors_exit_2() {
    let out = common::bin().arg("check").output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    let out = common::bin().args(["check", "--format", "nope", "x"]).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn rules_lists_every_code_and_prints_docs() {
    let out = common::bin().arg("rules").output().expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    for meta in truegreen::catalogue::all() {
        assert!(text.contains(meta.code), "{} missing from `truegreen rules`", meta.code);
    }
    let out = common::bin().args(["rules", "TG101"]).output().expect("run");
    assert!(String::from_utf8_lossy(&out.stdout).contains("## Why it matters"));
    let out = common::bin().args(["rules", "TG999"]).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn output_files_get_their_directories_created() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("vm.results"), "passed=2\nfailed=0\n").expect("write");
    let output = common::truegreen(dir.path())
        .args(["check", "vm.results", "--json", "verdicts/linux/verdict.json", "--markdown", "reports/summary.md"])
        .output()
        .expect("run truegreen");
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(dir.path().join("verdicts/linux/verdict.json").is_file());
    assert!(dir.path().join("reports/summary.md").is_file());
}
