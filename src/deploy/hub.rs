// The hub stack: decide, preview (change set), apply (execute and follow events), report failures.

use super::console::Console;
use super::desired::HubDesired;
use super::error::DeployError;
use super::poll::Poller;
use crate::aws::{AwsError, ChangeSetRequest, ChangeSetView, CloudFormation, StackInfo};
use std::time::Duration;

/// CloudFormation's limit for a template sent inline (TemplateBody), defined with the other
/// quotas in render::limits. Deploy sends every template by TemplateURL; only a dry run's
/// preview, before the managed bucket exists, goes inline.
pub(super) use crate::render::limits::INLINE_BODY_BYTES as INLINE_TEMPLATE_LIMIT;

/// What the hub stack needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum HubAction {
    /// The stack does not exist.
    Create,
    /// A first create failed (ROLLBACK_COMPLETE): delete it, then create.
    Recreate,
    /// Template or parameters differ.
    Update,
    /// Up to date.
    None,
}

/// The hub stack as found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(super) struct HubState {
    /// DescribeStacks.
    pub info: Option<StackInfo>,
    /// GetTemplate (Original).
    pub template: Option<String>,
}

/// A status still moving.
pub(super) fn in_progress(status: &str) -> bool {
    status.ends_with("_IN_PROGRESS") && status != "REVIEW_IN_PROGRESS"
}

/// Read the hub stack.
pub(super) async fn read(api: &impl CloudFormation, stack: &str) -> Result<HubState, AwsError> {
    let info = api.describe_stack(stack).await?;
    let template = match &info {
        Some(i) if i.status != "REVIEW_IN_PROGRESS" => api.get_template(stack).await?,
        _ => None,
    };
    Ok(HubState { info, template })
}

/// Decide what to do with the hub stack (pure).
pub(super) fn decide(state: &HubState, want: &HubDesired) -> Result<HubAction, DeployError> {
    let Some(info) = &state.info else {
        return Ok(HubAction::Create);
    };
    let stuck = |help: &str| DeployError::HubStuck {
        stack: want.stack.clone(),
        status: info.status.clone(),
        help: help.to_owned(),
    };
    match info.status.as_str() {
        "REVIEW_IN_PROGRESS" => Ok(HubAction::Create),
        "ROLLBACK_COMPLETE" => Ok(HubAction::Recreate),
        "UPDATE_ROLLBACK_FAILED" => Err(stuck(
            "run `aws cloudformation continue-update-rollback --stack-name <stack>` and deploy again",
        )),
        s if s.ends_with("_FAILED") => Err(stuck(
            "look at the stack's events in the CloudFormation console, fix or delete the stack, and deploy again",
        )),
        _ if state.template.as_deref() == Some(want.template.as_str())
            && info.parameters == want.parameters =>
        {
            Ok(HubAction::None)
        }
        _ => Ok(HubAction::Update),
    }
}

/// Wait for a stack operation someone else started (an interrupted deploy) to settle.
pub(super) async fn wait_settled(
    api: &impl CloudFormation,
    stack: &str,
    console: &mut Console<'_>,
    timeout: Duration,
) -> Result<Option<StackInfo>, DeployError> {
    let mut poller = Poller::new(
        format!("hub stack `{stack}`"),
        timeout,
        Duration::from_secs(5),
    );
    loop {
        let info = api.describe_stack(stack).await?;
        match &info {
            Some(i) if in_progress(&i.status) => {
                console.progress(&format!("waiting for {stack}: {}", i.status))?;
            }
            _ => return Ok(info),
        }
        poller.tick().await?;
    }
}

/// Create a change set and wait until CloudFormation has computed it. `Ok(None)` when it holds
/// no change.
pub(super) async fn change_set(
    api: &impl CloudFormation,
    want: &HubDesired,
    create: bool,
    timeout: Duration,
) -> Result<Option<(String, ChangeSetView)>, DeployError> {
    let request = ChangeSetRequest {
        stack_name: want.stack.clone(),
        change_set_name: format!("patchform-{}", unix_seconds()),
        template_body: want.template.clone(),
        template_url: want.template_url.clone(),
        parameters: want.parameters.clone(),
        create,
        description: "patchform deploy".to_owned(),
    };
    let id = api.create_change_set(&request).await?;
    let mut poller = Poller::new("the hub change set", timeout, Duration::from_secs(5));
    loop {
        let view = api.describe_change_set(&want.stack, &id).await?;
        match view.status.as_str() {
            "CREATE_COMPLETE" => return Ok(Some((id, view))),
            "FAILED" => {
                api.delete_change_set(&want.stack, &id).await?;
                if create {
                    api.delete_stack(&want.stack).await?;
                }
                if view.changes.is_empty() && holds_no_change(view.status_reason.as_deref()) {
                    return Ok(None);
                }
                return Err(DeployError::ChangeSet(
                    view.status_reason
                        .unwrap_or_else(|| "no reason given".to_owned()),
                ));
            }
            _ => poller.tick().await?,
        }
    }
}

/// CloudFormation marks an empty change set FAILED and says so only in prose; deploy compares
/// template and parameters first, so this is a fallback for semantically equal templates.
fn holds_no_change(reason: Option<&str>) -> bool {
    reason.is_some_and(|r| {
        r.contains("didn't contain changes") || r.contains("No updates are to be performed")
    })
}

