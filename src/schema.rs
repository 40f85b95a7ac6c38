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
    #[test]
    fn committed_schema_is_current() {
        let committed = include_str!("../schema/policy.schema.json");
        assert!(
            committed == super::policy_schema_text(),
            "schema/policy.schema.json is stale: run `cargo run -- schema > schema/policy.schema.json`"
        );
    }
}
