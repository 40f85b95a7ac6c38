// Rules for schedules: scan and install expressions, the install timezone, durations.

use super::Context;
use super::cron::{check_cron, check_rate};
use crate::code::Code;
use crate::policy::Duration;
use std::str::FromStr;

/// The shortest and longest `waves[].timeout`, in seconds.
pub(super) const WAVE_TIMEOUT_SECONDS: (u64, u64) = (600, 30 * 86_400);
/// The shortest and longest `waves[].approval.timeout`, in seconds.
pub(super) const APPROVAL_TIMEOUT_SECONDS: (u64, u64) = (60, 365 * 86_400);

/// `10m and 30d`: a range of seconds in the units a policy writes.
fn between((min, max): (u64, u64)) -> String {
    format!(
        "{} and {}",
        Duration::from_seconds(min),
        Duration::from_seconds(max)
    )
}

pub(super) fn check(cx: &mut Context<'_>) {
    let policy = cx.policy;
    let scan = policy.scan.schedule.trim();
    let scan_result = if scan.starts_with("rate(") {
        check_rate(scan)
    } else {
        check_cron(scan)
    };
    if let Err(reason) = scan_result {
        let d = cx
            .value(Code::ScheduleCron, "/scan/schedule", format!("`{scan}` is not a valid scan schedule: {reason}"))
            .label("invalid schedule")
            .help("write an AWS cron or rate expression, for example cron(0 1 * * ? *) or rate(1 day)");
        cx.report(d);
    }
    if let Some(schedule) = &policy.install.schedule
        && let Err(reason) = check_cron(schedule.trim())
    {
        {
            let d = cx
                .value(
                    Code::ScheduleCron,
                    "/install/schedule",
                    format!("`{schedule}` is not a valid install schedule: {reason}"),
                )
                .label("invalid schedule")
                .help("write an AWS 6-field cron expression, for example cron(0 2 ? * SAT#2 *) (the second Saturday at 02:00)");
            cx.report(d);
        }
    }
    if let Some(timezone) = &policy.install.timezone
        && chrono_tz::Tz::from_str(timezone).is_err()
    {
        {
            let near = crate::suggestion::closest(
                timezone,
                chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name()),
            );
            let d = cx
                .value(
                    Code::TimezoneUnknown,
                    "/install/timezone",
                    format!("`{timezone}` is not an IANA timezone"),
                )
                .label("unknown timezone")
                .help(match near {
                    Some(n) => format!("did you mean `{n}`?"),
                    None => {
                        "use an IANA name such as Europe/Berlin, America/New_York or UTC".to_owned()
                    }
                });
            cx.report(d);
        }
    }
    for (w, wave) in policy.waves.iter().enumerate() {
        duration(cx, &format!("/waves/{w}/bake_time"), &wave.bake_time, None);
        duration(
            cx,
            &format!("/waves/{w}/timeout"),
            &wave.timeout,
            Some((
                WAVE_TIMEOUT_SECONDS.0,
                WAVE_TIMEOUT_SECONDS.1,
                Code::WaveTimeout,
                &format!(
                    "a wave's timeout must be between {}",
                    between(WAVE_TIMEOUT_SECONDS)
                ),
            )),
        );
        if let Some(approval) = &wave.approval {
            duration(
                cx,
                &format!("/waves/{w}/approval/timeout"),
                &approval.timeout,
                Some((
                    APPROVAL_TIMEOUT_SECONDS.0,
                    APPROVAL_TIMEOUT_SECONDS.1,
                    Code::ApprovalTimeout,
                    &format!(
                        "an approval timeout must be between {}",
                        between(APPROVAL_TIMEOUT_SECONDS)
                    ),
                )),
            );
        }
    }
    if let Some(remediation) = &policy.compliance.remediation {
        duration(
            cx,
            "/compliance/remediation/retry_after",
            &remediation.retry_after,
            Some((
                1,
                2_678_000,
                Code::DurationInvalid,
                "retry_after must be between 1s and 31d (RetryAttemptSeconds)",
            )),
        );
    }
}

fn duration(
    cx: &mut Context<'_>,
    pointer: &str,
    value: &Duration,
    bounds: Option<(u64, u64, Code, &str)>,
) {
    match value.seconds() {
        Err(_) => {
            let d = cx
                .value(
                    Code::DurationInvalid,
                    pointer,
                    format!("`{value}` is not a duration"),
                )
                .label("not a duration")
                .help("write a whole number and a unit: 30s, 10m, 2h or 1d");
            cx.report(d);
        }
        Ok(seconds) => {
            if let Some((min, max, code, help)) = bounds
                && (seconds < min || seconds > max)
            {
                {
                    let d = cx
                        .value(code, pointer, format!("`{value}` is out of range"))
                        .label("out of range")
                        .help(help);
                    cx.report(d);
                }
            }
        }
    }
}
