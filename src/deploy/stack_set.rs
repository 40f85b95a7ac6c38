// The spoke stack set itself: decide create, update or nothing; create it or carry a configuration no instance carries.

use super::console::Console;
use super::desired::stack_set_differences;
use super::error::DeployError;
use super::operations::{self, preferences};
use super::problem::Problem;
use crate::aws::{CloudFormation, StackSetConfig, StackSetView};
use crate::plan::StackSetPlan;
use std::time::Duration;

/// What the stack set needs (its instances are the rollout's business).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum StackSetAction {
    /// The stack set does not exist.
    Create,
    /// Its template or configuration differs from the policy's.
    Update,
    /// Up to date.
    None,
}

impl StackSetAction {
    /// How the plan names it.
    pub(crate) fn plan_text(self) -> &'static str {
        match self {
            StackSetAction::Create => "create",
            StackSetAction::Update => "update",
            StackSetAction::None => "no changes",
        }
    }
}

/// Decide what to do with the stack set (pure): the action and what differs (`template`,
/// `parameters`, `settings`, `auto deployment`). A permission model cannot change in place.
pub(super) fn decide(
    found: Option<&StackSetView>,
    want: &StackSetConfig,
) -> Result<(StackSetAction, Vec<&'static str>), DeployError> {
    let Some(view) = found else {
        return Ok((StackSetAction::Create, Vec::new()));
    };
    if let Some(model) = view.permission_model
        && model != want.permission_model
    {
        return Err(DeployError::StackSet(Problem::new(
            format!(
                "stack set `{}` uses {model:?} permissions and the policy asks for {:?}; StackSets cannot switch",
                want.name, want.permission_model
            ),
            "run `patchform destroy`, then deploy again",
        )));
    }
    let changes = stack_set_differences(view, want);
    let action = if changes.is_empty() {
        StackSetAction::None
    } else {
        StackSetAction::Update
    };
    Ok((action, changes))
}

/// Create the stack set (no instances yet), or, with `bare_update`, send its new configuration
/// in one untargeted update because no instance carries it.
pub(super) async fn apply(
    api: &impl CloudFormation,
    planned: &StackSetPlan,
    want: &StackSetConfig,
    action: StackSetAction,
    bare_update: bool,
    console: &mut Console<'_>,
    timeout: Duration,
) -> Result<(), DeployError> {
    let name = want.name.as_str();
    let call_as = planned.call_as;
    if action == StackSetAction::Create {
        console.step(&format!("Stack set {name}: create"))?;
        api.create_stack_set(want, call_as).await?;
    } else if bare_update {
        console.step(&format!("Stack set {name}: update the configuration"))?;
        let prefs_all = preferences(planned, &planned.regions);
        let id = operations::start(api, name, call_as, console, timeout, || {
            api.update_stack_set(want, call_as, None, &prefs_all)
        })
        .await?;
        operations::follow(
            api,
            name,
            call_as,
            &id,
            "configuration",
            0,
            console,
            timeout,
        )
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::PermissionModel;

    fn want() -> StackSetConfig {
        StackSetConfig {
            name: "x-spoke".into(),
            template_body: "T".into(),
            template_url: None,
            parameters: Vec::new(),
            description: "d".into(),
            permission_model: PermissionModel::ServiceManaged,
            auto_deployment: Some(true),
            managed_execution: true,
            tags: Vec::new(),
        }
    }

    #[test]
    fn decisions_follow_what_exists_and_serialise_as_before() {
        let same = StackSetView {
            template_body: Some("T".into()),
            permission_model: Some(PermissionModel::ServiceManaged),
            ..StackSetView::default()
        };
        let changed = StackSetView {
            template_body: Some("T2".into()),
            ..same.clone()
        };
        let action = |view: Option<&StackSetView>| decide(view, &want()).map(|(a, _)| a).ok();
        assert_eq!(action(None), Some(StackSetAction::Create));
        assert_eq!(action(Some(&same)), Some(StackSetAction::None));
        assert_eq!(action(Some(&changed)), Some(StackSetAction::Update));
        let other_model = StackSetView {
            permission_model: Some(PermissionModel::SelfManaged),
            ..same
        };
        let err = decide(Some(&other_model), &want()).expect_err("cannot switch");
        assert!(err.to_string().contains("StackSets cannot switch"), "{err}");
        let words: Vec<String> = [
            StackSetAction::Create,
            StackSetAction::Update,
            StackSetAction::None,
        ]
        .iter()
        .map(|a| serde_json::to_string(a).unwrap_or_default())
        .collect();
        assert_eq!(words, ["\"create\"", "\"update\"", "\"none\""]);
    }
}
