//! A test's duration as each format writes it, read into seconds for
//! [`Case::took`](crate::model::Case::took). The units live here, once:
//!
//! | unit | formats |
//! |---|---|
//! | decimal seconds in text ([`seconds_text`]) | JUnit `time`, NUnit 3 `duration`, NUnit 2 `time`, xUnit.net `time` |
//! | a JSON number of seconds ([`json_seconds`]) | go test `Elapsed`, RSpec `run_time`, libtest `exec_time` |
//! | milliseconds ([`millis`], [`json_millis`]) | CTRF, Jest and Vitest, mocha, Playwright `duration`, Dart's event `time`, node:test's TAP `duration_ms` |
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
