// The spoke stack set's plan: permission model, CallAs, targets, regions and operation
// preferences, typed for deploy and spelled as StackSets spells them in manifest.json.

use super::PlanError;
use crate::policy::{CallAs, PermissionModel, Policy, RateValue, RegionConcurrency};
use serde::Serialize;

/// How the spoke stack set is deployed: what `deploy` and `destroy` send to StackSets, and what
/// manifest.json records (enums and rates as the StackSets API spells them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StackSetPlan {
    /// SERVICE_MANAGED or SELF_MANAGED.
    #[serde(serialize_with = "api_name::permission_model")]
    pub permission_model: PermissionModel,
    /// SELF or DELEGATED_ADMIN.
    #[serde(serialize_with = "api_name::call_as")]
    pub call_as: CallAs,
    /// DeploymentTargets.OrganizationalUnitIds.
    pub organizational_units: Vec<String>,
    /// DeploymentTargets.Accounts.
    pub accounts: Vec<String>,
    /// Accounts left out of the OUs (DeploymentTargets.Accounts with AccountFilterType DIFFERENCE).
    pub exclude_accounts: Vec<String>,
    /// DIFFERENCE when accounts are excluded from OUs.
    pub account_filter_type: Option<String>,
    /// Stack instance regions.
    pub regions: Vec<String>,
    /// AutoDeployment.Enabled (service-managed only).
    pub auto_deployment: bool,
    /// OperationPreferences.RegionOrder.
    pub region_order: Vec<String>,
    /// OperationPreferences.RegionConcurrencyType.
    #[serde(serialize_with = "api_name::region_concurrency")]
    pub region_concurrency: RegionConcurrency,
    /// MaxConcurrentCount or MaxConcurrentPercentage (recorded as `25%`, `1`).
    #[serde(serialize_with = "api_name::rate")]
    pub max_concurrent: RateValue,
    /// FailureToleranceCount or FailureTolerancePercentage.
    #[serde(serialize_with = "api_name::rate")]
    pub failure_tolerance: RateValue,
}

/// Serializers writing the stack set plan's values as the StackSets API spells them.
mod api_name {
    use crate::policy::{CallAs, PermissionModel, RateValue, RegionConcurrency};
    use serde::Serializer;

    pub(super) fn permission_model<S: Serializer>(
        v: &PermissionModel,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.serialize_str(v.api_name())
    }
    pub(super) fn call_as<S: Serializer>(v: &CallAs, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(v.api_name())
    }
    pub(super) fn region_concurrency<S: Serializer>(
        v: &RegionConcurrency,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.serialize_str(v.api_name())
    }
    pub(super) fn rate<S: Serializer>(v: &RateValue, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&v.to_ssm())
    }
}

/// The stack set plan of `policy`.
pub(super) fn plan(policy: &Policy) -> Result<StackSetPlan, PlanError> {
    let org = &policy.organization;
    let ids = |v: &[crate::policy::AccountId]| v.iter().map(|a| a.0.clone()).collect::<Vec<_>>();
    let regions: Vec<String> = org.regions.iter().map(|r| r.0.clone()).collect();
    Ok(StackSetPlan {
        permission_model: org.permission_model,
        call_as: org.call_as,
        organizational_units: org
            .targets
            .organizational_units
            .iter()
            .map(|o| o.0.clone())
            .collect(),
        accounts: ids(&org.targets.accounts),
        exclude_accounts: ids(&org.targets.exclude_accounts),
        account_filter_type: (!org.targets.exclude_accounts.is_empty())
            .then(|| "DIFFERENCE".to_owned()),
        region_order: org
            .rollout
            .region_order
            .as_ref()
            .map(|o| o.iter().map(|r| r.0.clone()).collect())
            .unwrap_or_else(|| regions.clone()),
        regions,
        auto_deployment: org.auto_deployment_enabled(),
        region_concurrency: org.rollout.region_concurrency,
        max_concurrent: rate(
            "organization.rollout.max_concurrent",
            &org.rollout.max_concurrent,
        )?,
        failure_tolerance: rate(
            "organization.rollout.failure_tolerance",
            &org.rollout.failure_tolerance,
        )?,
    })
}

fn rate<U: crate::policy::RateUse>(
    path: &str,
    r: &crate::policy::Rate<U>,
) -> Result<RateValue, PlanError> {
    r.value()
        .map_err(|e| PlanError::invalid(path, format!("`{r}` is not a rate ({e:?})")))
}
