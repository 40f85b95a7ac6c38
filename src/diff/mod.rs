// `patchform diff`'s engine: compare two sides (a policy and what it compiles to) at four levels
// — policy summary, resources, security, artifact text — into one DiffReport that every output
// format renders.

mod artifact_diff;
mod baseline_diff;
pub mod committed;
pub(crate) mod embedded;
mod iam_statement;
mod magnitude;
mod parsed;
mod policy_diff;
pub mod render;
mod replacement;
pub mod report;
mod resource_diff;
mod security_diff;
pub(crate) mod unified;
mod unworded;
mod value_paths;
mod wave_diff;

pub use parsed::parse_text;
pub use report::{Base, BaseKind, DiffReport};

use crate::artifact::{ArtifactKind, Artifacts};
use crate::policy::Policy;
use report::{ArtifactStatus, Counts, PolicySummary, ResourceAction, TemplateChanges, WavesChange};

/// One side of a comparison.
#[derive(Debug, Clone, Copy)]
pub struct Side<'a> {
    /// The policy, when it is known (not for committed artifacts without a policy copy, nor for AWS).
    pub policy: Option<&'a Policy>,
    /// What that side consists of; empty when it does not exist (all-added).
    pub artifacts: &'a Artifacts,
}

/// Compare `old` with `new`. `notes` are facts about the comparison the caller found (a side that
/// does not exist yet); the report adds its own.
pub fn compare(base: Base, old: Side<'_>, new: Side<'_>, mut notes: Vec<String>) -> DiffReport {
    let policy_changes = match (old.policy, new.policy) {
        (Some(o), Some(n)) => PolicySummary {
            available: true,
            changes: policy_diff::compare(o, n),
        },
        _ => PolicySummary {
            available: false,
            changes: Vec::new(),
        },
    };
    let waves = match (old.policy, new.policy) {
        (Some(o), Some(n)) if o.waves != n.waves => Some(WavesChange {
            old: o.waves.clone(),
            new: n.waves.clone(),
        }),
        _ => None,
    };
    let (artifacts, embedded_notes) = artifact_diff::compare(old.artifacts, new.artifacts);
    notes.extend(embedded_notes);
    let mut resources = Vec::new();
    let mut security = Vec::new();
    for change in &artifacts {
        if !is_template(old.artifacts, new.artifacts, &change.path) {
            continue;
        }
        let parse = |set: &Artifacts| {
            set.get(&change.path)
                .and_then(|a| parsed::parse_text(&a.path, &a.content))
        };
        let (before, after) = (parse(old.artifacts), parse(new.artifacts));
        if change.status == ArtifactStatus::Modified && (before.is_none() || after.is_none()) {
            notes.push(format!(
                "`{}` does not parse as YAML or JSON: compared as text only",
                change.path
            ));
        }
        let mut changed = resource_diff::compare(before.as_ref(), after.as_ref());
        // A copy of another artifact changed: one path, its own changes are in that artifact.
        for (resource, path) in change
            .embedded
            .iter()
            .filter_map(|e| embedded::resource_property(&e.pointer))
        {
            for r in changed.iter_mut().filter(|r| r.logical_id == resource) {
                embedded::fold_paths(&mut r.changed_paths, &path);
                embedded::fold_paths(&mut r.replacement_paths, &path);
            }
        }
        if !changed.is_empty() {
            resources.push(TemplateChanges {
                artifact: change.path.clone(),
                resources: changed,
            });
        }
        security.extend(security_diff::compare(
            &change.path,
            before.as_ref(),
            after.as_ref(),
        ));
    }
    // Risky and broadening first; otherwise template order.
    security.sort_by_key(|c| !c.is_broadening());

    let mut counts = Counts {
        policy: policy_changes.changes.len(),
        security: security.len(),
        artifacts: artifacts.len(),
        ..Counts::default()
    };
    for resource in resources.iter().flat_map(|t| &t.resources) {
        match resource.action {
            ResourceAction::Add => counts.added += 1,
            ResourceAction::Modify => counts.modified += 1,
            ResourceAction::Replace | ResourceAction::UpdateFails => counts.replaced += 1,
            ResourceAction::Remove => counts.removed += 1,
        }
    }
    counts.risky = policy_changes
        .changes
        .iter()
        .filter(|c| c.is_risky())
        .count()
        + resources
            .iter()
            .flat_map(|t| &t.resources)
            .filter(|r| r.is_risky())
            .count()
        + security.iter().filter(|s| s.is_broadening()).count();
    let changed = !artifacts.is_empty() || !policy_changes.changes.is_empty();
    if !policy_changes.available && changed {
        notes.push(match base.kind {
            BaseKind::Deployed => "the deployed stacks do not record the policy: policy-level summary skipped".to_owned(),
            _ => "no copy of the old policy: policy-level summary skipped (use --base REF to compare policies)".to_owned(),
        });
    }
    DiffReport {
        schema_version: report::SCHEMA_VERSION,
        policy: new.artifacts.policy_name.clone(),
        base,
        changed,
        risky: counts.risky > 0,
        counts,
        policy_changes,
        resources,
        security,
        artifacts,
        notes,
        waves,
    }
}

fn is_template(old: &Artifacts, new: &Artifacts, path: &str) -> bool {
    new.get(path).or_else(|| old.get(path)).is_some_and(|a| {
        matches!(
            a.kind,
            ArtifactKind::HubTemplate | ArtifactKind::SpokeTemplate
        )
    })
}
