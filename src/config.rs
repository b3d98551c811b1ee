//! `.truegreen.yml`: what a run must produce (expected reports per suite,
//! minimum test counts, a floor), which failures are waived or quarantined and
//! until when, and how to replay failures of a format.
//!
//! Read with `yaml_serde` into typed structs that refuse unknown keys, so a typo
//! (`min_tests` for `min-tests`) is an error naming the key rather than a
//! silently ignored setting. The JSON Schema in `docs/truegreen.schema.json` is
//! generated from the same structs ([`json_schema`]).

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use sha2::{Digest, Sha256};

use crate::model::{
    ArtifactInfo, Evidence, EvidenceLimits, FailureRecord, Format, Observation, Position, WaiverEntry, WaiverKind,
    qualified_name,
};

/// Where `truegreen` looks for its configuration when `--config` is not given.
pub const DEFAULT_PATH: &str = ".truegreen.yml";

/// A configuration file larger than this is refused: it is hand-written policy.
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// The configuration file.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(title = "truegreen configuration (.truegreen.yml)")]
pub struct Config {
    /// Minimum number of cases that must execute across all reports. The
    /// `--min-tests` flag overrides it; the default is 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub min_tests: Option<u64>,

    /// Longest lifetime of a waiver or quarantine entry, in days (default 30).
    /// The stricter of this and `--max-waiver-days` applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub max_waiver_days: Option<i64>,

    /// Reports every check must find, non-empty: files, directories or globs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expect: Vec<String>,

    /// Suites by name (the name `truegreen run --suite` takes).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub suites: BTreeMap<String, SuiteConfig>,

    /// Fail when fewer cases execute than this: a count, or a percentage of the
    /// cases a previous verdict document (`--json`) executed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub floor: Option<Floor>,

    /// Failures that do not fail the run until the entry expires.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waivers: Vec<WaiverConfig>,

    /// Tests known to be unreliable, kept out of the verdict until the entry expires.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub quarantine: Vec<WaiverConfig>,

    /// Reports a build legitimately restores from an earlier run (Gradle's
    /// up-to-date checks and build cache restore `build/test-results`): a report
    /// matching one of these patterns that is older than the run (TG301, TG304)
    /// is a warning naming the pattern, not a discrepancy. `--accept-reused`
    /// adds patterns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reused_reports: Vec<ReusedReportsConfig>,

    /// Compare each run's tests with an earlier run's inventory, to catch a
    /// test that silently stopped running (docs/inventory.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineConfig>,

    /// Replay command templates by format id, e.g. `junit: "make test T={name}"`.
    /// Placeholders: `{name}`, `{suite}`, `{file}`, `{line}`, `{artifact}`; each
    /// value is shell-quoted.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schemars(schema_with = "replay_schema")]
    pub replay: BTreeMap<String, String>,
}

/// The baseline comparison.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct BaselineConfig {
    /// The baseline inventory, written by an earlier `truegreen check
    /// --inventory FILE`. Relative to the working directory; `--baseline`
    /// overrides it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inventory: Option<String>,
    /// A test that passed in the baseline and is skipped now: a discrepancy
    /// (the default) or a warning.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub newly_skipped: Option<NewlySkipped>,
}

/// How a newly skipped test weighs on the verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum NewlySkipped {
    Discrepancy,
    Warning,
}

/// One suite's expectations.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SuiteConfig {
    /// Reports the suite writes: files, directories or globs. Each must exist and
    /// hold results after the suite runs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reports: Vec<String>,

    /// Minimum number of cases that must execute in the suite's reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_tests: Option<u64>,

    /// The suite may legitimately run nothing (for example a platform-specific
    /// suite): no report, or reports with no executed case, are then accepted
    /// when it exits 0.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub allow_empty: bool,
}

/// Reports accepted as reused from an earlier run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReusedReportsConfig {
    /// The reports: files, directories or globs, as for `expect`.
    pub pattern: String,
    /// Why reports older than the run are expected there (e.g. "Gradle build cache").
    pub reason: String,
}

