// The `scan` and `install` sections: when nodes are scanned, when rollouts start and how they install.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Compliance scan schedule, run in every spoke account and region through a State Manager
/// association of AWS-RunPatchBaseline (Operation Scan).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scan {
    /// AWS cron or rate expression; default daily at 01:00 UTC.
    #[serde(default = "Scan::default_schedule")]
    pub schedule: String,
}

impl Scan {
    fn default_schedule() -> String {
        "cron(0 1 * * ? *)".to_owned()
    }
}

impl Default for Scan {
    fn default() -> Self {
        Scan {
            schedule: Scan::default_schedule(),
        }
    }
}

/// Reboot behaviour after installing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Reboot {
    /// Reboot when an installed patch needs it (RebootIfNeeded).
    #[default]
    IfNeeded,
    /// Never reboot (NoReboot); patches needing one stay pending.
    Never,
}

/// Which patches a rollout installs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PatchSet {
    /// The rollout fixes its patch set when it starts: every wave installs what the canary tested.
    #[default]
    Pinned,
    /// Each wave installs whatever its baseline approves when the wave runs.
    Latest,
}

/// Rollout schedule and install behaviour.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Install {
    /// AWS 6-field cron expression for the start of a rollout; absent: rollouts start by hand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<String>,
    /// IANA timezone of `schedule`; default UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = Install::DEFAULT_TIMEZONE))]
    pub timezone: Option<String>,
    /// if_needed (default) or never.
    #[serde(default)]
    pub reboot: Reboot,
    /// pinned (default) or latest.
    #[serde(default)]
    pub patch_set: PatchSet,
    /// SSM Command documents run on each node around the install, as steps of the wave runbook.
    #[serde(default)]
    pub hooks: Hooks,
}

impl Install {
    /// The timezone of a schedule that names none (also the schema's default; the key stays
    /// optional so that the policy's canonical JSON, and so its hash, keeps what was written).
    pub const DEFAULT_TIMEZONE: &str = "UTC";

    /// The schedule's timezone, UTC when not written.
    pub fn timezone_or_default(&self) -> &str {
        self.timezone
            .as_deref()
            .unwrap_or(Install::DEFAULT_TIMEZONE)
    }
}

/// The install hooks: SSM Command documents run on each node around the install, each the name
/// (or ARN) of a document that exists in every target account and region, or a document file of
/// the repository that the spoke stack creates there.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Hooks {
    /// Runs before the install; the node is not patched when it fails.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pre_install: Option<Hook>,
    /// Runs after the install and its reboot, when the node is back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_install: Option<Hook>,
    /// Runs last, also when a step before it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_exit: Option<Hook>,
}

impl Hooks {
    /// The hooks that are set, with their keys, in the order they run.
    pub fn in_order(&self) -> Vec<(&'static str, &Hook)> {
        [
            ("pre_install", &self.pre_install),
            ("post_install", &self.post_install),
            ("on_exit", &self.on_exit),
        ]
        .into_iter()
        .filter_map(|(key, hook)| hook.as_ref().map(|h| (key, h)))
        .collect()
    }
}

/// One install hook.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Hook {
    /// The name or ARN of an SSM Command document that exists in every target account and
    /// region (patchform does not create it; `validate` warns).
    Name(#[schemars(regex(pattern = r"^[a-zA-Z0-9_\-.:/]{3,128}$"))] String),
    /// A Command document file of the repository, which the spoke stack creates in every
    /// account and region.
    File(HookFile),
}

/// A hook document kept in the repository.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HookFile {
    /// Path of an SSM Command document (YAML or JSON, schemaVersion 2.2), relative to the
    /// policy file.
    #[schemars(length(min = 1, max = 1024))]
    pub file: String,
    /// The document as read from `file` by `validate` (never written in a policy): part of the
    /// policy's hash, so a changed hook file is a changed policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(skip)]
    pub content: Option<serde_json::Value>,
}

impl Hook {
    /// How diffs and messages show it: the name, or `file <path>`.
    pub fn describe(&self) -> String {
        match self {
            Hook::Name(name) => name.clone(),
            Hook::File(file) => format!("file {}", file.file),
        }
    }
}
