// The human format: headings, `+ ~ ! -` markers, risky changes first, coloured unified diffs on a
// terminal.

use super::style::Style;
use super::words;
use crate::diff::report::{ChangeKind, DiffReport, PolicyKind, ResourceAction};
use std::io::{self, Write};

/// Write the report for a person at a terminal.
pub(super) fn render(report: &DiffReport, color: bool, out: &mut dyn Write) -> io::Result<()> {
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
        wrapped(
            out,
            &format!("  {} {}: ", marker(change.kind, s), s.bold(&change.path)),
            6 + change.path.chars().count(),
            &format!("{}{values}", change.summary),
            6,
            &str::to_owned,
        )?;
        if let Some(risk) = &change.risk {
            let lead = format!("      {} ", s.magenta("risky:"));
            wrapped(out, &lead, 13, risk, 13, &str::to_owned)?;
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
                ResourceAction::Modify => {
                    words::changed_paths(report, &template.artifact, r).join(", ")
                }
                ResourceAction::Replace => format!("replaced: {}", r.replacement_paths.join(", ")),
                ResourceAction::UpdateFails => {
                    format!(
                        "update fails: {} cannot change",
                        r.replacement_paths.join(", ")
                    )
                }
                _ => String::new(),
            };
            let lead = format!("    {m} {:width$}  {}", r.resource_type, r.logical_id);
            if detail.is_empty() {
                writeln!(out, "{lead}")?;
            } else {
                let lead_width = 6 + width + 2 + r.logical_id.chars().count() + 2;
                wrapped(out, &format!("{lead}  "), lead_width, &detail, 8, &|t| {
                    s.dim(t)
                })?;
            }
            if let Some(loss) = &r.data_loss {
                let lead = format!("        {} ", s.magenta("data loss:"));
                wrapped(out, &lead, 19, loss, 19, &str::to_owned)?;
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
            wrapped(
                out,
                &format!("  {} ", marker(c.kind, s)),
                4,
                &format!("{where_}: managed policy {verb}"),
                6,
                &str::to_owned,
            )?;
        } else {
            wrapped(
                out,
                &format!("  {} ", marker(c.kind, s)),
                4,
                &format!("{where_}: {}", c.effect),
                6,
                &str::to_owned,
            )?;
            let mut fields = Vec::new();
            if !c.principals.is_empty() {
                fields.push(("principal: ", c.principals.join(", ")));
            }
            fields.push(("action:    ", words::list(&c.actions)));
            fields.push(("resource:  ", words::list(&c.resources)));
            if let Some(condition) = &c.condition {
                fields.push(("condition: ", condition.clone()));
            }
            for (label, value) in fields {
                wrapped(
                    out,
                    &format!("      {label}"),
                    17,
                    &value,
                    17,
                    &str::to_owned,
                )?;
            }
        }
        if c.is_broadening() {
            let lead = format!("      {} ", s.magenta("broadening:"));
            wrapped(out, &lead, 18, &c.broadening.join("; "), 18, &str::to_owned)?;
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
        wrapped(out, "  - ", 4, note, 4, &str::to_owned)?;
    }
    Ok(())
}

/// `lead` (shown `lead_width` characters wide) then `text`, wrapped when the line would be too
/// long for a screen (see `words::wrap`), continuation lines indented by `indent` spaces; `paint`
/// styles each piece of `text`.
fn wrapped(
    out: &mut dyn Write,
    lead: &str,
    lead_width: usize,
    text: &str,
    indent: usize,
    paint: &dyn Fn(&str) -> String,
) -> io::Result<()> {
    for (i, piece) in words::wrap(text, lead_width, indent).iter().enumerate() {
        if i == 0 {
            writeln!(out, "{lead}{}", paint(piece))?;
        } else {
            writeln!(out, "{:indent$}{}", "", paint(piece))?;
        }
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
