//! One report writer per supported format, all driven by the same model: a run
//! (the ground truth: each case passed, failed or was skipped) and a [`View`] of
//! it, which is what the producer wrote. An honest view writes the run as it
//! was; each mutation of the property tests is a change to the view (a record
//! deleted or duplicated, a claim changed, the plan left out), applied the same
//! way to every format. Adding a format is one more [`Writer`] in [`WRITERS`].

use serde_json::json;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Pass,
    Fail,
    Skip,
}

impl Outcome {
    /// A different outcome that is still a result: what a duplicate record says.
    pub fn other(self) -> Self {
        match self {
            Self::Pass => Self::Fail,
            Self::Fail | Self::Skip => Self::Pass,
        }
    }
}

/// What really happened: one outcome per case, in order.
#[derive(Clone, Debug)]
pub struct Run {
    pub cases: Vec<Outcome>,
}

/// Counts a producer states about a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Counts {
    pub total: u64,
    pub passed: u64,
    pub failed: u64,
    pub skipped: u64,
}

impl Run {
    fn count(&self, outcome: Outcome) -> u64 {
        self.cases.iter().filter(|c| **c == outcome).count() as u64
    }

    pub fn counts(&self) -> Counts {
        Counts {
            total: self.cases.len() as u64,
            passed: self.count(Outcome::Pass),
            failed: self.count(Outcome::Fail),
            skipped: self.count(Outcome::Skip),
        }
    }

    /// Something ran and nothing failed: the only runs that may pass.
    pub fn all_pass(&self) -> bool {
        self.count(Outcome::Pass) >= 1 && self.count(Outcome::Fail) == 0
    }

    /// The producer's honest report of the run.
    pub fn honest(&self) -> View {
        View {
            records: self.cases.iter().enumerate().map(|(i, o)| (i, *o)).collect(),
            counts: self.counts(),
            status_pass: self.count(Outcome::Fail) == 0,
            plan: true,
        }
    }
}

/// What the producer wrote: case records (index into the run, outcome), and
/// its claims about them.
#[derive(Clone, Debug)]
pub struct View {
    pub records: Vec<(usize, Outcome)>,
    pub counts: Counts,
    /// The overall status the producer claims.
    pub status_pass: bool,
    /// Whether the plan or summary (whatever declares the results) is written.
    pub plan: bool,
}

/// Which counts a mutation changes.
#[derive(Clone, Copy, Debug)]
pub enum Count {
    Total,
    Passed,
    Failed,
    Skipped,
}

impl Counts {
    pub fn shift(mut self, which: Count, delta: i64) -> Self {
        let field = match which {
            Count::Total => &mut self.total,
            Count::Passed => &mut self.passed,
            Count::Failed => &mut self.failed,
            Count::Skipped => &mut self.skipped,
        };
        *field = field.saturating_add_signed(delta);
        self
    }
}

/// What a format can say about itself, so each mutation is only tried where
/// the format has the thing it changes.
#[derive(Clone, Copy, Debug)]
pub struct Claims {
    /// An overall pass/fail status.
    pub status: bool,
    /// A plan or summary whose absence the reader must notice.
    pub plan: bool,
    /// Declared counts, and which of them.
    pub counts: &'static [Count],
    /// Per-case records next to a second witness, so deleting one is a contradiction
    /// (not so for git's `.counts`: its only record of a failure is the count itself).
    pub records: bool,
}

#[derive(Debug)]
pub struct Writer {
    /// The `--format` id, as the verdict records it.
    pub format: &'static str,
    pub file_name: &'static str,
    pub claims: Claims,
    pub write: fn(&View) -> String,
}

const ALL_COUNTS: &[Count] = &[Count::Total, Count::Passed, Count::Failed, Count::Skipped];

