//! JUnit reading throughput and memory, measured on the real binary.
//!
//! ```sh
//! cargo bench --bench junit                          # N = 1,000,000
//! cargo bench --bench junit -- 1000000 10000000      # and N = 10,000,000 (~1.2 GB in /tmp)
//! cargo bench --bench junit -- --dir /big/disk --runs 5 1000000
//! ```
//!
//! For each N it writes a JUnit file with N testcases in 100 suites, 1% of them
//! failing with a ~200-byte message (N = 1,000,000 is about 120 MB), then
//! measures, on the same file in the same run:
//!
//! - the baseline: a minimal quick-xml event loop that only counts `<testcase>`
//!   elements (same crate, same buffer sizes, same release profile);
//! - `truegreen check` on the file, run as a child process, with its wall time
//!   and its peak RSS from `wait4`'s resource usage.
//!
//! Times are the best of `--runs` runs of each (the page cache is warm after
//! the file is written). The targets: truegreen reaches at least 60% of the
//! baseline's throughput; its peak RSS stays under 48 MiB at N = 1,000,000 and
//! grows by at most 16 bytes per testcase beyond. A missed target exits 1.
//! Generated files are deleted unless `--keep` is given.
//!
//! With `--inventory`, each N is also checked with `--inventory FILE` (the
//! run's test inventory: targets < 16 MB at N = 1,000,000, and the throughput
//! and memory targets above still hold), then with `--baseline FILE` on the
//! same report (the comparison of two N-test inventories: targets < 1 s more
//! than a plain check, < 64 MiB peak RSS).

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
const MAX_GROWTH_PER_CASE: f64 = 16.0;
const MAX_INVENTORY_AT_1M: u64 = 16_000_000;
const MAX_COMPARE_RSS_AT_1M: u64 = 64 * 1024 * 1024;
const MAX_COMPARE_SECONDS: f64 = 1.0;

struct Options {
    sizes: Vec<u64>,
    dir: PathBuf,
    runs: usize,
    keep: bool,
    inventory: bool,
}

fn options() -> Options {
    let mut opts = Options { sizes: Vec::new(), dir: std::env::temp_dir(), runs: 3, keep: false, inventory: false };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--dir" => opts.dir = args.next().map(PathBuf::from).unwrap_or(opts.dir),
            "--runs" => opts.runs = args.next().and_then(|r| r.parse().ok()).unwrap_or(opts.runs),
            "--keep" => opts.keep = true,
            "--inventory" => opts.inventory = true,
            // `cargo bench` passes --bench to every bench target.
            "--bench" => {}
            n => match n.replace('_', "").parse() {
                Ok(n) => opts.sizes.push(n),
                Err(_) => eprintln!("ignoring argument {n:?}"),
            },
        }
    }
    if opts.sizes.is_empty() {
        opts.sizes.push(1_000_000);
    }
    opts.sizes.sort_unstable();
    opts
}

