// Stages 3–4, compile: a validated policy → resolved plan → rendered, checked artifacts + manifest.

use crate::artifact::Artifacts;
use crate::plan::{self, PlanError};
use crate::policy::Policy;
use crate::render::{self, RenderError};
use std::path::PathBuf;

/// How to compile: everything that is not in the policy itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CompileOptions {
    /// Render from the templates in this directory instead of the built-in ones.
    pub templates_dir: Option<PathBuf>,
    /// The S3 bucket deploy will send templates through, named in size errors; templates are
    /// checked against CloudFormation's 1 MB either way.
    pub artifact_bucket: Option<String>,
}

/// Why a valid policy did not compile.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The policy cannot be turned into a plan (a figure AWS cannot hold).
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// A template did not render, an artifact did not parse back, or a limit was broken.
    #[error(transparent)]
    Render(#[from] RenderError),
}

/// Compile one validated policy into its artifacts, sorted by path.
pub fn compile(policy: &Policy, options: &CompileOptions) -> Result<Artifacts, BuildError> {
    let plan = plan::plan(policy)?;
    Ok(render::render(&plan, options)?)
}
