// manifest.json: what each artifact is (size, sha256, counts) and the history-event bound.
//
// The policy hash it records is the plan's (see crate::digest for what is hashed).

use crate::artifact::ArtifactKind;
use crate::digest::sha256_hex;
use crate::plan::Plan;
use crate::render::TemplateCounts;
use crate::render::limits::INLINE_BODY_BYTES;
use serde::Serialize;

/// The facts recorded for one artifact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArtifactFacts {
    /// Path relative to the output directory.
    pub path: String,
    /// What it is.
    pub kind: ArtifactKind,
    /// Size in bytes.
    pub bytes: usize,
    /// sha256 of the bytes, lower-case hex.
    pub sha256: String,
    /// Templates: resources declared.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<usize>,
    /// Templates: parameters declared.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameters: Option<usize>,
    /// Templates: outputs declared.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outputs: Option<usize>,
    /// Templates: whether the body is over 51,200 bytes and must be uploaded to S3.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub needs_artifact_bucket: Option<bool>,
    /// State machines: top-level states.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub states: Option<usize>,
}

impl ArtifactFacts {
    /// Measure one artifact.
    pub fn new(
        path: &str,
        kind: ArtifactKind,
        content: &str,
        counts: Option<TemplateCounts>,
        states: Option<usize>,
    ) -> Self {
        ArtifactFacts {
            path: path.to_owned(),
            kind,
            bytes: content.len(),
            sha256: sha256_hex(content.as_bytes()),
            resources: counts.map(|c| c.resources),
            parameters: counts.map(|c| c.parameters),
            outputs: counts.map(|c| c.outputs),
            needs_artifact_bucket: counts.map(|_| content.len() > INLINE_BODY_BYTES),
            states,
        }
    }
}

#[derive(Serialize)]
struct Manifest<'a> {
    tool: &'static str,
    tool_version: &'a str,
    policy: PolicyFacts<'a>,
    hub: HubFacts<'a>,
    stack_set: &'a crate::plan::StackSetPlan,
    history: &'a crate::plan::HistoryBound,
    artifacts: Vec<&'a ArtifactFacts>,
}

#[derive(Serialize)]
struct PolicyFacts<'a> {
    name: &'a str,
    sha256: &'a str,
    hash_of: &'static str,
    waves: usize,
}

#[derive(Serialize)]
struct HubFacts<'a> {
    stack_name: &'a str,
    stack_set_name: &'a str,
    parameters: [&'static str; 1],
    artifact_bucket: Option<&'a str>,
}

/// The manifest text (pretty JSON, final newline), artifacts sorted by path.
pub fn build(plan: &Plan, facts: &[ArtifactFacts], artifact_bucket: Option<&str>) -> String {
    let mut artifacts: Vec<&ArtifactFacts> = facts.iter().collect();
    artifacts.sort_by(|a, b| a.path.cmp(&b.path));
    let manifest = Manifest {
        tool: "patchform",
        tool_version: &plan.tool_version,
        policy: PolicyFacts {
            name: &plan.name,
            sha256: &plan.policy_sha256,
            hash_of: "canonical JSON of the typed policy (defaults applied)",
            waves: plan.waves.len(),
        },
        hub: HubFacts {
            stack_name: &plan.names.hub_stack,
            stack_set_name: &plan.names.stack_set,
            parameters: ["OrganizationId"],
            artifact_bucket,
        },
        stack_set: &plan.stack_set,
        history: &plan.history,
        artifacts,
    };
    // Serialising plain structs of strings and numbers cannot fail.
    let mut text = serde_json::to_string_pretty(&manifest).unwrap_or_default();
    text.push('\n');
    text
}
