//! The workflows and action.yml cannot run here, so their structure is
//! checked: they parse, no `run:` expands `${{ }}` (template injection), every
//! input reaches the launcher through `env:`, every output is one the binary
//! writes, and the self-test really asserts a failure.

// A test may panic: a failed step should fail it loudly (the lints guard input paths).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn load(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    yaml_serde::from_str(&text).unwrap_or_else(|e| panic!("{} is not valid YAML: {e}", path.display()))
}

fn workflows() -> Vec<(PathBuf, Value)> {
    let dir = root().join(".github/workflows");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml" || e == "yaml"))
        .collect();
    files.sort();
    files.into_iter().map(|p| (p.clone(), load(&p))).collect()
}

/// Every `run:` script in a document, wherever it is.
fn run_scripts(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                if k == "run"
                    && let Some(s) = v.as_str()
                {
                    out.push(s.to_owned());
                }
                run_scripts(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| run_scripts(v, out)),
        _ => {}
    }
}

#[test]
fn every_workflow_and_the_action_parse_and_no_run_block_expands_expressions() {
    let mut documents = workflows();
    assert_eq!(
        documents.iter().filter_map(|(p, _)| p.file_name()?.to_str().map(str::to_owned)).collect::<Vec<_>>(),
        ["ci.yml", "release.yml", "self-test.yml"]
    );
    documents.push((root().join("action.yml"), load(&root().join("action.yml"))));
    for (path, doc) in &documents {
        let mut scripts = Vec::new();
        run_scripts(doc, &mut scripts);
        assert!(!scripts.is_empty(), "{} has run steps", path.display());
        for script in scripts {
            assert!(!script.contains("${{"), "{}: a run block expands an expression: {script}", path.display());
        }
    }
}

#[test]
fn workflows_are_well_formed_and_least_privileged() {
    for (path, doc) in workflows() {
        let name = path.display();
        assert!(doc.get("on").is_some(), "{name}: no triggers");
        assert_eq!(doc["permissions"]["contents"], "read", "{name}: default token permissions are read-only");
        let jobs = doc["jobs"].as_object().unwrap_or_else(|| panic!("{name}: no jobs"));
        for (job_name, job) in jobs {
            assert!(job.get("runs-on").is_some(), "{name}/{job_name}: no runs-on");
            let steps = job["steps"].as_array().unwrap_or_else(|| panic!("{name}/{job_name}: no steps"));
            for step in steps {
                assert!(step.get("uses").is_some() != step.get("run").is_some(), "{name}/{job_name}: {step}");
                if let Some(uses) = step["uses"].as_str() {
                    assert!(uses == "$/" || pinned_sha(uses).is_some(), "{name}/{job_name}: unpinned {uses}");
                    if uses.starts_with("actions/checkout@") {
                        assert!(
                            step["with"].get("persist-credentials").is_some(),
                            "{name}/{job_name}: checkout must say whether it keeps the token"
                        );
                    }
                }
            }
        }
    }
}

/// The commit SHA of `owner/repo[/path]@<40 hex digits>`, else None.
fn pinned_sha(uses: &str) -> Option<&str> {
    let (action, sha) = uses.split_once('@')?;
    let full = sha.len() == 40 && sha.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    (action.split('/').count() >= 2 && full).then_some(sha)
}

/// Every `uses:` line of a YAML text, as (line number, reference, trailing comment).
fn uses_lines(text: &str) -> Vec<(usize, String, String)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start().trim_start_matches("- ");
        let Some(rest) = trimmed.strip_prefix("uses:") else { continue };
        let (reference, comment) = rest.split_once(" #").unwrap_or((rest, ""));
        out.push((i + 1, reference.trim().to_owned(), comment.trim().to_owned()));
    }
    out
}

