// Rules for `waves`: names, targets, regions, tag filters, overlaps and the hub account.

use super::Context;
use crate::code::Code;
use crate::policy::{MAX_TAG_KEYS, MAX_TAG_VALUES, PermissionModel, Region, Wave};
use std::collections::{BTreeSet, HashMap};

pub(super) fn check(cx: &mut Context<'_>) {
    names(cx);
    let org = &cx.policy.organization;
    for (w, wave) in cx.policy.waves.iter().enumerate() {
        let base = format!("/waves/{w}");
        let targets = &wave.targets;
        if targets.accounts.is_empty() && targets.organizational_units.is_empty() {
            let d = cx
                .key(
                    Code::WaveNoTargets,
                    &format!("{base}/targets"),
                    format!("wave `{}` targets nothing", wave.name),
                )
                .label("no accounts or organizational_units")
                .help("add `accounts` or `organizational_units` under this wave's `targets`");
            cx.report(d);
        }
        if let Some(regions) = &targets.regions {
            super::organization::duplicates(cx, &format!("{base}/targets/regions"), regions);
            for (i, region) in regions.iter().enumerate() {
                if !org.regions.contains(region) {
                    let d = cx
                        .value(
                            Code::WaveRegionOutside,
                            &format!("{base}/targets/regions/{i}"),
                            format!(
                                "wave `{}` patches `{region}`, which is not a spoke region",
                                wave.name
                            ),
                        )
                        .label("not in organization.regions")
                        .help(format!(
                            "add `{region}` to `organization.regions`, or remove it from this wave"
                        ));
                    cx.report(d);
                }
            }
        }
        tags(cx, &base, wave);
        outside(cx, &base, wave);
    }
    overlaps(cx);
    hub_patched(cx);
}

fn names(cx: &mut Context<'_>) {
    let mut first: HashMap<&str, usize> = HashMap::new();
    for (w, wave) in cx.policy.waves.iter().enumerate() {
        if let Some(&earlier) = first.get(wave.name.as_str()) {
            let d = cx
                .value(
                    Code::WaveDuplicateName,
                    &format!("/waves/{w}/name"),
                    format!("wave name `{}` is used twice", wave.name),
                )
                .label("used again here")
                .related(
                    cx.span(&format!("/waves/{earlier}/name")),
                    "first used here",
                )
                .help("give every wave its own name, for example `prod-eu` and `prod-us`");
            cx.report(d);
        } else {
            first.insert(&wave.name, w);
        }
    }
}

fn tags(cx: &mut Context<'_>, base: &str, wave: &Wave) {
    let tags = &wave.targets.tags;
    if tags.len() > MAX_TAG_KEYS {
        let d = cx
            .key(
                Code::WaveTagLimit,
                &format!("{base}/targets/tags"),
                format!("wave `{}` filters on {} tag keys", wave.name, tags.len()),
            )
            .label(format!("{} keys, at most {MAX_TAG_KEYS}", tags.len()))
            .help(
                "SSM Automation targets take at most 5 tag keys; combine tags, or split the wave",
            );
        cx.report(d);
    }
    for (key, values) in tags {
        let pointer = format!(
            "{base}/targets/tags/{}",
            crate::document::escape_segment(key)
        );
        if values.len() > MAX_TAG_VALUES {
            let d = cx
                .key(
                    Code::WaveTagLimit,
                    &pointer,
                    format!(
                        "tag `{key}` of wave `{}` lists {} values",
                        wave.name,
                        values.len()
                    ),
                )
                .label(format!("{} values, at most {MAX_TAG_VALUES}", values.len()))
                .help(
                    "SSM Automation targets take at most 50 values per tag key; use a broader tag",
                );
            cx.report(d);
        }
        if values.is_empty() {
            let d = cx
                .key(
                    Code::WaveEmptyTagValues,
                    &pointer,
                    format!("tag `{key}` of wave `{}` has no values", wave.name),
                )
                .label("no values")
                .help("give at least one value, for example `{ Environment: [production] }`");
            cx.report(d);
        }
    }
}

