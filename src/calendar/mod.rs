// `patchform calendar`'s engine: a policy's next scheduled rollouts, each wave's earliest and latest start, the worst-case end, Patch Tuesday and the warnings.
//
// All arithmetic is in UTC (seconds since the epoch); times are shown in `install.timezone`,
// so a rollout that crosses a change of daylight saving time shows the new offset.

mod render;
mod starts;

pub(crate) use render::{human, json};

use crate::policy::{Baseline, OperatingSystem, PatchSet, Policy};
use crate::rules::cron::parse_cron;
use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use std::collections::BTreeMap;
use std::str::FromStr;

/// The version of the JSON document (`schema_version`); bumped on incompatible changes.
pub(crate) const SCHEMA_VERSION: u32 = 1;

/// How many rollouts are listed when `--count` is not given.
pub(crate) const DEFAULT_COUNT: u16 = 6;

/// The name a delay group uses for every operating system the policy writes no baseline for:
/// the rollout pins their AWS default baselines, which approve patches 7 days after release.
pub(crate) const DEFAULT_BASELINES: &str = "default";

/// A policy's calendar: what the next rollouts look like.
#[derive(Debug, Clone)]
pub(crate) struct Calendar {
    /// The policy name.
    pub policy: String,
    /// `install.schedule`; `None`: rollouts start by hand and none is listed.
    pub schedule: Option<String>,
    /// `install.timezone` (UTC when not written).
    pub zone: Tz,
    /// The first instant listed.
    pub from: DateTime<Tz>,
    /// Whether `from` was given (`--from`) or is the current time.
    pub from_given: bool,
    /// How many rollouts were asked for.
    pub count: usize,
    /// `install.patch_set`.
    pub patch_set: PatchSet,
    /// The rollouts, in order; fewer than `count` when the schedule's years run out.
    pub rollouts: Vec<Rollout>,
}

/// One scheduled rollout.
#[derive(Debug, Clone)]
pub(crate) struct Rollout {
    /// When it starts.
    pub start: DateTime<Tz>,
    /// The second Tuesday of the month the rollout starts in (local date).
    pub patch_tuesday: NaiveDate,
    /// Local days from Patch Tuesday to the start (negative: before it).
    pub days_from_patch_tuesday: i64,
    /// Each wave, in rollout order.
    pub waves: Vec<WaveTimes>,
    /// Every approval, wave and bake time at its longest.
    pub worst_case_end: DateTime<Tz>,
    /// The pinned patch set, one entry per approval delay; empty with `patch_set: latest`.
    pub pins: Vec<Pin>,
    /// The following rollout's start, when the schedule has one.
    pub next_start: Option<DateTime<Tz>>,
    /// Waves that may still run (worst case) when the next rollout starts.
    pub still_running: Vec<String>,
}

impl Rollout {
    /// The pins that leave out this month's Patch Tuesday releases.
    pub(crate) fn missed_patch_tuesday(&self) -> Vec<&Pin> {
        self.pins.iter().filter(|p| !p.has_patch_tuesday).collect()
    }
}

/// When one wave of a rollout can start and end.
#[derive(Debug, Clone)]
pub(crate) struct WaveTimes {
    /// The wave name.
    pub name: String,
    /// Its approval's timeout in seconds, when it has an approval.
    pub approval_timeout: Option<u64>,
    /// Its `timeout` in seconds.
    pub timeout: u64,
    /// Its `bake_time` in seconds.
    pub bake_time: u64,
    /// Every earlier wave done at once and every approval answered at once; bake times waited.
    pub earliest_start: DateTime<Tz>,
    /// Every earlier approval and wave at its timeout, bake times waited, and this wave's own
    /// approval at its timeout.
    pub latest_start: DateTime<Tz>,
    /// `latest_start` plus the wave's timeout.
    pub latest_end: DateTime<Tz>,
}

/// The patch set a rollout pins for the baselines that share one approval delay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pin {
    /// `approve_after_days`.
    pub approve_after_days: u32,
    /// The baselines (policy OS keys; [`DEFAULT_BASELINES`] for the OSes without one).
    pub baselines: Vec<String>,
    /// The newest release date in the set: the UTC date of the start minus the delay, as the
    /// rollout writes it into each rule's `ApproveUntilDate`.
    pub approve_until: NaiveDate,
    /// Whether the set holds that month's Patch Tuesday releases (`approve_until` is on or
    /// after Patch Tuesday).
    pub has_patch_tuesday: bool,
}

