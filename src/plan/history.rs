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
pub const HISTORY_LIMIT: u64 = 25_000;
/// Most GetAutomationExecution polls of one wave: the poll interval stretches with the timeout.
pub const MAX_POLLS: u64 = 600;
/// Poll intervals the wave state machine can wait (its Wait states need literal seconds); a
/// wave polls at the shortest one that keeps it within MAX_POLLS polls.
pub const POLL_LADDER: &[u64] = &[60, 120, 300, 600, 1_800, 3_600, 14_400, 86_400];

/// The poll interval of a wave with this timeout.
pub fn poll_seconds(timeout_seconds: u64) -> u64 {
    let needed = timeout_seconds.div_ceil(MAX_POLLS);
    POLL_LADDER
        .iter()
        .copied()
        .find(|&p| p >= needed)
        .unwrap_or(POLL_LADDER[POLL_LADDER.len() - 1])
}
/// Most pages of 50 account-region results one wave writes to the audit table (15,000 pairs).
pub const MAX_RESULT_PAGES: u64 = 300;

/// ExecutionStarted + ExecutionSucceeded/Failed.
const EXECUTION: u64 = 2;
/// Entered + Exited of a Pass, Choice, Wait, Succeed or Fail state.
const FLOW: u64 = 2;
/// Entered, Scheduled, Started, Succeeded, Exited of a request-response task.
const TASK: u64 = 5;
/// A `.sync` or `.waitForTaskToken` task also records Submitted.
const WAITING_TASK: u64 = 6;
/// Each template task retries at most twice (Retry MaxAttempts 2); a retry is Failed, Scheduled, Started.
const RETRIES: u64 = 2 * 3;
/// A task with its retries.
const API: u64 = TASK + RETRIES;

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
pub fn wave_events(timeout_seconds: u64, poll_seconds: u64, bedrock: bool) -> u64 {
    let polls = timeout_seconds.div_ceil(poll_seconds.max(1)) + 1;
    let start = API * 3; // start automation, record wave started, notify
    let poll = FLOW + API + FLOW; // choice (done? / which interval), wait, get
    let stop = API;
    let page = API + API + FLOW; // list step executions, record page, choice
    let finish = API + FLOW + FLOW + API; // record wave, choices, notify
    let analysis = if bedrock {
        WAITING_TASK + RETRIES + API + API
    } else {
        0
    };
    EXECUTION + start + polls * poll + stop + MAX_RESULT_PAGES * page + finish + analysis + FLOW
}

/// Worst-case events of the rollout execution.
pub fn rollout_events(waves: &[(bool, bool)], pinned: bool) -> u64 {
    let start = FLOW + API + if pinned { FLOW + API } else { 0 };
    let per_wave: u64 = waves
        .iter()
        .map(|(approval, bake)| {
            (if *approval { WAITING_TASK } else { 0 }) + WAITING_TASK + if *bake { FLOW } else { 0 }
        })
        .sum();
    // The longer of the two endings: record + notify + Succeed/Fail.
    let end = API + API + FLOW;
    EXECUTION + start + per_wave + end
}

/// Check the bound against the limit.
pub fn check(bound: &HistoryBound, waves: usize) -> Result<(), PlanError> {
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
    fn a_year_long_wave_still_fits() {
        let timeout = 365 * 86_400;
        assert!(wave_events(timeout, poll_seconds(timeout), true) < HISTORY_LIMIT);
        assert_eq!(poll_seconds(6 * 3600), 60);
        assert_eq!(poll_seconds(7 * 86_400), 1_800);
    }

    #[test]
    fn two_hundred_waves_with_approvals_fit() {
        let waves = vec![(true, true); 200];
        assert!(rollout_events(&waves, true) < HISTORY_LIMIT);
    }
}
