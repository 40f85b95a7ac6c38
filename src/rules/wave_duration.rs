// Rule for `waves[].timeout`: whether a wave can patch its targets before its deadline, from its
// rate controls and documented assumptions about the fleet the policy does not describe.

use super::Context;
use crate::code::Code;
use crate::policy::{RateValue, Wave};

/// Accounts assumed behind each OU a wave targets (the policy names OUs, not their size).
pub(super) const ACCOUNTS_PER_OU: u64 = 10;
/// Managed nodes assumed in each account and region a wave patches.
pub(super) const NODES_PER_ACCOUNT_REGION: u64 = 50;
/// Minutes one batch of nodes takes: scan, install, reboot, scan again.
pub(super) const MINUTES_PER_BATCH: u64 = 20;

/// How many of `total` run at once under a concurrency rate (SSM: a percentage rounds down, at
/// least one).
fn at_once(rate: Option<RateValue>, total: u64) -> u64 {
    match rate {
        Some(RateValue::Count(n)) => n.max(1),
        Some(RateValue::Percent(p)) => (total * u64::from(p) / 100).max(1),
        None => 1,
    }
}

/// The estimated minutes a wave needs and how the figure was reached.
pub(super) fn estimate(wave: &Wave, regions: u64) -> (u64, String) {
    let accounts = wave.targets.accounts.len() as u64
        + wave.targets.organizational_units.len() as u64 * ACCOUNTS_PER_OU;
    let locations = (accounts * regions).max(1);
    let account_concurrency = at_once(wave.account_concurrency.value().ok(), locations);
    let node_concurrency = at_once(wave.concurrency.value().ok(), NODES_PER_ACCOUNT_REGION);
    let rounds = locations.div_ceil(account_concurrency);
    let batches = NODES_PER_ACCOUNT_REGION.div_ceil(node_concurrency);
    let minutes = rounds * batches * MINUTES_PER_BATCH;
    let how = format!(
        "{locations} account-region(s) ({accounts} account(s), {ACCOUNTS_PER_OU} per OU assumed, × {regions} region(s)) {account_concurrency} at a time = {rounds} round(s); {NODES_PER_ACCOUNT_REGION} nodes each (assumed) {node_concurrency} at a time = {batches} batch(es) of {MINUTES_PER_BATCH} minutes"
    );
    (minutes, how)
}

fn hours(minutes: u64) -> String {
    if minutes.is_multiple_of(60) {
        format!("{}h", minutes / 60)
    } else {
        format!("{}h{:02}", minutes / 60, minutes % 60)
    }
}

pub(super) fn check(cx: &mut Context<'_>) {
    let policy = cx.policy;
    for (w, wave) in policy.waves.iter().enumerate() {
        let Ok(timeout) = wave.timeout.seconds() else {
            continue; // the duration rule reports it
        };
        let regions = wave
            .targets
            .regions
            .as_ref()
            .map_or(policy.organization.regions.len(), Vec::len) as u64;
        let (minutes, how) = estimate(wave, regions);
        if minutes * 60 <= timeout {
            continue;
        }
        let pointer = format!("/waves/{w}/timeout");
        let written = cx.span(&pointer).is_some();
        let target = if written {
            pointer
        } else {
            format!("/waves/{w}/name")
        };
        let d = cx
            .value(
                Code::WaveTimeoutShort,
                &target,
                format!(
                    "wave `{}` may need about {} but its timeout is {}",
                    wave.name,
                    hours(minutes),
                    wave.timeout
                ),
            )
            .label(if written {
                "nodes not started by then are not patched"
            } else {
                "the default timeout, 2d: nodes not started by then are not patched"
            })
            .help(format!(
                "estimate: {how}. Raise `timeout` (e.g. `timeout: {}`), or raise `account_concurrency` or `concurrency`; at the deadline the wave starts no new install, lets the installs in flight finish and counts as failed",
                hours(minutes.div_ceil(60) * 60)
            ));
        cx.report(d);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn wave(yaml: &str) -> Wave {
        let value: serde_json::Value = serde_json::from_str(yaml).unwrap();
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn a_large_ou_at_ten_percent_outlasts_six_hours() {
        let prod = wave(
            r#"{"name": "prod", "targets": {"organizational_units": ["ou-ab12-22222222"]}, "account_concurrency": 5, "concurrency": "10%"}"#,
        );
        // 10 accounts × 2 regions = 20, 5 at a time = 4 rounds; 50 nodes 5 at a time = 10 batches
        assert_eq!(estimate(&prod, 2).0, 4 * 10 * 20);
        let canary = wave(
            r#"{"name": "canary", "targets": {"accounts": ["222222222222"]}, "concurrency": "25%"}"#,
        );
        // 2 account-regions one at a time; 50 nodes 12 at a time = 5 batches
        assert_eq!(estimate(&canary, 2).0, 2 * 5 * 20);
    }
}
