// The waves part of the policy summary: waves added, removed, merged and reordered, and what
// each surviving wave gained or lost (targets, regions, tags, rates, gates).

use super::magnitude::{self, Direction};
use super::policy_diff::{Changes, join, rate_change};
use super::report::ChangeKind;
use crate::policy::{Policy, Region, Wave};
use std::collections::BTreeSet;

/// Compare the waves of two policies.
pub(super) fn compare(old: &Policy, new: &Policy, changes: &mut Changes) {
    let old_index = |name: &str| old.waves.iter().position(|w| w.name == name);
    let new_index = |name: &str| new.waves.iter().position(|w| w.name == name);

    for (i, wave) in new.waves.iter().enumerate() {
        if old_index(&wave.name).is_none() {
            changes.push(
                format!("waves.{}", wave.name),
                ChangeKind::Added,
                format!("wave added at position {}", i + 1),
                None,
                Some(describe_targets(wave)),
                None,
            );
        }
    }
    for (i, wave) in old.waves.iter().enumerate() {
        if new_index(&wave.name).is_some() {
            continue;
        }
        let path = format!("waves.{}", wave.name);
        let targets = target_ids(wave);
        // A surviving wave that took over some of this wave's targets.
        let heir = new.waves.iter().filter(|w| w.name != wave.name).find(|w| {
            let before: BTreeSet<String> = old
                .waves
                .iter()
                .find(|o| o.name == w.name)
                .map(target_ids)
                .unwrap_or_default();
            target_ids(w)
                .iter()
                .any(|t| targets.contains(t) && !before.contains(t))
        });
        match heir {
            Some(heir) => match old_index(&heir.name) {
                Some(j) if j < i => changes.push(
                    path,
                    ChangeKind::Removed,
                    format!("wave merged into the earlier wave `{}`", heir.name),
                    Some(describe_targets(wave)),
                    None,
                    Some(format!(
                        "its targets are now patched in `{}`, before the waves that used to run first had tested the patches",
                        heir.name
                    )),
                ),
                Some(_) => changes.push(
                    path,
                    ChangeKind::Removed,
                    format!("wave merged into the later wave `{}`", heir.name),
                    Some(describe_targets(wave)),
                    None,
                    None,
                ),
                None => changes.push(
                    path,
                    ChangeKind::Removed,
                    format!("wave replaced by the new wave `{}`", heir.name),
                    Some(describe_targets(wave)),
                    None,
                    None,
                ),
            },
            None => changes.push(
                path,
                ChangeKind::Removed,
                "wave removed: its targets are no longer patched by a rollout",
                Some(describe_targets(wave)),
                None,
                None,
            ),
        }
    }
    reorder(old, new, changes);
    for wave in &new.waves {
        let Some(old_pos) = old_index(&wave.name) else {
            continue;
        };
        let Some(before) = old.waves.get(old_pos) else {
            continue;
        };
        wave_settings(old, new, before, wave, changes);
    }
}

fn reorder(old: &Policy, new: &Policy, changes: &mut Changes) {
    let common_old: Vec<&str> = old
        .waves
        .iter()
        .map(|w| w.name.as_str())
        .filter(|n| new.waves.iter().any(|w| w.name == *n))
        .collect();
    let common_new: Vec<&str> = new
        .waves
        .iter()
        .map(|w| w.name.as_str())
        .filter(|n| old.waves.iter().any(|w| w.name == *n))
        .collect();
    if common_old == common_new {
        return;
    }
    // The first wave that now runs before one it used to follow.
    let mut overtaken = None;
    'outer: for (i, a) in common_new.iter().enumerate() {
        for b in &common_new[i + 1..] {
            let pa = common_old.iter().position(|n| n == a);
            let pb = common_old.iter().position(|n| n == b);
            if pa > pb {
                overtaken = Some((*a, *b));
                break 'outer;
            }
        }
    }
    let risk = overtaken.map(|(a, b)| {
        format!("`{a}` now runs before `{b}`: it gets patches before `{b}` has tested them")
    });
    changes.modified(
        "waves",
        "waves reordered",
        common_old.join(", "),
        common_new.join(", "),
        risk,
    );
}

