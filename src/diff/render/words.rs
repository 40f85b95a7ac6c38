// Wording shared by the human and markdown formats, so both say the same thing the same way.

use crate::diff::report::{ChangeKind, DiffReport, PolicyChange, ResourceChange, SecurityChange};

/// `1 change` / `3 changes`.
pub(super) fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

/// The one-line totals: `4 policy changes (2 risky); resources: 1 added, 2 modified; …`.
pub(super) fn totals(report: &DiffReport) -> String {
    let c = &report.counts;
    let mut parts = Vec::new();
    if report.policy_changes.available {
        parts.push(plural(c.policy, "policy change", "policy changes"));
    }
    let resources: Vec<String> = [
        (c.added, "added"),
        (c.modified, "modified"),
        (c.replaced, "replaced"),
        (c.removed, "removed"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, w)| format!("{n} {w}"))
    .collect();
    if !resources.is_empty() {
        parts.push(format!("resources: {}", resources.join(", ")));
    }
    if c.security > 0 {
        parts.push(plural(c.security, "security change", "security changes"));
    }
    parts.push(plural(c.artifacts, "artifact changed", "artifacts changed"));
    let mut line = parts.join("; ");
    if c.risky > 0 {
        line.push_str(&format!(" — {} risky", c.risky));
    }
    line
}

/// A policy change's values: `25% → 50%`, `+ a, b`, `- a`.
pub(super) fn values(change: &PolicyChange) -> String {
    match (&change.old, &change.new, change.kind) {
        (Some(o), Some(n), _) => format!("{o} → {n}"),
        (None, Some(n), _) => n.clone(),
        (Some(o), None, ChangeKind::Removed) => format!("was {o}"),
        (Some(o), None, _) => o.clone(),
        (None, None, _) => String::new(),
    }
}

/// The policy a security change sits in: `trust policy`, `IAM policy run`.
pub(super) fn policy_label(change: &SecurityChange) -> String {
    match &change.policy_name {
        Some(name) => format!("{} {name}", change.policy_kind.label()),
        None => change.policy_kind.label().to_owned(),
    }
}

/// A list, or `*`-free placeholder when empty.
pub(super) fn list(items: &[String]) -> String {
    if items.is_empty() {
        "—".to_owned()
    } else {
        items.join(", ")
    }
}

/// Every line the human and markdown formats print is shorter than this, in characters (the
/// same limit as the text diff's).
pub(super) const LINE_LIMIT: usize = crate::diff::unified::LINE_LIMIT;
/// A line that would reach [`LINE_LIMIT`] is wrapped into lines at most this wide.
pub(super) const WRAP_WIDTH: usize = crate::diff::unified::FOLD_WIDTH;

/// `text` as the pieces of one or more lines: whole when `lead` characters before it leave the
/// line shorter than [`LINE_LIMIT`]; otherwise wrapped at spaces so that each line, the first
/// after its `lead` and the others after `indent` characters, is at most [`WRAP_WIDTH`] wide.
/// A word too long for a line is cut (never inside an HTML tag or entity).
pub(super) fn wrap(text: &str, lead: usize, indent: usize) -> Vec<String> {
    if lead + text.chars().count() < LINE_LIMIT {
        return vec![text.to_owned()];
    }
    let room = |first: bool| {
        WRAP_WIDTH
            .saturating_sub(if first { lead } else { indent })
            .max(40)
    };
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut current_len = 0;
    for word in text.split(' ') {
        let mut word = word;
        loop {
            let width = room(lines.is_empty());
            let word_len = word.chars().count();
            let needed = if current.is_empty() {
                word_len
            } else {
                current_len + 1 + word_len
            };
            if needed <= width {
                if !current.is_empty() {
                    current.push(' ');
                    current_len += 1;
                }
                current.push_str(word);
                current_len += word_len;
                break;
            }
            if !current.is_empty() {
                lines.push(std::mem::take(&mut current));
                current_len = 0;
                continue;
            }
            // A word longer than a whole line: cut it.
            let cut = cut_point(word, width);
            lines.push(word[..cut].to_owned());
            word = &word[cut..];
            if word.is_empty() {
                break;
            }
        }
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(current);
    }
    lines
}

/// Where to cut a word to keep `width` characters: not inside `<…>` or `&…;`.
fn cut_point(word: &str, width: usize) -> usize {
    let hard = word
        .char_indices()
        .nth(width)
        .map_or(word.len(), |(i, _)| i);
    let head = &word[..hard];
    let open_tag = head.rfind('<').filter(|&i| !head[i..].contains('>'));
    let open_entity = head.rfind('&').filter(|&i| !head[i..].contains(';'));
    match open_tag.into_iter().chain(open_entity).min() {
        Some(i) if i > 0 => i,
        _ => hard,
    }
}

/// A resource's changed paths for reading: a path holding a copy of another artifact says which
/// (`Properties.Definition (see orchestrator.asl.json)`), since its changes are listed there.
pub(super) fn changed_paths(
    report: &DiffReport,
    artifact: &str,
    resource: &ResourceChange,
) -> Vec<String> {
    let copies: Vec<(String, &str)> = report
        .artifacts
        .iter()
        .filter(|a| a.path == artifact)
        .flat_map(|a| &a.embedded)
        .filter_map(|e| {
            let (id, path) = crate::diff::embedded::resource_property(&e.pointer)?;
            (id == resource.logical_id).then_some((path, e.artifact.as_str()))
        })
        .collect();
    resource
        .changed_paths
        .iter()
        .map(|path| match copies.iter().find(|(p, _)| p == path) {
            Some((_, record)) => format!("{path} (see {record})"),
            None => path.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_stays_whole_and_long_text_wraps_at_spaces() {
        assert_eq!(wrap("a b c", 10, 4), vec!["a b c"]);
        let text = "word ".repeat(60);
        let text = text.trim_end();
        let lines = wrap(text, 20, 8);
        assert!(lines.len() > 1);
        assert!(lines[0].chars().count() + 20 <= WRAP_WIDTH);
        assert!(
            lines[1..]
                .iter()
                .all(|l| l.chars().count() + 8 <= WRAP_WIDTH)
        );
        assert_eq!(lines.join(" "), text);
    }

    #[test]
    fn a_word_longer_than_a_line_is_cut_outside_tags_and_entities() {
        let long = format!("{}&amp;<code>{}", "x".repeat(150), "y".repeat(100));
        let lines = wrap(&long, 0, 0);
        assert_eq!(lines.concat(), long);
        assert!(lines.iter().all(|l| l.chars().count() <= WRAP_WIDTH));
        assert!(lines[0].ends_with("&amp;"), "{lines:?}");
        assert!(lines[1].starts_with("<code>"), "{lines:?}");
        let entity = format!("{}&amp;{}", "x".repeat(157), "y".repeat(100));
        let lines = wrap(&entity, 0, 0);
        assert!(
            lines[0].ends_with('x') && lines[1].starts_with("&amp;"),
            "{lines:?}"
        );
    }
}
