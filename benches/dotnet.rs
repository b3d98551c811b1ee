//! TRX and NUnit 3 reading throughput and memory, measured on the real binary.
//!
//! ```sh
//! cargo bench --bench dotnet                       # N = 1,000,000, both formats
//! cargo bench --bench dotnet -- --runs 5 1000000 2000000
//! ```
//!
//! For each format and N it writes a report of N tests shaped like the real
//! files in `tests/fixtures/{trx,nunit}/public` (vstest's `UnitTestResult`
//! with its `TestDefinitions` and `TestEntries`; nunit3-console's nested
//! `test-suite`s of `test-case`s), 1% of them failing with a message and a
//! stack trace, then measures on the same file:
//!
//! - the baseline: a minimal quick-xml event loop that only counts the test
//!   elements (`UnitTestResult` / `test-case`), same crate and buffer sizes;
//! - `truegreen check` on the file as a child process: wall time, CPU time
//!   (user + system, all threads) and peak RSS from `wait4`.
//!
//! Times are the best of `--runs` runs. Targets, as for JUnit: at least 60% of
//! the baseline's throughput, and a peak RSS under 48 MiB at N = 1,000,000.
//! A missed target exits 1. Generated files are deleted unless `--keep`.

// A bench may panic: a failed step should stop it loudly (the lints guard input paths).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

mod common;

use quick_xml::Reader;
use quick_xml::events::Event;

const SUITES: u64 = 100;
const MIN_RATIO: f64 = 0.60;
const MAX_RSS_AT_1M: u64 = 48 * 1024 * 1024;

#[derive(Clone, Copy)]
enum Kind {
    Trx,
    Nunit,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Trx => "trx",
            Kind::Nunit => "nunit",
        }
    }
    fn element(self) -> &'static str {
        match self {
            Kind::Trx => "UnitTestResult",
            Kind::Nunit => "test-case",
        }
    }
}

fn failing(i: u64) -> bool {
    i % 100 == 99
}

/// A GUID-shaped id, unique per (kind, i).
fn guid(kind: u32, i: u64) -> String {
    format!("{kind:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}", (i >> 32) & 0xffff, (i >> 20) & 0xfff, (i >> 8) & 0xfff, i)
}

