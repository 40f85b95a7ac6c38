// Rule: the daily compliance scan must not start on nodes during the first hours of a rollout.
//
// The scan (a State Manager association, cron or rate in UTC) and the rollout (an EventBridge
// Scheduler cron in `install.timezone`) both run AWS-RunPatchBaseline on the same nodes; when
// they overlap, the second run fails on the package manager lock.

use super::Context;
use super::cron::{CalendarDay, Cron, MAX_YEAR, MIN_YEAR, parse_cron, parse_rate};
use crate::code::Code;
use chrono::{Datelike, NaiveDate, NaiveDateTime, Offset, TimeZone, Timelike};
use chrono_tz::{OffsetComponents, Tz};
use std::str::FromStr;

/// A scan that starts from the rollout start until 4 hours after it collides: the first wave
/// starts with the rollout and installs (and reboots) its nodes during these hours. Later
/// waves wait for bake times and approvals, so when they run cannot be told from the policy.
pub(super) const ROLLOUT_WINDOW_MINUTES: i64 = 4 * 60;

/// When neither schedule restricts the year, the years 2028–2055 are evaluated. Between 1901
/// and 2099 the Gregorian calendar repeats every 28 years, so these 28 years hold every
/// combination of date, weekday and leap year there is; the rules that start and end daylight
/// saving time depend only on those, so every pairing of a rollout date with the zone's offset
/// on that date (the second Saturday of March before and after a DST change, say) is met. One
/// year would miss some of them, and the current year would make the result depend on the day
/// `validate` runs.
const CYCLE_FIRST_YEAR: u32 = 2028;
/// See [`CYCLE_FIRST_YEAR`].
const CYCLE_YEARS: u32 = 28;

const MINUTES_PER_DAY: i64 = 24 * 60;

/// The scan schedule, as far as it can be placed in time.
enum Scan {
    /// A cron expression, evaluated in UTC.
    Cron(Cron),
    /// `rate(N)` no longer than the window: whatever its phase, a scan falls in every window.
    Always(u64),
}

/// A rollout start that a scan falls into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Collision {
    /// The rollout start, minute of the local day.
    local_start: u32,
    /// UTC offset of `install.timezone` at that start, in minutes.
    offset: i32,
    /// Whether daylight saving time is in effect then.
    daylight: bool,
    /// The rollout start, in UTC minutes on chrono's count of days from the common era.
    start: i64,
    /// The scan start, likewise; none for a rate.
    scan: Option<i64>,
}

pub(super) fn check(cx: &mut Context<'_>) {
    let policy = cx.policy;
    let Some(install_text) = &policy.install.schedule else {
        return;
    };
    // Invalid expressions and timezones are reported by the schedule rules.
    let Ok(install) = parse_cron(install_text.trim()) else {
        return;
    };
    let zone_name = policy.install.timezone_or_default();
    let Ok(zone) = Tz::from_str(zone_name) else {
        return;
    };
    let scan_text = policy.scan.schedule.trim();
    let Some(scan) = scan_schedule(scan_text) else {
        return;
    };
    let found = collisions(&install, zone, &scan, false);
    if found.is_empty() {
        return;
    }
    // `span` falls back to the nearest written ancestor: ask the data whether the key is there.
    let scan_written = cx.document.value.pointer("/scan/schedule").is_some();
    let scan_span = if scan_written {
        cx.span("/scan/schedule")
    } else {
        None
    };
    let subject = if scan_written {
        "the compliance scan".to_owned()
    } else {
        format!("the compliance scan (default `{scan_text}`)")
    };
    let message = format!(
        "{subject} can start during the first {} hours of a rollout, on the nodes it patches",
        ROLLOUT_WINDOW_MINUTES / 60
    );
    let d = cx
        .value(Code::ScanDuringRollout, "/install/schedule", message)
        .label(if scan_written {
            start_label(&found, zone_name)
        } else {
            format!(
                "{}; {}",
                start_label(&found, zone_name),
                scan_label(&found, &scan)
            )
        })
        .related(scan_span, scan_label(&found, &scan))
        .help(help(&install, zone, &found));
    cx.report(d);
}

