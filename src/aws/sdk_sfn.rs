// Step Functions through the SDK: start, list, describe, read the history of, answer and stop executions.

use super::error::AwsError;
use super::model::{ExecutionSummary, ExecutionView, HistoryEvent};
use super::sdk::Aws;
use super::traits::StepFunctions;
use aws_sdk_sfn::primitives::{DateTime, DateTimeFormat};
use aws_sdk_sfn::types::{ExecutionStatus, HistoryEventType};

/// A timestamp as RFC 3339 in UTC (`2026-12-12T01:00:00Z`).
fn rfc3339(at: &DateTime) -> String {
    at.fmt(DateTimeFormat::DateTime)
        .unwrap_or_else(|_| at.secs().to_string())
}

impl StepFunctions for Aws {
    async fn start_execution(
        &self,
        state_machine: &str,
        name: &str,
        input: &str,
    ) -> Result<String, AwsError> {
        let out = self
            .sfn
            .start_execution()
            .state_machine_arn(state_machine)
            .name(name)
            .input(input)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("StartExecution", e))?;
        Ok(out.execution_arn().to_owned())
    }

    async fn list_executions(
        &self,
        state_machine: &str,
        running_only: bool,
        limit: usize,
    ) -> Result<Vec<ExecutionSummary>, AwsError> {
        let mut found = Vec::new();
        let mut token = None;
        loop {
            let out = self
                .sfn
                .list_executions()
                .state_machine_arn(state_machine)
                .set_status_filter(running_only.then_some(ExecutionStatus::Running))
                .max_results(100)
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk("ListExecutions", e))?;
            for item in out.executions() {
                found.push(ExecutionSummary {
                    arn: item.execution_arn().to_owned(),
                    name: item.name().to_owned(),
                    status: item.status().as_str().to_owned(),
                    started_at: rfc3339(item.start_date()),
                    stopped_at: item.stop_date().map(rfc3339),
                });
            }
            token = out.next_token().map(str::to_owned);
            if token.is_none() || found.len() >= limit {
                found.truncate(limit);
                return Ok(found);
            }
        }
    }

    async fn describe_execution(&self, arn: &str) -> Result<Option<ExecutionView>, AwsError> {
        let out = match self
            .sfn
            .describe_execution()
            .execution_arn(arn)
            .send()
            .await
        {
            Ok(out) => out,
            Err(e) => {
                let error = AwsError::from_sdk("DescribeExecution", e);
                return if error.code() == Some("ExecutionDoesNotExist") {
                    Ok(None)
                } else {
                    Err(error)
                };
            }
        };
        Ok(Some(ExecutionView {
            summary: ExecutionSummary {
                arn: out.execution_arn().to_owned(),
                name: out.name().unwrap_or_default().to_owned(),
                status: out.status().as_str().to_owned(),
                started_at: rfc3339(out.start_date()),
                stopped_at: out.stop_date().map(rfc3339),
            },
            error: out.error().map(str::to_owned),
            cause: out.cause().map(str::to_owned),
        }))
    }

    async fn execution_history(&self, arn: &str) -> Result<Vec<HistoryEvent>, AwsError> {
        let mut events = Vec::new();
        let mut token = None;
        loop {
            let out = self
                .sfn
                .get_execution_history()
                .execution_arn(arn)
                .max_results(1000)
                .include_execution_data(true)
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk("GetExecutionHistory", e))?;
            for e in out.events() {
                let (error, cause) = failure_of(e);
                events.push(HistoryEvent {
                    id: e.id(),
                    kind: e.r#type().as_str().to_owned(),
                    at: rfc3339(e.timestamp()),
                    state: e
                        .state_entered_event_details()
                        .map(|d| d.name().to_owned())
                        .or_else(|| e.state_exited_event_details().map(|d| d.name().to_owned())),
                    parameters: e
                        .task_scheduled_event_details()
                        .map(|d| d.parameters().to_owned()),
                    error,
                    cause,
                });
            }
            token = out.next_token().map(str::to_owned);
            if token.is_none() {
                return Ok(events);
            }
        }
    }

    async fn send_task_success(&self, token: &str, output: &str) -> Result<(), AwsError> {
        self.sfn
            .send_task_success()
            .task_token(token)
            .output(output)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("SendTaskSuccess", e))?;
        Ok(())
    }

    async fn send_task_failure(
        &self,
        token: &str,
        error: &str,
        cause: &str,
    ) -> Result<(), AwsError> {
        self.sfn
            .send_task_failure()
            .task_token(token)
            .error(error)
            .cause(cause)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("SendTaskFailure", e))?;
        Ok(())
    }

    async fn stop_execution(&self, arn: &str, error: &str, cause: &str) -> Result<(), AwsError> {
        self.sfn
            .stop_execution()
            .execution_arn(arn)
            .error(error)
            .cause(cause)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("StopExecution", e))?;
        Ok(())
    }
}

/// The error and cause of a failure event, whichever kind it is.
fn failure_of(e: &aws_sdk_sfn::types::HistoryEvent) -> (Option<String>, Option<String>) {
    let pair = |error: Option<&str>, cause: Option<&str>| {
        (error.map(str::to_owned), cause.map(str::to_owned))
    };
    match e.r#type() {
        HistoryEventType::ExecutionFailed => e
            .execution_failed_event_details()
            .map(|d| pair(d.error(), d.cause()))
            .unwrap_or_default(),
        HistoryEventType::ExecutionAborted => e
            .execution_aborted_event_details()
            .map(|d| pair(d.error(), d.cause()))
            .unwrap_or_default(),
        HistoryEventType::TaskFailed => e
            .task_failed_event_details()
            .map(|d| pair(d.error(), d.cause()))
            .unwrap_or_default(),
        _ => (None, None),
    }
}
