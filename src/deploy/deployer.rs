// `deploy`'s flow, one function per phase: preflight → read AWS → plan → confirm → hub stack → stack set in wave order → report.

use super::bucket::{self, ArtifactBucket, BucketAction};
use super::console::Console;
use super::desired::{self, Desired};
use super::error::DeployError;
use super::hub::{self, HubAction, HubState};
use super::operations::{self, Finished, preferences};
use super::preflight::{self, Checked};
use super::problem::Problem;
use super::report::*;
use super::rollout::{self, Rollout, RolloutInput, Step, StepKind};
use super::stack_set::{self, StackSetAction};
use super::summary;
use super::targets::Pair;
use super::upload;
use crate::artifact::Artifacts;
use crate::aws::{AwsApi, OperationStatus, StackInstance, StackSetView};
use crate::compiler::Compiled;
use crate::plan::StackSetPlan;
use crate::policy::{CallAs, Policy};
use std::collections::BTreeMap;
use std::time::Duration;

/// What the operator asked for.
#[derive(Debug, Clone)]
pub(crate) struct DeployOptions {
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

/// Make AWS match `policy` as compiled (its plan decides the stack set's settings, its artifacts
/// are the templates). Returns the report; errors stop the deploy.
pub(crate) async fn deploy(
    api: &impl AwsApi,
    policy: &Policy,
    compiled: &Compiled,
    options: DeployOptions,
    console: &mut Console<'_>,
) -> Result<DeployReport, DeployError> {
    let artifacts = &compiled.artifacts;
    let mut run = Run::preflight(api, policy, compiled, &options, console).await?;
    let found = run.read_deployed(console).await?;
    let plan = run.plan(&found)?;
    run.print_plan(&found, &plan, artifacts, console)?;
    let mut report = run.planned_report(&found, &plan);
    if plan.changes_nothing() {
        report.instances =
            instance_reports(&desired_pairs(&run.checked), &found.instances, &run.checked);
        console.success("No changes: AWS already matches the policy.")?;
        return Ok(report);
    }
    if options.dry_run {
        run.preview(&plan, &mut report, console).await?;
        return Ok(report);
    }
    confirm(console, options.yes)?;
    run.stage_templates(&plan, &mut report, console).await?;
    run.apply_hub(plan.hub, &mut report, console).await?;
    stack_set::apply(
        api,
        &compiled.plan.stack_set,
        &run.want.stack_set,
        plan.stack_set,
        plan.rollout.bare_update,
        console,
        options.timeout,
    )
    .await?;
    let stopped = run.roll_out(&plan.rollout, &mut report, console).await?;
    run.finish(stopped, &mut report, console).await?;
    Ok(report)
}

/// What the phases of one deploy share: its inputs, what preflight learned, the desired state.
struct Run<'a, A> {
    api: &'a A,
    policy: &'a Policy,
    /// The stack set's settings (permission model, CallAs, operation preferences).
    stack_set: &'a StackSetPlan,
    options: &'a DeployOptions,
    checked: Checked,
    want: Desired,
}

/// What exists in AWS before deploy changes anything.
struct Found {
    /// The hub stack.
    hub: HubState,
    /// The stack set, when it exists.
    stack_set: Option<StackSetView>,
    /// Its instances.
    instances: Vec<StackInstance>,
    /// Things the operator should know (the report's notes).
    notes: Vec<String>,
}

/// The one decision: what the hub stack, the stack set and its instances need, and whether a
/// template travels (then the artifact bucket is set up first).
struct Plan {
    hub: HubAction,
    stack_set: StackSetAction,
    stack_set_changes: Vec<&'static str>,
    rollout: Rollout,
    sends_hub: bool,
    sends_spoke: bool,
    bucket: BucketAction,
}

impl Plan {
    /// AWS already matches the policy.
    fn changes_nothing(&self) -> bool {
        self.hub == HubAction::None
            && self.stack_set == StackSetAction::None
            && self.rollout.is_empty()
    }

    /// A template is sent by TemplateURL, so the bucket must be ready.
    fn sends_templates(&self) -> bool {
        self.sends_hub || self.sends_spoke
    }
}