/// Why a calendar cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The schedule or timezone does not parse (validation reports it first).
    #[error("{0}")]
    Policy(String),
    /// A date or time outside what can be computed.
    #[error("{0}")]
    OutOfRange(String),
}

/// The calendar of `policy`: `count` rollouts from `from` (00:00 of that local date), or from
/// `now` when no date is given.
pub(crate) fn calendar(
    policy: &Policy,
    from: Option<NaiveDate>,
    now: DateTime<Utc>,
    count: usize,
) -> Result<Calendar, CalendarError> {
    let zone_name = policy.install.timezone_or_default();
    let zone = Tz::from_str(zone_name).map_err(|_| {
        CalendarError::Policy(format!(
            "`install.timezone` `{zone_name}` is not an IANA timezone: run `patchform validate`"
        ))
    })?;
    let start_of = |date: NaiveDate| {
        date.and_hms_opt(0, 0, 0)
            .and_then(|midnight| zone.from_local_datetime(&midnight).earliest())
            // Midnight skipped by a DST change (some zones change at 00:00): the first instant
            // of the date.
            .or_else(|| {
                date.and_hms_opt(1, 0, 0)
                    .and_then(|one| zone.from_local_datetime(&one).earliest())
            })
    };
    let first = match from {
        Some(date) => start_of(date).ok_or_else(|| {
            CalendarError::OutOfRange(format!("`{date}` has no start in {zone_name}"))
        })?,
        None => now.with_timezone(&zone),
    };
    let mut calendar = Calendar {
        policy: policy.name.clone(),
        schedule: policy.install.schedule.clone(),
        zone,
        from: first,
        from_given: from.is_some(),
        count,
        patch_set: policy.install.patch_set,
        rollouts: Vec::new(),
    };
    let Some(schedule) = &policy.install.schedule else {
        return Ok(calendar);
    };
    let cron = parse_cron(schedule.trim()).map_err(|e| {
        CalendarError::Policy(format!(
            "`install.schedule` is not a valid AWS cron ({e}): run `patchform validate`"
        ))
    })?;
    // One more than asked: the last rollout's next start decides whether it overlaps.
    let found = starts::starts(&cron, zone, first.with_timezone(&Utc), count + 1);
    let delays = delays(policy);
    for (i, start) in found.iter().take(count).enumerate() {
        calendar
            .rollouts
            .push(rollout(policy, &delays, *start, found.get(i + 1).copied())?);
    }
    Ok(calendar)
}

/// One rollout's timeline, pins and overlap.
fn rollout(
    policy: &Policy,
    delays: &[(u32, Vec<String>)],
    start: DateTime<Tz>,
    next_start: Option<DateTime<Tz>>,
) -> Result<Rollout, CalendarError> {
    let zone = start.timezone();
    let at = |offset: u64| -> Result<DateTime<Tz>, CalendarError> {
        i64::try_from(offset)
            .ok()
            .and_then(|o| start.timestamp().checked_add(o))
            .and_then(|s| DateTime::from_timestamp(s, 0))
            .map(|t| t.with_timezone(&zone))
            .ok_or_else(|| {
                CalendarError::OutOfRange(format!(
                    "the rollout of {} ends after the last date patchform can show",
                    start.date_naive()
                ))
            })
    };
    let mut earliest = 0u64;
    let mut latest = 0u64;
    let mut waves = Vec::with_capacity(policy.waves.len());
    for wave in &policy.waves {
        // Validated durations parse; one that does not counts as zero (its rule reports it).
        let approval_timeout = wave
            .approval
            .as_ref()
            .map(|a| a.timeout.seconds().unwrap_or(0));
        let timeout = wave.timeout.seconds().unwrap_or(0);
        let bake_time = wave.bake_time.seconds().unwrap_or(0);
        let latest_start = latest.saturating_add(approval_timeout.unwrap_or(0));
        let latest_end = latest_start.saturating_add(timeout);
        waves.push(WaveTimes {
            name: wave.name.clone(),
            approval_timeout,
            timeout,
            bake_time,
            earliest_start: at(earliest)?,
            latest_start: at(latest_start)?,
            latest_end: at(latest_end)?,
        });
        earliest = earliest.saturating_add(bake_time);
        latest = latest_end.saturating_add(bake_time);
    }
    let worst_case_end = at(latest)?;
    let patch_tuesday = patch_tuesday(start.year(), start.month()).ok_or_else(|| {
        CalendarError::OutOfRange(format!("no Patch Tuesday in {}", start.date_naive()))
    })?;
    let days_from_patch_tuesday = (start.date_naive() - patch_tuesday).num_days();
    let pins = match policy.install.patch_set {
        PatchSet::Latest => Vec::new(),
        PatchSet::Pinned => delays
            .iter()
            .map(|(days, baselines)| {
                let approve_until = start
                    .with_timezone(&Utc)
                    .date_naive()
                    .checked_sub_days(chrono::Days::new(u64::from(*days)))
                    .unwrap_or(NaiveDate::MIN);
                Pin {
                    approve_after_days: *days,
                    baselines: baselines.clone(),
                    approve_until,
                    has_patch_tuesday: approve_until >= patch_tuesday,
                }
            })
            .collect(),
    };
    let still_running = match next_start {
        Some(next) => waves
            .iter()
            .filter(|w| w.latest_end > next)
            .map(|w| w.name.clone())
            .collect(),
        None => Vec::new(),
    };
    Ok(Rollout {
        start,
        patch_tuesday,
        days_from_patch_tuesday,
        waves,
        worst_case_end,
        pins,
        next_start,
        still_running,
    })
}