/// Write the benchmark report; returns (bytes, failing testcases).
fn generate(path: &Path, n: u64) -> std::io::Result<(u64, u64)> {
    let failing = |i: u64| i % 100 == 99;
    let total_failing = (0..n).filter(|i| failing(*i)).count() as u64;
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="bench" tests="{n}" failures="{total_failing}" errors="0" skipped="0" time="1.0">"#
    )?;
    let per_suite = n.div_ceil(SUITES);
    let mut i = 0;
    for s in 0..SUITES {
        let end = (i + per_suite).min(n);
        let suite_failing = (i..end).filter(|i| failing(*i)).count();
        writeln!(
            out,
            r#"  <testsuite name="com.example.bench.Suite{s:03}Test" tests="{}" failures="{suite_failing}" errors="0" skipped="0" time="1.0">"#,
            end - i
        )?;
        while i < end {
            if failing(i) {
                writeln!(
                    out,
                    r#"    <testcase classname="com.example.bench.Suite{s:03}Test" name="testCase{i:08}ChecksBehaviour" time="0.001"><failure message="expected 42 but was 41" type="java.lang.AssertionError">java.lang.AssertionError: expected &lt;42&gt; but was &lt;41&gt; in case {i:08}
	at com.example.bench.Suite{s:03}Test.testCase{i:08}(Suite{s:03}Test.java:77)
	at java.base/java.lang.reflect.Method.invoke(Method.java:580)</failure></testcase>"#
                )?;
            } else {
                writeln!(
                    out,
                    r#"    <testcase classname="com.example.bench.Suite{s:03}Test" name="testCase{i:08}ChecksBehaviour" time="0.001"/>"#
                )?;
            }
            i += 1;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")?;
    out.flush()?;
    Ok((std::fs::metadata(path)?.len(), total_failing))
}

/// The baseline: count `<testcase>` elements and nothing else.
fn baseline(path: &Path) -> (Duration, u64) {
    let start = Instant::now();
    let file = File::open(path).expect("open the generated file");
    let mut reader = Reader::from_reader(BufReader::with_capacity(256 * 1024, file));
    let mut buf = Vec::with_capacity(64 * 1024);
    let mut count = 0u64;
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) if e.name().as_ref() == "testcase" => count += 1,
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("baseline: {e}"),
        }
        buf.clear();
    }
    (start.elapsed(), count)
}

