// Every name patchform gives an AWS resource or a directory, derived from the policy name (and
// hub) in one place: the plan carries them to the templates, deploy and diff.

use serde::Serialize;

/// The hub stack's name.
pub(crate) fn hub_stack_name(policy_name: &str) -> String {
    format!("{policy_name}-hub")
}

/// The spoke stack set's name.
pub(crate) fn spoke_stack_set_name(policy_name: &str) -> String {
    format!("{policy_name}-spoke")
}

/// The directory under the output root that holds one policy's artifacts.
pub(crate) fn artifact_dir(policy_name: &str) -> String {
    policy_name.to_owned()
}

/// Physical names of the resources the templates create or reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Names {
    /// The hub stack.
    pub hub_stack: String,
    /// The spoke stack set.
    pub stack_set: String,
    /// The rollout state machine (one execution per rollout).
    pub rollout_state_machine: String,
    /// The wave state machine (one child execution per wave).
    pub wave_state_machine: String,
    /// The log bucket in the hub (scan output, baseline overrides, failure analyses).
    pub log_bucket: String,
    /// The DynamoDB audit table.
    pub audit_table: String,
    /// The event bus receiving compliance changes from the spokes.
    pub event_bus: String,
    /// The rollout notification topic.
    pub topic: String,
    /// The approval request topic.
    pub approval_topic: String,
    /// The KMS key alias (with `alias/`).
    pub key_alias: String,
    /// The state machines' log group.
    pub rollout_log_group: String,
    /// The compliance events' log group.
    pub compliance_log_group: String,
    /// The rollout state machine's role (named: the log bucket policy lets only it write patch sets).
    pub rollout_role: String,
    /// SSM's fixed name for the multi-account automation administration role in the hub.
    pub automation_admin_role: String,
    /// The role SSM Automation assumes in every spoke (ExecutionRoleName).
    pub automation_execution_role: String,
    /// The spoke role Config remediation runs as.
    pub remediation_role: String,
    /// The spoke role of the Config recorder.
    pub config_recorder_role: String,
    /// The spoke role EventBridge uses to forward compliance events to the hub bus.
    pub event_forwarder_role: String,
    /// The spoke managed policy instance roles of patched nodes carry.
    pub instance_role_policy: String,
    /// The wave runbook, in the hub and in every spoke account and region.
    pub wave_runbook: String,
    /// The spoke remediation runbook.
    pub remediation_runbook: String,
    /// The scan association.
    pub scan_association: String,
    /// The Config rule.
    pub config_rule: String,
    /// The schedule of rollouts.
    pub schedule: String,
    /// The approvers' managed policy.
    pub approvers_policy: String,
    /// The operators' managed policy (start and stop rollouts).
    pub operators_policy: String,
    /// The dead-letter queue of the rollout schedule.
    pub schedule_dead_letter_queue: String,
    /// The CloudWatch Logs resource policy letting EventBridge write compliance events.
    pub compliance_logs_policy: String,
    /// The hub EventBridge rule sending compliance changes to their log group.
    pub compliance_rule: String,
    /// The alarm on an approval request left unanswered until its timeout.
    pub approval_alarm: String,
    /// The CloudWatch dashboard.
    pub dashboard: String,
}

impl Names {
    /// Names for a policy whose hub is `account` in `region`.
    pub fn new(policy: &str, account: &str, region: &str) -> Self {
        let n = |suffix: &str| format!("{policy}-{suffix}");
        Names {
            hub_stack: hub_stack_name(policy),
            stack_set: spoke_stack_set_name(policy),
            rollout_state_machine: n("rollout"),
            wave_state_machine: n("wave"),
            // ≤ 32 + 1 + 12 + 1 + 14 = 60 characters, inside S3's 63; globally unique per hub.
            log_bucket: format!("{policy}-{account}-{region}"),
            audit_table: n("audit"),
            event_bus: n("compliance"),
            topic: n("rollouts"),
            approval_topic: n("approvals"),
            key_alias: format!("alias/{policy}"),
            rollout_log_group: format!("/patchform/{policy}/rollouts"),
            compliance_log_group: format!("/patchform/{policy}/compliance"),
            // Passed as AutomationAssumeRole, so it need not have SSM's default name: one per policy,
            // and two policies in one hub account do not collide.
            rollout_role: n("rollout"),
            automation_admin_role: n("automation-admin"),
            automation_execution_role: n("automation-execution"),
            remediation_role: n("remediation"),
            config_recorder_role: n("config-recorder"),
            event_forwarder_role: n("event-forwarder"),
            instance_role_policy: n("instance-role"),
            wave_runbook: n("wave"),
            remediation_runbook: n("remediate-instance"),
            scan_association: n("scan"),
            config_rule: n("patch-compliance"),
            schedule: n("rollout-schedule"),
            approvers_policy: n("approvers"),
            operators_policy: n("operators"),
            schedule_dead_letter_queue: n("schedule-dlq"),
            compliance_logs_policy: n("compliance-events"),
            compliance_rule: n("compliance-changes"),
            approval_alarm: n("approval-waiting-too-long"),
            dashboard: n("patching"),
        }
    }

    /// The alarm on rollouts that ended with `outcome` (`failed`, `timed-out`).
    pub fn rollout_alarm(&self, outcome: &str) -> String {
        format!("{}-{outcome}", self.rollout_state_machine)
    }
}
