// Print a Calendar: aligned text for people, or the JSON document described in docs/calendar.md.

use super::{Calendar, DEFAULT_BASELINES, Pin, Rollout, SCHEMA_VERSION};
use crate::policy::PatchSet;
use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Offset, Timelike, Utc};
use chrono_tz::{OffsetName, Tz};
use serde::Serialize;

/// The calendar for people.
pub(crate) fn human(calendar: &Calendar) -> String {
    let mut out = String::new();
    let Some(schedule) = &calendar.schedule else {
        out.push_str(&format!(
            "{}: rollouts start by hand (no install.schedule)\n",
            calendar.policy
        ));
        return out;
    };
    let zone = calendar.zone.name();
    let from = if calendar.from_given {
        format!("from {}", day(calendar.from.date_naive()))
    } else {
        format!("after {}", local(&calendar.from))
    };
    out.push_str(&format!(
        "{}: {} {from}, on {schedule} in {zone}\n",
        calendar.policy,
        match calendar.count {
            1 => "the next rollout".to_owned(),
            n => format!("the next {n} rollouts"),
        }
    ));
    out.push_str(
        "earliest start: earlier waves take no time and approvals are answered at once; latest start:\n\
         every approval and wave runs to its timeout. Both wait out the bake times.\n",
    );
    for (i, rollout) in calendar.rollouts.iter().enumerate() {
        out.push('\n');
        out.push_str(&rollout_block(i + 1, rollout));
    }
    if calendar.rollouts.len() < calendar.count {
        out.push('\n');
        out.push_str(&match calendar.rollouts.last() {
            None => format!("no rollout: {schedule} does not fire after that\n"),
            Some(last) => format!(
                "only {}: {schedule} does not fire after {}\n",
                plural(calendar.rollouts.len() as u64, "rollout"),
                local(&last.start)
            ),
        });
    }
    out
}

fn rollout_block(number: usize, rollout: &Rollout) -> String {
    let mut out = format!(
        "Rollout {number}  {}  ({})  {}\n",
        local(&rollout.start),
        utc(&rollout.start),
        relation(rollout)
    );
    let name_width = rollout
        .waves
        .iter()
        .map(|w| w.name.chars().count())
        .chain(["wave".len()])
        .max()
        .unwrap_or(4);
    let time_width = rollout
        .waves
        .iter()
        .map(|w| local(&w.earliest_start).chars().count())
        .chain(["earliest start".len()])
        .max()
        .unwrap_or(0);
    let latest_width = rollout
        .waves
        .iter()
        .map(|w| local(&w.latest_start).chars().count())
        .chain(["latest start".len()])
        .max()
        .unwrap_or(0);
    let row = |a: &str, b: &str, c: &str, note: &str| {
        let line = format!("  {a:<name_width$}  {b:<time_width$}  {c:<latest_width$}  {note}");
        format!("{}\n", line.trim_end())
    };
    out.push_str(&row("wave", "earliest start", "latest start", ""));
    for wave in &rollout.waves {
        let note = match wave.approval_timeout {
            Some(seconds) => format!("after approval (up to {})", length(seconds)),
            None => String::new(),
        };
        out.push_str(&row(
            &wave.name,
            &local(&wave.earliest_start),
            &local(&wave.latest_start),
            &note,
        ));
    }
    let label_width = name_width + 2 + time_width;
    out.push_str(&format!(
        "  {:<label_width$}  {}  ({})\n",
        "worst-case end",
        local(&rollout.worst_case_end),
        utc(&rollout.worst_case_end)
    ));
    for (_, warning) in warnings(rollout) {
        out.push_str(&wrap(&warning, "  warning: ", WIDTH));
    }
    out
}

/// "Patch Tuesday + 4 days (Tue 2028-03-14)", "3 days before Patch Tuesday (…)".
fn relation(rollout: &Rollout) -> String {
    let days = rollout.days_from_patch_tuesday;
    let when = match days {
        0 => "on Patch Tuesday".to_owned(),
        d if d > 0 => format!("Patch Tuesday + {}", plural(d.unsigned_abs(), "day")),
        d => format!("{} before Patch Tuesday", plural(d.unsigned_abs(), "day")),
    };
    format!("{when} ({})", day(rollout.patch_tuesday))
}

/// The warnings of one rollout: their kind (as JSON names it) and words.
fn warnings(rollout: &Rollout) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let missed = rollout.missed_patch_tuesday();
    if !missed.is_empty() {
        let groups: Vec<String> = missed.iter().map(|pin| pinned_group(pin)).collect();
        out.push((
            "patch_tuesday_missed",
            format!(
            "the pinned patch set leaves out Patch Tuesday's releases ({}): it holds what was released up to {}",
            day(rollout.patch_tuesday),
            groups.join(", and up to ")
        ),
        ));
    }
    if let Some(next) = &rollout.next_start
        && !rollout.still_running.is_empty()
    {
        let names: Vec<String> = rollout
            .still_running
            .iter()
            .map(|n| format!("`{n}`"))
            .collect();
        out.push((
            "overlaps_next_rollout",
            format!(
            "worst case, {} {} {} not done when the next rollout starts ({}); this one can end as late as {}",
            if names.len() == 1 { "wave" } else { "waves" },
            names.join(", "),
            if names.len() == 1 { "is" } else { "are" },
            local(next),
            local(&rollout.worst_case_end)
        ),
        ));
    }
    out
}

