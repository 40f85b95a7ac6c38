// Stage 3, plan: the policy resolved into plain data — every default applied, every name final.

mod error;

pub use error::PlanError;

use crate::policy::Policy;

/// Everything the templates need, in final form.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Plan {
    /// The policy name.
    pub name: String,
}

/// Resolve a validated policy.
pub fn plan(policy: &Policy) -> Result<Plan, PlanError> {
    Ok(Plan {
        name: policy.name.clone(),
    })
}