/// The approval delays a pinned patch set uses, shortest first, each with its baselines: every
/// baseline the policy writes (`approve_after_days`, default 7), and [`DEFAULT_BASELINES`] (7
/// days) when some operating system has none in the policy. Ubuntu and Debian have no delay:
/// their repositories carry no release dates, so their set is not pinned to a date.
fn delays(policy: &Policy) -> Vec<(u32, Vec<String>)> {
    let mut groups: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    for (os, baseline) in &policy.baselines {
        if os.supports_approve_after_days() {
            groups
                .entry(
                    baseline
                        .approve_after_days
                        .unwrap_or(Baseline::DEFAULT_APPROVE_AFTER_DAYS),
                )
                .or_default()
                .push(os.key().to_owned());
        }
    }
    let uncovered = OperatingSystem::ALL
        .iter()
        .any(|os| os.supports_approve_after_days() && !policy.baselines.contains_key(os));
    if uncovered {
        groups
            .entry(Baseline::DEFAULT_APPROVE_AFTER_DAYS)
            .or_default()
            .push(DEFAULT_BASELINES.to_owned());
    }
    groups.into_iter().collect()
}

/// The second Tuesday of a month: Microsoft's monthly security release (Patch Tuesday).
pub(crate) fn patch_tuesday(year: i32, month: u32) -> Option<NaiveDate> {
    NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Tue, 2)
}

