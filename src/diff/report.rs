// The one result model of `patchform diff`: every renderer (human, markdown, json) reads only this.

use serde::Serialize;

/// The version of the JSON document (`schema_version`); bumped on incompatible changes.
pub const SCHEMA_VERSION: u32 = 1;

/// Everything one diff found, from the policy level down to the text of each artifact.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DiffReport {
    /// Version of this document's shape.
    pub schema_version: u32,
    /// The policy's name.
    pub policy: String,
    /// What the compiled policy is compared with.
    pub base: Base,
    /// Whether anything differs.
    pub changed: bool,
    /// Whether any change is flagged risky.
    pub risky: bool,
    /// How many changes of each kind.
    pub counts: Counts,
    /// The policy-level summary, in the reviewer's words.
    pub policy_changes: PolicySummary,
    /// Resource-level changes, one entry per changed CloudFormation template.
    pub resources: Vec<TemplateChanges>,
    /// IAM statements and other resource policies added or removed.
    pub security: Vec<SecurityChange>,
    /// Every generated file that differs semantically, with its unified diff.
    pub artifacts: Vec<ArtifactChange>,
    /// Facts about the comparison a reviewer should know (a missing side, a skipped level).
    pub notes: Vec<String>,
    /// The waves of both policies when they differ, for the markdown comment's rollout
    /// diagrams. Not part of the JSON document: the policy changes already say what changed.
    #[serde(skip)]
    pub waves: Option<WavesChange>,
}

/// The rollout order before and after a change of `waves`.
#[derive(Debug, Clone, PartialEq)]
pub struct WavesChange {
    /// The old policy's waves.
    pub old: Vec<crate::policy::Wave>,
    /// The new policy's waves.
    pub new: Vec<crate::policy::Wave>,
}

/// What the compiled policy is compared with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Base {
    /// Which source.
    pub kind: BaseKind,
    /// A short human label: `generated/acme-fleet`, `origin/main`, `AWS (stack acme-fleet-hub, …)`.
    pub label: String,
}

/// The three sources a diff can compare with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BaseKind {
    /// The committed artifacts under generated/<name>/.
    Generated,
    /// The same policy file at a git revision, compiled.
    Git,
    /// The hub stack and spoke stack set deployed in AWS.
    Deployed,
}

/// How many changes of each kind a report holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Counts {
    /// Policy-level changes.
    pub policy: usize,
    /// Resources added.
    pub added: usize,
    /// Resources modified in place.
    pub modified: usize,
    /// Resources CloudFormation will replace.
    pub replaced: usize,
    /// Resources removed.
    pub removed: usize,
    /// Security changes.
    pub security: usize,
    /// Artifacts that differ.
    pub artifacts: usize,
    /// Changes flagged risky (any level).
    pub risky: usize,
}

/// The policy-level summary, or why there is none.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PolicySummary {
    /// Whether both policies were available to compare.
    pub available: bool,
    /// The changes, risky ones first, then in policy order.
    pub changes: Vec<PolicyChange>,
}

/// Whether something appeared, disappeared or changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// New.
    Added,
    /// Gone.
    Removed,
    /// Different.
    Modified,
}

impl ChangeKind {
    /// The one-character marker (`+`, `-`, `~`).
    pub fn marker(self) -> char {
        match self {
            ChangeKind::Added => '+',
            ChangeKind::Removed => '-',
            ChangeKind::Modified => '~',
        }
    }
}

/// One policy-level change, in the reviewer's words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyChange {
    /// The part of the policy, as a dotted path (`waves.prod.approval`, `baselines.windows`).
    pub path: String,
    /// Added, removed or modified.
    pub kind: ChangeKind,
    /// What changed, one sentence (`approval gate removed`).
    pub summary: String,
    /// The old value, when there is one to show.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<String>,
    /// The new value, when there is one to show.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<String>,
    /// Why it widens the blast radius or removes a safety gate; `None` when it is not risky.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub risk: Option<String>,
}

impl PolicyChange {
    /// Whether the change is flagged risky.
    pub fn is_risky(&self) -> bool {
        self.risk.is_some()
    }
}

/// Resource-level changes of one CloudFormation template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TemplateChanges {
    /// The artifact path (`hub.template.yaml`).
    pub artifact: String,
    /// The changed resources, by logical id.
    pub resources: Vec<ResourceChange>,
}

/// What CloudFormation will do to one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ResourceAction {
    /// Created.
    Add,
    /// Updated in place.
    Modify,
    /// Deleted and created again (a replacement-causing property changed).
    Replace,
    /// The update is refused: an immutable property changed (KMS KeySpec, say).
    UpdateFails,
    /// Deleted.
    Remove,
}

impl ResourceAction {
    /// The marker shown before the resource (`+`, `~`, `!`, `x`, `-`).
    pub fn marker(self) -> char {
        match self {
            ResourceAction::Add => '+',
            ResourceAction::Modify => '~',
            ResourceAction::Replace => '!',
            ResourceAction::UpdateFails => 'x',
            ResourceAction::Remove => '-',
        }
    }

