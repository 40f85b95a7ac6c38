// Integration tests of the small commands: init, schema, explain, completions, --help.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use crate::support::Test;

fn patchform(args: &[&str], dir: &std::path::Path) -> (i32, String, String) {
    let run = Test::new().current_dir(dir).args(args).run();
    (run.status(), run.stdout, run.stderr)
}

fn repo() -> &'static std::path::Path {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn init_writes_a_policy_that_validates_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let (status, _, stderr) = patchform(&["init"], dir.path());
    assert_eq!(status, 0, "{stderr}");
    assert!(dir.path().join("policies/patch-policy.yaml").exists());
    let (status, _, stderr) = patchform(&["validate", "policies/patch-policy.yaml"], dir.path());
    assert_eq!(
        (status, stderr.as_str()),
        (0, "policies/patch-policy.yaml: valid\n")
    );
    let (status, _, stderr) = patchform(&["init"], dir.path());
    assert_eq!(status, 2);
    assert!(stderr.contains("--force"), "{stderr}");
    assert_eq!(patchform(&["init", "--force"], dir.path()).0, 0);
}

/// The file a policy's `# yaml-language-server: $schema=…` first line names, resolved against
/// the policy's directory as editors resolve it.
fn schema_of(policy: &std::path::Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string(policy).unwrap();
    let first = text.lines().next().unwrap();
    let reference = first
        .strip_prefix("# yaml-language-server: $schema=")
        .unwrap_or_else(|| panic!("no modeline: {first}"));
    assert!(
        !reference.contains("://"),
        "a local file, not an address: {reference}"
    );
    policy.parent().unwrap().join(reference)
}

fn schema_text() -> String {
    let (status, stdout, _) = patchform(&["schema"], repo());
    assert_eq!(status, 0);
    stdout
}

#[test]
fn init_in_a_fresh_directory_writes_the_schema_its_policy_points_at() {
    let dir = tempfile::tempdir().unwrap();
    let (status, _, stderr) = patchform(&["init"], dir.path());
    assert_eq!(status, 0, "{stderr}");
    assert!(stderr.contains("patchform schema >"), "{stderr}");
    let schema = schema_of(&dir.path().join("policies/patch-policy.yaml"));
    assert_eq!(
        schema.canonicalize().unwrap(),
        dir.path()
            .join("policies/policy.schema.json")
            .canonicalize()
            .unwrap()
    );
    assert_eq!(std::fs::read_to_string(&schema).unwrap(), schema_text());
    // A second policy beside it shares the file; one that differs is kept unless --force.
    std::fs::write(&schema, "{}\n").unwrap();
    let (status, _, stderr) = patchform(&["init", "policies/second.yaml"], dir.path());
    assert_eq!(status, 0, "{stderr}");
    assert!(stderr.contains("differs"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&schema).unwrap(), "{}\n");
    let (status, _, stderr) = patchform(&["init", "--force", "policies/second.yaml"], dir.path());
    assert_eq!(status, 0, "{stderr}");
    assert_eq!(std::fs::read_to_string(&schema).unwrap(), schema_text());
    // A policy in the working directory itself.
    assert_eq!(patchform(&["init", "top.yaml"], dir.path()).0, 0);
    assert!(schema_of(&dir.path().join("top.yaml")).is_file());
}

#[test]
fn init_inside_a_clone_points_at_the_repository_schema() {
    let clone = tempfile::tempdir().unwrap();
    std::fs::write(
        clone.path().join("Cargo.toml"),
        "[package]\nname = \"patchform\"\nversion = \"0.1.0\"\n",
    )
    .unwrap();
    std::fs::create_dir(clone.path().join("schema")).unwrap();
    std::fs::write(
        clone.path().join("schema/policy.schema.json"),
        schema_text(),
    )
    .unwrap();
    let (status, _, stderr) = patchform(&["init", "policies/fleet/prod.yaml"], clone.path());
    assert_eq!(status, 0, "{stderr}");
    let policy = clone.path().join("policies/fleet/prod.yaml");
    let text = std::fs::read_to_string(&policy).unwrap();
    assert!(
        text.starts_with("# yaml-language-server: $schema=../../schema/policy.schema.json\n"),
        "{text}"
    );
    assert_eq!(
        schema_of(&policy).canonicalize().unwrap(),
        clone
            .path()
            .join("schema/policy.schema.json")
            .canonicalize()
            .unwrap()
    );
    assert!(
        !clone
            .path()
            .join("policies/fleet/policy.schema.json")
            .exists(),
        "no second copy inside a clone"
    );
    // Run from a subdirectory, the path is still relative to the policy.
    let (status, _, stderr) = patchform(&["init", "one.yaml"], &clone.path().join("policies"));
    assert_eq!(status, 0, "{stderr}");
    let text = std::fs::read_to_string(clone.path().join("policies/one.yaml")).unwrap();
    assert!(
        text.starts_with("# yaml-language-server: $schema=../schema/policy.schema.json\n"),
        "{text}"
    );
    // A Cargo.toml of another package is not a clone of patchform.
    let other = tempfile::tempdir().unwrap();
    std::fs::write(
        other.path().join("Cargo.toml"),
        "[package]\nname = \"other\"\n",
    )
    .unwrap();
    std::fs::create_dir(other.path().join("schema")).unwrap();
    std::fs::write(other.path().join("schema/policy.schema.json"), "{}").unwrap();
    assert_eq!(patchform(&["init", "policies/p.yaml"], other.path()).0, 0);
    assert_eq!(
        schema_of(&other.path().join("policies/p.yaml")),
        other.path().join("policies/./policy.schema.json")
    );
}

