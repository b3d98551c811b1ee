//! Every pi artifact reader: the first byte picks which one.
#![no_main]

mod common;

use truegreen::model::Format;

const PI: &[Format] = &[
    Format::PiResult,
    Format::PiSummary,
    Format::PiTriageDiff,
    Format::PiReplayBundle,
    Format::PiFailureDigest,
    Format::PiFailureDiagnosticsIndex,
    Format::PiFullSuiteVerdict,
    Format::PiPreflightVerdict,
    Format::PiCertificationVerdict,
    Format::PiWaiverAudit,
    Format::PiCertificationDossier,
    Format::PiDropinVerdict,
    Format::PiSuiteClassification,
];

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let format = PI[usize::from(selector) % PI.len()];
    common::check(rest, Some(format), "artifact.json");
});
