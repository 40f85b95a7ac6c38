// The day-2 commands' results for people: a rollout's waves, the list of rollouts, what was done.

use super::operations::{Answered, Started, StopOutcome};
use super::status::{RolloutSummary, RolloutView, WaveState, WaveView};
use chrono::{DateTime, Utc};

/// `2h 05m`, `12m`, `40s`: a span for people.
fn span(seconds: i64) -> String {
    let seconds = seconds.max(0);
    let (days, hours, minutes) = (
        seconds / 86_400,
        seconds % 86_400 / 3600,
        seconds % 3600 / 60,
    );
    if days > 0 {
        format!("{days}d {hours}h")
    } else if hours > 0 {
        format!("{hours}h {minutes:02}m")
    } else if minutes > 0 {
        format!("{minutes}m")
    } else {
        format!("{seconds}s")
    }
}

fn seconds_between(from: &str, to: DateTime<Utc>) -> Option<i64> {
    let from = DateTime::parse_from_rfc3339(from).ok()?;
    Some((to - from.with_timezone(&Utc)).num_seconds())
}

/// One wave's line: name, state and what it means now.
fn wave_line(
    policy_file: &str,
    rollout: &RolloutView,
    wave: &WaveView,
    now: DateTime<Utc>,
) -> String {
    let detail = match wave.state {
        WaveState::AwaitingApproval => {
            let since = wave.since.as_deref().unwrap_or("-");
            let ago = seconds_between(since, now).map(span).unwrap_or_default();
            format!(
                "since {since} ({ago}), from {}; approve: patchform rollout approve {policy_file} {} --wave {}",
                if wave.approvers.is_empty() {
                    "-".to_owned()
                } else {
                    wave.approvers.join(", ")
                },
                rollout.id,
                wave.name
            )
        }
        WaveState::Running => {
            let since = wave.since.as_deref().unwrap_or("-");
            let elapsed = seconds_between(since, now).map(span).unwrap_or_default();
            match &wave.progress {
                Some(p) => format!(
                    "since {since} ({elapsed}): {} account-region(s) started, {} succeeded, {} failed",
                    p.total, p.succeeded, p.failed
                ),
                None => format!("since {since} ({elapsed})"),
            }
        }
        WaveState::Baking => {
            let until = wave.until.as_deref().unwrap_or("-");
            let left = seconds_between(until, now)
                .map(|s| span(-s))
                .unwrap_or_default();
            let elapsed = wave
                .since
                .as_deref()
                .and_then(|s| seconds_between(s, now))
                .map(span)
                .unwrap_or_default();
            format!("until {until} ({elapsed} baked, {left} left){}", runs(wave))
        }
        WaveState::Done => runs(wave).trim_start_matches("; ").to_owned(),
        WaveState::Failed | WaveState::Stopped => wave.reason.clone().unwrap_or_default(),
        WaveState::Rejected => rollout.reason.clone().unwrap_or_default(),
        WaveState::Skipped => "not in this rollout's scope".to_owned(),
        WaveState::NotRun | WaveState::Waiting => String::new(),
    };
    let mut line = format!("  {:<16} {:<18} {detail}", wave.name, wave.state.word());
    if let Some(approval) = &wave.approval {
        line.push_str(&format!(
            "\n  {:<16} {:<18} approved by {} at {} ({})",
            "", "", approval.by, approval.at, approval.comment
        ));
    }
    line.trim_end().to_owned()
}

fn runs(wave: &WaveView) -> String {
    match (wave.account_region_runs, wave.failed_account_region_runs) {
        (Some(total), Some(failed)) => {
            format!("; {total} account-region run(s), {failed} failed")
        }
        _ => String::new(),
    }
}

