// The AWS operations patchform uses, as traits: the SDK implements them, tests fake them.
#![allow(async_fn_in_trait)] // patchform runs a current-thread runtime: futures need not be Send.

use super::error::AwsError;
use super::model::*;
use crate::policy::CallAs;

/// Who is calling (STS).
pub trait Identity {
    /// The caller's account id (GetCallerIdentity).
    async fn caller_account(&self) -> Result<String, AwsError>;
    /// The caller's ARN (GetCallerIdentity): a user, or an assumed role with its session name.
    async fn caller_arn(&self) -> Result<String, AwsError>;
}

/// Step Functions: the hub's rollout executions, for the day-2 commands.
pub trait StepFunctions {
    /// StartExecution; returns the execution ARN.
    async fn start_execution(
        &self,
        state_machine: &str,
        name: &str,
        input: &str,
    ) -> Result<String, AwsError>;
    /// ListExecutions, newest first, up to `limit` (RUNNING ones only with `running_only`).
    async fn list_executions(
        &self,
        state_machine: &str,
        running_only: bool,
        limit: usize,
    ) -> Result<Vec<ExecutionSummary>, AwsError>;
    /// DescribeExecution; `None` when it does not exist.
    async fn describe_execution(&self, arn: &str) -> Result<Option<ExecutionView>, AwsError>;
    /// GetExecutionHistory, every page, oldest event first.
    async fn execution_history(&self, arn: &str) -> Result<Vec<HistoryEvent>, AwsError>;
    /// SendTaskSuccess.
    async fn send_task_success(&self, token: &str, output: &str) -> Result<(), AwsError>;
    /// SendTaskFailure.
    async fn send_task_failure(
        &self,
        token: &str,
        error: &str,
        cause: &str,
    ) -> Result<(), AwsError>;
    /// StopExecution.
    async fn stop_execution(&self, arn: &str, error: &str, cause: &str) -> Result<(), AwsError>;
}

/// The hub's audit table (DynamoDB) and its control objects (S3), for the day-2 commands.
pub trait AuditRecords {
    /// Query: every item of one rollout (`pk = rollout#<id>`), every page.
    async fn rollout_items(&self, table: &str, rollout: &str) -> Result<Vec<AuditItem>, AwsError>;
    /// Scan: every item of the table, every page.
    async fn all_items(&self, table: &str) -> Result<Vec<AuditItem>, AwsError>;
    /// UpdateItem of the rollout item: SET each (attribute, text) pair, only while the item
    /// exists and has no `finishedAt`. `Ok(false)` when that condition failed.
    async fn update_running_rollout(
        &self,
        table: &str,
        rollout: &str,
        values: &[(&str, &str)],
    ) -> Result<bool, AwsError>;
    /// PutObject of a small JSON document (a stop request under `control/`).
    async fn put_json(&self, bucket: &str, key: &str, body: &str) -> Result<(), AwsError>;
}

/// AWS Organizations reads.
pub trait Organizations {
    /// DescribeOrganization.
    async fn describe_organization(&self) -> Result<OrgInfo, AwsError>;
    /// Service principals with trusted access (ListAWSServiceAccessForOrganization, every page).
    async fn trusted_services(&self) -> Result<Vec<String>, AwsError>;
    /// Accounts registered as delegated administrators of `principal` (every page).
    async fn delegated_administrators(&self, principal: &str) -> Result<Vec<String>, AwsError>;
    /// ListRoots (every page).
    async fn roots(&self) -> Result<Vec<OrgUnit>, AwsError>;
    /// ListOrganizationalUnitsForParent (every page).
    async fn units_for_parent(&self, parent: &str) -> Result<Vec<OrgUnit>, AwsError>;
    /// ListAccountsForParent (every page).
    async fn accounts_for_parent(&self, parent: &str) -> Result<Vec<OrgAccount>, AwsError>;
}

/// CloudFormation stacks and stack sets.
pub trait CloudFormation {
    /// DescribeStacks; `None` when the stack does not exist.
    async fn describe_stack(&self, name: &str) -> Result<Option<StackInfo>, AwsError>;
    /// GetTemplate (Original stage); `None` when the stack does not exist.
    async fn get_template(&self, name: &str) -> Result<Option<String>, AwsError>;
    /// CreateChangeSet with CAPABILITY_NAMED_IAM; returns the change set id.
    async fn create_change_set(&self, request: &ChangeSetRequest) -> Result<String, AwsError>;
    /// DescribeChangeSet, every page of changes.
    async fn describe_change_set(&self, stack: &str, id: &str) -> Result<ChangeSetView, AwsError>;
    /// ExecuteChangeSet.
    async fn execute_change_set(&self, stack: &str, id: &str) -> Result<(), AwsError>;
    /// DeleteChangeSet.
    async fn delete_change_set(&self, stack: &str, id: &str) -> Result<(), AwsError>;
    /// DescribeStackEvents, newest first, stopping at the event `after` (exclusive).
    async fn stack_events(
        &self,
        stack: &str,
        after: Option<&str>,
    ) -> Result<Vec<StackEvent>, AwsError>;
    /// DeleteStack.
    async fn delete_stack(&self, name: &str) -> Result<(), AwsError>;

