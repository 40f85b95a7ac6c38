// Find the deployed hub of a policy from its stack's outputs (what `patchform deploy` left).

use super::error::RolloutError;
use crate::aws::CloudFormation;
use crate::plan::Plan;

/// The hub resources the day-2 commands use.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub(crate) struct Hub {
    /// The hub stack.
    pub stack: String,
    /// The rollout state machine's ARN.
    pub rollout_machine: String,
    /// The audit table's name.
    pub audit_table: String,
    /// The log bucket's name (stop requests go under `control/`).
    pub bucket: String,
}

/// DescribeStacks of the policy's hub stack, and its outputs.
pub(crate) async fn find(api: &impl CloudFormation, plan: &Plan) -> Result<Hub, RolloutError> {
    let stack = &plan.names.hub_stack;
    let info = api
        .describe_stack(stack)
        .await?
        .ok_or_else(|| RolloutError::HubMissing {
            policy: plan.name.clone(),
            stack: stack.clone(),
            region: plan.hub_region.clone(),
            account: plan.hub_account.clone(),
        })?;
    let output = |key: &'static str| {
        info.outputs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .ok_or_else(|| RolloutError::HubIncomplete {
                stack: stack.clone(),
                status: info.status.clone(),
                output: key,
            })
    };
    Ok(Hub {
        stack: stack.clone(),
        rollout_machine: output("RolloutStateMachineArn")?,
        audit_table: output("AuditTableName")?,
        bucket: output("LogBucketName")?,
    })
}
