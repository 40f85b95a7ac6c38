// `deploy`'s flow: preflight → read AWS → plan → confirm → hub stack → stack set in wave order → report.

use super::bucket::{self, ArtifactBucket, BucketAction};
use super::console::Console;
use super::desired::{self, stack_set_differences};
use super::error::DeployError;
use super::hub::{self, HubAction};
use super::operations::{self, preferences};
use super::preflight::{self, Checked};
use super::report::*;
use super::rollout::{self, Rollout, RolloutInput, StepKind};
use super::summary;
use super::targets::Pair;
use super::upload;
use crate::artifact::Artifacts;
use crate::aws::{AwsApi, OperationStatus, StackInstance};
use crate::policy::Policy;
use std::collections::BTreeMap;
use std::time::Duration;

/// What the operator asked for.
#[derive(Debug, Clone)]
pub struct DeployOptions {
    /// Apply without asking.
    pub yes: bool,
    /// Plan only (and preview the hub change set).
    pub dry_run: bool,
    /// Delete instances the policy no longer targets.
    pub prune: bool,
    /// Longest wait for one operation.
    pub timeout: Duration,
    /// The operator's S3 bucket (hub region) for the templates, instead of patchform's own
    /// `patchform-artifacts-<account>-<region>`; patchform then creates no bucket.
    pub artifact_bucket: Option<String>,
}

