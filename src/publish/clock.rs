//! Time for retries and pacing, injectable so tests never wait for real.

use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A future a [`Clock`] returns from `sleep`.
pub type Sleep<'a> = Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

pub trait Clock: Send + Sync {
    /// Time since the clock was made: the retry deadline is measured on it.
    fn elapsed(&self) -> Duration;
    /// Seconds since the Unix epoch, to read `x-ratelimit-reset`.
    fn unix_now(&self) -> u64;
    fn sleep(&self, duration: Duration) -> Sleep<'_>;
}

/// Real time.
pub struct SystemClock {
    start: Instant,
}

impl SystemClock {
    pub fn new() -> Self {
        Self { start: Instant::now() }
    }
}

impl Default for SystemClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for SystemClock {
    fn elapsed(&self) -> Duration {
        self.start.elapsed()
    }

    fn unix_now(&self) -> u64 {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
    }

    fn sleep(&self, duration: Duration) -> Sleep<'_> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// A clock that never sleeps: each `sleep` advances it at once and is
/// recorded, so tests can assert what would have been waited.
pub struct VirtualClock {
    unix_start: u64,
    state: Mutex<(Duration, Vec<Duration>)>,
}

impl VirtualClock {
    pub fn new(unix_start: u64) -> Self {
        Self { unix_start, state: Mutex::new((Duration::ZERO, Vec::new())) }
    }

    /// Every sleep requested so far, in order.
    pub fn sleeps(&self) -> Vec<Duration> {
        self.state.lock().map(|s| s.1.clone()).unwrap_or_default()
    }
}

impl Clock for VirtualClock {
    fn elapsed(&self) -> Duration {
        self.state.lock().map(|s| s.0).unwrap_or_default()
    }

    fn unix_now(&self) -> u64 {
        self.unix_start + self.elapsed().as_secs()
    }

    fn sleep(&self, duration: Duration) -> Sleep<'_> {
        if let Ok(mut state) = self.state.lock() {
            state.0 += duration;
            state.1.push(duration);
        }
        Box::pin(std::future::ready(()))
    }
}
