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
            Self::Junit => "junit",
        }
    }

    /// Whether an artifact of this format is test evidence that must hold at
    /// least one executed case. Policy files (waivers) and indexes are not.
    pub fn carries_cases(self) -> bool {
        !matches!(self, Self::PiWaiverAudit | Self::PiSuiteClassification)
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}
