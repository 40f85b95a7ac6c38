// The policy-level summary: compare two typed policies section by section, in the reviewer's words.

use super::baseline_diff;
use super::magnitude::{self, Direction};
use super::report::{ChangeKind, PolicyChange};
use super::unworded;
use super::wave_diff;
use crate::policy::{Policy, Rate, RateUse, RegionConcurrency};
use std::fmt::Display;

/// Every policy-level change from `old` to `new`, risky ones first, then in policy order.
pub(super) fn compare(old: &Policy, new: &Policy) -> Vec<PolicyChange> {
    let mut changes = Changes::default();
    hub(old, new, &mut changes);
    organization(old, new, &mut changes);
    baseline_diff::compare(&old.baselines, &new.baselines, &mut changes);
    schedules(old, new, &mut changes);
    wave_diff::compare(old, new, &mut changes);
    notifications(old, new, &mut changes);
    compliance(old, new, &mut changes);
    bedrock(old, new, &mut changes);
    // Last: any changed key the comparators above did not word (a new key of the language).
    unworded::compare(old, new, &mut changes);
    let mut list = changes.0;
    // A stable sort keeps policy order within the risky and the other changes.
    list.sort_by_key(|c| !c.is_risky());
    list
}

/// The changes found so far.
#[derive(Debug, Default)]
pub(super) struct Changes(pub Vec<PolicyChange>);

impl Changes {
    /// Record one change.
    pub(super) fn push(
        &mut self,
        path: impl Into<String>,
        kind: ChangeKind,
        summary: impl Into<String>,
        old: Option<String>,
        new: Option<String>,
        risk: Option<String>,
    ) {
        self.0.push(PolicyChange {
            path: path.into(),
            kind,
            summary: summary.into(),
            old,
            new,
            risk,
        });
    }

    /// Record a value that changed (old → new), with an optional risk.
    pub(super) fn modified(
        &mut self,
        path: impl Into<String>,
        summary: impl Into<String>,
        old: impl Display,
        new: impl Display,
        risk: Option<String>,
    ) {
        self.push(
            path,
            ChangeKind::Modified,
            summary,
            Some(old.to_string()),
            Some(new.to_string()),
            risk,
        );
    }

    /// Record the items a list gained and lost (`regions gained: us-west-2`).
    pub(super) fn list<T: Display + PartialEq>(
        &mut self,
        path: &str,
        what: &str,
        old: &[T],
        new: &[T],
        gained_risk: impl Fn(&T) -> Option<String>,
    ) {
        let gained: Vec<&T> = new.iter().filter(|v| !old.contains(v)).collect();
        let lost: Vec<&T> = old.iter().filter(|v| !new.contains(v)).collect();
        if !gained.is_empty() {
            let risk = gained.iter().find_map(|v| gained_risk(v));
            self.push(
                path,
                ChangeKind::Added,
                format!("{what} gained"),
                None,
                Some(join(&gained)),
                risk,
            );
        }
        if !lost.is_empty() {
            self.push(
                path,
                ChangeKind::Removed,
                format!("{what} lost"),
                Some(join(&lost)),
                None,
                None,
            );
        }
    }
}

/// Items separated by commas.
pub(super) fn join<T: Display>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A rate change worded with its direction; raising it is risky when `raise_risk` says why.
pub(super) fn rate_change<U: RateUse>(
    changes: &mut Changes,
    path: &str,
    what: &str,
    old: &Rate<U>,
    new: &Rate<U>,
    raise_risk: &str,
) {
    if let Some(direction) = magnitude::rate(old, new) {
        let risk = match direction {
            Direction::Raised => Some(raise_risk.to_owned()),
            Direction::Changed => Some(format!(
                "{raise_risk} (cannot tell whether it grew: a count and a percentage)"
            )),
            Direction::Lowered => None,
        };
        changes.modified(path, format!("{what} {}", direction.verb()), old, new, risk);
    }
}

