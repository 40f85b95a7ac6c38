// The security section, like `cdk diff`'s: IAM statements, trust policies, key, bucket and topic
// policies and managed policy attachments added or removed, with broadening marked.

use super::iam_statement::{Statement, render};
use super::report::{ChangeKind, PolicyKind, SecurityChange};
use serde_json::Value;
use std::collections::BTreeMap;

/// Where a policy document sits: resource logical id, kind, inline policy name.
type DocumentKey = (String, PolicyKind, Option<String>);

/// The security changes from template `old` to template `new` of one artifact.
pub(super) fn compare(
    artifact: &str,
    old: Option<&Value>,
    new: Option<&Value>,
) -> Vec<SecurityChange> {
    let (old_docs, old_arns) = documents(old);
    let (new_docs, new_arns) = documents(new);
    let mut keys: Vec<&DocumentKey> = old_docs.keys().chain(new_docs.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut changes = Vec::new();
    for key in keys {
        let before = old_docs.get(key).cloned().unwrap_or_default();
        let after = new_docs.get(key).cloned().unwrap_or_default();
        for statement in after.iter().filter(|s| !before.contains(s)) {
            let broadening = statement.broadening(&before);
            changes.push(change(
                artifact,
                key,
                ChangeKind::Added,
                statement,
                broadening,
            ));
        }
        for statement in before.iter().filter(|s| !after.contains(s)) {
            let broadening = if statement.allows() {
                Vec::new()
            } else {
                vec!["Deny removed".to_owned()]
            };
            changes.push(change(
                artifact,
                key,
                ChangeKind::Removed,
                statement,
                broadening,
            ));
        }
    }
    let mut roles: Vec<&String> = old_arns.keys().chain(new_arns.keys()).collect();
    roles.sort();
    roles.dedup();
    for role in roles {
        let before = old_arns.get(role).cloned().unwrap_or_default();
        let after = new_arns.get(role).cloned().unwrap_or_default();
        for arn in after.iter().filter(|a| !before.contains(a)) {
            changes.push(attachment(artifact, role, ChangeKind::Added, arn));
        }
        for arn in before.iter().filter(|a| !after.contains(a)) {
            changes.push(attachment(artifact, role, ChangeKind::Removed, arn));
        }
    }
    changes
}

fn change(
    artifact: &str,
    (resource, kind, name): &DocumentKey,
    change: ChangeKind,
    statement: &Statement,
    broadening: Vec<String>,
) -> SecurityChange {
    SecurityChange {
        artifact: artifact.to_owned(),
        resource: resource.clone(),
        policy_kind: *kind,
        policy_name: name.clone(),
        kind: change,
        effect: statement.effect.clone(),
        principals: statement.principals.clone(),
        actions: statement.actions.clone(),
        resources: statement.resources.clone(),
        condition: statement.condition.clone(),
        broadening,
    }
}

fn attachment(artifact: &str, role: &str, kind: ChangeKind, arn: &str) -> SecurityChange {
    SecurityChange {
        artifact: artifact.to_owned(),
        resource: role.to_owned(),
        policy_kind: PolicyKind::ManagedPolicyAttachment,
        policy_name: Some(arn.to_owned()),
        kind,
        effect: "Allow".to_owned(),
        principals: Vec::new(),
        actions: Vec::new(),
        resources: Vec::new(),
        condition: None,
        broadening: if kind == ChangeKind::Added {
            vec![format!("managed policy {arn} attached")]
        } else {
            Vec::new()
        },
    }
}

/// Every policy document of a template (statements by document) and the managed policy ARNs
/// attached to each role.
fn documents(
    template: Option<&Value>,
) -> (
    BTreeMap<DocumentKey, Vec<Statement>>,
    BTreeMap<String, Vec<String>>,
) {
    let mut docs = BTreeMap::new();
    let mut arns = BTreeMap::new();
    let Some(resources) = template
        .and_then(|t| t.get("Resources"))
        .and_then(Value::as_object)
    else {
        return (docs, arns);
    };
    for (id, resource) in resources {
        let Some(props) = resource.get("Properties") else {
            continue;
        };
        let resource_type = resource
            .get("Type")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let mut add = |kind: PolicyKind, name: Option<String>, doc: Option<&Value>| {
            if let Some(doc) = doc {
                docs.entry((id.clone(), kind, name))
                    .or_insert_with(Vec::new)
                    .extend(Statement::all_in(doc));
            }
        };
        let name_of = |key: &str| props.get(key).map(render);
        match resource_type {
            "AWS::IAM::Role" => {
                add(
                    PolicyKind::TrustPolicy,
                    None,
                    props.get("AssumeRolePolicyDocument"),
                );
                for policy in props
                    .get("Policies")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    add(
                        PolicyKind::IdentityPolicy,
                        policy.get("PolicyName").map(render),
                        policy.get("PolicyDocument"),
                    );
                }
                if let Some(list) = props.get("ManagedPolicyArns").and_then(Value::as_array) {
                    arns.insert(id.clone(), list.iter().map(render).collect());
                }
            }
            "AWS::IAM::Policy" | "AWS::IAM::RolePolicy" => add(
                PolicyKind::IdentityPolicy,
                name_of("PolicyName"),
                props.get("PolicyDocument"),
            ),
            "AWS::IAM::ManagedPolicy" => add(
                PolicyKind::IdentityPolicy,
                name_of("ManagedPolicyName"),
                props.get("PolicyDocument"),
            ),
            "AWS::KMS::Key" => add(PolicyKind::KeyPolicy, None, props.get("KeyPolicy")),
            "AWS::S3::BucketPolicy" => {
                add(PolicyKind::BucketPolicy, None, props.get("PolicyDocument"))
            }
            "AWS::SNS::TopicPolicy" | "AWS::SNS::TopicInlinePolicy" => {
                add(PolicyKind::TopicPolicy, None, props.get("PolicyDocument"))
            }
            "AWS::SQS::QueuePolicy" => add(
                PolicyKind::ResourcePolicy,
                None,
                props.get("PolicyDocument"),
            ),
            _ => {}
        }
    }
    (docs, arns)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn role(actions: Value, trust: &str) -> Value {
        json!({"Resources": {"Role": {"Type": "AWS::IAM::Role", "Properties": {
            "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": {"Service": trust}, "Action": "sts:AssumeRole"}]},
            "Policies": [{"PolicyName": "run", "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]}}]
        }}}})
    }

    #[test]
    fn statements_added_and_removed_with_broadening() {
        let old = role(
            json!("ssm:StartAutomationExecution"),
            "states.amazonaws.com",
        );
        let new = role(
            json!(["ssm:StartAutomationExecution", "ssm:SendCommand"]),
            "ssm.amazonaws.com",
        );
        let changes = compare("hub.template.yaml", Some(&old), Some(&new));
        let summary: Vec<(PolicyKind, ChangeKind, Vec<String>)> = changes
            .iter()
            .map(|c| (c.policy_kind, c.kind, c.broadening.clone()))
            .collect();
        assert_eq!(
            summary,
            vec![
                (
                    PolicyKind::TrustPolicy,
                    ChangeKind::Added,
                    vec!["new principal Service:ssm.amazonaws.com".to_owned()]
                ),
                (PolicyKind::TrustPolicy, ChangeKind::Removed, vec![]),
                (
                    PolicyKind::IdentityPolicy,
                    ChangeKind::Added,
                    vec!["new action ssm:SendCommand".to_owned()]
                ),
                (PolicyKind::IdentityPolicy, ChangeKind::Removed, vec![]),
            ]
        );
    }

    #[test]
    fn identical_policies_show_nothing() {
        let t = role(json!("ssm:SendCommand"), "states.amazonaws.com");
        assert!(compare("hub.template.yaml", Some(&t), Some(&t)).is_empty());
    }
}
