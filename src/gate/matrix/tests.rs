//! The examples from GitHub's "Running variations of jobs in a workflow",
//! verbatim, with the jobs GitHub documents for them; then the edges.

use serde_json::{Value, json};

use super::*;

fn expand_yaml(yaml: &str) -> Result<Expansion, MatrixError> {
    let node: Ordered = yaml_serde::from_str(yaml)
        .map_err(|e| MatrixError::BadLiteral { path: "test".into(), message: e.to_string() })?;
    MatrixDef::parse(node, "matrix")?.expand()
}

/// The cells as JSON objects, key order kept, for exact comparison with the docs.
fn cells(yaml: &str) -> Vec<Value> {
    match expand_yaml(yaml) {
        Ok(expansion) => expansion.cells.iter().map(Cell::to_value).collect(),
        Err(err) => vec![json!({"error": err.to_string()})],
    }
}

fn labels(yaml: &str) -> Vec<String> {
    match expand_yaml(yaml) {
        Ok(expansion) => expansion.cells.iter().map(Cell::label).collect(),
        Err(err) => vec![format!("error: {err}")],
    }
}

#[test]
fn docs_single_and_multi_dimension_in_creation_order() {
    assert_eq!(
        labels("version: [10, 12, 14]\nos: [ubuntu-latest, windows-latest]\n"),
        [
            "version=10, os=ubuntu-latest",
            "version=10, os=windows-latest",
            "version=12, os=ubuntu-latest",
            "version=12, os=windows-latest",
            "version=14, os=ubuntu-latest",
            "version=14, os=windows-latest",
        ]
    );
}

#[test]
fn docs_array_of_objects() {
    let yaml = "
os:
  - ubuntu-latest
  - macos-latest
node:
  - version: 14
  - version: 20
    env: NODE_OPTIONS=--openssl-legacy-provider
";
    assert_eq!(
        cells(yaml),
        [
            json!({"os": "ubuntu-latest", "node": {"version": 14}}),
            json!({"os": "ubuntu-latest", "node": {"version": 20, "env": "NODE_OPTIONS=--openssl-legacy-provider"}}),
            json!({"os": "macos-latest", "node": {"version": 14}}),
            json!({"os": "macos-latest", "node": {"version": 20, "env": "NODE_OPTIONS=--openssl-legacy-provider"}}),
        ]
    );
}

#[test]
fn docs_expanding_or_adding_matrix_configurations_fruit_animal() {
    let yaml = "
fruit: [apple, pear]
animal: [cat, dog]
include:
  - color: green
  - color: pink
    animal: cat
  - fruit: apple
    shape: circle
  - fruit: banana
  - fruit: banana
    animal: cat
";
    assert_eq!(
        labels(yaml),
        [
            "fruit=apple, animal=cat, color=pink, shape=circle",
            "fruit=apple, animal=dog, color=green, shape=circle",
            "fruit=pear, animal=cat, color=pink",
            "fruit=pear, animal=dog, color=green",
            "fruit=banana",
            "fruit=banana, animal=cat",
        ]
    );
}

#[test]
fn docs_example_expanding_configurations() {
    let yaml = "
os: [windows-latest, ubuntu-latest]
node: [14, 16]
include:
  - os: windows-latest
    node: 16
    npm: 6
";
    assert_eq!(
        cells(yaml),
        [
            json!({"os": "windows-latest", "node": 14}),
            json!({"os": "windows-latest", "node": 16, "npm": 6}),
            json!({"os": "ubuntu-latest", "node": 14}),
            json!({"os": "ubuntu-latest", "node": 16}),
        ]
    );
    // The older revision of the same example, with three node versions: six jobs.
    let older = "os: [windows-latest, ubuntu-latest]\nnode: [12, 14, 16]\ninclude:\n  - os: windows-latest\n    node: 16\n    npm: 6\n";
    let older = cells(older);
    assert_eq!(older.len(), 6);
    assert_eq!(older.iter().filter(|c| c.get("npm") == Some(&json!(6))).count(), 1);
}

#[test]
fn docs_example_adding_configurations() {
    let yaml = "
os: [macos-latest, windows-latest, ubuntu-latest]
version: [12, 14, 16]
include:
  - os: windows-latest
    version: 17
";
    let got = cells(yaml);
    assert_eq!(got.len(), 10, "{got:?}");
    assert_eq!(got[9], json!({"os": "windows-latest", "version": 17}));
}