/// The scan schedule as far as it can be placed in time; none when it is invalid (reported by
/// the schedule rules) or a rate longer than the window.
fn scan_schedule(text: &str) -> Option<Scan> {
    if text.starts_with("rate(") {
        let minutes = parse_rate(text).ok()?;
        // A longer rate starts from when the association was created, which the policy does
        // not fix: whether it meets a rollout cannot be told.
        i64::try_from(minutes)
            .is_ok_and(|m| m <= ROLLOUT_WINDOW_MINUTES)
            .then_some(Scan::Always(minutes))
    } else {
        parse_cron(text).ok().map(Scan::Cron)
    }
}

/// Every rollout start a scan falls into, the first for each UTC offset the zone is in then;
/// with `first_only`, stop at the first one.
fn collisions(install: &Cron, zone: Tz, scan: &Scan, first_only: bool) -> Vec<Collision> {
    let scan_cron = match scan {
        Scan::Cron(cron) => Some(cron),
        Scan::Always(_) => None,
    };
    let years = years(install, scan_cron);
    if let Some(cron) = scan_cron
        && !years
            .iter()
            .any(|y| days_of(*y).any(|d| cron.fires_on(&calendar(d))))
    {
        return Vec::new();
    }
    let scan_minutes = scan_cron.map(Cron::minutes_of_day).unwrap_or_default();
    let install_minutes = install.minutes_of_day();
    let mut found: Vec<Collision> = Vec::new();
    let mut starts: Vec<Start> = Vec::with_capacity(install_minutes.len());
    for date in years.iter().flat_map(|y| days_of(*y)) {
        if !install.fires_on(&calendar(date)) {
            continue;
        }
        starts.clear();
        rollout_starts(zone, date, &install_minutes, &mut starts);
        // A day whose offset already collided adds nothing new to say.
        if starts
            .iter()
            .all(|s| found.iter().any(|f| f.offset == s.offset))
        {
            continue;
        }
        for collision in day_collisions(&starts, scan_cron, &scan_minutes) {
            if !found.iter().any(|f| f.offset == collision.offset) {
                found.push(collision);
                if first_only {
                    return found;
                }
            }
        }
    }
    found
}

/// The years to evaluate: the 28-year cycle when no schedule names a year, else the years
/// the schedules name (with the year before each scan year, for a rollout on New Year's Eve).
fn years(install: &Cron, scan: Option<&Cron>) -> Vec<u32> {
    let scan_every_year = scan.is_none_or(Cron::every_year);
    if install.every_year() && scan_every_year {
        return (CYCLE_FIRST_YEAR..CYCLE_FIRST_YEAR + CYCLE_YEARS).collect();
    }
    (MIN_YEAR..=MAX_YEAR)
        .filter(|y| install.fires_in_year(*y))
        .filter(|y| scan.is_none_or(|s| s.fires_in_year(*y) || s.fires_in_year(y + 1)))
        .collect()
}

fn days_of(year: u32) -> impl Iterator<Item = NaiveDate> {
    let first = i32::try_from(year)
        .ok()
        .and_then(|y| NaiveDate::from_ymd_opt(y, 1, 1));
    first
        .into_iter()
        .flat_map(|d| d.iter_days())
        .take_while(move |d| u32::try_from(d.year()).is_ok_and(|y| y == year))
}