    /// The verb shown in tables.
    pub fn verb(self) -> &'static str {
        match self {
            ResourceAction::Add => "added",
            ResourceAction::Modify => "modified",
            ResourceAction::Replace => "replaced",
            ResourceAction::UpdateFails => "update fails",
            ResourceAction::Remove => "removed",
        }
    }
}

/// One changed resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResourceChange {
    /// The logical id.
    pub logical_id: String,
    /// The resource type (the new one when it changed).
    pub resource_type: String,
    /// What CloudFormation will do.
    pub action: ResourceAction,
    /// Property paths that changed (`Properties.ApprovalRules.PatchRules[0].ApproveAfterDays`).
    pub changed_paths: Vec<String>,
    /// The paths that force replacement (or make the update fail); a subset of `changed_paths`.
    pub replacement_paths: Vec<String>,
    /// Set when data is lost (a replaced or removed bucket or table), saying what is lost.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_loss: Option<String>,
}

impl ResourceChange {
    /// Whether the change is flagged risky: data loss or a refused update.
    pub fn is_risky(&self) -> bool {
        self.data_loss.is_some() || self.action == ResourceAction::UpdateFails
    }
}

/// Which kind of policy a security change sits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicyKind {
    /// An IAM role's AssumeRolePolicyDocument.
    TrustPolicy,
    /// An identity policy: a role's inline policy, AWS::IAM::Policy or ManagedPolicy.
    IdentityPolicy,
    /// A managed policy ARN attached to a role.
    ManagedPolicyAttachment,
    /// An AWS::KMS::Key KeyPolicy.
    KeyPolicy,
    /// An AWS::S3::BucketPolicy.
    BucketPolicy,
    /// An AWS::SNS::TopicPolicy.
    TopicPolicy,
    /// Another resource policy (SQS, EventBridge).
    ResourcePolicy,
}

impl PolicyKind {
    /// How tables name it.
    pub fn label(self) -> &'static str {
        match self {
            PolicyKind::TrustPolicy => "trust policy",
            PolicyKind::IdentityPolicy => "IAM policy",
            PolicyKind::ManagedPolicyAttachment => "managed policy",
            PolicyKind::KeyPolicy => "key policy",
            PolicyKind::BucketPolicy => "bucket policy",
            PolicyKind::TopicPolicy => "topic policy",
            PolicyKind::ResourcePolicy => "resource policy",
        }
    }
}

/// One statement (or managed policy attachment) added or removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SecurityChange {
    /// The artifact path.
    pub artifact: String,
    /// The resource holding the policy, by logical id.
    pub resource: String,
    /// Which policy: `trust policy`, `IAM policy`, `key policy`, …
    pub policy_kind: PolicyKind,
    /// The inline policy's name, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy_name: Option<String>,
    /// Added or removed (a changed statement is one of each).
    pub kind: ChangeKind,
    /// `Allow` or `Deny`.
    pub effect: String,
    /// Principals (`Service:states.amazonaws.com`, `AWS:arn:…`), for resource and trust policies.
    pub principals: Vec<String>,
    /// Actions; `NotAction` entries are written `not:<action>`.
    pub actions: Vec<String>,
    /// Resources; `NotResource` entries are written `not:<resource>`.
    pub resources: Vec<String>,
    /// The condition block as compact JSON, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// What grows, when the change grants more than before (a new action, resource or principal,
    /// a dropped condition, a removed Deny); empty when it does not broaden.
    pub broadening: Vec<String>,
}

impl SecurityChange {
    /// Whether the change grants more than before.
    pub fn is_broadening(&self) -> bool {
        !self.broadening.is_empty()
    }
}

/// The status of a generated file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ArtifactStatus {
    /// Only on the new side.
    Added,
    /// Only on the old side.
    Removed,
    /// On both sides, semantically different.
    Modified,
}

/// One generated file that differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArtifactChange {
    /// Path relative to generated/<name>/.
    pub path: String,
    /// Added, removed or modified.
    pub status: ArtifactStatus,
    /// Lines added in the unified diff as shown (an embedded copy counts as one line, a folded
    /// line as one).
    pub lines_added: usize,
    /// Lines removed, counted the same way.
    pub lines_removed: usize,
    /// The unified diff (`--- a/… +++ b/…`, three lines of context), written for reading: hunk
    /// headers count the file's lines, a copy of another artifact embedded in a template is one
    /// line naming that artifact, and a line too long for a screen is folded (docs/diff-json.md).
    pub unified_diff: String,
    /// Copies of other artifacts embedded in this one (a state machine or runbook inside a
    /// template) whose data changed; their changes are shown in the diff of that artifact.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub embedded: Vec<EmbeddedChange>,
}

/// A copy of another artifact, embedded in a template, that was added, removed or changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EmbeddedChange {
    /// Where the copy sits in the template, as a JSON pointer
    /// (`/Resources/WaveStateMachine/Properties/Definition`).
    pub pointer: String,
    /// The artifact it is a copy of, whose diff shows the change (`wave.asl.json`).
    pub artifact: String,
    /// Added, removed or modified.
    pub status: ArtifactStatus,
}
