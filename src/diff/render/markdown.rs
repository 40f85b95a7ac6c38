// The markdown format, a pull-request comment: totals, tables (risky changes first), then each
// artifact's diff in a collapsible <details>; kept within GitHub's comment limit by leaving out
// whole tables and then diff lines, always with a note, never half a table.

use super::words;
use crate::diff::report::{ChangeKind, DiffReport, PolicyKind};

/// GitHub's limit on a comment body, in characters (counted here in bytes, which is stricter).
pub const COMMENT_LIMIT: usize = 65_536;

/// Room kept for the closing truncation note.
const NOTE_ROOM: usize = 400;

/// The comment, at most `limit` bytes long.
pub fn render(report: &DiffReport, limit: usize) -> String {
    let mut out = format!(
        "### patchform diff: `{}` against {}\n\n",
        report.policy,
        code(&report.base.label)
    );
    if !report.changed {
        out.push_str("No changes.\n");
        out.push_str(&notes(report));
        return out;
    }
    out.push_str(&format!("**{}**\n\n", escape(&words::totals(report))));
    if report.risky {
        out.push_str(&format!(
            "> [!WARNING]\n> {}: they widen the blast radius, remove a safety gate, lose data or broaden permissions.\n\n",
            words::plural(report.counts.risky, "risky change", "risky changes")
        ));
    }
    let budget = limit.saturating_sub(NOTE_ROOM);
    let mut left_out: Vec<String> = Vec::new();
    for (name, section) in [
        ("policy", policy(report)),
        ("resources", resources(report)),
        ("security", security(report)),
        ("notes", notes(report)),
    ] {
        if section.is_empty() {
            continue;
        }
        if out.len() + section.len() <= budget {
            out.push_str(&section);
        } else {
            left_out.push(format!("the {name} table"));
        }
    }
    let mut diffs_left = 0;
    if !report.artifacts.is_empty() {
        let heading = "#### Artifacts\n\n";
        if out.len() + heading.len() < budget {
            out.push_str(heading);
        }
        for (i, artifact) in report.artifacts.iter().enumerate() {
            let block = details(
                &artifact.path,
                artifact.status,
                artifact.lines_added,
                artifact.lines_removed,
                &artifact.unified_diff,
            );
            if out.len() + block.len() <= budget {
                out.push_str(&block);
                continue;
            }
            // Cut this diff at a line boundary to fill the room left, then stop.
            let room = budget.saturating_sub(out.len());
            if let Some(cut) = truncated(artifact, room) {
                out.push_str(&cut);
                diffs_left = report.artifacts.len() - i - 1;
            } else {
                diffs_left = report.artifacts.len() - i;
            }
            left_out.push("part of the artifact diffs".to_owned());
            break;
        }
    }
    if !left_out.is_empty() {
        let more = if diffs_left > 0 {
            format!(
                " ({} left out)",
                words::plural(diffs_left, "artifact diff", "artifact diffs")
            )
        } else {
            String::new()
        };
        out.push_str(&format!(
            "\n> [!NOTE]\n> Truncated to fit a pull-request comment: {} omitted{more}. Run `patchform diff` locally or read the job log for everything.\n",
            left_out.join(", ")
        ));
    }
    out
}

fn policy(report: &DiffReport) -> String {
    if report.policy_changes.changes.is_empty() {
        return String::new();
    }
    let mut t =
        String::from("#### Policy\n\n| | Path | Change | Values | Risk |\n|---|---|---|---|---|\n");
    for c in &report.policy_changes.changes {
        let flag = if c.is_risky() { "⚠️ " } else { "" };
        t.push_str(&format!(
            "| {flag}{} | `{}` | {} | {} | {} |\n",
            marker(c.kind),
            escape(&c.path),
            escape(&c.summary),
            escape(&words::values(c)),
            escape(c.risk.as_deref().unwrap_or(""))
        ));
    }
    t.push('\n');
    t
}

fn resources(report: &DiffReport) -> String {
    if report.resources.is_empty() {
        return String::new();
    }
    let mut rows: Vec<(bool, String)> = Vec::new();
    for template in &report.resources {
        for r in &template.resources {
            let mut detail = match r.replacement_paths.is_empty() {
                true => r.changed_paths.join(", "),
                false => format!(
                    "**{}** by {}",
                    r.action.verb(),
                    r.replacement_paths.join(", ")
                ),
            };
            if let Some(loss) = &r.data_loss {
                detail.push_str(&format!(" — **data loss:** {loss}"));
            }
            let flag = if r.is_risky() { "⚠️ " } else { "" };
            rows.push((
                r.is_risky(),
                format!(
                    "| {flag}{} {} | `{}` | `{}` | `{}` | {} |\n",
                    r.action.marker(),
                    r.action.verb(),
                    escape(&template.artifact),
                    escape(&r.logical_id),
                    escape(&r.resource_type),
                    escape(&detail)
                ),
            ));
        }
    }
    rows.sort_by_key(|(risky, _)| !*risky);
    let mut t = String::from(
        "#### Resources\n\n| | Artifact | Resource | Type | Details |\n|---|---|---|---|---|\n",
    );
    for (_, row) in rows {
        t.push_str(&row);
    }
    t.push('\n');
    t
}