fn calendar(date: NaiveDate) -> CalendarDay {
    let next_month = if date.month() == 12 {
        NaiveDate::from_ymd_opt(date.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(date.year(), date.month() + 1, 1)
    };
    let days_in_month = next_month
        .and_then(|n| n.pred_opt())
        .map_or(31, |last| last.day());
    CalendarDay {
        year: u32::try_from(date.year()).unwrap_or(0),
        month: date.month(),
        day: date.day(),
        weekday: date.weekday().number_from_sunday(),
        days_in_month,
    }
}

/// One rollout start on a local date.
#[derive(Debug, Clone, Copy)]
struct Start {
    local: u32,
    utc: i64,
    offset: i32,
    daylight: bool,
}

/// The rollout starts of one local date, in UTC. A local time that the change to daylight
/// saving time skips does not run (EventBridge Scheduler skips it); one that the change back
/// repeats runs once, at its first occurrence.
fn rollout_starts(zone: Tz, date: NaiveDate, minutes: &[u32], out: &mut Vec<Start>) {
    let day = i64::from(date.num_days_from_ce()) * MINUTES_PER_DAY;
    // Offsets lie between UTC-12 and UTC+14: if the offset is the same at both ends of this
    // span, no change happens during the local day.
    let before = offset_at(zone, day - 14 * 60);
    let after = offset_at(zone, day + MINUTES_PER_DAY + 12 * 60);
    if let (Some(before), Some(after)) = (before, after)
        && before == after
    {
        let (offset, daylight) = before;
        out.extend(minutes.iter().map(|&local| Start {
            local,
            utc: day + i64::from(local) - i64::from(offset),
            offset,
            daylight,
        }));
        return;
    }
    for &local in minutes {
        let Some(naive) = naive(day + i64::from(local)) else {
            continue;
        };
        let Some(start) = zone.from_local_datetime(&naive).earliest() else {
            continue;
        };
        let utc = minute_index(&start.naive_utc());
        let Some((offset, daylight)) = offset_at(zone, utc) else {
            continue;
        };
        out.push(Start {
            local,
            utc,
            offset,
            daylight,
        });
    }
}

/// The zone's UTC offset (minutes) at a UTC minute, and whether it is daylight saving time.
fn offset_at(zone: Tz, utc: i64) -> Option<(i32, bool)> {
    let offset = zone.offset_from_utc_datetime(&naive(utc)?);
    Some((
        offset.fix().local_minus_utc() / 60,
        offset.dst_offset().num_seconds() != 0,
    ))
}

/// A minute on chrono's count of days from the common era (day 1 is 0001-01-01) as a date
/// and time; [`minute_index`] is the inverse.
fn naive(minute: i64) -> Option<NaiveDateTime> {
    let days = i32::try_from(minute.div_euclid(MINUTES_PER_DAY)).ok()?;
    let of_day = u32::try_from(minute.rem_euclid(MINUTES_PER_DAY)).ok()?;
    NaiveDate::from_num_days_from_ce_opt(days)?.and_hms_opt(of_day / 60, of_day % 60, 0)
}

fn minute_index(time: &NaiveDateTime) -> i64 {
    i64::from(time.date().num_days_from_ce()) * MINUTES_PER_DAY
        + i64::from(time.hour() * 60 + time.minute())
}

/// The rollout starts of one day that a scan falls into. Starts closer together than the
/// window are taken as one stretch [first start, last start + window), so a schedule that
/// fires every minute costs one look-up per stretch, not one per minute.
fn day_collisions(starts: &[Start], scan: Option<&Cron>, scan_minutes: &[u32]) -> Vec<Collision> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < starts.len() {
        let mut j = i;
        while j + 1 < starts.len() && starts[j + 1].utc - starts[j].utc < ROLLOUT_WINDOW_MINUTES {
            j += 1;
        }
        let stretch = &starts[i..=j];
        let end = starts[j].utc + ROLLOUT_WINDOW_MINUTES;
        match scan {
            None => {
                // A rate: every start is met; note each offset of the stretch.
                for s in stretch {
                    out.push(collision(s, None));
                }
            }
            Some(cron) => {
                if let Some(at) = first_scan(cron, scan_minutes, stretch[0].utc, end) {
                    // The latest start at or before the scan is the one it falls into.
                    let k = stretch.partition_point(|s| s.utc <= at).saturating_sub(1);
                    out.push(collision(&stretch[k], Some(at)));
                }
            }
        }
        i = j + 1;
    }
    out
}

