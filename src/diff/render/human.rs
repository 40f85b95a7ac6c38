// The human format: headings, `+ ~ ! -` markers, risky changes first, coloured unified diffs on a
// terminal.

use super::style::Style;
use super::words;
use crate::diff::report::{ChangeKind, DiffReport, PolicyKind, ResourceAction};
use std::io::{self, Write};

/// Write the report for a person at a terminal.
pub fn render(report: &DiffReport, color: bool, out: &mut dyn Write) -> io::Result<()> {
    let s = Style::new(color);
    if !report.changed {
        writeln!(
            out,
            "No changes: `{}` compiles to the same as {}.",
            report.policy, report.base.label
        )?;
        return notes(report, s, out);
    }
    writeln!(
        out,
        "{}",
        s.bold(&format!(
            "patchform diff `{}` against {}",
            report.policy, report.base.label
        ))
    )?;
    writeln!(out, "{}", words::totals(report))?;
    policy(report, s, out)?;
    resources(report, s, out)?;
    security(report, s, out)?;
    notes(report, s, out)?;
    artifacts(report, s, out)
}

fn marker(kind: ChangeKind, s: Style) -> String {
    let m = kind.marker().to_string();
    match kind {
        ChangeKind::Added => s.green(&m),
        ChangeKind::Removed => s.red(&m),
        ChangeKind::Modified => s.yellow(&m),
    }
}

fn policy(report: &DiffReport, s: Style, out: &mut dyn Write) -> io::Result<()> {
    if !report.policy_changes.available || report.policy_changes.changes.is_empty() {
        return Ok(());
    }
    writeln!(out, "\n{}", s.bold("Policy"))?;
    for change in &report.policy_changes.changes {
        let values = words::values(change);
        let values = if values.is_empty() {
            String::new()
        } else {
            format!(" ({values})")
        };
        writeln!(
            out,
            "  {} {}: {}{}",
            marker(change.kind, s),
            s.bold(&change.path),
            change.summary,
            values
        )?;
        if let Some(risk) = &change.risk {
            writeln!(out, "      {} {risk}", s.magenta("risky:"))?;
        }
    }
    Ok(())
}

fn resources(report: &DiffReport, s: Style, out: &mut dyn Write) -> io::Result<()> {
    if report.resources.is_empty() {
        return Ok(());
    }
    writeln!(out, "\n{}", s.bold("Resources"))?;
    for template in &report.resources {
        writeln!(out, "  {}", s.bold(&template.artifact))?;
        let width = template
            .resources
            .iter()
            .map(|r| r.resource_type.len())
            .max()
            .unwrap_or(0);
        for r in &template.resources {
            let m = r.action.marker().to_string();
            let m = match r.action {
                ResourceAction::Add => s.green(&m),
                ResourceAction::Remove => s.red(&m),
                ResourceAction::Modify => s.yellow(&m),
                ResourceAction::Replace | ResourceAction::UpdateFails => s.magenta(&m),
            };
            let detail = match r.action {
                ResourceAction::Modify => r.changed_paths.join(", "),
                ResourceAction::Replace => format!("replaced: {}", r.replacement_paths.join(", ")),
                ResourceAction::UpdateFails => {
                    format!(
                        "update fails: {} cannot change",
                        r.replacement_paths.join(", ")
                    )
                }
                _ => String::new(),
            };
            let detail = if detail.is_empty() {
                String::new()
            } else {
                format!("  {}", s.dim(&detail))
            };
            writeln!(
                out,
                "    {m} {:width$}  {}{detail}",
                r.resource_type, r.logical_id
            )?;
            if let Some(loss) = &r.data_loss {
                writeln!(out, "        {} {loss}", s.magenta("data loss:"))?;
            }
        }
    }
    Ok(())
}

fn security(report: &DiffReport, s: Style, out: &mut dyn Write) -> io::Result<()> {
    if report.security.is_empty() {
        return Ok(());
    }
    writeln!(out, "\n{}", s.bold("Security"))?;
    for c in &report.security {
        let where_ = format!("{} {} ({})", c.artifact, c.resource, words::policy_label(c));
        if c.policy_kind == PolicyKind::ManagedPolicyAttachment {
            let verb = if c.kind == ChangeKind::Added {
                "attached"
            } else {
                "detached"
            };
            writeln!(
                out,
                "  {} {}: managed policy {verb}",
                marker(c.kind, s),
                where_
            )?;
        } else {
            writeln!(out, "  {} {}: {}", marker(c.kind, s), where_, c.effect)?;
            if !c.principals.is_empty() {
                writeln!(out, "      principal: {}", c.principals.join(", "))?;
            }
            writeln!(out, "      action:    {}", words::list(&c.actions))?;
            writeln!(out, "      resource:  {}", words::list(&c.resources))?;
            if let Some(condition) = &c.condition {
                writeln!(out, "      condition: {condition}")?;
            }
        }
        if c.is_broadening() {
            writeln!(
                out,
                "      {} {}",
                s.magenta("broadening:"),
                c.broadening.join("; ")
            )?;
        }
    }
    Ok(())
}

fn notes(report: &DiffReport, s: Style, out: &mut dyn Write) -> io::Result<()> {
    if report.notes.is_empty() {
        return Ok(());
    }
    writeln!(out, "\n{}", s.bold("Notes"))?;
    for note in &report.notes {
        writeln!(out, "  - {note}")?;
    }
    Ok(())
}

fn artifacts(report: &DiffReport, s: Style, out: &mut dyn Write) -> io::Result<()> {
    if report.artifacts.is_empty() {
        return Ok(());
    }
    writeln!(out, "\n{}", s.bold("Artifacts"))?;
    for artifact in &report.artifacts {
        for line in artifact.unified_diff.lines() {
            let painted = if line.starts_with("+++") || line.starts_with("---") {
                s.bold(line)
            } else if line.starts_with('+') {
                s.green(line)
            } else if line.starts_with('-') {
                s.red(line)
            } else if line.starts_with("@@") {
                s.cyan(line)
            } else {
                line.to_owned()
            };
            writeln!(out, "{painted}")?;
        }
    }
    Ok(())
}
