// Waves in final form: the child execution's input (targets as data), state names, waits and timeouts.

use super::PlanError;
use super::history::{self, MAX_FAILURE_PAGES};
use crate::policy::{Policy, Rate, RateUse, RateValue, Wave};
use serde::Serialize;
use serde_json::{Value, json};

/// SSM Automation: accounts or OUs per target location.
pub(super) const ACCOUNTS_PER_LOCATION: usize = 50;
/// SSM Automation: target locations per execution.
pub(super) const MAX_TARGET_LOCATIONS: usize = 100;
/// SSM Automation: ExcludeAccounts entries.
pub(super) const MAX_EXCLUDED_ACCOUNTS: usize = 5_000;
/// Time the parent gives a child beyond the wave's timeout and drain, to stop the run and record results.
pub(super) const WAVE_GRACE_SECONDS: u64 = 3_600;
/// Accounts or OUs quoted by name in messages before "and N more".
const QUOTED_TARGETS: usize = 10;

/// The approval gate before a wave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApprovalPlan {
    /// TimeoutSeconds of the waitForTaskToken task.
    pub timeout_seconds: u64,
    /// The timeout as written (`24h`).
    pub timeout_text: String,
    /// Who is asked.
    pub approvers: Vec<String>,
    /// The SNS subject.
    pub subject: String,
    /// Whether the one who started the rollout may approve (`rollout approve` checks).
    pub allow_self_approval: bool,
}

/// A resource group the spoke creates in every account and region, so that a wave selecting
/// nodes by several tag keys has the one target SSM Automation takes (keys ANDed, values ORed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResourceGroupPlan {
    /// The group's name, the same in every account and region.
    pub name: String,
    /// CloudFormation logical id in the spoke.
    pub logical: String,
    /// TagFilters: key and its values.
    pub tag_filters: Vec<(String, Vec<String>)>,
}

/// One wave of the rollout.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WavePlan {
    /// 1-based position.
    pub index: usize,
    /// The wave name.
    pub name: String,
    /// Name of the Choice that skips the wave when the rollout's `scope` leaves it out.
    pub run_state: String,
    /// The Task that reads the rollout's audit item for a stop request before the wave starts.
    pub stop_check_state: String,
    /// Name of the Choice that skips the approval in a dry run.
    pub gate_state: String,
    /// Name of the state that records the approver's answer.
    pub record_approval_state: String,
    /// Name of the approval state.
    pub approve_state: String,
    /// Name of the state that runs the wave's child execution.
    pub patch_state: String,
    /// Name of the bake state.
    pub bake_state: String,
    /// The first state of this wave (its scope check).
    pub first_state: String,
    /// The state after this wave (the next wave's first state, or the end of the rollout).
    pub next_state: String,
    /// The state after the patch state (bake, or next_state).
    pub after_patch_state: String,
    /// Approval gate, if any.
    pub approval: Option<ApprovalPlan>,
    /// The resource group of a wave that selects nodes by more than one tag key.
    pub resource_group: Option<ResourceGroupPlan>,
    /// The alarm that stops this wave (TargetLocationAlarmConfiguration), if any.
    pub stop_on_alarm: Option<String>,
    /// The wave's description (its patch state's Comment).
    pub description: Option<String>,
    /// Bake time in seconds (0: no bake state).
    pub bake_seconds: u64,
    /// The wave's timeout in seconds.
    pub timeout_seconds: u64,
    /// After the timeout: how long the wave waits for nodes already installing before it stops
    /// the automation (nodes not started by the deadline skip their install).
    pub drain_seconds: u64,
    /// GetAutomationExecution poll interval in seconds.
    pub poll_seconds: u64,
    /// TimeoutSeconds of the parent's child-execution task (timeout + drain + grace).
    pub task_timeout_seconds: u64,
    /// Accounts named by the wave.
    pub account_count: usize,
    /// OUs named by the wave.
    pub ou_count: usize,
    /// A one-line human summary of the wave's targets.
    pub summary: String,
    /// The child execution's `wave` input: targets and rate controls as data, so the number of
    /// states never depends on the number of accounts.
    pub input: Value,
}

