// `destroy`'s flow: stack instances, then the stack set, then the hub stack; log bucket, table and artifact bucket stay.

use super::bucket;
use super::console::Console;
use super::error::DeployError;
use super::hub;
use super::operations::{self, preferences};
use super::org_tree::OrgTree;
use super::problem::Problem;
use crate::aws::{AwsApi, InstanceTargets, StackInstance};
use crate::plan::Plan;
use crate::policy::PermissionModel;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

/// What the operator asked for.
#[derive(Debug, Clone)]
pub(crate) struct DestroyOptions {
    /// The policy name typed in advance (--confirm).
    pub confirm: Option<String>,
    /// Longest wait for one operation.
    pub timeout: Duration,
}

/// Remove everything the policy (as `plan`ned) deployed, in the safe order, after a typed confirmation.
pub(crate) async fn destroy(
    api: &impl AwsApi,
    plan: &Plan,
    options: &DestroyOptions,
    console: &mut Console<'_>,
) -> Result<(), DeployError> {
    let hub_account = plan.hub_account.as_str();
    let caller = api.caller_account().await?;
    if caller != hub_account {
        return Err(DeployError::Preflight(vec![Problem::new(
            format!(
                "the credentials are for account {caller}, but the policy's hub account is {hub_account}"
            ),
            format!("use credentials for {hub_account}"),
        )]));
    }
    let call_as = plan.stack_set.call_as;
    let set_name = plan.names.stack_set.clone();
    let stack = plan.names.hub_stack.clone();
    let set = api.describe_stack_set(&set_name, call_as).await?;
    let instances = match set {
        Some(_) => api.list_stack_instances(&set_name, call_as).await?,
        None => Vec::new(),
    };
    let hub_info = api.describe_stack(&stack).await?;
    console.step(&format!("Destroy {}", plan.name))?;
    if set.is_none() && hub_info.is_none() {
        console.success("Nothing to destroy: neither the stack set nor the hub stack exists.")?;
        return Ok(());
    }
    let found = Found {
        set_name: &set_name,
        set: set.is_some(),
        instances: &instances,
        hub_stack: hub_info.is_some().then_some(stack.as_str()),
    };
    print_plan(console, plan, &found)?;
    confirm(console, &plan.name, options.confirm.as_deref())?;

    if found.set {
        if !instances.is_empty() {
            operations::wait_for_running(api, &set_name, call_as, console, options.timeout).await?;
            delete_instances(api, plan, &found, console, options.timeout).await?;
        }
        let left = api.list_stack_instances(&set_name, call_as).await?;
        if !left.is_empty() {
            return Err(DeployError::StackSet(Problem::new(
                format!(
                    "{} stack instance(s) remain in {set_name}; the stack set and hub stack were kept",
                    left.len()
                ),
                "delete them in the StackSets console, then run destroy again",
            )));
        }
        console.step(&format!("Deleting stack set {set_name}"))?;
        api.delete_stack_set(&set_name, call_as).await?;
    }
    if hub_info.is_some() {
        console.step(&format!("Deleting hub stack {stack}"))?;
        hub::delete(api, &stack, console, options.timeout).await?;
    }
    console.success(&format!(
        "Destroyed {}. Retained: the log bucket and the audit table.",
        plan.name
    ))?;
    Ok(())
}

/// What destroy found to remove.
struct Found<'a> {
    set_name: &'a str,
    /// The stack set exists.
    set: bool,
    instances: &'a [StackInstance],
    /// The hub stack's name, when it exists.
    hub_stack: Option<&'a str>,
}

/// The numbered steps, and what stays.
fn print_plan(console: &mut Console<'_>, plan: &Plan, found: &Found) -> std::io::Result<()> {
    let set_name = found.set_name;
    if found.set {
        let accounts: BTreeSet<&str> = found.instances.iter().map(|i| i.account.as_str()).collect();
        console.line(&format!(
            "1. delete {} stack instance(s) in {} account(s) of stack set {set_name}",
            found.instances.len(),
            accounts.len()
        ))?;
        console.line(&format!("2. delete stack set {set_name}"))?;
    }
    if let Some(stack) = found.hub_stack {
        console.line(&format!(
            "3. delete hub stack {stack} ({} {})",
            plan.hub_account, plan.hub_region
        ))?;
    }
    console.note("the log bucket and the audit table are retained (DeletionPolicy: Retain) with their history; delete them by hand when no longer needed")?;
    console.note(&format!(
        "the templates deploy uploaded stay under patchform/{}/ in the artifact bucket ({} unless deploy was given --artifact-bucket), which every policy deployed from this account and region shares",
        plan.name,
        bucket::managed_name(plan.hub_account.as_str(), plan.hub_region.as_str())
    ))
}