impl<'a, A: AwsApi> Run<'a, A> {
    /// Preflight (read-only): template sizes, identity, organization, bucket and targets; then
    /// the desired state.
    async fn preflight(
        api: &'a A,
        policy: &'a Policy,
        compiled: &'a Compiled,
        options: &'a DeployOptions,
        console: &mut Console<'_>,
    ) -> Result<Self, DeployError> {
        console.step(&format!(
            "Preflight: {} (hub {} {})",
            policy.name, policy.hub.account, policy.hub.region
        ))?;
        let artifacts = &compiled.artifacts;
        desired::check_template_sizes(artifacts)?;
        let checked =
            preflight::preflight(api, policy, options.artifact_bucket.as_deref(), console).await?;
        let want = desired::desired(&compiled.plan, artifacts, &checked.org)?;
        Ok(Run {
            api,
            policy,
            stack_set: &compiled.plan.stack_set,
            options,
            checked,
            want,
        })
    }

    fn set_name(&self) -> &str {
        &self.want.stack_set.name
    }

    fn call_as(&self) -> CallAs {
        self.stack_set.call_as
    }

    /// Read what exists; outside a dry run, wait out anything an interrupted deploy left running.
    async fn read_deployed(&self, console: &mut Console<'_>) -> Result<Found, DeployError> {
        console.step("Reading the deployed hub stack and stack set")?;
        let (api, options) = (self.api, self.options);
        let stack = self.want.hub.stack.as_str();
        let mut notes = Vec::new();
        let mut hub_state = hub::read(api, stack).await?;
        if hub_state
            .info
            .as_ref()
            .is_some_and(|i| hub::in_progress(&i.status))
        {
            if options.dry_run {
                notes.push(format!("hub stack {stack} has an operation in progress"));
            } else {
                console.note(&format!(
                    "hub stack {stack} is busy (an earlier deploy?): waiting for it to settle"
                ))?;
                hub::wait_settled(api, stack, console, options.timeout).await?;
                hub_state = hub::read(api, stack).await?;
            }
        }
        let (set_name, call_as) = (self.set_name(), self.call_as());
        let stack_set = api.describe_stack_set(set_name, call_as).await?;
        let mut instances = Vec::new();
        if stack_set.is_some() {
            if !options.dry_run {
                operations::wait_for_running(api, set_name, call_as, console, options.timeout)
                    .await?;
            }
            instances = api.list_stack_instances(set_name, call_as).await?;
        }
        Ok(Found {
            hub: hub_state,
            stack_set,
            instances,
            notes,
        })
    }

    /// Plan (pure): decide the hub stack, the stack set and the rollout from what was found.
    fn plan(&self, found: &Found) -> Result<Plan, DeployError> {
        let hub = hub::decide(&found.hub, &self.want.hub)?;
        let (stack_set, stack_set_changes) =
            stack_set::decide(found.stack_set.as_ref(), &self.want.stack_set)?;
        let rollout = rollout::plan(&RolloutInput {
            policy: self.policy,
            tree: &self.checked.tree,
            resolved: &self.checked.resolved,
            existing: &found.instances,
            config_changed: stack_set == StackSetAction::Update,
            prune: self.options.prune,
        });
        // Every template goes by TemplateURL: the hub's when its stack changes, the spoke's when a
        // call carries the stack set's template (create, configuration update, per-wave update).
        // The bucket is set up only when one of them is sent.
        let sends_hub = hub != HubAction::None;
        let sends_spoke = stack_set == StackSetAction::Create
            || rollout.bare_update
            || rollout.steps.iter().any(|s| s.kind == StepKind::Update);
        let bucket = if sends_hub || sends_spoke {
            self.checked.bucket.needs
        } else {
            BucketAction::None
        };
        Ok(Plan {
            hub,
            stack_set,
            stack_set_changes,
            rollout,
            sends_hub,
            sends_spoke,
            bucket,
        })
    }

