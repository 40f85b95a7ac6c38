// The markdown format, a pull-request comment: totals, tables (risky changes first), Mermaid
// diagrams of the rollout before and after when the waves change, then each artifact's diff in
// a collapsible <details>; kept within GitHub's comment limit by leaving out whole tables, then
// the diagrams, then diff lines, always with a note, never half a table or diagram.

use super::{mermaid, words};
use crate::diff::report::{ChangeKind, DiffReport, PolicyKind};
use crate::policy::Wave;

/// GitHub's limit on a comment body, in characters (counted here in bytes, which is stricter).
pub const COMMENT_LIMIT: usize = 65_536;

/// Room kept for the closing truncation note.
const NOTE_ROOM: usize = 400;

/// The comment, at most `limit` bytes long.
pub(super) fn render(report: &DiffReport, limit: usize) -> String {
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
    // In the order shown; the tables claim room first, then the diagrams.
    let mut sections = [
        ("the policy table", policy(report)),
        ("the rollout diagrams", rollout(report)),
        ("the resources table", resources(report)),
        ("the security table", security(report)),
        ("the notes table", notes(report)),
    ];
    let mut used = out.len();
    for diagrams in [false, true] {
        for (name, section) in sections.iter_mut() {
            if section.is_empty() || (*name == "the rollout diagrams") != diagrams {
                continue;
            }
            if used + section.len() <= budget {
                used += section.len();
            } else {
                left_out.push((*name).to_owned());
                section.clear();
            }
        }
    }
    for (_, section) in &sections {
        out.push_str(section);
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
    let rows: Vec<Vec<String>> = report
        .policy_changes
        .changes
        .iter()
        .map(|c| {
            let flag = if c.is_risky() { "⚠️ " } else { "" };
            vec![
                format!("{flag}{}", marker(c.kind)),
                format!("`{}`", escape(&c.path)),
                escape(&c.summary),
                escape(&words::values(c)),
                escape(c.risk.as_deref().unwrap_or("")),
            ]
        })
        .collect();
    table(
        "Policy",
        &["", "Path", "Change", "Values", "Risk"],
        rows.iter().map(Vec::as_slice),
    )
}

/// The rollout before and after, as two Mermaid diagrams, when the waves changed in a way the
/// pictures show; waves added, removed or changed are outlined.
fn rollout(report: &DiffReport) -> String {
    let Some(waves) = &report.waves else {
        return String::new();
    };
    let before = mermaid::rollout(&waves.old, &|w| {
        waves.new.iter().find(|n| n.name == w.name) != Some(w)
            || moved(&waves.old, &waves.new, &w.name)
    });
    let after = mermaid::rollout(&waves.new, &|w| {
        waves.old.iter().find(|o| o.name == w.name) != Some(w)
            || moved(&waves.old, &waves.new, &w.name)
    });
    if before == after {
        return String::new();
    }
    let heading = "#### Rollout\n\n";
    if before.len() > mermaid::MAX_TEXT || after.len() > mermaid::MAX_TEXT {
        return format!(
            "{heading}The waves changed; the diagrams are left out: one is longer than Mermaid's 50,000-character limit.\n\n"
        );
    }
    format!(
        "{heading}The waves changed. Outlined (thick, dashed): a wave added, removed, moved or changed.\n\n**Before** ({})\n\n```mermaid\n{before}```\n\n**After**\n\n```mermaid\n{after}```\n\n",
        code(&report.base.label)
    )
}

/// Whether a wave on both sides runs after other waves of both sides than before.
fn moved(old: &[Wave], new: &[Wave], name: &str) -> bool {
    let common = |waves: &[Wave], other: &[Wave]| -> Option<Vec<String>> {
        let at = waves.iter().position(|w| w.name == name)?;
        Some(
            waves[..at]
                .iter()
                .filter(|w| other.iter().any(|o| o.name == w.name))
                .map(|w| w.name.clone())
                .collect(),
        )
    };
    match (common(old, new), common(new, old)) {
        (Some(mut before), Some(mut after)) => {
            before.sort();
            after.sort();
            before != after
        }
        _ => false,
    }
}

fn resources(report: &DiffReport) -> String {
    if report.resources.is_empty() {
        return String::new();
    }
    let mut rows: Vec<(bool, Vec<String>)> = Vec::new();
    for template in &report.resources {
        for r in &template.resources {
            let mut detail = match r.replacement_paths.is_empty() {
                true => words::changed_paths(report, &template.artifact, r).join(", "),
                false => format!(
                    "**{}** by {}",
                    r.action.verb(),
                    r.replacement_paths.join(", ")
                ),
            };
            if let Some(loss) = &r.data_loss {
                let sep = if detail.is_empty() { "" } else { " — " };
                detail.push_str(&format!("{sep}**data loss:** {loss}"));
            }
            let flag = if r.is_risky() { "⚠️ " } else { "" };
            rows.push((
                r.is_risky(),
                vec![
                    format!("{flag}{} {}", r.action.marker(), r.action.verb()),
                    format!("`{}`", escape(&template.artifact)),
                    format!("`{}`", escape(&r.logical_id)),
                    format!("`{}`", escape(&r.resource_type)),
                    escape(&detail),
                ],
            ));
        }
    }
    rows.sort_by_key(|(risky, _)| !*risky);
    table(
        "Resources",
        &["", "Artifact", "Resource", "Type", "Details"],
        rows.iter().map(|(_, row)| row.as_slice()),
    )
}

fn security(report: &DiffReport) -> String {
    if report.security.is_empty() {
        return String::new();
    }
    let rows: Vec<Vec<String>> = report
        .security
        .iter()
        .map(|c| {
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
            vec![
                format!("{flag}{}", marker(c.kind)),
                format!("`{}` {}", escape(&c.resource), escape(&c.artifact)),
                escape(&words::policy_label(c)),
                escape(&c.effect),
                escape(&c.principals.join(", ")),
                escape(&actions),
                escape(&resources),
                escape(c.condition.as_deref().unwrap_or("")),
                escape(&c.broadening.join("; ")),
            ]
        })
        .collect();
    table(
        "Security",
        &[
            "",
            "Resource",
            "Policy",
            "Effect",
            "Principal",
            "Action",
            "Resource",
            "Condition",
            "Broadening",
        ],
        rows.iter().map(Vec::as_slice),
    )
}

/// A section: its heading and a table of markdown cells (escaped by [`escape`]). A markdown
/// table row cannot break its line, so a table with a row that would reach `words::LINE_LIMIT`
/// characters is written as an HTML table instead, which GitHub shows the same: a row per line
/// when it fits, else a line per cell, long cells wrapped at spaces.
fn table<'a>(
    heading: &str,
    columns: &[&str],
    rows: impl Iterator<Item = &'a [String]> + Clone,
) -> String {
    let line = |cells: &[String]| format!("| {} |", cells.join(" | "));
    let fits = rows
        .clone()
        .all(|row| line(row).chars().count() < words::LINE_LIMIT);
    let mut t = format!("#### {heading}\n\n");
    if fits {
        t.push_str(&format!("| {} |\n", columns.join(" | ")).replace("|  |", "| |"));
        t.push_str(&format!("|{}\n", "---|".repeat(columns.len())));
        for row in rows {
            t.push_str(&line(row));
            t.push('\n');
        }
        t.push('\n');
        return t;
    }
    t.push_str("<table>\n<tr>");
    for column in columns {
        t.push_str(&format!("<th>{column}</th>"));
    }
    t.push_str("</tr>\n");
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .map(|c| format!("<td>{}</td>", to_html(c)))
            .collect();
        let joined = format!("<tr>{}</tr>", cells.concat());
        if joined.chars().count() < words::LINE_LIMIT {
            t.push_str(&joined);
            t.push('\n');
            continue;
        }
        t.push_str("<tr>\n");
        for cell in &cells {
            for piece in words::wrap(cell, 0, 0) {
                t.push_str(&piece);
                t.push('\n');
            }
        }
        t.push_str("</tr>\n");
    }
    t.push_str("</table>\n\n");
    t
}