#[test]
fn the_schema_id_names_no_host() {
    let schema: serde_json::Value = serde_json::from_str(&schema_text()).unwrap();
    let id = schema["$id"].as_str().unwrap();
    assert!(id.starts_with("urn:"), "{id}");
}

#[test]
fn schema_command_prints_the_committed_schema() {
    let (status, stdout, _) = patchform(&["schema"], repo());
    assert_eq!(status, 0);
    let committed = std::fs::read_to_string(repo().join("schema/policy.schema.json")).unwrap();
    assert_eq!(
        stdout, committed,
        "schema/policy.schema.json is stale: run `patchform schema > schema/policy.schema.json`"
    );
    let schema: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
}

#[test]
fn every_schema_property_has_a_description() {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("schema/policy.schema.json")).unwrap(),
    )
    .unwrap();
    fn walk(node: &serde_json::Value, path: &str, missing: &mut Vec<String>) {
        if let Some(properties) = node.get("properties").and_then(|p| p.as_object()) {
            for (key, property) in properties {
                if property.get("description").is_none() {
                    missing.push(format!("{path}/{key}"));
                }
                walk(property, &format!("{path}/{key}"), missing);
            }
        }
        if let Some(defs) = node.get("$defs").and_then(|d| d.as_object()) {
            for (name, def) in defs {
                walk(def, &format!("$defs/{name}"), missing);
            }
        }
    }
    let mut missing = Vec::new();
    walk(&schema, "", &mut missing);
    assert!(
        missing.is_empty(),
        "properties without a description: {missing:?}"
    );
}

#[test]
fn explain_prints_a_code_and_suggests_near_misses() {
    let (status, stdout, _) = patchform(&["explain", "policy::wave::overlap"], repo());
    assert_eq!(status, 0);
    insta::assert_snapshot!("explain-overlap", stdout);
    let (status, _, stderr) = patchform(&["explain", "policy::wave::overlaps"], repo());
    assert_eq!(status, 2);
    assert!(
        stderr.contains("did you mean `policy::wave::overlap`?"),
        "{stderr}"
    );
    let (status, stdout, _) = patchform(&["explain", "--list"], repo());
    assert_eq!(status, 0);
    assert!(stdout.lines().count() > 40);
}

#[test]
fn completions_are_generated_for_each_shell() {
    for shell in ["bash", "zsh", "fish"] {
        let (status, stdout, _) = patchform(&["completions", shell], repo());
        assert_eq!(status, 0);
        assert!(
            stdout.contains("validate") && stdout.contains("deploy"),
            "{shell}"
        );
    }
}

#[test]
fn every_command_has_help_with_an_example() {
    for command in [
        "validate",
        "build",
        "diff",
        "deploy",
        "destroy",
        "init",
        "schema",
        "explain",
        "completions",
    ] {
        let (status, stdout, _) = patchform(&[command, "--help"], repo());
        assert_eq!(status, 0, "{command}");
        assert!(
            stdout.contains("Examples:"),
            "`{command} --help` has no example"
        );
    }
}

#[test]
fn every_code_is_documented() {
    let docs = std::fs::read_to_string(repo().join("docs/diagnostics.md")).unwrap();
    for code in patchform::code::Code::ALL {
        assert!(
            docs.contains(&format!("`{}`", code.name())),
            "docs/diagnostics.md lacks {}",
            code.name()
        );
    }
}