/// `rollout status`, human.
pub(crate) fn status(policy_file: &str, rollout: &RolloutView, now: DateTime<Utc>) -> String {
    let mut out = format!(
        "rollout {} of {}: {}{}\n  started {} by {}; {}\n",
        rollout.id,
        rollout.policy,
        rollout.status,
        if rollout.dry_run {
            " (dry run, scan only)"
        } else {
            ""
        },
        rollout.started_at,
        rollout.started_by,
        if rollout.scope == "all waves" {
            "all waves".to_owned()
        } else {
            format!("scope {}", rollout.scope)
        },
    );
    if let Some(finished) = &rollout.finished_at {
        out.push_str(&format!("  ended {finished}\n"));
    }
    if let Some(stop) = &rollout.stop_requested {
        out.push_str(&format!(
            "  stop requested {} by {}: {}\n",
            stop.at, stop.by, stop.reason
        ));
    }
    if let Some(reason) = &rollout.reason {
        out.push_str(&format!("  why: {reason}\n"));
    }
    out.push('\n');
    for wave in &rollout.waves {
        out.push_str(&wave_line(policy_file, rollout, wave, now));
        out.push('\n');
    }
    out
}

/// `rollout list`, human.
pub(crate) fn list(rollouts: &[RolloutSummary]) -> String {
    if rollouts.is_empty() {
        return "no rollout recorded yet\n".to_owned();
    }
    let mut out = format!(
        "{:<38} {:<10} {:<21} {:<21} {:<6} {}\n",
        "ROLLOUT", "RESULT", "STARTED", "ENDED", "WAVES", "FAILED ACCOUNT-REGIONS"
    );
    for r in rollouts {
        let result = if r.status == "STARTED" {
            "RUNNING"
        } else {
            r.status.as_str()
        };
        out.push_str(&format!(
            "{:<38} {:<10} {:<21} {:<21} {:<6} {}\n",
            r.id,
            format!("{result}{}", if r.dry_run { "*" } else { "" }),
            r.started_at.get(..19).unwrap_or(&r.started_at),
            r.finished_at
                .as_deref()
                .map_or("-", |f| f.get(..19).unwrap_or(f)),
            format!("{}/{}", r.waves_done, r.waves),
            if r.failed.is_empty() {
                "-".to_owned()
            } else {
                r.failed.join(", ")
            }
        ));
    }
    if rollouts.iter().any(|r| r.dry_run) {
        out.push_str("* dry run (scan only)\n");
    }
    out
}

/// `rollout start`, human.
pub(crate) fn started(policy_file: &str, started: &Started) -> String {
    match started {
        Started::Started {
            id,
            started_by,
            input,
            ..
        } => format!(
            "started rollout {id} as {started_by}{}{}\nfollow it: patchform rollout status {policy_file} {id} --watch\n",
            if input["dry_run"] == true {
                " (dry run, scan only)"
            } else {
                ""
            },
            input
                .get("scope")
                .map(|s| format!("\nscope: {s}"))
                .unwrap_or_default(),
        ),
        Started::Rejected { id, cause } => {
            format!("rollout {id} refused its input; nothing was started:\n  {cause}\n")
        }
    }
}

/// `rollout approve|reject`, human.
pub(crate) fn answered(answer: &Answered) -> String {
    format!(
        "{} wave {} of rollout {} as {}\n",
        answer.decision, answer.wave, answer.id, answer.by
    )
}

/// `rollout stop`, human.
pub(crate) fn stopped(policy_file: &str, outcome: &StopOutcome) -> String {
    format!(
        "stop of rollout {} requested by {}: {}\nfollow it: patchform rollout status {policy_file} {} --watch\n",
        outcome.id, outcome.by, outcome.effect, outcome.id
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_read_naturally() {
        assert_eq!(span(40), "40s");
        assert_eq!(span(12 * 60 + 5), "12m");
        assert_eq!(span(2 * 3600 + 5 * 60), "2h 05m");
        assert_eq!(span(3 * 86_400 + 7200), "3d 2h");
        assert_eq!(span(-5), "0s");
    }
}
