//! A test's duration as each format writes it, read into seconds for
//! [`Case::took`](crate::model::Case::took). The units live here, once:
//!
//! | unit | formats |
//! |---|---|
//! | decimal seconds in text ([`seconds_text`]) | JUnit `time`, NUnit 3 `duration`, NUnit 2 `time`, xUnit.net `time` |
//! | a JSON number of seconds ([`json_seconds`]) | go test `Elapsed`, RSpec `run_time`, libtest `exec_time` |
//! | milliseconds ([`millis`], [`json_millis`]) | CTRF, Jest and Vitest, mocha, Playwright `duration`, Dart's event `time`, node:test's TAP `duration_ms` |
//! | a .NET `TimeSpan` ([`timespan`]) | TRX `duration` (`hh:mm:ss.fffffff`) |
//!
//! Whatever does not read as a number is no duration (`None`): a duration
//! never makes a report unreadable. Negative and non-finite values are dropped
//! by `Case::took` itself.

use serde_json::Value;

/// Decimal seconds as text (`0.013`, `48.3914131`). Some writers put `1,234.5`
/// or nothing: that says nothing.
pub fn seconds_text(raw: &str) -> Option<f64> {
    raw.trim().parse::<f64>().ok()
}

/// Milliseconds, as seconds.
pub fn millis(ms: f64) -> f64 {
    ms / 1000.0
}

/// A JSON number of seconds. Absent, `null` or not a number: `None`.
pub fn json_seconds(value: Option<&Value>) -> Option<f64> {
    value?.as_f64()
}

/// A JSON number of milliseconds, as seconds. Absent, `null` or not a number: `None`.
pub fn json_millis(value: Option<&Value>) -> Option<f64> {
    json_seconds(value).map(millis)
}

/// A .NET `TimeSpan` in its invariant form, `[d.]hh:mm:ss[.fffffff]`, as TRX
/// writes a result's `duration` (`00:00:00.0275393`, `00:01:09.5895342`,
/// `00:00:00`). A negative span or any other shape: `None`.
pub fn timespan(raw: &str) -> Option<f64> {
    let mut parts = raw.trim().split(':');
    let (hours, minutes, seconds) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let (days, hours) = match hours.split_once('.') {
        Some((days, hours)) => (whole(days)?, hours),
        None => (0, hours),
    };
    let (hours, minutes) = (whole(hours)?, whole(minutes)?);
    // Seconds are digits with an optional fraction; `parse` alone would take `1e3` or `inf`.
    let (int, fraction) = seconds.split_once('.').unwrap_or((seconds, "0"));
    whole(int)?;
    whole(fraction)?;
    let seconds = seconds.parse::<f64>().ok()?;
    if minutes >= 60 || seconds >= 60.0 {
        return None;
    }
    Some((((days * 24 + hours) * 60 + minutes) * 60) as f64 + seconds)
}

/// A run of ASCII digits (at most 9, so nothing overflows), as a number.
fn whole(text: &str) -> Option<u64> {
    if text.is_empty() || text.len() > 9 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn timespans_read_as_trx_writes_them() {
        assert_eq!(timespan("00:00:00.0275393"), Some(0.0275393));
        assert_eq!(timespan("00:01:09.5895342"), Some(69.5895342));
        assert_eq!(timespan("00:00:43.8338627"), Some(43.8338627));
        assert_eq!(timespan("00:00:00"), Some(0.0));
        assert_eq!(timespan("1.02:00:00"), Some(93_600.0));
        for bad in
            ["", "-00:00:01", "00:00", "00:00:00:00", "00:60:00", "00:00:61", "a:00:00", "00:00:1e3", "00:00:inf"]
        {
            assert_eq!(timespan(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn numbers_that_are_not_numbers_are_no_duration() {
        assert_eq!(seconds_text(" 0.013 "), Some(0.013));
        assert_eq!(seconds_text("1,234.5"), None);
        assert_eq!(seconds_text(""), None);
        assert_eq!(json_millis(Some(&json!(1500))), Some(1.5));
        assert_eq!(json_millis(Some(&json!(null))), None);
        assert_eq!(json_millis(Some(&json!("12"))), None);
        assert_eq!(json_millis(None), None);
        assert_eq!(json_seconds(Some(&json!(0.06))), Some(0.06));
    }
}
