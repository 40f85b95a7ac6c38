// Policy-level summaries: one fixture pair per kind of policy edit, snapshotted in all three formats.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use patchform::artifact::Artifacts;
use patchform::cli::DiffFormat;
use patchform::diff::{self, Base, BaseKind, Side};
use patchform::policy::Policy;
use std::path::Path;

const CASES: &[&str] = &[
    "wave-added",
    "wave-removed",
    "waves-reordered",
    "wave-merged-earlier",
    "targets-changed",
    "rates-raised",
    "rates-lowered",
    "approval-added",
    "approval-removed",
    "schedule-changed",
    "baseline-loosened",
    "baseline-tightened",
    "bedrock-remediation-switched",
    "tolerance-raised",
];

fn policy(path: &Path) -> Policy {
    let validated = patchform::validator::validate_path(path);
    validated
        .policy
        .unwrap_or_else(|| panic!("{} is a valid policy", path.display()))
}

/// The report of one case, at the policy level only (no artifacts on either side, so the
/// snapshots do not follow template changes).
fn report(case: &str) -> diff::DiffReport {
    let dir = Path::new("tests/fixtures/diff").join(case);
    let (old, new) = (policy(&dir.join("old.yaml")), policy(&dir.join("new.yaml")));
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
            policy: Some(&old),
            artifacts: &empty,
        },
        Side {
            policy: Some(&new),
            artifacts: &empty,
        },
        Vec::new(),
    )
}

#[test]
fn every_kind_of_policy_edit_in_every_format() {
    for case in CASES {
        let report = report(case);
        assert!(report.changed, "{case} shows changes");
        for (format, name) in [
            (DiffFormat::Human, "human"),
            (DiffFormat::Markdown, "markdown"),
            (DiffFormat::Json, "json"),
        ] {
            insta::assert_snapshot!(
                format!("{case}__{name}"),
                diff::render::to_string(&report, format)
            );
        }
    }
}

#[test]
fn risky_flags_follow_the_kind_of_edit() {
    let risky = |case: &str| report(case).risky;
    for case in [
        "waves-reordered",
        "wave-merged-earlier",
        "rates-raised",
        "approval-removed",
        "baseline-loosened",
        "bedrock-remediation-switched",
        "tolerance-raised",
        "targets-changed",
    ] {
        assert!(risky(case), "{case} is risky");
    }
    for case in [
        "wave-added",
        "wave-removed",
        "rates-lowered",
        "approval-added",
        "schedule-changed",
        "baseline-tightened",
    ] {
        assert!(!risky(case), "{case} is not risky");
    }
}

#[test]
fn reformatting_a_policy_is_no_change() {
    let report = report("reformatted");
    assert!(!report.changed);
    assert!(report.policy_changes.changes.is_empty());
}
