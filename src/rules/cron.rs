// AWS cron and rate expressions: the syntax EventBridge Scheduler and State Manager accept.

/// Why an expression is not valid, in words for the operator.
pub(crate) type CronError = String;

/// Check `cron(min hour dom month dow year)`.
pub(crate) fn check_cron(expression: &str) -> Result<(), CronError> {
    parse_cron(expression).map(|_| ())
}

/// Check `rate(N unit)`.
pub(crate) fn check_rate(expression: &str) -> Result<(), CronError> {
    parse_rate(expression).map(|_| ())
}

/// A valid AWS cron expression, able to say on which dates and at which minutes it fires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Cron {
    minutes: Vec<Element>,
    hours: Vec<Element>,
    days: Days,
    months: Vec<Element>,
    years: Vec<Element>,
}

/// The day field that is not `?`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Days {
    OfMonth(Vec<Element>),
    OfWeek(Vec<Element>),
}

/// One comma-separated element of a field.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Element {
    /// `*`, `5`, `1-5`, `0/15`, `*/2`, `10-40/10`: from `from` up to `to` in steps. A range
    /// written backwards (`FRI-MON`) wraps around the field's `cycle` of values.
    Run {
        from: u32,
        to: u32,
        step: u32,
        cycle: u32,
    },
    /// `L` in day-of-month: the last day of the month.
    LastDay,
    /// `5L` in day-of-week: the last Thursday of the month.
    LastOf(u32),
    /// `15W` in day-of-month: the weekday nearest the 15th, within the month.
    NearestWeekday(u32),
    /// `6#3` in day-of-week: the third Friday of the month.
    Nth(u32, u32),
}

impl Element {
    fn run(from: u32, to: u32, step: u32, min: u32, max: u32) -> Element {
        Element::Run {
            from,
            to,
            step,
            cycle: max - min + 1,
        }
    }

    /// Whether a plain value (minute, hour, month, year, day number, weekday 1–7) is in a run.
    fn contains(&self, value: u32) -> bool {
        match *self {
            Element::Run {
                from,
                to,
                step,
                cycle,
            } => {
                let offset = if from <= to {
                    if value < from || value > to {
                        return false;
                    }
                    value - from
                } else if value >= from {
                    value - from
                } else if value <= to {
                    value + cycle - from
                } else {
                    return false;
                };
                offset.is_multiple_of(step)
            }
            _ => false,
        }
    }
}

fn any_contains(elements: &[Element], value: u32) -> bool {
    elements.iter().any(|e| e.contains(value))
}

/// A calendar date, as the cron fields see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CalendarDay {
    /// The year, such as 2028.
    pub year: u32,
    /// 1–12.
    pub month: u32,
    /// 1–31.
    pub day: u32,
    /// 1 (Sunday) to 7 (Saturday), as AWS cron numbers the days of the week.
    pub weekday: u32,
    /// The number of days in the month.
    pub days_in_month: u32,
}

impl Cron {
    /// Whether the expression fires on this date (at some minute of it).
    pub(crate) fn fires_on(&self, date: &CalendarDay) -> bool {
        if !any_contains(&self.years, date.year) || !any_contains(&self.months, date.month) {
            return false;
        }
        match &self.days {
            Days::OfMonth(elements) => elements.iter().any(|e| match *e {
                Element::LastDay => date.day == date.days_in_month,
                Element::NearestWeekday(n) => nearest_weekday(date, n) == Some(date.day),
                _ => e.contains(date.day),
            }),
            Days::OfWeek(elements) => elements.iter().any(|e| match *e {
                Element::LastOf(weekday) => {
                    date.weekday == weekday && date.day + 7 > date.days_in_month
                }
                Element::Nth(weekday, n) => date.weekday == weekday && (date.day - 1) / 7 + 1 == n,
                _ => e.contains(date.weekday),
            }),
        }
    }

    /// Whether the expression fires at this hour and minute (of a date it fires on).
    pub(crate) fn fires_at(&self, hour: u32, minute: u32) -> bool {
        any_contains(&self.hours, hour) && any_contains(&self.minutes, minute)
    }

    /// The minutes of a day (hour × 60 + minute) the expression fires at, in order.
    pub(crate) fn minutes_of_day(&self) -> Vec<u32> {
        (0..24 * 60)
            .filter(|m| self.fires_at(m / 60, m % 60))
            .collect()
    }

    /// Whether the year field is `*` (or otherwise names every year cron accepts).
    pub(crate) fn every_year(&self) -> bool {
        (MIN_YEAR..=MAX_YEAR).all(|y| any_contains(&self.years, y))
    }