/// Make AWS match `policy` (compiled to `artifacts`). Returns the report; errors stop the deploy.
pub async fn deploy(
    api: &impl AwsApi,
    policy: &Policy,
    artifacts: &Artifacts,
    options: DeployOptions,
    console: &mut Console<'_>,
) -> Result<DeployReport, DeployError> {
    console.step(&format!(
        "Preflight: {} (hub {} {})",
        policy.name, policy.hub.account, policy.hub.region
    ))?;
    desired::check_template_sizes(artifacts)?;
    let checked =
        preflight::preflight(api, policy, options.artifact_bucket.as_deref(), console).await?;
    let mut want = desired::desired(policy, artifacts, &checked.org)?;
    let call_as = policy.organization.call_as;
    let set_name = want.stack_set.name.clone();
    let mut notes = Vec::new();

    // Read what exists; resume anything an interrupted deploy left running.
    console.step("Reading the deployed hub stack and stack set")?;
    let mut hub_state = hub::read(api, &want.hub.stack).await?;
    if hub_state
        .info
        .as_ref()
        .is_some_and(|i| hub::in_progress(&i.status))
    {
        if options.dry_run {
            notes.push(format!(
                "hub stack {} has an operation in progress",
                want.hub.stack
            ));
        } else {
            console.note(&format!(
                "hub stack {} is busy (an earlier deploy?): waiting for it to settle",
                want.hub.stack
            ))?;
            hub::wait_settled(api, &want.hub.stack, console, options.timeout).await?;
            hub_state = hub::read(api, &want.hub.stack).await?;
        }
    }
    let set_view = api.describe_stack_set(&set_name, call_as).await?;
    let mut existing: Vec<StackInstance> = Vec::new();
    if set_view.is_some() {
        if !options.dry_run {
            operations::wait_for_running(api, &set_name, call_as, console, options.timeout).await?;
        }
        existing = api.list_stack_instances(&set_name, call_as).await?;
    }

    // Plan.
    let hub_action = hub::decide(&hub_state, &want.hub)?;
    let (set_action, set_changes) = match &set_view {
        None => ("create", Vec::new()),
        Some(view) => {
            if let Some(model) = view.permission_model
                && model != want.stack_set.permission_model
            {
                return Err(DeployError::StackSet(format!(
                    "stack set `{set_name}` uses {model:?} permissions and the policy asks for {:?}; StackSets cannot switch\n  help: run `patchform destroy`, then deploy again",
                    want.stack_set.permission_model
                )));
            }
            let changes = stack_set_differences(view, &want.stack_set);
            (if changes.is_empty() { "none" } else { "update" }, changes)
        }
    };
    let rollout = rollout::plan(&RolloutInput {
        policy,
        tree: &checked.tree,
        resolved: &checked.resolved,
        existing: &existing,
        config_changed: set_action == "update",
        prune: options.prune,
    });
    // Every template goes by TemplateURL: the hub's when its stack changes, the spoke's when a
    // call carries the stack set's template (create, configuration update, per-wave update).
    // The bucket is set up only when one of them is sent.
    let sends_hub = hub_action != HubAction::None;
    let sends_spoke = set_action == "create"
        || rollout.bare_update
        || rollout.steps.iter().any(|s| s.kind == StepKind::Update);
    let bucket_action = if sends_hub || sends_spoke {
        checked.bucket.needs
    } else {
        BucketAction::None
    };
    summary::print_template_diff(
        console,
        policy,
        artifacts,
        hub_state.template.as_deref(),
        set_view.as_ref().and_then(|v| v.template_body.as_deref()),
    )?;
    summary::print_plan(
        console,
        policy,
        &checked.tree,
        hub_action,
        match set_action {
            "create" => "create",
            "update" => "update",
            _ => "no changes",
        },
        &set_changes,
        &rollout,
        (sends_hub || sends_spoke).then_some((&checked.bucket, bucket_action)),
    )?;
    let mut report = DeployReport {
        schema_version: SCHEMA_VERSION,
        policy: policy.name.clone(),
        outcome: Outcome::NoChanges,
        artifact_bucket: ArtifactBucketReport {
            name: checked.bucket.name.clone(),
            managed: checked.bucket.managed,
            action: bucket_action,
            created: false,
        },
        hub: HubReport {
            stack: want.hub.stack.clone(),
            action: hub_action,
            changes: Vec::new(),
            status: hub_state.info.as_ref().map(|i| i.status.clone()),
        },
        stack_set: StackSetReport {
            name: set_name.clone(),
            action: set_action,
            changes: set_changes,
        },
        operations: planned_operations(&rollout),
        instances: Vec::new(),
        drift: instance_reports(&rollout.drift, &existing, &checked),
        notes,
    };
    let nothing_to_do = hub_action == HubAction::None && set_action == "none" && rollout.is_empty();
    if nothing_to_do {
        report.instances = instance_reports(&desired_pairs(&checked), &existing, &checked);
        console.success("No changes: AWS already matches the policy.")?;
        return Ok(report);
    }

    if options.dry_run {
        report.outcome = Outcome::DryRun;
        if matches!(hub_action, HubAction::Create | HubAction::Update)
            && preview_source(&mut want, &checked.bucket, api, policy, console).await?
        {
            console.step(
                "CloudFormation's view of the hub change (change set created, then deleted)",
            )?;
            let create = hub_action == HubAction::Create;
            if let Some((id, view)) =
                hub::change_set(api, &want.hub, create, options.timeout).await?
            {
                hub::print_changes(console, &want.hub.stack, &view)?;
                report.hub.changes = view.changes;
                api.delete_change_set(&want.hub.stack, &id).await?;
                if create {
                    api.delete_stack(&want.hub.stack).await?;
                }
            }
        }
        console.success("Dry run: nothing was changed.")?;
        return Ok(report);
    }

    confirm(console, options.yes)?;

    // Only now, with a change to apply, is the bucket set up and are the templates uploaded.
    if bucket_action != BucketAction::None {
        report.artifact_bucket.created =
            bucket::set_up(api, &checked.bucket, &checked.org.id, console).await?;
    }
    if sends_hub {
        want.hub.template_url = Some(
            stage(
                api,
                &checked.bucket,
                policy,
                "hub",
                &want.hub.template,
                console,
            )
            .await?,
        );
    }
    if sends_spoke {
        want.stack_set.template_url = Some(
            stage(
                api,
                &checked.bucket,
                policy,
                "spoke",
                &want.stack_set.template_body,
                console,
            )
            .await?,
        );
    }

    // Hub stack.
    if hub_action != HubAction::None {
        console.step(&format!("Hub stack {}", want.hub.stack))?;
        if hub_action == HubAction::Recreate {
            hub::delete(api, &want.hub.stack, console, options.timeout).await?;
        }
        let create = matches!(hub_action, HubAction::Create | HubAction::Recreate);
        match hub::change_set(api, &want.hub, create, options.timeout).await? {
            None => console.line("CloudFormation found no resource change")?,
            Some((id, view)) => {
                hub::print_changes(console, &want.hub.stack, &view)?;
                report.hub.changes = view.changes;
                let status =
                    hub::execute(api, &want.hub.stack, &id, console, options.timeout).await?;
                report.hub.status = Some(status);
            }
        }
    }

    // Stack set: create or carry a configuration no instance carries.
    let prefs_all = preferences(
        policy,
        &policy
            .organization
            .regions
            .iter()
            .map(|r| r.to_string())
            .collect::<Vec<_>>(),
    );
    if set_action == "create" {
        console.step(&format!("Stack set {set_name}: create"))?;
        api.create_stack_set(&want.stack_set, call_as).await?;
    } else if rollout.bare_update {
        console.step(&format!("Stack set {set_name}: update the configuration"))?;
        let id = operations::start(api, &set_name, call_as, console, options.timeout, || {
            api.update_stack_set(&want.stack_set, call_as, None, &prefs_all)
        })
        .await?;
        operations::follow(
            api,
            &set_name,
            call_as,
            &id,
            "configuration",
            0,
            console,
            options.timeout,
        )
        .await?;
    }

    // Stack instances, wave by wave.
    let mut stopped = false;
    report.operations.clear();
    for step in &rollout.steps {
        let prefs = preferences(policy, &step.targets.regions);
        let verb = match step.kind {
            StepKind::Create => "create",
            StepKind::Update => "update",
            StepKind::Delete => "delete",
        };
        let label = format!("{} ({verb})", step.wave);
        console.step(&format!(
            "Stack set {set_name}: {verb} instances of {} ({} account-region pair(s))",
            step.wave,
            step.pairs.len()
        ))?;
        let model = policy.organization.permission_model;
        let id = operations::start(
            api,
            &set_name,
            call_as,
            console,
            options.timeout,
            || async {
                match step.kind {
                    StepKind::Create => {
                        api.create_stack_instances(&set_name, call_as, model, &step.targets, &prefs)
                            .await
                    }
                    StepKind::Update => {
                        api.update_stack_set(&want.stack_set, call_as, Some(&step.targets), &prefs)
                            .await
                    }
                    StepKind::Delete => {
                        api.delete_stack_instances(&set_name, call_as, model, &step.targets, &prefs)
                            .await
                    }
                }
            },
        )
        .await?;
        let finished = operations::follow(
            api,
            &set_name,
            call_as,
            &id,
            &label,
            step.pairs.len(),
            console,
            options.timeout,
        )
        .await?;
        for failed in finished.results.iter().filter(|r| r.status == "FAILED") {
            console.status_line(
                "FAILED",
                &format!(
                    "{} in {}: {}",
                    checked.tree.account_label(&failed.account),
                    failed.region,
                    failed.reason.as_deref().unwrap_or("no reason given")
                ),
            )?;
        }
        let ok = finished.status == OperationStatus::Succeeded;
        report.operations.push(OperationReport {
            wave: step.wave.clone(),
            kind: step.kind,
            operation_id: Some(finished.id),
            status: Some(finished.status),
            targets: step.targets.clone(),
            pairs: step.pairs.len(),
            reason: finished.reason.clone(),
        });
        if !ok {
            console.warn(&format!(
                "operation for `{}` ended {:?}{}: the rollout stops here, later waves are untouched",
                step.wave,
                finished.status,
                finished.reason.map(|r| format!(" ({r})")).unwrap_or_default()
            ))?;
            stopped = true;
            break;
        }
    }

    // Final state of every targeted instance.
    let after = api.list_stack_instances(&set_name, call_as).await?;
    report.instances = instance_reports(&desired_pairs(&checked), &after, &checked);
    if !stopped {
        // Every operation succeeded, yet StackSets made no instance here: say what that means.
        for instance in report
            .instances
            .iter_mut()
            .filter(|i| i.status == "missing")
        {
            instance.reason.get_or_insert_with(|| {
                "missing: every operation succeeded but the stack set has no instance here; check that the account is in the targeted OU and that the caller may deploy to it, then run deploy again".to_owned()
            });
        }
    }
    let failed = report.failed().count();
    report.outcome = if stopped || failed > 0 {
        Outcome::Partial
    } else {
        Outcome::Deployed
    };
    for instance in report.failed() {
        console.status_line(
            "FAILED",
            &format!(
                "{} in {}: {}",
                instance
                    .account_name
                    .as_ref()
                    .map(|n| format!("{n} ({})", instance.account))
                    .unwrap_or_else(|| instance.account.clone()),
                instance.region,
                instance.reason.as_deref().unwrap_or(&instance.status)
            ),
        )?;
    }
    if report.outcome == Outcome::Deployed {
        console.success(&format!(
            "Deployed {}: hub stack {}, stack set {} ({} instance(s)).",
            policy.name,
            want.hub.stack,
            set_name,
            report.instances.len()
        ))?;
    } else {
        console.warn(&format!(
            "partially deployed: {failed} stack instance(s) failed; fix the cause and run deploy again (it resumes)"
        ))?;
    }
    Ok(report)
}

