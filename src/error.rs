// The error every command can end with: one variant per stage, each printing what, where and how to fix.

use crate::compiler::BuildError;
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
    /// Validation passed but produced no policy (a bug if it happens).
    #[error("`{}` did not produce a policy", .0.display())]
    NoPolicy(PathBuf),
    /// `build`: a valid policy did not compile (a template did not render or broke a limit).
    #[error("`{}`: nothing built: {source}", policy.display())]
    Build {
        /// The policy file.
        policy: PathBuf,
        /// Why it did not compile.
        source: Box<BuildError>,
    },
    /// `build`: two policies share a name, so they would share an output directory.
    #[error(
        "`{}` and `{}` are both named `{name}`; each policy needs its own name (its output directory)",
        first.display(),
        second.display()
    )]
    DuplicateName {
        /// The first policy file with the name.
        first: PathBuf,
        /// The second.
        second: PathBuf,
        /// The shared policy name.
        name: String,
    },
    /// `diff`: one side of the comparison did not compile.
    #[error("cannot compile `{policy}`: {source}")]
    Compile {
        /// The policy name.
        policy: String,
        /// Why it did not compile.
        source: Box<BuildError>,
    },
    /// The policy has no canonical JSON to hash (to find the policy manifest.json records).
    #[error(transparent)]
    PolicyHash(#[from] crate::digest::PolicyHashError),
    /// git could not provide a revision of the policy.
    #[error(transparent)]
    Git(#[from] crate::git::GitError),
    /// An AWS call failed or AWS is not in the state the policy needs.
    #[cfg(feature = "aws")]
    #[error(transparent)]
    Aws(#[from] crate::aws::AwsError),
    /// `calendar` could not compute the rollouts.
    #[error(transparent)]
    Calendar(#[from] crate::calendar::CalendarError),
    /// A report could not be serialised to JSON.
    #[error("cannot write the JSON report: {0}")]
    Json(#[source] serde_json::Error),
    /// `deploy` or `destroy` stopped (preflight, AWS, a failed hub stack, no confirmation).
    #[cfg(feature = "aws")]
    #[error(transparent)]
    Deploy(#[from] crate::deploy::DeployError),
    /// A `rollout` command could not do what was asked.
    #[cfg(feature = "aws")]
    #[error(transparent)]
    Rollout(#[from] crate::rollout::RolloutError),
    /// This patchform was built without the `aws` feature, so it cannot talk to AWS.
    #[cfg(not(feature = "aws"))]
    #[error(
        "`{command}` needs AWS, and this patchform was built without it (--no-default-features)"
    )]
    NotBuiltIn {
        /// The command (`deploy`, `diff --deployed`).
        command: &'static str,
    },
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

    /// What to do about it, printed as `  help: …` under the message.
    pub fn help(&self) -> Option<String> {
        match self {
            #[cfg(feature = "aws")]
            Error::Aws(e) => e.help(),
            #[cfg(feature = "aws")]
            Error::Deploy(e) => e.help(),
            #[cfg(feature = "aws")]
            Error::Rollout(e) => e.help(),
            #[cfg(not(feature = "aws"))]
            Error::NotBuiltIn { .. } => Some(
                "install the whole CLI, with the default features: `cargo install --locked --path .` in a clone of patchform"
                    .to_owned(),
            ),
            _ => None,
        }
    }
}
