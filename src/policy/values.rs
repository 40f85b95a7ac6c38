// Scalar value types of the policy language: ids, regions, rates, durations, e-mail addresses.
//
// Each keeps the text the operator wrote, so diagnostics can quote it. Rates, durations and
// percentages are also parsed once, when the policy is read; the rules report those that do not
// parse, and the planner and the diff read the parsed value.

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

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

/// The schema of a duration, next to the parser that reads it.
const DURATION_PATTERN: &str = "^[0-9]+[smhd]$";

/// A duration: a whole number followed by `s`, `m`, `h` or `d`. Read once when the policy is
/// loaded: it keeps the text the operator wrote (diagnostics quote it) and its length in seconds,
/// or why it has none (the rules report that; a policy with an error never reaches the planner).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Duration {
    text: String,
    seconds: Result<u64, DurationError>,
}

/// Why a duration does not parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DurationError {
    /// Not a number followed by one of `s`, `m`, `h`, `d`.
    Syntax,
    /// Too large to be a meaningful duration.
    Overflow,
}

impl Duration {
    /// The text as written in the policy.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The duration in seconds, as read when the policy was loaded.
    pub fn seconds(&self) -> Result<u64, DurationError> {
        self.seconds
    }

    fn parse(text: &str) -> Result<u64, DurationError> {
        let text = text.trim();
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
        Duration::from(text)
    }
}

impl From<String> for Duration {
    fn from(text: String) -> Self {
        let seconds = Duration::parse(&text);
        Duration { text, seconds }
    }
}

impl From<&str> for Duration {
    fn from(text: &str) -> Self {
        Duration::from(text.to_owned())
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Duration::from)
    }
}

impl JsonSchema for Duration {
    fn schema_name() -> Cow<'static, str> {
        "Duration".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": DURATION_PATTERN,
            "description": "A duration: a whole number and a unit, s (seconds), m (minutes), h (hours) or d (days); for example 30s, 10m, 2h, 1d.",
            "examples": ["30s", "10m", "2h", "1d"]
        })
    }
}

/// The schema of a rate, next to the parser that reads it: the forms both uses accept (a
/// concurrency of 0 matches it and is refused by the rules, which say why).
const RATE_PATTERN: &str = "^(0|[1-9][0-9]*|[0-9]%|[1-9][0-9]%|100%)$";

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
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

/// The use of a rate, as a type: [`Concurrency`] or [`Threshold`].
pub trait RateUse {
    /// The use, for the parser.
    const KIND: RateKind;
}

/// Marks a rate of things in flight at once (MaxConcurrency, MaxConcurrentCount): 0 refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Concurrency {}

/// Marks a rate of tolerated failures (MaxErrors, FailureToleranceCount): 0 allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Threshold {}

impl RateUse for Concurrency {
    const KIND: RateKind = RateKind::Concurrency;
}

impl RateUse for Threshold {
    const KIND: RateKind = RateKind::Threshold;
}

/// A rate: a whole count (`5`) or a percentage (`10%`), the forms SSM accepts for
/// MaxConcurrency and MaxErrors. YAML may write a count as a number or a string. Read once when
/// the policy is loaded, for its use `U`: it keeps the text as written and the parsed value, or
/// why there is none (the rules report that; a policy with an error never reaches the planner).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rate<U> {
    text: String,
    value: Result<RateValue, RateError>,
    used_for: PhantomData<U>,
}

/// A rate of things in flight at once.
pub type ConcurrencyRate = Rate<Concurrency>;
/// A rate of tolerated failures.
pub type ThresholdRate = Rate<Threshold>;

impl<U: RateUse> Rate<U> {
    /// The rate as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The rate as read when the policy was loaded.
    pub fn value(&self) -> Result<RateValue, RateError> {
        self.value
    }

    /// The rate as read when the policy was loaded; `kind` is the rate's own use ([`RateUse::KIND`]).
    /// Kept for callers written before rates were typed by use.
    pub fn parse(&self, kind: RateKind) -> Result<RateValue, RateError> {
        debug_assert_eq!(kind, U::KIND, "a rate read for another use");
        self.value
    }
}

