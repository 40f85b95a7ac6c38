// An in-memory AWS for unit tests: one organization, stacks, one stack set and a bucket; every call recorded, failures scripted.
//
// It implements the deploy traits (`Identity`, `Organizations`, `CloudFormation`,
// `ArtifactStore`) closely enough for `deploy` to run end to end without moto: change sets
// complete at once, stack set operations finish on their first describe, and each operation
// succeeds unless the test scripted it to fail. Every account sits under one root; instance
// targets are read as accounts × regions (self-managed permissions).

use super::error::AwsError;
use super::model::*;
use super::traits::{ArtifactStore, CloudFormation, Identity, Organizations};
use crate::policy::{CallAs, PermissionModel};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

/// The organization's one root.
pub(crate) const ROOT: &str = "r-root";

/// A stack: what DescribeStacks, GetTemplate and DescribeStackEvents answer.
#[derive(Debug, Clone)]
pub(crate) struct FakeStack {
    pub(crate) info: StackInfo,
    pub(crate) template: String,
    /// Oldest first.
    pub(crate) events: Vec<StackEvent>,
}

/// A stack set operation as it ended.
#[derive(Debug, Clone)]
pub(crate) struct FakeOperation {
    pub(crate) view: OperationView,
    pub(crate) results: Vec<OperationResult>,
}

/// Everything the fake holds; tests read and change it between calls.
#[derive(Debug)]
pub(crate) struct FakeState {
    pub(crate) caller: String,
    pub(crate) org: OrgInfo,
    /// Member accounts (id, name), all ACTIVE, all under [`ROOT`].
    pub(crate) accounts: Vec<(String, String)>,
    pub(crate) bucket: BucketLocation,
    pub(crate) bucket_tags: Vec<(String, String)>,
    pub(crate) objects: BTreeSet<String>,
    pub(crate) stacks: BTreeMap<String, FakeStack>,
    pub(crate) change_sets: BTreeMap<String, ChangeSetRequest>,
    pub(crate) stack_set: Option<StackSetConfig>,
    pub(crate) instances: Vec<StackInstance>,
    pub(crate) operations: Vec<FakeOperation>,
    /// Stack set operations (1-based, in the order started) that end FAILED, with the reason.
    pub(crate) failing_operations: BTreeMap<usize, String>,
    /// Scripted errors: the next call of the named operation fails with the error, once each.
    pub(crate) failures: Vec<(&'static str, AwsError)>,
    /// Every call, as the API operation's name, in order.
    pub(crate) calls: Vec<&'static str>,
    counter: usize,
}

/// The fake itself; `state` is open to the test.
#[derive(Debug)]
pub(crate) struct FakeAws {
    pub(crate) state: RefCell<FakeState>,
}

/// An AWS service error, as the SDK classifies one.
pub(crate) fn service_error(operation: &'static str, code: &str, message: &str) -> AwsError {
    AwsError::Service {
        operation,
        code: code.to_owned(),
        message: message.to_owned(),
    }
}

impl FakeAws {
    /// An organization managed from `caller` (also the hub account) with these member
    /// accounts; no bucket, stack or stack set yet.
    pub(crate) fn new(caller: &str, members: &[(&str, &str)]) -> Self {
        let mut accounts = vec![(caller.to_owned(), "management".to_owned())];
        accounts.extend(
            members
                .iter()
                .map(|(id, n)| ((*id).to_owned(), (*n).to_owned())),
        );
        FakeAws {
            state: RefCell::new(FakeState {
                caller: caller.to_owned(),
                org: OrgInfo {
                    id: "o-fake000001".to_owned(),
                    management_account: caller.to_owned(),
                    all_features: true,
                },
                accounts,
                bucket: BucketLocation::Missing,
                bucket_tags: Vec::new(),
                objects: BTreeSet::new(),
                stacks: BTreeMap::new(),
                change_sets: BTreeMap::new(),
                stack_set: None,
                instances: Vec::new(),
                operations: Vec::new(),
                failing_operations: BTreeMap::new(),
                failures: Vec::new(),
                calls: Vec::new(),
                counter: 0,
            }),
        }
    }

    /// The next `times` calls of `operation` fail with `code`.
    pub(crate) fn fail(&self, operation: &'static str, code: &str, times: usize) {
        let error = service_error(operation, code, "scripted by the test");
        let mut state = self.state.borrow_mut();
        state
            .failures
            .extend(std::iter::repeat_n((operation, error), times));
    }

