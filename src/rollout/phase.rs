// What a running rollout is doing now, read from its execution history and the plan's state names.

use crate::aws::HistoryEvent;
use crate::plan::Plan;
use serde::Serialize;

/// The rollout execution's current step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "phase", rename_all = "snake_case")]
pub(crate) enum Phase {
    /// Waiting for an answer to a wave's approval request.
    AwaitingApproval {
        /// The wave.
        wave: String,
        /// When the request went out (RFC 3339).
        since: String,
        /// The task token the answer must carry (not printed).
        #[serde(skip)]
        token: String,
    },
    /// A wave's child execution runs.
    Running {
        /// The wave.
        wave: String,
        /// When it started (RFC 3339).
        since: String,
    },
    /// Waiting out a wave's bake time.
    Baking {
        /// The wave that baked.
        wave: String,
        /// When the bake began (RFC 3339).
        since: String,
        /// Its length in seconds.
        seconds: u64,
    },
    /// Between those (checking input, recording, notifying).
    Working {
        /// The state it is in, if any.
        state: Option<String>,
    },
}

impl Phase {
    /// The phase in words, for messages ("baking after wave canary").
    pub(crate) fn describe(&self) -> String {
        match self {
            Phase::AwaitingApproval { wave, since, .. } => {
                format!("wave {wave} awaits approval since {since}")
            }
            Phase::Running { wave, since } => format!("wave {wave} is running since {since}"),
            Phase::Baking { wave, since, .. } => {
                format!("it is baking after wave {wave} since {since}")
            }
            Phase::Working { state: Some(state) } => format!("it is at step `{state}`"),
            Phase::Working { state: None } => "it is between steps".to_owned(),
        }
    }
}

/// The phase of a running rollout: the last state entered and not yet left, by the plan's names.
pub(super) fn of(events: &[HistoryEvent], plan: &Plan) -> Phase {
    let mut open: Option<&HistoryEvent> = None;
    let mut scheduled: Option<&HistoryEvent> = None;
    for event in events {
        if event.kind.ends_with("StateEntered") {
            open = Some(event);
            scheduled = None;
        } else if event.kind.ends_with("StateExited") {
            if open.is_some_and(|o| o.state == event.state) {
                open = None;
            }
        } else if event.kind == "TaskScheduled" {
            scheduled = Some(event);
        }
    }
    let Some(entered) = open else {
        return Phase::Working { state: None };
    };
    let state = entered.state.clone().unwrap_or_default();
    for wave in &plan.waves {
        if state == wave.patch_state {
            return Phase::Running {
                wave: wave.name.clone(),
                since: entered.at.clone(),
            };
        }
        if state == wave.bake_state {
            return Phase::Baking {
                wave: wave.name.clone(),
                since: entered.at.clone(),
                seconds: wave.bake_seconds,
            };
        }
        if state == wave.approve_state
            && let Some(token) = scheduled.and_then(task_token)
        {
            return Phase::AwaitingApproval {
                wave: wave.name.clone(),
                since: entered.at.clone(),
                token,
            };
        }
    }
    Phase::Working { state: Some(state) }
}

/// The task token of an approval request: its `taskToken` message attribute, or the
/// `--task-token` in the message of an older template.
fn task_token(scheduled: &HistoryEvent) -> Option<String> {
    let parameters: serde_json::Value =
        serde_json::from_str(scheduled.parameters.as_deref()?).ok()?;
    if let Some(token) = parameters
        .pointer("/MessageAttributes/taskToken/StringValue")
        .and_then(|v| v.as_str())
    {
        return Some(token.to_owned());
    }
    let message = parameters.get("Message")?.as_str()?;
    let rest = message.split("--task-token ").nth(1)?;
    rest.split_whitespace().next().map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(id: i64, kind: &str, state: Option<&str>, parameters: Option<&str>) -> HistoryEvent {
        HistoryEvent {
            id,
            kind: kind.to_owned(),
            at: format!("2026-12-12T01:00:{id:02}Z"),
            state: state.map(str::to_owned),
            parameters: parameters.map(str::to_owned),
            error: None,
            cause: None,
        }
    }

    fn plan() -> Plan {
        let policy =
            crate::validator::validate_path(std::path::Path::new("policies/acme-fleet.yaml"))
                .policy
                .expect("the shipped policy is valid");
        crate::plan::plan(&policy).expect("the shipped policy plans")
    }

    #[test]
    fn an_open_approval_carries_its_token() {
        let events = [
            event(1, "ExecutionStarted", None, None),
            event(2, "TaskStateEntered", Some("Approve prod"), None),
            event(
                3,
                "TaskScheduled",
                None,
                Some(
                    r#"{"MessageAttributes":{"taskToken":{"DataType":"String","StringValue":"AAA"}}}"#,
                ),
            ),
            event(4, "TaskSubmitted", None, None),
        ];
        assert_eq!(
            of(&events, &plan()),
            Phase::AwaitingApproval {
                wave: "prod".into(),
                since: "2026-12-12T01:00:02Z".into(),
                token: "AAA".into()
            }
        );
    }

    #[test]
    fn a_token_is_also_read_from_the_message() {
        let scheduled = event(
            3,
            "TaskScheduled",
            None,
            Some(r#"{"Message":"run:\n\naws stepfunctions send-task-success --task-token BBB\n"}"#),
        );
        assert_eq!(task_token(&scheduled).as_deref(), Some("BBB"));
    }

    #[test]
    fn a_left_state_is_no_longer_the_phase() {
        let events = [
            event(1, "TaskStateEntered", Some("Patch canary"), None),
            event(2, "TaskStateExited", Some("Patch canary"), None),
            event(3, "WaitStateEntered", Some("Bake canary"), None),
        ];
        assert!(matches!(of(&events, &plan()), Phase::Baking { wave, .. } if wave == "canary"));
        assert_eq!(of(&events[..2], &plan()), Phase::Working { state: None });
    }
}
