//! `docs/rules.md` and the README's rules table must match the registry, and the
//! README's formats table must name every report format.
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
    let expected = truegreen::catalogue::reference_markdown();
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
    let table = truegreen::catalogue::table_markdown(false);
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

/// Every report format has a row in the README's formats table (the pi readers
/// share `pi-*`; the configuration and the ledger have sections of their own).
#[test]
fn readme_formats_table_names_every_report_format() {
    use truegreen::model::Format;
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap_or_default();
    let table: Vec<&str> = readme
        .split("## Formats\n")
        .nth(1)
        .unwrap_or_default()
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .collect();
    let first_cells: Vec<&str> = table.iter().filter_map(|row| row.split('|').nth(1)).collect();
    for format in Format::ALL {
        let id = format.id();
        let documented_elsewhere = matches!(format, Format::TruegreenConfig | Format::TruegreenLedger);
        let covered = first_cells
            .iter()
            .any(|cell| cell.contains(&format!("`{id}`")) || (id.starts_with("pi-") && cell.contains("`pi-*`")));
        assert!(documented_elsewhere || covered, "the README's formats table has no row for `{id}`: {first_cells:?}");
    }
}
