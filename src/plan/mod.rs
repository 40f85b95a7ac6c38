// Stage 3, plan: the policy resolved into plain data — every default applied, every name final.
//
// Templates only lay this data out; every decision (defaults, AWS spellings, chunking, poll
// intervals, history bound) is made here, in Rust, where it can be tested.

mod baseline;
mod bedrock;
mod error;
pub(crate) mod history;
mod stack_set;
mod wave;

pub(crate) use crate::naming::Names;
pub(crate) use baseline::BaselinePlan;
pub(crate) use bedrock::BedrockPlan;
pub(crate) use error::PlanError;
pub(crate) use history::HistoryBound;
pub(crate) use stack_set::StackSetPlan;

pub(crate) use wave::WavePlan;

use crate::policy::{Hook, PatchSet, Policy, Reboot};
use serde::Serialize;
use serde_json::Value;

/// The state that ends a successful rollout (after the last wave).
pub(crate) const END_STATE: &str = "Record rollout finished";
/// Audit items expire this many days after they are written (DynamoDB TTL).
pub(crate) const AUDIT_RETENTION_DAYS: u64 = 400;
/// Log groups keep events this long.
pub(crate) const LOG_RETENTION_DAYS: u64 = 365;
/// Keys the rollout state machine accepts in its input; any other key stops it at once.
pub(crate) const ROLLOUT_INPUT_KEYS: &[&str] = &["dry_run", "started_by", "scope"];
/// The accepted input, in words, for the message that rejects an unknown key.
const ROLLOUT_INPUT_HELP: &str = "`dry_run` (true or false), `started_by` (who started it) and `scope` (wave name -> {accounts, regions, instances}: run only those waves, narrowed)";
/// The longest a step of the wave and remediation runbooks runs on one node (timeoutSeconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StepTimeouts {
    /// A scan (AWS-RunPatchBaseline Scan).
    pub scan: u64,
    /// The install with its reboot (AWS-RunPatchBaseline Install).
    pub install: u64,
    /// One hook document.
    pub hook: u64,
}

/// The runbooks' step timeouts.
pub(crate) const STEP_TIMEOUTS: StepTimeouts = StepTimeouts {
    scan: 3_600,
    install: 14_400,
    hook: 3_600,
};

/// Where a rollout that finished successfully publishes its pinned patch set (hub bucket key);
/// Config remediation installs only this set.
pub(crate) const TESTED_PATCH_SET_KEY: &str = "patch-sets/last-successful/baseline-override.json";
/// Failing account-regions quoted in notifications and sent to the failure analysis.
pub(crate) const FAILURES_IN_MESSAGES: u64 = 50;
/// GetPatchBaseline fields a BaselineOverride entry keeps (ApprovalRules are pinned separately);
/// ids, names, dates and patch groups are not part of an override.
const BASELINE_OVERRIDE_KEYS: &[&str] = &[
    "OperatingSystem",
    "GlobalFilters",
    "ApprovedPatches",
    "ApprovedPatchesComplianceLevel",
    "ApprovedPatchesEnableNonSecurity",
    "RejectedPatches",
    "RejectedPatchesAction",
    "Sources",
    "AvailableSecurityUpdatesComplianceStatus",
];