pub const WRITERS: &[Writer] = &[
    Writer {
        format: "kane",
        file_name: "run.ndjson",
        claims: Claims { status: true, plan: true, counts: ALL_COUNTS, records: true },
        write: kane,
    },
    Writer {
        format: "ctrf",
        file_name: "ctrf-report.json",
        claims: Claims { status: false, plan: true, counts: ALL_COUNTS, records: true },
        write: ctrf,
    },
    Writer {
        format: "tap",
        file_name: "results.tap",
        claims: Claims { status: false, plan: true, counts: &[Count::Total], records: true },
        write: tap,
    },
    Writer {
        format: "go-test-json",
        file_name: "go-test.jsonl",
        claims: Claims { status: true, plan: true, counts: &[], records: true },
        write: go_test_json,
    },
    Writer {
        format: "libtest",
        file_name: "cargo-test.txt",
        claims: Claims { status: true, plan: true, counts: ALL_COUNTS, records: true },
        write: libtest,
    },
    Writer {
        format: "libtest-json",
        file_name: "cargo-test.json",
        claims: Claims { status: true, plan: true, counts: ALL_COUNTS, records: true },
        write: libtest_json,
    },
    Writer {
        format: "key-value-counts",
        file_name: "suite.results",
        claims: Claims { status: false, plan: false, counts: &[Count::Total], records: true },
        write: key_value_counts,
    },
    Writer {
        format: "git-test-counts",
        file_name: "t0001-sample.counts",
        claims: Claims { status: false, plan: true, counts: &[], records: false },
        write: git_test_counts,
    },
    Writer {
        format: "junit",
        file_name: "junit.xml",
        claims: Claims {
            status: false,
            plan: false,
            counts: &[Count::Total, Count::Failed, Count::Skipped],
            records: true,
        },
        write: junit,
    },
    Writer {
        format: "pi-full-suite-verdict",
        file_name: "full_suite_verdict.json",
        claims: Claims { status: true, plan: true, counts: ALL_COUNTS, records: true },
        write: pi_full_suite,
    },
];

fn name(i: usize) -> String {
    format!("case_{i}")
}

fn lines(values: impl IntoIterator<Item = serde_json::Value>) -> String {
    values.into_iter().map(|v| format!("{v}\n")).collect()
}

/// kane-cli `testmd run --agent`: step events (a skipped step emits none),
/// then the summary and the done event.
fn kane(view: &View) -> String {
    let mut out = Vec::new();
    for (i, outcome) in &view.records {
        let status = match outcome {
            Outcome::Pass => "passed",
            Outcome::Fail => "failed",
            Outcome::Skip => continue,
        };
        out.push(json!({"type": "test_md_step_start", "step_index": i + 1, "heading": name(*i)}));
        out.push(json!({"type": "test_md_step_end", "step_index": i + 1, "status": status}));
    }
    if view.plan {
        let status = if view.status_pass { "passed" } else { "failed" };
        let c = view.counts;
        out.push(json!({"type": "test_md_summary", "overall_status": status, "duration_s": 1,
            "steps": {"total": c.total, "passed": c.passed, "failed": c.failed, "skipped": c.skipped}}));
        out.push(json!({"type": "test_md_done", "overall_status": status, "duration_s": 1, "session_id": "s-1"}));
    }
    lines(out)
}

/// CTRF 0.0.0 as jest-ctrf-json-reporter writes it.
fn ctrf(view: &View) -> String {
    let tests: Vec<_> = view
        .records
        .iter()
        .map(|(i, o)| {
            let status = match o {
                Outcome::Pass => "passed",
                Outcome::Fail => "failed",
                Outcome::Skip => "skipped",
            };
            json!({"name": name(*i), "status": status, "duration": 1})
        })
        .collect();
    let mut results = json!({"tool": {"name": "jest"}, "tests": tests});
    if view.plan {
        let c = view.counts;
        results["summary"] = json!({"tests": c.total, "passed": c.passed, "failed": c.failed, "skipped": c.skipped,
            "pending": 0, "other": 0, "start": 1, "stop": 2});
    }
    format!("{}\n", json!({"reportFormat": "CTRF", "specVersion": "0.0.0", "results": results}))
}

