// Why a valid policy cannot be planned: figures that no AWS design could hold.

/// A planning failure, naming the figure and the limit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// A value the validator should have refused (a bug if it happens).
    #[error(
        "`{path}`: {message} (the validator should have refused this; this may indicate a bug in patchform)"
    )]
    Invalid {
        /// Where in the policy.
        path: String,
        /// What is wrong.
        message: String,
    },
}