/// `floor: 120` or `floor: {percent: 90, baseline: verdict.json}`.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Floor {
    /// At least this many executed cases.
    Count(u64),
    /// At least a percentage of a previous run's executed cases.
    Baseline(BaselineFloor),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BaselineFloor {
    /// Percentage of the baseline's executed cases that must execute (0 < percent <= 100).
    #[schemars(range(min = 0, max = 100))]
    pub percent: f64,
    /// A previous truegreen verdict document (the `--json` output), whose
    /// `totals.executed` is the baseline. Relative to the working directory.
    pub baseline: String,
}

impl<'de> Deserialize<'de> for Floor {
    // Hand-written rather than `untagged`, whose errors drop the unknown key's name.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FloorVisitor;
        impl<'de> Visitor<'de> for FloorVisitor {
            type Value = Floor;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a number of tests, or a map with `percent` and `baseline`")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Floor, E> {
                Ok(Floor::Count(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Floor, E> {
                u64::try_from(v).map(Floor::Count).map_err(|_| E::custom(format!("floor must not be negative: {v}")))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Floor, A::Error> {
                BaselineFloor::deserialize(de::value::MapAccessDeserializer::new(map)).map(Floor::Baseline)
            }
        }
        deserializer.deserialize_any(FloorVisitor)
    }
}

/// A waiver or quarantine entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WaiverConfig {
    /// The test id (`suite::name`, or the bare name) or gate id; `*`, `?` and
    /// `[...]` glob.
    pub id: String,
    /// Who follows the entry up.
    pub owner: String,
    /// Why the failure is accepted for now.
    pub reason: String,
    /// The day the entry was granted (YYYY-MM-DD). Without it the lifetime is
    /// counted from the day of the check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<NaiveDate>,
    /// The last day the entry applies (YYYY-MM-DD).
    pub expires: NaiveDate,
}

fn replay_schema(_gen: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let properties: serde_json::Map<String, serde_json::Value> = replayable()
        .map(|f| (f.id().to_owned(), serde_json::json!({ "type": "string", "description": format!("Replay template for {} failures", f.id()) })))
        .collect();
    schemars::json_schema!({
        "type": "object",
        "properties": properties,
        "additionalProperties": false,
    })
}

/// Formats whose failures a replay template can apply to: those holding cases.
fn replayable() -> impl Iterator<Item = Format> {
    Format::ALL.iter().copied().filter(|f| f.carries_cases())
}

/// Why a configuration could not be used. Always a usage error (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the configuration {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("invalid configuration {path}: {source}")]
    Invalid {
        path: PathBuf,
        #[source]
        source: InvalidConfig,
    },
}

/// Why configuration text is not a valid configuration: the message names the
/// key and the value at fault.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidConfig(String);

/// A configuration as loaded, with what is needed to show it as an artifact.
#[derive(Clone, Debug)]
pub struct LoadedConfig {
    pub path: PathBuf,
    pub config: Config,
    pub sha256: String,
    pub size: u64,
    pub modified: Option<chrono::DateTime<chrono::Utc>>,
}

/// Flow collections (`[...]`, `{...}`) nested deeper than this are refused before
/// the YAML parser sees them: it takes time quadratic in the depth (100,000 levels
/// of `{"a":` took minutes), and no configuration needs more than a few.
const MAX_FLOW_DEPTH: usize = 64;

/// Parse and validate configuration text.
pub fn parse(text: &str) -> Result<Config, InvalidConfig> {
    // An empty file (or one holding only comments) is an empty configuration.
    let config: Config = if text.lines().all(|l| l.trim().is_empty() || l.trim_start().starts_with('#')) {
        Config::default()
    } else {
        if flow_depth(text) > MAX_FLOW_DEPTH {
            return Err(InvalidConfig(format!("collections nested more than {MAX_FLOW_DEPTH} levels deep")));
        }
        yaml_serde::from_str(text).map_err(|e| InvalidConfig(e.to_string()))?
    };
    config.validate().map_err(InvalidConfig)?;
    Ok(config)
}

