// Resource-level changes of one CloudFormation template, CloudFormation style: added, removed,
// modified (with the property paths) and replaced, with data-loss warnings.

use super::replacement::{self, Effect};
use super::report::{ResourceAction, ResourceChange};
use super::value_paths::changed_paths;
use serde_json::{Map, Value};

/// Resource types whose replacement or removal loses data, and what is lost.
const DATA_TYPES: &[(&str, &str)] = &[
    (
        "AWS::S3::Bucket",
        "the bucket and its objects (rollout logs, failure analyses)",
    ),
    (
        "AWS::DynamoDB::Table",
        "the table and its items (the rollout audit trail)",
    ),
];

/// The resource changes from template `old` to template `new` (`None`: the template does not
/// exist on that side), in logical-id order.
pub(super) fn compare(old: Option<&Value>, new: Option<&Value>) -> Vec<ResourceChange> {
    let empty = Map::new();
    let resources = |t: Option<&Value>| -> Map<String, Value> {
        t.and_then(|t| t.get("Resources"))
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_else(|| empty.clone())
    };
    let (old, new) = (resources(old), resources(new));
    let mut ids: Vec<&String> = old.keys().chain(new.keys()).collect();
    ids.sort();
    ids.dedup();
    ids.into_iter()
        .filter_map(|id| change(id, old.get(id), new.get(id)))
        .collect()
}

fn change(id: &str, old: Option<&Value>, new: Option<&Value>) -> Option<ResourceChange> {
    let type_of = |r: &Value| {
        r.get("Type")
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_owned()
    };
    match (old, new) {
        (None, None) => None,
        (None, Some(n)) => Some(ResourceChange {
            logical_id: id.to_owned(),
            resource_type: type_of(n),
            action: ResourceAction::Add,
            changed_paths: Vec::new(),
            replacement_paths: Vec::new(),
            data_loss: None,
        }),
        (Some(o), None) => {
            let resource_type = type_of(o);
            let data_loss = if retained(o, "DeletionPolicy") {
                None
            } else {
                lost(&resource_type).map(|what| format!("removing it deletes {what}"))
            };
            Some(ResourceChange {
                logical_id: id.to_owned(),
                resource_type,
                action: ResourceAction::Remove,
                changed_paths: Vec::new(),
                replacement_paths: Vec::new(),
                data_loss,
            })
        }
        (Some(o), Some(n)) => {
            let paths = changed_paths(Some(o), Some(n), "");
            if paths.is_empty() {
                return None;
            }
            let resource_type = type_of(n);
            let mut action = ResourceAction::Modify;
            let mut replacement_paths = Vec::new();
            for path in &paths {
                match replacement::effect(&resource_type, n, path) {
                    Some(Effect::UpdateFails) => {
                        action = ResourceAction::UpdateFails;
                        replacement_paths.push(path.clone());
                    }
                    Some(Effect::Replacement) => {
                        if action != ResourceAction::UpdateFails {
                            action = ResourceAction::Replace;
                        }
                        replacement_paths.push(path.clone());
                    }
                    None => {}
                }
            }
            let old_type = type_of(o);
            let data_loss = (action == ResourceAction::Replace
                && !retained(o, "UpdateReplacePolicy"))
            .then(|| lost(&old_type))
            .flatten()
            .map(|what| format!("replacing it deletes {what}"));
            Some(ResourceChange {
                logical_id: id.to_owned(),
                resource_type,
                action,
                changed_paths: paths,
                replacement_paths,
                data_loss,
            })
        }
    }
}

fn lost(resource_type: &str) -> Option<&'static str> {
    DATA_TYPES
        .iter()
        .find(|(t, _)| *t == resource_type)
        .map(|(_, what)| *what)
}

/// Whether the policy attribute keeps the old resource (Retain, or Snapshot for tables).
fn retained(resource: &Value, attribute: &str) -> bool {
    matches!(
        resource.get(attribute).and_then(Value::as_str),
        Some("Retain" | "RetainExceptOnCreate" | "Snapshot")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn classifies_resources() {
        let old = json!({"Resources": {
            "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "a"}},
            "Kept": {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain"},
            "Table": {"Type": "AWS::DynamoDB::Table", "Properties": {"TableName": "t"}},
            "Baseline": {"Type": "AWS::SSM::PatchBaseline", "Properties": {"OperatingSystem": "WINDOWS", "ApprovalRules": {"PatchRules": [{"ApproveAfterDays": 7}]}}}
        }});
        let new = json!({"Resources": {
            "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "b"}},
            "Baseline": {"Type": "AWS::SSM::PatchBaseline", "Properties": {"OperatingSystem": "WINDOWS", "ApprovalRules": {"PatchRules": [{"ApproveAfterDays": 3}]}}},
            "Topic": {"Type": "AWS::SNS::Topic"}
        }});
        let changes = compare(Some(&old), Some(&new));
        let summary: Vec<(&str, ResourceAction, bool)> = changes
            .iter()
            .map(|c| (c.logical_id.as_str(), c.action, c.data_loss.is_some()))
            .collect();
        assert_eq!(
            summary,
            vec![
                ("Baseline", ResourceAction::Modify, false),
                ("Bucket", ResourceAction::Replace, true),
                ("Kept", ResourceAction::Remove, false),
                ("Table", ResourceAction::Remove, true),
                ("Topic", ResourceAction::Add, false),
            ]
        );
        assert_eq!(
            changes[0].changed_paths,
            vec!["Properties.ApprovalRules.PatchRules[0].ApproveAfterDays"]
        );
        assert_eq!(changes[1].replacement_paths, vec!["Properties.BucketName"]);
    }

    #[test]
    fn a_missing_template_is_all_added() {
        let new = json!({"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}});
        let changes = compare(None, Some(&new));
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].action, ResourceAction::Add);
    }
}
