// Rule: the longest possible rollout must fit one Step Functions execution (one year).

use super::Context;
use crate::code::Code;

/// A Standard state machine execution lasts at most one year.
pub(super) const MAX_EXECUTION_SECONDS: u64 = 365 * 86_400;

/// The longest a rollout of this policy can take: every wave's timeout, bake time and approval
/// timeout added up. Durations that do not parse count as zero (their own rule reports them).
pub(super) fn longest_rollout_seconds(policy: &crate::policy::Policy) -> u64 {
    policy
        .waves
        .iter()
        .map(|wave| {
            let approval = wave
                .approval
                .as_ref()
                .and_then(|a| a.timeout.seconds().ok())
                .unwrap_or(0);
            wave.timeout
                .seconds()
                .unwrap_or(0)
                .saturating_add(wave.bake_time.seconds().unwrap_or(0))
                .saturating_add(approval)
        })
        .fold(0u64, u64::saturating_add)
}

pub(super) fn check(cx: &mut Context<'_>) {
    let total = longest_rollout_seconds(cx.policy);
    if total > MAX_EXECUTION_SECONDS {
        let days = total as f64 / 86_400.0;
        let d = cx
            .key(Code::RolloutTooLong, "/waves", format!("the longest rollout takes {days:.1} days, over Step Functions' 365-day limit"))
            .label("timeouts, bake times and approval timeouts add up to more than a year")
            .help("shorten wave timeouts, bake times or approval timeouts, or split the policy in two");
        cx.report(d);
    }
}
