// Names of the AWS resources patchform owns, derived from the policy name in one place.

/// The hub stack's name.
pub fn hub_stack_name(policy_name: &str) -> String {
    format!("{policy_name}-hub")
}

/// The spoke stack set's name.
pub fn spoke_stack_set_name(policy_name: &str) -> String {
    format!("{policy_name}-spoke")
}

/// The directory under the output root that holds one policy's artifacts.
pub fn artifact_dir(policy_name: &str) -> String {
    policy_name.to_owned()
}
