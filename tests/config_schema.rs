//! `docs/truegreen.schema.json` is generated from the configuration structs and
//! must match them. Regenerate with `TRUEGREEN_BLESS=1 cargo test --test config_schema`.

use std::path::Path;

#[test]
fn committed_schema_is_current() -> Result<(), Box<dyn std::error::Error>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/truegreen.schema.json");
    let generated = truegreen::config::json_schema();
    if std::env::var_os("TRUEGREEN_BLESS").is_some() {
        std::fs::write(&path, &generated)?;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/truegreen.schema.json is out of date: run `TRUEGREEN_BLESS=1 cargo test --test config_schema`"
    );
    Ok(())
}

#[test]
fn the_schema_rejects_unknown_keys_and_knows_every_section() -> Result<(), Box<dyn std::error::Error>> {
    let schema: serde_json::Value = serde_json::from_str(&truegreen::config::json_schema())?;
    assert_eq!(schema["additionalProperties"], false);
    for key in [
        "min-tests",
        "max-waiver-days",
        "expect",
        "suites",
        "floor",
        "waivers",
        "quarantine",
        "reused-reports",
        "replay",
    ] {
        assert!(schema["properties"][key].is_object(), "{key} missing from the schema");
    }
    assert_eq!(schema["properties"]["replay"]["additionalProperties"], false);
    assert!(schema["properties"]["replay"]["properties"]["kane"].is_object());
    Ok(())
}
