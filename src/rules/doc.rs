//! The rules reference (`docs/rules.md`), generated from the registry so it can
//! never drift from the code.

use super::REGISTRY;

/// Render the whole reference as markdown.
pub fn reference_markdown() -> String {
    let mut out = String::from(
        "# Rules\n\n<!-- Generated from src/rules by `TRUEGREEN_BLESS=1 cargo test --test rules_doc`. Do not edit. -->\n\n\
         Each rule has a stable code and name. `truegreen rules CODE` prints the same text.\n\n\
         | code | name | severity | summary |\n|---|---|---|---|\n",
    );
    for rule in REGISTRY {
        let m = rule.meta();
        out.push_str(&format!(
            "| [{}](#{}) | `{}` | {} | {} |\n",
            m.code,
            m.code.to_lowercase(),
            m.name,
            m.severity.as_str(),
            m.summary
        ));
    }
    for rule in REGISTRY {
        let m = rule.meta();
        out.push_str(&format!("\n## {}\n\n`{}` · {} · {}\n\n", m.code, m.name, m.severity.as_str(), m.summary));
        out.push_str(&m.doc.replace("\n## ", "\n### ").replacen("## ", "### ", 1));
    }
    out
}
