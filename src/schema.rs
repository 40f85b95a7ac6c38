// The policy JSON Schema: generated from the policy types, so types and schema cannot drift.

use crate::policy::{OperatingSystem, Policy};
use schemars::generate::SchemaSettings;

/// The schema's `$id`: a URN, which names the schema (version 1 of the policy format) without
/// claiming an address to fetch it from. Editors find the file through the policy's `$schema`
/// modeline (`patchform init` writes one that resolves to a file).
pub const SCHEMA_ID: &str = "urn:patchform:policy:v1";

/// The JSON Schema (draft 2020-12) of a policy file.
pub fn policy_schema() -> serde_json::Value {
    let generator = SchemaSettings::draft2020_12().into_generator();
    let schema = generator.into_root_schema_for::<Policy>();
    let mut value = schema.to_value();
    if let Some(object) = value.as_object_mut() {
        object.insert("$id".to_owned(), SCHEMA_ID.into());
    }
    // A map keyed by an enum comes out as a free-form map; list the operating systems as
    // properties instead, so editors complete them and unknown ones are unknown keys.
    if let Some(baselines) = value.pointer_mut("/properties/baselines") {
        let properties: serde_json::Map<String, serde_json::Value> = OperatingSystem::ALL
            .iter()
            .map(|os| {
                (
                    os.key().to_owned(),
                    serde_json::json!({
                        "$ref": "#/$defs/Baseline",
                        "description": format!("The patch baseline for {} nodes.", os.aws_name()),
                    }),
                )
            })
            .collect();
        if let Some(object) = baselines.as_object_mut() {
            object.insert("properties".to_owned(), properties.into());
            object.insert("additionalProperties".to_owned(), false.into());
        }
    }
    value
}

