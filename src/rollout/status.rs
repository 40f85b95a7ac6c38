// A rollout as the operator sees it: each wave's state, from the audit items, the execution and its phase.

use super::phase::Phase;
use crate::aws::{AuditItem, ExecutionView};
use crate::plan::Plan;
use chrono::{DateTime, Datelike, Timelike, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

/// One rollout.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct RolloutView {
    /// The rollout id (the execution name).
    pub id: String,
    /// The policy.
    pub policy: String,
    /// RUNNING, then SUCCEEDED, ABORTED, REJECTED, STOPPED (or FAILED / TIMED_OUT / ABORTED for
    /// an execution that ended without recording why).
    pub status: String,
    /// Whether it only scans.
    pub dry_run: bool,
    /// Start (RFC 3339).
    pub started_at: String,
    /// End, once ended.
    pub finished_at: Option<String>,
    /// Who started it.
    pub started_by: String,
    /// `all waves`, or the scope it was started with.
    pub scope: String,
    /// Why it ended, when it did not succeed.
    pub reason: Option<String>,
    /// A stop request, once `rollout stop` was asked.
    pub stop_requested: Option<StopRequest>,
    /// What it is doing now (while running).
    pub phase: Option<Phase>,
    /// The policy's waves, in order.
    pub waves: Vec<WaveView>,
}

/// Who asked a rollout to stop, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct StopRequest {
    /// The caller's ARN.
    pub by: String,
    /// The reason given.
    pub reason: String,
    /// When (RFC 3339).
    pub at: String,
}

/// Where a wave stands in the rollout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum WaveState {
    /// Not reached yet.
    Waiting,
    /// Its approval request is out.
    AwaitingApproval,
    /// Its automation runs.
    Running,
    /// Done; the rollout waits out its bake time.
    Baking,
    /// Done within its thresholds.
    Done,
    /// Failed beyond its thresholds, timed out or stopped by its alarm: the rollout stopped.
    Failed,
    /// An operator stopped the rollout during it.
    Stopped,
    /// Its approval was refused, or not given in time.
    Rejected,
    /// Outside the rollout's scope.
    Skipped,
    /// The rollout ended before it.
    NotRun,
}

impl WaveState {
    /// The state in words.
    pub(crate) fn word(self) -> &'static str {
        match self {
            WaveState::Waiting => "waiting",
            WaveState::AwaitingApproval => "awaiting approval",
            WaveState::Running => "running",
            WaveState::Baking => "baking",
            WaveState::Done => "done",
            WaveState::Failed => "failed",
            WaveState::Stopped => "stopped",
            WaveState::Rejected => "rejected",
            WaveState::Skipped => "skipped",
            WaveState::NotRun => "not run",
        }
    }
}

/// One wave of a rollout.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct WaveView {
    /// The wave.
    pub name: String,
    /// Where it stands.
    pub state: WaveState,
    /// Awaiting approval: since when; running: since when.
    pub since: Option<String>,
    /// Baking: until when.
    pub until: Option<String>,
    /// Awaiting approval: who may answer.
    pub approvers: Vec<String>,
    /// Who approved it, when, with what comment.
    pub approval: Option<ApprovalRecord>,
    /// Running: account-regions started, succeeded and failed so far.
    pub progress: Option<Progress>,
    /// Ended: account-region runs and failed ones.
    pub account_region_runs: Option<u64>,
    /// Ended: of those, how many failed.
    pub failed_account_region_runs: Option<u64>,
    /// Failing account-regions the wave recorded.
    pub failures: Vec<FailureRecord>,
    /// The wave's own one-line account of how it ended.
    pub reason: Option<String>,
    /// What it targeted (narrowed by a scope, when it was).
    pub targets: Option<String>,
}

/// An approval as the audit table records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct ApprovalRecord {
    /// The approver's ARN.
    pub by: String,
    /// When (RFC 3339).
    pub at: String,
    /// The comment, or `-`.
    pub comment: String,
}

/// A running wave's progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Progress {
    /// Account-regions started so far.
    pub total: u64,
    /// Of those, succeeded.
    pub succeeded: u64,
    /// Of those, failed.
    pub failed: u64,
    /// When it was read.
    pub at: String,
}

/// A failing account-region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct FailureRecord {
    /// The account.
    pub account: String,
    /// The region.
    pub region: String,
    /// SSM's failure message.
    pub failure: String,
}

/// A text attribute of an item.
pub(super) fn text(item: &AuditItem, key: &str) -> Option<String> {
    item.get(key).and_then(|v| v.as_str()).map(str::to_owned)
}