/// The deepest nesting of `[` and `{` outside quoted scalars and comments. An
/// over-estimate is harmless (the limit is far above any real configuration).
fn flow_depth(text: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut quote: Option<char> = None;
    let mut previous = '\n';
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match quote {
            Some('"') if c == '\\' => {
                chars.next();
            }
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                // A quote starts a quoted scalar only where a token starts; inside a
                // plain scalar (`reason: it's flaky`) it is a character.
                '"' | '\'' if previous.is_whitespace() || matches!(previous, '[' | '{' | ',' | ':') => quote = Some(c),
                '#' if previous.is_whitespace() => {
                    for skipped in chars.by_ref() {
                        if skipped == '\n' {
                            break;
                        }
                    }
                }
                '[' | '{' => {
                    depth += 1;
                    deepest = deepest.max(depth);
                }
                ']' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            },
        }
        previous = c;
    }
    deepest
}

/// Load a configuration file.
pub fn load(path: &Path) -> Result<LoadedConfig, ConfigError> {
    let io = |source| ConfigError::Io { path: path.to_owned(), source };
    let file = std::fs::File::open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    let mut bytes = Vec::new();
    file.take(MAX_CONFIG_BYTES + 1).read_to_end(&mut bytes).map_err(io)?;
    let invalid = |source: InvalidConfig| ConfigError::Invalid { path: path.to_owned(), source };
    if bytes.len() as u64 > MAX_CONFIG_BYTES {
        return Err(invalid(InvalidConfig(format!("larger than {MAX_CONFIG_BYTES} bytes"))));
    }
    let text = std::str::from_utf8(&bytes).map_err(|e| invalid(InvalidConfig(format!("not UTF-8: {e}"))))?;
    let config = parse(text).map_err(invalid)?;
    let sha256 = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
    Ok(LoadedConfig {
        path: path.to_owned(),
        config,
        sha256,
        size: meta.len(),
        modified: meta.modified().ok().map(chrono::DateTime::<chrono::Utc>::from),
    })
}

/// Load `--config FILE`, or `.truegreen.yml` in the working directory when it
/// exists. `Ok(None)`: no configuration.
pub fn resolve(explicit: Option<&Path>) -> Result<Option<LoadedConfig>, ConfigError> {
    match explicit {
        Some(path) => load(path).map(Some),
        None => {
            let default = Path::new(DEFAULT_PATH);
            if default.exists() { load(default).map(Some) } else { Ok(None) }
        }
    }
}

impl Config {
    fn validate(&self) -> Result<(), String> {
        if let Some(days) = self.max_waiver_days
            && days < 1
        {
            return Err(format!("max-waiver-days must be at least 1, not {days}"));
        }
        if let Some(Floor::Baseline(b)) = &self.floor {
            if !(b.percent > 0.0 && b.percent <= 100.0) {
                return Err(format!("floor.percent must be above 0 and at most 100, not {}", b.percent));
            }
            if b.baseline.trim().is_empty() {
                return Err("floor.baseline must name a verdict document".to_owned());
            }
        }
        for (name, suite) in &self.suites {
            if name.trim().is_empty() {
                return Err("suites: a suite name must not be empty".to_owned());
            }
            if suite.reports.iter().any(|r| r.trim().is_empty()) {
                return Err(format!("suites.{name}.reports: a report path must not be empty"));
            }
        }
        if self.expect.iter().any(|r| r.trim().is_empty()) {
            return Err("expect: a report path must not be empty".to_owned());
        }
        for (i, reused) in self.reused_reports.iter().enumerate() {
            if reused.pattern.trim().is_empty() {
                return Err(format!("reused-reports[{i}].pattern must not be empty"));
            }
            if reused.reason.trim().is_empty() {
                return Err(format!("reused-reports[{i}].reason must say why reports there may be reused"));
            }
        }
        for key in self.replay.keys() {
            if !replayable().any(|f| f.id() == key) {
                let known: Vec<&str> = replayable().map(|f| f.id()).collect();
                return Err(format!("replay: unknown format `{key}`, expected one of {}", known.join(", ")));
            }
        }
        Ok(())
    }

    fn entries(&self) -> impl Iterator<Item = (WaiverKind, usize, &WaiverConfig)> {
        let waivers = self.waivers.iter().enumerate().map(|(i, w)| (WaiverKind::Waiver, i, w));
        waivers.chain(self.quarantine.iter().enumerate().map(|(i, w)| (WaiverKind::Quarantine, i, w)))
    }

