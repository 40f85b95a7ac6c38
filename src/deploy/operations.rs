// Stack set operations: start one (waiting out a running one), follow it to the end, collect results.

use super::console::Console;
use super::error::DeployError;
use super::poll::Poller;
use crate::aws::{
    AwsError, CloudFormation, OperationPreferences, OperationResult, OperationStatus,
};
use crate::plan::StackSetPlan;
use crate::policy::CallAs;
use std::future::Future;
use std::time::Duration;

/// How one operation ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Finished {
    /// Operation id.
    pub id: String,
    /// Final status.
    pub status: OperationStatus,
    /// Why (failed operations).
    pub reason: Option<String>,
    /// Per account and region (empty when the endpoint does not report them).
    pub results: Vec<OperationResult>,
}

/// OperationPreferences for an operation over `regions`: the plan's, its region order narrowed
/// to them.
pub(super) fn preferences(stack_set: &StackSetPlan, regions: &[String]) -> OperationPreferences {
    OperationPreferences {
        region_concurrency: stack_set.region_concurrency,
        region_order: stack_set
            .region_order
            .iter()
            .filter(|r| regions.contains(r))
            .cloned()
            .collect(),
        max_concurrent: stack_set.max_concurrent,
        failure_tolerance: stack_set.failure_tolerance,
    }
}

/// Wait for every queued or running operation on the stack set (an interrupted deploy's).
pub(super) async fn wait_for_running(
    api: &impl CloudFormation,
    name: &str,
    call_as: CallAs,
    console: &mut Console<'_>,
    timeout: Duration,
) -> Result<(), DeployError> {
    let running: Vec<String> = api
        .recent_operations(name, call_as)
        .await?
        .into_iter()
        .filter(|o| o.status.is_active())
        .map(|o| o.id)
        .collect();
    for id in running {
        console.note(&format!(
            "operation {id} on `{name}` is still running (started earlier): waiting for it instead of starting another"
        ))?;
        follow(
            api,
            name,
            call_as,
            &id,
            "earlier operation",
            0,
            console,
            timeout,
        )
        .await?;
    }
    Ok(())
}

/// Start an operation; when the stack set is busy (OperationInProgressException), wait for the
/// running operation and try again, a few times.
pub(super) async fn start<F, Fut>(
    api: &impl CloudFormation,
    name: &str,
    call_as: CallAs,
    console: &mut Console<'_>,
    timeout: Duration,
    mut call: F,
) -> Result<String, DeployError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<String, AwsError>>,
{
    let mut attempts = 0;
    loop {
        match call().await {
            Err(e) if e.is_operation_in_progress() && attempts < 3 => {
                attempts += 1;
                wait_for_running(api, name, call_as, console, timeout).await?;
            }
            other => return Ok(other?),
        }
    }
}

/// Follow one operation with a progress line until it ends; `expected` is the number of
/// account-region pairs it should reach (0 when unknown).
#[allow(clippy::too_many_arguments)] // one call site per use; a struct would only rename them
pub(super) async fn follow(
    api: &impl CloudFormation,
    name: &str,
    call_as: CallAs,
    id: &str,
    label: &str,
    expected: usize,
    console: &mut Console<'_>,
    timeout: Duration,
) -> Result<Finished, DeployError> {
    let mut poller = Poller::new(
        format!("stack set operation {id} ({label})"),
        timeout,
        Duration::from_secs(10),
    );
    loop {
        let op = api.describe_operation(name, call_as, id).await?;
        let results = api.operation_results(name, call_as, id).await?;
        let count = |s: &str| results.iter().filter(|r| r.status == s).count();
        let (ok, failed) = (count("SUCCEEDED"), count("FAILED") + count("CANCELLED"));
        let total = expected.max(results.len());
        let done = if op.status.is_active() {
            ok
        } else if op.status == OperationStatus::Succeeded && results.is_empty() {
            total
        } else {
            ok
        };
        let pending = total.saturating_sub(done + failed);
        console.progress(&format!(
            "{label}: {} [{}] {done} succeeded, {failed} failed, {pending} pending",
            status_word(op.status),
            bar(done, failed, total),
        ))?;
        if !op.status.is_active() {
            console.end_progress()?;
            return Ok(Finished {
                id: id.to_owned(),
                status: op.status,
                reason: op.status_reason,
                results,
            });
        }
        poller.tick().await?;
    }
}

fn status_word(status: OperationStatus) -> &'static str {
    match status {
        OperationStatus::Queued => "queued",
        OperationStatus::Running => "running",
        OperationStatus::Stopping => "stopping",
        OperationStatus::Succeeded => "succeeded",
        OperationStatus::Failed => "FAILED",
        OperationStatus::Stopped => "stopped",
    }
}

/// A 20-character bar: `#` succeeded, `x` failed, `.` pending.
fn bar(done: usize, failed: usize, total: usize) -> String {
    const WIDTH: usize = 20;
    if total == 0 {
        return ".".repeat(WIDTH);
    }
    let ok = done * WIDTH / total;
    let bad = (failed * WIDTH).div_ceil(total).min(WIDTH - ok);
    format!(
        "{}{}{}",
        "#".repeat(ok),
        "x".repeat(bad),
        ".".repeat(WIDTH - ok - bad)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_shows_success_failure_and_pending() {
        assert_eq!(
            bar(10, 0, 20),
            format!("{}{}", "#".repeat(10), ".".repeat(10))
        );
        assert_eq!(bar(19, 1, 20), format!("{}x", "#".repeat(19)));
        assert_eq!(bar(0, 0, 0), ".".repeat(20));
    }
}
