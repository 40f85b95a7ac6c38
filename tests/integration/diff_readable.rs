// Generated files and diffs a reviewer can read: a one-key policy change is a few lines of the
// hub template, and no diff of any fixture, in any format, prints a line of 200 characters or more.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use crate::common;

use patchform::cli::DiffFormat;
use patchform::diff::{self, Base, BaseKind, DiffReport, Side};
use patchform::policy::Policy;
use similar::{ChangeTag, TextDiff};
use std::path::{Path, PathBuf};

/// The limit of the issue: every line of the diff output is shorter than this.
const LIMIT: usize = 200;

/// Lines added plus lines removed between two texts.
fn changed_lines(old: &str, new: &str) -> usize {
    TextDiff::from_lines(old, new)
        .iter_all_changes()
        .filter(|c| c.tag() != ChangeTag::Equal)
        .count()
}

#[test]
fn one_waves_max_errors_changes_at_most_five_lines_of_the_hub_template() {
    let text = std::fs::read_to_string(common::root().join("policies/minimal.yaml")).unwrap();
    assert!(text.ends_with("      organizational_units: [ou-ab12-11111111]\n"));
    // The last (only) wave of the minimal policy, with and without the key changed.
    let with = |max_errors: &str| {
        let policy = format!("{text}    max_errors: \"{max_errors}\"\n");
        common::compile(&common::load_text(&policy))
    };
    let (old, new) = (with("1"), with("2"));
    let old_hub = common::text(&old, "hub.template.yaml");
    let new_hub = common::text(&new, "hub.template.yaml");
    let changed = changed_lines(old_hub, new_hub);
    eprintln!("minimal policy, max_errors 1 -> 2: {changed} changed lines of hub.template.yaml");
    assert!(changed > 0, "the change reaches the hub template");
    assert!(
        changed <= 5,
        "{changed} lines of hub.template.yaml changed:\n{}",
        TextDiff::from_lines(old_hub, new_hub).unified_diff()
    );
    // The same holds for the example policy's production wave.
    let acme = std::fs::read_to_string(common::root().join("policies/acme-fleet.yaml")).unwrap();
    assert!(
        acme.contains("max_errors: 1%"),
        "the example policy changed"
    );
    let compile_acme = |text: &str| {
        // The example's hook files are read relative to the policy.
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("hooks")).unwrap();
        for entry in std::fs::read_dir(common::root().join("policies/hooks")).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(
                &path,
                dir.path().join("hooks").join(path.file_name().unwrap()),
            )
            .unwrap();
        }
        let file = dir.path().join("acme-fleet.yaml");
        std::fs::write(&file, text).unwrap();
        common::compile(&common::load(&file))
    };
    let (old, new) = (
        compile_acme(&acme),
        compile_acme(&acme.replacen("max_errors: 1%", "max_errors: 2%", 1)),
    );
    let changed = changed_lines(
        common::text(&old, "hub.template.yaml"),
        common::text(&new, "hub.template.yaml"),
    );
    eprintln!("acme-fleet, prod max_errors 1% -> 2%: {changed} changed lines of hub.template.yaml");
    assert!((1..=5).contains(&changed), "{changed} lines changed");
}

fn fixtures() -> PathBuf {
    common::root().join("tests/fixtures/diff")
}

fn policy(path: &Path) -> Policy {
    common::load(path)
}

/// Every policy fixture compiled on both sides and compared with its artifacts.
fn policy_reports() -> Vec<(String, DiffReport)> {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("old.yaml").is_file())
        .collect();
    cases.sort();
    assert!(cases.len() >= 15, "the policy fixtures are found");
    cases
        .iter()
        .map(|dir| {
            let (old, new) = (policy(&dir.join("old.yaml")), policy(&dir.join("new.yaml")));
            let (old_artifacts, new_artifacts) = (common::compile(&old), common::compile(&new));
            let report = diff::compare(
                Base {
                    kind: BaseKind::Git,
                    label: "origin/main".to_owned(),
                },
                Side {
                    policy: Some(&old),
                    artifacts: &old_artifacts,
                },
                Side {
                    policy: Some(&new),
                    artifacts: &new_artifacts,
                },
                Vec::new(),
            );
            let name = dir.file_name().unwrap().to_string_lossy().into_owned();
            (name, report)
        })
        .collect()
}

/// The longest line of an output, in characters, and the line. For JSON, a string holding line
/// breaks (a unified diff) is measured line by line, as `jq -r` prints it: a JSON string cannot
/// break its own line.
fn longest(output: &str, format: DiffFormat) -> (usize, String) {
    let mut lines: Vec<String> = Vec::new();
    if format == DiffFormat::Json {
        let value: serde_json::Value = serde_json::from_str(output).unwrap();
        collect_strings(&value, &mut lines);
        lines.extend(
            output
                .lines()
                .filter(|l| !l.contains("\\n"))
                .map(str::to_owned),
        );
    } else {
        lines.extend(output.lines().map(str::to_owned));
    }
    lines
        .into_iter()
        .map(|l| (l.chars().count(), l))
        .max()
        .unwrap_or_default()
}

fn collect_strings(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::String(s) => out.extend(s.lines().map(str::to_owned)),
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_strings(v, out)),
        serde_json::Value::Object(map) => map.values().for_each(|v| collect_strings(v, out)),
        _ => {}
    }
}

#[test]
fn no_diff_output_line_reaches_200_characters() {
    let mut reports = policy_reports();
    reports.push(("templates".to_owned(), crate::diff_templates::report()));
    let mut worst = (0, String::new(), String::new());
    for (case, report) in &reports {
        for (format, name) in [
            (DiffFormat::Human, "human"),
            (DiffFormat::Markdown, "markdown"),
            (DiffFormat::Json, "json"),
        ] {
            let output = diff::render::to_string(report, format);
            let (length, line) = longest(&output, format);
            assert!(
                length < LIMIT,
                "{case} ({name}): a line of {length} characters:\n{line}"
            );
            if length > worst.0 {
                worst = (length, format!("{case} ({name})"), line);
            }
        }
    }
    eprintln!(
        "longest diff line: {} characters, {}: {}",
        worst.0, worst.1, worst.2
    );
}

#[test]
fn an_embedded_state_machine_changes_once_in_its_own_file() {
    let reports = policy_reports();
    let (_, report) = reports
        .iter()
        .find(|(case, _)| case == "rates-raised")
        .unwrap();
    let hub = report
        .artifacts
        .iter()
        .find(|a| a.path == "hub.template.yaml")
        .expect("the hub changed");
    let orchestrator = report
        .artifacts
        .iter()
        .find(|a| a.path == "orchestrator.asl.json")
        .expect("the state machine changed");
    assert!(
        hub.unified_diff
            .contains("# embedded copy of orchestrator.asl.json: changed, see its diff"),
        "{}",
        hub.unified_diff
    );
    assert!(
        hub.embedded
            .iter()
            .any(|e| e.artifact == "orchestrator.asl.json"
                && e.pointer == "/Resources/RolloutStateMachine/Properties/Definition"),
        "{:?}",
        hub.embedded
    );
    // The definition's own lines are shown in its file only.
    let orchestrator_lines: Vec<&str> = orchestrator
        .unified_diff
        .lines()
        .filter(|l| l.starts_with('+') && !l.starts_with("+++"))
        .collect();
    assert!(!orchestrator_lines.is_empty());
    assert!(
        hub.lines_added + hub.lines_removed < 20,
        "{}",
        hub.unified_diff
    );
}