/// Resolve every wave, chaining state names.
pub(super) fn plan_waves(
    policy: &Policy,
    execution_role: &str,
    end_state: &str,
    drain_seconds: u64,
) -> Result<Vec<WavePlan>, PlanError> {
    let exclude: Vec<String> = policy
        .organization
        .targets
        .exclude_accounts
        .iter()
        .map(|a| a.0.clone())
        .collect();
    if exclude.len() > MAX_EXCLUDED_ACCOUNTS {
        return Err(PlanError::TooManyExcludedAccounts {
            count: exclude.len(),
            limit: MAX_EXCLUDED_ACCOUNTS,
        });
    }
    let count = policy.waves.len();
    let mut plans = Vec::with_capacity(count);
    for (i, wave) in policy.waves.iter().enumerate() {
        plans.push(plan_wave(
            policy,
            wave,
            i + 1,
            count,
            execution_role,
            &exclude,
            drain_seconds,
        )?);
    }
    let firsts: Vec<String> = plans.iter().map(|w| w.first_state.clone()).collect();
    for (i, wave) in plans.iter_mut().enumerate() {
        wave.next_state = firsts
            .get(i + 1)
            .cloned()
            .unwrap_or_else(|| end_state.to_owned());
        wave.after_patch_state = if wave.bake_seconds > 0 {
            wave.bake_state.clone()
        } else {
            wave.next_state.clone()
        };
    }
    Ok(plans)
}

fn rate<U: RateUse>(wave: &Wave, field: &str, value: &Rate<U>) -> Result<RateValue, PlanError> {
    value.value().map_err(|e| {
        PlanError::invalid(
            format!("waves.{}.{field}", wave.name),
            format!("`{value}` is not a rate ({e:?})"),
        )
    })
}

fn seconds(wave: &Wave, field: &str, value: &crate::policy::Duration) -> Result<u64, PlanError> {
    value.seconds().map_err(|e| {
        PlanError::invalid(
            format!("waves.{}.{field}", wave.name),
            format!("`{value}` is not a duration ({e:?})"),
        )
    })
}

