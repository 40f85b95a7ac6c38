// `patchform deploy`: validate and compile the policy, then make AWS match it (see crate::deploy).

use crate::aws::{self, AwsSettings};
use crate::cli::{DeployArgs, DiagnosticFormat, ReportFormat};
use crate::commands::validate;
use crate::compiler::{self, CompileOptions};
use crate::deploy::{self, Console, DeployError, DeployOptions};
use crate::error::Error;
use crate::exit::ExitStatus;
use crate::output::Output;
use crate::validator;
use std::io::Write;
use std::time::Duration;

/// Run `deploy`: 0 deployed or nothing to do, 1 some stack instances failed, 2 error.
pub fn execute(args: &DeployArgs, output: &mut Output) -> Result<ExitStatus, Error> {
    let validated = validator::validate_path(&args.policy);
    let Some(policy) = validated.policy.clone() else {
        validate::report(&[validated], DiagnosticFormat::Human, false, output)?;
        return Ok(ExitStatus::Error);
    };
    let compiled = compiler::compile_planned(
        &policy,
        &CompileOptions {
            templates_dir: args.templates.clone(),
            artifact_bucket: args.artifact_bucket.clone(),
        },
    )
    .map_err(DeployError::Build)?;
    let options = DeployOptions {
        yes: args.yes,
        dry_run: args.dry_run,
        prune: args.prune,
        timeout: Duration::from_secs(args.timeout),
        artifact_bucket: args.artifact_bucket.clone(),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::io("cannot start the async runtime", "tokio", e))?;
    let mut console = Console::new(output);
    let result = runtime.block_on(async {
        let api = aws::connect(policy.hub.region.as_str(), AwsSettings::default()).await;
        tokio::select! {
            report = deploy::deploy(&api, &policy, &compiled, options, &mut console) => report,
            _ = tokio::signal::ctrl_c() => Err(DeployError::Interrupted),
        }
    });
    let report = result?;
    let output = console.output();
    if args.output == ReportFormat::Json {
        output.stdout.write_all(report.to_json().as_bytes())?;
    }
    Ok(report.exit_status())
}