#[test]
fn docs_includes_only() {
    let yaml = "
include:
  - site: \"production\"
    datacenter: \"site-a\"
  - site: \"staging\"
    datacenter: \"site-b\"
";
    assert_eq!(
        cells(yaml),
        [json!({"site": "production", "datacenter": "site-a"}), json!({"site": "staging", "datacenter": "site-b"})]
    );
}

#[test]
fn docs_example_excluding_configurations() {
    let yaml = "
os: [macos-latest, windows-latest]
version: [12, 14, 16]
environment: [staging, production]
exclude:
  - os: macos-latest
    version: 12
    environment: production
  - os: windows-latest
    version: 16
";
    assert_eq!(
        labels(yaml),
        [
            "os=macos-latest, version=12, environment=staging",
            "os=macos-latest, version=14, environment=staging",
            "os=macos-latest, version=14, environment=production",
            "os=macos-latest, version=16, environment=staging",
            "os=macos-latest, version=16, environment=production",
            "os=windows-latest, version=12, environment=staging",
            "os=windows-latest, version=12, environment=production",
            "os=windows-latest, version=14, environment=staging",
            "os=windows-latest, version=14, environment=production",
        ]
    );
}

#[test]
fn docs_fail_fast_and_continue_on_error_examples() {
    let yaml = "version: [6, 7, 8]\nexperimental: [false]\ninclude:\n  - version: 9\n    experimental: true\n";
    assert_eq!(labels(yaml).last().map(String::as_str), Some("version=9, experimental=true"));
    assert_eq!(labels(yaml).len(), 4);
    let yaml = "node: [13, 14]\nos: [macos-latest, ubuntu-latest]\nexperimental: [false]\ninclude:\n  - node: 15\n    os: ubuntu-latest\n    experimental: true\n";
    assert_eq!(labels(yaml).len(), 5);
}

#[test]
fn include_adds_back_an_excluded_cell_as_its_own() {
    let yaml = "os: [a, b]\nexclude:\n  - os: b\ninclude:\n  - os: b\n    extra: 1\n";
    assert_eq!(cells(yaml), [json!({"os": "a"}), json!({"os": "b", "extra": 1})]);
}

#[test]
fn unmatched_include_puts_matrix_keys_first() {
    // GitHub builds a new cell from the entry's matrix keys, then its other keys.
    let yaml = "os: [a]\ninclude:\n  - color: red\n    os: z\n";
    assert_eq!(labels(yaml), ["os=a", "os=z, color=red"]);
}

#[test]
fn filters_use_github_expression_equality() {
    // Strings ignore case; a string and a number compare as numbers.
    let yaml = "os: [Ubuntu-Latest, windows]\nnode: [16, 18]\nexclude:\n  - os: ubuntu-latest\n    node: '16'\n";
    assert_eq!(labels(yaml), ["os=Ubuntu-Latest, node=18", "os=windows, node=16", "os=windows, node=18"]);
    // Nested values match leaf by leaf, so a partial object filter excludes.
    let yaml = "node:\n  - {version: 14}\n  - {version: 20, env: X}\nexclude:\n  - node: {version: 20}\n";
    assert_eq!(cells(yaml), [json!({"node": {"version": 14}})]);
}

#[test]
fn repeated_combinations_are_expected_once_and_reported() -> Result<(), MatrixError> {
    let expansion = expand_yaml("os: [a, a]\n")?;
    assert_eq!(expansion.cells.len(), 1);
    assert_eq!(expansion.repeated.len(), 1);
    Ok(())
}

#[test]
fn definitions_github_rejects_are_errors() {
    let err = |yaml: &str| expand_yaml(yaml).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err("os: [a]\nexclude:\n  - version: 16\n").contains("exclude key `version`"));
    assert!(err("os: []\n").contains("`os` has no values"));
    assert!(err("os: ubuntu\n").contains("matrix.os: expected a list of values, found a string"));
    assert!(err("os: [a]\ninclude:\n  - {}\n").contains("include[0]"));
    assert!(err("os: [a]\nexclude:\n  - {}\n").contains("exclude[0]"));
    assert!(err("include: {os: a}\n").contains("expected a list of mappings"));
    assert!(
        err("a: [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]\nb: [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17]\n")
            .contains("272 cells, more than GitHub's limit of 256")
    );
    let huge = format!("a: [{}]\nb: [{}]\nc: [1, 2]\n", vec!["1"; 300].join(","), vec!["1"; 300].join(","));
    assert!(err(&huge).contains("before exclude"), "{}", err(&huge));
}

