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
pub fn plan_bedrock(bedrock: &Bedrock, hub_account: &str, hub_region: &str) -> Option<BedrockPlan> {
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
    // A geography prefix (`us.`, `eu.`, `apac.`) names a cross-region inference profile, which
    // also needs the underlying model in the regions it routes to.
    let (profile, base) = match model_id.split_once('.') {
        Some((prefix, rest))
            if (2..=4).contains(&prefix.len()) && rest.contains('.') && prefix != "meta" =>
        {
            (true, rest.to_owned())
        }
        _ => (false, model_id.clone()),
    };
    let model_resources = if profile {
        vec![
            format!(
                "arn:${{AWS::Partition}}:bedrock:{hub_region}:{hub_account}:inference-profile/{model_id}"
            ),
            format!("arn:${{AWS::Partition}}:bedrock:*::foundation-model/{base}"),
        ]
    } else {
        vec![format!(
            "arn:${{AWS::Partition}}:bedrock:{hub_region}::foundation-model/{model_id}"
        )]
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
