// The error every command can end with: one variant per stage, each printing what, where and how to fix.

use std::path::PathBuf;

/// A command that could not do its job (exit status 2).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or directory could not be read or written.
    #[error("{action} `{path}`: {source}")]
    Io {
        /// What was being done ("cannot write").
        action: &'static str,
        /// The path.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The command line asked for something that cannot be done.
    #[error("{0}")]
    Usage(String),
    /// Compilation failed after validation (a template did not render or broke a limit).
    #[error("{0}")]
    Build(String),
    /// git could not provide a revision of the policy.
    #[error("{0}")]
    Git(String),
    /// An AWS call failed or AWS is not in the state the policy needs.
    #[error("{0}")]
    Aws(String),
    /// `deploy` or `destroy` stopped (preflight, AWS, a failed hub stack, no confirmation).
    #[error(transparent)]
    Deploy(#[from] crate::deploy::DeployError),
    /// A `rollout` command could not do what was asked.
    #[error(transparent)]
    Rollout(#[from] crate::rollout::RolloutError),
    /// Writing to stdout or stderr failed (a closed pipe).
    #[error("cannot write output: {0}")]
    Output(#[from] std::io::Error),
}

impl Error {
    /// An I/O error with the path and what was being done.
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }
}