/// Delete every stack instance, one operation per set of regions; an operation that does not
/// succeed stops destroy with the stack set and hub stack kept.
async fn delete_instances(
    api: &impl AwsApi,
    plan: &Plan,
    found: &Found<'_>,
    console: &mut Console<'_>,
    timeout: Duration,
) -> Result<(), DeployError> {
    let (set_name, call_as) = (found.set_name, plan.stack_set.call_as);
    let model = plan.stack_set.permission_model;
    let units = if model == PermissionModel::ServiceManaged {
        let tree = OrgTree::walk(api).await?;
        instance_units(found.instances, &tree)
    } else {
        Vec::new()
    };
    for targets in deletion_targets(model, found.instances, &units) {
        let prefs = preferences(&plan.stack_set, &targets.regions);
        console.step(&format!(
            "Deleting {} account(s) × [{}] from {set_name}",
            targets.accounts.len(),
            targets.regions.join(", ")
        ))?;
        let id = operations::start(api, set_name, call_as, console, timeout, || {
            api.delete_stack_instances(set_name, call_as, model, &targets, &prefs)
        })
        .await?;
        let pairs = targets.accounts.len() * targets.regions.len();
        let done = operations::follow(
            api, set_name, call_as, &id, "delete", pairs, console, timeout,
        )
        .await?;
        if done.status != crate::aws::OperationStatus::Succeeded {
            return Err(DeployError::StackSet(Problem::new(
                format!(
                    "deleting stack instances ended {:?}{}; the stack set and hub stack were kept",
                    done.status,
                    done.reason.map(|r| format!(": {r}")).unwrap_or_default()
                ),
                "fix the cause and run destroy again",
            )));
        }
    }
    Ok(())
}

/// The deletions, grouped by region set so one operation covers many accounts.
fn deletion_targets(
    model: PermissionModel,
    instances: &[StackInstance],
    units: &[String],
) -> Vec<InstanceTargets> {
    let mut by_regions: BTreeMap<Vec<String>, Vec<String>> = BTreeMap::new();
    let mut per_account: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for i in instances {
        per_account
            .entry(&i.account)
            .or_default()
            .push(i.region.clone());
    }
    for (account, mut regions) in per_account {
        regions.sort();
        by_regions
            .entry(regions)
            .or_default()
            .push(account.to_owned());
    }
    by_regions
        .into_iter()
        .map(|(regions, accounts)| {
            InstanceTargets::for_accounts(model, accounts, units.to_vec(), regions)
        })
        .collect()
}

fn instance_units(instances: &[StackInstance], tree: &OrgTree) -> Vec<String> {
    let mut units = BTreeSet::new();
    for i in instances {
        if let Some(unit) = i
            .organizational_unit
            .clone()
            .or_else(|| tree.accounts.get(&i.account).map(|a| a.parent.clone()))
        {
            units.insert(unit);
        }
    }
    units.into_iter().collect()
}

fn confirm(console: &mut Console<'_>, name: &str, given: Option<&str>) -> Result<(), DeployError> {
    let typed = match given {
        Some(text) => text.to_owned(),
        None if console.interactive() => {
            console.ask(&format!("Type the policy name `{name}` to destroy it:"))?
        }
        None => {
            return Err(DeployError::NotConfirmed(Problem::new(
                "refusing to destroy without confirmation: no terminal to ask on",
                format!("pass --confirm {name}"),
            )));
        }
    };
    if typed == name {
        Ok(())
    } else {
        Err(DeployError::NotConfirmed(Problem {
            message: format!("`{typed}` is not the policy name `{name}`; nothing was destroyed"),
            help: None,
        }))
    }
}