fn hub(old: &Policy, new: &Policy, changes: &mut Changes) {
    let risk = || {
        Some(
            "the hub stack moves: orchestrator, log bucket and audit table are created anew"
                .to_owned(),
        )
    };
    if old.hub.account != new.hub.account {
        changes.modified(
            "hub.account",
            "hub account changed",
            &old.hub.account,
            &new.hub.account,
            risk(),
        );
    }
    if old.hub.region != new.hub.region {
        changes.modified(
            "hub.region",
            "hub region changed",
            &old.hub.region,
            &new.hub.region,
            risk(),
        );
    }
    if old.description != new.description {
        let shown = |d: &Option<String>| d.clone().unwrap_or_else(|| "(none)".to_owned());
        changes.modified(
            "description",
            "description changed (template and stack set descriptions only)",
            shown(&old.description),
            shown(&new.description),
            None,
        );
    }
    if old.name != new.name {
        changes.modified(
            "name",
            "policy renamed: every stack and resource name changes",
            &old.name,
            &new.name,
            Some(
                "a new hub stack and stack set are created; the old ones stay until destroyed"
                    .to_owned(),
            ),
        );
    }
}

fn organization(old: &Policy, new: &Policy, changes: &mut Changes) {
    let (o, n) = (&old.organization, &new.organization);
    if o.permission_model != n.permission_model {
        changes.modified(
            "organization.permission_model",
            "stack set permission model changed",
            snake(&o.permission_model),
            snake(&n.permission_model),
            None,
        );
    }
    if o.call_as != n.call_as {
        changes.modified(
            "organization.call_as",
            "CallAs changed",
            snake(&o.call_as),
            snake(&n.call_as),
            None,
        );
    }
    changes.list(
        "organization.targets.organizational_units",
        "targeted OUs",
        &o.targets.organizational_units,
        &n.targets.organizational_units,
        |_| None,
    );
    changes.list(
        "organization.targets.accounts",
        "targeted accounts",
        &o.targets.accounts,
        &n.targets.accounts,
        |_| None,
    );
    changes.list(
        "organization.targets.exclude_accounts",
        "excluded accounts",
        &o.targets.exclude_accounts,
        &n.targets.exclude_accounts,
        |_| None,
    );
    changes.list(
        "organization.regions",
        "spoke regions",
        &o.regions,
        &n.regions,
        |_| None,
    );
    if o.auto_deployment_enabled() != n.auto_deployment_enabled() {
        changes.modified(
            "organization.auto_deployment",
            if n.auto_deployment_enabled() {
                "automatic deployment to new accounts switched on"
            } else {
                "automatic deployment to new accounts switched off"
            },
            o.auto_deployment_enabled(),
            n.auto_deployment_enabled(),
            None,
        );
    }
    let old_order = o
        .rollout
        .region_order
        .clone()
        .unwrap_or_else(|| o.regions.clone());
    let new_order = n
        .rollout
        .region_order
        .clone()
        .unwrap_or_else(|| n.regions.clone());
    let common_old: Vec<_> = old_order.iter().filter(|r| new_order.contains(r)).collect();
    let common_new: Vec<_> = new_order.iter().filter(|r| old_order.contains(r)).collect();
    if common_old != common_new {
        changes.modified(
            "organization.rollout.region_order",
            "stack set region order changed",
            join(&old_order),
            join(&new_order),
            None,
        );
    }
    if o.rollout.region_concurrency != n.rollout.region_concurrency {
        let risk = (n.rollout.region_concurrency == RegionConcurrency::Parallel)
            .then(|| "stack set updates reach every region at once".to_owned());
        changes.modified(
            "organization.rollout.region_concurrency",
            "stack set region concurrency changed",
            snake(&o.rollout.region_concurrency),
            snake(&n.rollout.region_concurrency),
            risk,
        );
    }
    rate_change(
        changes,
        "organization.rollout.max_concurrent",
        "stack set max concurrent accounts",
        &o.rollout.max_concurrent,
        &n.rollout.max_concurrent,
        "more accounts get a spoke stack update at once",
    );
    rate_change(
        changes,
        "organization.rollout.failure_tolerance",
        "stack set failure tolerance",
        &o.rollout.failure_tolerance,
        &n.rollout.failure_tolerance,
        "more failed accounts are tolerated before a stack set operation stops",
    );
}

