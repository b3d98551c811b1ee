use serde::{Deserialize, Serialize};

/// Every artifact format truegreen reads. The id (kebab-case) is what
/// `--format` takes and what the verdict document records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
#[value(rename_all = "kebab-case")]
pub enum Format {
    /// kane-cli `--agent` NDJSON (`testmd run`, `testrun`, `run`).
    Kane,
    /// pi_agent_rust `result.json` (`pi.e2e.result.v1` and the schema-less form).
    PiResult,
    /// pi_agent_rust `summary.json` (`pi.e2e.summary.v1`, older object, legacy array).
    PiSummary,
    /// pi_agent_rust `triage_diff.json`.
    PiTriageDiff,
    /// pi_agent_rust `replay_bundle.json` (run and gate flavours).
    PiReplayBundle,
    /// pi_agent_rust `<suite>/failure_digest.json`.
    PiFailureDigest,
    /// pi_agent_rust `failure_diagnostics_index.json`.
    PiFailureDiagnosticsIndex,
    /// pi_agent_rust `full_suite_verdict.json`.
    PiFullSuiteVerdict,
    /// pi_agent_rust `preflight_verdict.json`.
    PiPreflightVerdict,
    /// pi_agent_rust `certification_verdict.json`.
    PiCertificationVerdict,
    /// pi_agent_rust `waiver_audit.json`.
    PiWaiverAudit,
    /// pi_agent_rust `certification_dossier.json`.
    PiCertificationDossier,
    /// pi_agent_rust `dropin-certification-verdict.json`.
    PiDropinVerdict,
    /// pi_agent_rust `suite_classification.toml` (waivers and quarantine).
    PiSuiteClassification,
    /// pi_agent_rust `environment.json`: provenance only (commit, correlation id).
    PiEnvironment,
    /// Common Test Report Format JSON (specVersion 0.0.0, 1.0.0, and the older `{results}` form).
    Ctrf,
    /// Test Anything Protocol 13 and 14, with subtests and YAML diagnostics.
    Tap,
    /// `go test -json` / test2json events, with go's plain-text build-failure lines.
    GoTestJson,
    /// `cargo test` console output (libtest's pretty format, with cargo's own lines).
    Libtest,
    /// libtest's JSON event stream (`--format json -Z unstable-options`).
    LibtestJson,
    /// `key=value` counts a shell harness writes (`total`, `passed`, `failed`, `skipped`).
    KeyValueCounts,
    /// git's `t/test-lib.sh` `test-results/*.counts` (`total`, `success`, `fixed`, `broken`, `failed`).
    GitTestCounts,
    /// truegreen's own `.truegreen.yml` (expectations, waivers, quarantine, replay templates).
    TruegreenConfig,
    /// truegreen's suite ledger, appended by `truegreen run --ledger` (`truegreen.ledger.v1`).
    TruegreenLedger,
    /// JUnit XML in every common dialect (Surefire, pytest, jest, nextest, go, mocha, node, PHPUnit, bats, ...).
    Junit,
}

impl Format {
    pub const ALL: &'static [Format] = &[
        Self::Kane,
        Self::PiResult,
        Self::PiSummary,
        Self::PiTriageDiff,
        Self::PiReplayBundle,
        Self::PiFailureDigest,
        Self::PiFailureDiagnosticsIndex,
        Self::PiFullSuiteVerdict,
        Self::PiPreflightVerdict,
        Self::PiCertificationVerdict,
        Self::PiWaiverAudit,
        Self::PiCertificationDossier,
        Self::PiDropinVerdict,
        Self::PiSuiteClassification,
        Self::PiEnvironment,
        Self::Ctrf,
        Self::Tap,
        Self::GoTestJson,
        Self::Libtest,
        Self::LibtestJson,
        Self::KeyValueCounts,
        Self::GitTestCounts,
        Self::TruegreenConfig,
        Self::TruegreenLedger,
        Self::Junit,
    ];

    /// The stable id, as `--format` takes it.
    pub fn id(self) -> &'static str {
        match self {
            Self::Kane => "kane",
            Self::PiResult => "pi-result",
            Self::PiSummary => "pi-summary",
            Self::PiTriageDiff => "pi-triage-diff",
            Self::PiReplayBundle => "pi-replay-bundle",
            Self::PiFailureDigest => "pi-failure-digest",
            Self::PiFailureDiagnosticsIndex => "pi-failure-diagnostics-index",
            Self::PiFullSuiteVerdict => "pi-full-suite-verdict",
            Self::PiPreflightVerdict => "pi-preflight-verdict",
            Self::PiCertificationVerdict => "pi-certification-verdict",
            Self::PiWaiverAudit => "pi-waiver-audit",
            Self::PiCertificationDossier => "pi-certification-dossier",
            Self::PiDropinVerdict => "pi-dropin-verdict",
            Self::PiSuiteClassification => "pi-suite-classification",
            Self::PiEnvironment => "pi-environment",
            Self::Ctrf => "ctrf",
            Self::Tap => "tap",
            Self::GoTestJson => "go-test-json",
            Self::Libtest => "libtest",
            Self::LibtestJson => "libtest-json",
            Self::KeyValueCounts => "key-value-counts",
            Self::GitTestCounts => "git-test-counts",
            Self::TruegreenConfig => "truegreen-config",
            Self::TruegreenLedger => "truegreen-ledger",
            Self::Junit => "junit",
        }
    }

    /// Whether an artifact of this format is test evidence that must hold at
    /// least one executed case. Policy files (waivers), provenance, second-hand
    /// summaries and lists of failures (which are empty on a clean run) are not.
    pub fn carries_cases(self) -> bool {
        !matches!(
            self,
            Self::PiWaiverAudit
                | Self::PiSuiteClassification
                | Self::PiEnvironment
                | Self::PiCertificationDossier
                | Self::PiReplayBundle
                | Self::PiFailureDigest
                | Self::PiFailureDiagnosticsIndex
                | Self::TruegreenConfig
                | Self::TruegreenLedger
        )
    }

    /// Whether the run being judged writes artifacts of this format, so that an old
    /// one is stale. Committed policy files (waivers, `.truegreen.yml`) and the
    /// ledger that spans many runs of `truegreen run` are not.
    pub fn is_run_output(self) -> bool {
        !matches!(self, Self::PiSuiteClassification | Self::TruegreenConfig | Self::TruegreenLedger)
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}
