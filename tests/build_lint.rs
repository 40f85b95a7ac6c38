// Every generated template passes cfn-lint and every state machine passes statelint, with no finding.
#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

#[path = "fixtures/build/common.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn tool(name: &str) -> PathBuf {
    let dir = std::env::var_os("PATCHFORM_TOOLS")
        .map(PathBuf::from)
        .unwrap_or_else(|| common::root().join(".venv/bin"));
    let path = dir.join(name);
    assert!(
        path.exists(),
        "{} not found: run scripts/setup-tools.sh to install the pinned cfn-lint and statelint into .venv/ (or set PATCHFORM_TOOLS)",
        path.display()
    );
    path
}

fn run(tool: &Path, files: &[PathBuf]) {
    let output = Command::new(tool).args(files).output().unwrap();
    assert!(
        output.status.success(),
        "{} reported findings:\n{}{}",
        tool.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn every_template_and_state_machine_lints_clean() {
    let cfn_lint = tool("cfn-lint");
    let statelint = tool("statelint");
    let dir = tempfile::tempdir().unwrap();
    let mut templates = Vec::new();
    let mut machines = Vec::new();
    for path in common::valid_policies() {
        let artifacts = common::compile(&common::load(&path));
        for artifact in &artifacts.files {
            let file = dir.path().join(&artifacts.policy_name).join(&artifact.path);
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(&file, &artifact.content).unwrap();
            if artifact.path.ends_with(".template.yaml") {
                templates.push(file);
            } else if artifact.path.ends_with(".asl.json") {
                machines.push(file);
            }
        }
    }
    assert!(templates.len() >= 8 && machines.len() >= 8);
    run(&cfn_lint, &templates);
    run(&statelint, &machines);
}
