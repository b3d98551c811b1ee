//! `docs/rules.md` must match the registry. Regenerate with
//! `TRUEGREEN_BLESS=1 cargo test --test rules_doc`.

#[test]
fn rules_doc_is_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md");
    let expected = truegreen::rules::reference_markdown();
    if std::env::var_os("TRUEGREEN_BLESS").is_some() {
        std::fs::write(&path, &expected).expect("write docs/rules.md");
        return;
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(actual == expected, "docs/rules.md is out of date: run `TRUEGREEN_BLESS=1 cargo test --test rules_doc`");
}
