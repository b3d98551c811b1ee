//! `tests/full_suite_gate/waiver_audit.json` (`pi.ci.waiver_audit.v1`), also
//! embedded in `certification_verdict.json` as `waiver_audit`.
//!
//! Evidence: `raw_waivers[]` (the parsed `[waiver.<gate>]` entries) and the
//! `waivers[]` validations, each becoming an [`Observation::Waiver`] for the
//! waiver rules (TG401–TG404). An entry pi found invalid (missing fields: it is
//! then absent from `raw_waivers`) becomes an incomplete entry, because pi's
//! `waiver_lifecycle` gate passes while such entries exist. Claims: every count.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde_json::Value;

use super::{ParseError, opt_objects, provenance, root};
use crate::model::{Claim, Evidence, Observation, Position, ProvenanceKind, WaiverEntry, WaiverKind};
use crate::parse::json::Fields;

/// pi's `WAIVER_MAX_DURATION_DAYS`.
pub(super) const WAIVER_MAX_DAYS: i64 = 30;
/// pi's `WAIVER_REQUIRED_FIELDS`.
const REQUIRED: &[&str] = &["owner", "created", "expires", "bead", "reason", "scope", "remove_when"];
/// pi's `WAIVER_VALID_SCOPES`.
pub(super) const SCOPES: &[&str] = &["full", "preflight", "both"];

/// A waiver as recorded in an audit, for deciding whether it backs a gate.
pub(super) struct Backing {
    pub scope: String,
    /// pi's validation status for the gate, when the audit has one.
    pub status: Option<String>,
}

impl Backing {
    /// Whether pi itself would apply this waiver in `lane` (`full` or `preflight`):
    /// a valid status and a scope covering the lane. Dates are judged by the
    /// waiver rules against today.
    pub fn applies_to(&self, lane: &str) -> bool {
        let status_ok = matches!(self.status.as_deref(), Some("active" | "expiring_soon"));
        status_ok && (self.scope == "both" || self.scope == lane)
    }
}

pub(super) fn read(doc: &Value, ev: &mut Evidence) -> Result<(), ParseError> {
    let root = root(doc)?;
    provenance(ev, &root, "generated_at", ProvenanceKind::GeneratedAt)?;
    read_audit(&root, "waiver_audit", ev)?;
    Ok(())
}

/// What an audit tells a lane verdict about its waivers.
pub(super) struct Audit {
    /// Waivers by gate id.
    pub backing: HashMap<String, Backing>,
    /// Validations with status `expired` or `invalid`: pi must not promote.
    pub unusable: u64,
}

/// Read an audit object (standalone or embedded).
pub(super) fn read_audit(audit: &Fields<'_>, scope: &str, ev: &mut Evidence) -> Result<Audit, ParseError> {
    let validations = opt_objects(audit, "waivers")?;
    let raw = opt_objects(audit, "raw_waivers")?;
    // In file order, so that observations come out in a stable order.
    let mut checked: Vec<(&str, &str, Option<&str>, Position)> = Vec::new();
    for v in &validations {
        checked.push((v.str("gate_id")?, v.str("status")?, v.opt_str("detail")?, Position::field(v.path("status"))));
    }
    // The first validation of each gate, looked up once per waiver.
    let mut first_status: HashMap<&str, &str> = HashMap::new();
    for (gate, status, ..) in &checked {
        first_status.entry(gate).or_insert(status);
    }
    let status_of = |id: &str| first_status.get(id).copied();

    let mut backing = HashMap::new();
    for entry in &raw {
        let id = entry.str("gate_id")?;
        let text = |key: &str| entry.opt_str(key).map(|v| v.map(str::trim).filter(|s| !s.is_empty()));
        let mut missing = Vec::new();
        for key in REQUIRED {
            if text(key)?.is_none() {
                missing.push((*key).to_owned());
            }
        }
        let mut invalid = Vec::new();
        let scope_value = text("scope")?.unwrap_or("");
        if !scope_value.is_empty() && !SCOPES.contains(&scope_value) {
            invalid.push(format!("scope {scope_value:?} (expected full, preflight or both)"));
        }
        let created = date(text("created")?, "created", &mut invalid);
        let expires = date(text("expires")?, "expires", &mut invalid);
        ev.observe(Observation::Waiver(WaiverEntry {
            kind: WaiverKind::Waiver,
            id: id.to_owned(),
            owner: text("owner")?.map(str::to_owned),
            reason: text("reason")?.map(str::to_owned),
            created,
            expires,
            max_days: WAIVER_MAX_DAYS,
            missing_fields: missing,
            invalid_fields: invalid,
            position: Position::field(entry.path("gate_id")),
        }));
        let status = status_of(id).map(str::to_owned);
        backing.insert(id.to_owned(), Backing { scope: scope_value.to_owned(), status });
    }

    // Entries pi rejected before parsing them (missing fields, not a table) are
    // only in the validations; they still exist in the TOML and still need fixing.
    for (id, status, detail, position) in &checked {
        if *status == "invalid" && !backing.contains_key(*id) {
            let detail = detail.unwrap_or("pi marked it invalid");
            let (missing, invalid) = match detail.strip_prefix("Missing required fields: ") {
                Some(list) => (list.split(", ").map(str::to_owned).collect(), Vec::new()),
                None => (Vec::new(), vec![detail.to_owned()]),
            };
            ev.observe(Observation::Waiver(WaiverEntry {
                kind: WaiverKind::Waiver,
                id: (*id).to_owned(),
                owner: None,
                reason: None,
                created: None,
                expires: None,
                max_days: WAIVER_MAX_DAYS,
                missing_fields: missing,
                invalid_fields: invalid,
                position: position.clone(),
            }));
        }
    }

    let count_of = |wanted: &str| checked.iter().filter(|(_, s, ..)| *s == wanted).count() as u64;
    let pairs = [
        ("total_waivers", raw.len() as u64, "entries in raw_waivers[]"),
        ("active", count_of("active"), "waivers[] with status active"),
        ("expired", count_of("expired"), "waivers[] with status expired"),
        ("expiring_soon", count_of("expiring_soon"), "waivers[] with status expiring_soon"),
        ("invalid", count_of("invalid"), "waivers[] with status invalid"),
    ];
    for (key, derived, evidence) in pairs {
        let field = audit.path(key);
        ev.add_claim(Claim::count(scope, &field, audit.u64(key)?, derived, evidence).at(Position::field(&field)));
    }
    Ok(Audit { backing, unusable: count_of("expired") + count_of("invalid") })
}

/// Parse a `YYYY-MM-DD` date as pi does, noting an unusable one.
pub(super) fn date(value: Option<&str>, field: &str, invalid: &mut Vec<String>) -> Option<NaiveDate> {
    let value = value?;
    let parsed = NaiveDate::parse_from_str(value, "%Y-%m-%d").ok();
    if parsed.is_none() {
        invalid.push(format!("{field} {value:?} (expected YYYY-MM-DD)"));
    }
    parsed
}
