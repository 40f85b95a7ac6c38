// Parse a generated file into data so that two versions are compared by meaning, not by text:
// key order, quoting, comments and indentation alone never count as a change.

use crate::artifact::Artifact;
use serde_json::Value;

/// The artifact's data: YAML through the repository's loader (long-form intrinsics only, so plain
/// YAML), JSON through serde_json. `None` for a file that is neither or does not parse; such a
/// file is compared by text.
pub(super) fn parse(artifact: &Artifact) -> Option<Value> {
    parse_text(&artifact.path, &artifact.content)
}

/// Parse text named like an artifact path.
pub fn parse_text(path: &str, text: &str) -> Option<Value> {
    let value = if path.ends_with(".json") {
        serde_json::from_str(text).ok()?
    } else if path.ends_with(".yaml") || path.ends_with(".yml") {
        crate::loader::load_bytes(path, text.as_bytes().to_vec())
            .ok()?
            .document
            .value
    } else {
        return None;
    };
    Some(canonical(value))
}

/// Whether two versions of a file mean the same.
pub(super) fn same(old: &Artifact, new: &Artifact) -> bool {
    if old.content == new.content {
        return true;
    }
    match (parse(old), parse(new)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// The value with every mapping's keys sorted, so equal data compares and prints equal.
pub(super) fn canonical(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, canonical(v)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.into_iter().map(canonical).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::artifact::ArtifactKind;

    fn artifact(path: &str, content: &str) -> Artifact {
        Artifact {
            path: path.to_owned(),
            kind: ArtifactKind::HubTemplate,
            content: content.to_owned(),
        }
    }

    #[test]
    fn reordered_and_reformatted_yaml_is_the_same() {
        let a = artifact("hub.template.yaml", "A: 1\nB:\n  - x\n  - y\n");
        let b = artifact("hub.template.yaml", "# a comment\nB: [x, \"y\"]\nA: 1\n");
        assert!(same(&a, &b));
        let c = artifact("hub.template.yaml", "A: 2\nB: [x, y]\n");
        assert!(!same(&a, &c));
    }

    #[test]
    fn reformatted_json_is_the_same() {
        let a = artifact("orchestrator.asl.json", "{\"a\":1,\"b\":[1,2]}");
        let b = artifact(
            "orchestrator.asl.json",
            "{\n  \"b\": [1, 2],\n  \"a\": 1\n}\n",
        );
        assert!(same(&a, &b));
    }
}
