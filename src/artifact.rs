// The files one policy compiles to: the product of the render stage, the input of diff and deploy.

/// What an artifact is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ArtifactKind {
    /// hub.template.yaml: the hub CloudFormation stack.
    HubTemplate,
    /// spoke.template.yaml: the StackSet template.
    SpokeTemplate,
    /// documents/*.yaml: an SSM document.
    Document,
    /// orchestrator.asl.json: the Step Functions state machine.
    StateMachine,
    /// manifest.json: sizes, hashes, counts.
    Manifest,
}

/// One generated file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Artifact {
    /// Path relative to the policy's output directory, with `/` separators
    /// (`hub.template.yaml`, `documents/wave-runbook.yaml`).
    pub path: String,
    /// What it is.
    pub kind: ArtifactKind,
    /// The exact bytes written (UTF-8 text, final newline).
    pub content: String,
}

/// Everything one policy compiles to, in a stable order (sorted by path).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Artifacts {
    /// The policy's `name`: the output directory under generated/.
    pub policy_name: String,
    /// The files.
    pub files: Vec<Artifact>,
}

impl Artifacts {
    /// The artifact at a relative path.
    pub fn get(&self, path: &str) -> Option<&Artifact> {
        self.files.iter().find(|a| a.path == path)
    }

    /// The first artifact of a kind (the hub or spoke template, the state machine).
    pub fn of_kind(&self, kind: ArtifactKind) -> Option<&Artifact> {
        self.files.iter().find(|a| a.kind == kind)
    }
}