fn collision(start: &Start, scan: Option<i64>) -> Collision {
    Collision {
        local_start: start.local,
        offset: start.offset,
        daylight: start.daylight,
        start: start.utc,
        scan,
    }
}

/// The first minute in [from, to) at which a UTC cron fires.
fn first_scan(cron: &Cron, minutes: &[u32], from: i64, to: i64) -> Option<i64> {
    let mut day = from.div_euclid(MINUTES_PER_DAY);
    while day * MINUTES_PER_DAY < to {
        let base = day * MINUTES_PER_DAY;
        let date = i32::try_from(day)
            .ok()
            .and_then(NaiveDate::from_num_days_from_ce_opt);
        if let Some(date) = date
            && cron.fires_on(&calendar(date))
        {
            let first = minutes.partition_point(|&m| base + i64::from(m) < from);
            if let Some(&m) = minutes.get(first)
                && base + i64::from(m) < to
            {
                return Some(base + i64::from(m));
            }
        }
        day += 1;
    }
    None
}

fn clock(minute_of_day: i64) -> String {
    let m = minute_of_day.rem_euclid(MINUTES_PER_DAY);
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// " in daylight saving time" when the zone collides in more than one offset or in DST.
fn season(c: &Collision, several: bool) -> &'static str {
    match (c.daylight, several) {
        (true, _) => " in daylight saving time",
        (false, true) => " in standard time",
        (false, false) => "",
    }
}

/// "02:00 Europe/Berlin: 01:00 UTC in standard time, 00:00 UTC in daylight saving time"
fn start_label(found: &[Collision], zone: &str) -> String {
    let several = found.len() > 1;
    if zone == "UTC" || zone == "Etc/UTC" {
        let times: Vec<String> = found.iter().map(|c| clock(c.start)).collect();
        return format!("rollout starts at {} UTC", times.join(", "));
    }
    let mut groups: Vec<(u32, Vec<String>)> = Vec::new();
    for c in found {
        let utc = format!("{} UTC{}", clock(c.start), season(c, several));
        match groups.iter_mut().find(|(local, _)| *local == c.local_start) {
            Some((_, times)) => times.push(utc),
            None => groups.push((c.local_start, vec![utc])),
        }
    }
    let parts: Vec<String> = groups
        .iter()
        .map(|(local, times)| format!("{} {zone}: {}", clock(i64::from(*local)), times.join(", ")))
        .collect();
    format!("rollout starts at {}", parts.join("; "))
}

/// "scan at 01:00 UTC: as the rollout starts in standard time, 1h00 into it in daylight …"
fn scan_label(found: &[Collision], scan: &Scan) -> String {
    if let Scan::Always(minutes) = scan {
        return format!(
            "runs every {}, so always within {} hours of a rollout start",
            every(*minutes),
            ROLLOUT_WINDOW_MINUTES / 60
        );
    }
    let several = found.len() > 1;
    let mut groups: Vec<(i64, Vec<String>)> = Vec::new();
    for c in found {
        let Some(at) = c.scan else {
            continue;
        };
        let into = at - c.start;
        let when = if into == 0 {
            format!("as the rollout starts{}", season(c, several))
        } else {
            format!(
                "{}h{:02} into the rollout{}",
                into / 60,
                into % 60,
                season(c, several)
            )
        };
        let time = at.rem_euclid(MINUTES_PER_DAY);
        match groups.iter_mut().find(|(t, _)| *t == time) {
            Some((_, whens)) => whens.push(when),
            None => groups.push((time, vec![when])),
        }
    }
    let parts: Vec<String> = groups
        .iter()
        .map(|(time, whens)| format!("scan at {} UTC: {}", clock(*time), whens.join(", ")))
        .collect();
    parts.join("; ")
}

