// CloudFormation through the SDK: the hub stack (change sets, events) and the spoke stack set.

use super::error::AwsError;
use super::model::*;
use super::sdk::{Aws, sorted};
use super::sdk_cloudformation_types::*;
use super::traits::CloudFormation;
use crate::policy::{CallAs, PermissionModel};
use aws_sdk_cloudformation::types as cfn;

/// DescribeStacks and GetTemplate answer a missing stack with a generic `ValidationError`;
/// only its message ("Stack with id … does not exist") tells it apart from a malformed request.
fn is_missing_stack(error: &AwsError) -> bool {
    matches!(error, AwsError::Service { code, message, .. }
        if code == "ValidationError" && message.contains("does not exist"))
}

impl CloudFormation for Aws {
    async fn describe_stack(&self, name: &str) -> Result<Option<StackInfo>, AwsError> {
        let op = "DescribeStacks";
        let out = match self
            .cloudformation
            .describe_stacks()
            .stack_name(name)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(op, e))
        {
            Err(e) if is_missing_stack(&e) => return Ok(None),
            other => other?,
        };
        let Some(stack) = out.stacks().first() else {
            return Ok(None);
        };
        let status = stack
            .stack_status()
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default();
        if status == "DELETE_COMPLETE" {
            return Ok(None);
        }
        Ok(Some(StackInfo {
            id: stack.stack_id().unwrap_or_default().to_owned(),
            status,
            status_reason: stack.stack_status_reason().map(str::to_owned),
            parameters: read_parameters(stack.parameters()),
            outputs: sorted(
                stack
                    .outputs()
                    .iter()
                    .filter_map(|o| {
                        Some((o.output_key()?.to_owned(), o.output_value()?.to_owned()))
                    })
                    .collect(),
            ),
        }))
    }

    async fn get_template(&self, name: &str) -> Result<Option<String>, AwsError> {
        let op = "GetTemplate";
        match self
            .cloudformation
            .get_template()
            .stack_name(name)
            .template_stage(cfn::TemplateStage::Original)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(op, e))
        {
            Err(e) if is_missing_stack(&e) => Ok(None),
            Err(e) => Err(e),
            Ok(out) => Ok(out.template_body),
        }
    }

    async fn create_change_set(&self, request: &ChangeSetRequest) -> Result<String, AwsError> {
        let op = "CreateChangeSet";
        let out = self
            .cloudformation
            .create_change_set()
            .stack_name(&request.stack_name)
            .change_set_name(&request.change_set_name)
            .set_template_body(template_body(
                &request.template_body,
                request.template_url.as_deref(),
            ))
            .set_template_url(request.template_url.clone())
            .set_parameters(Some(parameters(&request.parameters)))
            .change_set_type(if request.create {
                cfn::ChangeSetType::Create
            } else {
                cfn::ChangeSetType::Update
            })
            // The hub creates named IAM roles; nothing else (no macros, no nested stacks).
            .capabilities(cfn::Capability::CapabilityNamedIam)
            .description(&request.description)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(op, e))?;
        out.id.ok_or_else(|| AwsError::Unexpected {
            operation: op,
            message: "no change set id in the answer".to_owned(),
        })
    }

    async fn describe_change_set(&self, stack: &str, id: &str) -> Result<ChangeSetView, AwsError> {
        let op = "DescribeChangeSet";
        let mut view = ChangeSetView::default();
        let mut token = None;
        loop {
            let out = self
                .cloudformation
                .describe_change_set()
                .stack_name(stack)
                .change_set_name(id)
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk(op, e))?;
            view.status = out
                .status()
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default();
            view.execution_status = out.execution_status().map(|s| s.as_str().to_owned());
            view.status_reason = out.status_reason().map(str::to_owned);
            view.changes.extend(
                out.changes()
                    .iter()
                    .filter_map(|c| c.resource_change())
                    .map(|rc| ResourceChange {
                        action: rc
                            .action()
                            .map(|a| a.as_str().to_owned())
                            .unwrap_or_default(),
                        logical_id: rc.logical_resource_id().unwrap_or_default().to_owned(),
                        resource_type: rc.resource_type().unwrap_or_default().to_owned(),
                        replacement: rc.replacement().map(|r| r.as_str().to_owned()),
                    }),
            );
            token = out.next_token;
            if token.is_none() {
                return Ok(view);
            }
        }
    }

    async fn execute_change_set(&self, stack: &str, id: &str) -> Result<(), AwsError> {
        self.cloudformation
            .execute_change_set()
            .stack_name(stack)
            .change_set_name(id)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("ExecuteChangeSet", e))?;
        Ok(())
    }

    async fn delete_change_set(&self, stack: &str, id: &str) -> Result<(), AwsError> {
        self.cloudformation
            .delete_change_set()
            .stack_name(stack)
            .change_set_name(id)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("DeleteChangeSet", e))?;
        Ok(())
    }

    async fn stack_events(
        &self,
        stack: &str,
        after: Option<&str>,
    ) -> Result<Vec<StackEvent>, AwsError> {
        let op = "DescribeStackEvents";
        let mut events = Vec::new();
        let mut token = None;
        loop {
            let out = self
                .cloudformation
                .describe_stack_events()
                .stack_name(stack)
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk(op, e))?;
            for e in out.stack_events() {
                let id = e.event_id().unwrap_or_default();
                if Some(id) == after {
                    return Ok(events);
                }
                events.push(StackEvent {
                    id: id.to_owned(),
                    logical_id: e.logical_resource_id().unwrap_or_default().to_owned(),
                    resource_type: e.resource_type().unwrap_or_default().to_owned(),
                    status: e
                        .resource_status()
                        .map(|s| s.as_str().to_owned())
                        .unwrap_or_default(),
                    reason: e.resource_status_reason().map(str::to_owned),
                });
            }
            token = out.next_token;
            // Without a marker, the newest page is enough (the caller only wants the latest id).
            if token.is_none() || after.is_none() {
                return Ok(events);
            }
        }
    }

    async fn delete_stack(&self, name: &str) -> Result<(), AwsError> {
        self.cloudformation
            .delete_stack()
            .stack_name(name)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("DeleteStack", e))?;
        Ok(())
    }

    async fn describe_stack_set(
        &self,
        name: &str,
        as_: CallAs,
    ) -> Result<Option<StackSetView>, AwsError> {
        let op = "DescribeStackSet";
        let out = match self
            .cloudformation
            .describe_stack_set()
            .stack_set_name(name)
            .call_as(call_as(as_))
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(op, e))
        {
            Err(e) if e.code() == Some("StackSetNotFoundException") => return Ok(None),
            other => other?,
        };
        let Some(set) = out.stack_set() else {
            return Ok(None);
        };
        if set.status() == Some(&cfn::StackSetStatus::Deleted) {
            return Ok(None);
        }
        Ok(Some(StackSetView {
            template_body: set.template_body().map(str::to_owned),
            parameters: read_parameters(set.parameters()),
            description: set.description().map(str::to_owned),
            permission_model: set.permission_model().map(|m| match m {
                cfn::PermissionModels::ServiceManaged => PermissionModel::ServiceManaged,
                _ => PermissionModel::SelfManaged,
            }),
            auto_deployment: set.auto_deployment().and_then(|a| a.enabled()),
            tags: sorted(
                set.tags()
                    .iter()
                    .filter_map(|t| Some((t.key()?.to_owned(), t.value()?.to_owned())))
                    .collect(),
            ),
        }))
    }

    async fn create_stack_set(&self, config: &StackSetConfig, as_: CallAs) -> Result<(), AwsError> {
        let mut request = self
            .cloudformation
            .create_stack_set()
            .stack_set_name(&config.name)
            .set_template_body(template_body(
                &config.template_body,
                config.template_url.as_deref(),
            ))
            .set_template_url(config.template_url.clone())
            .description(&config.description)
            .set_parameters(Some(parameters(&config.parameters)))
            .set_tags(Some(tags(&config.tags)))
            .permission_model(permission_model(config.permission_model))
            .capabilities(cfn::Capability::CapabilityNamedIam)
            .managed_execution(
                cfn::ManagedExecution::builder()
                    .active(config.managed_execution)
                    .build(),
            )
            .call_as(call_as(as_));
        if let Some(enabled) = config.auto_deployment {
            request = request.auto_deployment(auto_deployment(enabled));
        }
        request
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("CreateStackSet", e))?;
        Ok(())
    }

    async fn update_stack_set(
        &self,
        config: &StackSetConfig,
        as_: CallAs,
        targets: Option<&InstanceTargets>,
        prefs: &OperationPreferences,
    ) -> Result<String, AwsError> {
        let op = "UpdateStackSet";
        let mut request = self
            .cloudformation
            .update_stack_set()
            .stack_set_name(&config.name)
            .set_template_body(template_body(
                &config.template_body,
                config.template_url.as_deref(),
            ))
            .set_template_url(config.template_url.clone())
            .description(&config.description)
            .set_parameters(Some(parameters(&config.parameters)))
            .set_tags(Some(tags(&config.tags)))
            .permission_model(permission_model(config.permission_model))
            .capabilities(cfn::Capability::CapabilityNamedIam)
            .managed_execution(
                cfn::ManagedExecution::builder()
                    .active(config.managed_execution)
                    .build(),
            )
            .operation_preferences(preferences(prefs))
            .call_as(call_as(as_));
        if let Some(enabled) = config.auto_deployment {
            request = request.auto_deployment(auto_deployment(enabled));
        }
        if let Some(targets) = targets {
            request = request.set_regions(Some(targets.regions.clone()));
            request = match config.permission_model {
                PermissionModel::ServiceManaged => {
                    request.deployment_targets(deployment_targets(targets))
                }
                PermissionModel::SelfManaged => {
                    request.set_accounts(Some(targets.accounts.clone()))
                }
            };
        }
        let out = request
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(op, e))?;
        operation_id(op, out.operation_id)
    }

    async fn delete_stack_set(&self, name: &str, as_: CallAs) -> Result<(), AwsError> {
        self.cloudformation
            .delete_stack_set()
            .stack_set_name(name)
            .call_as(call_as(as_))
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("DeleteStackSet", e))?;
        Ok(())
    }

    async fn list_stack_instances(
        &self,
        name: &str,
        as_: CallAs,
    ) -> Result<Vec<StackInstance>, AwsError> {
        let op = "ListStackInstances";
        let mut instances = Vec::new();
        let mut token = None;
        loop {
            let out = self
                .cloudformation
                .list_stack_instances()
                .stack_set_name(name)
                .call_as(call_as(as_))
                .max_results(100)
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk(op, e))?;
            instances.extend(out.summaries().iter().map(|s| {
                StackInstance {
                    account: s.account().unwrap_or_default().to_owned(),
                    region: s.region().unwrap_or_default().to_owned(),
                    organizational_unit: s.organizational_unit_id().map(str::to_owned),
                    status: match s.status() {
                        Some(cfn::StackInstanceStatus::Current) => InstanceStatus::Current,
                        Some(cfn::StackInstanceStatus::Inoperable) => InstanceStatus::Inoperable,
                        _ => InstanceStatus::Outdated,
                    },
                    detailed_status: s
                        .stack_instance_status()
                        .and_then(|d| d.detailed_status())
                        .map(|d| d.as_str().to_owned()),
                    reason: s.status_reason().map(str::to_owned),
                }
            }));
            token = out.next_token;
            if token.is_none() {
                return Ok(instances);
            }
        }
    }

    async fn create_stack_instances(
        &self,
        name: &str,
        as_: CallAs,
        model: PermissionModel,
        targets: &InstanceTargets,
        prefs: &OperationPreferences,
    ) -> Result<String, AwsError> {
        let op = "CreateStackInstances";
        let mut request = self
            .cloudformation
            .create_stack_instances()
            .stack_set_name(name)
            .set_regions(Some(targets.regions.clone()))
            .operation_preferences(preferences(prefs))
            .call_as(call_as(as_));
        request = match model {
            PermissionModel::ServiceManaged => {
                request.deployment_targets(deployment_targets(targets))
            }
            PermissionModel::SelfManaged => request.set_accounts(Some(targets.accounts.clone())),
        };
        let out = request
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(op, e))?;
        operation_id(op, out.operation_id)
    }

    async fn delete_stack_instances(
        &self,
        name: &str,
        as_: CallAs,
        model: PermissionModel,
        targets: &InstanceTargets,
        prefs: &OperationPreferences,
    ) -> Result<String, AwsError> {
        let op = "DeleteStackInstances";
        let mut request = self
            .cloudformation
            .delete_stack_instances()
            .stack_set_name(name)
            .set_regions(Some(targets.regions.clone()))
            .retain_stacks(false)
            .operation_preferences(preferences(prefs))
            .call_as(call_as(as_));
        request = match model {
            PermissionModel::ServiceManaged => {
                request.deployment_targets(deployment_targets(targets))
            }
            PermissionModel::SelfManaged => request.set_accounts(Some(targets.accounts.clone())),
        };
        let out = request
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(op, e))?;
        operation_id(op, out.operation_id)
    }

    async fn describe_operation(
        &self,
        name: &str,
        as_: CallAs,
        id: &str,
    ) -> Result<OperationView, AwsError> {
        let op = "DescribeStackSetOperation";
        let out = self
            .cloudformation
            .describe_stack_set_operation()
            .stack_set_name(name)
            .operation_id(id)
            .call_as(call_as(as_))
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(op, e))?;
        let o = out
            .stack_set_operation()
            .ok_or_else(|| AwsError::Unexpected {
                operation: op,
                message: "no operation in the answer".to_owned(),
            })?;
        Ok(OperationView {
            id: o.operation_id().unwrap_or(id).to_owned(),
            action: o
                .action()
                .map(|a| a.as_str().to_owned())
                .unwrap_or_default(),
            status: operation_status(o.status()),
            status_reason: o.status_reason().map(str::to_owned),
            failed_instances: o
                .status_details()
                .and_then(|d| d.failed_stack_instances_count()),
        })
    }

    async fn recent_operations(
        &self,
        name: &str,
        as_: CallAs,
    ) -> Result<Vec<OperationView>, AwsError> {
        let op = "ListStackSetOperations";
        let out = self
            .cloudformation
            .list_stack_set_operations()
            .stack_set_name(name)
            .call_as(call_as(as_))
            .max_results(20)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(op, e))?;
        Ok(out
            .summaries()
            .iter()
            .map(|o| OperationView {
                id: o.operation_id().unwrap_or_default().to_owned(),
                action: o
                    .action()
                    .map(|a| a.as_str().to_owned())
                    .unwrap_or_default(),
                status: operation_status(o.status()),
                status_reason: o.status_reason().map(str::to_owned),
                failed_instances: o
                    .status_details()
                    .and_then(|d| d.failed_stack_instances_count()),
            })
            .collect())
    }

    async fn operation_results(
        &self,
        name: &str,
        as_: CallAs,
        id: &str,
    ) -> Result<Vec<OperationResult>, AwsError> {
        let op = "ListStackSetOperationResults";
        let mut results = Vec::new();
        let mut token = None;
        loop {
            let out = self
                .cloudformation
                .list_stack_set_operation_results()
                .stack_set_name(name)
                .operation_id(id)
                .call_as(call_as(as_))
                .max_results(100)
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk(op, e))?;
            results.extend(out.summaries().iter().map(|r| {
                OperationResult {
                    account: r.account().unwrap_or_default().to_owned(),
                    region: r.region().unwrap_or_default().to_owned(),
                    status: r
                        .status()
                        .map(|s| s.as_str().to_owned())
                        .unwrap_or_default(),
                    reason: r.status_reason().map(str::to_owned),
                }
            }));
            token = out.next_token;
            if token.is_none() {
                return Ok(results);
            }
        }
    }
}

/// The id of the operation a StackSets call started; every such answer carries one.
fn operation_id(op: &'static str, id: Option<String>) -> Result<String, AwsError> {
    id.ok_or_else(|| AwsError::Unexpected {
        operation: op,
        message: "no operation id in the answer".to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_stacks_are_told_apart_from_other_validation_errors() {
        let missing = AwsError::Service {
            operation: "DescribeStacks",
            code: "ValidationError".into(),
            message: "Stack with id tiny-hub does not exist".into(),
        };
        let other = AwsError::Service {
            operation: "DescribeStacks",
            code: "ValidationError".into(),
            message: "1 validation error detected".into(),
        };
        assert!(is_missing_stack(&missing));
        assert!(!is_missing_stack(&other));
    }
}