/// Supply chain: every action is pinned to a full commit SHA, which a tag cannot
/// be moved under, with the release it is in a comment (`# v4.2.2`) for people
/// and update tools, and one SHA per action and release across files. Only the
/// repository's own action (`$/`, this commit) is exempt.
#[test]
fn every_uses_is_pinned_to_a_commit_sha_with_its_release_in_a_comment() {
    let mut files: Vec<PathBuf> = workflows().into_iter().map(|(p, _)| p).collect();
    files.push(root().join("action.yml"));
    let mut seen: std::collections::BTreeMap<String, (String, String)> = Default::default();
    let mut count = 0;
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for (line, reference, comment) in uses_lines(&text) {
            let at = format!("{}:{line}", path.display());
            count += 1;
            if reference == "$/" {
                continue;
            }
            let sha =
                pinned_sha(&reference).unwrap_or_else(|| panic!("{at}: {reference} is not pinned to a commit SHA"));
            let version = comment.split_whitespace().next().unwrap_or_default();
            let is_release = version.strip_prefix('v').is_some_and(|v| {
                v.split('.').count() == 3
                    && v.split('.').all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            });
            assert!(is_release, "{at}: {reference} needs its release as a comment (# vX.Y.Z), not {comment:?}");
            let repo: String =
                reference.split('@').next().unwrap_or_default().split('/').take(2).collect::<Vec<_>>().join("/");
            let entry = (sha.to_owned(), version.to_owned());
            let first = seen.entry(repo.clone()).or_insert_with(|| entry.clone());
            assert_eq!(*first, entry, "{at}: {repo} is pinned to two releases");
        }
    }
    assert!(count >= 10, "only {count} uses: lines found");
}

/// The fenced YAML blocks of a markdown file.
fn yaml_blocks(doc: &str) -> Vec<String> {
    let text = std::fs::read_to_string(root().join(doc)).unwrap_or_else(|e| panic!("{doc}: {e}"));
    text.split("```yaml\n").skip(1).filter_map(|rest| rest.split_once("```").map(|(b, _)| b.to_owned())).collect()
}

/// The workflows users copy pin what this repository pins (same commit, same
/// release), pin truegreen to a release commit they fill in, and grant
/// explicit permissions.
#[test]
fn documented_workflows_pin_every_action_and_declare_permissions() {
    let mut pins = std::collections::BTreeMap::new();
    for path in workflows().into_iter().map(|(p, _)| p).chain([root().join("action.yml")]) {
        for (_, reference, comment) in uses_lines(&std::fs::read_to_string(&path).unwrap_or_default()) {
            if let Some((action, _)) = reference.split_once('@') {
                pins.insert(action.to_owned(), format!("{reference} # {comment}"));
            }
        }
    }
    let mut workflows_seen = 0;
    for doc in ["docs/action.md", "README.md"] {
        for block in yaml_blocks(doc) {
            for (line, reference, comment) in uses_lines(&block) {
                let full = format!("{reference} # {comment}");
                if reference.starts_with("OWNER/truegreen@") {
                    assert_eq!(full, "OWNER/truegreen@RELEASE_COMMIT_SHA # vX.Y.Z", "{doc}: {line}");
                    continue;
                }
                let action = reference.split('@').next().unwrap_or_default();
                let pinned =
                    pins.get(action).unwrap_or_else(|| panic!("{doc}: {action} is not an action this repository pins"));
                assert_eq!(&full, pinned, "{doc}: {reference} differs from this repository's pin");
            }
            if block.contains("\njobs:") {
                workflows_seen += 1;
                let workflow: Value = yaml_serde::from_str(&block).unwrap_or_else(|e| panic!("{doc}: {e}\n{block}"));
                let permissions =
                    workflow["permissions"].as_object().unwrap_or_else(|| panic!("{doc}: no permissions:\n{block}"));
                assert!(!permissions.values().any(|v| v == "write-all" || v == "read-all"), "{doc}: {permissions:?}");
            }
        }
    }
    assert!(workflows_seen >= 5, "{workflows_seen} complete workflows in the docs");
}

