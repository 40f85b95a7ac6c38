// Whether a rate, a duration or a number went up or down between two policies.

use crate::policy::{Duration, Rate, RateKind, RateValue};
use std::cmp::Ordering;

/// How a value moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Larger than before.
    Raised,
    /// Smaller than before.
    Lowered,
    /// Different but not comparable (a count became a percentage, or a value did not parse).
    Changed,
}

impl Direction {
    /// The past-tense verb for summaries.
    pub fn verb(self) -> &'static str {
        match self {
            Direction::Raised => "raised",
            Direction::Lowered => "lowered",
            Direction::Changed => "changed",
        }
    }
}

fn from_ordering(ordering: Ordering) -> Option<Direction> {
    match ordering {
        Ordering::Greater => Some(Direction::Raised),
        Ordering::Less => Some(Direction::Lowered),
        Ordering::Equal => None,
    }
}

/// How a rate moved; `None` when it means the same (`"5"` and `5`).
pub fn rate(old: &Rate, new: &Rate, kind: RateKind) -> Option<Direction> {
    match (old.parse(kind), new.parse(kind)) {
        (Ok(RateValue::Count(a)), Ok(RateValue::Count(b))) => from_ordering(b.cmp(&a)),
        (Ok(RateValue::Percent(a)), Ok(RateValue::Percent(b))) => from_ordering(b.cmp(&a)),
        (Ok(a), Ok(b)) if a == b => None,
        // 0 and 0% both mean "none".
        (
            Ok(RateValue::Count(0) | RateValue::Percent(0)),
            Ok(RateValue::Count(0) | RateValue::Percent(0)),
        ) => None,
        // 100% of anything is at least any count.
        (Ok(RateValue::Count(_)), Ok(RateValue::Percent(100))) => Some(Direction::Raised),
        (Ok(RateValue::Percent(100)), Ok(RateValue::Count(_))) => Some(Direction::Lowered),
        _ if old.as_str().trim() == new.as_str().trim() => None,
        _ => Some(Direction::Changed),
    }
}

/// How a duration moved; `None` when it is the same length (`60m` and `1h`).
pub fn duration(old: &Duration, new: &Duration) -> Option<Direction> {
    match (old.seconds(), new.seconds()) {
        (Ok(a), Ok(b)) => from_ordering(b.cmp(&a)),
        _ if old.as_str() == new.as_str() => None,
        _ => Some(Direction::Changed),
    }
}

/// How a number moved.
pub fn number<T: Ord>(old: T, new: T) -> Option<Direction> {
    from_ordering(new.cmp(&old))
}

/// A percentage written as text (`10%`), compared by value.
pub fn percent_text(old: &str, new: &str) -> Option<Direction> {
    rate(&Rate::from(old), &Rate::from(new), RateKind::Threshold)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_compare_within_a_unit() {
        let t = RateKind::Threshold;
        assert_eq!(
            rate(&"5%".into(), &"10%".into(), t),
            Some(Direction::Raised)
        );
        assert_eq!(rate(&"5".into(), &"2".into(), t), Some(Direction::Lowered));
        assert_eq!(rate(&"5".into(), &"5".into(), t), None);
        assert_eq!(rate(&"0".into(), &"0%".into(), t), None);
        assert_eq!(rate(&"5".into(), &"5%".into(), t), Some(Direction::Changed));
        assert_eq!(
            rate(&"5".into(), &"100%".into(), t),
            Some(Direction::Raised)
        );
    }

    #[test]
    fn durations_compare_by_length() {
        let d = |s: &str| Duration(s.to_owned());
        assert_eq!(duration(&d("60m"), &d("1h")), None);
        assert_eq!(duration(&d("1h"), &d("2h")), Some(Direction::Raised));
        assert_eq!(duration(&d("1d"), &d("2h")), Some(Direction::Lowered));
    }
}
