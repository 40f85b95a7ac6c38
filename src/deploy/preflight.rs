// Preflight: before any change, check identity, artifact bucket, organization, StackSets, targets.

use super::bucket::{self, ArtifactBucket};
use super::console::Console;
use super::error::DeployError;
use super::org_tree::OrgTree;
use super::problem::Problem;
use super::targets::{self, REMAINING, Resolved, TargetProblem, WaveTargets};
use crate::aws::{AwsApi, AwsError, OrgInfo, SSM_PRINCIPAL, STACKSETS_PRINCIPAL};
use crate::policy::{CallAs, PermissionModel, Policy};

/// What preflight learned.
#[derive(Debug, Clone)]
pub(super) struct Checked {
    /// The organization.
    pub org: OrgInfo,
    /// Its tree.
    pub tree: OrgTree,
    /// The policy's targets, per wave.
    pub resolved: Resolved,
    /// The bucket templates go through, and what it needs.
    pub bucket: ArtifactBucket,
}

/// Run every check; each failure is one message with what to do. Read-only. With
/// `artifact_bucket`, that bucket must exist, be usable and be in the hub region; without it,
/// patchform's own bucket may be missing (created on apply) but must not be another account's.
pub(super) async fn preflight(
    api: &impl AwsApi,
    policy: &Policy,
    artifact_bucket: Option<&str>,
    console: &mut Console<'_>,
) -> Result<Checked, DeployError> {
    let hub = policy.hub.account.as_str();
    let caller = api.caller_account().await?;
    if caller != hub {
        return Err(DeployError::Preflight(vec![Problem::new(
            format!(
                "the credentials are for account {caller}, but the policy's hub account is {hub}"
            ),
            format!("use credentials for {hub} (AWS_PROFILE, or assume a role in it)"),
        )]));
    }
    let org = match api.describe_organization().await {
        Err(e) if e.code() == Some("AWSOrganizationsNotInUseException") => {
            return Err(DeployError::Preflight(vec![Problem::new(
                format!("account {caller} is not in an AWS Organization"),
                "the spoke stack set is deployed across an organization; run deploy from its management account or a delegated administrator",
            )]));
        }
        other => other?,
    };
    let mut problems = Vec::new();
    let bucket = bucket::check(api, artifact_bucket, hub, policy.hub.region.as_str()).await?;
    if let Err(problem) = &bucket {
        problems.push(problem.clone());
    }
    if !org.all_features {
        problems.push(Problem::new(format!("organization {} has only consolidated billing features", org.id), "enable all features (Organizations console → Settings); StackSets with service-managed permissions need them"));
    }
    let is_management = caller == org.management_account;
    let who = Caller {
        account: &caller,
        is_management,
    };
    problems.extend(check_stacksets(api, policy, &org, &who, console).await?);
    problems.extend(check_ssm_admin(api, policy, &who, console).await?);
    if !problems.is_empty() {
        return Err(DeployError::Preflight(problems));
    }
    let bucket = bucket.map_err(|problem| DeployError::Preflight(vec![problem]))?;
    let tree = OrgTree::walk(api).await?;
    let resolved = targets::resolve(policy, &tree, &org.management_account).map_err(|found| {
        DeployError::Preflight(found.iter().map(TargetProblem::problem).collect())
    })?;
    print_targets(console, &tree, &resolved)?;
    Ok(Checked {
        org,
        tree,
        resolved,
        bucket,
    })
}

/// The account deploy runs as.
struct Caller<'a> {
    account: &'a str,
    is_management: bool,
}

/// Service-managed permissions: StackSets trusted access, and `call_as` matching the caller
/// (management account, or a registered delegated administrator). Each problem found.
async fn check_stacksets(
    api: &impl AwsApi,
    policy: &Policy,
    org: &OrgInfo,
    who: &Caller<'_>,
    console: &mut Console<'_>,
) -> Result<Vec<Problem>, DeployError> {
    let (caller, is_management) = (who.account.to_owned(), who.is_management);
    let org_config = &policy.organization;
    let mut problems = Vec::new();
    if org_config.permission_model == PermissionModel::ServiceManaged {
        match api.trusted_services().await {
            Ok(services) if !services.iter().any(|s| s == STACKSETS_PRINCIPAL) => problems.push(Problem::new(format!("StackSets trusted access is not enabled in organization {}", org.id), format!("in the management account run `aws organizations enable-aws-service-access --service-principal {STACKSETS_PRINCIPAL}` (or CloudFormation console → StackSets → Activate trusted access)"))),
            Ok(_) => {}
            Err(e) if !is_management && is_unverifiable(&e) => console.note(&format!(
                "cannot confirm StackSets trusted access from this account ({e}); the first StackSets call will tell"
            ))?,
            Err(e) => return Err(e.into()),
        }
        match org_config.call_as {
            CallAs::SelfAccount if !is_management => problems.push(Problem::new(format!("account {caller} is not the management account ({}), and `organization.call_as` is `self`", org.management_account), format!("set `call_as: delegated_admin` and register {caller}: `aws organizations register-delegated-administrator --service-principal {STACKSETS_PRINCIPAL} --account-id {caller}`"))),
            CallAs::DelegatedAdmin if is_management => problems.push(Problem::new(format!("`organization.call_as` is `delegated_admin`, but account {caller} is the management account"), "set `call_as: self`, or deploy from the delegated administrator account")),
            CallAs::DelegatedAdmin => match api.delegated_administrators(STACKSETS_PRINCIPAL).await {
                Ok(admins) if !admins.contains(&caller) => problems.push(Problem::new(format!("account {caller} is not a registered delegated administrator for StackSets"), format!("in the management account run `aws organizations register-delegated-administrator --service-principal {STACKSETS_PRINCIPAL} --account-id {caller}`"))),
                Ok(_) => {}
                Err(e) if is_unverifiable(&e) => console.note(&format!(
                    "cannot confirm that {caller} is a delegated administrator for StackSets ({e}); the first StackSets call will tell"
                ))?,
                Err(e) => return Err(e.into()),
            },
            CallAs::SelfAccount => {}
        }
    }
    Ok(problems)
}

