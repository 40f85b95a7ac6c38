// Plain data crossing the AWS boundary: what the traits take and return, free of SDK types.

use crate::policy::{PermissionModel, RateValue, RegionConcurrency};

/// A CloudFormation stack as DescribeStacks reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackInfo {
    /// The stack id (ARN).
    pub id: String,
    /// `CREATE_COMPLETE`, `UPDATE_ROLLBACK_COMPLETE`, ….
    pub status: String,
    /// Why it is in that status.
    pub status_reason: Option<String>,
    /// Parameter values, sorted by key.
    pub parameters: Vec<(String, String)>,
    /// Output values, sorted by key.
    pub outputs: Vec<(String, String)>,
}

/// A change set to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeSetRequest {
    /// The stack.
    pub stack_name: String,
    /// The change set's name.
    pub change_set_name: String,
    /// The template body.
    pub template_body: String,
    /// Where CloudFormation reads the same body from S3 (TemplateURL); sent instead of the body.
    pub template_url: Option<String>,
    /// Parameter values.
    pub parameters: Vec<(String, String)>,
    /// CREATE (the stack does not exist) or UPDATE.
    pub create: bool,
    /// Change set description.
    pub description: String,
}

/// A change set as DescribeChangeSet reports it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ChangeSetView {
    /// `CREATE_PENDING`, `CREATE_IN_PROGRESS`, `CREATE_COMPLETE`, `FAILED`, ….
    pub status: String,
    /// `AVAILABLE`, `UNAVAILABLE`, `EXECUTE_COMPLETE`, ….
    pub execution_status: Option<String>,
    /// Why it has that status.
    pub status_reason: Option<String>,
    /// Resource changes, every page.
    pub changes: Vec<ResourceChange>,
}

/// One resource change of a change set.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ResourceChange {
    /// `Add`, `Modify`, `Remove`, `Import`, `Dynamic`.
    pub action: String,
    /// Logical id.
    pub logical_id: String,
    /// Resource type.
    pub resource_type: String,
    /// `True`, `False` or `Conditional` for Modify.
    pub replacement: Option<String>,
}

/// One stack event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackEvent {
    /// Event id.
    pub id: String,
    /// Logical id of the resource (the stack name for the stack itself).
    pub logical_id: String,
    /// Resource type.
    pub resource_type: String,
    /// Resource status.
    pub status: String,
    /// Why.
    pub reason: Option<String>,
}

/// The spoke stack set's desired configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackSetConfig {
    /// Stack set name.
    pub name: String,
    /// Template body (what is compared and digested).
    pub template_body: String,
    /// Where CloudFormation reads the same body from S3 (TemplateURL); sent instead of the body.
    pub template_url: Option<String>,
    /// Parameter values.
    pub parameters: Vec<(String, String)>,
    /// Description.
    pub description: String,
    /// Permission model.
    pub permission_model: PermissionModel,
    /// AutoDeployment (service_managed only): enabled, retain stacks on account removal = false.
    pub auto_deployment: Option<bool>,
    /// ManagedExecution.Active: queue conflicting operations instead of failing.
    pub managed_execution: bool,
    /// Tags.
    pub tags: Vec<(String, String)>,
}

/// The stack set as DescribeStackSet reports it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StackSetView {
    /// Template body.
    pub template_body: Option<String>,
    /// Parameter values, sorted by key.
    pub parameters: Vec<(String, String)>,
    /// Description.
    pub description: Option<String>,
    /// Permission model, when reported.
    pub permission_model: Option<PermissionModel>,
    /// AutoDeployment.Enabled, when reported.
    pub auto_deployment: Option<bool>,
    /// Tags, sorted by key.
    pub tags: Vec<(String, String)>,
}

/// How stack set operations choose accounts (DeploymentTargets.AccountFilterType).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AccountFilter {
    /// No filter: the OUs (or the accounts) as given.
    None,
    /// Only the listed accounts inside the OUs.
    Intersection,
    /// The OUs minus the listed accounts.
    Difference,
}

/// Where one stack set operation applies.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct InstanceTargets {
    /// Account ids: for self_managed the targets; for service_managed the filter list.
    pub accounts: Vec<String>,
    /// OU or root ids (service_managed).
    pub organizational_units: Vec<String>,
    /// How `accounts` combine with `organizational_units`.
    pub filter: AccountFilter,
    /// Regions.
    pub regions: Vec<String>,
}

impl InstanceTargets {
    /// The targets of an operation on these accounts' stack instances under the permission
    /// model: self_managed names the accounts; service_managed names OUs (`units`), narrowed to
    /// the accounts (INTERSECTION).
    pub fn for_accounts(
        model: PermissionModel,
        accounts: Vec<String>,
        units: Vec<String>,
        regions: Vec<String>,
    ) -> Self {
        match model {
            PermissionModel::SelfManaged => InstanceTargets {
                accounts,
                organizational_units: Vec::new(),
                filter: AccountFilter::None,
                regions,
            },
            PermissionModel::ServiceManaged => InstanceTargets {
                accounts,
                organizational_units: units,
                filter: AccountFilter::Intersection,
                regions,
            },
        }
    }
}

/// OperationPreferences of one stack set operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationPreferences {
    /// Sequential or parallel regions.
    pub region_concurrency: RegionConcurrency,
    /// Region order.
    pub region_order: Vec<String>,
    /// MaxConcurrentCount / MaxConcurrentPercentage.
    pub max_concurrent: RateValue,
    /// FailureToleranceCount / FailureTolerancePercentage.
    pub failure_tolerance: RateValue,
}