    /// The review: template diff, then the plan.
    fn print_plan(
        &self,
        found: &Found,
        plan: &Plan,
        artifacts: &Artifacts,
        console: &mut Console<'_>,
    ) -> Result<(), DeployError> {
        summary::print_template_diff(
            console,
            self.policy,
            artifacts,
            found.hub.template.as_deref(),
            found
                .stack_set
                .as_ref()
                .and_then(|v| v.template_body.as_deref()),
        )?;
        summary::print_plan(
            console,
            self.policy,
            &self.checked.tree,
            plan.hub,
            plan.stack_set,
            &plan.stack_set_changes,
            &plan.rollout,
            plan.sends_templates()
                .then_some((&self.checked.bucket, plan.bucket)),
        )?;
        Ok(())
    }

    /// The report as planned: nothing applied yet, operations without ids.
    fn planned_report(&self, found: &Found, plan: &Plan) -> DeployReport {
        let checked = &self.checked;
        DeployReport {
            schema_version: SCHEMA_VERSION,
            policy: self.policy.name.clone(),
            outcome: Outcome::NoChanges,
            artifact_bucket: ArtifactBucketReport {
                name: checked.bucket.name.clone(),
                managed: checked.bucket.managed,
                action: plan.bucket,
                created: false,
            },
            hub: HubReport {
                stack: self.want.hub.stack.clone(),
                action: plan.hub,
                changes: Vec::new(),
                status: found.hub.info.as_ref().map(|i| i.status.clone()),
            },
            stack_set: StackSetReport {
                name: self.set_name().to_owned(),
                action: plan.stack_set,
                changes: plan.stack_set_changes.clone(),
            },
            operations: planned_operations(&plan.rollout),
            instances: Vec::new(),
            drift: instance_reports(&plan.rollout.drift, &found.instances, checked),
            notes: found.notes.clone(),
        }
    }

    /// A dry run: CloudFormation's view of a hub create or update (a change set created, then
    /// deleted), when the template can reach it.
    async fn preview(
        &mut self,
        plan: &Plan,
        report: &mut DeployReport,
        console: &mut Console<'_>,
    ) -> Result<(), DeployError> {
        report.outcome = Outcome::DryRun;
        let (api, policy) = (self.api, self.policy);
        if matches!(plan.hub, HubAction::Create | HubAction::Update)
            && preview_source(&mut self.want, &self.checked.bucket, api, policy, console).await?
        {
            console.step(
                "CloudFormation's view of the hub change (change set created, then deleted)",
            )?;
            let create = plan.hub == HubAction::Create;
            let want = &self.want.hub;
            if let Some((id, view)) =
                hub::change_set(api, want, create, self.options.timeout).await?
            {
                hub::print_changes(console, &want.stack, &view)?;
                report.hub.changes = view.changes;
                api.delete_change_set(&want.stack, &id).await?;
                if create {
                    api.delete_stack(&want.stack).await?;
                }
            }
        }
        console.success("Dry run: nothing was changed.")?;
        Ok(())
    }

    /// Only now, with a change to apply, is the bucket set up and are the templates uploaded.
    async fn stage_templates(
        &mut self,
        plan: &Plan,
        report: &mut DeployReport,
        console: &mut Console<'_>,
    ) -> Result<(), DeployError> {
        let (api, policy, bucket) = (self.api, self.policy, &self.checked.bucket);
        if plan.bucket != BucketAction::None {
            report.artifact_bucket.created =
                bucket::set_up(api, bucket, &self.checked.org.id, console).await?;
        }
        if plan.sends_hub {
            let body = &self.want.hub.template;
            let url = stage(api, bucket, policy, "hub", body, console).await?;
            self.want.hub.template_url = Some(url);
        }
        if plan.sends_spoke {
            let body = &self.want.stack_set.template_body;
            let url = stage(api, bucket, policy, "spoke", body, console).await?;
            self.want.stack_set.template_url = Some(url);
        }
        Ok(())
    }