/// A wave that targets OUs runs SSM Automation across the organization, which only the
/// management account or a Systems Manager delegated administrator may start.
async fn check_ssm_admin(
    api: &impl AwsApi,
    policy: &Policy,
    who: &Caller<'_>,
    console: &mut Console<'_>,
) -> Result<Vec<Problem>, DeployError> {
    let (caller, is_management) = (who.account.to_owned(), who.is_management);
    let mut problems = Vec::new();
    let targets_ous = policy
        .waves
        .iter()
        .any(|w| !w.targets.organizational_units.is_empty());
    if targets_ous && !is_management {
        match api.delegated_administrators(SSM_PRINCIPAL).await {
            Ok(admins) if !admins.contains(&caller) => problems.push(Problem::new(format!("account {caller} is neither the management account nor a delegated administrator for Systems Manager, so its automations cannot target OUs"), format!("in the management account run `aws organizations register-delegated-administrator --service-principal {SSM_PRINCIPAL} --account-id {caller}`, or target accounts instead of OUs"))),
            Ok(_) => {}
            Err(e) if is_unverifiable(&e) => console.note(&format!(
                "cannot confirm that {caller} is a delegated administrator for Systems Manager ({e}); a wave that targets OUs fails at its start if it is not"
            ))?,
            Err(e) => return Err(e.into()),
        }
    }
    Ok(problems)
}

/// Access denied, or a question the endpoint does not answer: not proof of a problem.
fn is_unverifiable(error: &AwsError) -> bool {
    matches!(
        error.code(),
        Some("AccessDeniedException" | "AccessDenied" | "InvalidInputException")
    )
}

/// The regions `wave` reaches, in the policy's order (the wave's `targets.regions`, else
/// `organization.regions`), so the output reads like the policy; any other region (none expected) last.
fn regions_in_policy_order(wave: &WaveTargets) -> Vec<&str> {
    let reached: std::collections::BTreeSet<&str> =
        wave.pairs.iter().map(|(_, r)| r.as_str()).collect();
    let mut regions: Vec<&str> = wave
        .regions
        .iter()
        .map(String::as_str)
        .filter(|r| reached.contains(r))
        .collect();
    regions.extend(
        reached
            .iter()
            .filter(|r| !wave.regions.iter().any(|w| w == *r)),
    );
    regions
}

/// Print each wave's OUs and accounts, as `name (ou-…)` and `name (id)`.
fn print_targets(
    console: &mut Console<'_>,
    tree: &OrgTree,
    resolved: &Resolved,
) -> std::io::Result<()> {
    console.step("Targets")?;
    for wave in &resolved.waves {
        let accounts: std::collections::BTreeSet<&str> =
            wave.pairs.iter().map(|(a, _)| a.as_str()).collect();
        let regions = regions_in_policy_order(wave);
        let title = if wave.name == REMAINING {
            format!(
                "targeted but {REMAINING} (they get the spoke stack last and no rollout patches them)"
            )
        } else {
            format!("wave `{}`", wave.name)
        };
        console.line(&format!(
            "{title}: {} account(s) × {} region(s) [{}]",
            accounts.len(),
            regions.len(),
            regions.join(", ")
        ))?;
        if wave.name != REMAINING {
            for unit in &wave.units {
                console.line(&format!("  OU {}", tree.unit_label(unit)))?;
            }
        }
        for account in accounts {
            console.line(&format!("    {}", tree.account_label(account)))?;
        }
    }
    for (account, why) in &resolved.skipped {
        console.note(&format!("{account} is skipped: {why}"))?;
    }
    Ok(())
}
