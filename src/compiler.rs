// Stages 3–4, compile: a validated policy → resolved plan → rendered, checked artifacts + manifest.

use crate::artifact::Artifacts;
use crate::plan::{self, Plan, PlanError};
use crate::policy::Policy;
use crate::render::{self, RenderError};

pub use crate::render::CompileOptions;

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

/// A compiled policy: the plan (every decision: names, stack set settings, limits) and the
/// artifacts rendered from it. Later stages read the plan rather than decide again.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// The resolved plan.
    pub plan: Plan,
    /// The rendered artifacts, sorted by path.
    pub artifacts: Artifacts,
}

/// Compile one validated policy into its plan and artifacts.
pub fn compile_planned(policy: &Policy, options: &CompileOptions) -> Result<Compiled, BuildError> {
    let plan = plan::plan(policy)?;
    let artifacts = render::render(&plan, options)?;
    Ok(Compiled { plan, artifacts })
}

/// Compile one validated policy into its artifacts, sorted by path (when the plan is not needed).
pub fn compile(policy: &Policy, options: &CompileOptions) -> Result<Artifacts, BuildError> {
    compile_planned(policy, options).map(|compiled| compiled.artifacts)
}
