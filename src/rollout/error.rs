// Why a `patchform rollout` command could not do what was asked: one sentence with the fix.

use crate::aws::AwsError;

/// A day-2 command that stopped (exit status 2, or 1 where the variant says so).
#[derive(Debug, thiserror::Error)]
pub enum RolloutError {
    /// The hub stack is not deployed in the hub account and region.
    #[error("the hub stack `{stack}` of policy {policy} does not exist in {region}")]
    HubMissing {
        /// The policy name.
        policy: String,
        /// The stack name.
        stack: String,
        /// The hub region.
        region: String,
        /// The hub account.
        account: String,
    },
    /// The hub stack lacks an output the commands read (an older or failed deploy).
    #[error("the hub stack `{stack}` ({status}) has no output `{output}`")]
    HubIncomplete {
        /// The stack name.
        stack: String,
        /// Its status.
        status: String,
        /// The missing output.
        output: &'static str,
    },
    /// No rollout has that id.
    #[error("policy {policy} has no rollout `{id}`")]
    NoSuchRollout {
        /// The policy name.
        policy: String,
        /// The id asked for.
        id: String,
    },
    /// No rollout is running and none was named.
    #[error("no rollout of policy {policy} is running")]
    NothingRunning {
        /// The policy name.
        policy: String,
    },
    /// The rollout has ended: nothing to approve, reject or stop.
    #[error("rollout {id} has already ended ({status})")]
    Ended {
        /// The rollout id.
        id: String,
        /// How it ended.
        status: String,
        /// What to do instead.
        help: &'static str,
    },
    /// The wave is not waiting for an approval.
    #[error("wave {wave} of rollout {id} is not waiting for approval: {now}")]
    NotAwaitingApproval {
        /// The rollout id.
        id: String,
        /// The wave named.
        wave: String,
        /// What the rollout is doing instead.
        now: String,
    },
    /// The policy has no such wave.
    #[error("policy {policy} has no wave `{wave}`")]
    UnknownWave {
        /// The policy name.
        policy: String,
        /// The wave named.
        wave: String,
        /// The policy's waves.
        known: String,
    },
    /// Four eyes: the caller started the rollout.
    #[error("{caller} started rollout {id} and may not approve its wave {wave} (four eyes)")]
    SelfApproval {
        /// The caller's ARN.
        caller: String,
        /// The rollout id.
        id: String,
        /// The wave.
        wave: String,
        /// Who else may approve.
        approvers: String,
    },
    /// Another rollout of the policy is running.
    #[error("rollout {running} of policy {policy} is still running")]
    AlreadyRunning {
        /// The policy name.
        policy: String,
        /// The running rollout's id.
        running: String,
    },
    /// The command line asked for something that cannot be done.
    #[error("{0}")]
    Usage(String),
    /// An AWS call failed.
    #[error("{0}")]
    Aws(#[from] AwsError),
    /// The policy did not compile.
    #[error("{0}")]
    Plan(#[from] crate::plan::PlanError),
    /// Ctrl-C.
    #[error("interrupted: nothing more was sent to AWS")]
    Interrupted,
}

impl RolloutError {
    /// What to do about it, printed as `  help: …` under the message.
    pub fn help(&self) -> Option<String> {
        match self {
            RolloutError::HubMissing { account, .. } => Some(format!(
                "deploy the policy first (`patchform deploy POLICY`), and check that your credentials are for the hub account {account}"
            )),
            RolloutError::HubIncomplete { .. } => Some(
                "run `patchform deploy POLICY` to bring the hub up to date".to_owned(),
            ),
            RolloutError::NoSuchRollout { .. } => Some(
                "`patchform rollout list POLICY` shows the rollouts the audit table knows".to_owned(),
            ),
            RolloutError::NothingRunning { .. } => Some(
                "name one (`patchform rollout list POLICY` shows them), or start one with `patchform rollout start POLICY`".to_owned(),
            ),
            RolloutError::Ended { help, .. } => Some((*help).to_owned()),
            RolloutError::NotAwaitingApproval { id, .. } => Some(format!(
                "`patchform rollout status POLICY {id}` shows what the rollout is doing"
            )),
            RolloutError::UnknownWave { known, .. } => Some(format!(
                "its waves are {known}"
            )),
            RolloutError::SelfApproval { approvers, .. } => Some(format!(
                "ask another approver of the wave ({approvers}), or set `approval.allow_self_approval: true` on the wave"
            )),
            RolloutError::AlreadyRunning { .. } => Some(
                "wait for it (`patchform rollout status POLICY --watch`), stop it (`patchform rollout stop POLICY --reason ...`), or start anyway with --force".to_owned(),
            ),
            RolloutError::Aws(e) => e.help(),
            RolloutError::Usage(_) | RolloutError::Plan(_) | RolloutError::Interrupted => None,
        }
    }
}
