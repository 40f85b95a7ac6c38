// Problem: one thing that stops a deploy or destroy, with what to do about it kept apart.

use std::fmt;

/// A reason deploy or destroy cannot go on, and (usually) what the operator can do about it.
/// The help stays its own field up to the renderer: `Display` is the one place that joins them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// What is wrong, naming the thing (account, bucket, stack set).
    pub message: String,
    /// What to do about it: a command to run, a key to change, a flag to pass.
    pub help: Option<String>,
}

impl Problem {
    /// A problem with what to do about it.
    pub fn new(message: impl Into<String>, help: impl Into<String>) -> Self {
        Problem {
            message: message.into(),
            help: Some(help.into()),
        }
    }
}

impl fmt::Display for Problem {
    /// The message, and the help on its own `  help:` line as every other error prints it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}
