//! `docs/rules.md` and the README's rules table must match the registry.
//! Regenerate both with `TRUEGREEN_BLESS=1 cargo test --test rules_doc`.

use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn bless() -> bool {
    std::env::var_os("TRUEGREEN_BLESS").is_some()
}

#[test]
fn rules_doc_is_current() {
    let path = root().join("docs/rules.md");
    let expected = truegreen::rules::reference_markdown();
    if bless() {
        std::fs::write(&path, &expected).expect("write docs/rules.md");
        return;
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(actual == expected, "docs/rules.md is out of date: run `TRUEGREEN_BLESS=1 cargo test --test rules_doc`");
}

#[test]
fn readme_rules_table_is_current() {
    const START: &str = "<!-- rules-table -->\n";
    const END: &str = "<!-- /rules-table -->";
    let path = root().join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md");
    let (Some(start), Some(end)) = (readme.find(START), readme.find(END)) else {
        panic!("README.md lacks the rules-table markers");
    };
    let mut table = String::from("| code | name | severity | summary |\n|---|---|---|---|\n");
    for rule in truegreen::rules::REGISTRY {
        let m = rule.meta();
        table.push_str(&format!("| {} | `{}` | {} | {} |\n", m.code, m.name, m.severity.as_str(), m.summary));
    }
    let current = &readme[start + START.len()..end];
    if bless() {
        let updated = format!("{}{table}{}", &readme[..start + START.len()], &readme[end..]);
        std::fs::write(&path, updated).expect("write README.md");
        return;
    }
    assert!(
        current == table,
        "README.md rules table is out of date: run `TRUEGREEN_BLESS=1 cargo test --test rules_doc`"
    );
}