fn number(item: &AuditItem, key: &str) -> Option<u64> {
    item.get(key).and_then(|v| v.as_u64())
}

/// The rollout item among a rollout's items.
pub(super) fn rollout_item(items: &[AuditItem]) -> Option<&AuditItem> {
    items
        .iter()
        .find(|i| text(i, "sk").as_deref() == Some("rollout"))
}

/// A stop request on the rollout item.
pub(super) fn stop_request(item: &AuditItem) -> Option<StopRequest> {
    Some(StopRequest {
        by: text(item, "stopRequestedBy")?,
        reason: text(item, "stopReason").unwrap_or_else(|| "-".to_owned()),
        at: text(item, "stopRequestedAt").unwrap_or_default(),
    })
}

/// The rollout as the operator sees it. `execution` is DescribeExecution (None when only the
/// audit table knows it); `phase` is what a running execution is doing.
pub(super) fn view(
    plan: &Plan,
    id: &str,
    execution: Option<&ExecutionView>,
    items: &[AuditItem],
    phase: Option<&Phase>,
) -> RolloutView {
    let rollout = rollout_item(items);
    let recorded = rollout
        .and_then(|r| text(r, "status"))
        .unwrap_or_else(|| "STARTED".to_owned());
    let running = execution.is_some_and(|e| e.summary.status == "RUNNING");
    let status = match (recorded.as_str(), execution) {
        ("STARTED", Some(e)) if e.summary.status == "RUNNING" => "RUNNING".to_owned(),
        ("STARTED", Some(e)) => e.summary.status.clone(),
        ("STARTED", None) => "RUNNING".to_owned(),
        (other, _) => other.to_owned(),
    };
    let reason = rollout.and_then(|r| text(r, "reason")).or_else(|| {
        execution
            .filter(|_| !running)
            .and_then(|e| e.cause.clone().or_else(|| e.error.clone()))
    });
    let scope_value = rollout.and_then(|r| r.get("scope")).cloned();
    let scoped: Option<Vec<String>> = scope_value
        .as_ref()
        .and_then(|v| v.as_str())
        .filter(|s| *s != "all waves")
        .and_then(|s| serde_json::from_str::<serde_json::Value>(s).ok())
        .and_then(|v| v.as_object().map(|o| o.keys().cloned().collect()));
    let failed_wave = rollout.and_then(|r| text(r, "failedWave"));
    let ended = !running && (recorded != "STARTED" || execution.is_some());
    let mut waves = Vec::new();
    for wave in &plan.waves {
        let key = format!("wave#{:03}#{}", wave.index, wave.name);
        let row = items
            .iter()
            .find(|i| text(i, "sk").as_deref() == Some(key.as_str()));
        let approval_row = items
            .iter()
            .find(|i| text(i, "sk").as_deref() == Some(format!("{key}#approval").as_str()));
        let failures: Vec<FailureRecord> = items
            .iter()
            .filter(|i| text(i, "sk").is_some_and(|sk| sk.starts_with(&format!("{key}#failure#"))))
            .map(|i| FailureRecord {
                account: text(i, "account").unwrap_or_default(),
                region: text(i, "region").unwrap_or_default(),
                failure: text(i, "failure").unwrap_or_default(),
            })
            .collect();
        let mut view = WaveView {
            name: wave.name.clone(),
            state: WaveState::Waiting,
            since: None,
            until: None,
            approvers: Vec::new(),
            approval: approval_row.map(|a| ApprovalRecord {
                by: text(a, "by").unwrap_or_default(),
                at: text(a, "at").unwrap_or_default(),
                comment: text(a, "comment").unwrap_or_else(|| "-".to_owned()),
            }),
            progress: None,
            account_region_runs: row.and_then(|r| number(r, "accountRegionRuns")),
            failed_account_region_runs: row.and_then(|r| number(r, "failedAccountRegionRuns")),
            failures,
            reason: row.and_then(|r| text(r, "reason")),
            targets: row.and_then(|r| text(r, "targets")),
        };
        view.state = match (row, phase) {
            _ if scoped.as_ref().is_some_and(|s| !s.contains(&wave.name)) => WaveState::Skipped,
            (Some(r), _) if text(r, "finishedAt").is_none() => {
                view.since = text(r, "startedAt");
                if running {
                    view.progress = rollout.and_then(|r| progress(r, &wave.name));
                    WaveState::Running
                } else {
                    WaveState::Failed
                }
            }
            (Some(r), _) if text(r, "status").as_deref() == Some("STOPPED") => WaveState::Stopped,
            (Some(_), _)
                if failed_wave.as_deref() == Some(wave.name.as_str())
                    && (recorded == "ABORTED" || recorded == "STOPPED") =>
            {
                WaveState::Failed
            }
            (
                Some(_),
                Some(Phase::Baking {
                    wave: w,
                    since,
                    seconds,
                }),
            ) if *w == wave.name => {
                view.since = Some(since.clone());
                view.until = add_seconds(since, *seconds);
                WaveState::Baking
            }
            (Some(_), _) => WaveState::Done,
            (None, Some(Phase::AwaitingApproval { wave: w, since, .. })) if *w == wave.name => {
                view.since = Some(since.clone());
                view.approvers = wave
                    .approval
                    .as_ref()
                    .map(|a| a.approvers.clone())
                    .unwrap_or_default();
                WaveState::AwaitingApproval
            }
            (None, Some(Phase::Running { wave: w, since })) if *w == wave.name => {
                view.since = Some(since.clone());
                WaveState::Running
            }
            (None, _)
                if recorded == "REJECTED" && failed_wave.as_deref() == Some(wave.name.as_str()) =>
            {
                WaveState::Rejected
            }
            (None, _) if ended => WaveState::NotRun,
            (None, _) => WaveState::Waiting,
        };
        waves.push(view);
    }
    RolloutView {
        id: id.to_owned(),
        policy: plan.name.clone(),
        dry_run: rollout
            .and_then(|r| r.get("dryRun"))
            .and_then(|v| v.as_bool())
            .unwrap_or(false),
        started_at: rollout
            .and_then(|r| text(r, "startedAt"))
            .or_else(|| execution.map(|e| e.summary.started_at.clone()))
            .unwrap_or_default(),
        finished_at: rollout
            .and_then(|r| text(r, "finishedAt"))
            .or_else(|| execution.and_then(|e| e.summary.stopped_at.clone())),
        started_by: rollout
            .and_then(|r| text(r, "startedBy"))
            .unwrap_or_else(|| "-".to_owned()),
        scope: scope_value
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_else(|| "all waves".to_owned()),
        reason: reason.filter(|_| status != "SUCCEEDED" && status != "RUNNING"),
        status,
        stop_requested: rollout.and_then(stop_request),
        phase: if running { phase.cloned() } else { None },
        waves,
    }
}

