// Every shipped and fixture policy rolls out as it says: scripts/rollout-check.sh builds each one
// and executes its state machines through the rollout scenarios (tools/rollout_harness, on
// moto's Step Functions engine with jsonata 2.0.6). Fails, never skips, when the tools are missing.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

use std::path::{Path, PathBuf};
use std::process::Command;

fn policies(root: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for dir in ["policies", "tests/fixtures/build/valid"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
            .collect();
        files.sort();
        found.extend(files);
    }
    found
}

#[test]
fn every_shipped_and_fixture_policy_passes_the_rollout_scenarios() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let policies = policies(root);
    assert!(policies.len() >= 4, "{policies:?}");
    let output = Command::new(root.join("scripts/rollout-check.sh"))
        .args(&policies)
        .env("PATCHFORM_BIN", env!("CARGO_BIN_EXE_patchform"))
        .output()
        .expect("run scripts/rollout-check.sh");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "rollout scenarios failed (exit {:?}):\n{stdout}\n{stderr}",
        output.status.code()
    );
    // one line per policy and scenario, the compile check included
    for policy in &policies {
        let text = std::fs::read_to_string(policy).unwrap();
        let name = text
            .lines()
            .find_map(|l| l.strip_prefix("name: "))
            .unwrap()
            .trim();
        let lines = stdout
            .lines()
            .filter(|l| l.starts_with(&format!("{name}: ")))
            .count();
        assert_eq!(
            lines, 15,
            "{name}: expected 15 result lines (0-14)\n{stdout}"
        );
    }
    assert!(stdout.contains(" 0 failed"), "{stdout}");
}