    /// Record every waiver and quarantine entry as an observation, for TG401-TG404.
    /// An entry without `created` is counted from `today`.
    pub fn record_entries(&self, today: NaiveDate, ev: &mut Evidence) {
        for (kind, index, w) in self.entries() {
            let section = match kind {
                WaiverKind::Waiver => "waivers",
                WaiverKind::Quarantine => "quarantine",
            };
            let mut missing = Vec::new();
            for (field, value) in [("id", &w.id), ("owner", &w.owner), ("reason", &w.reason)] {
                if value.trim().is_empty() {
                    missing.push(field.to_owned());
                }
            }
            let created = w.created.unwrap_or(today);
            let mut invalid = Vec::new();
            // Only a date the entry states can contradict its expiry; an expiry
            // before today is TG401's business.
            if let Some(stated) = w.created
                && w.expires < stated
            {
                invalid.push(format!("expires ({}) is before created ({stated})", w.expires));
            }
            ev.observe(Observation::Waiver(WaiverEntry {
                kind,
                id: w.id.clone(),
                owner: Some(w.owner.clone()).filter(|o| !o.trim().is_empty()),
                reason: Some(w.reason.clone()).filter(|r| !r.trim().is_empty()),
                created: Some(created),
                expires: Some(w.expires),
                max_days: self.max_waiver_days.unwrap_or(i64::MAX),
                missing_fields: missing,
                invalid_fields: invalid,
                position: Position::field(format!("{section}[{index}]")),
            }));
        }
    }

    /// The active entry (not expired on `today`) that covers a failure, described
    /// for display, e.g. `waiver "io::flaky" (owner: alice, until 2026-12-01)`.
    pub fn waiver_for(&self, failure: &FailureRecord, today: NaiveDate) -> Option<String> {
        self.waiver_for_test(failure.suite.as_deref(), &failure.name, today)
    }

    /// The active entry that covers the test `suite::name`, described for display.
    pub fn waiver_for_test(&self, suite: Option<&str>, name: &str, today: NaiveDate) -> Option<String> {
        let qualified = qualified_name(suite, name);
        self.entries().find(|(_, _, w)| w.expires >= today && id_matches(&w.id, &qualified, name)).map(
            |(kind, _, w)| {
                let kind = match kind {
                    WaiverKind::Waiver => "waiver",
                    WaiverKind::Quarantine => "quarantine",
                };
                format!("{kind} {:?} (owner: {}, until {})", w.id, w.owner, w.expires)
            },
        )
    }

    /// The replay command the configuration gives for a failure of `format`.
    pub fn replay_for(&self, format: Format, failure: &FailureRecord, artifact: &str) -> Option<String> {
        let template = self.replay.get(format.id())?;
        let line = failure.source.as_ref().and_then(|s| s.line).map(|l| l.to_string()).unwrap_or_default();
        let file = failure.source.as_ref().map(|s| s.file.as_str()).unwrap_or_default();
        let vars = [
            ("name", failure.name.as_str()),
            ("suite", failure.suite.as_deref().unwrap_or_default()),
            ("file", file),
            ("line", line.as_str()),
            ("artifact", artifact),
        ];
        Some(crate::replay::fill_template(template, &vars))
    }
}

/// Whether an entry id names a case: exactly (qualified or bare name), or as a glob.
pub fn id_matches(id: &str, qualified: &str, name: &str) -> bool {
    if id == qualified || id == name {
        return true;
    }
    if id.contains(['*', '?', '[']) {
        if let Ok(pattern) = glob::Pattern::new(id) {
            let options = glob::MatchOptions { require_literal_separator: false, ..glob::MatchOptions::new() };
            return pattern.matches_with(qualified, options) || pattern.matches_with(name, options);
        }
    }
    false
}