/// "2028-03-08 for windows, redhat_enterprise_linux (3 days)".
fn pinned_group(pin: &Pin) -> String {
    let names: Vec<String> = pin.baselines.iter().map(|b| baseline_name(b)).collect();
    format!(
        "{} for {} ({})",
        pin.approve_until,
        names.join(", "),
        plural(u64::from(pin.approve_after_days), "day")
    )
}

fn baseline_name(key: &str) -> String {
    if key == DEFAULT_BASELINES {
        "the default baselines of other OSes".to_owned()
    } else {
        key.to_owned()
    }
}

/// The calendar as the JSON document of docs/calendar.md, with a trailing newline.
pub(crate) fn json(calendar: &Calendar) -> String {
    let document = Document {
        schema_version: SCHEMA_VERSION,
        policy: &calendar.policy,
        schedule: calendar.schedule.as_deref(),
        timezone: calendar.zone.name(),
        from: Time::of(&calendar.from),
        patch_set: match calendar.patch_set {
            PatchSet::Pinned => "pinned",
            PatchSet::Latest => "latest",
        },
        message: calendar
            .schedule
            .is_none()
            .then_some("rollouts start by hand (no install.schedule)"),
        rollouts: calendar.rollouts.iter().map(JsonRollout::of).collect(),
    };
    // Plain data: serialising cannot fail.
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}

#[derive(Serialize)]
struct Document<'a> {
    schema_version: u32,
    policy: &'a str,
    schedule: Option<&'a str>,
    timezone: &'a str,
    from: Time,
    patch_set: &'static str,
    message: Option<&'static str>,
    rollouts: Vec<JsonRollout>,
}

#[derive(Serialize)]
struct Time {
    local: String,
    utc: String,
    zone: String,
}

impl Time {
    fn of(time: &DateTime<Tz>) -> Time {
        Time {
            local: rfc3339(time),
            utc: rfc3339_utc(time),
            zone: abbreviation(time),
        }
    }
}

#[derive(Serialize)]
struct JsonRollout {
    start: Time,
    patch_tuesday: PatchTuesday,
    waves: Vec<JsonWave>,
    worst_case_end: Time,
    pinned_patch_set: Option<Vec<JsonPin>>,
    next_start: Option<Time>,
    warnings: Vec<Warning>,
}

#[derive(Serialize)]
struct PatchTuesday {
    date: String,
    days_from: i64,
    text: String,
}

#[derive(Serialize)]
struct JsonWave {
    name: String,
    approval_timeout_seconds: Option<u64>,
    timeout_seconds: u64,
    bake_time_seconds: u64,
    earliest_start: Time,
    latest_start: Time,
    latest_end: Time,
}

#[derive(Serialize)]
struct JsonPin {
    baselines: Vec<String>,
    approve_after_days: u32,
    approve_until: String,
    has_patch_tuesday: bool,
}

#[derive(Serialize)]
struct Warning {
    kind: &'static str,
    message: String,
}

impl JsonRollout {
    fn of(rollout: &Rollout) -> JsonRollout {
        let relation = relation(rollout);
        let text = relation
            .split(" (")
            .next()
            .unwrap_or(relation.as_str())
            .to_owned();
        let warnings = warnings(rollout)
            .into_iter()
            .map(|(kind, message)| Warning { kind, message })
            .collect();
        JsonRollout {
            start: Time::of(&rollout.start),
            patch_tuesday: PatchTuesday {
                date: rollout.patch_tuesday.to_string(),
                days_from: rollout.days_from_patch_tuesday,
                text,
            },
            waves: rollout
                .waves
                .iter()
                .map(|w| JsonWave {
                    name: w.name.clone(),
                    approval_timeout_seconds: w.approval_timeout,
                    timeout_seconds: w.timeout,
                    bake_time_seconds: w.bake_time,
                    earliest_start: Time::of(&w.earliest_start),
                    latest_start: Time::of(&w.latest_start),
                    latest_end: Time::of(&w.latest_end),
                })
                .collect(),
            worst_case_end: Time::of(&rollout.worst_case_end),
            pinned_patch_set: (!rollout.pins.is_empty()).then(|| {
                rollout
                    .pins
                    .iter()
                    .map(|p| JsonPin {
                        baselines: p.baselines.clone(),
                        approve_after_days: p.approve_after_days,
                        approve_until: p.approve_until.to_string(),
                        has_patch_tuesday: p.has_patch_tuesday,
                    })
                    .collect()
            }),
            next_start: rollout.next_start.as_ref().map(Time::of),
            warnings,
        }
    }
}

