// `patchform rollout …`: validate and plan the policy, find its hub, run one day-2 operation, print it.

use crate::aws::{self, AwsSettings};
use crate::cli::{DiagnosticFormat, ReportFormat, RolloutArgs, RolloutCommand, RolloutCommon};
use crate::commands::validate;
use crate::error::Error;
use crate::exit::ExitStatus;
use crate::output::Output;
use crate::plan::{self, Plan};
use crate::rollout::{self, RolloutError, RolloutView, StartRequest, Started, render};
use crate::validator;
use serde::Serialize;
use std::io::Write;
use std::time::Duration;

/// The present, in UTC.
fn now() -> chrono::DateTime<chrono::Utc> {
    let since_epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    chrono::DateTime::from_timestamp(i64::try_from(since_epoch.as_secs()).unwrap_or(i64::MAX), 0)
        .unwrap_or_default()
}

fn json(value: &impl Serialize) -> Result<String, Error> {
    serde_json::to_string_pretty(value)
        .map(|text| text + "\n")
        .map_err(Error::Json)
}

/// How a rollout's status maps to the exit code: running or succeeded 0, ended otherwise 1.
fn exit_of(view: &RolloutView) -> ExitStatus {
    match view.status.as_str() {
        "RUNNING" | "SUCCEEDED" => ExitStatus::Success,
        _ => ExitStatus::Failure,
    }
}

/// Run `rollout …`.
pub fn execute(args: &RolloutArgs, output: &mut Output) -> Result<ExitStatus, Error> {
    let common: &RolloutCommon = match &args.command {
        RolloutCommand::Start(a) => &a.common,
        RolloutCommand::Status(a) => &a.common,
        RolloutCommand::Approve(a) => &a.common,
        RolloutCommand::Reject(a) => &a.common,
        RolloutCommand::Stop(a) => &a.common,
        RolloutCommand::List(a) => &a.common,
    };
    let validated = validator::validate_path(&common.policy);
    let Some(policy) = validated.policy.clone() else {
        validate::report(&[validated], DiagnosticFormat::Human, false, output)?;
        return Ok(ExitStatus::Error);
    };
    let plan = plan::plan(&policy).map_err(RolloutError::Plan)?;
    let policy_file = common.policy.display().to_string();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::io("cannot start the async runtime", "tokio", e))?;
    runtime.block_on(async {
        tokio::select! {
            status = run(args, &plan, &policy_file, common.output, output) => status,
            _ = tokio::signal::ctrl_c() => Err(RolloutError::Interrupted.into()),
        }
    })
}

async fn run(
    args: &RolloutArgs,
    plan: &Plan,
    policy_file: &str,
    format: ReportFormat,
    output: &mut Output,
) -> Result<ExitStatus, Error> {
    let api = aws::connect(&plan.hub_region, AwsSettings::default()).await;
    let hub = rollout::find_hub(&api, plan).await?;
    let human = format == ReportFormat::Human;
    match &args.command {
        RolloutCommand::Start(a) => {
            let request = StartRequest {
                dry_run: a.dry_run,
                name: a.name.clone(),
                force: a.force,
                wave: a.wave.clone(),
                accounts: a.accounts.clone(),
                regions: a.regions.clone(),
                instances: a.instances.clone(),
            };
            let started = rollout::start(&api, plan, &hub, &request, now()).await?;
            let text = if human {
                render::started(policy_file, &started)
            } else {
                json(&started)?
            };
            output.stdout.write_all(text.as_bytes())?;
            Ok(match started {
                Started::Started { .. } => ExitStatus::Success,
                Started::Rejected { .. } => ExitStatus::Failure,
            })
        }
        RolloutCommand::Status(a) => {
            let mut last = String::new();
            loop {
                let view = rollout::status(&api, plan, &hub, a.rollout.as_deref()).await?;
                let text = if human {
                    render::status(policy_file, &view, now())
                } else {
                    json(&view)?
                };
                if !a.watch {
                    output.stdout.write_all(text.as_bytes())?;
                    return Ok(exit_of(&view));
                }
                if output.stdout_is_terminal && human {
                    // redraw in place: clear the screen, cursor home
                    output.stdout.write_all(b"\x1b[2J\x1b[H")?;
                    output.stdout.write_all(text.as_bytes())?;
                } else if text != last {
                    output.stdout.write_all(text.as_bytes())?;
                    if human {
                        output.stdout.write_all(b"\n")?;
                    }
                }
                output.stdout.flush()?;
                last = text;
                if view.status != "RUNNING" {
                    return Ok(exit_of(&view));
                }
                tokio::time::sleep(Duration::from_secs(a.interval)).await;
            }
        }
        RolloutCommand::Approve(a) => {
            let answer = rollout::approve(
                &api,
                plan,
                &hub,
                a.rollout.as_deref(),
                &a.wave,
                a.comment.as_deref(),
            )
            .await?;
            let text = if human {
                render::answered(&answer)
            } else {
                json(&answer)?
            };
            output.stdout.write_all(text.as_bytes())?;
            Ok(ExitStatus::Success)
        }
        RolloutCommand::Reject(a) => {
            let answer =
                rollout::reject(&api, plan, &hub, a.rollout.as_deref(), &a.wave, &a.reason).await?;
            let text = if human {
                render::answered(&answer)
            } else {
                json(&answer)?
            };
            output.stdout.write_all(text.as_bytes())?;
            Ok(ExitStatus::Success)
        }
        RolloutCommand::Stop(a) => {
            let outcome =
                rollout::stop(&api, plan, &hub, a.rollout.as_deref(), &a.reason, now()).await?;
            let text = if human {
                render::stopped(policy_file, &outcome)
            } else {
                json(&outcome)?
            };
            output.stdout.write_all(text.as_bytes())?;
            Ok(ExitStatus::Success)
        }
        RolloutCommand::List(a) => {
            let rollouts = rollout::list(&api, &hub, a.limit).await?;
            let text = if human {
                render::list(&rollouts)
            } else {
                json(&rollouts)?
            };
            output.stdout.write_all(text.as_bytes())?;
            Ok(ExitStatus::Success)
        }
    }
}
