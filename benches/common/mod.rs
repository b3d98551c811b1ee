//! What both benchmarks share: running `truegreen check` as a child and
//! reading its wall time, CPU time and peak RSS from `wait4`.

// A bench may panic: a failed step should stop it loudly (the lints guard input paths).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(dead_code)] // each benchmark reads a subset of the measures

use std::path::Path;
use std::time::{Duration, Instant};

pub struct ChildRun {
    pub wall: Duration,
    /// User + system time over all of the child's threads.
    pub cpu: Duration,
    pub max_rss_bytes: u64,
    pub exit_code: i32,
}

/// Run `truegreen check` on the file and read its peak RSS with `wait4`.
pub fn truegreen(path: &Path, extra: &[&str]) -> ChildRun {
    let start = Instant::now();
    // Reaped by `wait4` below, which also reports the child's resource usage.
    #[allow(clippy::zombie_processes)]
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_truegreen"))
        .args(["check", "--color", "never"])
        .args(extra)
        .arg(path)
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("spawn truegreen");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value; wait4 fills it in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our own child, not yet waited for; both pointers are valid.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    assert_eq!(waited, pid, "wait4 failed: {}", std::io::Error::last_os_error());
    let exit_code = if libc::WIFEXITED(status) { libc::WEXITSTATUS(status) } else { -1 };
    let time = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    // Linux reports ru_maxrss in KiB.
    ChildRun {
        wall,
        cpu: time(usage.ru_utime) + time(usage.ru_stime),
        max_rss_bytes: usage.ru_maxrss as u64 * 1024,
        exit_code,
    }
}
