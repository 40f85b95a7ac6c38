// CloudFormation and Step Functions quotas, checked on every rendered artifact.

use super::RenderError;
use serde_json::Value;

/// Template body passed inline.
pub const INLINE_BODY_BYTES: usize = 51_200;
/// Template body uploaded to S3 (`--artifact-bucket`).
pub const S3_BODY_BYTES: usize = 1_000_000;
/// Resources per template.
pub const MAX_RESOURCES: usize = 500;
/// Parameters per template.
pub const MAX_PARAMETERS: usize = 200;
/// Outputs per template.
pub const MAX_OUTPUTS: usize = 200;
/// State machine definition size.
pub const MAX_DEFINITION_BYTES: usize = 1_048_576;

/// What a template declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TemplateCounts {
    /// Resources.
    pub resources: usize,
    /// Parameters.
    pub parameters: usize,
    /// Outputs.
    pub outputs: usize,
}

fn section_len(value: &Value, key: &str) -> usize {
    value
        .get(key)
        .and_then(Value::as_object)
        .map_or(0, |m| m.len())
}

/// Check a CloudFormation template's size and counts.
pub fn check_template(
    artifact: &str,
    text: &str,
    value: &Value,
    artifact_bucket: Option<&str>,
) -> Result<TemplateCounts, RenderError> {
    if value
        .get("Resources")
        .and_then(Value::as_object)
        .is_none_or(|m| m.is_empty())
    {
        return Err(RenderError::Shape {
            artifact: artifact.to_owned(),
            kind: "CloudFormation template",
            message: "it has no `Resources` mapping".to_owned(),
        });
    }
    let bytes = text.len();
    // The inline 51,200-byte limit is a transport matter: deploy sends a larger template
    // through S3. What no transport lifts is CloudFormation's 1 MB.
    let limit = S3_BODY_BYTES;
    let hint = match artifact_bucket {
        None => " for any CloudFormation template (uploaded to S3); split the policy into several"
            .to_owned(),
        Some(bucket) => format!(
            " for a template uploaded to S3 (bucket `{bucket}`); split the policy into several"
        ),
    };
    if bytes > limit {
        return Err(RenderError::Limit {
            artifact: artifact.to_owned(),
            what: "a body of",
            figure: format!("{} bytes", group(bytes)),
            limit: format!("{} bytes", group(limit)),
            hint,
        });
    }
    let counts = TemplateCounts {
        resources: section_len(value, "Resources"),
        parameters: section_len(value, "Parameters"),
        outputs: section_len(value, "Outputs"),
    };
    for (what, figure, limit) in [
        ("resources:", counts.resources, MAX_RESOURCES),
        ("parameters:", counts.parameters, MAX_PARAMETERS),
        ("outputs:", counts.outputs, MAX_OUTPUTS),
    ] {
        if figure > limit {
            return Err(RenderError::Limit {
                artifact: artifact.to_owned(),
                what,
                figure: group(figure),
                limit: group(limit),
                hint: " per CloudFormation template; fewer waves, baselines or subscriptions bring it down".to_owned(),
            });
        }
    }
    Ok(counts)
}

/// Check a state machine definition's shape and size; returns its number of states.
pub fn check_definition(artifact: &str, text: &str, value: &Value) -> Result<usize, RenderError> {
    let states = value.get("States").and_then(Value::as_object);
    let (Some(states), Some(_)) = (states, value.get("StartAt").and_then(Value::as_str)) else {
        return Err(RenderError::Shape {
            artifact: artifact.to_owned(),
            kind: "state machine definition",
            message: "it needs `StartAt` and `States`".to_owned(),
        });
    };
    let size = submitted_size(value).unwrap_or(text.len());
    if size > MAX_DEFINITION_BYTES {
        return Err(RenderError::Limit {
            artifact: artifact.to_owned(),
            what: "a definition of",
            figure: format!("{} bytes", group(size)),
            limit: format!("{} bytes", group(MAX_DEFINITION_BYTES)),
            hint: " (Step Functions); fewer waves bring it down".to_owned(),
        });
    }
    Ok(states.len())
}

/// Longest a `${Name}` DefinitionSubstitution becomes: a partition-qualified ARN of a named
/// resource (state machine, topic, role) stays under this.
const SUBSTITUTION_BYTES: usize = 160;

/// The size Step Functions counts: the definition as CloudFormation submits it (compact JSON),
/// every `${Name}` taken at its longest value. `None` if it cannot be serialised.
fn submitted_size(value: &Value) -> Option<usize> {
    let compact = serde_json::to_string(value).ok()?;
    let tokens = compact.matches("${").count();
    Some(compact.len() + tokens * SUBSTITUTION_BYTES)
}

/// 51200 → "51,200".
pub fn group(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn groups_thousands() {
        assert_eq!(group(51_200), "51,200");
        assert_eq!(group(999), "999");
        assert_eq!(group(1_000_000), "1,000,000");
    }

    #[test]
    fn a_definition_counts_as_submitted_with_its_substitutions_at_their_longest() {
        let value = serde_json::json!({"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "${Topic}"}}});
        let compact = serde_json::to_string(&value).unwrap().len();
        assert_eq!(submitted_size(&value), Some(compact + SUBSTITUTION_BYTES));
        // indentation of the file on disk is not submitted
        let pretty = serde_json::to_string_pretty(&value).unwrap();
        assert!(pretty.len() > compact);
    }

    #[test]
    fn too_large_bodies_name_artifact_and_figure() {
        let value = json!({"Resources": {"A": {"Type": "AWS::SNS::Topic"}}});
        // over the inline limit is deploy's matter (it goes through S3), not build's
        assert!(check_template("hub.template.yaml", &"x".repeat(60_000), &value, None).is_ok());
        let text = "x".repeat(1_000_001);
        let error = check_template("hub.template.yaml", &text, &value, None).unwrap_err();
        let message = error.to_string();
        assert!(message.contains("hub.template.yaml"), "{message}");
        assert!(message.contains("1,000,001 bytes"), "{message}");
        assert!(message.contains("1,000,000 bytes"), "{message}");
    }

    #[test]
    fn too_many_resources_are_refused() {
        let resources: serde_json::Map<String, Value> = (0..501)
            .map(|i| (format!("R{i}"), json!({"Type": "AWS::SNS::Topic"})))
            .collect();
        let value = json!({ "Resources": resources });
        let message = check_template("spoke.template.yaml", "", &value, None)
            .unwrap_err()
            .to_string();
        assert!(
            message.contains("resources: 501; the limit is 500"),
            "{message}"
        );
    }
}