/// "Sat 2028-03-11 02:00 CET".
fn local(time: &DateTime<Tz>) -> String {
    format!(
        "{} {:02}:{:02} {}",
        day(time.date_naive()),
        time.hour(),
        time.minute(),
        abbreviation(time)
    )
}

/// "2028-03-11 01:00 UTC".
fn utc(time: &DateTime<Tz>) -> String {
    let t = time.with_timezone(&Utc);
    format!("{} {:02}:{:02} UTC", t.date_naive(), t.hour(), t.minute())
}

/// "Sat 2028-03-11".
fn day(date: NaiveDate) -> String {
    format!("{} {date}", date.weekday())
}

/// The zone's abbreviation (CET, CEST, EDT), or the offset (UTC+04:00) where the zone has
/// only a numeric name.
fn abbreviation(time: &DateTime<Tz>) -> String {
    match time.offset().abbreviation() {
        Some(name) if name.starts_with(|c: char| c.is_ascii_alphabetic()) => name.to_owned(),
        _ => format!("UTC{}", offset(time.offset().fix().local_minus_utc())),
    }
}

/// "+01:00".
fn offset(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let minutes = seconds.unsigned_abs() / 60;
    format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60)
}

/// "2028-03-11T02:00:00+01:00".
fn rfc3339(time: &DateTime<Tz>) -> String {
    format!(
        "{}{}",
        seconds_precision(time.naive_local()),
        offset(time.offset().fix().local_minus_utc())
    )
}

/// "2028-03-11T01:00:00Z".
fn rfc3339_utc(time: &DateTime<Tz>) -> String {
    format!("{}Z", seconds_precision(time.naive_utc()))
}

fn seconds_precision(time: NaiveDateTime) -> String {
    format!(
        "{}T{:02}:{:02}:{:02}",
        time.date(),
        time.hour(),
        time.minute(),
        time.second()
    )
}

/// Lines are wrapped to this many characters.
const WIDTH: usize = 100;

/// `text` after `prefix`, wrapped at spaces to `width` characters, continuation lines indented
/// under the text.
fn wrap(text: &str, prefix: &str, width: usize) -> String {
    let indent = " ".repeat(prefix.chars().count());
    let mut out = String::new();
    let mut line = prefix.to_owned();
    let mut empty = true;
    for word in text.split(' ') {
        if !empty && line.chars().count() + 1 + word.chars().count() > width {
            out.push_str(&line);
            out.push('\n');
            line = indent.clone();
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    out.push_str(&line);
    out.push('\n');
    out
}

/// "24h", "1h30", "3d": hours below two days.
fn length(seconds: u64) -> String {
    let minutes = seconds / 60;
    match minutes {
        m if m >= 48 * 60 && m % (24 * 60) == 0 => format!("{}d", m / (24 * 60)),
        m if m % 60 == 0 => format!("{}h", m / 60),
        m if m < 60 => format!("{m}m"),
        m => format!("{}h{:02}", m / 60, m % 60),
    }
}

fn plural(n: u64, unit: &str) -> String {
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use std::str::FromStr;

    #[test]
    fn times_are_written_in_the_zone_and_in_utc() {
        let zone = Tz::from_str("Europe/Berlin").unwrap();
        let summer = zone.with_ymd_and_hms(2028, 3, 26, 3, 0, 0).unwrap();
        assert_eq!(local(&summer), "Sun 2028-03-26 03:00 CEST");
        assert_eq!(utc(&summer), "2028-03-26 01:00 UTC");
        assert_eq!(rfc3339(&summer), "2028-03-26T03:00:00+02:00");
        assert_eq!(rfc3339_utc(&summer), "2028-03-26T01:00:00Z");
        let dubai = Tz::from_str("Asia/Dubai").unwrap();
        let t = dubai.with_ymd_and_hms(2028, 3, 26, 3, 0, 0).unwrap();
        assert_eq!(abbreviation(&t), "UTC+04:00");
        let utc_zone = Tz::from_str("UTC").unwrap();
        let t = utc_zone.with_ymd_and_hms(2028, 3, 26, 3, 0, 0).unwrap();
        assert_eq!(rfc3339(&t), "2028-03-26T03:00:00+00:00");
    }

    #[test]
    fn warnings_wrap_under_their_text() {
        assert_eq!(
            wrap("aaa bbb ccc ddd", "  w: ", 13),
            "  w: aaa bbb\n     ccc ddd\n"
        );
    }

    #[test]
    fn lengths_use_the_largest_exact_unit() {
        assert_eq!(length(24 * 3600), "24h");
        assert_eq!(length(72 * 3600), "3d");
        assert_eq!(length(8 * 3600), "8h");
        assert_eq!(length(90 * 60), "1h30");
        assert_eq!(length(30 * 60), "30m");
    }
}