    /// Whether the expression can fire in this year.
    pub(crate) fn fires_in_year(&self, year: u32) -> bool {
        any_contains(&self.years, year)
    }
}

/// The day `nW` stands for in the month of `date`: the weekday (Monday–Friday) nearest the
/// n-th, never crossing into another month; none when the month has no n-th day.
fn nearest_weekday(date: &CalendarDay, n: u32) -> Option<u32> {
    if n > date.days_in_month {
        return None;
    }
    // Weekday of the n-th: shift the date's own weekday (1 = Sunday … 7 = Saturday).
    let weekday = (date.weekday + 6 + (n % 7) - (date.day % 7) + 7) % 7 + 1;
    Some(match weekday {
        7 if n == 1 => 3,
        7 => n - 1,
        1 if n == date.days_in_month => n - 2,
        1 => n + 1,
        _ => n,
    })
}

/// The earliest and latest year a cron expression may name.
pub(crate) const MIN_YEAR: u32 = 1970;
/// See [`MIN_YEAR`].
pub(crate) const MAX_YEAR: u32 = 2199;

/// Parse `cron(min hour dom month dow year)`.
pub(crate) fn parse_cron(expression: &str) -> Result<Cron, CronError> {
    let inner = expression
        .strip_prefix("cron(")
        .and_then(|s| s.strip_suffix(')'))
        .ok_or_else(|| {
            "write it as cron(minutes hours day-of-month month day-of-week year)".to_owned()
        })?;
    let fields: Vec<&str> = inner.split_whitespace().collect();
    if fields.len() != 6 {
        return Err(format!(
            "AWS cron has 6 fields (minutes hours day-of-month month day-of-week year), this has {}",
            fields.len()
        ));
    }
    let minutes = field("minutes", fields[0], 0, 59, &[], Extras::NONE)?;
    let hours = field("hours", fields[1], 0, 23, &[], Extras::NONE)?;
    let day_of_month = field("day-of-month", fields[2], 1, 31, &[], Extras::DAY_OF_MONTH)?;
    let months = field("month", fields[3], 1, 12, &MONTHS, Extras::NONE)?;
    let day_of_week = field("day-of-week", fields[4], 1, 7, &DAYS, Extras::DAY_OF_WEEK)?;
    let years = field("year", fields[5], MIN_YEAR, MAX_YEAR, &[], Extras::NONE)?;
    let days = match (day_of_month, day_of_week) {
        (None, None) => {
            return Err("only one of day-of-month and day-of-week may be `?`".to_owned());
        }
        (Some(_), Some(_)) => {
            return Err(
                "one of day-of-month and day-of-week must be `?` (AWS cannot combine both)"
                    .to_owned(),
            );
        }
        (Some(elements), None) => Days::OfMonth(elements),
        (None, Some(elements)) => Days::OfWeek(elements),
    };
    // `?` is refused outside the day fields, so these are present.
    let (Some(minutes), Some(hours), Some(months), Some(years)) = (minutes, hours, months, years)
    else {
        return Err("`?` is only allowed in day-of-month and day-of-week".to_owned());
    };
    Ok(Cron {
        minutes,
        hours,
        days,
        months,
        years,
    })
}

/// Parse `rate(N unit)` into minutes.
pub(crate) fn parse_rate(expression: &str) -> Result<u64, CronError> {
    let inner = expression
        .strip_prefix("rate(")
        .and_then(|s| s.strip_suffix(')'))
        .ok_or_else(|| "write it as rate(1 day)".to_owned())?;
    let mut parts = inner.split_whitespace();
    let (Some(count), Some(unit), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err("a rate is a number and a unit: rate(1 day), rate(12 hours)".to_owned());
    };
    let count: u64 = count
        .parse()
        .map_err(|_| format!("`{count}` is not a whole number"))?;
    if count == 0 {
        return Err("a rate must be at least 1".to_owned());
    }
    let singular = matches!(unit, "minute" | "hour" | "day");
    let plural = matches!(unit, "minutes" | "hours" | "days");
    if !singular && !plural {
        return Err(format!(
            "`{unit}` is not a unit: use minutes, hours or days"
        ));
    }
    if (count == 1) != singular {
        return Err(format!(
            "write `{count} {}`",
            if count == 1 {
                unit.trim_end_matches('s').to_owned()
            } else {
                format!("{}s", unit.trim_end_matches('s'))
            }
        ));
    }
    let minutes_per_unit = match unit.trim_end_matches('s') {
        "minute" => 1,
        "hour" => 60,
        _ => 24 * 60,
    };
    Ok(count.saturating_mul(minutes_per_unit))
}

