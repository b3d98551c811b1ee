//! Renderers: each turns a [`crate::verdict::Verdict`] into one output. None of
//! them decides anything, and each passes artifact text through [`crate::text`]
//! before showing it.

pub mod comment;
pub mod gate;
pub mod github;
pub mod json;
pub mod markdown;
pub mod terminal;

use crate::model::Position;

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
