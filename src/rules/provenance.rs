//! Reading provenance values for comparison (not a rule): commit ids that may be
//! abbreviated or decorated, and timestamps in the forms producers write.

use chrono::{DateTime, NaiveDateTime, Utc};

/// Fewer hex digits than this cannot identify a commit.
const MIN_COMMIT_DIGITS: usize = 7;

/// The leading hex digits of a commit value, lower-cased (`abc1234-dirty` →
/// `abc1234`); `None` when there are too few to identify a commit (`unknown`).
pub fn commit_digits(value: &str) -> Option<String> {
    let value = value.trim();
    let digits: String = value.chars().take_while(char::is_ascii_hexdigit).collect();
    (digits.len() >= MIN_COMMIT_DIGITS).then(|| digits.to_ascii_lowercase())
}

/// Two commit values name the same commit when the shorter is a prefix of the
/// longer (short SHAs). `None` when either cannot be compared.
pub fn same_commit(a: &str, b: &str) -> Option<bool> {
    let (a, b) = (commit_digits(a)?, commit_digits(b)?);
    Some(a.starts_with(&b) || b.starts_with(&a))
}

/// A timestamp as producers write them: RFC 3339, `YYYYmmddTHHMMSSZ` (pi),
/// `YYYY-mm-dd HH:MM:SS` (UTC), or Unix seconds or milliseconds.
pub fn parse_timestamp(value: &str) -> Option<DateTime<Utc>> {
    let v = value.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(v) {
        return Some(t.with_timezone(&Utc));
    }
    for format in ["%Y%m%dT%H%M%SZ", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(v, format) {
            return Some(t.and_utc());
        }
    }
    if v.len() >= 9 && v.bytes().all(|b| b.is_ascii_digit()) {
        let n: i64 = v.parse().ok()?;
        // Thirteen digits are milliseconds until the year 2286.
        return if v.len() >= 13 { DateTime::from_timestamp_millis(n) } else { DateTime::from_timestamp(n, 0) };
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commits_compare_by_prefix() {
        assert_eq!(same_commit("80bf530", "80bf530baf4838ed1027b12005dd13123b7ec015"), Some(true));
        assert_eq!(same_commit("80BF530BAF", "80bf530"), Some(true));
        assert_eq!(same_commit("80bf530-dirty", "80bf531"), Some(false));
        assert_eq!(same_commit("unknown", "80bf530"), None);
        assert_eq!(same_commit("abc", "abc"), None);
    }

    #[test]
    fn timestamps_in_producer_forms() {
        let want = DateTime::parse_from_rfc3339("2026-02-06T21:23:20Z").ok().map(|t| t.with_timezone(&Utc));
        assert_eq!(parse_timestamp("2026-02-06T21:23:20Z"), want);
        assert_eq!(parse_timestamp("2026-02-06T22:23:20+01:00"), want);
        assert_eq!(parse_timestamp("20260206T212320Z"), want);
        assert_eq!(parse_timestamp("2026-02-06 21:23:20"), want);
        assert_eq!(parse_timestamp("1770413000"), DateTime::from_timestamp(1_770_413_000, 0));
        assert_eq!(parse_timestamp("1770413000000"), DateTime::from_timestamp(1_770_413_000, 0));
        assert_eq!(parse_timestamp("yesterday"), None);
        assert_eq!(parse_timestamp("42"), None);
    }
}