impl LoadedConfig {
    /// The configuration as an artifact of the check, holding its waiver entries.
    pub fn evidence(&self, today: NaiveDate, limits: EvidenceLimits) -> Evidence {
        let info = ArtifactInfo {
            path: self.path.display().to_string(),
            format: Some(Format::TruegreenConfig),
            sha256: Some(self.sha256.clone()),
            size: self.size,
            modified: self.modified,
        };
        let mut ev = Evidence::new(info, limits);
        self.config.record_entries(today, &mut ev);
        ev.finish();
        ev
    }
}

/// The JSON Schema of `.truegreen.yml`, as committed in `docs/truegreen.schema.json`.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(Config);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    #[test]
    fn deeply_nested_flow_collections_are_refused_before_parsing() {
        // 100,000 levels of `{"a":` kept the YAML parser busy for minutes.
        let deep = format!("{}1{}", "{\"a\":".repeat(100_000), "}".repeat(100_000));
        assert_eq!(parse(&deep).err().as_deref(), Some("collections nested more than 64 levels deep"));
        let deep = format!("expect: {}{}", "[".repeat(65), "]".repeat(65));
        assert!(parse(&deep).is_err_and(|e| e.contains("nested more than 64")));
        // Brackets in quoted scalars and comments are text, and a quote inside a
        // plain scalar starts nothing that could hide brackets.
        assert_eq!(super::flow_depth("expect: ['[[[[', \"{{{\"] # [[[[\n"), 1);
        assert_eq!(super::flow_depth("a: it's [[x]]\n"), 2);
        assert_eq!(super::flow_depth("a: 'it''s' [x]\n"), 1);
    }

    use super::*;
    use crate::model::CaseOutcome;

    /// The parse error's message, for comparing with the expected one.
    fn parse(text: &str) -> Result<Config, String> {
        super::parse(text).map_err(|e| e.to_string())
    }

    const FULL: &str = r#"
min-tests: 10
max-waiver-days: 14
expect:
  - target/nextest/ci/junit.xml
suites:
  vm:
    reports: ["results/vm.results"]
    min-tests: 3
  windows-only:
    allow-empty: true
floor: {percent: 90, baseline: baseline/verdict.json}
waivers:
  - id: "net::flaky_*"
    owner: alice
    reason: upstream mirror flaps
    created: 2026-11-10
    expires: 2026-11-25
quarantine:
  - id: t0001-init.counts
    owner: bob
    reason: known broken
    expires: 2026-11-21
replay:
  key-value-counts: "bash tests/{suite}.sh"
