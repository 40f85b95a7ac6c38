// Which property changes make CloudFormation replace a resource (or refuse the update), for the
// resource types patchform generates. From the CloudFormation resource reference ("Update
// requires: Replacement"); a type not listed is assumed to update in place.

use serde_json::Value;

/// What changing a property does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Effect {
    /// The resource is deleted and created anew.
    Replacement,
    /// CloudFormation refuses the update (KMS keys protect their immutable properties this way).
    UpdateFails,
}

use Effect::{Replacement, UpdateFails};

/// Properties of each generated resource type whose change has an effect beyond an in-place update.
pub(super) const TABLE: &[(&str, &[(&str, Effect)])] = &[
    (
        "AWS::SSM::PatchBaseline",
        &[("OperatingSystem", Replacement)],
    ),
    ("AWS::SSM::Document", &[("Name", Replacement)]),
    ("AWS::SSM::Parameter", &[("Name", Replacement)]),
    (
        "AWS::IAM::Role",
        &[("RoleName", Replacement), ("Path", Replacement)],
    ),
    (
        "AWS::IAM::ManagedPolicy",
        &[
            ("ManagedPolicyName", Replacement),
            ("Path", Replacement),
            ("Description", Replacement),
        ],
    ),
    (
        "AWS::IAM::InstanceProfile",
        &[("InstanceProfileName", Replacement), ("Path", Replacement)],
    ),
    ("AWS::S3::Bucket", &[("BucketName", Replacement)]),
    ("AWS::S3::BucketPolicy", &[("Bucket", Replacement)]),
    (
        "AWS::DynamoDB::Table",
        &[
            ("TableName", Replacement),
            ("KeySchema", Replacement),
            ("LocalSecondaryIndexes", Replacement),
        ],
    ),
    (
        "AWS::KMS::Key",
        &[
            ("KeySpec", UpdateFails),
            ("KeyUsage", UpdateFails),
            ("Origin", UpdateFails),
            ("MultiRegion", UpdateFails),
        ],
    ),
    ("AWS::KMS::Alias", &[("AliasName", Replacement)]),
    (
        "AWS::SNS::Topic",
        &[("TopicName", Replacement), ("FifoTopic", Replacement)],
    ),
    (
        "AWS::SNS::Subscription",
        &[
            ("Protocol", Replacement),
            ("Endpoint", Replacement),
            ("TopicArn", Replacement),
        ],
    ),
    (
        "AWS::SQS::Queue",
        &[("QueueName", Replacement), ("FifoQueue", Replacement)],
    ),
    (
        "AWS::StepFunctions::StateMachine",
        &[
            ("StateMachineName", Replacement),
            ("StateMachineType", Replacement),
        ],
    ),
    (
        "AWS::Events::EventBus",
        &[("Name", Replacement), ("EventSourceName", Replacement)],
    ),
    (
        "AWS::Events::EventBusPolicy",
        &[("StatementId", Replacement)],
    ),
    ("AWS::Events::Rule", &[("Name", Replacement)]),
    (
        "AWS::Logs::LogGroup",
        &[
            ("LogGroupName", Replacement),
            ("LogGroupClass", Replacement),
        ],
    ),
    (
        "AWS::Config::ConfigRule",
        &[("ConfigRuleName", Replacement)],
    ),
    (
        "AWS::Config::RemediationConfiguration",
        &[("ConfigRuleName", Replacement)],
    ),
    (
        "AWS::Config::ConfigurationRecorder",
        &[("Name", Replacement)],
    ),
    ("AWS::Config::DeliveryChannel", &[("Name", Replacement)]),
    (
        "AWS::Scheduler::Schedule",
        &[("Name", Replacement), ("GroupName", Replacement)],
    ),
    ("AWS::Scheduler::ScheduleGroup", &[("Name", Replacement)]),
    (
        "AWS::CloudWatch::Dashboard",
        &[("DashboardName", Replacement)],
    ),
    ("AWS::CloudWatch::Alarm", &[("AlarmName", Replacement)]),
    ("AWS::Lambda::Function", &[("FunctionName", Replacement)]),
];

/// SSM document properties that replace the document unless `UpdateMethod` is `NewVersion`.
const SSM_DOCUMENT_CONTENT: &[&str] = &[
    "Content",
    "Attachments",
    "DocumentFormat",
    "DocumentType",
    "Requires",
    "TargetType",
    "VersionName",
];

/// The effect of changing `path` (a changed path under the resource, such as
/// `Properties.BucketName` or `Type`) on a resource of `resource_type` whose new definition is
/// `resource`. `None`: an in-place update.
pub(super) fn effect(resource_type: &str, resource: &Value, path: &str) -> Option<Effect> {
    if path == "Type" {
        return Some(Replacement);
    }
    let property = path.strip_prefix("Properties.")?;
    let top = property.split(['.', '[']).next().unwrap_or(property);
    if resource_type == "AWS::SSM::Document" && SSM_DOCUMENT_CONTENT.contains(&top) {
        let method = resource
            .pointer("/Properties/UpdateMethod")
            .and_then(Value::as_str);
        // UpdateMethod defaults to Replace.
        if method != Some("NewVersion") {
            return Some(Replacement);
        }
    }
    TABLE
        .iter()
        .find(|(t, _)| *t == resource_type)
        .and_then(|(_, props)| props.iter().find(|(p, _)| *p == top))
        .map(|(_, e)| *e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_and_keys_replace() {
        let r = json!({});
        assert_eq!(
            effect("AWS::S3::Bucket", &r, "Properties.BucketName"),
            Some(Replacement)
        );
        assert_eq!(
            effect("AWS::S3::Bucket", &r, "Properties.Tags[0].Value"),
            None
        );
        assert_eq!(
            effect(
                "AWS::DynamoDB::Table",
                &r,
                "Properties.KeySchema[0].AttributeName"
            ),
            Some(Replacement)
        );
        assert_eq!(
            effect("AWS::KMS::Key", &r, "Properties.KeySpec"),
            Some(UpdateFails)
        );
        assert_eq!(effect("AWS::Anything::Else", &r, "Type"), Some(Replacement));
    }

    #[test]
    fn ssm_documents_replace_on_content_unless_versioned() {
        let replace = json!({"Properties": {}});
        let version = json!({"Properties": {"UpdateMethod": "NewVersion"}});
        assert_eq!(
            effect(
                "AWS::SSM::Document",
                &replace,
                "Properties.Content.mainSteps"
            ),
            Some(Replacement)
        );
        assert_eq!(
            effect(
                "AWS::SSM::Document",
                &version,
                "Properties.Content.mainSteps"
            ),
            None
        );
        assert_eq!(
            effect("AWS::SSM::Document", &version, "Properties.Name"),
            Some(Replacement)
        );
    }
}
