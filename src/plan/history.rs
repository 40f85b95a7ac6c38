// The worst-case Step Functions history of a rollout, counted from the states the templates use.
//
// Step Functions stops an execution at 25,000 history events. Each wave runs in its own child
// execution (states:startExecution.sync:2), so the rollout's history grows by a few events per
// wave while each wave's polling and result paging is bounded inside its own history. The
// per-state figures below mirror templates/rollout.asl.json.j2 and templates/wave.asl.json.j2;
// a custom template that adds states must stay inside the same budget.

use super::PlanError;
use serde::Serialize;

/// Step Functions' limit on events in one execution's history.
pub(crate) const HISTORY_LIMIT: u64 = 25_000;
/// Most GetAutomationExecution polls of one wave: the poll interval stretches with the timeout.
pub(crate) const MAX_POLLS: u64 = 500;
/// The shortest poll interval: SSM Automation progresses in minutes.
pub(crate) const MIN_POLL_SECONDS: u64 = 60;

/// The poll interval of a wave with this timeout: a minute, or longer to stay within MAX_POLLS.
/// (The wave's Wait state cuts the last interval short at the deadline.)
pub(crate) fn poll_seconds(timeout_seconds: u64) -> u64 {
    timeout_seconds.div_ceil(MAX_POLLS).max(MIN_POLL_SECONDS)
}
/// Most pages of 50 failing account-regions one wave writes to the audit table, one item each
/// (500 items); the wave's counts stay exact beyond it (they come from ProgressCounters).
pub(crate) const MAX_FAILURE_PAGES: u64 = 10;
/// Most accounts a rollout's `scope` may name for one wave of OUs: each is checked against AWS
/// Organizations by walking its parents (at most an OU nesting of five, then the root).
pub(crate) const MAX_SCOPE_ACCOUNTS: u64 = 50;
/// ListParents calls for one account: five levels of OUs and the root.
const OU_DEPTH: u64 = 6;
/// Items in one page of DescribeAutomationStepExecutions.
const PAGE_SIZE: u64 = 50;

/// ExecutionStarted + ExecutionSucceeded/Failed.
const EXECUTION: u64 = 2;
/// Entered + Exited of a Pass, Choice, Wait, Succeed or Fail state.
const FLOW: u64 = 2;
/// Entered, Scheduled, Started, Succeeded, Exited of a request-response task.
const TASK: u64 = 5;
/// A `.sync` or `.waitForTaskToken` task also records Submitted.
const WAITING_TASK: u64 = 6;
/// How often a state machine task retries States.TaskFailed: the templates' Retry MaxAttempts
/// (plan.task_max_attempts) and this bound read the same constant.
pub(crate) const TASK_MAX_ATTEMPTS: u64 = 2;
/// Each retry of a task records Failed, Scheduled, Started.
const RETRIES: u64 = TASK_MAX_ATTEMPTS * 3;
/// A task with its retries.
const API: u64 = TASK + RETRIES;
/// Entered, Started, Succeeded, Exited of a Map state.
const MAP: u64 = 4;
/// IterationStarted + IterationSucceeded around each Map item.
const ITERATION: u64 = 2;

/// Operating systems Patch Manager patches (a pinned set reads each one's default baseline).
const SYSTEMS: u64 = 12;

/// The history budget of one policy's rollout, reported in manifest.json.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryBound {
    /// Step Functions' limit.
    pub limit: u64,
    /// Worst case of the rollout execution.
    pub rollout_events: u64,
    /// Worst case of the longest wave's child execution.
    pub wave_events: u64,
    /// The wave with that worst case.
    pub longest_wave: String,
}

/// Worst-case events of one wave's child execution, from its timeout and poll interval.
pub(crate) fn wave_events(timeout_seconds: u64, poll_seconds: u64, bedrock: bool) -> u64 {
    // every full interval, the one cut short at the deadline, and the first look
    let polls = timeout_seconds.div_ceil(poll_seconds.max(1)) + 2;
    let start = API * 3; // start automation, record wave started, notify
    // wait, get, record progress (and read a stop request), done?
    let poll = FLOW + API + API + FLOW;
    let stop = API + API; // stop, get the stopped run's counters
    // any failed? (once); per page: list the failing steps, a Map writing one item each, more?
    let page = API + MAP + PAGE_SIZE * (ITERATION + API) + FLOW;
    let failures = FLOW + MAX_FAILURE_PAGES * page;
    // judge, explain, record wave, any failures?, notify, passed?
    let finish = FLOW + FLOW + API + FLOW + API + FLOW;
    let analysis = if bedrock {
        WAITING_TASK + RETRIES + API + API
    } else {
        0
    };
    EXECUTION + start + polls * poll + stop + failures + finish + analysis + FLOW
}

/// Worst-case events of the rollout execution.
pub(crate) fn rollout_events(waves: &[(bool, bool)], pinned: bool) -> u64 {
    // check input, start, record; pinned: describe, read every default baseline (a Map of two
    // calls per operating system), write the override
    let pin = FLOW + MAP + SYSTEMS * (ITERATION + API + API) + API;
    // a scope naming accounts of OU waves: a Map walking each account's parents (find parent,
    // inside the wave?, next parent), then the verdict
    let organizations =
        MAP + MAX_SCOPE_ACCOUNTS * (ITERATION + OU_DEPTH * (API + FLOW + FLOW)) + FLOW;
    let start = FLOW + FLOW + organizations + FLOW + API + if pinned { pin } else { 0 };
    let per_wave: u64 = waves
        .iter()
        .map(|(approval, bake)| {
            // look for a stop request, run this wave?; approval: dry run?, ask, record who
            API + FLOW
                + (if *approval {
                    FLOW + WAITING_TASK + API
                } else {
                    0
                })
                + WAITING_TASK
                + if *bake { FLOW } else { 0 }
        })
        .sum();
    // The longest ending: record finished, publish tested set?, publish it, notify, Succeed
    // (a stop or abort: stopped or aborted?, record, notify, Fail).
    let end = API + FLOW + API + API + FLOW;
    EXECUTION + start + per_wave + end
}

/// Check the bound against the limit.
pub(crate) fn check(bound: &HistoryBound, waves: usize) -> Result<(), PlanError> {
    // A wave's events are bounded by construction (MAX_POLLS, MAX_RESULT_PAGES); only the
    // rollout, which grows with the number of waves, can exceed the limit.
    if bound.rollout_events > HISTORY_LIMIT {
        return Err(PlanError::HistoryTooLong {
            events: bound.rollout_events,
            waves,
            limit: HISTORY_LIMIT,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_six_hour_wave_fits_easily() {
        let events = wave_events(6 * 3600, 60, true);
        assert!(events < HISTORY_LIMIT, "{events}");
    }

    #[test]
    fn the_longest_wave_with_every_failure_page_fits() {
        // the worst wave: polls up to MAX_POLLS, stopped at its deadline, every failure page full,
        // analysed
        let timeout = 30 * 86_400;
        let events = wave_events(timeout, poll_seconds(timeout), true);
        assert!(events < HISTORY_LIMIT, "{events}");
    }

    #[test]
    fn a_year_long_wave_still_fits() {
        let timeout = 365 * 86_400;
        assert!(wave_events(timeout, poll_seconds(timeout), true) < HISTORY_LIMIT);
        assert_eq!(poll_seconds(6 * 3600), 60);
        assert_eq!(poll_seconds(7 * 86_400), 1_210);
    }

    #[test]
    fn two_hundred_waves_with_approvals_fit() {
        let waves = vec![(true, true); 200];
        assert!(rollout_events(&waves, true) < HISTORY_LIMIT);
    }
}