/// TAP 14 with the plan first; a test point's number is its case's.
fn tap(view: &View) -> String {
    let mut out = String::from("TAP version 14\n");
    if view.plan {
        out.push_str(&format!("1..{}\n", view.counts.total));
    }
    for (i, o) in &view.records {
        let n = i + 1;
        match o {
            Outcome::Pass => out.push_str(&format!("ok {n} - {}\n", name(*i))),
            Outcome::Fail => out.push_str(&format!("not ok {n} - {}\n", name(*i))),
            Outcome::Skip => out.push_str(&format!("ok {n} - {} # SKIP not here\n", name(*i))),
        }
    }
    out
}

/// `go test -json` for one package; the package's final event is its status.
fn go_test_json(view: &View) -> String {
    const PKG: &str = "example.com/demo";
    let mut out = vec![json!({"Action": "start", "Package": PKG})];
    for (i, o) in &view.records {
        let test = format!("Test_{}", name(*i));
        let action = match o {
            Outcome::Pass => "pass",
            Outcome::Fail => "fail",
            Outcome::Skip => "skip",
        };
        out.push(json!({"Action": "run", "Package": PKG, "Test": test}));
        out.push(json!({"Action": "output", "Package": PKG, "Test": test, "Output": format!("=== RUN   {test}\n")}));
        out.push(json!({"Action": action, "Package": PKG, "Test": test, "Elapsed": 0}));
    }
    if view.plan {
        let action = if view.status_pass { "pass" } else { "fail" };
        out.push(
            json!({"Action": "output", "Package": PKG, "Output": if view.status_pass { "PASS\n" } else { "FAIL\n" }}),
        );
        out.push(json!({"Action": action, "Package": PKG, "Elapsed": 0.01}));
    }
    lines(out)
}

/// `cargo test` console output for one test binary.
fn libtest(view: &View) -> String {
    let c = view.counts;
    let mut out = String::from("     Running tests/api.rs (target/debug/deps/api-0123456789abcdef)\n\n");
    out.push_str(&format!("running {} test{}\n", c.total, if c.total == 1 { "" } else { "s" }));
    let mut failures = Vec::new();
    for (i, o) in &view.records {
        let result = match o {
            Outcome::Pass => "ok",
            Outcome::Fail => {
                failures.push(name(*i));
                "FAILED"
            }
            Outcome::Skip => "ignored",
        };
        out.push_str(&format!("test {} ... {result}\n", name(*i)));
    }
    out.push('\n');
    if !failures.is_empty() {
        out.push_str("failures:\n\n");
        for f in &failures {
            out.push_str(&format!("---- {f} stdout ----\nthread '{f}' panicked at tests/api.rs:9:5:\nboom\n\n"));
        }
        out.push_str("\nfailures:\n");
        for f in &failures {
            out.push_str(&format!("    {f}\n"));
        }
        out.push('\n');
    }
    if view.plan {
        let word = if view.status_pass { "ok" } else { "FAILED" };
        out.push_str(&format!(
            "test result: {word}. {} passed; {} failed; {} ignored; 0 measured; 0 filtered out; finished in 0.01s\n\n",
            c.passed, c.failed, c.skipped
        ));
    }
    out
}

/// libtest's JSON event stream for one test binary.
fn libtest_json(view: &View) -> String {
    let c = view.counts;
    let mut out = vec![json!({"type": "suite", "event": "started", "test_count": c.total})];
    for (i, o) in &view.records {
        let event = match o {
            Outcome::Pass => "ok",
            Outcome::Fail => "failed",
            Outcome::Skip => "ignored",
        };
        out.push(json!({"type": "test", "event": "started", "name": name(*i)}));
        out.push(json!({"type": "test", "name": name(*i), "event": event}));
    }
    if view.plan {
        let event = if view.status_pass { "ok" } else { "failed" };
        out.push(json!({"type": "suite", "event": event, "passed": c.passed, "failed": c.failed, "ignored": c.skipped,
            "measured": 0, "filtered_out": 0, "exec_time": 0.01}));
    }
    lines(out)
}

