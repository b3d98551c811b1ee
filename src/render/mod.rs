//! Renderers: each turns a [`crate::verdict::Verdict`] into one output. None of
//! them decides anything, and each passes artifact text through [`crate::text`]
//! before showing it.

pub mod comment;
pub mod gate;
pub mod github;
pub mod json;
pub mod markdown;
pub mod terminal;

use crate::inventory::{BaselineStatus, Change};
use crate::model::Position;
use crate::verdict::Verdict;

/// The one line every renderer shows for the baseline comparison:
/// `2 vanished, 1 newly skipped, 3 added, 0 newly failing (baseline base.tginv, commit 1a2b3c4d5e6f)`.
pub fn baseline_line(verdict: &Verdict) -> Option<String> {
    Some(match verdict.baseline.as_ref()? {
        BaselineStatus::Missing { path, .. } => format!("no baseline to compare with ({path} is missing)"),
        BaselineStatus::Unusable { path, .. } => format!("the baseline {path} cannot be used"),
        BaselineStatus::Compared(c) => {
            let n = &c.counts;
            let explained: u64 = c.groups_of(Change::Vanished).filter(|g| g.explained.is_some()).map(|g| g.count).sum();
            let explained = if explained > 0 { format!(" ({explained} explained)") } else { String::new() };
            let commit =
                c.header.commit.as_deref().map(|s| format!(", commit {}", s.chars().take(12).collect::<String>()));
            format!(
                "{} vanished{explained}, {} newly skipped, {} added, {} newly failing, {} still failing \
                 (baseline {}{}: {} tests, now {})",
                n.vanished,
                n.newly_skipped,
                n.added,
                n.newly_failing,
                n.still_failing,
                c.baseline,
                commit.unwrap_or_default(),
                n.baseline_tests,
                n.tests
            )
        }
    })
}

/// How a group is labelled: `vanished`, `vanished (whole suite)`, `added`, ...
pub fn group_label(g: &crate::inventory::Group) -> String {
    let change = crate::inventory::compare::change_name(g.change);
    if g.whole_report {
        format!("{change} (whole report)")
    } else if g.whole_suite {
        format!("{change} (whole suite)")
    } else {
        change.to_owned()
    }
}

/// What accounts for a vanished group, and the rename it was, if any.
pub fn group_note(g: &crate::inventory::Group) -> Option<String> {
    let why = g.explained.as_deref()?;
    Some(match (&g.renamed_to, g.names.first()) {
        (Some(to), Some(from)) => format!("{why}: {from} renamed to {to}"),
        _ => why.to_owned(),
    })
}

/// The groups to list under the baseline line, in the order shown: vanished,
/// newly skipped, newly failing, added.
pub fn baseline_groups(verdict: &Verdict) -> Vec<&crate::inventory::Group> {
    let Some(c) = verdict.baseline.as_ref().and_then(BaselineStatus::comparison) else { return Vec::new() };
    let order = [Change::Vanished, Change::NewlySkipped, Change::NewlyFailing, Change::Added];
    order.iter().flat_map(|change| c.groups_of(*change)).collect()
}

/// `path:line` when the line is known, else `path`, plus any other position detail.
pub fn location(path: Option<&str>, position: Option<&Position>) -> String {
    let mut out = path.unwrap_or("").to_owned();
    if let Some(pos) = position {
        if let Some(line) = pos.line {
            out.push_str(&format!(":{line}"));
        }
        let mut extra = Vec::new();
        if pos.line.is_none()
            && let Some(off) = pos.byte_offset
        {
            extra.push(format!("byte {off}"));
        }
        if let Some(field) = &pos.field {
            extra.push(format!("field {field}"));
        }
        if !extra.is_empty() {
            if out.is_empty() {
                out = extra.join(", ");
            } else {
                out.push_str(&format!(" ({})", extra.join(", ")));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
