// The audit table through the SDK (Query, Scan, a conditional UpdateItem) and the hub bucket's control objects.

use super::error::AwsError;
use super::model::AuditItem;
use super::sdk::Aws;
use super::traits::AuditRecords;
use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_s3::primitives::ByteStream;
use serde_json::Value;
use std::collections::HashMap;

/// An attribute as JSON: S as a string, N as a number, BOOL, NULL, lists and maps recursively.
fn to_json(value: &AttributeValue) -> Value {
    match value {
        AttributeValue::S(text) => Value::String(text.clone()),
        AttributeValue::N(number) => number
            .parse::<i64>()
            .map(Value::from)
            .or_else(|_| number.parse::<f64>().map(Value::from))
            .unwrap_or_else(|_| Value::String(number.clone())),
        AttributeValue::Bool(flag) => Value::Bool(*flag),
        AttributeValue::Null(_) => Value::Null,
        AttributeValue::L(items) => Value::Array(items.iter().map(to_json).collect()),
        AttributeValue::M(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), to_json(v)))
                .collect::<serde_json::Map<_, _>>(),
        ),
        AttributeValue::Ss(items) => {
            Value::Array(items.iter().cloned().map(Value::String).collect())
        }
        other => Value::String(format!("{other:?}")),
    }
}

fn item(raw: &HashMap<String, AttributeValue>) -> AuditItem {
    raw.iter().map(|(k, v)| (k.clone(), to_json(v))).collect()
}

impl AuditRecords for Aws {
    async fn rollout_items(&self, table: &str, rollout: &str) -> Result<Vec<AuditItem>, AwsError> {
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let out = self
                .dynamodb
                .query()
                .table_name(table)
                .key_condition_expression("pk = :pk")
                .expression_attribute_values(":pk", AttributeValue::S(format!("rollout#{rollout}")))
                .consistent_read(true)
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk("Query", e))?;
            items.extend(out.items().iter().map(item));
            start = out.last_evaluated_key().cloned();
            if start.is_none() {
                return Ok(items);
            }
        }
    }

    async fn all_items(&self, table: &str) -> Result<Vec<AuditItem>, AwsError> {
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let out = self
                .dynamodb
                .scan()
                .table_name(table)
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk("Scan", e))?;
            items.extend(out.items().iter().map(item));
            start = out.last_evaluated_key().cloned();
            if start.is_none() {
                return Ok(items);
            }
        }
    }

    async fn update_running_rollout(
        &self,
        table: &str,
        rollout: &str,
        values: &[(&str, &str)],
    ) -> Result<bool, AwsError> {
        let mut request = self
            .dynamodb
            .update_item()
            .table_name(table)
            .key("pk", AttributeValue::S(format!("rollout#{rollout}")))
            .key("sk", AttributeValue::S("rollout".to_owned()))
            .condition_expression("attribute_exists(pk) AND attribute_not_exists(finishedAt)");
        let mut sets = Vec::new();
        for (index, (name, text)) in values.iter().enumerate() {
            sets.push(format!("#a{index} = :v{index}"));
            request = request
                .expression_attribute_names(format!("#a{index}"), *name)
                .expression_attribute_values(
                    format!(":v{index}"),
                    AttributeValue::S((*text).to_owned()),
                );
        }
        match request
            .update_expression(format!("SET {}", sets.join(", ")))
            .send()
            .await
        {
            Ok(_) => Ok(true),
            Err(e) => {
                let error = AwsError::from_sdk("UpdateItem", e);
                if error.code() == Some("ConditionalCheckFailedException") {
                    Ok(false)
                } else {
                    Err(error)
                }
            }
        }
    }

    async fn put_json(&self, bucket: &str, key: &str, body: &str) -> Result<(), AwsError> {
        self.s3
            .put_object()
            .bucket(bucket)
            .key(key)
            .content_type("application/json")
            .body(ByteStream::from(body.as_bytes().to_vec()))
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("PutObject", e))?;
        Ok(())
    }
}