#[test]
fn ci_runs_fmt_clippy_and_tests_on_three_systems() {
    let doc = load(&root().join(".github/workflows/ci.yml"));
    let test = &doc["jobs"]["test"];
    let oses: Vec<&str> = test["strategy"]["matrix"]["os"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    assert_eq!(oses, ["ubuntu-latest", "macos-latest", "windows-latest"]);
    let mut scripts = Vec::new();
    run_scripts(test, &mut scripts);
    let all = scripts.join("\n");
    for needed in ["cargo fmt --check", "cargo clippy --all-targets --locked -- -D warnings", "cargo test --locked"] {
        assert!(all.contains(needed), "ci.yml lacks {needed}");
    }
}

#[test]
fn the_self_test_asserts_that_a_run_fails() {
    let doc = load(&root().join(".github/workflows/self-test.yml"));
    let job = &doc["jobs"]["false-green-must-fail"];
    let steps = job["steps"].as_array().cloned().unwrap_or_default();
    let action = steps.iter().find(|s| s["uses"] == "$/").unwrap_or_else(|| panic!("no uses: $/ step"));
    assert_eq!(action["continue-on-error"], true);
    assert_eq!(action["with"]["paths"], "examples/action/false-green/");
    let id = action["id"].as_str().unwrap_or_default();
    let check = steps.last().cloned().unwrap_or(Value::Null);
    assert_eq!(check["env"]["OUTCOME"], format!("${{{{ steps.{id}.outcome }}}}"));
    assert!(check["run"].as_str().unwrap_or_default().contains(r#"test "$OUTCOME" = failure"#));
    for example in ["examples/action/pass/run.ndjson", "examples/action/false-green/run.ndjson"] {
        assert!(root().join(example).is_file(), "{example}");
    }
}

#[test]
fn the_release_builds_the_five_targets_and_writes_the_manifest() {
    let doc = load(&root().join(".github/workflows/release.yml"));
    let targets: BTreeSet<&str> = doc["jobs"]["build"]["strategy"]["matrix"]["include"]
        .as_array()
        .map(|a| a.iter().filter_map(|e| e["target"].as_str()).collect())
        .unwrap_or_default();
    let expected: BTreeSet<&str> = [
        "x86_64-unknown-linux-musl",
        "aarch64-unknown-linux-musl",
        "x86_64-apple-darwin",
        "aarch64-apple-darwin",
        "x86_64-pc-windows-msvc",
    ]
    .into();
    assert_eq!(targets, expected);
    // Build, stage (with the static check) and manifest are scripts/release.sh, which the
    // release-dry-run job and the launcher tests run before any release needs them.
    let mut build = Vec::new();
    run_scripts(&doc["jobs"]["build"], &mut build);
    let build = build.join("\n");
    for step in [r#"scripts/release.sh build "$TARGET""#, r#"scripts/release.sh stage "$TARGET" out"#] {
        assert!(build.contains(step), "release.yml's build job lacks {step}: {build}");
    }
    assert!(!build.contains("statically linked"), "the static check reads ELF headers, not file(1)'s wording");
    let mut scripts = Vec::new();
    run_scripts(&doc["jobs"]["release"], &mut scripts);
    let all = scripts.join("\n");
    assert!(all.contains("scripts/release.sh manifest") && all.contains("dist/manifest 5"), "{all}");
    assert!(all.contains("git add dist/manifest"), "{all}");
    assert!(all.contains("gh release create"), "{all}");
    // The launcher knows every target the release builds.
    let launcher = std::fs::read_to_string(root().join("dist/launcher.sh")).unwrap_or_default();
    for target in expected {
        assert!(launcher.contains(&format!("echo {target}")), "launcher.sh does not map {target}");
    }
}

/// action.yml's steps, by id.
fn action_step(action: &Value, id: &str) -> Value {
    action["runs"]["steps"]
        .as_array()
        .and_then(|steps| steps.iter().find(|s| s["id"] == id))
        .cloned()
        .unwrap_or_else(|| panic!("action.yml has no step {id}"))
}

#[test]
fn every_action_input_reaches_the_launcher_through_env() {
    let action = load(&root().join("action.yml"));
    assert_eq!(action["runs"]["using"], "composite");
    let steps = action["runs"]["steps"].as_array().cloned().unwrap_or_default();
    // The launcher's run is the last shell step; only the baseline's upload follows it.
    let launcher_at = steps.iter().position(|s| s["id"] == "truegreen").unwrap_or_else(|| panic!("no truegreen step"));
    let after: Vec<&str> = steps[launcher_at + 1..].iter().map(|s| s["uses"].as_str().unwrap_or("a run")).collect();
    assert!(after.len() == 1 && after[0].starts_with("actions/upload-artifact@"), "{after:?}");
    // Every shell step runs the launcher, and reads inputs only through env:.
    for step in steps.iter().filter(|s| s.get("run").is_some()) {
        let run = step["run"].as_str().unwrap_or_default();
        assert!(run.starts_with(r#"bash "$GITHUB_ACTION_PATH/dist/launcher.sh""#), "{run}");
        for (var, value) in step["env"].as_object().into_iter().flatten() {
            let expr = value.as_str().unwrap_or_default();
            assert!(expr.starts_with("${{ inputs.") && expr.ends_with(" }}"), "{var}: {expr} is not an input");
        }
    }
    let env = action_step(&action, "truegreen")["env"].as_object().cloned().unwrap_or_default();
    let launcher = std::fs::read_to_string(root().join("dist/launcher.sh")).unwrap_or_default();
    let inputs = action["inputs"].as_object().cloned().unwrap_or_default();
    let mut wired = BTreeSet::new();
    for (var, value) in &env {
        let expr = value.as_str().unwrap_or_default();
        let input = expr
            .strip_prefix("${{ inputs.")
            .and_then(|s| s.strip_suffix(" }}"))
            .unwrap_or_else(|| panic!("{var}: {expr} is not an input"));
        assert!(inputs.contains_key(input), "{var} reads undeclared input {input}");
        if var == "TRUEGREEN_GITHUB_TOKEN" {
            // The binary reads the token from its environment: it is never an argument.
            let ctx = truegreen::publish::GitHubContext::from_lookup(
                |k| (k == var.as_str()).then(|| "t0ken".to_owned()),
                |_| None,
            );
            assert!(ctx.token.is_some(), "the binary does not read {var}");
            assert!(!launcher.contains(var.as_str()), "launcher.sh must not touch the token");
        } else {
            assert!(launcher.contains(var.as_str()), "launcher.sh never reads {var}");
        }
        wired.insert(input.to_owned());
    }
    let declared: BTreeSet<String> = inputs.keys().cloned().collect();
    assert_eq!(wired, declared, "every input is passed to the launcher");
    for required in [
        "paths",
        "command",
        "outcome",
        "exit-code",
        "expect",
        "config",
        "check-name",
        "token",
        "publish",
        "fail-on",
        "shard",
        "build-from-source",
        "build-cache",
        "version",
        "commit-status",
        "max-annotations",
        "comment",
        "baseline",
    ] {
        assert!(declared.contains(required), "input {required} is missing");
    }
    assert_eq!(inputs["token"]["default"], "${{ github.token }}");
    assert_eq!(inputs["check-name"]["default"], "truegreen");
    assert_eq!(inputs["publish"]["default"], "auto");
    assert_eq!(inputs["fail-on"]["default"], "failure");
    assert_eq!(inputs["commit-status"]["default"], "false");
    assert_eq!(inputs["max-annotations"]["default"], truegreen::render::github::DEFAULT_MAX_ANNOTATIONS.to_string());
    assert_eq!(inputs["comment"]["default"], "auto");
    assert_eq!(inputs["build-cache"]["default"], "true");
    assert_eq!(inputs["baseline"]["default"], "", "no comparison unless asked for");
}

/// `baseline: auto` uploads the inventory the launcher had the binary write,
/// under the name the binary gave it, whatever the verdict, once per check
/// name and cell (a re-run replaces its earlier attempt's).
#[test]
fn baseline_auto_uploads_the_inventory_under_the_name_the_binary_gives() {
    let action = load(&root().join("action.yml"));
    let steps = action["runs"]["steps"].as_array().cloned().unwrap_or_default();
    let upload = steps.last().cloned().unwrap_or_default();
    assert!(upload["uses"].as_str().unwrap_or_default().starts_with("actions/upload-artifact@"), "{upload}");
    assert_eq!(upload["if"], "always() && steps.truegreen.outputs.baseline-artifact != ''");
    assert_eq!(upload["with"]["name"], "${{ steps.truegreen.outputs.baseline-artifact }}");
    assert_eq!(upload["with"]["path"], "${{ steps.truegreen.outputs.inventory }}");
    assert_eq!(upload["with"]["overwrite"], true);
    assert_eq!(upload["with"]["if-no-files-found"], "warn");
    let launcher = std::fs::read_to_string(root().join("dist/launcher.sh")).unwrap_or_default();
    // The file the upload zips is the one member the fetch accepts.
    let member = truegreen::publish::baseline::INVENTORY_MEMBER;
    assert!(launcher.contains(&format!("inventory=\"$inventory_dir/{member}\"")), "launcher.sh names another file");
    assert!(launcher.contains("baseline artifact-name"), "the binary names the artifact");
    assert!(launcher.contains("printf 'baseline-artifact=%s\\ninventory=%s\\n'"), "the step outputs the upload reads");
}

/// A source build is restored before the launcher resolves the binary and
/// saved right after, under the key the launcher's plan names: only the first
/// job of a repository (per source and platform) builds, and a failing verdict
/// cannot stop the save (actions/cache's own post step runs only on success).
#[test]
fn the_action_caches_a_source_build_between_resolving_and_the_verdict() {
    let action = load(&root().join("action.yml"));
    let ids: Vec<String> = action["runs"]["steps"]
        .as_array()
        .map(|steps| steps.iter().map(|s| s["id"].as_str().or(s["uses"].as_str()).unwrap_or("").to_owned()).collect())
        .unwrap_or_default();
    assert_eq!(ids.len(), 6, "{ids:?}");
    assert_eq!(ids[0], "plan");
    assert_eq!(ids[1], "restore-build");
    assert_eq!(ids[2], "resolve");
    assert!(ids[3].starts_with("actions/cache/save@"), "{ids:?}");
    assert_eq!(ids[4], "truegreen");
    assert!(ids[5].starts_with("actions/upload-artifact@"), "{ids:?}");
    assert!(action_step(&action, "plan")["run"].as_str().unwrap_or_default().ends_with("launcher.sh\" plan"));
    assert!(action_step(&action, "resolve")["run"].as_str().unwrap_or_default().ends_with("launcher.sh\" resolve"));
    let restore = action_step(&action, "restore-build");
    let save = &action["runs"]["steps"][3];
    assert!(restore["uses"].as_str().unwrap_or_default().starts_with("actions/cache/restore@"));
    for step in [&restore, save] {
        assert_eq!(step["with"]["path"], "${{ steps.plan.outputs.cache-dir }}");
        assert_eq!(step["with"]["key"], "${{ steps.plan.outputs.cache-key }}");
        assert!(
            step.get("with").and_then(|w| w.get("restore-keys")).is_none(),
            "no partial match: a key is one source"
        );
    }
    assert_eq!(restore["if"], "steps.plan.outputs.cache-key != ''");
    assert_eq!(save["if"], "steps.plan.outputs.cache-key != '' && steps.restore-build.outputs.cache-hit != 'true'");
    for id in ["plan", "resolve", "truegreen"] {
        let env = action_step(&action, id)["env"].clone();
        assert_eq!(env["INPUT_BUILD_CACHE"], "${{ inputs.build-cache }}", "{id}");
        assert_eq!(env["INPUT_BUILD_FROM_SOURCE"], "${{ inputs.build-from-source }}", "{id}");
    }
}

#[test]
fn every_action_output_is_one_the_binary_writes() {
    let action = load(&root().join("action.yml"));
    let outputs = action["outputs"].as_object().cloned().unwrap_or_default();
    let verdict = truegreen::verdict::decide(Vec::new(), Vec::new(), Vec::new(), Default::default());
    let gate = truegreen::gate::run(&truegreen::gate::GateRequest {
        verdicts: Vec::new(),
        expectation: truegreen::gate::Expectation::count(1),
        provenance: truegreen::gate::Provenance { commit: None, run_id: None },
        jobs: Vec::new(),
        links: None,
        inventory: Default::default(),
    });
    // Both subcommands the action runs (check and gate) write only declared outputs.
    let written: BTreeSet<String> = truegreen::render::github::step_outputs(&verdict, None, None, None)
        .into_iter()
        .chain(truegreen::render::gate::check_run::step_outputs(&gate, None, None, None))
        .map(|(name, _)| name.to_owned())
        .collect();
    let declared: BTreeSet<String> = outputs.keys().cloned().collect();
    assert_eq!(declared, written);
    for (name, output) in &outputs {
        assert_eq!(output["value"], format!("${{{{ steps.truegreen.outputs.{name} }}}}"), "{name}");
    }
    assert_eq!(action_step(&action, "truegreen")["id"], "truegreen");
}

/// The fenced YAML block between `<!-- NAME -->` and `<!-- /NAME -->` in a doc.
fn doc_yaml(doc: &str, name: &str) -> String {
    let text = std::fs::read_to_string(root().join(doc)).unwrap_or_else(|e| panic!("{doc}: {e}"));
    let start = text.find(&format!("<!-- {name} -->")).unwrap_or_else(|| panic!("no {name} block in {doc}"));
    let rest = &text[start..];
    let body = rest.find("```yaml\n").map(|i| i + "```yaml\n".len()).unwrap_or_else(|| panic!("{name}: no yaml"));
    let end = rest[body..].find("```").unwrap_or_else(|| panic!("{name}: unclosed block"));
    rest[body..body + end].to_owned()
}

/// Every step of every job that uses the truegreen action.
fn action_steps(workflow: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    for job in workflow["jobs"].as_object().into_iter().flat_map(|j| j.values()) {
        for step in job["steps"].as_array().into_iter().flatten() {
            if step["uses"].as_str().is_some_and(|u| u.contains("/truegreen@")) {
                out.push(step.clone());
            }
        }
    }
    out
}

#[test]
fn the_documented_matrix_workflow_uses_real_inputs_and_a_readable_matrix() {
    let yaml = doc_yaml("docs/action.md", "action-matrix-example");
    let workflow: Value = yaml_serde::from_str(&yaml).unwrap_or_else(|e| panic!("the example is not YAML: {e}"));
    let inputs = load(&root().join("action.yml"))["inputs"].as_object().cloned().unwrap_or_default();
    let steps = action_steps(&workflow);
    assert_eq!(steps.len(), 2, "one check step per cell and one gate step");
    for step in &steps {
        for key in step["with"].as_object().into_iter().flat_map(|w| w.keys()) {
            assert!(inputs.contains_key(key), "`{key}` is not an input of action.yml");
        }
    }
    let gates = steps.iter().filter(|s| s["with"]["mode"] == "gate").count();
    assert_eq!(gates, 1, "exactly one step runs the gate");
    assert_eq!(workflow["jobs"]["gate"]["if"], "${{ always() }}", "a skipped required check counts as passing");
    // The gate reads the expected cells from this very workflow, as the example says.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("ci.yml");
    std::fs::write(&path, &yaml).unwrap_or_else(|e| panic!("{e}"));
    let matrix = truegreen::gate::workflow::read_matrix(&path, "test").unwrap_or_else(|e| panic!("{e}"));
    let cells = matrix.expand().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(cells.cells.len(), 6, "3 systems × 2 node versions");
}

/// The documented `baseline: auto` workflow grants what the fetch needs
/// (`actions: read`), runs on push to the branch pull requests compare with,
/// and uses real inputs.
#[test]
fn the_documented_baseline_workflow_can_find_its_baseline() {
    let yaml = doc_yaml("docs/action.md", "action-baseline-example");
    let workflow: Value = yaml_serde::from_str(&yaml).unwrap_or_else(|e| panic!("the example is not YAML: {e}"));
    assert_eq!(workflow["permissions"]["actions"], "read", "the fetch lists runs and downloads an artifact");
    assert!(workflow["on"]["push"].is_object() && workflow["on"].get("pull_request").is_some(), "{}", workflow["on"]);
    let inputs = load(&root().join("action.yml"))["inputs"].as_object().cloned().unwrap_or_default();
    let steps = action_steps(&workflow);
    assert_eq!(steps.len(), 1);
    assert_eq!(steps[0]["with"]["baseline"], "auto");
    for key in steps[0]["with"].as_object().into_iter().flat_map(|w| w.keys()) {
        assert!(inputs.contains_key(key), "`{key}` is not an input of action.yml");
    }
}

/// The documented matrix with `baseline: auto` on every cell and on the gate:
/// the gate downloads the cells' inventories (the artifacts the action names
/// `truegreen-inventory-…`) into its input directory, and may read them.
#[test]
fn the_documented_matrix_baseline_workflow_feeds_the_gate_its_cells_inventories() {
    let yaml = doc_yaml("docs/action.md", "action-matrix-baseline-example");
    let workflow: Value = yaml_serde::from_str(&yaml).unwrap_or_else(|e| panic!("the example is not YAML: {e}"));
    let inputs = load(&root().join("action.yml"))["inputs"].as_object().cloned().unwrap_or_default();
    let steps = action_steps(&workflow);
    assert_eq!(steps.len(), 2, "one check step per cell and one gate step");
    for step in &steps {
        assert_eq!(step["with"]["baseline"], "auto", "{step}");
        for key in step["with"].as_object().into_iter().flat_map(|w| w.keys()) {
            assert!(inputs.contains_key(key), "`{key}` is not an input of action.yml");
        }
    }
    assert_eq!(workflow["jobs"]["gate"]["permissions"]["actions"], "read");
    let gate_paths = steps.iter().find(|s| s["with"]["mode"] == "gate").map(|s| s["with"]["paths"].clone());
    let gate_paths = gate_paths.and_then(|p| p.as_str().map(str::to_owned)).unwrap_or_default();
    let downloads: Vec<(String, String)> = workflow["jobs"]["gate"]["steps"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|s| s["uses"].as_str().is_some_and(|u| u.starts_with("actions/download-artifact@")))
        .map(|s| {
            (
                s["with"]["pattern"].as_str().unwrap_or_default().to_owned(),
                s["with"]["path"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let cell_artifact =
        truegreen::publish::baseline::artifact_name("truegreen", Some(r#"{"os":"macos-latest","node":22}"#));
    let inventories = downloads.iter().find(|(pattern, _)| {
        pattern.strip_suffix('*').is_some_and(|prefix| cell_artifact.starts_with(prefix))
            && pattern.contains("inventory")
    });
    let (_, into) = inventories.unwrap_or_else(|| panic!("no download matches {cell_artifact}: {downloads:?}"));
    assert!(into.starts_with(gate_paths.trim_end_matches('/')), "{into} is not under the gate's paths {gate_paths}");
}
