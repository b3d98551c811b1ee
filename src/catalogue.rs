//! The catalogue of every rule, of `check` ([`crate::rules::REGISTRY`]) and of
//! `gate` ([`crate::gate::rules::REGISTRY`]), in code order: what
//! `truegreen rules`, the reference (`docs/rules.md`) and the README's rules
//! table list, so none of them can drift from the code.

use crate::rules::RuleMeta;

/// Every rule's metadata, in code order.
pub fn all() -> Vec<&'static RuleMeta> {
    let check = crate::rules::REGISTRY.iter().map(|r| r.meta());
    let gate = crate::gate::rules::REGISTRY.iter().map(|r| r.meta());
    let mut metas: Vec<&'static RuleMeta> = check.chain(gate).collect();
    metas.sort_by_key(|m| m.code);
    metas
}

/// Look a rule up by code (`TG101`) or name (`claim-false-green`), case-insensitively.
pub fn lookup(code_or_name: &str) -> Option<&'static RuleMeta> {
    all().into_iter().find(|m| m.code.eq_ignore_ascii_case(code_or_name) || m.name.eq_ignore_ascii_case(code_or_name))
}

/// The table of every rule: code, name, severity, summary. `link_codes` links
/// each code to its section of the reference.
pub fn table_markdown(link_codes: bool) -> String {
    let mut out = String::from("| code | name | severity | summary |\n|---|---|---|---|\n");
    for m in all() {
        let code = if link_codes { format!("[{}](#{})", m.code, m.code.to_lowercase()) } else { m.code.to_owned() };
        out.push_str(&format!("| {code} | `{}` | {} | {} |\n", m.name, m.severity.as_str(), m.summary));
    }
    out
}

/// Render the whole reference (`docs/rules.md`) as markdown.
pub fn reference_markdown() -> String {
    let mut out = String::from(
        "# Rules\n\n<!-- Generated from src/rules by `TRUEGREEN_BLESS=1 cargo test --test rules_doc`. Do not edit. -->\n\n\
         Each rule has a stable code and name. `truegreen rules CODE` prints the same text.\n\n",
    );
    out.push_str(&table_markdown(true));
    for m in all() {
        out.push_str(&format!("\n## {}\n\n`{}` · {} · {}\n\n", m.code, m.name, m.severity.as_str(), m.summary));
        out.push_str(&m.doc.replace("\n## ", "\n### ").replacen("## ", "### ", 1));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let mut codes = HashSet::new();
        let mut names = HashSet::new();
        for m in all() {
            assert!(codes.insert(m.code), "duplicate code {}", m.code);
            assert!(names.insert(m.name), "duplicate name {}", m.name);
            assert!(m.code.starts_with("TG") && m.code.len() == 5, "bad code {}", m.code);
            assert!(m.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "bad name {}", m.name);
            assert!(!m.summary.contains('\n'), "{} summary must be one line", m.code);
            assert!(m.doc.contains("## Why"), "{} doc lacks a Why section", m.code);
        }
    }

    #[test]
    fn each_registry_is_in_code_order() {
        let check: Vec<_> = crate::rules::REGISTRY.iter().map(|r| r.meta().code).collect();
        let gate: Vec<_> = crate::gate::rules::REGISTRY.iter().map(|r| r.meta().code).collect();
        for codes in [check, gate] {
            let mut sorted = codes.clone();
            sorted.sort_unstable();
            assert_eq!(codes, sorted);
        }
    }

    #[test]
    fn lookup_finds_by_code_or_name() {
        assert_eq!(lookup("tg101").map(|m| m.name), Some("claim-false-green"));
        assert_eq!(lookup("claim-false-green").map(|m| m.code), Some("TG101"));
        assert!(lookup("TG999").is_none());
    }

    #[test]
    fn the_gate_rules_are_listed_too() {
        assert_eq!(lookup("TG235").map(|m| m.name), Some("cell-discrepancy"));
    }
}
