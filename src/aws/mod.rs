// The only module that talks to AWS: SDK clients behind small traits, so everything else is pure.
//
// `Aws` implements `CloudFormation`, `Organizations`, `Identity`, `ArtifactStore` (S3),
// `StepFunctions` and `AuditRecords` (DynamoDB, S3) with the real SDK; tests, the deploy
// planner and the day-2 commands use the traits, never the SDK types. Errors are `AwsError`.

mod config;
mod deployed;
mod error;
#[cfg(test)]
pub(crate) mod fake;
mod model;
mod retry;
mod sdk;
mod sdk_cloudformation;
mod sdk_cloudformation_types;
mod sdk_dynamodb;
mod sdk_organizations;
mod sdk_s3;
mod sdk_sfn;
mod traits;

pub use config::{AwsSettings, connect};
pub use deployed::{
    DeployedTemplates, fetch_deployed, fetch_deployed_blocking, fetch_deployed_with,
};
pub use error::AwsError;
pub use model::{
    AccountFilter, AuditItem, BucketLocation, BucketRef, ChangeSetRequest, ChangeSetView,
    ExecutionSummary, ExecutionView, HistoryEvent, InstanceStatus, InstanceTargets, LifecycleRule,
    OperationPreferences, OperationResult, OperationStatus, OperationView, OrgAccount, OrgInfo,
    OrgUnit, ResourceChange, StackEvent, StackInfo, StackInstance, StackSetConfig, StackSetView,
};
pub use retry::{Backoff, retry};
pub use sdk::Aws;
pub use sdk_s3::{object_url, partition, template_key};
pub use traits::{
    ArtifactStore, AuditRecords, AwsApi, CloudFormation, Identity, Organizations, RolloutApi,
    StepFunctions,
};

/// The service principal of CloudFormation StackSets in AWS Organizations (trusted access and
/// delegated administrators).
pub const STACKSETS_PRINCIPAL: &str = "member.org.stacksets.cloudformation.amazonaws.com";
/// Systems Manager's service principal, whose delegated administrator may run automations
/// across the organization's OUs.
pub const SSM_PRINCIPAL: &str = "ssm.amazonaws.com";
