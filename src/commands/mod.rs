// One file per subcommand; each takes its parsed arguments and the output streams.

pub mod build;
pub mod calendar;
pub mod completions;
#[cfg(feature = "aws")]
pub mod deploy;
#[cfg(feature = "aws")]
pub mod destroy;
pub mod diff;
pub mod explain;
pub mod init;
#[cfg(feature = "aws")]
pub mod rollout;
pub mod schema;
pub mod validate;
