// Why rendering failed: a template error, an artifact that does not parse back, or a broken limit.

/// A render failure, naming the artifact.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// A template could not be loaded or rendered.
    #[error("template `{template}`: {message}")]
    Template {
        /// The template name.
        template: String,
        /// minijinja's message, with the line.
        message: String,
    },
}
