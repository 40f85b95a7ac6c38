// Copies of one artifact inside another. A CloudFormation template embeds data that is also
// written as a file of its own, the file of record: the hub holds both state machine definitions
// and the wave runbook, the spoke both runbooks. The text level shows such a change once, in the
// file of record; in the template the copy is shown as one line naming that file.

use super::parsed;
use crate::artifact::{Artifact, ArtifactKind, Artifacts};
use crate::document::{escape_segment, unescape_segment};
use crate::source::Span;
use serde_json::Value;

/// Whether an artifact of this kind embeds files of record.
pub(crate) fn is_container(kind: ArtifactKind) -> bool {
    matches!(
        kind,
        ArtifactKind::HubTemplate | ArtifactKind::SpokeTemplate
    )
}

/// Whether an artifact of this kind is a file of record that templates may embed.
pub(crate) fn is_record(kind: ArtifactKind) -> bool {
    matches!(kind, ArtifactKind::StateMachine | ArtifactKind::Document)
}

/// The files of record of a set, parsed (those that parse).
pub(crate) fn records(set: &Artifacts) -> Vec<(&str, Value)> {
    set.files
        .iter()
        .filter(|a| is_record(a.kind))
        .filter_map(|a| parsed::parse(a).map(|v| (a.path.as_str(), v)))
        .collect()
}

/// Where `value` holds the data of one of `records`, as (JSON pointer, index into `records`), in
/// document order; a copy's own nodes are not searched further.
pub(crate) fn find(value: &Value, records: &[(&str, Value)]) -> Vec<(String, usize)> {
    let mut found = Vec::new();
    if !records.is_empty() {
        walk(value, String::new(), records, &mut found);
    }
    found
}

fn walk(
    value: &Value,
    pointer: String,
    records: &[(&str, Value)],
    found: &mut Vec<(String, usize)>,
) {
    let children: Vec<(String, &Value)> = match value {
        Value::Object(map) if !map.is_empty() => map
            .iter()
            .map(|(k, v)| (format!("{pointer}/{}", escape_segment(k)), v))
            .collect(),
        Value::Array(items) if !items.is_empty() => items
            .iter()
            .enumerate()
            .map(|(i, v)| (format!("{pointer}/{i}"), v))
            .collect(),
        _ => return,
    };
    // The whole file is never a copy of itself.
    if !pointer.is_empty()
        && let Some(index) = records.iter().position(|(_, r)| r == value)
    {
        found.push((pointer, index));
        return;
    }
    for (child_pointer, child) in children {
        walk(child, child_pointer, records, found);
    }
}

/// The two sets, each completed with the files of record that only the other holds, when one of
/// its own templates holds data where the other side's template embeds that file (the deployed
/// stacks are only templates: their state machines are compared with the copies they embed).
/// Returns the sets and one note per file taken from a template.
pub(crate) fn complete(old: &Artifacts, new: &Artifacts) -> (Artifacts, Artifacts, Vec<String>) {
    let mut notes = Vec::new();
    let old_extra = derived(old, new, "old", &mut notes);
    let new_extra = derived(new, old, "new", &mut notes);
    let with = |set: &Artifacts, extra: Vec<Artifact>| {
        let mut set = set.clone();
        if !extra.is_empty() {
            set.files.extend(extra);
            set.files.sort_by(|a, b| a.path.cmp(&b.path));
        }
        set
    };
    (with(old, old_extra), with(new, new_extra), notes)
}

/// The files of record `other` holds and `set` lacks, taken from `set`'s templates.
fn derived(
    set: &Artifacts,
    other: &Artifacts,
    side: &str,
    notes: &mut Vec<String>,
) -> Vec<Artifact> {
    // Templates on both sides cannot be empty of data: parse lazily, only when something is missing.
    let missing: Vec<&Artifact> = other
        .files
        .iter()
        .filter(|a| is_record(a.kind) && set.get(&a.path).is_none())
        .collect();
    if missing.is_empty() || set.files.is_empty() {
        return Vec::new();
    }
    let other_records = records(other);
    let mut extra = Vec::new();
    for template in other.files.iter().filter(|a| is_container(a.kind)) {
        let (Some(other_value), Some(own_value)) = (
            parsed::parse(template),
            set.get(&template.path).and_then(parsed::parse),
        ) else {
            continue;
        };
        for (pointer, index) in find(&other_value, &other_records) {
            let path = other_records[index].0;
            if !missing.iter().any(|a| a.path == path)
                || extra.iter().any(|a: &Artifact| a.path == path)
            {
                continue;
            }
            let Some(data) = own_value
                .pointer(&pointer)
                .filter(|v| v.is_object() || v.is_array())
            else {
                continue;
            };
            let Some(content) = write(path, data) else {
                continue;
            };
            notes.push(format!(
                "the {side} side has no `{path}`: compared as the copy embedded in its `{}`",
                template.path
            ));
            extra.push(Artifact {
                path: path.to_owned(),
                kind: other.get(path).map_or(ArtifactKind::Document, |a| a.kind),
                content,
            });
        }
    }
    extra
}