    /// DescribeStackSet; `None` when it does not exist.
    async fn describe_stack_set(
        &self,
        name: &str,
        call_as: CallAs,
    ) -> Result<Option<StackSetView>, AwsError>;
    /// CreateStackSet (no instances yet).
    async fn create_stack_set(
        &self,
        config: &StackSetConfig,
        call_as: CallAs,
    ) -> Result<(), AwsError>;
    /// UpdateStackSet; with `targets`, only those instances are updated. Returns the operation id.
    async fn update_stack_set(
        &self,
        config: &StackSetConfig,
        call_as: CallAs,
        targets: Option<&InstanceTargets>,
        preferences: &OperationPreferences,
    ) -> Result<String, AwsError>;
    /// DeleteStackSet (it must have no instances).
    async fn delete_stack_set(&self, name: &str, call_as: CallAs) -> Result<(), AwsError>;
    /// ListStackInstances, every page.
    async fn list_stack_instances(
        &self,
        name: &str,
        call_as: CallAs,
    ) -> Result<Vec<StackInstance>, AwsError>;
    /// CreateStackInstances; returns the operation id.
    async fn create_stack_instances(
        &self,
        name: &str,
        call_as: CallAs,
        permission_model: PermissionModel,
        targets: &InstanceTargets,
        preferences: &OperationPreferences,
    ) -> Result<String, AwsError>;
    /// DeleteStackInstances (RetainStacks false); returns the operation id.
    async fn delete_stack_instances(
        &self,
        name: &str,
        call_as: CallAs,
        permission_model: PermissionModel,
        targets: &InstanceTargets,
        preferences: &OperationPreferences,
    ) -> Result<String, AwsError>;
    /// DescribeStackSetOperation.
    async fn describe_operation(
        &self,
        name: &str,
        call_as: CallAs,
        id: &str,
    ) -> Result<OperationView, AwsError>;
    /// ListStackSetOperations, first page (the most recent operations).
    async fn recent_operations(
        &self,
        name: &str,
        call_as: CallAs,
    ) -> Result<Vec<OperationView>, AwsError>;
    /// ListStackSetOperationResults, every page.
    async fn operation_results(
        &self,
        name: &str,
        call_as: CallAs,
        id: &str,
    ) -> Result<Vec<OperationResult>, AwsError>;
}

/// The S3 bucket templates travel through (TemplateURL): patchform's own
/// `patchform-artifacts-<account>-<region>`, created and configured on first use, or the
/// operator's `--artifact-bucket`, which patchform only checks and uploads to.
pub trait ArtifactStore {
    /// HeadBucket (its x-amz-bucket-region), else GetBucketLocation: where the bucket is.
    async fn bucket_location(&self, bucket: BucketRef<'_>) -> Result<BucketLocation, AwsError>;
    /// HeadObject: whether `key` exists.
    async fn object_exists(&self, bucket: BucketRef<'_>, key: &str) -> Result<bool, AwsError>;
    /// PutObject of a template body.
    async fn put_object(
        &self,
        bucket: BucketRef<'_>,
        key: &str,
        body: &str,
    ) -> Result<(), AwsError>;
    /// GetBucketTagging: the bucket's tags, sorted by key (none when it has no tag set).
    async fn bucket_tags(&self, bucket: BucketRef<'_>) -> Result<Vec<(String, String)>, AwsError>;
    /// CreateBucket in `region` (a LocationConstraint, except in us-east-1, which takes none).
    /// `Ok(false)` when the caller already owns a bucket of that name.
    async fn create_bucket(&self, bucket: &str, region: &str) -> Result<bool, AwsError>;
    /// PutPublicAccessBlock with all four settings true.
    async fn block_public_access(&self, bucket: BucketRef<'_>) -> Result<(), AwsError>;
    /// PutBucketOwnershipControls: BucketOwnerEnforced (ACLs off; the bucket owner owns every object).
    async fn enforce_bucket_owner(&self, bucket: BucketRef<'_>) -> Result<(), AwsError>;
    /// PutBucketEncryption: SSE-S3 (AES256) by default.
    async fn encrypt_with_s3_keys(&self, bucket: BucketRef<'_>) -> Result<(), AwsError>;
    /// PutBucketVersioning: Enabled.
    async fn enable_versioning(&self, bucket: BucketRef<'_>) -> Result<(), AwsError>;
    /// PutBucketPolicy with a JSON policy document.
    async fn put_bucket_policy(&self, bucket: BucketRef<'_>, policy: &str) -> Result<(), AwsError>;
    /// PutBucketLifecycleConfiguration with this one rule (it replaces any other).
    async fn put_lifecycle(
        &self,
        bucket: BucketRef<'_>,
        rule: &LifecycleRule,
    ) -> Result<(), AwsError>;
    /// PutBucketTagging (it replaces the tag set).
    async fn put_bucket_tags(
        &self,
        bucket: BucketRef<'_>,
        tags: &[(String, String)],
    ) -> Result<(), AwsError>;
}

/// Everything the day-2 commands (`patchform rollout`) need.
pub trait RolloutApi: Identity + CloudFormation + StepFunctions + AuditRecords {}
impl<T: Identity + CloudFormation + StepFunctions + AuditRecords> RolloutApi for T {}

/// Everything deploy needs.
pub trait AwsApi: Identity + Organizations + CloudFormation + ArtifactStore {}
impl<T: Identity + Organizations + CloudFormation + ArtifactStore> AwsApi for T {}

use crate::policy::PermissionModel;
