// The plan's review: the same summary `patchform diff --deployed` prints, then the deploy steps.

use super::bucket::{ArtifactBucket, BucketAction, PROPERTIES};
use super::console::Console;
use super::hub::HubAction;
use super::org_tree::OrgTree;
use super::rollout::{Rollout, StepKind};
use super::stack_set::StackSetAction;
use crate::artifact::{Artifact, ArtifactKind, Artifacts};
use crate::diff::render::DiffFormat;
use crate::diff::{self, Base, BaseKind, Side};
use crate::policy::Policy;
use std::collections::BTreeSet;

/// The deployed hub and spoke templates beside the compiled ones, as a diff report rendered
/// like `patchform diff --deployed`.
pub(super) fn print_template_diff(
    console: &mut Console<'_>,
    policy: &Policy,
    compiled: &Artifacts,
    deployed_hub: Option<&str>,
    deployed_spoke: Option<&str>,
) -> std::io::Result<()> {
    let keep = |kind| compiled.of_kind(kind).cloned();
    let new = Artifacts {
        policy_name: compiled.policy_name.clone(),
        files: [
            keep(ArtifactKind::HubTemplate),
            keep(ArtifactKind::SpokeTemplate),
        ]
        .into_iter()
        .flatten()
        .collect(),
    };
    let mut old = Artifacts {
        policy_name: compiled.policy_name.clone(),
        files: Vec::new(),
    };
    for (kind, body) in [
        (ArtifactKind::HubTemplate, deployed_hub),
        (ArtifactKind::SpokeTemplate, deployed_spoke),
    ] {
        if let (Some(path), Some(body)) = (compiled.of_kind(kind).map(|a| a.path.clone()), body) {
            old.files.push(Artifact {
                path,
                kind,
                content: body.to_owned(),
            });
        }
    }
    let report = diff::compare(
        Base {
            kind: BaseKind::Deployed,
            label: format!(
                "AWS (stack {}-hub, stack set {}-spoke)",
                policy.name, policy.name
            ),
        },
        Side {
            policy: None,
            artifacts: &old,
        },
        Side {
            policy: Some(policy),
            artifacts: &new,
        },
        Vec::new(),
    );
    // A first deploy has nothing to compare with: the plan below says "create".
    if !report.changed || old.files.is_empty() {
        return Ok(());
    }
    console.step("Templates compared with AWS")?;
    let color = console.output().color_stderr;
    diff::render::render(
        &report,
        DiffFormat::Human,
        color,
        &mut console.output().stderr,
    )
}

/// Print what deploy will do. `bucket` is the artifact bucket and what it needs, when a
/// template will be sent.
#[allow(clippy::too_many_arguments)] // one plan, printed from the parts the deployer holds
pub(super) fn print_plan(
    console: &mut Console<'_>,
    policy: &Policy,
    tree: &OrgTree,
    hub: HubAction,
    stack_set: StackSetAction,
    stack_set_changes: &[&str],
    rollout: &Rollout,
    bucket: Option<(&ArtifactBucket, BucketAction)>,
) -> std::io::Result<()> {
    console.step("Plan")?;
    if let Some((bucket, action)) = bucket {
        let name = &bucket.name;
        match action {
            BucketAction::Create => {
                console.line(&format!("+ create artifact bucket {name} ({PROPERTIES})"))?
            }
            BucketAction::Configure => console.line(&format!(
                "~ configure artifact bucket {name} ({PROPERTIES}): it exists without patchform's configuration tag (an interrupted set-up?)"
            ))?,
            BucketAction::None => {}
        }
        console.line(&format!(
            "templates by TemplateURL from s3://{name}/patchform/{}/",
            policy.name
        ))?;
    }
    let hub_text = match hub {
        HubAction::Create => "create",
        HubAction::Recreate => {
            "delete (a failed first create left it ROLLBACK_COMPLETE) and create again"
        }
        HubAction::Update => "update",
        HubAction::None => "no changes",
    };
    console.line(&format!(
        "hub stack {}-hub ({} {}): {hub_text}",
        policy.name, policy.hub.account, policy.hub.region
    ))?;
    console.line(&format!(
        "stack set {}-spoke: {}{}",
        policy.name,
        stack_set.plan_text(),
        if stack_set_changes.is_empty() {
            String::new()
        } else {
            format!(" ({})", stack_set_changes.join(", "))
        }
    ))?;
    print_rollout(console, tree, rollout)
}

/// The stack set operations in order, then instances left alone or out of reach.
fn print_rollout(
    console: &mut Console<'_>,
    tree: &OrgTree,
    rollout: &Rollout,
) -> std::io::Result<()> {
    if rollout.bare_update {
        console.line("  update the stack set's configuration (no instance targeted)")?;
    }
    for (n, step) in rollout.steps.iter().enumerate() {
        let accounts: BTreeSet<&str> = step.pairs.iter().map(|(a, _)| a.as_str()).collect();
        let verb = match step.kind {
            StepKind::Create => "create instances in",
            StepKind::Update if step.carries_config => {
                "update (new template/settings) instances in"
            }
            StepKind::Update => "update instances in",
            StepKind::Delete => "DELETE instances in",
        };
        console.line(&format!(
            "  {}. {}: {verb} {} account(s) × [{}]",
            n + 1,
            step.wave,
            accounts.len(),
            step.targets.regions.join(", ")
        ))?;
    }
    if !rollout.drift.is_empty() {
        console.warn(&format!(
            "{} stack instance(s) are no longer targeted by the policy; left alone (run with --prune to remove them):",
            rollout.drift.len()
        ))?;
        for (account, region) in &rollout.drift {
            console.line(&format!("{} in {region}", tree.account_label(account)))?;
        }
    }
    for (account, region) in &rollout.unreachable {
        console.warn(&format!(
            "cannot prune the instance of {account} in {region}: the account is no longer in the organization; delete it in the StackSets console"
        ))?;
    }
    Ok(())
}
