// Stage 4, render: the plan through minijinja templates into artifacts, each parsed back and checked.

mod error;

pub use error::RenderError;

use crate::artifact::Artifacts;
use crate::compiler::CompileOptions;
use crate::plan::Plan;

/// Render every artifact of a plan.
pub fn render(plan: &Plan, _options: &CompileOptions) -> Result<Artifacts, RenderError> {
    Ok(Artifacts {
        policy_name: plan.name.clone(),
        files: Vec::new(),
    })
}