/// `check --inventory` and `check --baseline` on the same file: the cost of
/// keeping the inventory, and of comparing two inventories of N tests.
fn measure_inventory(opts: &Options, path: &Path, n: u64, base: Duration, plain: Duration, missed: &mut Vec<String>) {
    let inventory = opts.dir.join(format!("truegreen-bench-junit-{n}.tginv"));
    let inventory_arg = inventory.display().to_string();
    let (mut write_wall, mut write_cpu, mut write_rss) = (Duration::MAX, Duration::MAX, 0);
    let (mut compare_wall, mut compare_cpu, mut compare_rss) = (Duration::MAX, Duration::MAX, 0);
    for _ in 0..opts.runs.max(1) {
        let run = common::truegreen(path, &["--inventory", &inventory_arg]);
        assert_eq!(run.exit_code, 1, "truegreen check --inventory exited {} on N={n}", run.exit_code);
        write_wall = write_wall.min(run.wall);
        write_cpu = write_cpu.min(run.cpu);
        write_rss = write_rss.max(run.max_rss_bytes);
        let run = common::truegreen(path, &["--baseline", &inventory_arg]);
        assert_eq!(run.exit_code, 1, "the same tests against themselves: the file's own verdict");
        compare_wall = compare_wall.min(run.wall);
        compare_cpu = compare_cpu.min(run.cpu);
        compare_rss = compare_rss.max(run.max_rss_bytes);
    }
    let size = std::fs::metadata(&inventory).map_or(0, |m| m.len());
    if !opts.keep {
        let _ = std::fs::remove_file(&inventory);
    }
    let ratio = base.as_secs_f64() / write_wall.as_secs_f64();
    let compare_extra = compare_wall.saturating_sub(plain).as_secs_f64();
    println!(
        "|   with --inventory | {:.1} MB inventory | | {:.3} s | {:.0}% | {:.3} s | {:.1} MiB |",
        size as f64 / 1e6,
        write_wall.as_secs_f64(),
        ratio * 100.0,
        write_cpu.as_secs_f64(),
        mib(write_rss)
    );
    println!(
        "|   with --baseline (N vs N) | | | {:.3} s ({compare_extra:+.3} s) | | {:.3} s | {:.1} MiB |",
        compare_wall.as_secs_f64(),
        compare_cpu.as_secs_f64(),
        mib(compare_rss)
    );
    if ratio < MIN_RATIO {
        missed.push(format!("N={n} --inventory: throughput {:.0}% of the baseline", ratio * 100.0));
    }
    if n == 1_000_000 {
        if size >= MAX_INVENTORY_AT_1M {
            missed.push(format!("N={n}: inventory {:.1} MB (target < 16 MB)", size as f64 / 1e6));
        }
        if write_rss >= MAX_RSS_AT_1M {
            missed.push(format!("N={n} --inventory: peak RSS {:.1} MiB (target < 48 MiB)", mib(write_rss)));
        }
        if compare_rss >= MAX_COMPARE_RSS_AT_1M {
            missed.push(format!("N={n} --baseline: peak RSS {:.1} MiB (target < 64 MiB)", mib(compare_rss)));
        }
    }
    if compare_extra >= MAX_COMPARE_SECONDS {
        missed.push(format!("N={n} --baseline: {compare_extra:.3} s more than a plain check (target < 1 s)"));
    }
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn main() {
    let opts = options();
    // How busy the machine was: the figures depend on a free second core.
    if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
        println!("load average at start: {}", load.split_whitespace().take(3).collect::<Vec<_>>().join(" "));
    }
    let mut missed = Vec::new();
    let mut rss_at: Vec<(u64, u64)> = Vec::new();
    println!("| N | file | baseline | truegreen check | ratio | truegreen CPU | peak RSS |");
    println!("|---|---|---|---|---|---|---|");
    for &n in &opts.sizes {
        let path = opts.dir.join(format!("truegreen-bench-junit-{n}.xml"));
        let (bytes, failing) = generate(&path, n).expect("generate the benchmark file");
        let mut best_base = Duration::MAX;
        let mut best_tg = Duration::MAX;
        let mut best_cpu = Duration::MAX;
        let mut max_rss = 0;
        for _ in 0..opts.runs.max(1) {
            let (t, count) = baseline(&path);
            assert_eq!(count, n, "baseline counted {count} testcases");
            best_base = best_base.min(t);
            let run = common::truegreen(&path, &[]);
            // 1% fail and every declared count holds: an honest failure.
            assert_eq!(run.exit_code, 1, "truegreen check exited {} on N={n}", run.exit_code);
            best_tg = best_tg.min(run.wall);
            best_cpu = best_cpu.min(run.cpu);
            max_rss = max_rss.max(run.max_rss_bytes);
        }
        if opts.inventory {
            measure_inventory(&opts, &path, n, best_base, best_tg, &mut missed);
        }
        if !opts.keep {
            let _ = std::fs::remove_file(&path);
        }
        let mbps = |t: Duration| bytes as f64 / 1e6 / t.as_secs_f64();
        let ratio = best_base.as_secs_f64() / best_tg.as_secs_f64();
        println!(
            "| {n} ({failing} failing) | {:.1} MB | {:.3} s, {:.0} MB/s | {:.3} s, {:.0} MB/s | {:.0}% | {:.3} s | {:.1} MiB |",
            bytes as f64 / 1e6,
            best_base.as_secs_f64(),
            mbps(best_base),
            best_tg.as_secs_f64(),
            mbps(best_tg),
            ratio * 100.0,
            best_cpu.as_secs_f64(),
            mib(max_rss)
        );
        if ratio < MIN_RATIO {
            missed.push(format!(
                "N={n}: throughput {:.0}% of the baseline (target {:.0}%)",
                ratio * 100.0,
                MIN_RATIO * 100.0
            ));
        }
        if n == 1_000_000 && max_rss >= MAX_RSS_AT_1M {
            missed.push(format!("N={n}: peak RSS {:.1} MiB (target < 48 MiB)", mib(max_rss)));
        }
        rss_at.push((n, max_rss));
    }
    if let (Some(&(n0, r0)), Some(&(n1, r1))) = (rss_at.first(), rss_at.last())
        && n1 > n0
    {
        let growth = (r1 as f64 - r0 as f64) / (n1 - n0) as f64;
        println!("\npeak RSS growth from N={n0} to N={n1}: {growth:.2} bytes per testcase");
        if growth > MAX_GROWTH_PER_CASE {
            missed.push(format!("RSS grows {growth:.2} bytes per testcase (target <= 16)"));
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
