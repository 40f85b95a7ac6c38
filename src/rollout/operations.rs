// The day-2 operations: start, approve, reject, stop, status and list, over the AWS traits.

use super::error::RolloutError;
use super::hub::Hub;
use super::phase::{self, Phase};
use super::status::{self, RolloutSummary, RolloutView};
use crate::aws::{AuditRecords, ExecutionView, RolloutApi};
use crate::plan::Plan;
use serde::Serialize;
use serde_json::json;
use std::time::Duration;

/// The error a stop sends to a pending approval, and the rollout's error once stopped.
pub(super) const STOPPED_ERROR: &str = "RolloutStopped";
/// How long `start` watches a new rollout for its input check.
const START_CHECK_POLLS: u32 = 30;
const START_CHECK_INTERVAL: Duration = Duration::from_millis(500);

/// What `rollout start` asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct StartRequest {
    /// Scan only.
    pub dry_run: bool,
    /// The execution name (the rollout id); a timestamped `manual-…` name otherwise.
    pub name: Option<String>,
    /// Start even while another rollout runs.
    pub force: bool,
    /// Run this wave alone.
    pub wave: Option<String>,
    /// Narrow the wave to these accounts.
    pub accounts: Vec<String>,
    /// Narrow the wave to these regions.
    pub regions: Vec<String>,
    /// Narrow the wave to these managed nodes.
    pub instances: Vec<String>,
}

/// How `start` ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub(crate) enum Started {
    /// Running: it passed its input check.
    Started {
        /// The rollout id.
        id: String,
        /// The execution ARN.
        execution_arn: String,
        /// Who started it.
        started_by: String,
        /// The input sent.
        input: serde_json::Value,
    },
    /// The rollout refused its input (RolloutInputInvalid): nothing ran.
    Rejected {
        /// The rollout id.
        id: String,
        /// Every problem, as the rollout named them.
        cause: String,
    },
}

/// An answer to an approval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Answered {
    /// The rollout id.
    pub id: String,
    /// The wave.
    pub wave: String,
    /// `approved` or `rejected`.
    pub decision: &'static str,
    /// Who answered.
    pub by: String,
}

/// What `stop` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct StopOutcome {
    /// The rollout id.
    pub id: String,
    /// Who asked.
    pub by: String,
    /// What happens now, in words.
    pub effect: String,
    /// Whether the rollout has already ended STOPPED (false: it ends by itself shortly).
    pub ended: bool,
}

/// The execution ARN of rollout `id`.
fn execution_arn(hub: &Hub, id: &str) -> String {
    format!(
        "{}:{id}",
        hub.rollout_machine
            .replacen(":stateMachine:", ":execution:", 1)
    )
}