    /// Stack set operation number `n` (1-based, in the order started) ends FAILED.
    pub(crate) fn fail_operation(&self, n: usize, reason: &str) {
        let mut state = self.state.borrow_mut();
        state.failing_operations.insert(n, reason.to_owned());
    }

    /// Put a stack in place as if an earlier deploy had left it.
    pub(crate) fn put_stack(&self, name: &str, status: &str, template: &str) {
        let info = StackInfo {
            id: format!("arn:aws:cloudformation:us-east-1:000000000000:stack/{name}/1"),
            status: status.to_owned(),
            status_reason: None,
            parameters: Vec::new(),
            outputs: Vec::new(),
        };
        let stack = FakeStack {
            info,
            template: template.to_owned(),
            events: Vec::new(),
        };
        self.state
            .borrow_mut()
            .stacks
            .insert(name.to_owned(), stack);
    }

    /// How many times `operation` was called.
    pub(crate) fn count(&self, operation: &str) -> usize {
        let state = self.state.borrow();
        state.calls.iter().filter(|c| **c == operation).count()
    }

    /// Record a call; fail it when the test scripted a failure for it.
    fn enter(&self, operation: &'static str) -> Result<(), AwsError> {
        let mut state = self.state.borrow_mut();
        state.calls.push(operation);
        match state.failures.iter().position(|(op, _)| *op == operation) {
            Some(at) => Err(state.failures.remove(at).1),
            None => Ok(()),
        }
    }

    fn next_id(&self, prefix: &str) -> String {
        let mut state = self.state.borrow_mut();
        state.counter += 1;
        format!("{prefix}-{}", state.counter)
    }

    /// Run a stack set operation over `pairs` at once: each pair's instance is made (or
    /// deleted), CURRENT on success, OUTDATED and FAILED when the test scripted a failure.
    fn operate(&self, pairs: Vec<(String, String)>, action: &str, delete: bool) -> String {
        let id = self.next_id("op");
        let mut state = self.state.borrow_mut();
        let n = state.operations.len() + 1;
        let failure = state.failing_operations.get(&n).cloned();
        let mut results = Vec::new();
        for (account, region) in pairs {
            state
                .instances
                .retain(|i| !(i.account == account && i.region == region));
            if !delete || failure.is_some() {
                state.instances.push(StackInstance {
                    account: account.clone(),
                    region: region.clone(),
                    organizational_unit: None,
                    status: if failure.is_some() {
                        InstanceStatus::Outdated
                    } else {
                        InstanceStatus::Current
                    },
                    detailed_status: Some(
                        failure.as_ref().map_or("SUCCEEDED", |_| "FAILED").into(),
                    ),
                    reason: failure.clone(),
                });
            }
            results.push(OperationResult {
                account,
                region,
                status: failure.as_ref().map_or("SUCCEEDED", |_| "FAILED").into(),
                reason: failure.clone(),
            });
        }
        let status = match failure {
            Some(_) => OperationStatus::Failed,
            None => OperationStatus::Succeeded,
        };
        let view = OperationView {
            id: id.clone(),
            action: action.to_owned(),
            status,
            status_reason: failure,
            failed_instances: None,
        };
        state.operations.push(FakeOperation { view, results });
        id
    }