fn every(minutes: u64) -> String {
    match minutes {
        m if m % (24 * 60) == 0 => plural(m / (24 * 60), "day"),
        m if m % 60 == 0 => plural(m / 60, "hour"),
        m => plural(m, "minute"),
    }
}

/// "1 hour", "1h30".
fn length(minutes: i64) -> String {
    if minutes % 60 == 0 {
        plural(u64::try_from(minutes / 60).unwrap_or(0), "hour")
    } else {
        format!("{}h{:02}", minutes / 60, minutes % 60)
    }
}

fn plural(n: u64, unit: &str) -> String {
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

/// How to fix it, with a daily scan time that leaves every rollout alone when one exists: the
/// nearest whole hour before the earliest (UTC) rollout start.
fn help(install: &Cron, zone: Tz, found: &[Collision]) -> String {
    let why = "a scan and an install on the same node both run AWS-RunPatchBaseline and the second fails on the package manager lock";
    let hours = ROLLOUT_WINDOW_MINUTES / 60;
    let earliest = found
        .iter()
        .map(|c| c.start.rem_euclid(MINUTES_PER_DAY))
        .min()
        .unwrap_or(0);
    let suggestion = (1..24).find_map(|before| {
        let hour = (earliest / 60 - before).rem_euclid(24);
        let candidate = format!("cron(0 {hour} * * ? *)");
        let cron = parse_cron(&candidate).ok()?;
        collisions(install, zone, &Scan::Cron(cron), true)
            .is_empty()
            .then_some((candidate, hour * 60))
    });
    match suggestion {
        Some((candidate, at)) => format!(
            "{why}: move the scan out of the {hours} hours after each rollout start, e.g. `{candidate}` in `scan.schedule` ({} UTC, {} before the rollout starts at {} UTC), or start the rollout after the scan or at least {hours} hours before it",
            clock(at),
            length((earliest - at).rem_euclid(MINUTES_PER_DAY)),
            clock(earliest),
        ),
        None => format!(
            "{why}: move the scan out of the {hours} hours after each rollout start, or start the rollout after the scan or at least {hours} hours before it"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(install: &str, zone: &str, scan: &str) -> Vec<(String, String, Option<String>)> {
        let install = parse_cron(install).unwrap();
        let zone = Tz::from_str(zone).unwrap();
        let Some(scan) = scan_schedule(scan) else {
            return Vec::new();
        };
        collisions(&install, zone, &scan, false)
            .iter()
            .map(|c| (clock(c.start), offset_name(c.offset), c.scan.map(clock)))
            .collect()
    }

    fn offset_name(offset: i32) -> String {
        let sign = if offset < 0 { '-' } else { '+' };
        format!("UTC{sign}{:02}:{:02}", offset.abs() / 60, offset.abs() % 60)
    }

    fn s(text: &str) -> String {
        text.to_owned()
    }

    #[test]
    fn berlin_rollout_meets_the_utc_scan_in_winter_and_summer() {
        assert_eq!(
            found(
                "cron(0 2 ? * SAT#2 *)",
                "Europe/Berlin",
                "cron(0 1 * * ? *)"
            ),
            [
                (s("01:00"), s("UTC+01:00"), Some(s("01:00"))),
                (s("00:00"), s("UTC+02:00"), Some(s("01:00"))),
            ]
        );
    }

    #[test]
    fn a_scan_before_the_rollout_or_after_the_window_is_fine() {
        assert!(found("cron(0 3 ? * SUN#2 *)", "UTC", "cron(0 1 * * ? *)").is_empty());
        assert!(
            found(
                "cron(0 2 ? * SAT#2 *)",
                "Europe/Berlin",
                "cron(0 23 * * ? *)"
            )
            .is_empty()
        );
        // 4 hours after the start is outside the window.
        assert!(found("cron(0 1 * * ? *)", "UTC", "cron(0 5 * * ? *)").is_empty());
        assert_eq!(
            found("cron(0 1 * * ? *)", "UTC", "cron(59 4 * * ? *)"),
            [(s("01:00"), s("UTC+00:00"), Some(s("04:59")))]
        );
    }

    #[test]
    fn only_the_offset_that_collides_is_reported() {
        // 22:00 New York is 03:00 UTC in winter (scan 06:00 is 3h in) and 02:00 UTC in summer
        // (scan 06:00 is 4h in: outside).
        assert_eq!(
            found(
                "cron(0 22 ? * SAT *)",
                "America/New_York",
                "cron(0 6 * * ? *)"
            ),
            [(s("03:00"), s("UTC-05:00"), Some(s("06:00")))]
        );
    }

    #[test]
    fn the_28_year_cycle_finds_a_collision_one_year_would_miss() {
        // The second Saturday of March falls after the US change to daylight saving time
        // (the second Sunday) only in years whose March starts on a Sunday, such as 2037
        // and 2043: then 22:00 New York is 02:00 UTC and the 02:30 scan falls 30 minutes in.
        assert_eq!(
            found(
                "cron(0 22 ? MAR SAT#2 *)",
                "America/New_York",
                "cron(30 2 * * ? *)"
            ),
            [(s("02:00"), s("UTC-04:00"), Some(s("02:30")))]
        );
        assert!(
            found(
                "cron(0 22 ? MAR SAT#2 2028-2032)",
                "America/New_York",
                "cron(30 2 * * ? *)"
            )
            .is_empty()
        );
    }

    #[test]
    fn a_skipped_local_time_does_not_start_a_rollout() {
        // 02:30 on the last Sunday of March does not exist in Berlin.
        assert!(
            found(
                "cron(30 2 ? MAR 1L *)",
                "Europe/Berlin",
                "cron(0 1 * * ? *)"
            )
            .is_empty()
        );
    }

    #[test]
    fn short_rates_always_collide_and_long_ones_are_not_judged() {
        assert_eq!(
            found("cron(0 2 ? * SAT#2 *)", "UTC", "rate(4 hours)"),
            [(s("02:00"), s("UTC+00:00"), None)]
        );
        assert!(found("cron(0 2 ? * SAT#2 *)", "UTC", "rate(5 hours)").is_empty());
    }

    #[test]
    fn a_rollout_every_minute_is_cheap_to_check() {
        assert_eq!(
            found("cron(* * * * ? *)", "Europe/Berlin", "cron(0 1 * * ? *)").len(),
            2
        );
        assert!(found("cron(* 3-20 * * ? *)", "UTC", "cron(0 1 * * ? *)").is_empty());
    }

    #[test]
    fn the_window_is_documented_as_it_is() {
        let hours = format!("{} hours", ROLLOUT_WINDOW_MINUTES / 60);
        assert!(Code::ScanDuringRollout.explanation().contains(&hours));
        let reference = include_str!("../../docs/policy-reference.md");
        assert!(reference.contains(&format!("until **{hours}** after it")));
    }

    #[test]
    fn the_help_suggests_a_scan_time_that_collides_with_nothing() {
        let install = parse_cron("cron(0 2 ? * SAT#2 *)").unwrap();
        let zone = Tz::from_str("Europe/Berlin").unwrap();
        let scan = Scan::Cron(parse_cron("cron(0 1 * * ? *)").unwrap());
        let found = collisions(&install, zone, &scan, false);
        let help = help(&install, zone, &found);
        assert!(
            help.contains("`cron(0 23 * * ? *)` in `scan.schedule` (23:00 UTC, 1 hour before the rollout starts at 00:00 UTC)"),
            "{help}"
        );
    }
}