fn security(report: &DiffReport) -> String {
    if report.security.is_empty() {
        return String::new();
    }
    let mut t = String::from(
        "#### Security\n\n| | Resource | Policy | Effect | Principal | Action | Resource | Condition | Broadening |\n|---|---|---|---|---|---|---|---|---|\n",
    );
    for c in &report.security {
        let flag = if c.is_broadening() { "⚠️ " } else { "" };
        let (actions, resources) = if c.policy_kind == PolicyKind::ManagedPolicyAttachment {
            (
                if c.kind == ChangeKind::Added {
                    "attached"
                } else {
                    "detached"
                }
                .to_owned(),
                String::new(),
            )
        } else {
            (words::list(&c.actions), words::list(&c.resources))
        };
        t.push_str(&format!(
            "| {flag}{} | `{}` {} | {} | {} | {} | {} | {} | {} | {} |\n",
            marker(c.kind),
            escape(&c.resource),
            escape(&c.artifact),
            escape(&words::policy_label(c)),
            escape(&c.effect),
            escape(&c.principals.join(", ")),
            escape(&actions),
            escape(&resources),
            escape(c.condition.as_deref().unwrap_or("")),
            escape(&c.broadening.join("; "))
        ));
    }
    t.push('\n');
    t
}

fn notes(report: &DiffReport) -> String {
    if report.notes.is_empty() {
        return String::new();
    }
    let mut t = String::from("#### Notes\n\n");
    for note in &report.notes {
        t.push_str(&format!("- {note}\n"));
    }
    t.push('\n');
    t
}

fn summary_line(
    path: &str,
    status: crate::diff::report::ArtifactStatus,
    added: usize,
    removed: usize,
) -> String {
    let status = match status {
        crate::diff::report::ArtifactStatus::Added => "added",
        crate::diff::report::ArtifactStatus::Removed => "removed",
        crate::diff::report::ArtifactStatus::Modified => "modified",
    };
    format!(
        "<summary><code>{}</code> {status} (+{added} −{removed})</summary>",
        html(path)
    )
}

fn details(
    path: &str,
    status: crate::diff::report::ArtifactStatus,
    added: usize,
    removed: usize,
    diff: &str,
) -> String {
    let fence = fence(diff);
    format!(
        "<details>\n{}\n\n{fence}diff\n{}{}{fence}\n\n</details>\n\n",
        summary_line(path, status, added, removed),
        diff,
        if diff.ends_with('\n') || diff.is_empty() {
            ""
        } else {
            "\n"
        }
    )
}

/// The artifact's block with as many diff lines as fit in `room`, and a line saying how many
/// were left out; `None` when not even the frame fits.
fn truncated(artifact: &crate::diff::report::ArtifactChange, room: usize) -> Option<String> {
    let lines: Vec<&str> = artifact.unified_diff.lines().collect();
    let frame = |kept: &str, left: usize| {
        details(
            &artifact.path,
            artifact.status,
            artifact.lines_added,
            artifact.lines_removed,
            &format!("{kept}… {left} more diff lines left out\n"),
        )
    };
    if frame("", lines.len()).len() > room {
        return None;
    }
    let mut kept = String::new();
    let mut count = 0;
    for line in &lines {
        let candidate_len = kept.len() + line.len() + 1;
        if frame("", 0).len() + candidate_len + 8 > room {
            break;
        }
        kept.push_str(line);
        kept.push('\n');
        count += 1;
    }
    Some(frame(&kept, lines.len() - count))
}

/// A backtick fence longer than any run of backticks in `text`.
fn fence(text: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    "`".repeat((longest + 1).max(3))
}

fn marker(kind: ChangeKind) -> &'static str {
    match kind {
        ChangeKind::Added => "+",
        ChangeKind::Removed => "−",
        ChangeKind::Modified => "~",
    }
}

/// Text safe inside a table cell: no pipes, no line breaks, no HTML.
fn escape(text: &str) -> String {
    html(text).replace('|', "\\|").replace(['\n', '\r'], " ")
}

fn html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn code(text: &str) -> String {
    format!("`{}`", text.replace('`', "'"))
}