    /// The pairs `targets` name: its accounts (every member for an OU target) × its regions.
    fn pairs(&self, targets: &InstanceTargets) -> Vec<(String, String)> {
        let state = self.state.borrow();
        let accounts: Vec<String> = if targets.organizational_units.is_empty() {
            targets.accounts.clone()
        } else {
            let members = state.accounts.iter().map(|(id, _)| id.clone());
            match targets.filter {
                AccountFilter::Intersection => {
                    members.filter(|a| targets.accounts.contains(a)).collect()
                }
                AccountFilter::Difference => {
                    members.filter(|a| !targets.accounts.contains(a)).collect()
                }
                AccountFilter::None => members.collect(),
            }
        };
        let regions = &targets.regions;
        accounts
            .iter()
            .flat_map(|a| regions.iter().map(move |r| (a.clone(), r.clone())))
            .collect()
    }
}

impl Identity for FakeAws {
    async fn caller_account(&self) -> Result<String, AwsError> {
        self.enter("GetCallerIdentity")?;
        Ok(self.state.borrow().caller.clone())
    }
    async fn caller_arn(&self) -> Result<String, AwsError> {
        self.enter("GetCallerIdentity")?;
        let caller = self.state.borrow().caller.clone();
        Ok(format!("arn:aws:iam::{caller}:user/test"))
    }
}

impl Organizations for FakeAws {
    async fn describe_organization(&self) -> Result<OrgInfo, AwsError> {
        self.enter("DescribeOrganization")?;
        Ok(self.state.borrow().org.clone())
    }
    async fn trusted_services(&self) -> Result<Vec<String>, AwsError> {
        self.enter("ListAWSServiceAccessForOrganization")?;
        Ok(vec![super::STACKSETS_PRINCIPAL.to_owned()])
    }
    async fn delegated_administrators(&self, _: &str) -> Result<Vec<String>, AwsError> {
        self.enter("ListDelegatedAdministrators")?;
        Ok(Vec::new())
    }
    async fn roots(&self) -> Result<Vec<OrgUnit>, AwsError> {
        self.enter("ListRoots")?;
        Ok(vec![OrgUnit {
            id: ROOT.to_owned(),
            name: "Root".to_owned(),
        }])
    }
    async fn units_for_parent(&self, _: &str) -> Result<Vec<OrgUnit>, AwsError> {
        self.enter("ListOrganizationalUnitsForParent")?;
        Ok(Vec::new())
    }
    async fn accounts_for_parent(&self, parent: &str) -> Result<Vec<OrgAccount>, AwsError> {
        self.enter("ListAccountsForParent")?;
        if parent != ROOT {
            return Ok(Vec::new());
        }
        let state = self.state.borrow();
        let account = |(id, name): &(String, String)| OrgAccount {
            id: id.clone(),
            name: name.clone(),
            status: "ACTIVE".to_owned(),
        };
        Ok(state.accounts.iter().map(account).collect())
    }
}

impl CloudFormation for FakeAws {
    async fn describe_stack(&self, name: &str) -> Result<Option<StackInfo>, AwsError> {
        self.enter("DescribeStacks")?;
        Ok(self.state.borrow().stacks.get(name).map(|s| s.info.clone()))
    }
    async fn get_template(&self, name: &str) -> Result<Option<String>, AwsError> {
        self.enter("GetTemplate")?;
        Ok(self
            .state
            .borrow()
            .stacks
            .get(name)
            .map(|s| s.template.clone()))
    }
    async fn create_change_set(&self, request: &ChangeSetRequest) -> Result<String, AwsError> {
        self.enter("CreateChangeSet")?;
        let id = self.next_id("cs");
        let exists = self.state.borrow().stacks.contains_key(&request.stack_name);
        if request.create && !exists {
            self.put_stack(&request.stack_name, "REVIEW_IN_PROGRESS", "");
        }
        let mut state = self.state.borrow_mut();
        state.change_sets.insert(id.clone(), request.clone());
        Ok(id)
    }
    async fn describe_change_set(&self, _: &str, id: &str) -> Result<ChangeSetView, AwsError> {
        self.enter("DescribeChangeSet")?;
        let state = self.state.borrow();
        let Some(request) = state.change_sets.get(id) else {
            return Err(service_error("DescribeChangeSet", "ChangeSetNotFound", id));
        };
        let action = if request.create { "Add" } else { "Modify" };
        Ok(ChangeSetView {
            status: "CREATE_COMPLETE".to_owned(),
            execution_status: Some("AVAILABLE".to_owned()),
            status_reason: None,
            changes: vec![ResourceChange {
                action: action.to_owned(),
                logical_id: "RolloutStateMachine".to_owned(),
                resource_type: "AWS::StepFunctions::StateMachine".to_owned(),
                replacement: None,
            }],
        })
    }
    async fn execute_change_set(&self, stack: &str, id: &str) -> Result<(), AwsError> {
        self.enter("ExecuteChangeSet")?;
        let event_id = self.next_id("event");
        let mut state = self.state.borrow_mut();
        let Some(request) = state.change_sets.remove(id) else {
            return Err(service_error("ExecuteChangeSet", "ChangeSetNotFound", id));
        };
        let status = if request.create {
            "CREATE_COMPLETE"
        } else {
            "UPDATE_COMPLETE"
        };
        let Some(found) = state.stacks.get_mut(stack) else {
            return Err(service_error("ExecuteChangeSet", "ValidationError", stack));
        };
        found.info.status = status.to_owned();
        found.info.parameters = request.parameters;
        found.template = request.template_body;
        found.events.push(StackEvent {
            id: event_id,
            logical_id: stack.to_owned(),
            resource_type: "AWS::CloudFormation::Stack".to_owned(),
            status: status.to_owned(),
            reason: None,
        });
        Ok(())
    }
    async fn delete_change_set(&self, _: &str, id: &str) -> Result<(), AwsError> {
        self.enter("DeleteChangeSet")?;
        self.state.borrow_mut().change_sets.remove(id);
        Ok(())
    }
    async fn stack_events(
        &self,
        stack: &str,
        after: Option<&str>,
    ) -> Result<Vec<StackEvent>, AwsError> {
        self.enter("DescribeStackEvents")?;
        let state = self.state.borrow();
        let events = state.stacks.get(stack).map(|s| s.events.clone());
        Ok(events
            .unwrap_or_default()
            .into_iter()
            .rev()
            .take_while(|e| Some(e.id.as_str()) != after)
            .collect())
    }
    async fn delete_stack(&self, name: &str) -> Result<(), AwsError> {
        self.enter("DeleteStack")?;
        self.state.borrow_mut().stacks.remove(name);
        Ok(())
    }