/// Upload one template to the artifact bucket (content-addressed) and return its TemplateURL.
async fn stage(
    api: &impl AwsApi,
    bucket: &ArtifactBucket,
    policy: &Policy,
    what: &str,
    body: &str,
    console: &mut Console<'_>,
) -> Result<String, DeployError> {
    console.step(&format!("Artifact bucket {}: {what} template", bucket.name))?;
    upload::stage(api, bucket, &policy.name, what, body, console).await
}

/// How a dry run's hub change set gets its template; `false` when it cannot be previewed. A dry
/// run creates nothing: with the bucket in place the template is uploaded and sent by URL (as the
/// deploy will); before the managed bucket exists it is sent inline when CloudFormation takes it
/// that way (51,200 bytes), and otherwise the preview is skipped with a note.
async fn preview_source(
    want: &mut desired::Desired,
    bucket: &ArtifactBucket,
    api: &impl AwsApi,
    policy: &Policy,
    console: &mut Console<'_>,
) -> Result<bool, DeployError> {
    if bucket.needs != BucketAction::Create {
        want.hub.template_url =
            Some(stage(api, bucket, policy, "hub", &want.hub.template, console).await?);
        return Ok(true);
    }
    let bytes = want.hub.template.len();
    if bytes <= hub::INLINE_TEMPLATE_LIMIT {
        console.note(&format!(
            "artifact bucket {} does not exist yet and a dry run creates nothing: the preview sends the hub template inline",
            bucket.name
        ))?;
        Ok(true)
    } else {
        console.note(&format!(
            "CloudFormation's view of the hub change is skipped: artifact bucket {} does not exist yet (a dry run creates nothing) and the hub template ({bytes} bytes) is over the {} bytes CloudFormation takes inline",
            bucket.name,
            hub::INLINE_TEMPLATE_LIMIT
        ))?;
        Ok(false)
    }
}

