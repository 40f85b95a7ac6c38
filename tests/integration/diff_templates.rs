// Resource, security and artifact levels: a hand-written pair of generated trees (replacements,
// data loss, broadened IAM, a reformatted-only document), snapshotted in all three formats.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use patchform::cli::DiffFormat;
use patchform::diff::report::ResourceAction;
use patchform::diff::{self, Base, BaseKind, DiffReport, Side};
use std::path::Path;

/// The hand-written template pair (tests/fixtures/diff/templates), compared as committed trees.
pub(crate) fn report() -> DiffReport {
    let root = Path::new("tests/fixtures/diff/templates");
    let read = |side: &str| {
        patchform::commands::diff::read_generated(&root.join(side), "acme-fleet")
            .expect("readable")
            .expect("present")
    };
    let (old, new) = (read("old"), read("new"));
    diff::compare(
        Base {
            kind: BaseKind::Generated,
            label: "generated/acme-fleet/".to_owned(),
        },
        Side {
            policy: None,
            artifacts: &old,
        },
        Side {
            policy: None,
            artifacts: &new,
        },
        Vec::new(),
    )
}

#[test]
fn template_changes_in_every_format() {
    let report = report();
    for (format, name) in [
        (DiffFormat::Human, "human"),
        (DiffFormat::Markdown, "markdown"),
        (DiffFormat::Json, "json"),
    ] {
        insta::assert_snapshot!(
            format!("templates__{name}"),
            diff::render::to_string(&report, format)
        );
    }
}

#[test]
fn replacements_data_loss_and_broadening_are_found() {
    let report = report();
    let find = |id: &str| {
        report
            .resources
            .iter()
            .flat_map(|t| &t.resources)
            .find(|r| r.logical_id == id)
            .unwrap_or_else(|| panic!("{id} changed"))
    };
    assert_eq!(find("LogBucket").action, ResourceAction::Replace);
    assert!(find("LogBucket").data_loss.is_some());
    assert_eq!(find("HistoryTable").action, ResourceAction::Remove);
    assert!(find("HistoryTable").data_loss.is_some());
    assert_eq!(find("AuditTable").action, ResourceAction::Modify);
    assert_eq!(find("Key").action, ResourceAction::UpdateFails);
    assert_eq!(
        find("BaselineAmazonLinux2023").action,
        ResourceAction::Replace
    );
    assert_eq!(find("ApprovalRole").action, ResourceAction::Add);
    assert!(report.security.iter().any(|s| s.is_broadening()));
    // The runbook was only reformatted.
    assert!(
        report
            .artifacts
            .iter()
            .all(|a| a.path != "documents/wave-runbook.yaml")
    );
    assert!(report.risky);
}

#[test]
fn markdown_stays_within_the_limit_and_never_cuts_a_table() {
    let report = report();
    let full = diff::render::markdown(&report, diff::render::COMMENT_LIMIT);
    assert!(!full.contains("Truncated"));
    for limit in [1_500, 3_000, 5_000, 8_000] {
        let cut = diff::render::markdown(&report, limit);
        assert!(cut.len() <= limit, "{} > {limit}", cut.len());
        assert!(
            cut.contains("Truncated to fit"),
            "limit {limit} notes truncation"
        );
        // Every table present is the full table.
        for heading in ["#### Policy", "#### Resources", "#### Security"] {
            if let Some(start) = full.find(heading) {
                let end = full[start..]
                    .find("\n\n#### ")
                    .map_or(full.len(), |e| start + e);
                let table = &full[start..end];
                assert!(
                    !cut.contains(heading) || cut.contains(table),
                    "{heading} is whole at limit {limit}"
                );
            }
        }
        assert_eq!(
            cut.matches("<details>").count(),
            cut.matches("</details>").count()
        );
    }
}
