//! The whole pipeline for `truegreen check`: discover → parse → rules → verdict.

use crate::discover::{self, DiscoveryIssue};
use crate::model::Evidence;
use crate::parse::{self, ReadOptions, ReadOutcome};
use crate::rules::{self, Policy, RuleContext};
use crate::verdict::{self, RunContext, Verdict};

/// Everything `check` needs, already resolved from flags, config and environment.
#[derive(Clone, Debug)]
pub struct CheckRequest {
    /// Files, directories and globs.
    pub paths: Vec<String>,
    pub read: ReadOptions,
    pub policy: Policy,
    pub context: RunContext,
}

/// What was read, before judgement: useful to callers that add their own evidence.
pub struct Collected {
    pub artifacts: Vec<Evidence>,
    pub issues: Vec<DiscoveryIssue>,
    /// Files found while scanning directories that no reader recognizes.
    pub ignored: Vec<String>,
}

/// Discover and read every artifact the paths lead to.
pub fn collect(paths: &[String], options: &ReadOptions) -> Collected {
    let found = discover::discover(paths);
    let mut artifacts = Vec::new();
    let mut ignored = Vec::new();
    let mut reports_per_root = vec![0usize; paths.len()];
    for candidate in &found.candidates {
        match parse::read_file(&candidate.path, candidate.explicit, options) {
            ReadOutcome::Report(ev) => {
                reports_per_root[candidate.root] += 1;
                artifacts.push(*ev);
            }
            ReadOutcome::Ignored => ignored.push(candidate.path.display().to_string()),
        }
    }
    let mut issues = found.issues;
    for (root, dir) in &found.directory_roots {
        if reports_per_root[*root] == 0 {
            issues.push(DiscoveryIssue {
                path: dir.clone(),
                detail: "the directory holds no report truegreen recognizes".to_owned(),
            });
        }
    }
    Collected { artifacts, issues, ignored }
}

/// Judge collected evidence.
pub fn judge(collected: Collected, policy: &Policy, context: RunContext) -> Verdict {
    let cx = RuleContext { artifacts: &collected.artifacts, discovery_issues: &collected.issues, policy };
    let findings = rules::run_all(&cx);
    verdict::decide(collected.artifacts, findings, collected.ignored, context)
}

/// Run `check` end to end.
pub fn check(request: &CheckRequest) -> Verdict {
    let collected = collect(&request.paths, &request.read);
    judge(collected, &request.policy, request.context.clone())
}

/// Check one artifact held in memory, named `name` in findings. Used by
/// property tests and fuzz targets, and by callers that capture a stream.
pub fn check_bytes(
    name: &str,
    bytes: &[u8],
    read: &parse::ReadOptions,
    policy: &Policy,
    context: RunContext,
) -> Verdict {
    let info = crate::model::ArtifactInfo {
        path: name.to_owned(),
        format: None,
        sha256: None,
        size: bytes.len() as u64,
        modified: None,
    };
    let artifacts = match parse::read_stream(bytes, info, true, read) {
        ReadOutcome::Report(ev) => vec![*ev],
        ReadOutcome::Ignored => Vec::new(),
    };
    judge(Collected { artifacts, issues: Vec::new(), ignored: Vec::new() }, policy, context)
}
