//! `tests/suite_classification.toml`: the suite lists, and the `[waiver.<gate>]`
//! and `[quarantine.<test>]` entries, each read into an
//! [`Observation::Waiver`] for the waiver rules (TG401–TG404).
//!
//! pi's requirements: a waiver has `owner, created, expires, bead, reason, scope,
//! remove_when`, `scope` in full|preflight|both, dates `YYYY-MM-DD`, at most 30
//! days; a quarantine entry has `category, owner, quarantined, expires, bead,
//! evidence, repro, reason, remove_when`, `category` one of the `FLAKE-*`
//! classes, at most 14 days. An empty string counts as missing. A date written as
//! a bare TOML date is read, but flagged: pi reads only strings, so pi treats the
//! entry as invalid and does not apply it.
//!
//! pi's CI finds quarantine entries with the regex `^\[quarantine\.(\w+)\]`, so a
//! name containing `-` or `.` is silently never validated there. truegreen reads
//! the TOML properly: `[quarantine.flaky-io]`, `[quarantine."a.b"]` and the
//! nested `[quarantine.a.b]` are all entries (the last one named `a.b`).
//!
//! A file that is not valid TOML is unparseable (pi's runner swallows the error
//! and selects no target at all).

use std::io::{BufRead, Read};

use chrono::NaiveDate;

use super::ParseError;
use super::waiver_audit::{SCOPES, WAIVER_MAX_DAYS};
use crate::model::{Evidence, Observation, Position, WaiverEntry, WaiverKind};

const WAIVER_REQUIRED: &[&str] = &["owner", "created", "expires", "bead", "reason", "scope", "remove_when"];
const QUARANTINE_REQUIRED: &[&str] =
    &["category", "owner", "quarantined", "expires", "bead", "evidence", "repro", "reason", "remove_when"];
const QUARANTINE_CATEGORIES: &[&str] =
    &["FLAKE-TIMING", "FLAKE-ENV", "FLAKE-NET", "FLAKE-RES", "FLAKE-EXT", "FLAKE-LOGIC"];
/// pi's quarantine policy: at most 14 days.
const QUARANTINE_MAX_DAYS: i64 = 14;

/// The rules of one kind of entry.
struct Kind {
    section: &'static str,
    kind: WaiverKind,
    required: &'static [&'static str],
    created_key: &'static str,
    max_days: i64,
    /// The enumerated field and its allowed values.
    enumerated: (&'static str, &'static [&'static str]),
}

const WAIVER: Kind = Kind {
    section: "waiver",
    kind: WaiverKind::Waiver,
    required: WAIVER_REQUIRED,
    created_key: "created",
    max_days: WAIVER_MAX_DAYS,
    enumerated: ("scope", SCOPES),
};

const QUARANTINE: Kind = Kind {
    section: "quarantine",
    kind: WaiverKind::Quarantine,
    required: QUARANTINE_REQUIRED,
    created_key: "quarantined",
    max_days: QUARANTINE_MAX_DAYS,
    enumerated: ("category", QUARANTINE_CATEGORIES),
};

pub(super) fn read(input: &mut dyn BufRead, ev: &mut Evidence) -> Result<(), ParseError> {
    let mut bytes = Vec::new();
    let limit = crate::parse::json::MAX_DOCUMENT_BYTES;
    (&mut *input)
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| ParseError::new(format!("read error: {e}"), Position::default()))?;
    if bytes.len() as u64 > limit {
        return Err(crate::parse::json::document_too_large());
    }
    let text = String::from_utf8(bytes)
        .map_err(|e| ParseError::new("invalid UTF-8 in TOML", Position::offset(e.utf8_error().valid_up_to() as u64)))?;
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| toml_error(&text, &e))?;

    if let Some(suites) = table.get("suite") {
        check_suites(suites)?;
    }
    for kind in [&WAIVER, &QUARANTINE] {
        let Some(section) = table.get(kind.section) else { continue };
        let Some(entries) = section.as_table() else {
            return Err(ParseError::new(
                format!("field {}: expected a table of entries", kind.section),
                Position::field(kind.section),
            ));
        };
        let mut found = Vec::new();
        flatten(entries, "", kind, &mut found);
        for (id, value) in found {
            ev.observe(Observation::Waiver(entry(&text, kind, &id, value)));
        }
    }
    Ok(())
}