/// Data written the way the compiler writes a file of this name.
fn write(path: &str, data: &Value) -> Option<String> {
    if path.ends_with(".json") {
        let mut text = serde_json::to_string_pretty(data).ok()?;
        text.push('\n');
        Some(text)
    } else if path.ends_with(".yaml") || path.ends_with(".yml") {
        Some(crate::render::yaml::to_yaml(data))
    } else {
        None
    }
}

/// A pointer into a template as the resource it is in and the property path within that
/// resource, the way resource changes name paths: `/Resources/Wave/Properties/Definition` is
/// `("Wave", "Properties.Definition")`.
pub(crate) fn resource_property(pointer: &str) -> Option<(String, String)> {
    let mut segments = pointer
        .strip_prefix("/Resources/")?
        .split('/')
        .map(unescape_segment);
    let resource = segments.next()?;
    let mut path = String::new();
    for segment in segments {
        if !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit()) {
            path.push_str(&format!("[{segment}]"));
        } else {
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(&segment);
        }
    }
    (!path.is_empty()).then_some((resource, path))
}

/// Whether `path` is `prefix` or a path inside it.
pub(crate) fn is_within(path: &str, prefix: &str) -> bool {
    path.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
}

/// The paths with every path inside `prefix` replaced by `prefix` itself, once, where the first
/// of them was: the copy's own changes are listed in the diff of its file of record.
pub(crate) fn fold_paths(paths: &mut Vec<String>, prefix: &str) {
    let mut seen = false;
    paths.retain_mut(|path| {
        if !is_within(path, prefix) {
            return true;
        }
        if seen {
            return false;
        }
        seen = true;
        prefix.clone_into(path);
        true
    });
}

/// One copy in a template's text: the lines it occupies and the line shown instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Collapsed {
    /// The JSON pointer of the copy.
    pub pointer: String,
    /// The file of record.
    pub record: String,
    /// The first line (0-based) of the copy, the one with its key.
    pub first: usize,
    /// The last line (0-based) of the copy.
    pub last: usize,
    /// The text before the value on the first line (indentation, key and colon).
    pub prefix: String,
}

