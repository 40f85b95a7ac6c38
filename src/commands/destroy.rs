// `patchform destroy`: remove the stack instances, the stack set and the hub stack (crate::deploy).

use crate::aws::{self, AwsSettings};
use crate::cli::{DestroyArgs, DiagnosticFormat};
use crate::commands::validate;
use crate::deploy::{self, Console, DeployError, DestroyOptions};
use crate::error::Error;
use crate::exit::ExitStatus;
use crate::output::Output;
use crate::plan;
use crate::validator;
use std::time::Duration;

/// Run `destroy`: 0 destroyed (or nothing to destroy), 2 error or not confirmed.
pub fn execute(args: &DestroyArgs, output: &mut Output) -> Result<ExitStatus, Error> {
    let validated = validator::validate_path(&args.policy);
    let Some(policy) = validated.policy.clone() else {
        validate::report(&[validated], DiagnosticFormat::Human, false, output)?;
        return Ok(ExitStatus::Error);
    };
    let plan = plan::plan(&policy).map_err(|e| DeployError::Build(e.into()))?;
    let options = DestroyOptions {
        confirm: args.confirm.clone(),
        timeout: Duration::from_secs(args.timeout),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::io("cannot start the async runtime", "tokio", e))?;
    let mut console = Console::new(output);
    runtime.block_on(async {
        let api = aws::connect(policy.hub.region.as_str(), AwsSettings::default()).await;
        tokio::select! {
            done = deploy::destroy(&api, &plan, &options, &mut console) => done,
            _ = tokio::signal::ctrl_c() => Err(DeployError::Interrupted),
        }
    })?;
    Ok(ExitStatus::Success)
}
