// What is deployed now: the hub stack's template and parameters and the spoke stack set's template.

use super::config::{AwsSettings, connect};
use super::error::AwsError;
use super::traits::CloudFormation;
use crate::naming;
use crate::policy::Policy;

/// The deployed counterpart of a policy's hub and spoke templates (for `diff --deployed`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DeployedTemplates {
    /// GetTemplate (Original stage) of the hub stack `<name>-hub` in `hub.region`; `None` when
    /// the stack does not exist.
    pub hub_template: Option<String>,
    /// The hub stack's parameter values, sorted by key (empty when it does not exist).
    pub hub_parameters: Vec<(String, String)>,
    /// The TemplateBody of the spoke stack set `<name>-spoke` (DescribeStackSet with the
    /// policy's CallAs); `None` when it does not exist.
    pub spoke_template: Option<String>,
}

/// Read the deployed templates with any [`CloudFormation`] implementation.
pub async fn fetch_deployed_with(
    api: &impl CloudFormation,
    policy: &Policy,
) -> Result<DeployedTemplates, AwsError> {
    let hub = naming::hub_stack_name(&policy.name);
    let stack = api.describe_stack(&hub).await?;
    let (hub_template, hub_parameters) = match stack {
        // A stack still waiting for its first change set has no template yet.
        Some(info) if info.status != "REVIEW_IN_PROGRESS" => {
            (api.get_template(&hub).await?, info.parameters)
        }
        _ => (None, Vec::new()),
    };
    let spoke = naming::spoke_stack_set_name(&policy.name);
    let spoke_template = api
        .describe_stack_set(&spoke, policy.organization.call_as)
        .await?
        .and_then(|set| set.template_body);
    Ok(DeployedTemplates {
        hub_template,
        hub_parameters,
        spoke_template,
    })
}

/// Read what is deployed for `policy` from AWS (credentials from the standard chain, the hub
/// region, AWS_ENDPOINT_URL honoured). Read-only: DescribeStacks, GetTemplate, DescribeStackSet.
pub async fn fetch_deployed(policy: &Policy) -> Result<DeployedTemplates, AwsError> {
    let aws = connect(policy.hub.region.as_str(), AwsSettings::default()).await;
    fetch_deployed_with(&aws, policy).await
}

/// [`fetch_deployed`] on a private current-thread runtime, for synchronous callers.
pub fn fetch_deployed_blocking(policy: &Policy) -> Result<DeployedTemplates, AwsError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| AwsError::Unexpected {
            operation: "runtime",
            message: format!("cannot start the async runtime: {e}"),
        })?;
    runtime.block_on(fetch_deployed(policy))
}