fn write_trx(path: &Path, n: u64) -> std::io::Result<u64> {
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    let list = "8c84fa94-04c1-424b-9868-57a2d4851a1d";
    let kind = "13cdc9d9-ddb5-4fa4-a97d-d965ccfc6d4b";
    writeln!(out, r#"<?xml version="1.0" encoding="utf-8"?>"#)?;
    writeln!(
        out,
        r#"<TestRun id="e6253555-c63c-4fb0-813f-b912625cee82" name="bench" runUser="bench" xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">"#
    )?;
    writeln!(
        out,
        r#"  <Times creation="2026-12-04T17:13:23.6287865+00:00" queuing="2026-12-04T17:13:23.6287868+00:00" start="2026-12-04T17:13:22.8293460+00:00" finish="2026-12-04T17:13:23.6483471+00:00" />"#
    )?;
    writeln!(out, "  <Results>")?;
    let name = |i: u64| format!("Bench.Suite{:03}Tests.TestCase{i:08}ChecksBehaviour", i % SUITES);
    for i in 0..n {
        let (exec, test) = (guid(1, i), guid(2, i));
        let outcome = if failing(i) { "Failed" } else { "Passed" };
        write!(
            out,
            r#"    <UnitTestResult executionId="{exec}" testId="{test}" testName="{}" computerName="bench" duration="00:00:00.0006563" startTime="2026-12-04T17:13:23.4808236+00:00" endTime="2026-12-04T17:13:23.4808239+00:00" testType="{kind}" outcome="{outcome}" testListId="{list}" relativeResultsDirectory="{exec}""#,
            name(i)
        )?;
        if failing(i) {
            writeln!(
                out,
                r#">
      <Output>
        <ErrorInfo>
          <Message>Assert.Equal() Failure: expected 42, actual 41 in case {i:08}</Message>
          <StackTrace>   at Bench.Suite{:03}Tests.TestCase{i:08}ChecksBehaviour() in /src/Bench/Suite{:03}Tests.cs:line 77&#xD;
   at System.RuntimeMethodHandle.InvokeMethod(Object target, Void** arguments, Signature sig, Boolean isConstructor)</StackTrace>
        </ErrorInfo>
      </Output>
    </UnitTestResult>"#,
                i % SUITES,
                i % SUITES
            )?;
        } else {
            writeln!(out, " />")?;
        }
    }
    writeln!(out, "  </Results>")?;
    writeln!(out, "  <TestDefinitions>")?;
    for i in 0..n {
        let (exec, test) = (guid(1, i), guid(2, i));
        writeln!(
            out,
            r#"    <UnitTest name="{}" storage="/src/bench/bin/bench.dll" id="{test}">
      <Execution id="{exec}" />
      <TestMethod codeBase="/src/bench/bin/Bench.dll" adapterTypeName="executor://xunit/VsTestRunner2/netcoreapp" className="Bench.Suite{:03}Tests" name="TestCase{i:08}ChecksBehaviour" />
    </UnitTest>"#,
            name(i),
            i % SUITES
        )?;
    }
    writeln!(out, "  </TestDefinitions>")?;
    writeln!(out, "  <TestEntries>")?;
    for i in 0..n {
        writeln!(out, r#"    <TestEntry testId="{}" executionId="{}" testListId="{list}" />"#, guid(2, i), guid(1, i))?;
    }
    writeln!(out, "  </TestEntries>")?;
    writeln!(
        out,
        r#"  <TestLists>
    <TestList name="Results Not in a List" id="{list}" />
    <TestList name="All Loaded Results" id="19431567-8539-422a-85d7-44ee4e166bda" />
  </TestLists>"#
    )?;
    let failed = (0..n).filter(|i| failing(*i)).count() as u64;
    writeln!(
        out,
        r#"  <ResultSummary outcome="Failed">
    <Counters total="{n}" executed="{n}" passed="{}" failed="{failed}" error="0" timeout="0" aborted="0" inconclusive="0" passedButRunAborted="0" notRunnable="0" notExecuted="0" disconnected="0" warning="0" completed="0" inProgress="0" pending="0" />
  </ResultSummary>
</TestRun>"#,
        n - failed
    )?;
    out.flush()?;
    Ok(std::fs::metadata(path)?.len())
}

fn write_nunit(path: &Path, n: u64) -> std::io::Result<u64> {
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    let failed = (0..n).filter(|i| failing(*i)).count() as u64;
    let counts = |total: u64, failed: u64| {
        format!(
            r#"total="{total}" passed="{}" failed="{failed}" warnings="0" inconclusive="0" skipped="0" asserts="{total}""#,
            total - failed
        )
    };
    let result = |failed: u64| if failed > 0 { r#"result="Failed" site="Child""# } else { r#"result="Passed""# };
    writeln!(out, r#"<?xml version="1.0" encoding="utf-8" standalone="no"?>"#)?;
    writeln!(
        out,
        r#"<test-run id="2" testcasecount="{n}" {} {} engine-version="3.16.3.0" clr-version="8.0.0" start-time="2026-12-04 20:10:19Z" end-time="2026-12-04 20:10:20Z" duration="0.92">"#,
        result(failed).split(' ').next().unwrap_or(""),
        counts(n, failed)
    )?;
    writeln!(
        out,
        r#"  <test-suite type="Assembly" id="0-1" name="Bench.dll" fullname="/src/bench/bin/Bench.dll" runstate="Runnable" testcasecount="{n}" {} start-time="2026-12-04 20:10:20Z" end-time="2026-12-04 20:10:20Z" duration="0.12" {}>"#,
        result(failed),
        counts(n, failed)
    )?;
    let per_suite = n.div_ceil(SUITES);
    let mut i = 0;
    for s in 0..SUITES {
        let end = (i + per_suite).min(n);
        let suite_failed = (i..end).filter(|i| failing(*i)).count() as u64;
        writeln!(
            out,
            r#"    <test-suite type="TestFixture" id="0-{}" name="Suite{s:03}Tests" fullname="Bench.Suite{s:03}Tests" classname="Bench.Suite{s:03}Tests" runstate="Runnable" testcasecount="{}" {} start-time="2026-12-04 20:10:20Z" end-time="2026-12-04 20:10:20Z" duration="0.09" {}>"#,
            s + 2,
            end - i,
            result(suite_failed),
            counts(end - i, suite_failed)
        )?;
        while i < end {
            let head = format!(
                r#"      <test-case id="1-{i}" name="TestCase{i:08}ChecksBehaviour" fullname="Bench.Suite{s:03}Tests.TestCase{i:08}ChecksBehaviour" methodname="TestCase{i:08}ChecksBehaviour" classname="Bench.Suite{s:03}Tests" runstate="Runnable" seed="1434441342" result="{}" start-time="2026-12-04 20:10:20Z" end-time="2026-12-04 20:10:20Z" duration="0.000012" asserts="1""#,
                if failing(i) { "Failed" } else { "Passed" }
            );
            if failing(i) {
                writeln!(
                    out,
                    r#"{head}>
        <failure>
          <message><![CDATA[  Expected: 42
  But was:  41 in case {i:08}
]]></message>
          <stack-trace><![CDATA[   at Bench.Suite{s:03}Tests.TestCase{i:08}ChecksBehaviour() in /src/Bench/Suite{s:03}Tests.cs:line 77
]]></stack-trace>
        </failure>
      </test-case>"#
                )?;
            } else {
                writeln!(out, "{head} />")?;
            }
            i += 1;
        }
        writeln!(out, "    </test-suite>")?;
    }
    writeln!(out, "  </test-suite>\n</test-run>")?;
    out.flush()?;
    Ok(std::fs::metadata(path)?.len())
}

/// The baseline: count the test elements and nothing else.
fn baseline(path: &Path, element: &str) -> (Duration, u64) {
    let start = Instant::now();
    let file = File::open(path).expect("open the generated file");
    let mut reader = Reader::from_reader(BufReader::with_capacity(256 * 1024, file));
    let mut buf = Vec::with_capacity(64 * 1024);
    let mut count = 0u64;
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) if e.name().as_ref() == element => count += 1,
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("baseline: {e}"),
        }
        buf.clear();
    }
    (start.elapsed(), count)
}

fn main() {
    let mut sizes: Vec<u64> = Vec::new();
    let (mut runs, mut keep, mut dir) = (3usize, false, std::env::temp_dir());
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--runs" => runs = args.next().and_then(|r| r.parse().ok()).unwrap_or(runs),
            "--keep" => keep = true,
            "--dir" => dir = args.next().map(PathBuf::from).unwrap_or(dir),
            "--bench" => {}
            n => match n.replace('_', "").parse() {
                Ok(n) => sizes.push(n),
                Err(_) => eprintln!("ignoring argument {n:?}"),
            },
        }
    }
    if sizes.is_empty() {
        sizes.push(1_000_000);
    }
    if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
        println!("load average at start: {}", load.split_whitespace().take(3).collect::<Vec<_>>().join(" "));
    }
    let mut missed = Vec::new();
    println!("| format | N | file | baseline | truegreen check | ratio | truegreen CPU | peak RSS |");
    println!("|---|---|---|---|---|---|---|---|");
    for kind in [Kind::Trx, Kind::Nunit] {
        for &n in &sizes {
            let path = dir.join(format!("truegreen-bench-{}-{n}.xml", kind.name()));
            let bytes = match kind {
                Kind::Trx => write_trx(&path, n),
                Kind::Nunit => write_nunit(&path, n),
            }
            .expect("generate the benchmark file");
            let (mut best_base, mut best_tg, mut best_cpu, mut max_rss) =
                (Duration::MAX, Duration::MAX, Duration::MAX, 0);
            for _ in 0..runs.max(1) {
                let (t, count) = baseline(&path, kind.element());
                assert_eq!(count, n, "baseline counted {count} tests");
                best_base = best_base.min(t);
                let run = common::truegreen(&path, &["--max-file-bytes", "4000000000"]);
                let (wall, rss, code) = (run.wall, run.max_rss_bytes, run.exit_code);
                // 1% fail and every declared count holds: an honest failure.
                assert_eq!(code, 1, "truegreen check exited {code} on {} N={n}", kind.name());
                best_tg = best_tg.min(wall);
                best_cpu = best_cpu.min(run.cpu);
                max_rss = max_rss.max(rss);
            }
            if !keep {
                let _ = std::fs::remove_file(&path);
            }
            let ratio = best_base.as_secs_f64() / best_tg.as_secs_f64();
            let mib = max_rss as f64 / (1024.0 * 1024.0);
            println!(
                "| {} | {n} | {:.1} MB | {:.3} s | {:.3} s | {:.0}% | {:.3} s | {mib:.1} MiB |",
                kind.name(),
                bytes as f64 / 1e6,
                best_base.as_secs_f64(),
                best_tg.as_secs_f64(),
                ratio * 100.0,
                best_cpu.as_secs_f64()
            );
            if ratio < MIN_RATIO {
                missed.push(format!("{} N={n}: {:.0}% of the baseline (target 60%)", kind.name(), ratio * 100.0));
            }
            if n == 1_000_000 && max_rss >= MAX_RSS_AT_1M {
                missed.push(format!("{} N={n}: peak RSS {mib:.1} MiB (target < 48 MiB)", kind.name()));
            }
        }
    }
    if missed.is_empty() {
        println!("\nall targets met");
    } else {
        for m in &missed {
            println!("TARGET MISSED: {m}");
        }
        std::process::exit(1);
    }
}