fn notes(report: &DiffReport) -> String {
    if report.notes.is_empty() {
        return String::new();
    }
    let mut t = String::from("#### Notes\n\n");
    for note in &report.notes {
        // Continuation lines of a list item, indented, belong to the item.
        let lines = words::wrap(note, 2, 2);
        t.push_str(&format!("- {}\n", lines.join("\n  ")));
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

/// A markdown cell (written by [`escape`], with `code` spans and `**bold**`) as HTML, for a
/// cell of an HTML table, where markdown is not read.
fn to_html(cell: &str) -> String {
    let text = cell.replace("\\|", "|");
    let text = pairs(&text, "`", "<code>", "</code>");
    pairs(&text, "**", "<b>", "</b>")
}

/// `text` with each pair of `mark` replaced by `open` and `close`, in order; a last `mark`
/// without a partner stays as it is.
fn pairs(text: &str, mark: &str, open: &str, close: &str) -> String {
    let parts: Vec<&str> = text.split(mark).collect();
    let paired = (parts.len() - 1) / 2 * 2;
    let mut out = String::with_capacity(text.len() + 16);
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push_str(match (i <= paired, i % 2 == 1) {
                (true, true) => open,
                (true, false) => close,
                (false, _) => mark,
            });
        }
        out.push_str(part);
    }
    out
}

fn html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn code(text: &str) -> String {
    format!("`{}`", text.replace('`', "'"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_cells_become_html_cells() {
        assert_eq!(
            to_html(&escape("merged into `nonprod` <now> & `x` | then `")),
            "merged into <code>nonprod</code> &lt;now&gt; &amp; <code>x</code> | then `"
        );
        assert_eq!(to_html("**replaced** by a"), "<b>replaced</b> by a");
        assert_eq!(to_html("no code"), "no code");
    }

    #[test]
    fn a_table_with_a_long_row_is_html_with_a_line_per_cell() {
        let short = vec!["a".to_owned(), "`b`".to_owned()];
        let t = table("T", &["", "y"], [short.as_slice()].into_iter());
        assert_eq!(t, "#### T\n\n| | y |\n|---|---|\n| a | `b` |\n\n");
        let long = vec!["c".to_owned(), "word ".repeat(80)];
        let t = table(
            "T",
            &["", "y"],
            [short.as_slice(), long.as_slice()].into_iter(),
        );
        assert!(
            t.contains("<tr><td>a</td><td><code>b</code></td></tr>\n"),
            "{t}"
        );
        assert!(t.contains("<tr>\n<td>c</td>\n<td>word word"), "{t}");
        assert!(
            t.lines().all(|l| l.chars().count() < words::LINE_LIMIT),
            "{t}"
        );
    }
}