/// The rollout named, or the one running; its id and execution (None: only the table knows it).
async fn resolve(
    api: &impl RolloutApi,
    plan: &Plan,
    hub: &Hub,
    id: Option<&str>,
) -> Result<(String, Option<ExecutionView>), RolloutError> {
    if let Some(id) = id {
        let execution = api.describe_execution(&execution_arn(hub, id)).await?;
        if execution.is_none() && api.rollout_items(&hub.audit_table, id).await?.is_empty() {
            return Err(RolloutError::NoSuchRollout {
                policy: plan.name.clone(),
                id: id.to_owned(),
            });
        }
        return Ok((id.to_owned(), execution));
    }
    let running = api.list_executions(&hub.rollout_machine, true, 10).await?;
    match running.as_slice() {
        [] => Err(RolloutError::NothingRunning {
            policy: plan.name.clone(),
        }),
        [one] => {
            let execution = api.describe_execution(&one.arn).await?;
            Ok((one.name.clone(), execution))
        }
        several => Err(RolloutError::Usage(format!(
            "{} rollouts of policy {} are running ({}); name the one you mean",
            several.len(),
            plan.name,
            several
                .iter()
                .map(|e| e.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// A running rollout's execution, or why it cannot be acted on.
fn require_running<'a>(
    id: &str,
    execution: Option<&'a ExecutionView>,
    help: &'static str,
) -> Result<&'a ExecutionView, RolloutError> {
    match execution {
        Some(e) if e.summary.status == "RUNNING" => Ok(e),
        Some(e) => Err(RolloutError::Ended {
            id: id.to_owned(),
            status: e.summary.status.clone(),
            help,
        }),
        None => Err(RolloutError::Ended {
            id: id.to_owned(),
            status: "its execution is no longer kept by Step Functions".to_owned(),
            help,
        }),
    }
}

fn check_wave(plan: &Plan, wave: &str) -> Result<(), RolloutError> {
    if plan.waves.iter().any(|w| w.name == wave) {
        return Ok(());
    }
    Err(RolloutError::UnknownWave {
        policy: plan.name.clone(),
        wave: wave.to_owned(),
        known: plan
            .waves
            .iter()
            .map(|w| w.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    })
}

/// Whether an execution name is valid (1–80 of letters, digits, `-` and `_`).
fn valid_name(name: &str) -> bool {
    (1..=80).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// The rollout input of a start request.
pub(super) fn start_input(request: &StartRequest, started_by: &str) -> serde_json::Value {
    let mut input = json!({"dry_run": request.dry_run, "started_by": started_by});
    if let Some(wave) = &request.wave {
        let mut narrowed = serde_json::Map::new();
        for (key, values) in [
            ("accounts", &request.accounts),
            ("regions", &request.regions),
            ("instances", &request.instances),
        ] {
            if !values.is_empty() {
                narrowed.insert(key.to_owned(), json!(values));
            }
        }
        input["scope"] = json!({ wave.as_str(): narrowed });
    }
    input
}

/// `rollout start`: start now, outside the schedule; watch the input check for a few seconds.
pub(crate) async fn start(
    api: &impl RolloutApi,
    plan: &Plan,
    hub: &Hub,
    request: &StartRequest,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Started, RolloutError> {
    if let Some(wave) = &request.wave {
        check_wave(plan, wave)?;
    }
    let id = match &request.name {
        Some(name) if !valid_name(name) => {
            return Err(RolloutError::Usage(format!(
                "`{name}` cannot name a rollout: use 1 to 80 letters, digits, `-` or `_`"
            )));
        }
        Some(name) => name.clone(),
        None => format!(
            "manual-{}",
            status::rfc3339(now)
                .trim_end_matches('Z')
                .replace(['-', ':'], "")
                .replace('T', "-")
        ),
    };
    if !request.force {
        let running = api.list_executions(&hub.rollout_machine, true, 1).await?;
        if let Some(other) = running.first() {
            return Err(RolloutError::AlreadyRunning {
                policy: plan.name.clone(),
                running: other.name.clone(),
            });
        }
    }
    let started_by = api.caller_arn().await?;
    let input = start_input(request, &started_by);
    let arn = match api
        .start_execution(&hub.rollout_machine, &id, &input.to_string())
        .await
    {
        Ok(arn) => arn,
        Err(e) if e.code() == Some("ExecutionAlreadyExists") => {
            return Err(RolloutError::Usage(format!(
                "a rollout named `{id}` already exists; choose another --name"
            )));
        }
        Err(e) => return Err(e.into()),
    };
    for _ in 0..START_CHECK_POLLS {
        if let Some(execution) = api.describe_execution(&arn).await? {
            if execution.error.as_deref() == Some("RolloutInputInvalid") {
                return Ok(Started::Rejected {
                    id,
                    cause: execution.cause.unwrap_or_default(),
                });
            }
            if execution.summary.status != "RUNNING" {
                break;
            }
        }
        if !api.rollout_items(&hub.audit_table, &id).await?.is_empty() {
            break;
        }
        tokio::time::sleep(START_CHECK_INTERVAL).await;
    }
    Ok(Started::Started {
        id,
        execution_arn: arn,
        started_by,
        input,
    })
}

/// The pending approval of `wave`, checked: its task token.
async fn pending_approval(
    api: &impl RolloutApi,
    plan: &Plan,
    id: &str,
    execution: &ExecutionView,
    wave: &str,
) -> Result<String, RolloutError> {
    check_wave(plan, wave)?;
    let events = api.execution_history(&execution.summary.arn).await?;
    match phase::of(&events, plan) {
        Phase::AwaitingApproval {
            wave: pending,
            token,
            ..
        } if pending == wave => Ok(token),
        other => Err(RolloutError::NotAwaitingApproval {
            id: id.to_owned(),
            wave: wave.to_owned(),
            now: other.describe(),
        }),
    }
}

/// `rollout approve`: answer the wave's pending approval with the caller's identity and comment.
pub(crate) async fn approve(
    api: &impl RolloutApi,
    plan: &Plan,
    hub: &Hub,
    id: Option<&str>,
    wave: &str,
    comment: Option<&str>,
) -> Result<Answered, RolloutError> {
    let (id, execution) = resolve(api, plan, hub, id).await?;
    let execution = require_running(
        &id,
        execution.as_ref(),
        "there is nothing to approve; start a new rollout with `patchform rollout start POLICY`",
    )?;
    let token = pending_approval(api, plan, &id, execution, wave).await?;
    let caller = api.caller_arn().await?;
    let items = api.rollout_items(&hub.audit_table, &id).await?;
    let started_by = status::rollout_item(&items).and_then(|r| status::text(r, "startedBy"));
    let wave_plan = plan.waves.iter().find(|w| w.name == wave);
    let approval = wave_plan.and_then(|w| w.approval.as_ref());
    if started_by.as_deref() == Some(caller.as_str())
        && !approval.is_some_and(|a| a.allow_self_approval)
    {
        return Err(RolloutError::SelfApproval {
            caller,
            id,
            wave: wave.to_owned(),
            approvers: approval.map(|a| a.approvers.join(", ")).unwrap_or_default(),
        });
    }
    let output = json!({"approvedBy": caller, "comment": comment.unwrap_or("-")});
    api.send_task_success(&token, &output.to_string()).await?;
    Ok(Answered {
        id,
        wave: wave.to_owned(),
        decision: "approved",
        by: caller,
    })
}

/// `rollout reject`: answer the wave's pending approval with a refusal and its reason. Anyone
/// allowed to answer may reject, the rollout's starter included: a rejection only stops changes.
pub(crate) async fn reject(
    api: &impl RolloutApi,
    plan: &Plan,
    hub: &Hub,
    id: Option<&str>,
    wave: &str,
    reason: &str,
) -> Result<Answered, RolloutError> {
    let (id, execution) = resolve(api, plan, hub, id).await?;
    let execution = require_running(
        &id,
        execution.as_ref(),
        "there is nothing to reject any more",
    )?;
    let token = pending_approval(api, plan, &id, execution, wave).await?;
    let caller = api.caller_arn().await?;
    api.send_task_failure(
        &token,
        "Rejected",
        &format!("rejected by {caller}: {reason}"),
    )
    .await?;
    Ok(Answered {
        id,
        wave: wave.to_owned(),
        decision: "rejected",
        by: caller,
    })
}

/// `rollout stop`: record the request where the rollout and the nodes look for it, then act on
/// what the rollout is doing (see docs/rollouts.md, "Stopping a rollout").
pub(crate) async fn stop(
    api: &impl RolloutApi,
    plan: &Plan,
    hub: &Hub,
    id: Option<&str>,
    reason: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<StopOutcome, RolloutError> {
    let (id, execution) = resolve(api, plan, hub, id).await?;
    let execution = require_running(&id, execution.as_ref(), "there is nothing to stop")?;
    let caller = api.caller_arn().await?;
    let at = status::rfc3339(now);
    let recorded = api
        .update_running_rollout(
            &hub.audit_table,
            &id,
            &[
                ("stopRequestedBy", caller.as_str()),
                ("stopReason", reason),
                ("stopRequestedAt", at.as_str()),
            ],
        )
        .await?;
    if !recorded {
        return Err(RolloutError::Ended {
            id,
            status: "its audit item says it has finished".to_owned(),
            help: "there is nothing to stop",
        });
    }
    let request = json!({"by": caller, "reason": reason, "at": at});
    api.put_json(
        &hub.bucket,
        &format!("control/{id}/stop"),
        &request.to_string(),
    )
    .await?;
    let cause = format!("stopped by {caller}: {reason}");
    let events = api.execution_history(&execution.summary.arn).await?;
    let (effect, ended) = match phase::of(&events, plan) {
        Phase::AwaitingApproval { wave, token, .. } => {
            api.send_task_failure(&token, STOPPED_ERROR, &cause).await?;
            (
                format!(
                    "the pending approval of wave {wave} was answered {STOPPED_ERROR}: the rollout ends STOPPED now"
                ),
                false,
            )
        }
        Phase::Baking { wave, .. } => {
            api.stop_execution(&execution.summary.arn, STOPPED_ERROR, &cause)
                .await?;
            let next = plan
                .waves
                .iter()
                .skip_while(|w| w.name != wave)
                .nth(1)
                .map_or(wave.clone(), |w| w.name.clone());
            let why = format!("stopped while baking after wave {wave} by {caller}: {reason}");
            api.update_running_rollout(
                &hub.audit_table,
                &id,
                &[
                    ("status", "STOPPED"),
                    ("finishedAt", at.as_str()),
                    ("failedWave", next.as_str()),
                    ("reason", why.as_str()),
                ],
            )
            .await?;
            (
                format!(
                    "it was baking after wave {wave}: its execution was stopped (no node was patching) and the audit item says STOPPED"
                ),
                true,
            )
        }
        Phase::Running { wave, .. } => (
            format!(
                "wave {wave} drains: no node starts installing from now, nodes installing finish; then the rollout ends STOPPED"
            ),
            false,
        ),
        Phase::Working { .. } => (
            "the rollout ends STOPPED before its next wave starts".to_owned(),
            false,
        ),
    };
    Ok(StopOutcome {
        id,
        by: caller,
        effect,
        ended,
    })
}

/// `rollout status`: the named rollout, the running one, or the latest.
pub(crate) async fn status(
    api: &impl RolloutApi,
    plan: &Plan,
    hub: &Hub,
    id: Option<&str>,
) -> Result<RolloutView, RolloutError> {
    let (id, execution) = match id {
        Some(id) => resolve(api, plan, hub, Some(id)).await?,
        None => match resolve(api, plan, hub, None).await {
            Err(RolloutError::NothingRunning { .. }) => {
                let latest = api.list_executions(&hub.rollout_machine, false, 1).await?;
                let Some(latest) = latest.first() else {
                    return Err(RolloutError::Usage(format!(
                        "policy {} has no rollout yet; start one with `patchform rollout start POLICY`",
                        plan.name
                    )));
                };
                let execution = api.describe_execution(&latest.arn).await?;
                (latest.name.clone(), execution)
            }
            other => other?,
        },
    };
    let items = api.rollout_items(&hub.audit_table, &id).await?;
    let phase = match &execution {
        Some(e) if e.summary.status == "RUNNING" => Some(phase::of(
            &api.execution_history(&e.summary.arn).await?,
            plan,
        )),
        _ => None,
    };
    Ok(status::view(
        plan,
        &id,
        execution.as_ref(),
        &items,
        phase.as_ref(),
    ))
}

/// `rollout list`: past rollouts from the audit table, newest first.
pub(crate) async fn list(
    api: &impl AuditRecords,
    hub: &Hub,
    limit: usize,
) -> Result<Vec<RolloutSummary>, RolloutError> {
    let items = api.all_items(&hub.audit_table).await?;
    let mut rollouts = status::summaries(&items);
    rollouts.truncate(limit);
    Ok(rollouts)
}
