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
    /// A wave names more accounts and OUs than one SSM Automation execution can target.
    #[error(
        "wave `{wave}` needs {locations} SSM target locations ({targets} accounts and OUs, {per_location} per location); one automation execution takes at most {limit}",
        per_location = super::wave::ACCOUNTS_PER_LOCATION
    )]
    TooManyTargetLocations {
        /// The wave.
        wave: String,
        /// Accounts plus OUs of the wave.
        targets: usize,
        /// Locations needed.
        locations: usize,
        /// SSM's limit.
        limit: usize,
    },
    /// The rollout execution would exceed the Step Functions history limit.
    #[error(
        "the rollout state machine could record up to {events} history events for {waves} waves; Step Functions stops an execution at {limit}"
    )]
    HistoryTooLong {
        /// Worst-case events of the rollout execution.
        events: u64,
        /// Waves in the policy.
        waves: usize,
        /// The Step Functions limit.
        limit: u64,
    },
    /// More accounts excluded than SSM accepts.
    #[error(
        "`organization.targets.exclude_accounts` lists {count} accounts; SSM Automation's ExcludeAccounts takes at most {limit}"
    )]
    TooManyExcludedAccounts {
        /// Accounts listed.
        count: usize,
        /// SSM's limit.
        limit: usize,
    },
}

impl PlanError {
    /// A value the validator should have refused.
    pub fn invalid(path: impl Into<String>, message: impl Into<String>) -> Self {
        PlanError::Invalid {
            path: path.into(),
            message: message.into(),
        }
    }
}
