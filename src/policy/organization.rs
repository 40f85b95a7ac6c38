// The `hub` and `organization` sections: where the orchestrator runs and where spokes go.

use super::{AccountId, ConcurrencyRate, OuId, Region, ThresholdRate};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The account and region that run the orchestrator. The hub stack (state machine, topic, log
/// bucket, audit table, dashboard) is deployed here as a plain stack, not through the stack set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Hub {
    /// The hub account id (12 digits, quoted). Usually a delegated administrator account.
    pub account: AccountId,
    /// The hub region: the state machine, its runbook and the Bedrock call run here.
    pub region: Region,
}

/// StackSets permission model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PermissionModel {
    /// AWS Organizations manages the roles; targets are OUs; new accounts can be enrolled automatically.
    #[default]
    ServiceManaged,
    /// You create AWSCloudFormationStackSetAdministrationRole / ExecutionRole; targets are accounts.
    SelfManaged,
}

/// Who the StackSets calls act as (CallAs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CallAs {
    /// The organization's management account (CallAs=SELF).
    #[default]
    #[serde(rename = "self")]
    SelfAccount,
    /// A registered delegated administrator for StackSets (CallAs=DELEGATED_ADMIN).
    DelegatedAdmin,
}

/// Whether the stack set deploys to regions one after another or all at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RegionConcurrency {
    /// One region at a time, in `region_order` (RegionConcurrencyType SEQUENTIAL).
    #[default]
    Sequential,
    /// All regions at once (RegionConcurrencyType PARALLEL).
    Parallel,
}

impl PermissionModel {
    /// As the StackSets API spells it (PermissionModel).
    pub fn api_name(self) -> &'static str {
        match self {
            PermissionModel::ServiceManaged => "SERVICE_MANAGED",
            PermissionModel::SelfManaged => "SELF_MANAGED",
        }
    }
}

impl CallAs {
    /// As the StackSets API spells it (CallAs).
    pub fn api_name(self) -> &'static str {
        match self {
            CallAs::SelfAccount => "SELF",
            CallAs::DelegatedAdmin => "DELEGATED_ADMIN",
        }
    }
}

impl RegionConcurrency {
    /// As the StackSets API spells it (RegionConcurrencyType).
    pub fn api_name(self) -> &'static str {
        match self {
            RegionConcurrency::Sequential => "SEQUENTIAL",
            RegionConcurrency::Parallel => "PARALLEL",
        }
    }
}

/// Where the spoke stack set is deployed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Organization {
    /// StackSets permission model: service_managed (default) or self_managed.
    #[serde(default)]
    pub permission_model: PermissionModel,
    /// CallAs on every StackSets call: self (management account, default) or delegated_admin.
    #[serde(default)]
    pub call_as: CallAs,
    /// The accounts and OUs that receive the spoke stack.
    pub targets: OrgTargets,
    /// Spoke regions, without duplicates.
    #[schemars(length(min = 1), extend("uniqueItems" = true))]
    pub regions: Vec<Region>,
    /// service_managed only: accounts that join a targeted OU later get the spoke stack (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = Organization::DEFAULT_AUTO_DEPLOYMENT))]
    pub auto_deployment: Option<bool>,
    /// How a change of the spoke stack set spreads (OperationPreferences).
    #[serde(default)]
    pub rollout: Rollout,
}

impl Organization {
    /// `auto_deployment` when not written (also the schema's default; the key stays optional
    /// because writing it with self_managed permissions is an error).
    pub const DEFAULT_AUTO_DEPLOYMENT: bool = true;

    /// Whether new accounts in targeted OUs are enrolled automatically (default true).
    pub fn auto_deployment_enabled(&self) -> bool {
        self.permission_model == PermissionModel::ServiceManaged
            && self
                .auto_deployment
                .unwrap_or(Organization::DEFAULT_AUTO_DEPLOYMENT)
    }
}

/// Deployment targets of the spoke stack set.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrgTargets {
    /// OU ids (ou-xxxx-xxxxxxxx) or the root (r-xxxx); service_managed only. Nested OUs are included.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub organizational_units: Vec<OuId>,
    /// Account ids; required for self_managed (service_managed targets accounts through their OUs).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accounts: Vec<AccountId>,
    /// Accounts left out of the targeted OUs (AccountFilterType DIFFERENCE).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude_accounts: Vec<AccountId>,
}

/// OperationPreferences of stack set operations. They do not apply to automatic deployments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rollout {
    /// Region order (RegionOrder): a permutation of a subset of `regions`; default the `regions` order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region_order: Option<Vec<Region>>,
    /// sequential (default) or parallel.
    #[serde(default)]
    pub region_concurrency: RegionConcurrency,
    /// Accounts deployed at once per region (MaxConcurrentCount or MaxConcurrentPercentage); default 1.
    #[serde(default = "Rollout::default_max_concurrent")]
    pub max_concurrent: ConcurrencyRate,
    /// Failed accounts tolerated per region before the operation stops (FailureToleranceCount or Percentage); default 0.
    #[serde(default = "Rollout::default_failure_tolerance")]
    pub failure_tolerance: ThresholdRate,
}

impl Rollout {
    fn default_max_concurrent() -> ConcurrencyRate {
        ConcurrencyRate::from("1")
    }
    fn default_failure_tolerance() -> ThresholdRate {
        ThresholdRate::from("0")
    }
}

impl Default for Rollout {
    fn default() -> Self {
        Rollout {
            region_order: None,
            region_concurrency: RegionConcurrency::default(),
            max_concurrent: Rollout::default_max_concurrent(),
            failure_tolerance: Rollout::default_failure_tolerance(),
        }
    }
}
