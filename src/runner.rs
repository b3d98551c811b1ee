//! Running the command under test for `truegreen run`: inherit stdin and
//! stderr, tee stdout to a file while showing it, forward SIGINT and SIGTERM,
//! and report how the process ended (death by a signal included).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use chrono::{DateTime, Utc};

/// What to do with the command's stdout.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stdout {
    /// Pass it through untouched (the command writes to our stdout directly).
    Inherit,
    /// Show it byte for byte and copy it into this file.
    Tee(PathBuf),
}

/// How the command ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exit {
    /// The exit code, or 128 + N when the process died of signal N.
    pub status: i32,
    /// The signal that killed the process.
    pub signal: Option<i32>,
    pub started: DateTime<Utc>,
    pub ended: DateTime<Utc>,
}

impl Exit {
    pub fn succeeded(&self) -> bool {
        self.status == 0 && self.signal.is_none()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("cannot start `{command}`: {source}")]
    Spawn {
        command: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write the captured stdout to {path}: {source}")]
    Capture {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("waiting for `{command}`: {source}")]
    Wait {
        command: String,
        #[source]
        source: std::io::Error,
    },
    #[error("no command given")]
    NoCommand,
}

/// Run `argv` to completion.
pub fn run(argv: &[String], stdout: &Stdout) -> Result<Exit, RunError> {
    let (program, args) = argv.split_first().ok_or(RunError::NoCommand)?;
    let display = argv.iter().map(|a| crate::text::shell_quote(a)).collect::<Vec<_>>().join(" ");
    let capture = match stdout {
        Stdout::Inherit => None,
        Stdout::Tee(path) => {
            Some(std::fs::File::create(path).map_err(|source| RunError::Capture { path: path.clone(), source })?)
        }
    };
    let mut command = Command::new(program);
    command.args(args).stdin(Stdio::inherit()).stderr(Stdio::inherit());
    command.stdout(if capture.is_some() { Stdio::piped() } else { Stdio::inherit() });

    // Handlers go in before the child exists, so that no signal in between kills
    // truegreen and orphans the child. exec resets them in the child.
    let forwarder = signals::Forwarder::install();
    let started = Utc::now();
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(source) => {
            forwarder.stop();
            return Err(RunError::Spawn { command: display, source });
        }
    };
    forwarder.forward_to(child.id());

    let tee = match (child.stdout.take(), capture) {
        (Some(pipe), Some(file)) => {
            let path = match stdout {
                Stdout::Tee(path) => path.clone(),
                Stdout::Inherit => PathBuf::new(),
            };
            Some(std::thread::spawn(move || tee(pipe, file).map_err(|source| RunError::Capture { path, source })))
        }
        _ => None,
    };

    let status = forwarder.wait(&mut child).map_err(|source| RunError::Wait { command: display.clone(), source });
    forwarder.stop();
    let status = status?;
    // The copy ends when the last holder of the pipe closes it: the command, or a
    // background process it left running.
    if let Some(handle) = tee {
        match handle.join() {
            Ok(result) => result?,
            Err(_) => {
                return Err(RunError::Wait {
                    command: display,
                    source: std::io::Error::other("the stdout copy panicked"),
                });
            }
        }
    }
    let ended = Utc::now();
    let (status, signal) = decode(status);
    Ok(Exit { status, signal, started, ended })
}

/// Copy the child's stdout to ours and to the capture file, chunk by chunk. A
/// closed stdout on our side (`| head`) stops the display, never the capture.
fn tee(mut pipe: impl Read, mut file: std::fs::File) -> std::io::Result<()> {
    let mut buf = vec![0u8; 64 * 1024];
    let mut show = true;
    let out = std::io::stdout();
    loop {
        let n = match pipe.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        file.write_all(&buf[..n])?;
        if show {
            let mut lock = out.lock();
            show = lock.write_all(&buf[..n]).and_then(|()| lock.flush()).is_ok();
        }
    }
    file.flush()
}

#[cfg(unix)]
fn decode(status: std::process::ExitStatus) -> (i32, Option<i32>) {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => (code, None),
        (None, Some(sig)) => (128 + sig, Some(sig)),
        // Neither: stopped or continued, which `wait` does not report. Fail closed.
        (None, None) => (255, None),
    }
}

#[cfg(not(unix))]
fn decode(status: std::process::ExitStatus) -> (i32, Option<i32>) {
    (status.code().unwrap_or(255), None)
}

/// A path for the captured stdout when the user names none.
pub fn capture_path(dir: &Path) -> PathBuf {
    dir.join("stdout.capture")
}

#[cfg(unix)]
mod signals {
    use std::sync::{Arc, Mutex};
    use std::thread::JoinHandle;

    use signal_hook::consts::{SIGINT, SIGTERM};
    use signal_hook::iterator::exfiltrator::WithOrigin;
    use signal_hook::iterator::{Handle, SignalsInfo};
    use signal_hook::low_level::siginfo::Cause;

    /// The child's pid while it may receive signals; `None` before it exists
    /// and once it is reaped, so that a late signal can never reach a recycled
    /// pid. A signal that comes before the pid is known waits in `pending`.
    #[derive(Default)]
    struct TargetState {
        pid: Option<libc::pid_t>,
        /// Signals received between installing the handlers and learning the
        /// child's pid (a CI runner cancelling the job right after spawn).
        pending: Vec<libc::c_int>,
        reaped: bool,
    }