fn schedules(old: &Policy, new: &Policy, changes: &mut Changes) {
    if old.scan.schedule != new.scan.schedule {
        changes.modified(
            "scan.schedule",
            "scan schedule changed",
            &old.scan.schedule,
            &new.scan.schedule,
            None,
        );
    }
    let (o, n) = (&old.install, &new.install);
    match (&o.schedule, &n.schedule) {
        (None, Some(s)) => changes.push(
            "install.schedule",
            ChangeKind::Added,
            "rollouts now start on a schedule",
            None,
            Some(s.clone()),
            None,
        ),
        (Some(s), None) => changes.push(
            "install.schedule",
            ChangeKind::Removed,
            "scheduled rollouts removed: rollouts start by hand",
            Some(s.clone()),
            None,
            None,
        ),
        (Some(a), Some(b)) if a != b => {
            changes.modified("install.schedule", "rollout schedule changed", a, b, None)
        }
        _ => {}
    }
    if o.timezone_or_default() != n.timezone_or_default() {
        changes.modified(
            "install.timezone",
            "rollout timezone changed",
            o.timezone_or_default(),
            n.timezone_or_default(),
            None,
        );
    }
    if o.reboot != n.reboot {
        let risk = (n.reboot == crate::policy::Reboot::IfNeeded)
            .then(|| "nodes may now reboot during a rollout".to_owned());
        changes.modified(
            "install.reboot",
            "reboot behaviour changed",
            snake(&o.reboot),
            snake(&n.reboot),
            risk,
        );
    }
    if o.patch_set != n.patch_set {
        let risk = (n.patch_set == crate::policy::PatchSet::Latest)
            .then(|| "later waves may install patches the earlier waves never tested".to_owned());
        changes.modified(
            "install.patch_set",
            "patch set changed",
            snake(&o.patch_set),
            snake(&n.patch_set),
            risk,
        );
    }
    let hooks = [
        ("pre_install", &o.hooks.pre_install, &n.hooks.pre_install),
        ("post_install", &o.hooks.post_install, &n.hooks.post_install),
        ("on_exit", &o.hooks.on_exit, &n.hooks.on_exit),
    ];
    for (name, a, b) in hooks {
        let path = format!("install.hooks.{name}");
        match (a, b) {
            (None, Some(b)) => changes.push(
                path,
                ChangeKind::Added,
                format!("{name} hook added"),
                None,
                Some(b.describe()),
                None,
            ),
            (Some(a), None) => changes.push(
                path,
                ChangeKind::Removed,
                format!("{name} hook removed"),
                Some(a.describe()),
                None,
                Some("a check that ran around every install no longer runs".to_owned()),
            ),
            (Some(a), Some(b)) if a != b => {
                let (before, after) = (a.describe(), b.describe());
                let what = if before == after {
                    format!("{name} hook document {before} changed")
                } else {
                    format!("{name} hook changed")
                };
                changes.modified(path, what, &before, &after, None)
            }
            _ => {}
        }
    }
}

fn notifications(old: &Policy, new: &Policy, changes: &mut Changes) {
    changes.list(
        "notifications.email",
        "notified addresses",
        &old.notifications.email,
        &new.notifications.email,
        |_| None,
    );
}