fn progress(rollout: &AuditItem, wave: &str) -> Option<Progress> {
    if text(rollout, "progressWave").as_deref() != Some(wave) {
        return None;
    }
    Some(Progress {
        total: number(rollout, "progressTotal")?,
        succeeded: number(rollout, "progressSucceeded").unwrap_or(0),
        failed: number(rollout, "progressFailed").unwrap_or(0),
        at: text(rollout, "progressAt").unwrap_or_default(),
    })
}

/// RFC 3339 time plus seconds, as RFC 3339 in UTC.
fn add_seconds(at: &str, seconds: u64) -> Option<String> {
    let start = DateTime::parse_from_rfc3339(at).ok()?;
    let end = start + chrono::Duration::seconds(i64::try_from(seconds).ok()?);
    Some(rfc3339(end.with_timezone(&Utc)))
}

/// `2026-12-12T01:00:00Z`.
pub(super) fn rfc3339(at: DateTime<Utc>) -> String {
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        at.year(),
        at.month(),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

/// One line per past rollout, for `rollout list`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct RolloutSummary {
    /// The rollout id.
    pub id: String,
    /// Its recorded status (STARTED while it runs).
    pub status: String,
    /// Whether it only scanned.
    pub dry_run: bool,
    /// Start.
    pub started_at: String,
    /// End.
    pub finished_at: Option<String>,
    /// Who started it.
    pub started_by: String,
    /// Waves that ended within their thresholds.
    pub waves_done: u64,
    /// Waves in the policy then.
    pub waves: u64,
    /// `account region` of every failing account-region recorded.
    pub failed: Vec<String>,
    /// Why it ended, when it did not succeed.
    pub reason: Option<String>,
}