#[test]
fn expressions_are_named_unless_they_are_literal_from_json() {
    let err = |yaml: &str| expand_yaml(yaml).err().map(|e| e.to_string()).unwrap_or_default();
    let msg = err("os: ${{ fromJSON(needs.setup.outputs.os) }}\n");
    assert!(msg.starts_with("matrix.os: `${{ fromJSON(needs.setup.outputs.os) }}`"), "{msg}");
    assert!(msg.contains("--expect-matrix"), "{msg}");
    let msg = err("os: [ubuntu, '${{ inputs.os }}']\n");
    assert!(msg.starts_with("matrix.os[1]: `${{ inputs.os }}`"), "{msg}");
    let msg = err("include:\n  - os: a\n    cmd: echo ${{ github.sha }}\n");
    assert!(msg.starts_with("matrix.include[0].cmd:"), "{msg}");
    assert_eq!(
        labels("os: ${{ fromJSON('[\"ubuntu-latest\", \"macos-latest\"]') }}\nflag: ${{ fromJson( '[true]' ) }}\n"),
        ["os=ubuntu-latest, flag=true", "os=macos-latest, flag=true"]
    );
    assert_eq!(labels("note: ${{ fromJSON('[\"it''s\"]') }}\n"), ["note=it's"]);
    assert!(err("os: ${{ fromJSON('[oops') }}\n").contains("not valid JSON"));
}

#[test]
fn a_list_is_shorthand_for_include_only() -> Result<(), serde_json::Error> {
    let node = Ordered::from_json(r#"[{"shard": 1}, {"shard": 2}]"#)?;
    let cells = MatrixDef::parse(node, "--expect-matrix").and_then(|d| d.expand()).map(|e| e.cells.len());
    assert_eq!(cells, Ok(2));
    Ok(())
}

mod properties {
    use proptest::prelude::*;
    use serde_json::{Value, json};

    use super::super::*;

    fn definition() -> impl Strategy<Value = MatrixDef> {
        let value = prop_oneof![(0i64..4).prop_map(|n| json!(n)), "[a-c]".prop_map(Value::String)];
        let dimension = proptest::collection::vec(value, 1..4);
        proptest::collection::vec(dimension, 1..4).prop_map(|dims| MatrixDef {
            dimensions: dims.into_iter().enumerate().map(|(i, values)| (format!("k{i}"), values)).collect(),
            ..MatrixDef::default()
        })
    }

    fn keys(cells: &[Cell]) -> std::collections::BTreeSet<String> {
        cells.iter().map(Cell::key).collect()
    }

    proptest! {
        #[test]
        fn the_product_has_one_cell_per_distinct_combination(def in definition()) {
            let expansion = def.expand().map_err(|e| TestCaseError::fail(e.to_string()))?;
            let total: usize = def.dimensions.iter().map(|(_, v)| v.len()).product();
            prop_assert_eq!(expansion.cells.len() + expansion.repeated.len(), total);
        }

        #[test]
        fn exclude_never_adds_cells(def in definition(), pick in 0usize..64, drop in 1usize..3) {
            let base = def.expand().map_err(|e| TestCaseError::fail(e.to_string()))?;
            let mut with_exclude = def.clone();
            if let Some(cell) = base.cells.get(pick % base.cells.len().max(1)) {
                let mut entry = Cell::new();
                for (k, v) in cell.entries().iter().take(drop) {
                    entry.set(k, v.clone());
                }
                with_exclude.exclude.push(entry);
            }
            let excluded = with_exclude.expand().map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert!(keys(&excluded.cells).is_subset(&keys(&base.cells)));
            prop_assert!(excluded.cells.len() < base.cells.len() || base.cells.is_empty());
        }

        #[test]
        fn including_a_new_key_never_removes_cells(def in definition(), value in 0i64..5) {
            let base = def.expand().map_err(|e| TestCaseError::fail(e.to_string()))?;
            let mut with_include = def.clone();
            let mut entry = Cell::new();
            entry.set("brand_new", json!(value));
            with_include.include.push(entry);
            let included = with_include.expand().map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(included.cells.len(), base.cells.len());
            for (after, before) in included.cells.iter().zip(&base.cells) {
                prop_assert_eq!(after.get("brand_new"), Some(&json!(value)));
                for (k, v) in before.entries() {
                    prop_assert_eq!(after.get(k), Some(v));
                }
            }
        }
    }
}