fn compliance(old: &Policy, new: &Policy, changes: &mut Changes) {
    let (o, n) = (&old.compliance, &new.compliance);
    if o.config_rule != n.config_rule {
        changes.modified(
            "compliance.config_rule",
            if n.config_rule {
                "AWS Config patch rule switched on"
            } else {
                "AWS Config patch rule switched off"
            },
            o.config_rule,
            n.config_rule,
            None,
        );
    }
    if o.create_recorder != n.create_recorder {
        changes.modified(
            "compliance.create_recorder",
            if n.create_recorder {
                "Config recorder now created"
            } else {
                "Config recorder no longer created"
            },
            o.create_recorder,
            n.create_recorder,
            None,
        );
    }
    let bypass = "remediation patches instances outside the waves, without their gates";
    match (&o.remediation, &n.remediation) {
        (None, Some(r)) => changes.push(
            "compliance.remediation",
            ChangeKind::Added,
            if r.automatic {
                "automatic remediation switched on"
            } else {
                "manual remediation added"
            },
            None,
            Some(if r.automatic { "automatic" } else { "manual" }.to_owned()),
            r.automatic.then(|| bypass.to_owned()),
        ),
        (Some(r), None) => changes.push(
            "compliance.remediation",
            ChangeKind::Removed,
            "remediation removed",
            Some(if r.automatic { "automatic" } else { "manual" }.to_owned()),
            None,
            None,
        ),
        (Some(a), Some(b)) => {
            if a.automatic != b.automatic {
                changes.modified(
                    "compliance.remediation.automatic",
                    if b.automatic {
                        "remediation switched to automatic"
                    } else {
                        "remediation switched to manual"
                    },
                    a.automatic,
                    b.automatic,
                    b.automatic.then(|| bypass.to_owned()),
                );
            }
            if let Some(d) = magnitude::number(a.max_attempts, b.max_attempts) {
                changes.modified(
                    "compliance.remediation.max_attempts",
                    format!("remediation attempts {}", d.verb()),
                    a.max_attempts,
                    b.max_attempts,
                    None,
                );
            }
            if let Some(d) = magnitude::duration(&a.retry_after, &b.retry_after) {
                changes.modified(
                    "compliance.remediation.retry_after",
                    format!("remediation retry delay {}", d.verb()),
                    &a.retry_after,
                    &b.retry_after,
                    None,
                );
            }
            if let Some(d) = magnitude::percent(&a.concurrency, &b.concurrency) {
                changes.modified(
                    "compliance.remediation.concurrency",
                    format!("remediation concurrency {}", d.verb()),
                    &a.concurrency,
                    &b.concurrency,
                    (d != Direction::Lowered)
                        .then(|| "more instances are remediated at once".to_owned()),
                );
            }
            if let Some(d) = magnitude::percent(&a.error_threshold, &b.error_threshold) {
                changes.modified(
                    "compliance.remediation.error_threshold",
                    format!("remediation error threshold {}", d.verb()),
                    &a.error_threshold,
                    &b.error_threshold,
                    (d != Direction::Lowered)
                        .then(|| "more failed remediations are tolerated".to_owned()),
                );
            }
        }
        (None, None) => {}
    }
}

fn bedrock(old: &Policy, new: &Policy, changes: &mut Changes) {
    let (o, n) = (&old.bedrock, &new.bedrock);
    if o.enabled != n.enabled {
        changes.modified(
            "bedrock.enabled",
            if n.enabled {
                "Bedrock failure analysis switched on"
            } else {
                "Bedrock failure analysis switched off"
            },
            o.enabled,
            n.enabled,
            None,
        );
    }
    if n.enabled && o.model_id != n.model_id {
        changes.modified(
            "bedrock.model_id",
            "Bedrock model changed",
            o.model_id.as_deref().unwrap_or("none"),
            n.model_id.as_deref().unwrap_or("none"),
            None,
        );
    }
    if n.enabled && o.max_tokens != n.max_tokens {
        changes.modified(
            "bedrock.max_tokens",
            "Bedrock answer length changed",
            o.max_tokens,
            n.max_tokens,
            None,
        );
    }
}

/// The policy spelling of an enum value (`service_managed`).
pub(super) fn snake<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::from("?"),
    }
}
