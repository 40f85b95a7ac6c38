// The Bedrock failure analysis in final form: model, IAM resources, request body and answer reader.

use crate::policy::Bedrock;
use serde::Serialize;
use serde_json::{Value, json};

/// What the model is asked; the failures follow as JSON.
const INSTRUCTIONS: &str = "You review failed AWS Systems Manager patching runs. Below, as JSON, are the account-region runs of one patch wave that failed. Answer with one JSON object and nothing else, with the keys root_cause (string), severity (one of low, medium, high, critical), immediate_actions (list of strings), preventive_measures (list of strings), escalate (boolean) and summary (at most three sentences). Your answer is shown to operators as advice; it is never executed.\n\nFailures: ";

/// Bedrock analysis of failed waves.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BedrockPlan {
    /// The model or inference-profile id.
    pub model_id: String,
    /// Most tokens in the answer.
    pub max_tokens: u32,
    /// IAM resources for bedrock:InvokeModel, for Fn::Sub (contain `${AWS::Partition}`).
    pub model_resources: Vec<String>,
    /// The InvokeModel body (JSONata leaves insert the failures).
    pub body: Value,
    /// JSONata expression reading the answer text from the stored response (`$response`).
    pub answer: String,
}

/// Resolve the bedrock section; `None` when it is off.
pub(super) fn plan_bedrock(
    bedrock: &Bedrock,
    hub_account: &str,
    hub_region: &str,
) -> Option<BedrockPlan> {
    if !bedrock.enabled {
        return None;
    }
    let model_id = bedrock.model_id.clone()?;
    let prompt = format!(
        "{{% {} & $string($failures) %}}",
        Value::String(INSTRUCTIONS.to_owned())
    );
    let family = family(&model_id);
    let max_tokens = bedrock.max_tokens;
    let body = match family {
        "nova" => json!({
            "schemaVersion": "messages-v1",
            "messages": [{ "role": "user", "content": [{ "text": prompt }] }],
            "inferenceConfig": { "maxTokens": max_tokens },
        }),
        "titan" => json!({
            "inputText": prompt,
            "textGenerationConfig": { "maxTokenCount": max_tokens },
        }),
        "llama" => json!({ "prompt": prompt, "max_gen_len": max_tokens }),
        "mistral" => json!({ "prompt": prompt, "max_tokens": max_tokens }),
        "cohere" => json!({ "message": prompt, "max_tokens": max_tokens }),
        _ => json!({
            "anthropic_version": "bedrock-2023-05-31",
            "max_tokens": max_tokens,
            "messages": [{ "role": "user", "content": prompt }],
        }),
    };
    // A geography prefix (`us.`, `eu.`, `apac.`, `global.`) names a cross-region inference
    // profile: InvokeModel is authorised on the profile in the hub and on the model in every
    // region the profile routes to; a global profile also routes to the region-less model ARN.
    let model_resources = match crate::rules::bedrock::strip_profile(&model_id) {
        (None, _) => vec![format!(
            "arn:${{AWS::Partition}}:bedrock:{hub_region}::foundation-model/{model_id}"
        )],
        (Some(geography), base) => {
            let mut resources = vec![
                format!(
                    "arn:${{AWS::Partition}}:bedrock:{hub_region}:{hub_account}:inference-profile/{model_id}"
                ),
                format!("arn:${{AWS::Partition}}:bedrock:*::foundation-model/{base}"),
            ];
            if geography == "global" {
                resources.push(format!(
                    "arn:${{AWS::Partition}}:bedrock:::foundation-model/{base}"
                ));
            }
            resources
        }
    };
    Some(BedrockPlan {
        model_id,
        max_tokens,
        model_resources,
        body,
        // An array constructor, not a parenthesised sequence: JSONata 2.0.6 rejects `(a, b)[0]`.
        answer: "[$response.content[0].text, $response.output.message.content[0].text, $response.results[0].outputText, $response.generation, $response.outputs[0].text, $response.text][0]".to_owned(),
    })
}

fn family(model_id: &str) -> &'static str {
    if model_id.contains("amazon.nova") {
        "nova"
    } else if model_id.contains("amazon.titan") {
        "titan"
    } else if model_id.contains("meta.llama") {
        "llama"
    } else if model_id.contains("mistral.") {
        "mistral"
    } else if model_id.contains("cohere.") {
        "cohere"
    } else {
        "anthropic"
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn resources(model: &str) -> Vec<String> {
        let bedrock = Bedrock {
            enabled: true,
            model_id: Some(model.to_owned()),
            max_tokens: 100,
        };
        plan_bedrock(&bedrock, "111111111111", "eu-west-1")
            .unwrap()
            .model_resources
    }

    #[test]
    fn model_ids_profiles_and_global_profiles_get_their_own_arns() {
        assert_eq!(
            resources("anthropic.claude-haiku-4-5-20251001-v1:0"),
            [
                "arn:${AWS::Partition}:bedrock:eu-west-1::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0"
            ]
        );
        assert_eq!(
            resources("eu.anthropic.claude-sonnet-4-5-20250929-v1:0"),
            [
                "arn:${AWS::Partition}:bedrock:eu-west-1:111111111111:inference-profile/eu.anthropic.claude-sonnet-4-5-20250929-v1:0",
                "arn:${AWS::Partition}:bedrock:*::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0",
            ]
        );
        assert_eq!(
            resources("global.anthropic.claude-sonnet-4-5-20250929-v1:0"),
            [
                "arn:${AWS::Partition}:bedrock:eu-west-1:111111111111:inference-profile/global.anthropic.claude-sonnet-4-5-20250929-v1:0",
                "arn:${AWS::Partition}:bedrock:*::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0",
                "arn:${AWS::Partition}:bedrock:::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0",
            ]
        );
    }
}
