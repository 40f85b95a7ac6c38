// What AWS should look like: the hub stack's template and parameters, the stack set's configuration.

use crate::artifact::{ArtifactKind, Artifacts};
use crate::aws::{OrgInfo, StackSetConfig, StackSetView};
use crate::plan::Plan;
use crate::policy::PermissionModel;
use crate::render::limits::S3_BODY_BYTES;
use sha2::{Digest, Sha256};

// CloudFormation's limit for a template read from S3 (TemplateURL), S3_BODY_BYTES, is the only
// size limit deploy checks: every template it sends goes through the artifact bucket.

/// The tag holding a digest of the stack set configuration, so settings DescribeStackSet does
/// not report (ManagedExecution on some endpoints) still count as changes.
pub(super) const CONFIG_TAG: &str = "patchform:config-sha256";

/// The hub stack as the policy wants it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct HubDesired {
    /// Stack name.
    pub stack: String,
    /// Template body.
    pub template: String,
    /// Where CloudFormation reads the body from S3, once uploaded to the artifact bucket.
    pub template_url: Option<String>,
    /// Parameter values, sorted by key.
    pub parameters: Vec<(String, String)>,
}

/// Why the compiled artifacts cannot become a desired state.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DesiredError {
    /// The artifacts lack a template (a bug if it happens: compile always renders both).
    #[error("the compiled policy has no {what} template")]
    MissingTemplate {
        /// `hub` or `spoke`.
        what: &'static str,
    },
    /// A template is larger than CloudFormation reads from S3.
    #[error(
        "the {what} template is {bytes} bytes; CloudFormation reads at most {S3_BODY_BYTES} bytes from S3"
    )]
    TooLarge {
        /// `hub` or `spoke`.
        what: &'static str,
        /// Its size.
        bytes: usize,
    },
    /// A template declares parameters deploy has no value for and that have no default.
    #[error("the {what} template needs parameters deploy cannot fill: {}", .missing.join(", "))]
    UnfilledParameters {
        /// `hub` or `spoke`.
        what: &'static str,
        /// The parameter names.
        missing: Vec<String>,
    },
}

impl DesiredError {
    /// What to do about it.
    pub fn help(&self) -> Option<String> {
        match self {
            DesiredError::TooLarge { .. } => Some("split the policy into several".to_owned()),
            DesiredError::MissingTemplate { .. } | DesiredError::UnfilledParameters { .. } => None,
        }
    }
}

/// Both desired states.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Desired {
    /// Hub stack.
    pub hub: HubDesired,
    /// Spoke stack set.
    pub stack_set: StackSetConfig,
}

/// Whether the templates can travel: CloudFormation reads at most 1,000,000 bytes from S3.
/// Checked before any AWS call, so a template that cannot be sent stops the deploy at once.
pub(super) fn check_template_sizes(artifacts: &Artifacts) -> Result<(), DesiredError> {
    for (kind, what) in [
        (ArtifactKind::HubTemplate, "hub"),
        (ArtifactKind::SpokeTemplate, "spoke"),
    ] {
        if let Some(artifact) = artifacts.of_kind(kind)
            && artifact.content.len() > S3_BODY_BYTES
        {
            return Err(DesiredError::TooLarge {
                what,
                bytes: artifact.content.len(),
            });
        }
    }
    Ok(())
}

