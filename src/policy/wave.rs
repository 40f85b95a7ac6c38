// The `waves` section: the rollout order, targets and rate controls of each wave.

use super::{AccountId, ConcurrencyRate, Duration, Email, OuId, Region, ThresholdRate};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One step of the rollout. Waves run in order; each starts when the previous one has finished
/// and baked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Wave {
    /// Wave name, unique within the policy.
    #[schemars(regex(pattern = r"^[a-z][a-z0-9-]{0,31}$"))]
    pub name: String,
    /// Where this wave patches: accounts and/or OUs, optionally narrowed by region and tags.
    pub targets: WaveTargets,
    /// Account-and-region pairs patched at once (TargetLocationMaxConcurrency); default 10%.
    #[serde(default = "Wave::default_account_concurrency")]
    pub account_concurrency: ConcurrencyRate,
    /// Nodes in flight in each account and region (MaxConcurrency); default 10%.
    #[serde(default = "Wave::default_concurrency")]
    pub concurrency: ConcurrencyRate,
    /// Failed nodes allowed in each account and region before it stops (MaxErrors); default 5%.
    #[serde(default = "Wave::default_max_errors")]
    pub max_errors: ThresholdRate,
    /// Wait after the wave before the next one starts; default 0s.
    #[serde(default = "Wave::default_bake_time")]
    pub bake_time: Duration,
    /// The longest the wave may run: past it no new node starts installing, the installs in
    /// flight finish, and the wave counts as failed. Default 2d.
    #[serde(default = "Wave::default_timeout")]
    pub timeout: Duration,
    /// A person approves before this wave starts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval: Option<Approval>,
    /// A CloudWatch alarm name present in each account and region of the wave; when it is in ALARM
    /// the wave's run stops and counts as failed (TargetLocationAlarmConfiguration).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 255))]
    pub stop_on_alarm: Option<String>,
    /// Failed account-and-region pairs beyond which the whole rollout stops (TargetLocationMaxErrors); default 0.
    #[serde(default = "Wave::default_abort_threshold")]
    pub abort_when_failed_accounts_exceed: ThresholdRate,
    /// What this wave is for, shown as its state's Comment in the rollout state machine.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 200))]
    pub description: Option<String>,
}

impl Wave {
    fn default_account_concurrency() -> ConcurrencyRate {
        ConcurrencyRate::from("10%")
    }
    fn default_concurrency() -> ConcurrencyRate {
        ConcurrencyRate::from("10%")
    }
    fn default_max_errors() -> ThresholdRate {
        ThresholdRate::from("5%")
    }
    fn default_bake_time() -> Duration {
        Duration::from("0s")
    }
    fn default_timeout() -> Duration {
        Duration::from("2d")
    }
    fn default_abort_threshold() -> ThresholdRate {
        ThresholdRate::from("0")
    }
}

/// SSM Automation targets take at most this many tag keys (also said in the `tags` doc below and
/// the explanation of `policy::wave::tag-limit`; a test checks both)…
pub const MAX_TAG_KEYS: usize = 5;
/// …and this many values per key.
pub const MAX_TAG_VALUES: usize = 50;

/// Where a wave patches.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WaveTargets {
    /// Account ids patched by this wave; must lie inside `organization.targets`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accounts: Vec<AccountId>,
    /// OU ids patched by this wave (child OUs included); must be targeted OUs or nested under one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub organizational_units: Vec<OuId>,
    /// Regions of this wave, a subset of `organization.regions`; default all of them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regions: Option<Vec<Region>>,
    /// Managed nodes whose tags match (tag key → accepted values);
    /// at most 5 keys and 50 values each. Default: every managed node.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, Vec<String>>,
}

/// A manual approval gate before a wave.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Approval {
    /// E-mail addresses asked to approve before the wave starts.
    #[schemars(length(min = 1))]
    pub approvers: Vec<Email>,
    /// No answer by then: the rollout stops, as rejected. Default 24h.
    #[serde(default = "Approval::default_timeout")]
    pub timeout: Duration,
    /// Whether the person who started a rollout may approve its wave (`patchform rollout
    /// approve` refuses them otherwise: four eyes). Default false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub allow_self_approval: bool,
}

impl Approval {
    fn default_timeout() -> Duration {
        Duration::from("24h")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::Code;

    #[test]
    fn tag_limits_are_told_as_enforced() {
        let explained = Code::WaveTagLimit.explanation();
        let limits = format!("at most {MAX_TAG_KEYS} tag keys and {MAX_TAG_VALUES} values per key");
        assert!(explained.contains(&limits), "{explained}");
        let schema = serde_json::to_string(&schemars::schema_for!(WaveTargets)).unwrap();
        let limits = format!("at most {MAX_TAG_KEYS} keys and {MAX_TAG_VALUES} values each");
        assert!(schema.contains(&limits), "{schema}");
    }
}