/// The copies of records in a template's text that can be shown as one line: the key and its
/// value alone on their lines (anything sharing a line with them keeps the copy as it is).
pub(crate) fn collapsible(template: &Artifact, records: &[(&str, Value)]) -> Vec<Collapsed> {
    if records.is_empty() {
        return Vec::new();
    }
    let Ok(loaded) =
        crate::loader::load_bytes(&template.path, template.content.as_bytes().to_vec())
    else {
        return Vec::new();
    };
    let text = template.content.as_str();
    let starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_of = |offset: usize| starts.partition_point(|&s| s <= offset).saturating_sub(1);
    let mut out: Vec<Collapsed> = Vec::new();
    for (pointer, index) in find(&loaded.document.value, records) {
        let Some(node) = loaded.document.nodes.get(&pointer) else {
            continue;
        };
        let Some(key) = node.key else {
            continue;
        };
        let value: Span = node.value;
        let first = line_of(key.offset);
        let end = value.offset + value.len;
        let last = line_of(end.saturating_sub(1).max(value.offset));
        let Some(prefix) = text.get(starts[first]..value.offset) else {
            continue;
        };
        let prefix = prefix.trim_end();
        let line_end = starts.get(last + 1).map_or(text.len(), |&s| s);
        let rest = text.get(end..line_end).unwrap_or("").trim();
        let clean = prefix.ends_with(':')
            && !prefix.contains('\n')
            && (rest.is_empty() || rest.starts_with('#'))
            && out.last().is_none_or(|c| c.last < first);
        if clean {
            out.push(Collapsed {
                pointer,
                record: records[index].0.to_owned(),
                first,
                last,
                prefix: prefix.to_owned(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_copies_outside_the_record_itself() {
        let record = json!({"StartAt": "a", "States": {"a": {"Type": "Pass", "End": true}}});
        let template = json!({"Resources": {"M": {"Properties": {"Definition": record.clone()}}}});
        let records = [("m.asl.json", record.clone())];
        assert_eq!(
            find(&template, &records),
            vec![("/Resources/M/Properties/Definition".to_owned(), 0)]
        );
        assert!(
            find(&record, &records).is_empty(),
            "a file is not its own copy"
        );
    }

    #[test]
    fn a_pointer_is_a_resource_and_its_property_path() {
        assert_eq!(
            resource_property("/Resources/Wave/Properties/Definition"),
            Some(("Wave".to_owned(), "Properties.Definition".to_owned()))
        );
        assert_eq!(
            resource_property("/Resources/D/Properties/List/0/Content"),
            Some(("D".to_owned(), "Properties.List[0].Content".to_owned()))
        );
        assert_eq!(resource_property("/Outputs/X"), None);
        let mut paths: Vec<String> = [
            "Properties.Definition.States.a",
            "Properties.RoleArn",
            "Properties.Definition.Comment",
            "Properties.DefinitionSubstitutions.X",
        ]
        .map(str::to_owned)
        .to_vec();
        fold_paths(&mut paths, "Properties.Definition");
        assert_eq!(
            paths,
            vec![
                "Properties.Definition",
                "Properties.RoleArn",
                "Properties.DefinitionSubstitutions.X"
            ]
        );
    }

    #[test]
    fn a_side_without_the_record_takes_it_from_its_template() {
        let set = |definition: &str, with_record: bool| {
            let mut files = vec![Artifact {
                path: "hub.template.yaml".to_owned(),
                kind: ArtifactKind::HubTemplate,
                content: format!(
                    "Resources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      Definition: {definition}\n"
                ),
            }];
            if with_record {
                files.push(Artifact {
                    path: "m.asl.json".to_owned(),
                    kind: ArtifactKind::StateMachine,
                    content: format!("{definition}\n"),
                });
            }
            Artifacts {
                policy_name: "p".to_owned(),
                files,
            }
        };
        let deployed = set(
            r#"{"StartAt": "a", "States": {"a": {"Type": "Pass", "End": true}}}"#,
            false,
        );
        let compiled = set(
            r#"{"StartAt": "b", "States": {"b": {"Type": "Pass", "End": true}}}"#,
            true,
        );
        let (old, new, notes) = complete(&deployed, &compiled);
        assert_eq!(new, compiled);
        let derived = old.get("m.asl.json").expect("taken from the template");
        assert_eq!(derived.kind, ArtifactKind::StateMachine);
        assert!(
            derived.content.starts_with("{\n  \"StartAt\": \"a\""),
            "{}",
            derived.content
        );
        assert_eq!(notes.len(), 1);
        assert!(notes[0].contains("`m.asl.json`"), "{notes:?}");
    }

    #[test]
    fn only_a_copy_alone_on_its_lines_collapses() {
        let record = json!({"StartAt": "a", "States": {"a": {"Type": "Pass", "End": true}}});
        let records = [("m.asl.json", record)];
        let template = |content: &str| Artifact {
            path: "hub.template.yaml".to_owned(),
            kind: ArtifactKind::HubTemplate,
            content: content.to_owned(),
        };
        let block = template(
            "Resources:\n  M:\n    Properties:\n      Definition:\n        StartAt: a\n        States:\n          a:\n            Type: Pass\n            End: true\n      RoleArn: r\n",
        );
        let found = collapsible(&block, &records);
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].first, found[0].last), (3, 8));
        assert_eq!(found[0].prefix, "      Definition:");
        let flow = template(
            "Resources:\n  M:\n    Properties:\n      Definition: {\"StartAt\": \"a\", \"States\": {\"a\": {\"Type\": \"Pass\", \"End\": true}}}\n",
        );
        let found = collapsible(&flow, &records);
        assert_eq!((found[0].first, found[0].last), (3, 3));
        let shared = template(
            "Resources:\n  M:\n    Properties: {Definition: {\"StartAt\": \"a\", \"States\": {\"a\": {\"Type\": \"Pass\", \"End\": true}}}, RoleArn: r}\n",
        );
        assert!(collapsible(&shared, &records).is_empty());
    }
}
