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
    pub timezone: Option<String>,
    /// if_needed (default) or never.
    #[serde(default)]
    pub reboot: Reboot,
    /// pinned (default) or latest.
    #[serde(default)]
    pub patch_set: PatchSet,
    /// SSM Command documents run on each node around the install (AWS-RunPatchBaselineWithHooks).
    #[serde(default)]
    pub hooks: Hooks,
}

impl Install {
    /// The schedule's timezone, UTC when not written.
    pub fn timezone_or_default(&self) -> &str {
        self.timezone.as_deref().unwrap_or("UTC")
    }
}

/// SSM Command document names run around the install on each node.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Hooks {
    /// Runs before the install (PreInstallHookDocName).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[a-zA-Z0-9_\-.:/]{3,128}$"))]
    pub pre_install: Option<String>,
    /// Runs after the install and before any reboot (PostInstallHookDocName).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[a-zA-Z0-9_\-.:/]{3,128}$"))]
    pub post_install: Option<String>,
    /// Runs after the reboot, when the node is back (OnExitHookDocName).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[a-zA-Z0-9_\-.:/]{3,128}$"))]
    pub on_exit: Option<String>,
}