/// Build the desired state from the compiled artifacts. Template parameters are filled from
/// what deploy knows (`OrganizationId`, `ManagementAccountId`, `HubAccountId`, `HubRegion`,
/// `PolicyName`); a parameter without a value or a default is an error. Templates must fit
/// 1,000,000 bytes (they are sent through S3).
pub(super) fn desired(
    plan: &Plan,
    artifacts: &Artifacts,
    org: &OrgInfo,
) -> Result<Desired, DesiredError> {
    let template = |kind: ArtifactKind, what: &'static str| {
        artifacts
            .of_kind(kind)
            .map(|a| a.content.clone())
            .ok_or(DesiredError::MissingTemplate { what })
    };
    let hub_template = template(ArtifactKind::HubTemplate, "hub")?;
    let spoke_template = template(ArtifactKind::SpokeTemplate, "spoke")?;
    check_template_sizes(artifacts)?;
    let known = |name: &str| -> Option<String> {
        match name {
            "OrganizationId" => Some(org.id.clone()),
            "ManagementAccountId" => Some(org.management_account.clone()),
            "HubAccountId" => Some(plan.hub_account.clone()),
            "HubRegion" => Some(plan.hub_region.clone()),
            "PolicyName" => Some(plan.name.clone()),
            _ => None,
        }
    };
    let fill = |what: &'static str, body: &str| -> Result<Vec<(String, String)>, DesiredError> {
        let mut values = Vec::new();
        let mut missing = Vec::new();
        for (name, has_default) in declared_parameters(body) {
            match known(&name) {
                Some(value) => values.push((name, value)),
                None if has_default => {}
                None => missing.push(name),
            }
        }
        if missing.is_empty() {
            values.sort();
            Ok(values)
        } else {
            Err(DesiredError::UnfilledParameters { what, missing })
        }
    };
    let hub_parameters = fill("hub", &hub_template)?;
    let spoke_parameters = fill("spoke", &spoke_template)?;
    let planned = &plan.stack_set;
    let mut stack_set = StackSetConfig {
        name: plan.names.stack_set.clone(),
        template_body: spoke_template,
        template_url: None,
        parameters: spoke_parameters,
        description: plan.stack_set_description.clone(),
        permission_model: planned.permission_model,
        auto_deployment: (planned.permission_model == PermissionModel::ServiceManaged)
            .then_some(planned.auto_deployment),
        managed_execution: true,
        tags: Vec::new(),
    };
    stack_set.tags = vec![
        (CONFIG_TAG.to_owned(), config_digest(&stack_set)),
        ("patchform:policy".to_owned(), plan.name.clone()),
    ];
    Ok(Desired {
        hub: HubDesired {
            stack: plan.names.hub_stack.clone(),
            template: hub_template,
            template_url: None,
            parameters: hub_parameters,
        },
        stack_set,
    })
}

/// Names of the template's parameters and whether each has a Default.
pub(super) fn declared_parameters(body: &str) -> Vec<(String, bool)> {
    let Ok(loaded) = crate::loader::load_bytes("template", body.as_bytes().to_vec()) else {
        return Vec::new();
    };
    loaded.document.value["Parameters"]
        .as_object()
        .map(|params| {
            params
                .iter()
                .map(|(name, decl)| (name.clone(), decl.get("Default").is_some()))
                .collect()
        })
        .unwrap_or_default()
}