fn wave_settings(
    old_policy: &Policy,
    new_policy: &Policy,
    o: &Wave,
    n: &Wave,
    changes: &mut Changes,
) {
    let base = format!("waves.{}", n.name);
    // A target this wave gained that an old later wave patched: it now gets patches earlier.
    let moved_earlier = |id: &String| -> Option<String> {
        let old_pos = old_policy.waves.iter().position(|w| w.name == n.name)?;
        old_policy
            .waves
            .iter()
            .enumerate()
            .find(|(j, w)| *j > old_pos && target_ids(w).contains(id))
            .map(|(_, w)| format!("{id} moved here from the later wave `{}`", w.name))
    };
    let accounts_old: Vec<String> = o.targets.accounts.iter().map(ToString::to_string).collect();
    let accounts_new: Vec<String> = n.targets.accounts.iter().map(ToString::to_string).collect();
    changes.list(
        &format!("{base}.targets.accounts"),
        "accounts",
        &accounts_old,
        &accounts_new,
        moved_earlier,
    );
    let ous_old: Vec<String> = o
        .targets
        .organizational_units
        .iter()
        .map(ToString::to_string)
        .collect();
    let ous_new: Vec<String> = n
        .targets
        .organizational_units
        .iter()
        .map(ToString::to_string)
        .collect();
    changes.list(
        &format!("{base}.targets.organizational_units"),
        "OUs",
        &ous_old,
        &ous_new,
        moved_earlier,
    );
    let regions_old = effective_regions(old_policy, o);
    let regions_new = effective_regions(new_policy, n);
    changes.list(
        &format!("{base}.targets.regions"),
        "regions",
        &regions_old,
        &regions_new,
        |_| None,
    );
    tags(&base, o, n, changes);

    rate_change(
        changes,
        &format!("{base}.account_concurrency"),
        "account concurrency",
        &o.account_concurrency,
        &n.account_concurrency,
        "more accounts and regions are patched at once",
    );
    rate_change(
        changes,
        &format!("{base}.concurrency"),
        "node concurrency",
        &o.concurrency,
        &n.concurrency,
        "more nodes are patched at once in each account and region",
    );
    rate_change(
        changes,
        &format!("{base}.max_errors"),
        "max errors",
        &o.max_errors,
        &n.max_errors,
        "more failed nodes are tolerated before the wave stops",
    );
    rate_change(
        changes,
        &format!("{base}.abort_when_failed_accounts_exceed"),
        "failed-account tolerance",
        &o.abort_when_failed_accounts_exceed,
        &n.abort_when_failed_accounts_exceed,
        "more failed accounts are tolerated before the rollout stops",
    );
    if let Some(d) = magnitude::duration(&o.bake_time, &n.bake_time) {
        changes.modified(
            format!("{base}.bake_time"),
            format!("bake time {}", d.verb()),
            &o.bake_time,
            &n.bake_time,
            (d != Direction::Raised)
                .then(|| "less time to notice a bad patch before the next wave".to_owned()),
        );
    }
    if let Some(d) = magnitude::duration(&o.timeout, &n.timeout) {
        changes.modified(
            format!("{base}.timeout"),
            format!("timeout {}", d.verb()),
            &o.timeout,
            &n.timeout,
            None,
        );
    }
    match (&o.approval, &n.approval) {
        (None, Some(a)) => changes.push(
            format!("{base}.approval"),
            ChangeKind::Added,
            "approval gate added",
            None,
            Some(join(&a.approvers)),
            None,
        ),
        (Some(a), None) => changes.push(
            format!("{base}.approval"),
            ChangeKind::Removed,
            "approval gate removed",
            Some(join(&a.approvers)),
            None,
            Some("the wave starts without anyone approving it".to_owned()),
        ),
        (Some(a), Some(b)) => {
            changes.list(
                &format!("{base}.approval.approvers"),
                "approvers",
                &a.approvers,
                &b.approvers,
                |_| None,
            );
            if let Some(d) = magnitude::duration(&a.timeout, &b.timeout) {
                changes.modified(
                    format!("{base}.approval.timeout"),
                    format!("approval timeout {}", d.verb()),
                    &a.timeout,
                    &b.timeout,
                    None,
                );
            }
            if a.allow_self_approval != b.allow_self_approval {
                let (summary, risk) = if b.allow_self_approval {
                    (
                        "self-approval allowed",
                        Some(
                            "whoever starts a rollout may approve this wave (no four eyes)"
                                .to_owned(),
                        ),
                    )
                } else {
                    ("self-approval refused", None)
                };
                changes.modified(
                    format!("{base}.approval.allow_self_approval"),
                    summary,
                    a.allow_self_approval,
                    b.allow_self_approval,
                    risk,
                );
            }
        }
        (None, None) => {}
    }
    match (&o.stop_on_alarm, &n.stop_on_alarm) {
        (None, Some(a)) => changes.push(
            format!("{base}.stop_on_alarm"),
            ChangeKind::Added,
            "alarm gate added",
            None,
            Some(a.clone()),
            None,
        ),
        (Some(a), None) => changes.push(
            format!("{base}.stop_on_alarm"),
            ChangeKind::Removed,
            "alarm gate removed",
            Some(a.clone()),
            None,
            Some("the wave no longer stops when its health alarm fires".to_owned()),
        ),
        (Some(a), Some(b)) if a != b => {
            changes.modified(format!("{base}.stop_on_alarm"), "alarm changed", a, b, None)
        }
        _ => {}
    }
}