/// The schema as committed to schema/policy.schema.json: pretty JSON with a final newline.
pub fn policy_schema_text() -> String {
    // Serialising a serde_json::Value cannot fail: every key is a string.
    let mut text = serde_json::to_string_pretty(&policy_schema()).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    /// A schema node with `$ref` followed and an optional value (`anyOf` with null) unwrapped.
    fn resolve<'a>(root: &'a Value, node: &'a Value) -> &'a Value {
        if let Some(target) = node.get("$ref").and_then(Value::as_str) {
            let found = root
                .pointer(target.trim_start_matches('#'))
                .unwrap_or(&Value::Null);
            return resolve(root, found);
        }
        if let Some(branches) = node.get("anyOf").and_then(Value::as_array) {
            let present: Vec<&Value> = branches
                .iter()
                .filter(|b| b.get("type") != Some(&Value::from("null")))
                .collect();
            if let [only] = present[..] {
                return resolve(root, only);
            }
        }
        node
    }

    /// One row of a key table: the key (dotted, from the section), whether it is required, the
    /// schema node (its default and description).
    struct Row<'a> {
        key: String,
        required: bool,
        node: &'a Value,
    }

    /// The keys under `node`, down to the leaves (`deep`) or only its own.
    fn rows<'a>(
        root: &'a Value,
        node: &'a Value,
        prefix: &str,
        required: bool,
        deep: bool,
        out: &mut Vec<Row<'a>>,
    ) {
        let resolved = resolve(root, node);
        let Some(properties) = resolved.get("properties").and_then(Value::as_object) else {
            return;
        };
        let needed: Vec<&str> = resolved
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        for (key, child) in properties {
            let name = format!("{prefix}{key}");
            let child_required = required && needed.contains(&key.as_str());
            let inner = resolve(root, child);
            let items = inner.get("items").map(|i| resolve(root, i));
            if deep && inner.get("properties").is_some() {
                rows(root, child, &format!("{name}."), child_required, deep, out);
            } else if deep && items.is_some_and(|i| i.get("properties").is_some()) {
                let items = inner.get("items").unwrap_or(&Value::Null);
                rows(root, items, &format!("{name}."), child_required, deep, out);
            } else {
                out.push(Row {
                    key: name,
                    required: child_required,
                    node: child,
                });
            }
        }
    }

    /// What a key takes, read from its schema node: an enum's values, a constant, text (with its
    /// pattern when short, its length limit), a number's range, a list, a mapping.
    fn kind(root: &Value, node: &Value) -> String {
        let node = resolve(root, node);
        if let Some(values) = node.get("enum").and_then(Value::as_array) {
            let shown: Vec<String> = values
                .iter()
                .map(|v| {
                    format!(
                        "`{}`",
                        v.as_str().map_or_else(|| v.to_string(), str::to_owned)
                    )
                })
                .collect();
            return shown.join(", ");
        }
        if let Some(value) = node.get("const") {
            return format!("`{value}`");
        }
        if let Some(branches) = node
            .get("anyOf")
            .or_else(|| node.get("oneOf"))
            .and_then(Value::as_array)
        {
            let kinds: Vec<String> = branches.iter().map(|b| kind(root, b)).collect();
            return kinds.join(" or ");
        }
        let number = |key: &str| node.get(key).and_then(Value::as_f64);
        let named = match node.get("type") {
            Some(Value::Array(types)) => types
                .iter()
                .filter_map(Value::as_str)
                .find(|t| *t != "null"),
            other => other.and_then(Value::as_str),
        };
        match named {
            Some("string") => match (
                node.get("pattern").and_then(Value::as_str),
                number("maxLength"),
            ) {
                (Some(pattern), _) if pattern.len() <= 40 => format!("text `{pattern}`"),
                (_, Some(max)) => format!("text ≤ {max}"),
                _ => "text".to_owned(),
            },
            Some(t @ ("integer" | "number")) => match (number("minimum"), number("maximum")) {
                (Some(min), Some(max)) if min == max => format!("`{min}`"),
                (Some(min), Some(max)) => format!("{t} {min}–{max}"),
                (Some(min), None) => format!("{t} ≥ {min}"),
                _ => t.to_owned(),
            },
            Some("boolean") => "boolean".to_owned(),
            Some("array") => match number("minItems") {
                Some(min) if min > 0.0 => format!("list, ≥ {min}"),
                _ => "list".to_owned(),
            },
            Some("object") => "mapping".to_owned(),
            Some(other) => other.to_owned(),
            None => "—".to_owned(),
        }
    }

    fn cell(text: &str) -> String {
        text.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .replace('|', "\\|")
    }

    /// A markdown table of the keys under `sections` (JSON pointers into the schema's
    /// properties), each named from `name_from` (the pointer whose keys are written bare).
    fn key_table(sections: &[&str], name_from: &str, deep: bool) -> String {
        let root = super::policy_schema();
        let mut table = String::from("| key | type | default | meaning |\n|---|---|---|---|\n");
        for section in sections {
            let node = root.pointer(section).unwrap_or(&Value::Null);
            let prefix: String = section
                .strip_prefix(name_from)
                .unwrap_or(section)
                .split('/')
                .filter(|s| !s.is_empty() && *s != "properties" && *s != "items")
                .map(|s| format!("{s}."))
                .collect();
            let mut found = Vec::new();
            rows(&root, node, &prefix, true, deep, &mut found);
            for row in found {
                let default = match row.node.get("default") {
                    Some(Value::Object(o)) if o.is_empty() => "—".to_owned(),
                    Some(Value::String(s)) => format!("`{s}`"),
                    Some(other) => format!("`{other}`"),
                    None if row.required => "required".to_owned(),
                    None => "none".to_owned(),
                };
                let described = row
                    .node
                    .get("description")
                    .or_else(|| resolve(&root, row.node).get("description"))
                    .and_then(Value::as_str)
                    .unwrap_or("");
                table.push_str(&format!(
                    "| `{}` | {} | {} | {} |\n",
                    row.key,
                    cell(&kind(&root, row.node)),
                    cell(&default),
                    cell(described)
                ));
            }
        }
        table
    }

    #[test]
    fn the_policy_reference_tables_are_the_schema() {
        let tables: &[(&str, &[&str], &str, bool)] = &[
            ("top-level", &[""], "", false),
            ("hub", &["/properties/hub"], "/properties/hub", true),
            (
                "organization",
                &["/properties/organization"],
                "/properties/organization",
                true,
            ),
            ("baseline", &["/$defs/Baseline"], "/$defs/Baseline", true),
            (
                "scan-install",
                &["/properties/scan", "/properties/install"],
                "",
                true,
            ),
            ("waves", &["/$defs/Wave"], "/$defs/Wave", true),
            (
                "notifications-compliance-bedrock",
                &[
                    "/properties/notifications",
                    "/properties/compliance",
                    "/properties/bedrock",
                ],
                "",
                true,
            ),
        ];
        for (name, sections, name_from, deep) in tables {
            crate::doc_sync::check_section(
                "docs/policy-reference.md",
                name,
                &key_table(sections, name_from, *deep),
            );
        }
    }

    #[test]
    fn committed_schema_is_current() {
        let committed = include_str!("../schema/policy.schema.json");
        assert!(
            committed == super::policy_schema_text(),
            "schema/policy.schema.json is stale: run `cargo run -- schema > schema/policy.schema.json`"
        );
    }
}