/// A shell harness's `key=value` counts: the records are the counts, and
/// `total` is the claim about them. A duplicate record is a second line for a key.
fn key_value_counts(view: &View) -> String {
    let mut counts = [0u64; 3];
    let mut repeated = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for (i, o) in &view.records {
        let slot = match o {
            Outcome::Pass => 0,
            Outcome::Fail => 1,
            Outcome::Skip => 2,
        };
        if !seen.insert(*i) {
            repeated.push(slot);
        }
        counts[slot] += 1;
    }
    let mut out =
        format!("total={}\npassed={}\nfailed={}\nskipped={}\n", view.counts.total, counts[0], counts[1], counts[2]);
    for slot in repeated {
        out.push_str(&format!("{}=1\n", ["passed", "failed", "skipped"][slot]));
    }
    out
}

/// git's `test-results/*.counts`: no per-case record and no skip count, so the
/// counts are the only witness. The plan is `total`.
fn git_test_counts(view: &View) -> String {
    let (mut success, mut failed) = (0u64, 0u64);
    let mut seen = std::collections::BTreeSet::new();
    let mut second_record = false;
    for (i, o) in &view.records {
        second_record |= !seen.insert(*i);
        match o {
            Outcome::Pass => success += 1,
            Outcome::Fail => failed += 1,
            Outcome::Skip => {}
        }
    }
    let mut out = String::new();
    if view.plan {
        out.push_str(&format!("total {}\n", view.counts.total));
    }
    out.push_str(&format!("success {success}\nfixed 0\nbroken 0\nfailed {failed}\n"));
    if second_record {
        // Two runs appended to one file.
        out.push_str(&format!("total {}\nsuccess 1\nfixed 0\nbroken 0\nfailed 0\n", view.counts.total));
    }
    out
}

/// pi's `full_suite_verdict.json`: one blocking gate per executed case, a
/// non-blocking skipped gate per skipped one.
fn pi_full_suite(view: &View) -> String {
    let gates: Vec<_> = view
        .records
        .iter()
        .map(|(i, o)| {
            let (status, blocking) = match o {
                Outcome::Pass => ("pass", true),
                Outcome::Fail => ("fail", true),
                Outcome::Skip => ("skip", false),
            };
            json!({"id": name(*i), "name": name(*i), "bead": "bd-1", "status": status, "blocking": blocking,
                   "reproduce_command": format!("cargo test --test {}", name(*i))})
        })
        .collect();
    let c = view.counts;
    let mut doc = json!({"schema": "pi.ci.full_suite_gate.v1", "generated_at": "2026-11-20T12:00:00Z",
        "verdict": if view.status_pass { "pass" } else { "fail" }, "policy": "p", "gates": gates});
    if view.plan {
        let blocking_total = c.passed + c.failed;
        doc["summary"] = json!({"total_gates": c.total, "passed": c.passed, "failed": c.failed, "warned": 0,
            "skipped": c.skipped, "blocking_pass": c.passed, "blocking_total": blocking_total,
            "all_blocking_pass": view.status_pass});
    }
    format!("{doc}\n")
}

/// JUnit XML as most producers write it: counts on `<testsuites>` and on the
/// `<testsuite>`, one `<testcase>` per record.
fn junit(view: &View) -> String {
    let c = view.counts;
    let counts = format!(r#"tests="{}" failures="{}" errors="0" skipped="{}""#, c.total, c.failed, c.skipped);
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites {counts}>\n  <testsuite name=\"suite\" {counts}>\n"
    );
    for (i, o) in &view.records {
        let open = format!(r#"    <testcase classname="suite" name="{}" time="0.01""#, name(*i));
        match o {
            Outcome::Pass => out.push_str(&format!("{open}/>\n")),
            Outcome::Fail => {
                out.push_str(&format!("{open}>\n      <failure message=\"boom\">boom</failure>\n    </testcase>\n"))
            }
            Outcome::Skip => out.push_str(&format!("{open}>\n      <skipped/>\n    </testcase>\n")),
        }
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}
