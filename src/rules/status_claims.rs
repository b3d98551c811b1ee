//! Shared by TG101 and TG102: every status claim whose rank, compared with the
//! derived status's, matches the rule's direction becomes a finding that shows
//! both witnesses.

use super::{Finding, RuleContext, RuleMeta};
use crate::model::{ClaimKind, Status};

pub(super) fn report(
    cx: &RuleContext<'_>,
    meta: &'static RuleMeta,
    contradicts: impl Fn(Status, Status) -> bool,
    out: &mut Vec<Finding>,
) {
    for ev in cx.artifacts {
        for claim in &ev.claims {
            if let ClaimKind::Status { claimed, claimed_raw, derived, evidence } = &claim.kind
                && contradicts(*claimed, *derived)
            {
                out.push(
                    meta.finding(format!(
                        "{} says {} = {claimed_raw:?}, but its evidence says {}: {evidence}",
                        claim.scope,
                        claim.field,
                        derived.as_str()
                    ))
                    .artifact(&ev.info.path)
                    .from_claim(claim),
                );
            }
        }
    }
}
