// Rules for `bedrock`: model id, model family and whether the hub region can call the model.

use super::Context;
use crate::code::Code;

/// Cross-region inference profile prefixes and the region prefixes they serve.
const PROFILE_GEOGRAPHIES: &[(&str, &[&str])] = &[
    ("us", &["us-", "ca-"]),
    ("eu", &["eu-"]),
    ("apac", &["ap-"]),
    ("jp", &["ap-northeast-1", "ap-northeast-3"]),
    ("au", &["ap-southeast-2", "ap-southeast-4"]),
    ("us-gov", &["us-gov-"]),
    ("global", &[""]),
];

/// The model families whose InvokeModel body patchform writes.
pub(crate) fn model_family(model_id: &str) -> Option<&'static str> {
    let base = strip_profile(model_id).1;
    if base.starts_with("anthropic.") {
        Some("anthropic")
    } else if base.starts_with("amazon.nova-") {
        Some("nova")
    } else {
        None
    }
}

/// The inference-profile geography of a model id (`eu` of `eu.anthropic...`) and the base model id.
pub(crate) fn strip_profile(model_id: &str) -> (Option<&str>, &str) {
    for (prefix, _) in PROFILE_GEOGRAPHIES {
        if let Some(rest) = model_id
            .strip_prefix(prefix)
            .and_then(|r| r.strip_prefix('.'))
            && rest.contains('.')
        {
            return (Some(prefix), rest);
        }
    }
    (None, model_id)
}

pub(super) fn check(cx: &mut Context<'_>) {
    let policy = cx.policy;
    let bedrock = &policy.bedrock;
    if !bedrock.enabled {
        return;
    }
    let Some(model_id) = &bedrock.model_id else {
        let d = cx
            .key(Code::BedrockModelId, "/bedrock/enabled", "Bedrock analysis is enabled but no `model_id` is given")
            .label("needs `model_id`")
            .help("add a model the hub region offers, e.g. `model_id: eu.anthropic.claude-sonnet-4-5-20250929-v1:0` (Claude Sonnet 4.5 through the inference profile of the hub's geography: `us.`, `eu.`, `apac.`; it has no on-demand base-model id)");
        cx.report(d);
        return;
    };
    if model_family(model_id).is_none() {
        let d = cx
            .value(Code::BedrockModelFamily, "/bedrock/model_id", format!("patchform cannot write a request body for `{model_id}`"))
            .label("unsupported model family")
            .help("use an Anthropic Claude model (anthropic.…) or an Amazon Nova model (amazon.nova-…)");
        cx.report(d);
        return;
    }
    let hub_region = policy.hub.region.as_str();
    let (profile, _) = strip_profile(model_id);
    let served = match profile {
        Some(prefix) => PROFILE_GEOGRAPHIES
            .iter()
            .find(|(p, _)| *p == prefix)
            .is_some_and(|(_, regions)| regions.iter().any(|r| hub_region.starts_with(r))),
        None => super::regions::offers_bedrock(hub_region),
    };
    if !served {
        let reason = match profile {
            Some(prefix) => format!(
                "the `{prefix}.` inference profile does not serve the hub region {hub_region}"
            ),
            None => {
                format!("Amazon Bedrock is not known to be offered in the hub region {hub_region}")
            }
        };
        let d = cx
            .value(Code::BedrockModelRegion, "/bedrock/model_id", reason)
            .label("maybe not callable from the hub")
            .related(cx.span("/hub/region"), "hub region")
            .help("Step Functions calls Bedrock only in its own region: check the model in the Bedrock console of the hub region, or use an inference profile of its geography");
        cx.report(d);
    }
}
