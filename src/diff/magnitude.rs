// Whether a rate, a duration or a number went up or down between two policies.

use crate::policy::{Duration, Percent, Rate, RateUse, RateValue};
use std::cmp::Ordering;

/// How a value moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Direction {
    /// Larger than before.
    Raised,
    /// Smaller than before.
    Lowered,
    /// Different but not comparable (a count became a percentage, or a value did not parse).
    Changed,
}

impl Direction {
    /// The past-tense verb for summaries.
    pub(super) fn verb(self) -> &'static str {
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
pub(super) fn rate<U: RateUse>(old: &Rate<U>, new: &Rate<U>) -> Option<Direction> {
    rate_values(
        (old.value().ok(), old.as_str()),
        (new.value().ok(), new.as_str()),
    )
}

/// How a parsed rate moved, each side with its text for when it did not parse.
fn rate_values(
    (old, old_text): (Option<RateValue>, &str),
    (new, new_text): (Option<RateValue>, &str),
) -> Option<Direction> {
    match (old, new) {
        (Some(RateValue::Count(a)), Some(RateValue::Count(b))) => from_ordering(b.cmp(&a)),
        (Some(RateValue::Percent(a)), Some(RateValue::Percent(b))) => from_ordering(b.cmp(&a)),
        (Some(a), Some(b)) if a == b => None,
        // 0 and 0% both mean "none".
        (
            Some(RateValue::Count(0) | RateValue::Percent(0)),
            Some(RateValue::Count(0) | RateValue::Percent(0)),
        ) => None,
        // 100% of anything is at least any count.
        (Some(RateValue::Count(_)), Some(RateValue::Percent(100))) => Some(Direction::Raised),
        (Some(RateValue::Percent(100)), Some(RateValue::Count(_))) => Some(Direction::Lowered),
        _ if old_text.trim() == new_text.trim() => None,
        _ => Some(Direction::Changed),
    }
}

/// How a duration moved; `None` when it is the same length (`60m` and `1h`).
pub(super) fn duration(old: &Duration, new: &Duration) -> Option<Direction> {
    match (old.seconds(), new.seconds()) {
        (Ok(a), Ok(b)) => from_ordering(b.cmp(&a)),
        _ if old.as_str() == new.as_str() => None,
        _ => Some(Direction::Changed),
    }
}

/// How a number moved.
pub(super) fn number<T: Ord>(old: T, new: T) -> Option<Direction> {
    from_ordering(new.cmp(&old))
}

/// How a percentage moved.
pub(super) fn percent(old: &Percent, new: &Percent) -> Option<Direction> {
    rate_values(
        (old.value().map(RateValue::Percent), old.as_str()),
        (new.value().map(RateValue::Percent), new.as_str()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::ThresholdRate;

    #[test]
    fn rates_compare_within_a_unit() {
        let rate =
            |old: &str, new: &str| rate(&ThresholdRate::from(old), &ThresholdRate::from(new));
        assert_eq!(rate("5%", "10%"), Some(Direction::Raised));
        assert_eq!(rate("5", "2"), Some(Direction::Lowered));
        assert_eq!(rate("5", "5"), None);
        assert_eq!(rate("0", "0%"), None);
        assert_eq!(rate("5", "5%"), Some(Direction::Changed));
        assert_eq!(rate("5", "100%"), Some(Direction::Raised));
    }

    #[test]
    fn durations_compare_by_length() {
        let d = Duration::from;
        assert_eq!(duration(&d("60m"), &d("1h")), None);
        assert_eq!(duration(&d("1h"), &d("2h")), Some(Direction::Raised));
        assert_eq!(duration(&d("1d"), &d("2h")), Some(Direction::Lowered));
    }
}
