// Wording shared by the human and markdown formats, so both say the same thing the same way.

use crate::diff::report::{ChangeKind, DiffReport, PolicyChange, SecurityChange};

/// `1 change` / `3 changes`.
pub fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

/// The one-line totals: `4 policy changes (2 risky); resources: 1 added, 2 modified; …`.
pub fn totals(report: &DiffReport) -> String {
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
pub fn values(change: &PolicyChange) -> String {
    match (&change.old, &change.new, change.kind) {
        (Some(o), Some(n), _) => format!("{o} → {n}"),
        (None, Some(n), _) => n.clone(),
        (Some(o), None, ChangeKind::Removed) => format!("was {o}"),
        (Some(o), None, _) => o.clone(),
        (None, None, _) => String::new(),
    }
}

/// The policy a security change sits in: `trust policy`, `IAM policy run`.
pub fn policy_label(change: &SecurityChange) -> String {
    match &change.policy_name {
        Some(name) => format!("{} {name}", change.policy_kind.label()),
        None => change.policy_kind.label().to_owned(),
    }
}

/// A list, or `*`-free placeholder when empty.
pub fn list(items: &[String]) -> String {
    if items.is_empty() {
        "—".to_owned()
    } else {
        items.join(", ")
    }
}
