//! Every artifact format truegreen reads, from one table.
//!
//! [`format_table!`] is that table: one line per format, grouped by the reader
//! module under `src/parse/` that detects and reads it. It is expanded twice:
//! here into the [`Format`] enum and its traits, and in `parse::formats` into
//! detection and dispatch. The model never calls a reader; it only carries the
//! module's name through, so the two expansions cannot drift apart.

use serde::{Deserialize, Serialize};

/// What an artifact of a format is to a run, which decides the traits every
/// rule reads ([`Format::carries_cases`], [`Format::is_run_output`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Test evidence the run writes: it must hold at least one executed case.
    Results,
    /// Written by the run, but not a list of executed cases: waiver audits,
    /// provenance, second-hand summaries, lists of failures (empty when clean).
    RunRecord,
    /// Kept across runs (waivers, `.truegreen.yml`, the ledger of many runs):
    /// never stale, never test evidence.
    Standing,
}

/// The format table. Each group is `reader_module detection { lines }`, where
/// detection is `detect` (the module's `detect(&Sniff)` is asked, in table
/// order) or `forced` (read only with `--format` or by the caller). Each line
/// is `Variant "id" Role [extensions] "what it is"`, where the extensions are
/// the ones the producer always writes (none for console output or files named
/// freely): an empty file found in a scanned directory is a report only when
/// named with one of them.
///
/// Adding a format: its reader module (`detect` and `read`), its tests, its
/// `docs/formats/` page, and one line here.
macro_rules! format_table {
    ($then:ident) => {
        $then! {
            kane detect {
                Kane "kane" Results ["ndjson", "jsonl"] "kane-cli `--agent` NDJSON (`testmd run`, `testrun`, `run`).";
            }
            ctrf detect {
                Ctrf "ctrf" Results ["json"] "Common Test Report Format JSON (specVersion 0.0.0, 1.0.0, and the older `{results}` form).";
            }
            mocha_json detect {
                MochaJson "mocha-json" Results ["json"] "mocha's `--reporter json` (`stats`, `tests`, `passes`, `pending`, `failures`).";
            }
            jest_json detect {
                JestJson "jest-json" Results ["json"] "Jest `--json` and Vitest `--reporter=json` (`numTotalTests`, `testResults[].assertionResults[]`).";
            }
            playwright_json detect {
                PlaywrightJson "playwright-json" Results ["json"] "Playwright Test's JSON reporter (`config`, `suites[].specs[].tests[].results[]`, `errors`, `stats`).";
            }
            rspec_json detect {
                RspecJson "rspec-json" Results ["json"] "RSpec `--format json` (rspec-core 3.x), with errors outside of examples.";
            }
            dart_json detect {
                DartJson "dart-json" Results ["json", "jsonl"] "Dart `dart test --reporter json` and Flutter `flutter test --machine` NDJSON events.";
            }
            pi detect {
                PiResult "pi-result" Results ["json"] "pi_agent_rust `result.json` (`pi.e2e.result.v1` and the schema-less form).";
                PiSummary "pi-summary" Results ["json"] "pi_agent_rust `summary.json` (`pi.e2e.summary.v1`, older object, legacy array).";
                PiTriageDiff "pi-triage-diff" Results ["json"] "pi_agent_rust `triage_diff.json`.";
                PiReplayBundle "pi-replay-bundle" RunRecord ["json"] "pi_agent_rust `replay_bundle.json` (run and gate flavours).";
                PiFailureDigest "pi-failure-digest" RunRecord ["json"] "pi_agent_rust `<suite>/failure_digest.json`.";
                PiFailureDiagnosticsIndex "pi-failure-diagnostics-index" RunRecord ["json"] "pi_agent_rust `failure_diagnostics_index.json`.";
                PiFullSuiteVerdict "pi-full-suite-verdict" Results ["json"] "pi_agent_rust `full_suite_verdict.json`.";
                PiPreflightVerdict "pi-preflight-verdict" Results ["json"] "pi_agent_rust `preflight_verdict.json`.";
                PiCertificationVerdict "pi-certification-verdict" Results ["json"] "pi_agent_rust `certification_verdict.json`.";
                PiWaiverAudit "pi-waiver-audit" RunRecord ["json"] "pi_agent_rust `waiver_audit.json`.";
                PiCertificationDossier "pi-certification-dossier" RunRecord ["json"] "pi_agent_rust `certification_dossier.json`.";
                PiDropinVerdict "pi-dropin-verdict" Results ["json"] "pi_agent_rust `dropin-certification-verdict.json`.";
                PiSuiteClassification "pi-suite-classification" Standing ["toml"] "pi_agent_rust `suite_classification.toml` (waivers and quarantine).";
                PiEnvironment "pi-environment" RunRecord ["json"] "pi_agent_rust `environment.json`: provenance only (commit, correlation id).";
            }
            trx detect {
                Trx "trx" Results ["trx"] "Visual Studio TRX (`dotnet test --logger trx`, vstest.console, mstest.exe; MSTest, xUnit.net and NUnit adapters).";
            }
            nunit detect {
                Nunit "nunit" Results ["xml"] "NUnit XML: NUnit 3 `<test-run>` (also Unity's test runner, and `<test-suite>` roots) and NUnit 2 `<test-results>`.";
            }
            xunit detect {
                Xunit "xunit" Results ["xml"] "xUnit.net XML: v2 `<assemblies>` and v1 `<assembly>` with `<class>`.";
            }
            junit detect {
                Junit "junit" Results ["xml"] "JUnit XML in every common dialect (Surefire, pytest, jest, nextest, go, mocha, node, PHPUnit, bats, ...).";
            }
            go_test detect {
                GoTestJson "go-test-json" Results ["json", "jsonl"] "`go test -json` / test2json events, with go's plain-text build-failure lines.";
            }
            libtest detect {
                Libtest "libtest" Results [] "`cargo test` console output (libtest's pretty format, with cargo's own lines).";
                LibtestJson "libtest-json" Results ["json", "jsonl"] "libtest's JSON event stream (`--format json -Z unstable-options`).";
            }
            tap detect {
                Tap "tap" Results ["tap"] "Test Anything Protocol 13 and 14, with subtests and YAML diagnostics.";
            }
            ledger detect {
                TruegreenLedger "truegreen-ledger" Standing ["jsonl"] "truegreen's suite ledger, appended by `truegreen run --ledger` (`truegreen.ledger.v1`).";
            }
            git_counts detect {
                GitTestCounts "git-test-counts" Results [] "git's `t/test-lib.sh` `test-results/*.counts` (`total`, `success`, `fixed`, `broken`, `failed`).";
            }
            counts detect {
                KeyValueCounts "key-value-counts" Results [] "`key=value` counts a shell harness writes (`total`, `passed`, `failed`, `skipped`).";
            }
            truegreen_config forced {
                TruegreenConfig "truegreen-config" Standing [] "truegreen's own `.truegreen.yml` (expectations, waivers, quarantine, replay templates).";
            }
        }
    };
}
pub(crate) use format_table;