/// Everything the templates need, in final form.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    /// patchform's version, recorded in descriptions and the manifest.
    pub tool_version: String,
    /// The policy name.
    pub name: String,
    /// sha256 of the policy's canonical JSON (see manifest.rs).
    pub policy_sha256: String,
    /// The policy's description (or a default one).
    pub description: String,
    /// The hub template's Description, cut to CloudFormation's limit.
    pub hub_description: String,
    /// The spoke template's Description, cut to CloudFormation's limit.
    pub spoke_description: String,
    /// The spoke stack set's Description (StackSets shows it; deploy sends it).
    pub stack_set_description: String,
    /// Retry MaxAttempts of every state machine task (the history bound counts them).
    pub task_max_attempts: u64,
    /// The hub's CloudWatch alarms on the rollout state machine's executions.
    pub rollout_alarms: Vec<RolloutAlarm>,
    /// Hub account id.
    pub hub_account: String,
    /// Hub region.
    pub hub_region: String,
    /// Resource names.
    pub names: Names,
    /// Spoke regions.
    pub regions: Vec<String>,
    /// Stack set deployment settings.
    pub stack_set: StackSetPlan,
    /// The one spoke region that creates the (global) IAM roles: the first the stack set deploys to.
    pub iam_region: String,
    /// Custom patch baselines, in OS order.
    pub baselines: Vec<BaselinePlan>,
    /// Scan association schedule.
    pub scan_schedule: String,
    /// Whether the scan schedule is a cron expression (ApplyOnlyAtCronInterval).
    pub scan_is_cron: bool,
    /// Install settings.
    pub install: InstallPlan,
    /// The policy's own baselines as BaselineOverride entries, pinned at rollout start (JSONata
    /// leaves compute ApproveUntilDate); empty when not pinned or when the policy has none.
    pub pinned_baselines: Vec<Value>,
    /// Operating systems pinned from their default baseline at rollout start (every OS the policy
    /// has no baseline for; empty when not pinned).
    pub default_baseline_systems: Vec<String>,
    /// GetPatchBaseline fields copied into a pinned default baseline.
    pub baseline_override_keys: Vec<&'static str>,
    /// The runbooks' step timeouts.
    pub step_timeouts: StepTimeouts,
    /// Hub bucket key of the last successful rollout's patch set.
    pub tested_patch_set_key: &'static str,
    /// For the input check of a narrowed rollout: per wave, the accounts it names (null when it
    /// targets OUs: an account inside them cannot be checked by the state machine, `rollout
    /// start` checks it against Organizations), its regions, and the accounts excluded.
    pub wave_scopes: serde_json::Map<String, Value>,
    /// Some wave targets OUs: a scope naming accounts of such a wave is checked against AWS
    /// Organizations (ListParents) before the rollout starts.
    pub scope_checks_organizations: bool,
    /// Most accounts a scope may name for one wave of OUs (each costs up to six ListParents).
    pub max_scope_accounts: u64,
    /// Keys the rollout input may carry.
    pub rollout_input_keys: Vec<&'static str>,
    /// The accepted input, in words.
    pub rollout_input_help: &'static str,
    /// Failing account-regions quoted in notifications and the analysis request.
    pub failures_in_messages: u64,
    /// Waves, in order.
    pub waves: Vec<WavePlan>,
    /// The rollout's first wave state.
    pub first_wave_state: String,
    /// One subscription per approver, filtered to the waves they approve.
    pub approvers: Vec<Subscriber>,
    /// Notification e-mail subscriptions.
    pub emails: Vec<Subscriber>,
    /// Config rule and remediation, when on.
    pub compliance: Option<CompliancePlan>,
    /// Bedrock analysis, when on.
    pub bedrock: Option<BedrockPlan>,
    /// History budget.
    pub history: HistoryBound,
    /// Audit item lifetime in days.
    pub audit_retention_days: u64,
    /// Log retention in days.
    pub log_retention_days: u64,
}

/// Rollout schedule and install behaviour.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InstallPlan {
    /// EventBridge Scheduler cron; `None`: rollouts start by hand.
    pub schedule: Option<String>,
    /// IANA timezone of the schedule.
    pub timezone: String,
    /// RebootIfNeeded or NoReboot.
    pub reboot_option: String,
    /// pinned or latest, as written.
    pub patch_set: String,
    /// Whether the rollout pins its patch set: the one value templates decide on.
    pub pinned: bool,
    /// The hooks the wave runbook runs as their own steps, in the order they run.
    pub hooks: Vec<HookPlan>,
}

/// One install hook: an SSM Command document the wave runbook runs on each node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HookPlan {
    /// The policy key (`pre_install`, `post_install`, `on_exit`).
    pub key: String,
    /// The runbook step that runs it (`PreInstallHook`).
    pub step: String,
    /// DocumentName as the step sends it: a name, or the ARN of a document shared with the accounts.
    pub document: String,
    /// The IAM resource of that document, for Fn::Sub.
    pub iam_resource: String,
    /// For a hook file: the Command document the spoke creates under `document`'s name.
    pub content: Option<Value>,
    /// The spoke's logical id of that document.
    pub logical: String,
}

