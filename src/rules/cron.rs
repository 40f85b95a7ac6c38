// AWS cron and rate expressions: the syntax EventBridge Scheduler and State Manager accept.

/// Why an expression is not valid, in words for the operator.
pub type CronError = String;

/// Check `cron(min hour dom month dow year)`.
pub fn check_cron(expression: &str) -> Result<(), CronError> {
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
    field("minutes", fields[0], 0, 59, &[], Extras::NONE)?;
    field("hours", fields[1], 0, 23, &[], Extras::NONE)?;
    field("day-of-month", fields[2], 1, 31, &[], Extras::DAY_OF_MONTH)?;
    field("month", fields[3], 1, 12, &MONTHS, Extras::NONE)?;
    field("day-of-week", fields[4], 1, 7, &DAYS, Extras::DAY_OF_WEEK)?;
    field("year", fields[5], 1970, 2199, &[], Extras::NONE)?;
    match (fields[2] == "?", fields[4] == "?") {
        (true, true) => Err("only one of day-of-month and day-of-week may be `?`".to_owned()),
        (false, false) => Err(
            "one of day-of-month and day-of-week must be `?` (AWS cannot combine both)".to_owned(),
        ),
        _ => Ok(()),
    }
}

/// Check `rate(N unit)`.
pub fn check_rate(expression: &str) -> Result<(), CronError> {
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
    Ok(())
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

fn field(
    name: &str,
    text: &str,
    min: u32,
    max: u32,
    names: &[&str],
    extras: Extras,
) -> Result<(), CronError> {
    if text == "?" {
        return if extras.question {
            Ok(())
        } else {
            Err(format!(
                "`?` is only allowed in day-of-month and day-of-week, not in {name}"
            ))
        };
    }
    for element in text.split(',') {
        element_ok(name, element, min, max, names, &extras)?;
    }
    Ok(())
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

fn element_ok(
    name: &str,
    element: &str,
    min: u32,
    max: u32,
    names: &[&str],
    extras: &Extras,
) -> Result<(), CronError> {
    if element.is_empty() {
        return Err(format!("empty value in {name}"));
    }
    if element == "*" {
        return Ok(());
    }
    if element == "L" {
        return if extras.last {
            Ok(())
        } else {
            Err(format!(
                "`L` is only allowed in day-of-month and day-of-week, not in {name}"
            ))
        };
    }
    if let Some((day, nth)) = element.split_once('#') {
        if !extras.nth {
            return Err(format!("`#` is only allowed in day-of-week, not in {name}"));
        }
        value(name, day, min, max, names)?;
        let n: u32 = nth
            .parse()
            .map_err(|_| format!("`#{nth}` must be #1 to #5"))?;
        return if (1..=5).contains(&n) {
            Ok(())
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
        value(name, day, min, max, names)?;
        return Ok(());
    }
    if let Some(day) = element.strip_suffix('L')
        && extras.last
        && extras.nth
    {
        value(name, day, min, max, names)?;
        return Ok(());
    }
    let (range, step) = match element.split_once('/') {
        Some((range, step)) => (range, Some(step)),
        None => (element, None),
    };
    if let Some(step) = step {
        let s: u32 = step
            .parse()
            .map_err(|_| format!("`/{step}` in {name} must be a whole number"))?;
        if s == 0 {
            return Err(format!("`/0` in {name}: a step must be at least 1"));
        }
    }
    if range == "*" {
        return Ok(());
    }
    match range.split_once('-') {
        Some((from, to)) => {
            value(name, from, min, max, names)?;
            value(name, to, min, max, names)?;
        }
        None => {
            value(name, range, min, max, names)?;
        }
    }
    Ok(())
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
}