const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];
const DAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

struct Extras {
    question: bool,
    last: bool,
    weekday: bool,
    nth: bool,
}

impl Extras {
    const NONE: Extras = Extras {
        question: false,
        last: false,
        weekday: false,
        nth: false,
    };
    const DAY_OF_MONTH: Extras = Extras {
        question: true,
        last: true,
        weekday: true,
        nth: false,
    };
    const DAY_OF_WEEK: Extras = Extras {
        question: true,
        last: true,
        weekday: false,
        nth: true,
    };
}

/// A field's elements; `None` for `?`.
fn field(
    name: &str,
    text: &str,
    min: u32,
    max: u32,
    names: &[&str],
    extras: Extras,
) -> Result<Option<Vec<Element>>, CronError> {
    if text == "?" {
        return if extras.question {
            Ok(None)
        } else {
            Err(format!(
                "`?` is only allowed in day-of-month and day-of-week, not in {name}"
            ))
        };
    }
    text.split(',')
        .map(|e| element(name, e, min, max, names, &extras))
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

fn value(name: &str, text: &str, min: u32, max: u32, names: &[&str]) -> Result<u32, CronError> {
    let upper = text.to_ascii_uppercase();
    if let Some(i) = names.iter().position(|n| *n == upper) {
        // Position in a 7- or 12-entry table: fits u32.
        return Ok(min + u32::try_from(i).unwrap_or(0));
    }
    let n: u32 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a valid {name} value"))?;
    if n < min || n > max {
        return Err(format!("{name} takes {min}–{max}, not {n}"));
    }
    Ok(n)
}

fn element(
    name: &str,
    element: &str,
    min: u32,
    max: u32,
    names: &[&str],
    extras: &Extras,
) -> Result<Element, CronError> {
    if element.is_empty() {
        return Err(format!("empty value in {name}"));
    }
    if element == "*" {
        return Ok(Element::run(min, max, 1, min, max));
    }
    if element == "L" {
        return match (extras.last, extras.nth) {
            // `L` alone in day-of-week is the last day of the week, Saturday.
            (true, true) => Ok(Element::run(max, max, 1, min, max)),
            (true, false) => Ok(Element::LastDay),
            _ => Err(format!(
                "`L` is only allowed in day-of-month and day-of-week, not in {name}"
            )),
        };
    }
    if let Some((day, nth)) = element.split_once('#') {
        if !extras.nth {
            return Err(format!("`#` is only allowed in day-of-week, not in {name}"));
        }
        let day = value(name, day, min, max, names)?;
        let n: u32 = nth
            .parse()
            .map_err(|_| format!("`#{nth}` must be #1 to #5"))?;
        return if (1..=5).contains(&n) {
            Ok(Element::Nth(day, n))
        } else {
            Err(format!("`#{nth}` must be #1 to #5"))
        };
    }
    if let Some(day) = element.strip_suffix('W') {
        if !extras.weekday {
            return Err(format!(
                "`W` is only allowed in day-of-month, not in {name}"
            ));
        }
        return Ok(Element::NearestWeekday(value(name, day, min, max, names)?));
    }
    if let Some(day) = element.strip_suffix('L')
        && extras.last
        && extras.nth
    {
        return Ok(Element::LastOf(value(name, day, min, max, names)?));
    }
    let (range, step) = match element.split_once('/') {
        Some((range, step)) => (range, Some(step)),
        None => (element, None),
    };
    let step = match step {
        Some(step) => {
            let s: u32 = step
                .parse()
                .map_err(|_| format!("`/{step}` in {name} must be a whole number"))?;
            if s == 0 {
                return Err(format!("`/0` in {name}: a step must be at least 1"));
            }
            s
        }
        None => 1,
    };
    if range == "*" {
        return Ok(Element::run(min, max, step, min, max));
    }
    match range.split_once('-') {
        Some((from, to)) => {
            let from = value(name, from, min, max, names)?;
            let to = value(name, to, min, max, names)?;
            Ok(Element::run(from, to, step, min, max))
        }
        // `5/15` runs from 5 to the end of the field; `5` is 5 alone.
        None => {
            let from = value(name, range, min, max, names)?;
            let to = if step > 1 || element.contains('/') {
                max
            } else {
                from
            };
            Ok(Element::run(from, to, step, min, max))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_aws_forms() {
        for ok in [
            "cron(0 2 ? * SAT#2 *)",
            "cron(0 1 * * ? *)",
            "cron(15 10 ? * 6L 2026-2030)",
            "cron(0/15 * L * ? *)",
            "cron(0 8 1W * ? *)",
            "cron(0 18 ? * MON-FRI *)",
            "cron(0,30 9 10 JAN,JUL ? *)",
        ] {
            assert_eq!(check_cron(ok), Ok(()), "{ok}");
        }
        assert_eq!(check_rate("rate(1 day)"), Ok(()));
        assert_eq!(check_rate("rate(12 hours)"), Ok(()));
    }

    #[test]
    fn refuses_what_aws_refuses() {
        for bad in [
            "0 2 * * *",
            "cron(0 2 * * *)",
            "cron(0 2 * * 1 *)",
            "cron(0 2 ? * ? *)",
            "cron(60 2 ? * 1 *)",
            "cron(0 24 ? * 1 *)",
            "cron(0 2 ? * SAT#6 *)",
            "cron(0 2 ? FOO 1 *)",
            "cron(0 2 1# * ? *)",
            "cron(0/0 2 ? * 1 *)",
        ] {
            assert!(check_cron(bad).is_err(), "{bad}");
        }
        assert!(check_rate("rate(1 days)").is_err());
        assert!(check_rate("rate(0 days)").is_err());
        assert!(check_rate("rate(2 weeks)").is_err());
    }

    /// A date of 2028 (1 January 2028 is a Saturday; February has 29 days).
    fn day(month: u32, day: u32) -> CalendarDay {
        let days_in_month = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month as usize - 1];
        let day_of_year: u32 = (1..month)
            .map(|m| [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m as usize - 1])
            .sum::<u32>()
            + day;
        CalendarDay {
            year: 2028,
            month,
            day,
            // Day 1 is a Saturday (7).
            weekday: (day_of_year + 5) % 7 + 1,
            days_in_month,
        }
    }

    fn days(expression: &str, month: u32) -> Vec<u32> {
        let cron = parse_cron(expression).unwrap();
        let count = day(month, 1).days_in_month;
        (1..=count)
            .filter(|d| cron.fires_on(&day(month, *d)))
            .collect()
    }

    #[test]
    fn day_fields_select_the_dates_aws_documents() {
        // January 2028: Saturday the 1st, Monday the 3rd, Friday the 28th, Monday the 31st.
        assert_eq!(days("cron(0 2 ? * SAT#2 *)", 1), [8]);
        assert_eq!(days("cron(0 2 ? * 6L *)", 1), [28]);
        assert_eq!(days("cron(0 2 ? * L *)", 1), [1, 8, 15, 22, 29]);
        assert_eq!(days("cron(0 2 L * ? *)", 2), [29]);
        assert_eq!(days("cron(0 2 ? * MON-FRI *)", 1).len(), 21);
        assert_eq!(days("cron(0 2 ? * FRI-MON *)", 1).len(), 19);
        assert_eq!(days("cron(0 2 1/10 * ? *)", 1), [1, 11, 21, 31]);
        // The weekday nearest the 1st (a Saturday) is Monday the 3rd, not December 31st;
        // nearest the 30th (a Sunday, not the last day) is Monday the 31st; nearest the
        // 15th (a Saturday) is Friday the 14th.
        assert_eq!(days("cron(0 2 1W * ? *)", 1), [3]);
        assert_eq!(days("cron(0 2 30W * ? *)", 1), [31]);
        assert_eq!(days("cron(0 2 15W * ? *)", 1), [14]);
        // The last day of April 2028 (the 30th) is a Sunday: its nearest weekday is Friday.
        assert_eq!(days("cron(0 2 30W * ? *)", 4), [28]);
        assert!(days("cron(0 2 ? FEB SAT *)", 1).is_empty());
        assert!(days("cron(0 2 ? * SAT 2029)", 1).is_empty());
    }

    #[test]
    fn time_fields_select_minutes_of_the_day() {
        let cron = parse_cron("cron(0/20 22-1 * * ? *)").unwrap();
        assert_eq!(
            cron.minutes_of_day(),
            [0, 20, 40, 60, 80, 100, 1320, 1340, 1360, 1380, 1400, 1420]
        );
        assert!(parse_cron("cron(0 1 * * ? *)").unwrap().every_year());
        assert!(!parse_cron("cron(0 1 * * ? 2030)").unwrap().every_year());
        assert_eq!(parse_rate("rate(12 hours)"), Ok(720));
        assert_eq!(parse_rate("rate(1 day)"), Ok(1440));
    }
}