/// Expands the table into [`Format`] and its per-format facts.
macro_rules! define_format {
    ($( $module:ident $detection:ident { $( $variant:ident $id:literal $role:ident [$($ext:literal),*] $doc:literal; )+ } )+) => {
        /// Every artifact format truegreen reads. The id (kebab-case) is what
        /// `--format` takes and what the verdict document records.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum Format {
            $( $(
                #[doc = $doc]
                #[serde(rename = $id)]
                $variant,
            )+ )+
        }

        impl Format {
            /// Every format, in detection order.
            pub const ALL: &'static [Format] = &[$( $( Self::$variant, )+ )+];

            /// The stable id, as `--format` takes it.
            pub fn id(self) -> &'static str {
                match self { $( $( Self::$variant => $id, )+ )+ }
            }

            /// One line on what the format is (its table line's description).
            pub fn summary(self) -> &'static str {
                match self { $( $( Self::$variant => $doc, )+ )+ }
            }

            /// What an artifact of this format is to a run.
            pub fn role(self) -> Role {
                match self { $( $( Self::$variant => Role::$role, )+ )+ }
            }

            /// File name extensions (lower case, no dot) the producer always writes.
            pub fn extensions(self) -> &'static [&'static str] {
                match self { $( $( Self::$variant => &[$($ext),*], )+ )+ }
            }

            /// The `src/parse/` module that reads it, which also names its
            /// `docs/formats/` page.
            pub fn reader(self) -> &'static str {
                match self { $( $( Self::$variant => stringify!($module), )+ )+ }
            }
        }
    };
}
format_table!(define_format);

impl Format {
    /// The format with this `--format` id.
    pub fn from_id(id: &str) -> Option<Format> {
        Self::ALL.iter().copied().find(|f| f.id() == id)
    }

    /// Whether an artifact of this format is test evidence that must hold at
    /// least one executed case.
    pub fn carries_cases(self) -> bool {
        self.role() == Role::Results
    }

    /// Whether the run being judged writes artifacts of this format, so that an old
    /// one is stale.
    pub fn is_run_output(self) -> bool {
        self.role() != Role::Standing
    }

    /// Whether a case's suite and name identify it, so that one reported twice
    /// with a pass and a failure is a conflict (TG106). Not in TAP: a test
    /// point is identified by its number, and tape, node-tap, Test::More and
    /// testthat write a point per assertion, many under one description.
    pub fn names_are_identities(self) -> bool {
        self != Self::Tap
    }

    /// Whether a file with this name (an empty one, whose content cannot tell)
    /// is named like an artifact of some format.
    pub fn named_like_artifact(file_name: &str) -> bool {
        let lower = file_name.to_ascii_lowercase();
        let Some((_, ext)) = lower.rsplit_once('.') else { return false };
        Self::ALL.iter().any(|f| f.extensions().contains(&ext))
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_kebab_case_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for &format in Format::ALL {
            let id = format.id();
            assert!(seen.insert(id), "{id} twice");
            assert!(id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'), "{id}");
            assert_eq!(Format::from_id(id), Some(format));
            assert_eq!(serde_json::to_string(&format).ok(), Some(format!("\"{id}\"")));
        }
    }

    #[test]
    fn policy_files_and_provenance_carry_no_cases() {
        assert!(Format::Junit.carries_cases() && Format::Junit.is_run_output());
        assert!(!Format::PiEnvironment.carries_cases() && Format::PiEnvironment.is_run_output());
        assert!(!Format::TruegreenLedger.carries_cases() && !Format::TruegreenLedger.is_run_output());
    }

    #[test]
    fn empty_files_named_like_reports() {
        assert!(Format::named_like_artifact("junit.XML"));
        assert!(Format::named_like_artifact("kane.ndjson"));
        assert!(!Format::named_like_artifact("build.log"), "console output has no fixed name");
        assert!(!Format::named_like_artifact("build.sh"));
        assert!(!Format::named_like_artifact("xml"));
    }
}
