//! `timestamp` attributes as provenance: when the report says its suites ran,
//! each dialect read by its own time-zone rule, so that a report restored
//! from an earlier run is stale (TG304) whatever its file's mtime says.

use chrono::{DateTime, Local, NaiveDateTime, TimeZone, Utc};

use super::dialect::Dialect;

/// The latest `timestamp` of any `<testsuites>`/`<testsuite>`: a report is
/// written after its last suite ran, and placeholders (jest-junit's
/// `1970-01-01T00:00:00` on a suite that failed to load) are never the latest.
#[derive(Debug, Default)]
pub(super) struct Latest {
    /// Times that carry their zone (`Z`, `+05:30`, ` UTC`).
    zoned: Option<DateTime<Utc>>,
    /// Times written without a zone, read once the dialect is known.
    naive: Option<NaiveDateTime>,
}

impl Latest {
    pub(super) fn see(&mut self, raw: &str) {
        let raw = raw.trim();
        if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
            self.zoned = self.zoned.max(Some(t.to_utc()));
        } else if let Some(t) = raw.strip_suffix(" UTC").and_then(naive) {
            self.zoned = self.zoned.max(Some(t.and_utc()));
        } else if let Some(t) = naive(raw) {
            self.naive = self.naive.max(Some(t));
        }
    }

    /// The generation time in UTC, by the dialect's zone rule. `None` when the
    /// report has no timestamp or its zone cannot be known.
    pub(super) fn resolve(&self, dialect: Dialect) -> Option<DateTime<Utc>> {
        let naive = self.naive.and_then(|t| match zone_of(dialect) {
            Zone::Utc => Some(t.and_utc()),
            Zone::Local => Local.from_local_datetime(&t).latest().map(|t| t.to_utc()),
            Zone::Unknown => None,
        });
        self.zoned.max(naive)
    }
}

/// How a dialect writes a timestamp that has no zone.
enum Zone {
    /// UTC by construction (`new Date().toISOString()` with the `Z` cut off).
    Utc,
    /// The local time of the machine that wrote it, which is the machine that
    /// reads it when truegreen runs in the same job.
    Local,
    /// Unknown: not compared, rather than guessed.
    Unknown,
}

fn zone_of(dialect: Dialect) -> Zone {
    match dialect {
        Dialect::Jest | Dialect::Mocha | Dialect::Karma => Zone::Utc,
        Dialect::Surefire | Dialect::Googletest | Dialect::Ctest => Zone::Local,
        // Everything else, xmlrunner included: its local time is that of
        // wherever the tests ran (a container may set its own TZ), not guessed.
        _ => Zone::Unknown,
    }
}

fn naive(raw: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S%.f").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn latest(times: &[&str]) -> Latest {
        let mut l = Latest::default();
        times.iter().for_each(|t| l.see(t));
        l
    }

    #[test]
    fn zoned_times_need_no_dialect() {
        let l = latest(&["2026-12-04T10:40:11.062825-05:00", "2021-03-07T10:36:56 UTC", "garbage"]);
        assert_eq!(
            l.resolve(Dialect::Generic).map(|t| t.to_rfc3339()),
            Some("2026-12-04T15:40:11.062825+00:00".into())
        );
    }

    #[test]
    fn zoneless_times_follow_the_dialect() {
        let l = latest(&["1970-01-01T00:00:00", "2026-12-04T15:40:30"]);
        assert_eq!(l.resolve(Dialect::Jest).map(|t| t.to_rfc3339()), Some("2026-12-04T15:40:30+00:00".into()));
        assert_eq!(l.resolve(Dialect::Generic), None, "an unknown zone is not guessed");
        assert!(l.resolve(Dialect::Googletest).is_some());
    }
}