impl HookPlan {
    fn new(key: &str, step: &str, document: &str) -> Self {
        let iam_resource = if document.starts_with("arn:") {
            document.to_owned()
        } else if document.starts_with("AWS-") {
            // AWS-owned documents have no account in their ARN
            format!("arn:${{AWS::Partition}}:ssm:*::document/{document}")
        } else {
            format!("arn:${{AWS::Partition}}:ssm:*:${{AWS::AccountId}}:document/{document}")
        };
        HookPlan {
            key: key.to_owned(),
            step: step.to_owned(),
            document: document.to_owned(),
            iam_resource,
            content: None,
            logical: format!("{step}Document"),
        }
    }

    fn from_policy(policy: &str, key: &str, hook: &Hook) -> Result<Self, PlanError> {
        let step = match key {
            "pre_install" => "PreInstallHook",
            "post_install" => "PostInstallHook",
            _ => "OnExitHook",
        };
        match hook {
            Hook::Name(name) => Ok(HookPlan::new(key, step, name)),
            Hook::File(file) => {
                let content = file.content.clone().ok_or_else(|| {
                    PlanError::invalid(
                        format!("install.hooks.{key}.file"),
                        format!(
                            "hook file `{}` was not read (a policy read from a file reads its hook files)",
                            file.file
                        ),
                    )
                })?;
                // one document per hook and policy, created by the spoke in every account and region
                let name = format!("{policy}-{}", key.replace('_', "-"));
                let mut plan = HookPlan::new(key, step, &name);
                plan.content = Some(content);
                Ok(plan)
            }
        }
    }
}

/// An e-mail subscription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Subscriber {
    /// CloudFormation logical id.
    pub logical: String,
    /// The address.
    pub email: String,
    /// For approvers: the waves they approve (the subscription's filter).
    pub waves: Vec<String>,
}

/// AWS Config in every spoke.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CompliancePlan {
    /// Remediation, when asked.
    pub remediation: Option<RemediationPlan>,
    /// Create the recorder and delivery channel.
    pub create_recorder: bool,
}

/// RemediationConfiguration settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RemediationPlan {
    /// Automatic.
    pub automatic: bool,
    /// MaximumAutomaticAttempts.
    pub max_attempts: u32,
    /// RetryAttemptSeconds.
    pub retry_seconds: u64,
    /// ConcurrentExecutionRatePercentage.
    pub concurrency_percent: u8,
    /// ErrorPercentage.
    pub error_percent: u8,
}

