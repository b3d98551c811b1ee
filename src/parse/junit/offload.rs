//! JUnit's part of the offloaded passing testcases ([`crate::parse::offload`]):
//! a passing self-closing testcase is checked as the general path checks it
//! ([`attrs::read_case`]) and keyed by its classname or its suite, and
//! logged with its `time` as [`super::case::emit`] logs it.

use quick_xml::events::BytesStart;

use super::attrs;
use crate::model::PassedKey;
use crate::parse::offload::{Check, Logged};

/// A passing self-closing testcase, queued as its raw attributes
/// (`BytesStart::attributes_raw`).
pub(super) struct PassedCase;

/// What the testcases of one batch share.
#[derive(Clone, Debug, Default)]
pub(super) struct Suite {
    /// The enclosing suite's name, the identity of a case without a classname.
    name: Option<String>,
    /// Whether a case is identified by its classname.
    by_classname: bool,
}

pub(super) type Offload = crate::parse::offload::Offload<PassedCase>;

/// The group of a testcase in the level `level_id` (each with its `suite`
/// name; the id is cheaper to compare than the name).
pub(super) fn group<'a>(
    level_id: u64,
    suite: Option<&'a str>,
    by_classname: bool,
) -> (u64, impl FnOnce(&mut Suite) + 'a) {
    let id = (level_id << 1) | u64::from(by_classname);
    (id, move |group: &mut Suite| {
        crate::parse::xml_stream::assign(&mut group.name, suite);
        group.by_classname = by_classname;
    })
}

impl Check for PassedCase {
    type Group = Suite;
    type Extra = ();

    fn check(raw: &str, group: &Suite, log: Option<&mut Logged<'_>>) -> Result<(PassedKey, ()), String> {
        // The tag is rebuilt as quick-xml gave it: no name, then the attributes.
        let tag = BytesStart::from_content(raw, 0);
        let a = attrs::read_case(&tag)?;
        let classname = a.classname.as_deref().unwrap_or("");
        let suite = if group.by_classname && !classname.is_empty() { Some(classname) } else { group.name.as_deref() };
        let name = match a.name.as_deref() {
            None | Some("") => super::UNNAMED,
            Some(name) => name,
        };
        if let Some(log) = log {
            log.passed(suite, name, a.seconds());
        }
        Ok((PassedKey::new(suite, name), ()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ArtifactInfo, Evidence, EvidenceLimits, Format};
    use crate::parse::offload::{BATCH, INLINE_BATCHES};

    fn evidence() -> Evidence {
        let info =
            ArtifactInfo { path: "r.xml".into(), format: Some(Format::Junit), sha256: None, size: 0, modified: None };
        Evidence::new(info, EvidenceLimits::default())
    }

    #[test]
    fn batches_in_line_and_on_the_worker_give_the_same_keys() {
        let n = BATCH * (INLINE_BATCHES as usize + 3) + 5;
        let mut offload = Offload::default();
        let mut ev = evidence();
        for i in 0..n {
            let raw = format!(r#" classname="c" name="t{i}" time="0.1""#);
            offload.push(&[&raw], i as u64, group(1, Some("s"), true), &mut ev);
        }
        assert_eq!(offload.sync(&mut ev), Ok(()));
        assert!(offload.uses_worker(), "a report this big uses the worker");
        assert_eq!(ev.tally.passed, n as u64);
        // Each key is the key of its own case: a failing twin conflicts.
        ev.add_case(crate::model::Case::new("t7", crate::model::CaseOutcome::Failed).suite("c"));
        ev.finish();
        assert_eq!(ev.observations.len(), 1, "{:?}", ev.observations);
    }

    #[test]
    fn the_cases_held_for_the_log_stay_bounded() {
        use crate::inventory::{ReportLog, ThreadedLog};
        use crate::model::{Case, CaseOutcome};
        let mut ev = evidence();
        ev.log_cases(Box::new(ThreadedLog::new(ReportLog::new(Format::Junit, "r.xml", None))));
        let mut offload = Offload::default();
        // One pass queued, then many failures recorded on the general path.
        offload.push(&[r#" name="p""#], 0, group(1, Some("s"), false), &mut ev);
        let mut most = 0;
        for i in 0..3 * crate::parse::offload::MAX_HELD {
            offload.pace(&mut ev);
            ev.add_case(Case::new(&format!("f{i}"), CaseOutcome::Failed).suite("s"));
            most = most.max(ev.held_cases());
        }
        assert_eq!(most, crate::parse::offload::MAX_HELD);
        assert_eq!(offload.sync(&mut ev), Ok(()));
        assert_eq!(ev.tally.passed, 1);
    }

    #[test]
    fn an_error_in_a_batch_surfaces_at_the_next_sync_with_its_offset() {
        let mut offload = Offload::default();
        let mut ev = evidence();
        offload.push(&[r#" name="ok""#], 10, group(1, None, false), &mut ev);
        offload.push(&[r#" name="bad &nope;""#], 20, group(1, None, false), &mut ev);
        let err = offload.sync(&mut ev).err();
        assert_eq!(err.map(|e| e.position.byte_offset), Some(Some(20)));
        assert_eq!(ev.tally.passed, 1, "the case before the error is kept");
    }
}
