// The markdown diff's rollout diagrams: mermaid's own parser accepts them, labels are escaped, and they fit the comment budget.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use patchform::artifact::Artifacts;
use patchform::diff::{self, Base, BaseKind, DiffReport, Side};
use patchform::policy::Policy;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// The fixtures of tests/diff_policy.rs whose waves change.
const WAVE_CASES: &[&str] = &[
    "wave-added",
    "wave-removed",
    "waves-reordered",
    "wave-merged-earlier",
    "targets-changed",
    "rates-raised",
    "rates-lowered",
    "approval-added",
    "approval-removed",
    "tolerance-raised",
];

/// Fixtures whose waves do not change: no diagram.
const OTHER_CASES: &[&str] = &[
    "schedule-changed",
    "baseline-loosened",
    "baseline-tightened",
    "bedrock-remediation-switched",
];

fn valid(name: &str, text: &str) -> Policy {
    let validated = patchform::validator::validate_text(name, text);
    validated
        .policy
        .unwrap_or_else(|| panic!("{name} is a valid policy: {:?}", validated.report))
}

fn compare(old: &Policy, new: &Policy) -> DiffReport {
    let empty = Artifacts {
        policy_name: new.name.clone(),
        files: Vec::new(),
    };
    diff::compare(
        Base {
            kind: BaseKind::Git,
            label: "origin/main".to_owned(),
        },
        Side {
            policy: Some(old),
            artifacts: &empty,
        },
        Side {
            policy: Some(new),
            artifacts: &empty,
        },
        Vec::new(),
    )
}

fn fixture(case: &str, side: &str) -> String {
    std::fs::read_to_string(Path::new("tests/fixtures/diff").join(case).join(side)).unwrap()
}

fn case(case: &str) -> DiffReport {
    compare(
        &valid("old.yaml", &fixture(case, "old.yaml")),
        &valid("new.yaml", &fixture(case, "new.yaml")),
    )
}

fn markdown(report: &DiffReport) -> String {
    diff::render::markdown(report, diff::render::COMMENT_LIMIT)
}

/// Run tools/node/mermaid-parse.js on `input`: (exit code, stdout, stderr). Fails the test —
/// never skips it — when node or the npm packages are missing.
fn mermaid_parse(input: &str) -> (i32, String, String) {
    let setup = "run scripts/setup-tools.sh (it installs tools/node's pinned packages with npm ci)";
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/node/mermaid-parse.js");
    let mut child = Command::new("node")
        .arg(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot run `node` ({e}): the Mermaid check needs Node.js 20 or later; {setup}")
        });
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let code = output.status.code().unwrap_or(-1);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_ne!(code, 3, "{stderr}\n{setup}");
    (
        code,
        String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr,
    )
}

/// A policy whose labels hold every character Mermaid reads specially: quotes, `#`, `<`, `>`,
/// `&`, backticks, brackets, pipes and `%%`.
fn awkward() -> (Policy, Policy) {
    let old = fixture("wave-added", "old.yaml");
    let new = old
        .replace(
            "tags: { PatchGroup: [canary] }",
            r#"tags: { "Patch#Group": ['canary "blue" <b>', "a&b `x` [y] (z) {w} |v| %% ; end"] }"#,
        )
        .replace(
            "stop_on_alarm: acme-prod-health",
            r#"stop_on_alarm: 'prod "health" #1 <x> & `y`'"#,
        )
        .replace(
            "approvers: [cab@example.com]",
            r#"approvers: ['"o#brien<x>"@example.com', cab@example.com]"#,
        );
    assert_ne!(old, new);
    (valid("old.yaml", &old), valid("awkward.yaml", &new))
}

#[test]
fn every_rendered_diagram_parses_with_mermaid() {
    let mut all = String::new();
    let mut count = 0;
    for name in WAVE_CASES {
        let text = markdown(&case(name));
        let fences = text.matches("```mermaid\n").count();
        assert_eq!(fences, 2, "{name}: a diagram before and after\n{text}");
        count += fences;
        all.push_str(&text);
    }
    let (old, new) = awkward();
    let text = markdown(&compare(&old, &new));
    assert_eq!(text.matches("```mermaid\n").count(), 2, "{text}");
    count += 2;
    all.push_str(&text);
    let (code, stdout, stderr) = mermaid_parse(&all);
    assert_eq!(code, 0, "mermaid refuses a diagram:\n{stderr}\n{all}");
    assert_eq!(stdout, format!("ok: {count} diagrams\n"));
}