/// Resolve a validated policy.
pub(crate) fn plan(policy: &Policy) -> Result<Plan, PlanError> {
    let name = policy.name.clone();
    let hub_account = policy.hub.account.0.clone();
    let hub_region = policy.hub.region.0.clone();
    let names = Names::new(&name, &hub_account, &hub_region);
    let regions: Vec<String> = policy
        .organization
        .regions
        .iter()
        .map(|r| r.0.clone())
        .collect();
    let iam_region = policy
        .organization
        .rollout
        .region_order
        .as_ref()
        .and_then(|order| order.first())
        .or_else(|| policy.organization.regions.first())
        .map(|r| r.0.clone())
        .ok_or_else(|| PlanError::invalid("organization.regions", "no region"))?;

    let baselines = policy
        .baselines
        .iter()
        .map(|(os, b)| baseline::plan_baseline(&name, *os, b))
        .collect::<Result<Vec<_>, _>>()?;
    let pinned = policy.install.patch_set == PatchSet::Pinned;
    let pinned_baselines = if pinned {
        baselines
            .iter()
            .map(BaselinePlan::pinned_override)
            .collect()
    } else {
        Vec::new()
    };
    // A node whose operating system has no entry in a BaselineOverride fails to patch, so a
    // pinned set covers every OS: the policy's baselines, and the default baseline of the rest.
    let default_baseline_systems = if pinned {
        crate::policy::OperatingSystem::ALL
            .iter()
            .filter(|os| !policy.baselines.contains_key(os))
            .map(|os| os.aws_name())
            .collect()
    } else {
        Vec::new()
    };

    let hooks = policy
        .install
        .hooks
        .in_order()
        .into_iter()
        .map(|(key, hook)| HookPlan::from_policy(&name, key, hook))
        .collect::<Result<Vec<_>, _>>()?;
    let install = InstallPlan {
        schedule: policy.install.schedule.clone(),
        timezone: policy.install.timezone_or_default().to_owned(),
        reboot_option: match policy.install.reboot {
            Reboot::IfNeeded => "RebootIfNeeded",
            Reboot::Never => "NoReboot",
        }
        .to_owned(),
        patch_set: if pinned { "pinned" } else { "latest" }.to_owned(),
        pinned,
        hooks,
    };

    // A node that starts just before its wave's deadline runs every install step: the wave lets
    // it finish (never cancels an install) and waits this long for it.
    let drain_seconds = STEP_TIMEOUTS.install
        + STEP_TIMEOUTS.scan
        + STEP_TIMEOUTS.hook * install.hooks.len() as u64;
    let waves = wave::plan_waves(
        policy,
        &names.automation_execution_role,
        END_STATE,
        drain_seconds,
    )?;
    let first_wave_state = waves
        .first()
        .map(|w| w.first_state.clone())
        .ok_or_else(|| PlanError::invalid("waves", "no wave"))?;

    let mut approvers: Vec<Subscriber> = Vec::new();
    for wave in &waves {
        for email in wave.approval.iter().flat_map(|a| a.approvers.iter()) {
            match approvers.iter_mut().find(|s| &s.email == email) {
                Some(s) => s.waves.push(wave.name.clone()),
                None => approvers.push(Subscriber {
                    logical: format!("ApproverSubscription{}", approvers.len() + 1),
                    email: email.clone(),
                    waves: vec![wave.name.clone()],
                }),
            }
        }
    }
    let emails = policy
        .notifications
        .email
        .iter()
        .enumerate()
        .map(|(i, e)| Subscriber {
            logical: format!("NotificationSubscription{}", i + 1),
            email: e.0.clone(),
            waves: Vec::new(),
        })
        .collect();

    let compliance = if policy.compliance.config_rule {
        let remediation = match &policy.compliance.remediation {
            None => None,
            Some(r) => Some(RemediationPlan {
                automatic: r.automatic,
                max_attempts: r.max_attempts,
                retry_seconds: r.retry_after.seconds().map_err(|e| {
                    PlanError::invalid(
                        "compliance.remediation.retry_after",
                        format!("`{}` is not a duration ({e:?})", r.retry_after),
                    )
                })?,
                concurrency_percent: percent("compliance.remediation.concurrency", &r.concurrency)?,
                error_percent: percent(
                    "compliance.remediation.error_threshold",
                    &r.error_threshold,
                )?,
            }),
        };
        Some(CompliancePlan {
            remediation,
            create_recorder: policy.compliance.create_recorder,
        })
    } else {
        None
    };
    let bedrock = bedrock::plan_bedrock(&policy.bedrock, &hub_account, &hub_region);

    let wave_shapes: Vec<(bool, bool)> = waves
        .iter()
        .map(|w| (w.approval.is_some(), w.bake_seconds > 0))
        .collect();
    let (longest_wave, wave_events) = waves
        .iter()
        .map(|w| {
            (
                w.name.clone(),
                history::wave_events(
                    w.timeout_seconds + w.drain_seconds,
                    w.poll_seconds,
                    bedrock.is_some(),
                ),
            )
        })
        .max_by_key(|(_, events)| *events)
        .unwrap_or_default();
    let history = HistoryBound {
        limit: history::HISTORY_LIMIT,
        rollout_events: history::rollout_events(&wave_shapes, pinned),
        wave_events,
        longest_wave,
    };
    history::check(&history, waves.len())?;

    let policy_description = policy
        .description
        .clone()
        .unwrap_or_else(|| format!("patchform patch policy {name}"));
    Ok(Plan {
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        description: policy_description.clone(),
        hub_description: description(format!(
            "patchform {name} hub: rollout orchestrator, runbook, topic, log bucket, audit table, compliance bus. {policy_description}"
        )),
        spoke_description: description(format!(
            "patchform {name} spoke: patch baselines, scan association, compliance forwarding{}. {policy_description}",
            if compliance.is_some() {
                ", Config rule"
            } else {
                ""
            }
        )),
        task_max_attempts: history::TASK_MAX_ATTEMPTS,
        rollout_alarms: rollout_alarms(&names),
        stack_set_description: stack_set_description(policy),
        policy_sha256: crate::digest::policy_sha256(policy)
            .map_err(|e| PlanError::invalid("", e.to_string()))?,
        name,
        hub_account,
        hub_region,
        names,
        stack_set: stack_set::plan(policy)?,
        regions,
        iam_region,
        baselines,
        scan_is_cron: policy.scan.schedule.trim_start().starts_with("cron("),
        scan_schedule: policy.scan.schedule.clone(),
        install,
        pinned_baselines,
        default_baseline_systems,
        baseline_override_keys: BASELINE_OVERRIDE_KEYS.to_vec(),
        step_timeouts: STEP_TIMEOUTS,
        tested_patch_set_key: TESTED_PATCH_SET_KEY,
        wave_scopes: wave_scopes(policy),
        scope_checks_organizations: policy
            .waves
            .iter()
            .any(|w| !w.targets.organizational_units.is_empty()),
        max_scope_accounts: history::MAX_SCOPE_ACCOUNTS,
        rollout_input_keys: ROLLOUT_INPUT_KEYS.to_vec(),
        rollout_input_help: ROLLOUT_INPUT_HELP,
        failures_in_messages: FAILURES_IN_MESSAGES,
        waves,
        first_wave_state,
        approvers,
        emails,
        compliance,
        bedrock,
        history,
        audit_retention_days: AUDIT_RETENTION_DAYS,
        log_retention_days: LOG_RETENTION_DAYS,
    })
}