/// Every rollout of the table, newest first.
pub(super) fn summaries(items: &[AuditItem]) -> Vec<RolloutSummary> {
    let mut by_rollout: BTreeMap<String, Vec<&AuditItem>> = BTreeMap::new();
    for item in items {
        if let Some(pk) = text(item, "pk") {
            by_rollout.entry(pk).or_default().push(item);
        }
    }
    let mut out: Vec<RolloutSummary> = by_rollout
        .into_iter()
        .filter_map(|(pk, group)| {
            let rollout = group
                .iter()
                .find(|i| text(i, "sk").as_deref() == Some("rollout"))?;
            let failed_wave = text(rollout, "failedWave");
            let waves_done = group
                .iter()
                .filter(|i| {
                    let sk = text(i, "sk").unwrap_or_default();
                    sk.starts_with("wave#")
                        && sk.matches('#').count() == 2
                        && text(i, "finishedAt").is_some()
                        && text(i, "status").as_deref() != Some("STOPPED")
                        && text(i, "wave") != failed_wave
                })
                .count() as u64;
            let failed = group
                .iter()
                .filter(|i| text(i, "sk").is_some_and(|sk| sk.contains("#failure#")))
                .map(|i| {
                    format!(
                        "{} {}",
                        text(i, "account").unwrap_or_default(),
                        text(i, "region").unwrap_or_default()
                    )
                })
                .collect();
            let status = text(rollout, "status").unwrap_or_default();
            Some(RolloutSummary {
                id: pk.trim_start_matches("rollout#").to_owned(),
                dry_run: rollout
                    .get("dryRun")
                    .and_then(|v| v.as_bool())
                    .unwrap_or(false),
                started_at: text(rollout, "startedAt").unwrap_or_default(),
                finished_at: text(rollout, "finishedAt"),
                started_by: text(rollout, "startedBy").unwrap_or_else(|| "-".to_owned()),
                waves_done,
                waves: number(rollout, "waves").unwrap_or(0),
                failed,
                reason: text(rollout, "reason").filter(|_| status != "SUCCEEDED"),
                status,
            })
        })
        .collect();
    out.sort_by(|a, b| b.started_at.cmp(&a.started_at).then(b.id.cmp(&a.id)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn item(value: serde_json::Value) -> AuditItem {
        value
            .as_object()
            .expect("an object")
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }

    fn plan() -> Plan {
        let policy =
            crate::validator::validate_path(std::path::Path::new("policies/acme-fleet.yaml"))
                .policy
                .expect("the shipped policy is valid");
        crate::plan::plan(&policy).expect("the shipped policy plans")
    }

    #[test]
    fn a_rejected_rollout_names_its_wave_and_skips_none() {
        let items = [
            item(
                json!({"pk": "rollout#r", "sk": "rollout", "status": "REJECTED", "failedWave": "prod",
                        "reason": "approval of wave prod not given: rejected by bob: no", "startedAt": "t0",
                        "finishedAt": "t9", "startedBy": "alice", "scope": "all waves", "waves": 3}),
            ),
            item(
                json!({"pk": "rollout#r", "sk": "wave#001#canary", "status": "Success", "finishedAt": "t1",
                        "accountRegionRuns": 2, "failedAccountRegionRuns": 0}),
            ),
            item(
                json!({"pk": "rollout#r", "sk": "wave#002#nonprod", "status": "Success", "finishedAt": "t2",
                        "accountRegionRuns": 4, "failedAccountRegionRuns": 1}),
            ),
            item(
                json!({"pk": "rollout#r", "sk": "wave#002#nonprod#failure#5#eu-west-1", "account": "5",
                        "region": "eu-west-1", "failure": "boom"}),
            ),
        ];
        let view = view(&plan(), "r", None, &items, None);
        let states: Vec<WaveState> = view.waves.iter().map(|w| w.state).collect();
        assert_eq!(
            states,
            [WaveState::Done, WaveState::Done, WaveState::Rejected]
        );
        assert_eq!(view.status, "REJECTED");
        assert_eq!(view.waves[1].failures.len(), 1);
        let list = summaries(&items);
        assert_eq!(list.len(), 1);
        assert_eq!((list[0].waves_done, list[0].waves), (2, 3));
        assert_eq!(list[0].failed, ["5 eu-west-1"]);
    }

    #[test]
    fn a_scoped_rollout_skips_the_waves_it_leaves_out() {
        let items = [item(
            json!({"pk": "rollout#s", "sk": "rollout", "status": "STARTED",
                                  "scope": "{\"canary\":{\"accounts\":[\"222222222222\"]}}"}),
        )];
        let phase = Phase::Running {
            wave: "canary".into(),
            since: "2026-12-12T01:00:00Z".into(),
        };
        let view = view(&plan(), "s", None, &items, Some(&phase));
        let states: Vec<WaveState> = view.waves.iter().map(|w| w.state).collect();
        assert_eq!(
            states,
            [WaveState::Running, WaveState::Skipped, WaveState::Skipped]
        );
    }

    #[test]
    fn times_add_up_in_utc() {
        assert_eq!(
            add_seconds("2026-12-12T01:00:00.000Z", 7200).as_deref(),
            Some("2026-12-12T03:00:00Z")
        );
        assert_eq!(add_seconds("not a time", 1), None);
    }
}
