// Every generated template passes cfn-lint and every state machine passes statelint, with no finding.
#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

use crate::common;

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

/// statelint 3.1.0 checks a Wait state's `Seconds` as an integer in JSONata states too, but
/// Step Functions takes an expression there ("In JSONata states, you can alternatively specify
/// a JSONata expression which must evaluate to an integer in the stated range", Wait workflow
/// state, AWS Step Functions Developer Guide). That one finding is accepted, nothing else.
fn is_jsonata_wait_seconds(line: &str) -> bool {
    line.trim_start().starts_with("State Machine.States.")
        && line.contains(".Seconds is \"{% ")
        && line.trim_end().ends_with("%}\" but should be an Integer")
}

fn run_statelint(tool: &Path, files: &[PathBuf]) {
    for file in files {
        let output = Command::new(tool).arg(file).output().unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let findings: Vec<&str> = stdout
            .lines()
            .filter(|line| line.trim_start().starts_with("State Machine"))
            .filter(|line| !is_jsonata_wait_seconds(line))
            .collect();
        let accepted = stdout
            .lines()
            .filter(|l| is_jsonata_wait_seconds(l))
            .count();
        assert!(
            findings.is_empty() && (output.status.success() || accepted > 0),
            "{} reported findings on {}:\n{}{}",
            tool.display(),
            file.display(),
            stdout,
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

#[test]
fn only_the_jsonata_wait_seconds_finding_is_accepted() {
    assert!(is_jsonata_wait_seconds(
        r#" State Machine.States.Bake canary.Seconds is "{% $rollout.dryRun ? 0 : 7200 %}" but should be an Integer"#
    ));
    assert!(!is_jsonata_wait_seconds(
        r#" State Machine.States.Bake canary.Seconds is "7200" but should be an Integer"#
    ));
    assert!(!is_jsonata_wait_seconds(
        r#" State Machine.States.Patch.TimeoutSeconds is "{% 1 %}" but should be an Integer"#
    ));
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
    run_statelint(&statelint, &machines);
}
