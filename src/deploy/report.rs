// The deploy report: what changed and the per-account outcome, as JSON for CI and a human summary.

use super::bucket::BucketAction;
use super::hub::HubAction;
use super::rollout::StepKind;
use super::stack_set::StackSetAction;
use crate::aws::{InstanceTargets, OperationStatus, ResourceChange};
use crate::exit::ExitStatus;
use serde::Serialize;

/// Version of the JSON document's shape.
pub(super) const SCHEMA_VERSION: u32 = 1;

/// How the deploy ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Outcome {
    /// AWS already matched the policy; nothing was called that changes anything.
    NoChanges,
    /// --dry-run: planned only.
    DryRun,
    /// Everything applied.
    Deployed,
    /// Applied, but some stack instances failed (or an operation stopped the rollout).
    Partial,
}

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct DeployReport {
    /// Shape version.
    pub schema_version: u32,
    /// Policy name.
    pub policy: String,
    /// How it ended.
    pub outcome: Outcome,
    /// The S3 bucket the templates go through.
    pub artifact_bucket: ArtifactBucketReport,
    /// The hub stack.
    pub hub: HubReport,
    /// The spoke stack set.
    pub stack_set: StackSetReport,
    /// Stack set operations, in the order they ran.
    pub operations: Vec<OperationReport>,
    /// Every stack instance the policy targets, after the deploy.
    pub instances: Vec<InstanceReport>,
    /// Stack instances the policy no longer targets, left alone (no --prune).
    pub drift: Vec<InstanceReport>,
    /// Things the operator should know.
    pub notes: Vec<String>,
}

/// The artifact bucket's part.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ArtifactBucketReport {
    /// Bucket name.
    pub name: String,
    /// patchform's own bucket (`patchform-artifacts-<account>-<region>`); false for `--artifact-bucket`.
    pub managed: bool,
    /// What deploy does (in a dry run: would do) to it before uploading: `create`, `configure`
    /// (finish an interrupted set-up) or `none` (also when no template needs sending).
    pub action: BucketAction,
    /// Whether this run created it.
    pub created: bool,
}

/// The hub stack's part.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct HubReport {
    /// Stack name.
    pub stack: String,
    /// What was (or would be) done.
    pub action: HubAction,
    /// The change set's resource changes.
    pub changes: Vec<ResourceChange>,
    /// Final stack status, when applied.
    pub status: Option<String>,
}

/// The stack set's part.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct StackSetReport {
    /// Stack set name.
    pub name: String,
    /// `create`, `update` or `none`.
    pub action: StackSetAction,
    /// What differs (`template`, `parameters`, `settings`, `auto deployment`).
    pub changes: Vec<&'static str>,
}

/// One stack set operation.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct OperationReport {
    /// Wave (`prune` for deletions).
    pub wave: String,
    /// What it did.
    pub kind: StepKind,
    /// Operation id (absent in a dry run).
    pub operation_id: Option<String>,
    /// Final status (absent in a dry run).
    pub status: Option<OperationStatus>,
    /// Where.
    pub targets: InstanceTargets,
    /// Account-region pairs meant.
    pub pairs: usize,
    /// Why it failed.
    pub reason: Option<String>,
}

/// One stack instance.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub(crate) struct InstanceReport {
    /// Account id.
    pub account: String,
    /// Account name.
    pub account_name: Option<String>,
    /// Region.
    pub region: String,
    /// Wave.
    pub wave: Option<String>,
    /// `current`, `outdated`, `inoperable`, `missing`.
    pub status: String,
    /// DetailedStatus.
    pub detailed_status: Option<String>,
    /// Why (failures).
    pub reason: Option<String>,
}

impl DeployReport {
    /// 0 success (or no change, or dry run), 1 some instances failed.
    pub(crate) fn exit_status(&self) -> ExitStatus {
        match self.outcome {
            Outcome::Partial => ExitStatus::Failure,
            _ => ExitStatus::Success,
        }
    }

    /// Instances that failed.
    pub(crate) fn failed(&self) -> impl Iterator<Item = &InstanceReport> {
        self.instances.iter().filter(|i| {
            i.detailed_status.as_deref() == Some("FAILED")
                || i.status == "inoperable"
                || i.status == "missing"
        })
    }

    /// Pretty JSON with a final newline.
    pub(crate) fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_else(|e| {
            format!("{{\"error\": \"cannot serialise the deploy report: {e}\"}}")
        });
        text.push('\n');
        text
    }
}