    async fn describe_stack_set(
        &self,
        _: &str,
        _: CallAs,
    ) -> Result<Option<StackSetView>, AwsError> {
        self.enter("DescribeStackSet")?;
        let state = self.state.borrow();
        Ok(state.stack_set.as_ref().map(|config| StackSetView {
            template_body: Some(config.template_body.clone()),
            parameters: config.parameters.clone(),
            description: Some(config.description.clone()),
            permission_model: Some(config.permission_model),
            auto_deployment: config.auto_deployment,
            tags: config.tags.clone(),
        }))
    }
    async fn create_stack_set(&self, config: &StackSetConfig, _: CallAs) -> Result<(), AwsError> {
        self.enter("CreateStackSet")?;
        self.state.borrow_mut().stack_set = Some(config.clone());
        Ok(())
    }
    async fn update_stack_set(
        &self,
        config: &StackSetConfig,
        _: CallAs,
        targets: Option<&InstanceTargets>,
        _: &OperationPreferences,
    ) -> Result<String, AwsError> {
        self.enter("UpdateStackSet")?;
        self.state.borrow_mut().stack_set = Some(config.clone());
        let pairs = match targets {
            Some(targets) => self.pairs(targets),
            None => {
                let state = self.state.borrow();
                let pair = |i: &StackInstance| (i.account.clone(), i.region.clone());
                state.instances.iter().map(pair).collect()
            }
        };
        Ok(self.operate(pairs, "UPDATE", false))
    }
    async fn delete_stack_set(&self, _: &str, _: CallAs) -> Result<(), AwsError> {
        self.enter("DeleteStackSet")?;
        self.state.borrow_mut().stack_set = None;
        Ok(())
    }
    async fn list_stack_instances(
        &self,
        _: &str,
        _: CallAs,
    ) -> Result<Vec<StackInstance>, AwsError> {
        self.enter("ListStackInstances")?;
        Ok(self.state.borrow().instances.clone())
    }
    async fn create_stack_instances(
        &self,
        _: &str,
        _: CallAs,
        _: PermissionModel,
        targets: &InstanceTargets,
        _: &OperationPreferences,
    ) -> Result<String, AwsError> {
        self.enter("CreateStackInstances")?;
        Ok(self.operate(self.pairs(targets), "CREATE", false))
    }
    async fn delete_stack_instances(
        &self,
        _: &str,
        _: CallAs,
        _: PermissionModel,
        targets: &InstanceTargets,
        _: &OperationPreferences,
    ) -> Result<String, AwsError> {
        self.enter("DeleteStackInstances")?;
        Ok(self.operate(self.pairs(targets), "DELETE", true))
    }
    async fn describe_operation(
        &self,
        _: &str,
        _: CallAs,
        id: &str,
    ) -> Result<OperationView, AwsError> {
        self.enter("DescribeStackSetOperation")?;
        let state = self.state.borrow();
        match state.operations.iter().find(|o| o.view.id == id) {
            Some(operation) => Ok(operation.view.clone()),
            None => Err(service_error(
                "DescribeStackSetOperation",
                "OperationNotFoundException",
                id,
            )),
        }
    }
    async fn recent_operations(&self, _: &str, _: CallAs) -> Result<Vec<OperationView>, AwsError> {
        self.enter("ListStackSetOperations")?;
        let state = self.state.borrow();
        Ok(state
            .operations
            .iter()
            .rev()
            .map(|o| o.view.clone())
            .collect())
    }
    async fn operation_results(
        &self,
        _: &str,
        _: CallAs,
        id: &str,
    ) -> Result<Vec<OperationResult>, AwsError> {
        self.enter("ListStackSetOperationResults")?;
        let state = self.state.borrow();
        let operation = state.operations.iter().find(|o| o.view.id == id);
        Ok(operation.map(|o| o.results.clone()).unwrap_or_default())
    }
}

impl ArtifactStore for FakeAws {
    async fn bucket_location(&self, _: BucketRef<'_>) -> Result<BucketLocation, AwsError> {
        self.enter("HeadBucket")?;
        Ok(self.state.borrow().bucket.clone())
    }
    async fn object_exists(&self, _: BucketRef<'_>, key: &str) -> Result<bool, AwsError> {
        self.enter("HeadObject")?;
        Ok(self.state.borrow().objects.contains(key))
    }
    async fn put_object(&self, _: BucketRef<'_>, key: &str, _: &str) -> Result<(), AwsError> {
        self.enter("PutObject")?;
        self.state.borrow_mut().objects.insert(key.to_owned());
        Ok(())
    }
    async fn bucket_tags(&self, _: BucketRef<'_>) -> Result<Vec<(String, String)>, AwsError> {
        self.enter("GetBucketTagging")?;
        Ok(self.state.borrow().bucket_tags.clone())
    }
    async fn create_bucket(&self, _: &str, region: &str) -> Result<bool, AwsError> {
        self.enter("CreateBucket")?;
        let mut state = self.state.borrow_mut();
        let created = state.bucket == BucketLocation::Missing;
        state.bucket = BucketLocation::Region(region.to_owned());
        Ok(created)
    }
    async fn block_public_access(&self, _: BucketRef<'_>) -> Result<(), AwsError> {
        self.enter("PutPublicAccessBlock")
    }
    async fn enforce_bucket_owner(&self, _: BucketRef<'_>) -> Result<(), AwsError> {
        self.enter("PutBucketOwnershipControls")
    }
    async fn encrypt_with_s3_keys(&self, _: BucketRef<'_>) -> Result<(), AwsError> {
        self.enter("PutBucketEncryption")
    }
    async fn enable_versioning(&self, _: BucketRef<'_>) -> Result<(), AwsError> {
        self.enter("PutBucketVersioning")
    }
    async fn put_bucket_policy(&self, _: BucketRef<'_>, _: &str) -> Result<(), AwsError> {
        self.enter("PutBucketPolicy")
    }
    async fn put_lifecycle(&self, _: BucketRef<'_>, _: &LifecycleRule) -> Result<(), AwsError> {
        self.enter("PutBucketLifecycleConfiguration")
    }
    async fn put_bucket_tags(
        &self,
        _: BucketRef<'_>,
        tags: &[(String, String)],
    ) -> Result<(), AwsError> {
        self.enter("PutBucketTagging")?;
        self.state.borrow_mut().bucket_tags = tags.to_vec();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::{Backoff, retry};
    use std::time::Duration;

    fn fast(attempts: u32) -> Backoff {
        Backoff {
            attempts,
            initial: Duration::from_millis(1),
            max: Duration::from_millis(1),
        }
    }

    #[tokio::test]
    async fn throttling_is_retried_until_the_call_goes_through() {
        let aws = FakeAws::new("100000000000", &[]);
        aws.fail("ListStackInstances", "Throttling", 2);
        let listed = retry(fast(4), AwsError::is_throttling, || {
            aws.list_stack_instances("x-spoke", CallAs::SelfAccount)
        })
        .await;
        assert_eq!(listed, Ok(Vec::new()));
        assert_eq!(aws.count("ListStackInstances"), 3);
    }

    #[tokio::test]
    async fn exhausted_throttling_names_the_operation_and_the_code() {
        let aws = FakeAws::new("100000000000", &[]);
        aws.fail("ListStackInstances", "Throttling", 5);
        let listed = retry(fast(3), AwsError::is_throttling, || {
            aws.list_stack_instances("x-spoke", CallAs::SelfAccount)
        })
        .await;
        let error = listed.expect_err("three throttled attempts");
        assert!(error.is_throttling());
        assert_eq!(
            error.to_string(),
            "`ListStackInstances` failed: Throttling: scripted by the test"
        );
        assert_eq!(aws.count("ListStackInstances"), 3);
        // The scripted failures left over still apply, one per call.
        assert_eq!(aws.state.borrow().failures.len(), 2);
    }
}
