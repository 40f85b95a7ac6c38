// Why rendering failed: a template error, an artifact that does not parse back, or a broken limit.

use std::path::PathBuf;

/// A render failure, naming the artifact and the figure.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// A template file in `--templates DIR` could not be read.
    #[error("cannot read template `{}`: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A template could not be compiled or rendered (strict: an undefined value is an error).
    #[error("template `{template}`: {message}")]
    Template {
        /// The template name.
        template: String,
        /// minijinja's message, with the line.
        message: String,
    },
    /// A rendered artifact is not valid YAML or JSON.
    #[error("`{artifact}` does not parse after rendering: {message}")]
    Parse {
        /// The artifact path.
        artifact: String,
        /// The parser's message.
        message: String,
    },
    /// A rendered artifact parses but lacks what its kind needs (Resources, StartAt, …).
    #[error("`{artifact}` is not a valid {kind}: {message}")]
    Shape {
        /// The artifact path.
        artifact: String,
        /// What it should be.
        kind: &'static str,
        /// What is missing.
        message: String,
    },
    /// A CloudFormation or Step Functions quota is exceeded.
    #[error("`{artifact}` has {what} {figure}; the limit is {limit}{hint}")]
    Limit {
        /// The artifact path.
        artifact: String,
        /// What was counted ("a body of", "resources:").
        what: &'static str,
        /// The figure.
        figure: String,
        /// The limit.
        limit: String,
        /// How to get under it.
        hint: String,
    },
}
