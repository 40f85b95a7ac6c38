// The `notifications`, `compliance` and `bedrock` sections.

use super::{Duration, Email, Percent};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Who hears about rollouts.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Notifications {
    /// Addresses subscribed to the rollout topic (wave started/finished, approval requested,
    /// rollout aborted, failure analysis ready).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub email: Vec<Email>,
}

/// AWS Config patch compliance in every spoke.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Compliance {
    /// The managed rule EC2_MANAGEDINSTANCE_PATCH_COMPLIANCE_STATUS_CHECK in every spoke; default false.
    #[serde(default)]
    pub config_rule: bool,
    /// Remediation of non-compliant instances by a generated SSM Automation runbook (needs config_rule).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remediation: Option<Remediation>,
    /// Also create the Config recorder and delivery channel, for accounts that have none; default false.
    #[serde(default)]
    pub create_recorder: bool,
}

/// AWS::Config::RemediationConfiguration settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Remediation {
    /// Remediate automatically when the rule finds a non-compliant instance; default false (manual).
    #[serde(default)]
    pub automatic: bool,
    /// MaximumAutomaticAttempts, 1–25; default 5.
    #[serde(default = "Remediation::default_max_attempts")]
    #[schemars(range(min = 1, max = 25))]
    pub max_attempts: u32,
    /// Wait between attempts (RetryAttemptSeconds); default 60s.
    #[serde(default = "Remediation::default_retry_after")]
    pub retry_after: Duration,
    /// Share of non-compliant instances remediated at once (ConcurrentExecutionRatePercentage), 1%–100%; default 10%.
    #[serde(default = "Remediation::default_percent")]
    pub concurrency: Percent,
    /// Share of failed remediations that stops the run (ErrorPercentage), 1%–100%; default 10%.
    #[serde(default = "Remediation::default_percent")]
    pub error_threshold: Percent,
}

impl Remediation {
    fn default_max_attempts() -> u32 {
        5
    }
    fn default_retry_after() -> Duration {
        Duration::from("60s")
    }
    fn default_percent() -> Percent {
        Percent::from("10%")
    }
}

/// Amazon Bedrock analysis of failed waves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Bedrock {
    /// Turn the analysis on; default false.
    #[serde(default)]
    pub enabled: bool,
    /// A Bedrock model id (or inference profile id) offered in the hub region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^([a-z]{2,4}\.)?[a-z0-9-]+\.[a-zA-Z0-9.\-]+(:[0-9]+)?$"))]
    pub model_id: Option<String>,
    /// Most tokens the model may answer with, 1–8192; default 1500.
    #[serde(default = "Bedrock::default_max_tokens")]
    #[schemars(range(min = 1, max = 8192))]
    pub max_tokens: u32,
}

impl Bedrock {
    fn default_max_tokens() -> u32 {
        1500
    }
}

impl Default for Bedrock {
    fn default() -> Self {
        Bedrock {
            enabled: false,
            model_id: None,
            max_tokens: Bedrock::default_max_tokens(),
        }
    }
}