/// CloudFormation's limit on a template's (and a stack set's) Description, in characters.
pub(crate) const MAX_DESCRIPTION_CHARS: usize = 1024;

/// `text` cut to [`MAX_DESCRIPTION_CHARS`] characters.
fn description(text: String) -> String {
    text.chars().take(MAX_DESCRIPTION_CHARS).collect()
}

/// The stack set's Description (deploy sets it; CloudFormation takes 1,024 characters).
fn stack_set_description(policy: &Policy) -> String {
    description(format!(
        "patchform spoke of policy {}{}",
        policy.name,
        policy
            .description
            .as_deref()
            .map(|d| format!(": {d}"))
            .unwrap_or_default()
    ))
}

/// One CloudWatch alarm of the hub on the rollout state machine's executions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RolloutAlarm {
    /// AlarmName (`<policy>-rollout-failed`).
    pub name: String,
    /// Logical id in the hub template.
    pub logical_id: &'static str,
    /// What happened to the execution, as the alarm's name says it (`timed-out`).
    pub outcome: &'static str,
    /// The AWS/States metric counting it.
    pub metric: &'static str,
}

/// A failed, aborted or timed-out rollout each raise an alarm: logical id, outcome, metric.
const ROLLOUT_ALARMS: [(&str, &str, &str); 3] = [
    ("RolloutFailedAlarm", "failed", "ExecutionsFailed"),
    ("RolloutAbortedAlarm", "aborted", "ExecutionsAborted"),
    ("RolloutTimedOutAlarm", "timed-out", "ExecutionsTimedOut"),
];

fn rollout_alarms(names: &Names) -> Vec<RolloutAlarm> {
    ROLLOUT_ALARMS
        .iter()
        .map(|&(logical_id, outcome, metric)| RolloutAlarm {
            name: names.rollout_alarm(outcome),
            logical_id,
            outcome,
            metric,
        })
        .collect()
}

fn percent(path: &str, value: &crate::policy::Percent) -> Result<u8, PlanError> {
    value
        .value()
        .ok_or_else(|| PlanError::invalid(path, format!("`{value}` is not a percentage of 1–100")))
}

/// Per wave, what a rollout's `scope` may narrow it to (see [`Plan::wave_scopes`]).
fn wave_scopes(policy: &Policy) -> serde_json::Map<String, Value> {
    let excluded: Vec<&str> = policy
        .organization
        .targets
        .exclude_accounts
        .iter()
        .map(|a| a.0.as_str())
        .collect();
    policy
        .waves
        .iter()
        .map(|wave| {
            let accounts = if wave.targets.organizational_units.is_empty() {
                Value::from(
                    wave.targets
                        .accounts
                        .iter()
                        .map(|a| a.0.clone())
                        .collect::<Vec<_>>(),
                )
            } else {
                Value::Null
            };
            let regions: Vec<&str> = wave
                .targets
                .regions
                .as_ref()
                .unwrap_or(&policy.organization.regions)
                .iter()
                .map(|r| r.0.as_str())
                .collect();
            let ous: Vec<&str> = wave
                .targets
                .organizational_units
                .iter()
                .map(|ou| ou.0.as_str())
                .collect();
            (
                wave.name.clone(),
                serde_json::json!({"accounts": accounts, "ous": ous, "regions": regions, "excluded": excluded}),
            )
        })
        .collect()
}