/// Print a change set as `+ Type Logical`, `> …` (modify, with replacement), `- …`.
pub(super) fn print_changes(
    console: &mut Console<'_>,
    stack: &str,
    view: &ChangeSetView,
) -> std::io::Result<()> {
    console.line(&format!("Stack {stack}:"))?;
    if view.changes.is_empty() {
        return console.line("  (no changes in resources)");
    }
    for change in &view.changes {
        let mark = match change.action.as_str() {
            "Add" => "+",
            "Remove" => "-",
            _ => ">",
        };
        let replacement = match change.replacement.as_deref() {
            Some("True") => "  (REPLACEMENT)",
            Some("Conditional") => "  (may be replaced)",
            _ => "",
        };
        console.line(&format!(
            "  {mark} {} {}{replacement}",
            change.resource_type, change.logical_id
        ))?;
    }
    Ok(())
}

/// Execute a change set and follow the stack's events until it settles.
pub(super) async fn execute(
    api: &impl CloudFormation,
    stack: &str,
    change_set: &str,
    console: &mut Console<'_>,
    timeout: Duration,
) -> Result<String, DeployError> {
    let mut marker = api
        .stack_events(stack, None)
        .await?
        .first()
        .map(|e| e.id.clone());
    api.execute_change_set(stack, change_set).await?;
    let mut poller = Poller::new(
        format!("hub stack `{stack}`"),
        timeout,
        Duration::from_secs(5),
    );
    let mut failures = Vec::new();
    loop {
        poller.tick().await?;
        let events = api.stack_events(stack, marker.as_deref()).await?;
        if let Some(newest) = events.first() {
            marker = Some(newest.id.clone());
        }
        for event in events.iter().rev() {
            let reason = event.reason.as_deref().unwrap_or_default();
            console.status_line(
                &event.status,
                &format!("{} {}  {reason}", event.resource_type, event.logical_id),
            )?;
            if event.status.ends_with("_FAILED") && !reason.is_empty() {
                failures.push(format!(
                    "{} ({}): {reason}",
                    event.logical_id, event.resource_type
                ));
            }
        }
        let status = api
            .describe_stack(stack)
            .await?
            .map(|i| i.status)
            .unwrap_or_else(|| "DELETE_COMPLETE".to_owned());
        if in_progress(&status) {
            continue;
        }
        if status == "CREATE_COMPLETE" || status == "UPDATE_COMPLETE" {
            return Ok(status);
        }
        return Err(DeployError::HubFailed {
            stack: stack.to_owned(),
            status,
            reasons: failures,
        });
    }
}

/// Delete a stack and wait until it is gone.
pub(super) async fn delete(
    api: &impl CloudFormation,
    stack: &str,
    console: &mut Console<'_>,
    timeout: Duration,
) -> Result<(), DeployError> {
    api.delete_stack(stack).await?;
    let mut poller = Poller::new(
        format!("deletion of `{stack}`"),
        timeout,
        Duration::from_secs(5),
    );
    loop {
        match api.describe_stack(stack).await? {
            None => return Ok(()),
            Some(i) if i.status == "DELETE_FAILED" => {
                return Err(DeployError::HubStuck {
                    stack: stack.to_owned(),
                    status: i.status,
                    help: i.status_reason.unwrap_or_else(|| {
                        "see the stack's events in the CloudFormation console".to_owned()
                    }),
                });
            }
            Some(i) => console.progress(&format!("deleting {stack}: {}", i.status))?,
        }
        poller.tick().await?;
    }
}

fn unix_seconds() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn want() -> HubDesired {
        HubDesired {
            stack: "x-hub".into(),
            template: "T".into(),
            template_url: None,
            parameters: vec![("OrganizationId".into(), "o-1".into())],
        }
    }

    fn state(status: &str, template: &str) -> HubState {
        HubState {
            info: Some(StackInfo {
                id: "arn".into(),
                status: status.into(),
                status_reason: None,
                parameters: vec![("OrganizationId".into(), "o-1".into())],
                outputs: Vec::new(),
            }),
            template: Some(template.into()),
        }
    }

    #[test]
    fn decisions_follow_the_stack_status_and_content() {
        assert_eq!(
            decide(&HubState::default(), &want()).ok(),
            Some(HubAction::Create)
        );
        assert_eq!(
            decide(&state("CREATE_COMPLETE", "T"), &want()).ok(),
            Some(HubAction::None)
        );
        assert_eq!(
            decide(&state("UPDATE_COMPLETE", "T2"), &want()).ok(),
            Some(HubAction::Update)
        );
        assert_eq!(
            decide(&state("UPDATE_ROLLBACK_COMPLETE", "T"), &want()).ok(),
            Some(HubAction::None)
        );
        assert_eq!(
            decide(&state("ROLLBACK_COMPLETE", "T"), &want()).ok(),
            Some(HubAction::Recreate)
        );
        assert_eq!(
            decide(&state("REVIEW_IN_PROGRESS", ""), &want()).ok(),
            Some(HubAction::Create)
        );
        let err = decide(&state("UPDATE_ROLLBACK_FAILED", "T"), &want()).expect_err("stuck");
        assert!(err.to_string().contains("continue-update-rollback"));
        assert!(holds_no_change(Some(
            "The submitted information didn't contain changes."
        )));
    }
}