/// `[suite.<name>] files = [...]` must be lists of strings: pi's runner reads
/// them with errors swallowed, and a wrong type silently selects nothing.
fn check_suites(suites: &toml::Value) -> Result<(), ParseError> {
    let Some(suites) = suites.as_table() else {
        return Err(ParseError::new("field suite: expected a table of suites", Position::field("suite")));
    };
    for (name, suite) in suites {
        let field = format!("suite.{name}.files");
        let files = suite.get("files").and_then(toml::Value::as_array);
        let ok = files.is_some_and(|files| files.iter().all(toml::Value::is_str));
        if !ok {
            return Err(ParseError::new(
                format!("field {field}: expected an array of file stems"),
                Position::field(field),
            ));
        }
    }
    Ok(())
}

/// Entries of a section, descending into tables that hold no entry field of
/// their own: `[quarantine.a.b]` is the entry `a.b`, not a malformed entry `a`.
fn flatten<'a>(entries: &'a toml::Table, prefix: &str, kind: &Kind, out: &mut Vec<(String, &'a toml::Value)>) {
    for (key, value) in entries {
        let id = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
        match value.as_table() {
            Some(t)
                if !t.is_empty()
                    && !kind.required.iter().any(|k| t.contains_key(*k))
                    && t.values().all(toml::Value::is_table) =>
            {
                flatten(t, &id, kind, out);
            }
            _ => out.push((id, value)),
        }
    }
}

fn entry(text: &str, kind: &Kind, id: &str, value: &toml::Value) -> WaiverEntry {
    let position =
        Position { line: header_line(text, kind.section, id), ..Position::field(format!("{}.{id}", kind.section)) };
    let mut entry = WaiverEntry {
        kind: kind.kind,
        id: id.to_owned(),
        owner: None,
        reason: None,
        created: None,
        expires: None,
        max_days: kind.max_days,
        missing_fields: Vec::new(),
        invalid_fields: Vec::new(),
        position,
    };
    let Some(table) = value.as_table() else {
        entry.invalid_fields.push("entry (not a table)".to_owned());
        return entry;
    };
    for key in kind.required {
        match table.get(*key) {
            None => entry.missing_fields.push((*key).to_owned()),
            Some(toml::Value::String(s)) if s.trim().is_empty() => entry.missing_fields.push((*key).to_owned()),
            _ => {}
        }
    }
    let mut invalid = Vec::new();
    let mut get = |key: &str| -> Option<String> {
        match table.get(key)? {
            toml::Value::String(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
            toml::Value::Datetime(d) => {
                invalid.push(format!("{key} (a bare TOML date; pi reads only strings)"));
                Some(d.to_string())
            }
            _ => {
                invalid.push(format!("{key} (not a string)"));
                None
            }
        }
    };
    let values: Vec<(&str, Option<String>)> = kind.required.iter().map(|key| (*key, get(key))).collect();
    entry.invalid_fields = invalid;
    let get = |key: &str| values.iter().find(|(k, _)| *k == key).and_then(|(_, v)| v.clone());
    let (enum_key, allowed) = kind.enumerated;
    if let Some(v) = get(enum_key).filter(|v| !allowed.contains(&v.as_str())) {
        entry.invalid_fields.push(format!("{enum_key} {v:?} (expected one of {})", allowed.join(", ")));
    }
    entry.owner = get("owner");
    entry.reason = get("reason");
    entry.created = date(get(kind.created_key), kind.created_key, &mut entry.invalid_fields);
    entry.expires = date(get("expires"), "expires", &mut entry.invalid_fields);
    entry
}

fn date(value: Option<String>, field: &str, invalid: &mut Vec<String>) -> Option<NaiveDate> {
    super::waiver_audit::date(value.as_deref(), field, invalid)
}

/// The 1-based line of `[section.id]` (however the id is quoted), if written as a header.
fn header_line(text: &str, section: &str, id: &str) -> Option<u64> {
    let wanted = format!("[{section}.{id}]");
    text.lines()
        .position(|line| {
            let compact: String = line.trim().chars().filter(|c| !matches!(c, '"' | '\'' | ' ' | '\t')).collect();
            compact == wanted
        })
        .map(|i| i as u64 + 1)
}

/// A TOML syntax error with the line and column of its span.
fn toml_error(text: &str, err: &toml::de::Error) -> ParseError {
    let mut position = Position::default();
    if let Some(span) = err.span() {
        let start = span.start.min(text.len());
        let before = text.get(..start).unwrap_or("");
        position.line = Some(before.matches('\n').count() as u64 + 1);
        position.column = Some(before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u64 + 1);
        position.byte_offset = Some(start as u64);
    }
    ParseError::new(format!("invalid TOML: {}", err.message()), position)
}
