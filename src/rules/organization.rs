// Rules for `organization`: permission model versus targets, region lists and region order.

use super::Context;
use crate::code::Code;
use crate::policy::{PermissionModel, Region};
use std::collections::HashMap;

pub(super) fn check(cx: &mut Context<'_>) {
    let org = &cx.policy.organization;
    let targets = &org.targets;
    match org.permission_model {
        PermissionModel::SelfManaged => {
            if targets.accounts.is_empty() {
                let d = cx
                    .key(
                        Code::OrgSelfManagedAccounts,
                        "/organization/targets",
                        "self-managed stack sets need target accounts",
                    )
                    .label("no `accounts` here")
                    .help("list the accounts under `organization.targets.accounts`");
                cx.report(d);
            }
            if !targets.organizational_units.is_empty() {
                let d = cx
                    .key(
                        Code::OrgSelfManagedOus,
                        "/organization/targets/organizational_units",
                        "self-managed stack sets cannot target OUs",
                    )
                    .label("OUs need service_managed")
                    .help("use `permission_model: service_managed`, or list accounts instead");
                cx.report(d);
            }
            if org.auto_deployment.is_some() {
                let d = cx
                    .key(Code::OrgSelfManagedAutoDeploy, "/organization/auto_deployment", "auto_deployment needs service-managed permissions")
                    .label("not with self_managed")
                    .help("remove `auto_deployment`; self-managed stack sets deploy only to the listed accounts");
                cx.report(d);
            }
        }
        PermissionModel::ServiceManaged => {
            if targets.organizational_units.is_empty() {
                let d = cx
                    .key(Code::OrgServiceManagedTargets, "/organization/targets", "service-managed stack sets need at least one OU or the root")
                    .label("no `organizational_units` here")
                    .help("list OU ids (ou-…) or the root (r-…) under `organization.targets.organizational_units`");
                cx.report(d);
            }
            if !targets.accounts.is_empty() {
                let d = cx
                    .key(Code::OrgServiceManagedTargets, "/organization/targets/accounts", "service-managed stack sets reach accounts through their OUs")
                    .label("not with service_managed")
                    .help("remove `accounts` and target their OUs; leave accounts out with `exclude_accounts`, or use `permission_model: self_managed`");
                cx.report(d);
            }
        }
    }
    duplicates(cx, "/organization/regions", &org.regions);
    if let Some(order) = &org.rollout.region_order {
        duplicates(cx, "/organization/rollout/region_order", order);
        for (i, region) in order.iter().enumerate() {
            if !org.regions.contains(region) {
                let d = cx
                    .value(
                        Code::OrgRegionOrder,
                        &format!("/organization/rollout/region_order/{i}"),
                        format!(
                            "`{region}` is in `region_order` but not in `organization.regions`"
                        ),
                    )
                    .label("not a spoke region")
                    .help("region_order may only name regions listed in `organization.regions`");
                cx.report(d);
            }
        }
    }
}

/// Report every region listed a second time in a list.
pub(super) fn duplicates(cx: &mut Context<'_>, pointer: &str, regions: &[Region]) {
    let mut first: HashMap<&str, usize> = HashMap::new();
    for (i, region) in regions.iter().enumerate() {
        if let Some(&j) = first.get(region.as_str()) {
            let d = cx
                .value(
                    Code::OrgDuplicateRegion,
                    &format!("{pointer}/{i}"),
                    format!("region `{region}` is listed twice"),
                )
                .label("listed again")
                .related(cx.span(&format!("{pointer}/{j}")), "first listed here")
                .help("remove the second entry");
            cx.report(d);
        } else {
            first.insert(region.as_str(), i);
        }
    }
}