fn config_digest(config: &StackSetConfig) -> String {
    let mut hash = Sha256::new();
    let fields = [
        config.template_body.clone(),
        format!("{:?}", config.parameters),
        config.description.clone(),
        format!("{:?}", config.permission_model),
        format!("{:?}", config.auto_deployment),
        config.managed_execution.to_string(),
    ];
    for field in fields {
        hash.update(field.len().to_le_bytes());
        hash.update(field.as_bytes());
    }
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// How the deployed stack set differs from the desired one; empty when it does not.
pub(super) fn stack_set_differences(
    view: &StackSetView,
    want: &StackSetConfig,
) -> Vec<&'static str> {
    let mut changes = Vec::new();
    if view.template_body.as_deref() != Some(want.template_body.as_str()) {
        changes.push("template");
    }
    if view.parameters != want.parameters {
        changes.push("parameters");
    }
    if view.auto_deployment.is_some() && view.auto_deployment != want.auto_deployment {
        changes.push("auto deployment");
    }
    let tag = |tags: &[(String, String)]| {
        tags.iter()
            .find(|(k, _)| k == CONFIG_TAG)
            .map(|(_, v)| v.clone())
    };
    if tag(&view.tags) != tag(&want.tags) && !changes.contains(&"template") {
        changes.push("settings");
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_parameters_are_read_with_their_defaults() {
        let body = "Parameters:\n  OrganizationId:\n    Type: String\n  Retention:\n    Type: Number\n    Default: 30\nResources: {}\n";
        assert_eq!(
            declared_parameters(body),
            vec![
                ("OrganizationId".to_owned(), false),
                ("Retention".to_owned(), true)
            ]
        );
    }

    #[test]
    fn an_identical_stack_set_has_no_difference_and_a_new_template_has_one() {
        let mut want = StackSetConfig {
            name: "x-spoke".into(),
            template_body: "Resources: {}\n".into(),
            template_url: None,
            parameters: vec![],
            description: "d".into(),
            permission_model: PermissionModel::SelfManaged,
            auto_deployment: None,
            managed_execution: true,
            tags: vec![],
        };
        want.tags = vec![(CONFIG_TAG.to_owned(), config_digest(&want))];
        let view = StackSetView {
            template_body: Some(want.template_body.clone()),
            tags: want.tags.clone(),
            ..StackSetView::default()
        };
        assert!(stack_set_differences(&view, &want).is_empty());
        let mut changed = want.clone();
        changed.template_body = "Resources: {A: {Type: AWS::SNS::Topic}}\n".into();
        assert_eq!(stack_set_differences(&view, &changed), vec!["template"]);
        changed = want.clone();
        changed.managed_execution = false;
        changed.tags = vec![(CONFIG_TAG.to_owned(), config_digest(&changed))];
        assert_eq!(stack_set_differences(&view, &changed), vec!["settings"]);
        // Sending the same body from S3 is no change, and the digest ignores where it comes from.
        changed = want.clone();
        changed.template_url = Some("https://b.s3.us-east-1.amazonaws.com/k.yaml".into());
        assert!(stack_set_differences(&view, &changed).is_empty());
        assert_eq!(config_digest(&changed), config_digest(&want));
    }

    #[test]
    fn only_the_s3_limit_stops_a_template() {
        let with_hub = |bytes: usize| Artifacts {
            policy_name: "big".into(),
            files: vec![crate::artifact::Artifact {
                path: "hub.template.yaml".into(),
                kind: ArtifactKind::HubTemplate,
                content: "x".repeat(bytes),
            }],
        };
        // Over the old 51,200-byte inline limit is fine: every template goes through S3.
        assert_eq!(check_template_sizes(&with_hub(60_000)), Ok(()));
        assert_eq!(check_template_sizes(&with_hub(S3_BODY_BYTES)), Ok(()));
        assert!(check_template_sizes(&with_hub(S3_BODY_BYTES + 1)).is_err());
        let s3 = DesiredError::TooLarge {
            what: "hub",
            bytes: 1_200_000,
        };
        assert!(s3.to_string().contains("1000000 bytes from S3"), "{s3}");
        let help = s3.help().unwrap_or_default();
        assert_eq!(help, "split the policy into several");
        assert!(!help.contains("--artifact-bucket"), "{help}");
    }

    #[test]
    fn the_desired_state_is_read_from_the_plan() {
        let policy =
            crate::validator::validate_path(std::path::Path::new("policies/acme-fleet.yaml"))
                .policy
                .unwrap();
        let compiled =
            crate::compiler::compile_planned(&policy, &crate::compiler::CompileOptions::default())
                .unwrap();
        let plan = &compiled.plan;
        let org = OrgInfo {
            id: "o-abc".into(),
            management_account: "111111111111".into(),
            all_features: true,
        };
        let want = desired(plan, &compiled.artifacts, &org).unwrap();
        assert_eq!(want.hub.stack, plan.names.hub_stack);
        assert_eq!(want.stack_set.name, plan.names.stack_set);
        // StackSets shows the stack set's own description, not the spoke template's.
        assert_eq!(want.stack_set.description, plan.stack_set_description);
        assert!(
            want.stack_set
                .description
                .starts_with("patchform spoke of policy acme-fleet"),
            "{}",
            want.stack_set.description
        );
        assert_eq!(
            want.stack_set.permission_model,
            plan.stack_set.permission_model
        );
        assert_eq!(
            want.stack_set.auto_deployment,
            Some(plan.stack_set.auto_deployment)
        );
        let hub_parameters = [("OrganizationId".to_owned(), "o-abc".to_owned())];
        assert_eq!(want.hub.parameters, hub_parameters);
        assert_eq!(want.stack_set.parameters, []);
    }
}
