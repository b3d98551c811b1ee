//! Every example shipped in examples/ gets the verdict its README line promises.

mod common;

use common::check;

fn example(name: &str) -> String {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples").join(name).display().to_string()
}

#[test]
fn each_example_gets_its_documented_verdict() {
    let cases: &[(&str, i32, &[&str])] = &[
        ("honest-pass", 0, &[]),
        ("honest-failure", 1, &[]),
        ("kane-readonly-fallback", 3, &["TG101"]),
        ("pi-blocking-skip", 3, &["TG101"]),
        ("crashed-shell-suite", 3, &["TG221"]),
        ("stale-result", 3, &["TG005", "TG103", "TG306"]),
    ];
    for (name, code, rules) in cases {
        let run = check(&[&example(name)]);
        assert_eq!(
            (run.code, run.rules()),
            (*code, rules.iter().map(|r| r.to_string()).collect()),
            "{name}: {}",
            run.stdout
        );
    }
}

#[test]
fn the_readme_main_job_runs_over_all_examples() {
    let run = check(&[&example("")]);
    assert_eq!(run.code, 3, "{}", run.stdout);
}