fn tags(base: &str, o: &Wave, n: &Wave, changes: &mut Changes) {
    let path = format!("{base}.targets.tags");
    for (key, values) in &n.targets.tags {
        match o.targets.tags.get(key) {
            None => changes.push(
                format!("{path}.{key}"),
                ChangeKind::Added,
                format!("tag filter `{key}` added"),
                None,
                Some(join(values)),
                None,
            ),
            Some(before) => changes.list(
                &format!("{path}.{key}"),
                "tag values",
                before,
                values,
                |_| None,
            ),
        }
    }
    for (key, values) in &o.targets.tags {
        if !n.targets.tags.contains_key(key) {
            changes.push(
                format!("{path}.{key}"),
                ChangeKind::Removed,
                format!("tag filter `{key}` removed"),
                Some(join(values)),
                None,
                Some(format!(
                    "the wave now patches nodes whatever their `{key}` tag, not only {}",
                    join(values)
                )),
            );
        }
    }
}

fn effective_regions(policy: &Policy, wave: &Wave) -> Vec<Region> {
    wave.targets
        .regions
        .clone()
        .unwrap_or_else(|| policy.organization.regions.clone())
}

fn target_ids(wave: &Wave) -> BTreeSet<String> {
    wave.targets
        .accounts
        .iter()
        .map(ToString::to_string)
        .chain(
            wave.targets
                .organizational_units
                .iter()
                .map(ToString::to_string),
        )
        .collect()
}

fn describe_targets(wave: &Wave) -> String {
    let mut parts = Vec::new();
    if !wave.targets.accounts.is_empty() {
        parts.push(format!("accounts {}", join(&wave.targets.accounts)));
    }
    if !wave.targets.organizational_units.is_empty() {
        parts.push(format!("OUs {}", join(&wave.targets.organizational_units)));
    }
    if let Some(regions) = &wave.targets.regions {
        parts.push(format!("regions {}", join(regions)));
    }
    for (key, values) in &wave.targets.tags {
        parts.push(format!("{key}={}", values.join("|")));
    }
    parts.join("; ")
}