/// Parse a rate for the given use.
fn parse_rate(text: &str, kind: RateKind) -> Result<RateValue, RateError> {
    let text = text.trim();
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

impl<U> fmt::Display for Rate<U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl<U: RateUse> From<String> for Rate<U> {
    fn from(text: String) -> Self {
        let value = parse_rate(&text, U::KIND);
        Rate {
            text,
            value,
            used_for: PhantomData,
        }
    }
}

impl<U: RateUse> From<&str> for Rate<U> {
    fn from(text: &str) -> Self {
        Rate::from(text.to_owned())
    }
}

impl<U> Serialize for Rate<U> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de, U: RateUse> Deserialize<'de> for Rate<U> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Count(u64),
            Text(String),
        }
        Ok(match Raw::deserialize(deserializer)? {
            Raw::Count(n) => Rate::from(n.to_string()),
            Raw::Text(t) => Rate::from(t),
        })
    }
}

impl<U> JsonSchema for Rate<U> {
    fn schema_name() -> Cow<'static, str> {
        "Rate".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A whole count (5) or a percentage (10%), in the forms SSM accepts for MaxConcurrency and MaxErrors.",
            "anyOf": [
                { "type": "integer", "minimum": 0 },
                { "type": "string", "pattern": RATE_PATTERN }
            ],
            "examples": ["1", "10%"]
        })
    }
}

/// The schema of a whole percentage from 1% to 100%, next to the parser that reads it.
const PERCENT_PATTERN: &str = "^([1-9]|[1-9][0-9]|100)%$";

/// A whole percentage from 1% to 100% (AWS Config execution controls). Read once when the policy
/// is loaded: the text as written and the number, or `None` when it is not one (the rules report
/// that; a policy with an error never reaches the planner).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Percent {
    text: String,
    value: Option<u8>,
}

impl Percent {
    /// The text as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The percentage, 1–100, as read when the policy was loaded.
    pub fn value(&self) -> Option<u8> {
        self.value
    }
}

impl From<String> for Percent {
    fn from(text: String) -> Self {
        let value = text
            .strip_suffix('%')
            .and_then(|d| d.parse::<u8>().ok())
            .filter(|p| (1..=100).contains(p));
        Percent { text, value }
    }
}

impl From<&str> for Percent {
    fn from(text: &str) -> Self {
        Percent::from(text.to_owned())
    }
}

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for Percent {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Percent {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Percent::from)
    }
}

impl JsonSchema for Percent {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "Percent".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": PERCENT_PATTERN
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_to_seconds() {
        assert_eq!(Duration::from("30s").seconds(), Ok(30));
        assert_eq!(Duration::from("10m").seconds(), Ok(600));
        assert_eq!(Duration::from("2h").seconds(), Ok(7200));
        assert_eq!(Duration::from("1d").seconds(), Ok(86400));
        assert_eq!(Duration::from("1w").seconds(), Err(DurationError::Syntax));
        assert_eq!(Duration::from("h").seconds(), Err(DurationError::Syntax));
        assert_eq!(
            Duration::from("99999999999999999999d").seconds(),
            Err(DurationError::Overflow)
        );
        assert_eq!(Duration::from_seconds(7200).as_str(), "2h");
        assert_eq!(Duration::from_seconds(0).as_str(), "0s");
    }

    #[test]
    fn rates_follow_ssm_forms() {
        let c = |text: &str| ConcurrencyRate::from(text).value();
        let t = |text: &str| ThresholdRate::from(text).value();
        assert_eq!(c("10%"), Ok(RateValue::Percent(10)));
        assert_eq!(c("5"), Ok(RateValue::Count(5)));
        assert_eq!(c("0"), Err(RateError::Zero));
        assert_eq!(t("0"), Ok(RateValue::Count(0)));
        assert_eq!(t("0%"), Ok(RateValue::Percent(0)));
        assert_eq!(t("101%"), Err(RateError::PercentTooLarge));
        assert_eq!(t("05"), Err(RateError::LeadingZero));
        assert_eq!(t("ten"), Err(RateError::Syntax));
        assert_eq!(t(" 7 "), Ok(RateValue::Count(7)));
        assert_eq!(RateValue::Percent(10).to_ssm(), "10%");
    }

    #[test]
    fn values_read_from_yaml_keep_the_text() {
        let rate: ConcurrencyRate = serde_json::from_value(serde_json::json!(5)).unwrap();
        assert_eq!(
            (rate.as_str(), rate.value()),
            ("5", Ok(RateValue::Count(5)))
        );
        let rate: ConcurrencyRate = serde_json::from_value(serde_json::json!("0")).unwrap();
        assert_eq!(rate.value(), Err(RateError::Zero));
        assert_eq!(serde_json::to_value(&rate).unwrap(), serde_json::json!("0"));
        let percent = Percent::from("100%");
        assert_eq!(percent.value(), Some(100));
        assert_eq!(Percent::from("0%").value(), None);
        assert_eq!(Percent::from("10").value(), None);
    }
}
