// The instants an `install.schedule` cron starts a rollout, in the policy's timezone, DST-aware.

use crate::rules::cron::{CalendarDay, Cron, MAX_YEAR};
use chrono::{DateTime, Datelike, LocalResult, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

/// The first `count` rollout starts at or after `from`, in order. Local dates are walked in the
/// zone: a local time that the change to daylight saving time skips does not run (EventBridge
/// Scheduler skips it); one that the change back repeats runs once, at its first occurrence —
/// the same reading as `policy::schedule::scan-during-rollout`. Fewer than `count` when the
/// schedule's years run out (or at the last year cron accepts).
pub(super) fn starts(
    cron: &Cron,
    zone: Tz,
    from: DateTime<Utc>,
    count: usize,
) -> Vec<DateTime<Tz>> {
    let mut found = Vec::with_capacity(count);
    if count == 0 {
        return found;
    }
    let minutes = cron.minutes_of_day();
    if minutes.is_empty() {
        return found;
    }
    let mut date = from.with_timezone(&zone).date_naive();
    while found.len() < count {
        let Ok(year) = u32::try_from(date.year()) else {
            break;
        };
        if year > MAX_YEAR {
            break;
        }
        if !cron.fires_in_year(year) {
            // Jump to the next year the expression names.
            match NaiveDate::from_ymd_opt(date.year() + 1, 1, 1) {
                Some(next) => {
                    date = next;
                    continue;
                }
                None => break,
            }
        }
        if cron.fires_on(&calendar_day(date)) {
            for &minute in &minutes {
                let Some(local) = date.and_hms_opt(minute / 60, minute % 60, 0) else {
                    continue;
                };
                let start = match zone.from_local_datetime(&local) {
                    LocalResult::Single(start) => start,
                    LocalResult::Ambiguous(first, _) => first,
                    LocalResult::None => continue,
                };
                if start.with_timezone(&Utc) >= from {
                    found.push(start);
                    if found.len() == count {
                        break;
                    }
                }
            }
        }
        match date.succ_opt() {
            Some(next) => date = next,
            None => break,
        }
    }
    found
}

/// A date as the cron fields see it.
fn calendar_day(date: NaiveDate) -> CalendarDay {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::cron::parse_cron;
    use std::str::FromStr;

    /// Starts as UTC times, `2028-03-11 01:00:00`.
    fn list(expression: &str, zone: &str, from: (i32, u32, u32, u32), count: usize) -> Vec<String> {
        let cron = parse_cron(expression).unwrap();
        let zone = Tz::from_str(zone).unwrap();
        let from = Utc
            .with_ymd_and_hms(from.0, from.1, from.2, from.3, 0, 0)
            .unwrap();
        starts(&cron, zone, from, count)
            .iter()
            .map(|s| s.naive_utc().to_string())
            .collect()
    }

    #[test]
    fn second_saturdays_in_berlin_follow_the_offset() {
        assert_eq!(
            list(
                "cron(0 2 ? * SAT#2 *)",
                "Europe/Berlin",
                (2028, 2, 20, 0),
                3
            ),
            [
                "2028-03-11 01:00:00",
                "2028-04-08 00:00:00",
                "2028-05-13 00:00:00"
            ]
        );
    }

    #[test]
    fn a_skipped_time_does_not_run_and_a_repeated_one_runs_once() {
        // Berlin: 02:30 on 26 March 2028 and 25 March 2029 does not exist; on 29 October 2028
        // and 28 October 2029 it happens twice, and runs at the first (summer time, UTC+2).
        assert_eq!(
            list(
                "cron(30 2 ? MAR,OCT 1L *)",
                "Europe/Berlin",
                (2028, 3, 1, 0),
                2
            ),
            ["2028-10-29 00:30:00", "2029-10-28 00:30:00"]
        );
    }

    #[test]
    fn starts_before_from_are_left_out_and_years_run_out() {
        assert_eq!(
            list("cron(0 2 * * ? 2030)", "UTC", (2030, 12, 30, 2), 5),
            ["2030-12-30 02:00:00", "2030-12-31 02:00:00"]
        );
        assert_eq!(
            list("cron(0 2 * * ? 2030)", "UTC", (2030, 12, 30, 3), 5),
            ["2030-12-31 02:00:00"]
        );
        assert!(list("cron(0 2 * * ? 2020)", "UTC", (2028, 1, 1, 0), 5).is_empty());
    }
}
