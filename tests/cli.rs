// Integration tests of the small commands: init, schema, explain, completions, --help.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::process::Command;

fn patchform(args: &[&str], dir: &std::path::Path) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_patchform"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("patchform runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
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