"#;

    fn failure(suite: &str, name: &str) -> FailureRecord {
        FailureRecord {
            name: name.into(),
            suite: Some(suite.into()),
            outcome: CaseOutcome::Failed,
            blocking: true,
            message: None,
            position: Position::default(),
            source: None,
            replay: None,
            waived: None,
            cases: 1,
        }
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    #[test]
    fn a_full_configuration_parses() -> Result<(), String> {
        let config = parse(FULL)?;
        assert_eq!(config.min_tests, Some(10));
        assert_eq!(config.suites["vm"].reports, vec!["results/vm.results".to_owned()]);
        assert!(config.suites["windows-only"].allow_empty);
        assert_eq!(
            config.floor,
            Some(Floor::Baseline(BaselineFloor { percent: 90.0, baseline: "baseline/verdict.json".into() }))
        );
        assert_eq!(parse("floor: 120\n")?.floor, Some(Floor::Count(120)));
        assert_eq!(parse("# nothing yet\n")?, Config::default());
        Ok(())
    }

    #[test]
    fn unknown_keys_are_errors_naming_the_key() {
        let err = parse("min_tests: 3\n").err().unwrap_or_default();
        assert!(err.contains("unknown field `min_tests`"), "{err}");
        let err = parse("suites:\n  vm:\n    report: [a]\n").err().unwrap_or_default();
        assert!(err.contains("unknown field `report`"), "{err}");
        let err = parse("floor: {percent: 90, baseline: b.json, ratio: 2}\n").err().unwrap_or_default();
        assert!(err.contains("unknown field `ratio`"), "{err}");
        let err = parse("replay:\n  junitt: make\n").err().unwrap_or_default();
        assert!(err.contains("unknown format `junitt`"), "{err}");
        let err =
            parse("waivers:\n  - id: x\n    owner: a\n    reason: r\n    expires: soon\n").err().unwrap_or_default();
        assert!(err.contains("expires"), "{err}");
        let err = parse("floor: {percent: 0, baseline: b.json}\n").err().unwrap_or_default();
        assert!(err.contains("floor.percent"), "{err}");
    }

    #[test]
    fn reused_reports_need_a_pattern_and_a_reason() -> Result<(), String> {
        let config = parse("reused-reports:\n  - pattern: build/test-results\n    reason: Gradle build cache\n")?;
        let expected =
            ReusedReportsConfig { pattern: "build/test-results".into(), reason: "Gradle build cache".into() };
        assert_eq!(config.reused_reports, [expected]);
        let err = parse("reused-reports:\n  - pattern: build/test-results\n").err().unwrap_or_default();
        assert!(err.contains("missing field `reason`"), "{err}");
        let err = parse("reused-reports:\n  - pattern: build\n    reason: \" \"\n").err().unwrap_or_default();
        assert_eq!(err, "reused-reports[0].reason must say why reports there may be reused");
        let err = parse("reused-reports:\n  - pattern: \"\"\n    reason: cache\n").err().unwrap_or_default();
        assert_eq!(err, "reused-reports[0].pattern must not be empty");
        Ok(())
    }

    #[test]
    fn waivers_match_by_id_or_glob_while_active() -> Result<(), String> {
        let config = parse(FULL)?;
        let flaky = failure("net", "flaky_dns");
        let waived = config.waiver_for(&flaky, day("2026-11-20"));
        assert_eq!(waived.as_deref(), Some("waiver \"net::flaky_*\" (owner: alice, until 2026-11-25)"));
        assert_eq!(config.waiver_for(&flaky, day("2026-11-26")), None, "expired entries do not apply");
        assert_eq!(config.waiver_for(&failure("net", "solid"), day("2026-11-20")), None);
        Ok(())
    }

    #[test]
    fn entries_become_observations_with_policy_limits() -> Result<(), String> {
        let config = parse(FULL)?;
        let info = ArtifactInfo { path: ".truegreen.yml".into(), format: None, sha256: None, size: 1, modified: None };
        let mut ev = Evidence::new(info, EvidenceLimits::default());
        config.record_entries(day("2026-11-20"), &mut ev);
        let entries: Vec<&WaiverEntry> = ev
            .observations
            .iter()
            .filter_map(|o| if let Observation::Waiver(w) = o { Some(w) } else { None })
            .collect();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].max_days, 14);
        assert_eq!(entries[1].kind, WaiverKind::Quarantine);
        assert_eq!(entries[1].created, Some(day("2026-11-20")), "no created date: counted from today");
        assert!(entries.iter().all(|e| e.invalid_fields.is_empty()), "{entries:?}");
        assert_eq!(entries[1].position, Position::field("quarantine[0]"));
        Ok(())
    }

    #[test]
    fn replay_templates_quote_values() -> Result<(), String> {
        let config = parse(FULL)?;
        let f = failure("vm; rm -rf /", "failed tests (count only)");
        let cmd = config.replay_for(Format::KeyValueCounts, &f, "results/vm.results");
        assert_eq!(cmd.as_deref(), Some("bash tests/'vm; rm -rf /'.sh"));
        assert_eq!(config.replay_for(Format::Kane, &f, "x"), None);
        Ok(())
    }

    #[test]
    fn an_expired_waiver_without_created_is_only_expired() -> Result<(), String> {
        let config = parse(
            "waivers:\n  - id: cart::discount\n    owner: alice\n    reason: flaky sandbox\n    expires: 2026-11-19\n",
        )?;
        let info = ArtifactInfo { path: ".truegreen.yml".into(), format: None, sha256: None, size: 1, modified: None };
        let mut ev = Evidence::new(info, EvidenceLimits::default());
        config.record_entries(day("2026-11-20"), &mut ev);
        let Some(Observation::Waiver(w)) = ev.observations.first() else { return Err("no waiver".into()) };
        assert!(w.invalid_fields.is_empty() && w.missing_fields.is_empty(), "{w:?}");
        Ok(())
    }
}