/// `--from`'s value: a date written YYYY-MM-DD.
pub(crate) fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let fix = "write it as YYYY-MM-DD, e.g. --from 2028-03-01";
    let mut parts = text.split('-');
    let (Some(y), Some(m), Some(d), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(format!("not a date: {fix}"));
    };
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(y, 4) || !digits(m, 2) || !digits(d, 2) {
        return Err(format!("not a date: {fix}"));
    }
    let (Ok(year), Ok(month), Ok(day)) = (y.parse::<i32>(), m.parse::<u32>(), d.parse::<u32>())
    else {
        return Err(format!("not a date: {fix}"));
    };
    NaiveDate::from_ymd_opt(year, month, day)
        .ok_or_else(|| format!("there is no such day in the calendar: {fix}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(yaml: &str) -> Policy {
        let validated = crate::validator::validate_text("test.yaml", yaml);
        assert!(!validated.has_errors(), "{:?}", validated.report);
        validated.policy.unwrap()
    }

    const BASE: &str = r#"
version: 1
name: calendar-test
hub: { account: "111111111111", region: eu-west-1 }
organization:
  targets: { organizational_units: [ou-ab12-11111111] }
  regions: [eu-west-1]
"#;

    fn with(rest: &str) -> Policy {
        policy(&format!("{BASE}{rest}"))
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn never() -> DateTime<Utc> {
        DateTime::from_timestamp(0, 0).unwrap()
    }

    #[test]
    fn patch_tuesday_is_the_second_tuesday() {
        assert_eq!(patch_tuesday(2028, 3), Some(date(2028, 3, 14)));
        // April 2028 starts on a Saturday: the second Saturday (8th) is before it (11th).
        assert_eq!(patch_tuesday(2028, 4), Some(date(2028, 4, 11)));
        assert_eq!(patch_tuesday(2028, 8), Some(date(2028, 8, 8)));
    }

    #[test]
    fn dates_parse_strictly() {
        assert_eq!(parse_date("2028-03-01"), Ok(date(2028, 3, 1)));
        for bad in [
            "2028-3-1",
            "2028-02-30",
            "28-03-01",
            "tomorrow",
            "2028-03-01-01",
            "",
        ] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn delays_group_baselines_and_the_defaults() {
        let p = with(
            r#"
baselines:
  windows: { approve_after_days: 3 }
  redhat_enterprise_linux: { approve_after_days: 3 }
  amazon_linux_2023: {}
  ubuntu: {}
waves:
  - name: all
    targets: { organizational_units: [ou-ab12-11111111] }
"#,
        );
        assert_eq!(
            delays(&p),
            [
                (
                    3,
                    vec!["windows".to_owned(), "redhat_enterprise_linux".to_owned()]
                ),
                (
                    7,
                    vec!["amazon_linux_2023".to_owned(), "default".to_owned()]
                ),
            ]
        );
    }

    #[test]
    fn earliest_and_latest_starts_add_up_bakes_approvals_and_timeouts() {
        let p = with(
            r#"
install: { schedule: "cron(0 2 ? * SAT#2 *)" }
waves:
  - name: canary
    targets: { organizational_units: [ou-ab12-11111111] }
    bake_time: 2h
    timeout: 1h
  - name: prod
    targets: { accounts: ["222222222222"] }
    approval: { approvers: [cab@example.com], timeout: 24h }
    timeout: 6h
    bake_time: 30m
"#,
        );
        let c = calendar(&p, Some(date(2028, 3, 1)), never(), 1).unwrap();
        let r = &c.rollouts[0];
        let utc = |t: &DateTime<Tz>| t.naive_utc().to_string();
        assert_eq!(utc(&r.start), "2028-03-11 02:00:00");
        assert_eq!(utc(&r.waves[1].earliest_start), "2028-03-11 04:00:00");
        // 1h canary + 2h bake + 24h approval.
        assert_eq!(utc(&r.waves[1].latest_start), "2028-03-12 05:00:00");
        // + 6h timeout + 30m bake.
        assert_eq!(utc(&r.worst_case_end), "2028-03-12 11:30:00");
        assert_eq!(r.days_from_patch_tuesday, -3);
        assert!(r.still_running.is_empty());
    }

    #[test]
    fn a_rollout_longer_than_the_schedule_overlaps_the_next() {
        let p = with(
            r#"
install: { schedule: "cron(0 2 * * ? *)" }
waves:
  - name: slow
    targets: { organizational_units: [ou-ab12-11111111] }
    timeout: 2d
"#,
        );
        let c = calendar(&p, Some(date(2028, 3, 1)), never(), 2).unwrap();
        assert_eq!(c.rollouts[0].still_running, ["slow"]);
        assert!(c.rollouts[1].next_start.is_some());
    }

    #[test]
    fn a_pin_holds_patch_tuesday_only_after_the_delay() {
        // 2028-03-14 is Patch Tuesday; a start at 02:00 UTC on the 17th with 3 days pins up to
        // the 14th (included), with 4 days up to the 13th (left out).
        let p = |days: u32| {
            with(&format!(
                r#"
install: {{ schedule: "cron(0 2 17 MAR ? 2028)" }}
baselines:
  windows: {{ approve_after_days: {days} }}
  amazon_linux_2: {{}}
  amazon_linux_2023: {{}}
  redhat_enterprise_linux: {{}}
  suse: {{}}
  oracle_linux: {{}}
  rocky_linux: {{}}
  alma_linux: {{}}
  centos: {{}}
  macos: {{ approve_after_days: 0 }}
waves:
  - name: all
    targets: {{ organizational_units: [ou-ab12-11111111] }}
"#
            ))
        };
        let pin = |days: u32| {
            let c = calendar(&p(days), Some(date(2028, 3, 1)), never(), 1).unwrap();
            c.rollouts[0]
                .pins
                .iter()
                .find(|pin| pin.baselines == ["windows"])
                .cloned()
                .unwrap()
        };
        assert_eq!(pin(3).approve_until, date(2028, 3, 14));
        assert!(pin(3).has_patch_tuesday);
        assert!(!pin(4).has_patch_tuesday);
    }

    #[test]
    fn no_schedule_lists_nothing() {
        let p = with(
            r#"
waves:
  - name: all
    targets: { organizational_units: [ou-ab12-11111111] }
"#,
        );
        let c = calendar(&p, None, never(), 6).unwrap();
        assert!(c.schedule.is_none() && c.rollouts.is_empty());
    }
}
