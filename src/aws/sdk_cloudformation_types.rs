// Between patchform's model and the CloudFormation SDK's types: CallAs, permission models,
// parameters, deployment targets, operation preferences and statuses, tags.

use super::model::*;
use super::sdk::sorted;
use crate::policy::{CallAs, PermissionModel, RateValue, RegionConcurrency};
use aws_sdk_cloudformation::types as cfn;

pub(super) fn call_as(value: CallAs) -> cfn::CallAs {
    match value {
        CallAs::SelfAccount => cfn::CallAs::SelfValue,
        CallAs::DelegatedAdmin => cfn::CallAs::DelegatedAdmin,
    }
}

pub(super) fn permission_model(value: PermissionModel) -> cfn::PermissionModels {
    match value {
        PermissionModel::ServiceManaged => cfn::PermissionModels::ServiceManaged,
        PermissionModel::SelfManaged => cfn::PermissionModels::SelfManaged,
    }
}

pub(super) fn parameters(pairs: &[(String, String)]) -> Vec<cfn::Parameter> {
    pairs
        .iter()
        .map(|(k, v)| {
            cfn::Parameter::builder()
                .parameter_key(k)
                .parameter_value(v)
                .build()
        })
        .collect()
}

pub(super) fn read_parameters(list: &[cfn::Parameter]) -> Vec<(String, String)> {
    sorted(
        list.iter()
            .filter_map(|p| {
                Some((
                    p.parameter_key()?.to_owned(),
                    p.parameter_value().unwrap_or_default().to_owned(),
                ))
            })
            .collect(),
    )
}

pub(super) fn deployment_targets(targets: &InstanceTargets) -> cfn::DeploymentTargets {
    let filter = match targets.filter {
        AccountFilter::None => None,
        AccountFilter::Intersection => Some(cfn::AccountFilterType::Intersection),
        AccountFilter::Difference => Some(cfn::AccountFilterType::Difference),
    };
    let accounts = (!targets.accounts.is_empty()).then(|| targets.accounts.clone());
    cfn::DeploymentTargets::builder()
        .set_organizational_unit_ids(Some(targets.organizational_units.clone()))
        .set_accounts(accounts)
        .set_account_filter_type(filter)
        .build()
}

pub(super) fn preferences(p: &OperationPreferences) -> cfn::StackSetOperationPreferences {
    let clamp = |n: u64| i32::try_from(n).unwrap_or(i32::MAX);
    let mut b = cfn::StackSetOperationPreferences::builder()
        .region_concurrency_type(match p.region_concurrency {
            RegionConcurrency::Sequential => cfn::RegionConcurrencyType::Sequential,
            RegionConcurrency::Parallel => cfn::RegionConcurrencyType::Parallel,
        })
        .set_region_order(Some(p.region_order.clone()));
    b = match p.max_concurrent {
        RateValue::Count(n) => b.max_concurrent_count(clamp(n)),
        RateValue::Percent(n) => b.max_concurrent_percentage(i32::from(n)),
    };
    b = match p.failure_tolerance {
        RateValue::Count(n) => b.failure_tolerance_count(clamp(n)),
        RateValue::Percent(n) => b.failure_tolerance_percentage(i32::from(n)),
    };
    // Strict failure tolerance: the rollout stops at the first failures beyond the tolerance.
    b.concurrency_mode(cfn::ConcurrencyMode::StrictFailureTolerance)
        .build()
}

pub(super) fn operation_status(status: Option<&cfn::StackSetOperationStatus>) -> OperationStatus {
    match status {
        Some(cfn::StackSetOperationStatus::Queued) => OperationStatus::Queued,
        Some(cfn::StackSetOperationStatus::Running) => OperationStatus::Running,
        Some(cfn::StackSetOperationStatus::Stopping) => OperationStatus::Stopping,
        Some(cfn::StackSetOperationStatus::Succeeded) => OperationStatus::Succeeded,
        Some(cfn::StackSetOperationStatus::Stopped) => OperationStatus::Stopped,
        _ => OperationStatus::Failed,
    }
}

/// The body goes inline only when there is no TemplateURL (CloudFormation takes one of the two).
pub(super) fn template_body(body: &str, url: Option<&str>) -> Option<String> {
    url.is_none().then(|| body.to_owned())
}

pub(super) fn tags(pairs: &[(String, String)]) -> Vec<cfn::Tag> {
    pairs
        .iter()
        .map(|(k, v)| cfn::Tag::builder().key(k).value(v).build())
        .collect()
}

pub(super) fn auto_deployment(enabled: bool) -> cfn::AutoDeployment {
    cfn::AutoDeployment::builder()
        .enabled(enabled)
        // An account that leaves the targeted OUs loses its spoke stack, like a pruned target.
        .retain_stacks_on_account_removal(false)
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preferences_carry_counts_and_percentages() {
        let p = preferences(&OperationPreferences {
            region_concurrency: RegionConcurrency::Parallel,
            region_order: vec!["eu-west-1".into()],
            max_concurrent: RateValue::Percent(25),
            failure_tolerance: RateValue::Count(0),
        });
        assert_eq!(p.max_concurrent_percentage(), Some(25));
        assert_eq!(p.failure_tolerance_count(), Some(0));
        assert_eq!(
            p.region_concurrency_type(),
            Some(&cfn::RegionConcurrencyType::Parallel)
        );
    }
}