#[test]
fn the_parse_check_catches_a_broken_diagram() {
    let broken = "```mermaid\nflowchart LR\n  w1[\"a \"quoted\"] label\"] --> done\n```\n";
    let (code, _, stderr) = mermaid_parse(broken);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.starts_with("diagram 1 (line 1): Parse error"),
        "{stderr}"
    );
}

#[test]
fn labels_are_escaped_with_mermaid_entity_codes() {
    let (old, new) = awkward();
    let text = markdown(&compare(&old, &new));
    let after = &text[text.find("**After**").unwrap()..];
    assert!(
        after.contains(
            "tag Patch#35;Group: canary #quot;blue#quot; #lt;b#gt;, a#amp;b #96;x#96; [y] (z) {w} |v| %% ; end"
        ),
        "{after}"
    );
    assert!(
        after.contains("stops on alarm prod #quot;health#quot; #35;1 #lt;x#gt; #amp; #96;y#96;"),
        "{after}"
    );
    assert!(
        after.contains("approvers #quot;o#35;brien#lt;x#gt;#quot;@example.com, cab@example.com"),
        "{after}"
    );
    // Nothing inside a diagram can close its fence.
    let diagrams: Vec<&str> = after.split("```mermaid\n").skip(1).collect();
    assert!(diagrams[0].split("```").next().unwrap().lines().count() > 5);
}

#[test]
fn no_diagram_when_the_waves_do_not_change() {
    for name in OTHER_CASES {
        let text = markdown(&case(name));
        assert!(!text.contains("```mermaid"), "{name}\n{text}");
        assert!(!text.contains("#### Rollout"), "{name}\n{text}");
    }
}

#[test]
fn the_diagrams_are_part_of_the_comment_budget() {
    let report = case("waves-reordered");
    let full = markdown(&report);
    assert!(full.contains("```mermaid") && !full.contains("Truncated"));
    let policy_end = full.find("#### Rollout").unwrap();
    // Room for the policy table but not for the diagrams: they go, with a note.
    for limit in [policy_end + 400, policy_end + 1_000, full.len() - 1] {
        let cut = diff::render::markdown(&report, limit);
        assert!(cut.len() <= limit, "{} > {limit}", cut.len());
        assert!(!cut.contains("```mermaid"), "limit {limit}\n{cut}");
        assert!(cut.contains(&full[..policy_end]), "limit {limit}\n{cut}");
        assert!(
            cut.contains(
                "> Truncated to fit a pull-request comment: the rollout diagrams omitted."
            ),
            "limit {limit}\n{cut}"
        );
    }
    // Tables come first: too little room for the policy table drops it, not only the diagrams.
    let tiny = diff::render::markdown(&report, 400 + 200);
    assert!(
        tiny.contains("the policy table, the rollout diagrams omitted"),
        "{tiny}"
    );
}

#[test]
fn diagrams_over_mermaids_size_limit_are_left_out_with_a_reason() {
    // 400 waves: one diagram is longer than the 50,000 characters Mermaid accepts (an explicit
    // timeout keeps them within Step Functions' one-year limit whatever the default).
    let old = fixture("wave-added", "old.yaml");
    let extra: String = (0..400)
        .map(|i| {
            format!(
                "  - name: extra-{i}\n    targets:\n      accounts: [\"{:012}\"]\n      tags: {{ Team: [team-{i}-with-a-long-name] }}\n    timeout: 1h\n",
                500_000_000_000u64 + i
            )
        })
        .collect();
    let new = old.replace("notifications:", &format!("{extra}notifications:"));
    let report = compare(&valid("old.yaml", &old), &valid("many.yaml", &new));
    let text = markdown(&report);
    assert!(text.len() <= diff::render::COMMENT_LIMIT);
    assert!(!text.contains("```mermaid"), "{}", &text[..2_000]);
    assert!(
        text.contains("The waves changed; the diagrams are left out: one is longer than Mermaid's 50,000-character limit."),
        "{}",
        &text[..2_000]
    );
}
