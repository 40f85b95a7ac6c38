// Scalar value types of the policy language: ids, regions, rates, durations, e-mail addresses.
//
// Each keeps the text the operator wrote, so diagnostics can quote it; parsing into numbers is
// done on demand by the semantic rules and the planner.

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize};
use std::borrow::Cow;
use std::fmt;

macro_rules! string_value {
    ($(#[$doc:meta])* $name:ident, $schema_name:literal, $schema:tt) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            /// The text as written in the policy.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                $schema_name.into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!($schema)
            }
        }
    };
}

string_value!(
    /// A 12-digit AWS account id, quoted (YAML would drop leading zeros of a number).
    AccountId,
    "AccountId",
    {
        "type": "string",
        "pattern": "^[0-9]{12}$",
        "description": "A 12-digit AWS account id, as a quoted string (\"012345678901\"): YAML drops the leading zeros of an unquoted number."
    }
);

string_value!(
    /// An organizational unit id (`ou-xxxx-xxxxxxxx`) or an organization root id (`r-xxxx`).
    OuId,
    "OrganizationalUnitId",
    {
        "type": "string",
        "pattern": "^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$",
        "description": "An organizational unit id (ou-xxxx-xxxxxxxx) or the organization root (r-xxxx)."
    }
);

string_value!(
    /// An AWS region code such as `eu-west-1`.
    Region,
    "Region",
    {
        "type": "string",
        "pattern": "^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]+$",
        "description": "An AWS region code, for example eu-west-1."
    }
);

string_value!(
    /// An e-mail address.
    Email,
    "Email",
    {
        "type": "string",
        "pattern": "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$",
        "description": "An e-mail address."
    }
);

string_value!(
    /// A duration: a whole number followed by `s`, `m`, `h` or `d`.
    Duration,
    "Duration",
    {
        "type": "string",
        "pattern": "^[0-9]+[smhd]$",
        "description": "A duration: a whole number and a unit, s (seconds), m (minutes), h (hours) or d (days); for example 30s, 10m, 2h, 1d.",
        "examples": ["30s", "10m", "2h", "1d"]
    }
);

/// Why a duration does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DurationError {
    /// Not a number followed by one of `s`, `m`, `h`, `d`.
    Syntax,
    /// Too large to be a meaningful duration.
    Overflow,
}

impl Duration {
    /// The duration in seconds.
    pub fn seconds(&self) -> Result<u64, DurationError> {
        let text = self.0.trim();
        let (digits, unit) = text.split_at(text.len().saturating_sub(1));
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DurationError::Syntax);
        }
        let factor = match unit {
            "s" => 1,
            "m" => 60,
            "h" => 3_600,
            "d" => 86_400,
            _ => return Err(DurationError::Syntax),
        };
        let count: u64 = digits.parse().map_err(|_| DurationError::Overflow)?;
        count.checked_mul(factor).ok_or(DurationError::Overflow)
    }

    /// A duration from a count of seconds, written in the largest exact unit.
    pub fn from_seconds(seconds: u64) -> Self {
        let text = if seconds != 0 && seconds.is_multiple_of(86_400) {
            format!("{}d", seconds / 86_400)
        } else if seconds != 0 && seconds.is_multiple_of(3_600) {
            format!("{}h", seconds / 3_600)
        } else if seconds != 0 && seconds.is_multiple_of(60) {
            format!("{}m", seconds / 60)
        } else {
            format!("{seconds}s")
        };
        Duration(text)
    }
}

/// A rate: a whole count (`5`) or a percentage (`10%`), the forms SSM accepts for
/// MaxConcurrency and MaxErrors. YAML may write a count as a number or a string.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Rate(pub String);

/// A parsed rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RateValue {
    /// A whole count.
    Count(u64),
    /// A percentage, 0–100.
    Percent(u8),
}

/// Where a rate is used, which decides whether 0 is allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateKind {
    /// Something in flight at once (MaxConcurrency): at least 1 or 1%.
    Concurrency,
    /// A tolerated number of failures (MaxErrors): 0 allowed.
    Threshold,
}

