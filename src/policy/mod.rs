// The policy model: serde types for every key of the policy language, with defaults and schema docs.
//
// Defaults live here and only here (serde `default` attributes, mirrored into the JSON Schema by
// schemars), so the schema, the validator and the compiler agree on what an absent key means.

mod baseline;
mod compliance;
mod install;
mod organization;
mod values;
mod wave;

pub use baseline::{Baseline, ComplianceLevel, OperatingSystem};
pub use compliance::{Bedrock, Compliance, Notifications, Remediation};
pub use install::{Hook, HookFile, Hooks, Install, PatchSet, Reboot, Scan};
pub use organization::{
    CallAs, Hub, OrgTargets, Organization, PermissionModel, RegionConcurrency, Rollout,
};
pub use values::{
    AccountId, Concurrency, ConcurrencyRate, Duration, DurationError, Email, OuId, Percent, Rate,
    RateError, RateKind, RateUse, RateValue, Region, Threshold, ThresholdRate,
};
pub use wave::{Approval, MAX_TAG_KEYS, MAX_TAG_VALUES, Wave, WaveTargets};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The language versions this build of patchform understands.
pub const SUPPORTED_VERSIONS: &[u64] = &[1];

/// A patchform patch policy (language version 1): how an AWS Organization patches its EC2 fleet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "patchform patch policy")]
pub struct Policy {
    /// Language version of this file. Only `1` exists.
    #[schemars(range(min = 1, max = 1))]
    pub version: u64,
    /// Policy name: prefixes every generated resource, stack and stack set name.
    #[schemars(regex(pattern = r"^[a-z][a-z0-9-]{2,31}$"))]
    pub name: String,
    /// Free text copied into the description of the generated templates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 1024))]
    pub description: Option<String>,
    /// The account and region that run the orchestrator (the hub stack).
    pub hub: Hub,
    /// Where the spoke stack set is deployed across the organization.
    pub organization: Organization,
    /// One custom patch baseline per operating system; an OS not listed keeps AWS's default baseline.
    #[serde(default)]
    pub baselines: BTreeMap<OperatingSystem, Baseline>,
    /// Compliance scan schedule in every spoke account and region.
    #[serde(default)]
    pub scan: Scan,
    /// Rollout schedule, timezone, reboot behaviour, patch set and hooks.
    #[serde(default)]
    pub install: Install,
    /// The rollout order: each wave starts when the previous one has finished and baked.
    #[schemars(length(min = 1))]
    pub waves: Vec<Wave>,
    /// Who hears about rollouts.
    #[serde(default)]
    pub notifications: Notifications,
    /// AWS Config patch-compliance rule and remediation in every spoke.
    #[serde(default)]
    pub compliance: Compliance,
    /// Amazon Bedrock analysis of failed waves (advice only; nothing the model says is executed).
    #[serde(default)]
    pub bedrock: Bedrock,
}