/// Status of a stack instance (Status).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InstanceStatus {
    /// Up to date with the stack set.
    Current,
    /// Not yet updated, or its last operation failed.
    Outdated,
    /// Detached from the stack set (a delete with RetainStacks failed).
    Inoperable,
}

/// One stack instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackInstance {
    /// Account id.
    pub account: String,
    /// Region.
    pub region: String,
    /// The OU it was deployed through (service_managed), when reported.
    pub organizational_unit: Option<String>,
    /// Status.
    pub status: InstanceStatus,
    /// DetailedStatus (`SUCCEEDED`, `FAILED`, `PENDING`, `RUNNING`, …), when reported.
    pub detailed_status: Option<String>,
    /// Why.
    pub reason: Option<String>,
}

/// Status of a stack set operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OperationStatus {
    /// Waiting behind another operation (managed execution).
    Queued,
    /// Running.
    Running,
    /// Being stopped.
    Stopping,
    /// Finished well.
    Succeeded,
    /// Finished with failures beyond the tolerance.
    Failed,
    /// Stopped by a person.
    Stopped,
}

impl OperationStatus {
    /// Still going.
    pub fn is_active(self) -> bool {
        matches!(
            self,
            OperationStatus::Queued | OperationStatus::Running | OperationStatus::Stopping
        )
    }
}

/// A stack set operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationView {
    /// Operation id.
    pub id: String,
    /// `CREATE`, `UPDATE`, `DELETE`, `DETECT_DRIFT`.
    pub action: String,
    /// Status.
    pub status: OperationStatus,
    /// Why (failed operations).
    pub status_reason: Option<String>,
    /// Failed instances, when reported.
    pub failed_instances: Option<i32>,
}

/// The outcome of one operation in one account and region.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OperationResult {
    /// Account id.
    pub account: String,
    /// Region.
    pub region: String,
    /// `PENDING`, `RUNNING`, `SUCCEEDED`, `FAILED`, `CANCELLED`.
    pub status: String,
    /// Why.
    pub reason: Option<String>,
}

/// The organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgInfo {
    /// `o-…`.
    pub id: String,
    /// The management account id.
    pub management_account: String,
    /// FeatureSet is ALL (not consolidated billing only).
    pub all_features: bool,
}

/// A root or organizational unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgUnit {
    /// `r-…` or `ou-…`.
    pub id: String,
    /// Name.
    pub name: String,
}

/// A member account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgAccount {
    /// 12-digit id.
    pub id: String,
    /// Name.
    pub name: String,
    /// `ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE`, `CLOSED` (State; `ACTIVE` when not reported).
    pub status: String,
}

/// What HeadBucket (and GetBucketLocation) say about the artifact bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BucketLocation {
    /// It exists and the caller may use it; in this region.
    Region(String),
    /// No such bucket (404).
    Missing,
    /// It exists but the caller may not use it (403), or it answered from another region
    /// without saying which.
    Forbidden(String),
}

/// An S3 bucket and, when known, the account that must own it. The owner is sent as
/// ExpectedBucketOwner, so S3 answers 403 instead of serving a bucket of that name that another
/// account created first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BucketRef<'a> {
    /// Bucket name.
    pub name: &'a str,
    /// The 12-digit account that must own it, when it is checked.
    pub owner: Option<&'a str>,
}

/// One lifecycle rule over the whole bucket: old object versions and abandoned uploads go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LifecycleRule {
    /// The rule's ID.
    pub id: String,
    /// NoncurrentVersionExpiration: days after an object version stops being current.
    pub noncurrent_days: i32,
    /// AbortIncompleteMultipartUpload: days after an upload started.
    pub abort_multipart_days: i32,
}

/// One execution of a state machine (ListExecutions).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ExecutionSummary {
    /// The execution ARN.
    pub arn: String,
    /// Its name (a rollout's id).
    pub name: String,
    /// RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, PENDING_REDRIVE.
    pub status: String,
    /// When it started (RFC 3339).
    pub started_at: String,
    /// When it stopped (RFC 3339), once it has.
    pub stopped_at: Option<String>,
}

/// One execution in detail (DescribeExecution).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ExecutionView {
    /// Name, status and times.
    pub summary: ExecutionSummary,
    /// The error it failed with.
    pub error: Option<String>,
    /// The cause of that error.
    pub cause: Option<String>,
}

/// One event of an execution's history (GetExecutionHistory), the fields the day-2 commands read.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct HistoryEvent {
    /// Event id (1, 2, …).
    pub id: i64,
    /// The event's type (`TaskStateEntered`, `TaskScheduled`, `WaitStateEntered`, …).
    pub kind: String,
    /// When it happened (RFC 3339).
    pub at: String,
    /// The state entered or exited (StateEntered/StateExited events).
    pub state: Option<String>,
    /// TaskScheduled: the task's parameters as JSON text (after evaluation).
    pub parameters: Option<String>,
    /// Failure events: the error.
    pub error: Option<String>,
    /// Failure events: the cause.
    pub cause: Option<String>,
}

/// An item of the audit table, its attributes as JSON values (S as string, N as number, BOOL as
/// bool, NULL as null; other types as their JSON text).
pub type AuditItem = std::collections::BTreeMap<String, serde_json::Value>;