    /// The hub stack: (delete a failed first create,) change set, execute, follow its events.
    async fn apply_hub(
        &self,
        action: HubAction,
        report: &mut DeployReport,
        console: &mut Console<'_>,
    ) -> Result<(), DeployError> {
        if action == HubAction::None {
            return Ok(());
        }
        let (api, want, timeout) = (self.api, &self.want.hub, self.options.timeout);
        console.step(&format!("Hub stack {}", want.stack))?;
        if action == HubAction::Recreate {
            hub::delete(api, &want.stack, console, timeout).await?;
        }
        let create = matches!(action, HubAction::Create | HubAction::Recreate);
        match hub::change_set(api, want, create, timeout).await? {
            None => console.line("CloudFormation found no resource change")?,
            Some((id, view)) => {
                hub::print_changes(console, &want.stack, &view)?;
                report.hub.changes = view.changes;
                let status = hub::execute(api, &want.stack, &id, console, timeout).await?;
                report.hub.status = Some(status);
            }
        }
        Ok(())
    }

    /// Stack instances, wave by wave. An operation that does not succeed stops the rollout there
    /// (later waves untouched); returns whether it stopped.
    async fn roll_out(
        &self,
        rollout: &Rollout,
        report: &mut DeployReport,
        console: &mut Console<'_>,
    ) -> Result<bool, DeployError> {
        report.operations.clear();
        for step in &rollout.steps {
            let finished = self.run_step(step, console).await?;
            for failed in finished.results.iter().filter(|r| r.status == "FAILED") {
                console.status_line(
                    "FAILED",
                    &format!(
                        "{} in {}: {}",
                        self.checked.tree.account_label(&failed.account),
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
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// One step's operation: start it (waiting out a busy stack set) and follow it to its end.
    async fn run_step(
        &self,
        step: &Step,
        console: &mut Console<'_>,
    ) -> Result<Finished, DeployError> {
        let (api, timeout) = (self.api, self.options.timeout);
        let (set_name, call_as) = (self.set_name(), self.call_as());
        let prefs = preferences(self.stack_set, &step.targets.regions);
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
        let model = self.stack_set.permission_model;
        let want = &self.want.stack_set;
        let id = operations::start(api, set_name, call_as, console, timeout, || async {
            match step.kind {
                StepKind::Create => {
                    api.create_stack_instances(set_name, call_as, model, &step.targets, &prefs)
                        .await
                }
                StepKind::Update => {
                    api.update_stack_set(want, call_as, Some(&step.targets), &prefs)
                        .await
                }
                StepKind::Delete => {
                    api.delete_stack_instances(set_name, call_as, model, &step.targets, &prefs)
                        .await
                }
            }
        })
        .await?;
        let pairs = step.pairs.len();
        operations::follow(api, set_name, call_as, &id, &label, pairs, console, timeout).await
    }

    /// The report: every targeted instance's final state, the outcome, and how it ended.
    async fn finish(
        &self,
        stopped: bool,
        report: &mut DeployReport,
        console: &mut Console<'_>,
    ) -> Result<(), DeployError> {
        let after = self
            .api
            .list_stack_instances(self.set_name(), self.call_as())
            .await?;
        report.instances = instance_reports(&desired_pairs(&self.checked), &after, &self.checked);
        if !stopped {
            explain_missing(&mut report.instances);
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
                self.policy.name,
                self.want.hub.stack,
                self.set_name(),
                report.instances.len()
            ))?;
        } else {
            console.warn(&format!(
                "partially deployed: {failed} stack instance(s) failed; fix the cause and run deploy again (it resumes)"
            ))?;
        }
        Ok(())
    }
}

/// Every operation succeeded, yet StackSets made no instance here: say what that means.
fn explain_missing(instances: &mut [InstanceReport]) {
    for instance in instances.iter_mut().filter(|i| i.status == "missing") {
        instance.reason.get_or_insert_with(|| {
            "missing: every operation succeeded but the stack set has no instance here; check that the account is in the targeted OU and that the caller may deploy to it, then run deploy again".to_owned()
        });
    }
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
    want: &mut Desired,
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
        return Err(DeployError::NotConfirmed(Problem::new(
            "refusing to deploy without confirmation: no terminal to ask on",
            "review the plan (or run with --dry-run), then pass --yes",
        )));
    }
    let answer = console.ask("Deploy these changes? [y/N]")?;
    if matches!(answer.as_str(), "y" | "Y" | "yes" | "Yes") {
        Ok(())
    } else {
        Err(DeployError::NotConfirmed(Problem {
            message: "deploy cancelled; nothing was changed".to_owned(),
            help: None,
        }))
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