/// Why a rate does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RateError {
    /// Not a count or a percentage.
    Syntax,
    /// A percentage above 100.
    PercentTooLarge,
    /// Zero where at least one is needed.
    Zero,
    /// A leading zero ("05", "05%") that SSM rejects.
    LeadingZero,
}

impl Rate {
    /// The rate as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Parse the rate for the given use.
    pub fn parse(&self, kind: RateKind) -> Result<RateValue, RateError> {
        let text = self.0.trim();
        let (digits, percent) = match text.strip_suffix('%') {
            Some(d) => (d, true),
            None => (text, false),
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(RateError::Syntax);
        }
        if digits.len() > 1 && digits.starts_with('0') {
            return Err(RateError::LeadingZero);
        }
        let value: u64 = digits.parse().map_err(|_| RateError::Syntax)?;
        if value == 0 && kind == RateKind::Concurrency {
            return Err(RateError::Zero);
        }
        if percent {
            if value > 100 {
                return Err(RateError::PercentTooLarge);
            }
            // value ≤ 100 was just checked, so it fits a u8.
            Ok(RateValue::Percent(u8::try_from(value).unwrap_or(100)))
        } else {
            Ok(RateValue::Count(value))
        }
    }
}

impl RateValue {
    /// The SSM / StackSets string form (`5`, `10%`).
    pub fn to_ssm(self) -> String {
        match self {
            RateValue::Count(n) => n.to_string(),
            RateValue::Percent(p) => format!("{p}%"),
        }
    }

    /// A rank that orders rates of the same kind by how much they allow (for the diff).
    pub fn is_percent(self) -> bool {
        matches!(self, RateValue::Percent(_))
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for Rate {
    fn from(text: &str) -> Self {
        Rate(text.to_owned())
    }
}

impl<'de> Deserialize<'de> for Rate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Count(u64),
            Text(String),
        }
        Ok(match Raw::deserialize(deserializer)? {
            Raw::Count(n) => Rate(n.to_string()),
            Raw::Text(t) => Rate(t),
        })
    }
}

impl JsonSchema for Rate {
    fn schema_name() -> Cow<'static, str> {
        "Rate".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A whole count (5) or a percentage (10%), in the forms SSM accepts for MaxConcurrency and MaxErrors.",
            "anyOf": [
                { "type": "integer", "minimum": 0 },
                { "type": "string", "pattern": "^(0|[1-9][0-9]*|[0-9]%|[1-9][0-9]%|100%)$" }
            ],
            "examples": ["1", "10%"]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_to_seconds() {
        assert_eq!(Duration("30s".into()).seconds(), Ok(30));
        assert_eq!(Duration("10m".into()).seconds(), Ok(600));
        assert_eq!(Duration("2h".into()).seconds(), Ok(7200));
        assert_eq!(Duration("1d".into()).seconds(), Ok(86400));
        assert_eq!(Duration("1w".into()).seconds(), Err(DurationError::Syntax));
        assert_eq!(Duration("h".into()).seconds(), Err(DurationError::Syntax));
        assert_eq!(
            Duration("99999999999999999999d".into()).seconds(),
            Err(DurationError::Overflow)
        );
        assert_eq!(Duration::from_seconds(7200).as_str(), "2h");
        assert_eq!(Duration::from_seconds(0).as_str(), "0s");
    }

    #[test]
    fn rates_follow_ssm_forms() {
        let c = RateKind::Concurrency;
        let t = RateKind::Threshold;
        assert_eq!(Rate::from("10%").parse(c), Ok(RateValue::Percent(10)));
        assert_eq!(Rate::from("5").parse(c), Ok(RateValue::Count(5)));
        assert_eq!(Rate::from("0").parse(c), Err(RateError::Zero));
        assert_eq!(Rate::from("0").parse(t), Ok(RateValue::Count(0)));
        assert_eq!(Rate::from("0%").parse(t), Ok(RateValue::Percent(0)));
        assert_eq!(Rate::from("101%").parse(t), Err(RateError::PercentTooLarge));
        assert_eq!(Rate::from("05").parse(t), Err(RateError::LeadingZero));
        assert_eq!(Rate::from("ten").parse(t), Err(RateError::Syntax));
        assert_eq!(RateValue::Percent(10).to_ssm(), "10%");
    }
}
