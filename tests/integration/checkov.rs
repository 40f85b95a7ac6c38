// checkov, the IaC scanner users run, finds nothing unexplained in the hub and spoke templates of
// every shipped and fixture policy: no failed check, and every skipped one carries its reason.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

use crate::common;

use std::path::PathBuf;
use std::process::Command;

fn checkov() -> PathBuf {
    let path = common::root().join(".venv-checkov/bin/checkov");
    assert!(
        path.exists(),
        "{} not found: run scripts/setup-tools.sh to install the pinned checkov into .venv-checkov/",
        path.display()
    );
    path
}

#[test]
fn no_unexplained_checkov_finding_on_any_template() {
    let checkov = checkov();
    let dir = tempfile::tempdir().unwrap();
    let mut templates = 0;
    for path in common::valid_policies() {
        let artifacts = common::compile(&common::load(&path));
        for artifact in &artifacts.files {
            if artifact.path.ends_with(".template.yaml") {
                let file = dir
                    .path()
                    .join(format!("{}-{}", artifacts.policy_name, artifact.path));
                std::fs::write(&file, &artifact.content).unwrap();
                templates += 1;
            }
        }
    }
    assert!(templates >= 10, "{templates}");
    let output = Command::new(&checkov)
        .args([
            "--framework",
            "cloudformation",
            "--compact",
            "--skip-download",
        ])
        .args(["--output", "json", "--directory"])
        .arg(dir.path())
        // nothing leaves loopback: checkov would fetch guidelines from the internet
        .env("HTTPS_PROXY", "http://127.0.0.1:9")
        .env("HTTP_PROXY", "http://127.0.0.1:9")
        .env("BC_SKIP_MAPPING", "TRUE")
        .output()
        .expect("run checkov");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "checkov printed no JSON report ({e}):\n{stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let reports = match report {
        serde_json::Value::Array(items) => items,
        one => vec![one],
    };
    for report in &reports {
        let failed: Vec<String> = report["results"]["failed_checks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| format!("{} {} in {}", c["check_id"], c["resource"], c["file_path"]))
            .collect();
        assert!(
            failed.is_empty(),
            "checkov findings:\n{}",
            failed.join("\n")
        );
        for skipped in report["results"]["skipped_checks"].as_array().unwrap() {
            let reason = skipped["check_result"]["suppress_comment"]
                .as_str()
                .unwrap_or_default();
            assert!(
                reason.len() > 40,
                "{} on {} is skipped without a reason written out",
                skipped["check_id"],
                skipped["resource"]
            );
        }
        assert_eq!(
            report["summary"]["parsing_errors"], 0,
            "{}",
            report["summary"]
        );
    }
}
