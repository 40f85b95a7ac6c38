// Every `{% %}` expression of every state machine patchform generates, for every policy in
// policies/ and tests/fixtures, compiles with jsonata 2.0.6 (the version Step Functions runs;
// npm's reference implementation, installed by scripts/setup-tools.sh). Fails, never skips,
// without it.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

use crate::common;

use std::path::PathBuf;
use std::process::Command;

/// Every valid policy file: the examples, the build fixtures, both sides of every diff fixture
/// and the large benchmark policy.
fn policies() -> Vec<PathBuf> {
    let root = common::root();
    let mut found = common::valid_policies();
    let mut diff: Vec<PathBuf> = std::fs::read_dir(root.join("tests/fixtures/diff"))
        .unwrap()
        .flat_map(|case| {
            let case = case.unwrap().path();
            ["old.yaml", "new.yaml"].map(|side| case.join(side))
        })
        .filter(|p| p.is_file())
        .collect();
    diff.sort();
    found.extend(diff);
    found.push(root.join("tests/fixtures/large/large-150-waves.yaml"));
    found
}

#[test]
fn every_expression_of_every_generated_state_machine_compiles_with_jsonata_2_0_6() {
    let root = common::root();
    let python = root.join(".venv/bin/python");
    assert!(
        python.exists()
            && root
                .join("tools/node/node_modules/jsonata/package.json")
                .exists(),
        "the JSONata check needs .venv and tools/node: run scripts/setup-tools.sh"
    );
    let dir = tempfile::tempdir().unwrap();
    let mut dirs = Vec::new();
    for (i, path) in policies().iter().enumerate() {
        let artifacts = common::compile(&common::load(path));
        let out = dir.path().join(i.to_string());
        for artifact in &artifacts.files {
            if artifact.path.ends_with(".asl.json") {
                std::fs::create_dir_all(&out).unwrap();
                std::fs::write(out.join(&artifact.path), &artifact.content).unwrap();
            }
        }
        dirs.push(out);
    }
    assert!(dirs.len() >= 30, "{}", dirs.len());
    let output = Command::new(&python)
        .args(["-m", "rollout_harness", "jsonata"])
        .args(&dirs)
        .current_dir(root.join("tools"))
        .output()
        .expect("run the JSONata check");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "expressions jsonata 2.0.6 rejects:\n{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let counted: usize = stdout
        .lines()
        .filter_map(|l| {
            l.split(": ")
                .nth(1)?
                .split(' ')
                .next()?
                .parse::<usize>()
                .ok()
        })
        .sum();
    assert!(counted > 30 * 100, "{counted} expressions\n{stdout}");
}
