// DeployError: why deploy or destroy stopped, each with what to do next.

use super::desired::DesiredError;
use super::problem::Problem;
use crate::aws::AwsError;
use crate::compiler::BuildError;

/// Why `deploy` or `destroy` could not finish (exit status 2).
#[derive(Debug, thiserror::Error)]
pub enum DeployError {
    /// An AWS call failed.
    #[error(transparent)]
    Aws(#[from] AwsError),
    /// Preflight found problems; nothing was changed.
    #[error("preflight failed, nothing was changed:\n{}", lines(.0))]
    Preflight(Vec<Problem>),
    /// The policy does not compile.
    #[error("the policy does not compile: {0}")]
    Build(#[from] BuildError),
    /// The compiled templates cannot be deployed as they are.
    #[error("the policy does not compile: {0}")]
    Desired(#[from] DesiredError),
    /// The hub stack did not reach its target state; CloudFormation rolled it back.
    #[error("hub stack `{stack}` ended in {status}; CloudFormation rolled it back, nothing is half-applied{}", reasons_text(.reasons))]
    HubFailed {
        /// The stack.
        stack: String,
        /// Its final status.
        status: String,
        /// `LogicalId (Type): reason` of each failed resource.
        reasons: Vec<String>,
    },
    /// The hub stack is in a state only a person can resolve.
    #[error("hub stack `{stack}` is {status}: {help}")]
    HubStuck {
        /// The stack.
        stack: String,
        /// Its status.
        status: String,
        /// What to do.
        help: String,
    },
    /// The hub change set could not be created.
    #[error("CloudFormation rejected the hub change set: {0}")]
    ChangeSet(String),
    /// The managed artifact bucket could not be created or configured.
    #[error("{}", .0.message)]
    ArtifactBucket(Problem),
    /// The stack set cannot be changed into what the policy asks.
    #[error("{}", .0.message)]
    StackSet(Problem),
    /// Nobody confirmed.
    #[error("{}", .0.message)]
    NotConfirmed(Problem),
    /// Ctrl-C.
    #[error("interrupted: an operation already started keeps running in AWS")]
    Interrupted,
    /// Writing progress failed.
    #[error("cannot write output: {0}")]
    Output(#[from] std::io::Error),
}

impl DeployError {
    /// What to do about it, printed as `  help: …` under the message.
    pub fn help(&self) -> Option<String> {
        match self {
            DeployError::Aws(e) => e.help(),
            DeployError::Desired(e) => e.help(),
            DeployError::ArtifactBucket(p)
            | DeployError::StackSet(p)
            | DeployError::NotConfirmed(p) => p.help.clone(),
            DeployError::Interrupted => Some(
                "run the same command again; it waits for that operation and resumes".to_owned(),
            ),
            _ => None,
        }
    }
}

/// Preflight's problems, each with its own help line (there is no single help for all of them).
fn lines(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

fn reasons_text(reasons: &[String]) -> String {
    if reasons.is_empty() {
        String::new()
    } else {
        format!(":\n  {}", reasons.join("\n  "))
    }
}