    type Target = Arc<Mutex<TargetState>>;

    /// Forwards SIGINT and SIGTERM to the child. A SIGINT from the terminal (Ctrl-C)
    /// already reaches the whole foreground process group, the child included, so
    /// only signals sent to truegreen itself (`kill`, a CI runner cancelling the
    /// job) are forwarded; the child never gets one twice.
    pub struct Forwarder {
        target: Target,
        handle: Option<Handle>,
        thread: Mutex<Option<JoinHandle<()>>>,
    }

    impl Forwarder {
        pub fn install() -> Self {
            let target: Target = Arc::new(Mutex::new(TargetState::default()));
            let Ok(mut signals) = SignalsInfo::<WithOrigin>::new([SIGINT, SIGTERM]) else {
                // Without handlers the signals keep their default effect on both
                // processes, which still stops the child.
                return Self { target, handle: None, thread: Mutex::new(None) };
            };
            let handle = signals.handle();
            let shared = Arc::clone(&target);
            let thread = std::thread::spawn(move || {
                for origin in signals.forever() {
                    if origin.signal == SIGINT && matches!(origin.cause, Cause::Kernel) {
                        continue;
                    }
                    let Ok(mut state) = shared.lock() else { continue };
                    match state.pid {
                        // SAFETY: kill has no memory-safety preconditions; the pid is
                        // our unreaped child (see Target).
                        Some(pid) => unsafe {
                            libc::kill(pid, origin.signal);
                        },
                        None if !state.reaped && !state.pending.contains(&origin.signal) => {
                            state.pending.push(origin.signal);
                        }
                        None => {}
                    }
                }
            });
            Self { target, handle: Some(handle), thread: Mutex::new(Some(thread)) }
        }

        pub fn forward_to(&self, pid: u32) {
            if let (Ok(mut target), Ok(pid)) = (self.target.lock(), libc::pid_t::try_from(pid)) {
                target.pid = Some(pid);
                for signal in std::mem::take(&mut target.pending) {
                    // SAFETY: as above: the child was just spawned and is not reaped.
                    unsafe { libc::kill(pid, signal) };
                }
            }
        }

        /// Wait for the child: first without reaping it (so the pid stays ours while
        /// signals may still be forwarded), then stop forwarding, then reap.
        pub fn wait(&self, child: &mut std::process::Child) -> std::io::Result<std::process::ExitStatus> {
            let pid = libc::pid_t::try_from(child.id()).map_err(std::io::Error::other)?;
            loop {
                // SAFETY: `info` is a plain C struct that waitid fills in.
                let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
                let rc =
                    unsafe { libc::waitid(libc::P_PID, pid as libc::id_t, &mut info, libc::WEXITED | libc::WNOWAIT) };
                if rc == 0 {
                    break;
                }
                let err = std::io::Error::last_os_error();
                if err.kind() != std::io::ErrorKind::Interrupted {
                    return Err(err);
                }
            }
            if let Ok(mut target) = self.target.lock() {
                target.pid = None;
                target.reaped = true;
            }
            child.wait()
        }

        pub fn stop(&self) {
            if let Ok(mut target) = self.target.lock() {
                target.pid = None;
                target.reaped = true;
            }
            if let Some(handle) = &self.handle {
                handle.close();
            }
            if let Ok(mut thread) = self.thread.lock()
                && let Some(thread) = thread.take()
            {
                let _ = thread.join();
            }
        }
    }
}

#[cfg(not(unix))]
mod signals {
    /// No forwarding outside Unix: a console Ctrl-C already reaches every process
    /// attached to the console, the child included.
    pub struct Forwarder;

    impl Forwarder {
        pub fn install() -> Self {
            Self
        }
        pub fn forward_to(&self, _pid: u32) {}
        pub fn wait(&self, child: &mut std::process::Child) -> std::io::Result<std::process::ExitStatus> {
            child.wait()
        }
        pub fn stop(&self) {}
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn sh(script: &str) -> Vec<String> {
        vec!["sh".into(), "-c".into(), script.into()]
    }

    #[test]
    fn exit_codes_and_signals_are_reported() -> Result<(), RunError> {
        let exit = run(&sh("exit 3"), &Stdout::Inherit)?;
        assert_eq!((exit.status, exit.signal), (3, None));
        assert!(!exit.succeeded());
        let exit = run(&sh("kill -9 $$"), &Stdout::Inherit)?;
        assert_eq!((exit.status, exit.signal), (137, Some(9)));
        assert!(exit.started <= exit.ended);
        Ok(())
    }

    #[test]
    fn stdout_is_captured_byte_for_byte() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let path = capture_path(dir.path());
        let exit = run(&sh("printf 'a\\nb\\0c'"), &Stdout::Tee(path.clone()))?;
        assert!(exit.succeeded());
        assert_eq!(std::fs::read(&path)?, b"a\nb\0c");
        Ok(())
    }

    #[test]
    fn a_missing_program_is_a_spawn_error_naming_it() {
        let err = run(&["/nonexistent/truegreen-test-tool".to_owned()], &Stdout::Inherit).err();
        let message = err.map(|e| e.to_string()).unwrap_or_default();
        assert!(message.starts_with("cannot start `/nonexistent/truegreen-test-tool`"), "{message}");
    }
}