fn outside(cx: &mut Context<'_>, base: &str, wave: &Wave) {
    let org = &cx.policy.organization;
    for (i, account) in wave.targets.accounts.iter().enumerate() {
        let pointer = format!("{base}/targets/accounts/{i}");
        if let Some(j) = org
            .targets
            .exclude_accounts
            .iter()
            .position(|a| a == account)
        {
            let d = cx
                .value(Code::WaveTargetOutside, &pointer, format!("wave `{}` patches account {account}, which is excluded from the organization's targets", wave.name))
                .label("excluded account")
                .related(cx.span(&format!("/organization/targets/exclude_accounts/{j}")), "excluded here")
                .help("an excluded account gets no spoke stack; remove it from the wave or from `exclude_accounts`");
            cx.report(d);
        } else if org.permission_model == PermissionModel::SelfManaged
            && !org.targets.accounts.contains(account)
        {
            let d = cx
                .value(Code::WaveTargetOutside, &pointer, format!("wave `{}` patches account {account}, which is not in `organization.targets.accounts`", wave.name))
                .label("not a target account")
                .help("add the account to `organization.targets.accounts`, or remove it from the wave");
            cx.report(d);
        }
    }
    if org.permission_model == PermissionModel::SelfManaged {
        for (i, ou) in wave.targets.organizational_units.iter().enumerate() {
            let d = cx
                .value(Code::WaveTargetOutside, &format!("{base}/targets/organizational_units/{i}"), format!("wave `{}` targets OU {ou}, but a self-managed stack set deploys to accounts only", wave.name))
                .label("OU with self_managed")
                .help("list the OU's accounts in the wave (and in `organization.targets.accounts`), or use service_managed");
            cx.report(d);
        }
    }
}

/// An account or OU in two waves whose regions overlap.
fn overlaps(cx: &mut Context<'_>) {
    let org_regions: &[Region] = &cx.policy.organization.regions;
    // target id → (wave index, pointer) of every wave that lists it
    let mut seen: HashMap<&str, Vec<(usize, String)>> = HashMap::new();
    let mut found = Vec::new();
    for (w, wave) in cx.policy.waves.iter().enumerate() {
        let regions: BTreeSet<&str> = wave
            .targets
            .regions
            .as_deref()
            .unwrap_or(org_regions)
            .iter()
            .map(Region::as_str)
            .collect();
        let ids = wave
            .targets
            .accounts
            .iter()
            .enumerate()
            .map(|(i, a)| (a.as_str(), format!("/waves/{w}/targets/accounts/{i}")))
            .chain(
                wave.targets
                    .organizational_units
                    .iter()
                    .enumerate()
                    .map(|(i, o)| {
                        (
                            o.as_str(),
                            format!("/waves/{w}/targets/organizational_units/{i}"),
                        )
                    }),
            );
        for (id, pointer) in ids {
            let earlier = seen.entry(id).or_default();
            for (e, earlier_pointer) in earlier.iter() {
                if *e == w {
                    continue;
                }
                let other = &cx.policy.waves[*e];
                let other_regions: BTreeSet<&str> = other
                    .targets
                    .regions
                    .as_deref()
                    .unwrap_or(org_regions)
                    .iter()
                    .map(Region::as_str)
                    .collect();
                let shared: Vec<&str> = regions.intersection(&other_regions).copied().collect();
                if !shared.is_empty() {
                    found.push((
                        id.to_owned(),
                        w,
                        *e,
                        pointer.clone(),
                        earlier_pointer.clone(),
                        shared.join(", "),
                    ));
                }
            }
            earlier.push((w, pointer));
        }
    }
    for (id, w, e, pointer, earlier_pointer, shared) in found {
        let (this, other) = (&cx.policy.waves[w].name, &cx.policy.waves[e].name);
        let kind = if id.starts_with("ou-") || id.starts_with("r-") {
            "OU"
        } else {
            "account"
        };
        let d = cx
            .value(Code::WaveOverlap, &pointer, format!("{kind} {id} is patched by waves `{other}` and `{this}` in {shared}"))
            .label(format!("also in wave `{other}`"))
            .related(cx.span(&earlier_pointer), format!("first patched by wave `{other}`"))
            .help(format!("patch {id} in one wave per region: remove it from one wave, or give the waves different `targets.regions`"));
        cx.report(d);
    }
}

/// Service-managed StackSets never deploy to the management account: warn when the hub
/// account (often the management account) is also a patch target.
fn hub_patched(cx: &mut Context<'_>) {
    let policy = cx.policy;
    if policy.organization.permission_model != PermissionModel::ServiceManaged {
        return;
    }
    let hub = &policy.hub.account;
    for (w, wave) in policy.waves.iter().enumerate() {
        if let Some(i) = wave.targets.accounts.iter().position(|a| a == hub) {
            let d = cx
                .value(Code::HubPatched, &format!("/waves/{w}/targets/accounts/{i}"), format!("wave `{}` patches the hub account {hub}", wave.name))
                .label("the hub account")
                .related(cx.span("/hub/account"), "hub account")
                .help("if the hub is the management account, service-managed StackSets give it no spoke stack and this wave fails there; patch it with a separate self-managed policy, or move the hub to a delegated administrator");
            cx.report(d);
        }
    }
}