fn plan_wave(
    policy: &Policy,
    wave: &Wave,
    index: usize,
    count: usize,
    execution_role: &str,
    exclude: &[String],
    drain_seconds: u64,
) -> Result<WavePlan, PlanError> {
    let account_concurrency = rate(wave, "account_concurrency", &wave.account_concurrency)?;
    let concurrency = rate(wave, "concurrency", &wave.concurrency)?;
    let max_errors = rate(wave, "max_errors", &wave.max_errors)?;
    let abort = rate(
        wave,
        "abort_when_failed_accounts_exceed",
        &wave.abort_when_failed_accounts_exceed,
    )?;
    let bake_seconds = seconds(wave, "bake_time", &wave.bake_time)?;
    let timeout_seconds = seconds(wave, "timeout", &wave.timeout)?;
    let poll_seconds = history::poll_seconds(timeout_seconds + drain_seconds);
    let regions: Vec<String> = wave
        .targets
        .regions
        .as_ref()
        .unwrap_or(&policy.organization.regions)
        .iter()
        .map(|r| r.0.clone())
        .collect();
    let accounts: Vec<String> = wave.targets.accounts.iter().map(|a| a.0.clone()).collect();
    let ous: Vec<String> = wave
        .targets
        .organizational_units
        .iter()
        .map(|o| o.0.clone())
        .collect();

    let base = |targets: &[String]| {
        let mut location = json!({
            "Accounts": targets,
            "Regions": regions,
            "ExecutionRoleName": execution_role,
            "TargetLocationMaxConcurrency": account_concurrency.to_ssm(),
            "TargetLocationMaxErrors": abort.to_ssm(),
        });
        if let (Some(alarm), Value::Object(map)) = (&wave.stop_on_alarm, &mut location) {
            map.insert(
                "TargetLocationAlarmConfiguration".to_owned(),
                json!({ "IgnorePollAlarmFailure": false, "Alarms": [{ "Name": alarm }] }),
            );
        }
        location
    };
    let mut locations = Vec::new();
    for chunk in accounts.chunks(ACCOUNTS_PER_LOCATION) {
        locations.push(base(chunk));
    }
    for chunk in ous.chunks(ACCOUNTS_PER_LOCATION) {
        let mut location = base(chunk);
        if let Value::Object(map) = &mut location {
            map.insert(
                "IncludeChildOrganizationUnits".to_owned(),
                Value::Bool(true),
            );
            if !exclude.is_empty() {
                map.insert("ExcludeAccounts".to_owned(), json!(exclude));
            }
        }
        locations.push(location);
    }
    if locations.len() > MAX_TARGET_LOCATIONS {
        return Err(PlanError::TooManyTargetLocations {
            wave: wave.name.clone(),
            targets: accounts.len() + ous.len(),
            locations: locations.len(),
            limit: MAX_TARGET_LOCATIONS,
        });
    }
    // StartAutomationExecution takes one target ("Only one resource group or tag can be
    // specified at a time"): one tag key is a tag target, several are a resource group.
    let resource_group = (wave.targets.tags.len() > 1).then(|| ResourceGroupPlan {
        name: format!("{}-{}-nodes", policy.name, wave.name),
        logical: format!("WaveNodes{}", pascal(&wave.name)),
        tag_filters: wave
            .targets
            .tags
            .iter()
            .map(|(key, values)| (key.clone(), values.clone()))
            .collect(),
    });
    let targets: Vec<Value> = match (&resource_group, wave.targets.tags.iter().next()) {
        (Some(group), _) => vec![json!({ "Key": "ResourceGroup", "Values": [group.name] })],
        (None, Some((key, values))) => {
            vec![json!({ "Key": format!("tag:{key}"), "Values": values })]
        }
        (None, None) => vec![json!({ "Key": "AWS::EC2::Instance", "Values": ["*"] })],
    };
    let (abort_kind, abort_value) = match abort {
        RateValue::Count(n) => ("count", n),
        RateValue::Percent(p) => ("percent", u64::from(p)),
    };
    let summary = summarize(&accounts, &ous, &regions, wave);
    let input = json!({
        "name": wave.name,
        "index": index,
        "count": count,
        "summary": summary,
        "targetLocations": locations,
        "targets": targets,
        "maxConcurrency": concurrency.to_ssm(),
        "maxErrors": max_errors.to_ssm(),
        "timeoutSeconds": timeout_seconds,
        "timeoutText": wave.timeout.as_str(),
        "drainSeconds": drain_seconds,
        "pollSeconds": poll_seconds,
        "maxFailurePages": MAX_FAILURE_PAGES,
        "abortWhenFailedExceeds": { "kind": abort_kind, "value": abort_value, "text": abort.to_ssm() },
        "stopOnAlarm": wave.stop_on_alarm,
    });
    let run_state = format!("Run {}?", wave.name);
    let gate_state = format!("Approval needed for {}?", wave.name);
    let approve_state = format!("Approve {}", wave.name);
    let patch_state = format!("Patch {}", wave.name);
    let approval = match &wave.approval {
        None => None,
        Some(approval) => {
            let timeout = approval.timeout.seconds().map_err(|e| {
                PlanError::invalid(
                    format!("waves.{}.approval.timeout", wave.name),
                    format!("`{}` is not a duration ({e:?})", approval.timeout),
                )
            })?;
            Some(ApprovalPlan {
                timeout_seconds: timeout,
                timeout_text: approval.timeout.as_str().to_owned(),
                approvers: approval.approvers.iter().map(|e| e.0.clone()).collect(),
                subject: format!("Approve patching wave {} of {}", wave.name, policy.name),
                allow_self_approval: approval.allow_self_approval,
            })
        }
    };
    Ok(WavePlan {
        index,
        name: wave.name.clone(),
        first_state: format!("Look for a stop before {}", wave.name),
        stop_check_state: format!("Look for a stop before {}", wave.name),
        run_state,
        gate_state,
        record_approval_state: format!("Record approval of {}", wave.name),
        approve_state,
        patch_state,
        bake_state: format!("Bake {}", wave.name),
        next_state: String::new(),
        after_patch_state: String::new(),
        approval,
        resource_group,
        stop_on_alarm: wave.stop_on_alarm.clone(),
        description: wave.description.clone(),
        bake_seconds,
        timeout_seconds,
        poll_seconds,
        drain_seconds,
        task_timeout_seconds: timeout_seconds + drain_seconds + WAVE_GRACE_SECONDS,
        account_count: accounts.len(),
        ou_count: ous.len(),
        summary,
        input,
    })
}

/// `nonprod-eu` -> `NonprodEu`, for logical ids.
fn pascal(name: &str) -> String {
    name.split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

fn quoted(items: &[String]) -> String {
    let shown: Vec<&str> = items
        .iter()
        .take(QUOTED_TARGETS)
        .map(String::as_str)
        .collect();
    let mut text = shown.join(", ");
    if items.len() > QUOTED_TARGETS {
        text.push_str(&format!(" and {} more", items.len() - QUOTED_TARGETS));
    }
    text
}

fn summarize(accounts: &[String], ous: &[String], regions: &[String], wave: &Wave) -> String {
    let mut parts = Vec::new();
    if !accounts.is_empty() {
        parts.push(format!(
            "{} account(s) {}",
            accounts.len(),
            quoted(accounts)
        ));
    }
    if !ous.is_empty() {
        parts.push(format!(
            "{} OU(s) {} with child OUs",
            ous.len(),
            quoted(ous)
        ));
    }
    parts.push(format!("in {}", regions.join(", ")));
    if wave.targets.tags.is_empty() {
        parts.push("every managed node".to_owned());
    } else {
        let tags: Vec<String> = wave
            .targets
            .tags
            .iter()
            .map(|(k, v)| format!("{k}={}", v.join("|")))
            .collect();
        parts.push(format!("nodes tagged {}", tags.join(" and ")));
    }
    parts.join("; ")
}