fn confirm(console: &mut Console<'_>, yes: bool) -> Result<(), DeployError> {
    if yes {
        return Ok(());
    }
    if !console.interactive() {
        return Err(DeployError::NotConfirmed(
            "refusing to deploy without confirmation: no terminal to ask on\n  help: review the plan (or run with --dry-run), then pass --yes".to_owned(),
        ));
    }
    let answer = console.ask("Deploy these changes? [y/N]")?;
    if matches!(answer.as_str(), "y" | "Y" | "yes" | "Yes") {
        Ok(())
    } else {
        Err(DeployError::NotConfirmed(
            "deploy cancelled; nothing was changed".to_owned(),
        ))
    }
}

fn planned_operations(rollout: &Rollout) -> Vec<OperationReport> {
    rollout
        .steps
        .iter()
        .map(|s| OperationReport {
            wave: s.wave.clone(),
            kind: s.kind,
            operation_id: None,
            status: None,
            targets: s.targets.clone(),
            pairs: s.pairs.len(),
            reason: None,
        })
        .collect()
}

fn desired_pairs(checked: &Checked) -> Vec<Pair> {
    checked.resolved.desired.iter().cloned().collect()
}

fn instance_reports(
    pairs: &[Pair],
    found: &[StackInstance],
    checked: &Checked,
) -> Vec<InstanceReport> {
    let by_pair: BTreeMap<(&str, &str), &StackInstance> = found
        .iter()
        .map(|i| ((i.account.as_str(), i.region.as_str()), i))
        .collect();
    let wave_of = |pair: &Pair| {
        checked
            .resolved
            .waves
            .iter()
            .find(|w| w.pairs.contains(pair))
            .map(|w| w.name.clone())
    };
    pairs
        .iter()
        .map(|pair| {
            let instance = by_pair.get(&(pair.0.as_str(), pair.1.as_str()));
            InstanceReport {
                account: pair.0.clone(),
                account_name: checked.tree.accounts.get(&pair.0).map(|a| a.name.clone()),
                region: pair.1.clone(),
                wave: wave_of(pair),
                status: instance
                    .map(|i| {
                        serde_json::to_value(i.status)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_owned))
                            .unwrap_or_default()
                    })
                    .unwrap_or_else(|| "missing".to_owned()),
                detailed_status: instance.and_then(|i| i.detailed_status.clone()),
                reason: instance.and_then(|i| i.reason.clone()),
            }
        })
        .collect()
}
