// Parse the command line, run the subcommand, print any error and return the exit code.

use crate::cli::{Cli, Command};
use crate::commands;
use crate::error::Error;
use crate::exit::ExitStatus;
use crate::output::Output;
use clap::Parser;
use std::io::Write;

/// Run patchform with the process's arguments and streams; returns the exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            // clap's usage errors are usage errors like ours; --help and --version succeed.
            let status = if error.use_stderr() {
                ExitStatus::Error
            } else {
                ExitStatus::Success
            };
            return status.code();
        }
    };
    let mut output = Output::standard(cli.color);
    let status = match execute(cli.command, &mut output) {
        Ok(status) => status,
        Err(error) => {
            let _ = write!(output.stderr, "error: {error}");
            if let Some(help) = error.help() {
                let _ = write!(output.stderr, "\n  help: {help}");
            }
            let _ = writeln!(output.stderr);
            ExitStatus::Error
        }
    };
    let _ = output.stdout.flush();
    let _ = output.stderr.flush();
    status.code()
}

/// Run one subcommand.
pub fn execute(command: Command, output: &mut Output) -> Result<ExitStatus, Error> {
    match command {
        Command::Validate(args) => commands::validate::execute(&args, output),
        Command::Build(args) => commands::build::execute(&args, output),
        Command::Diff(args) => commands::diff::execute(&args, output),
        Command::Calendar(args) => commands::calendar::execute(&args, output),
        #[cfg(feature = "aws")]
        Command::Deploy(args) => commands::deploy::execute(&args, output),
        #[cfg(feature = "aws")]
        Command::Destroy(args) => commands::destroy::execute(&args, output),
        #[cfg(feature = "aws")]
        Command::Rollout(args) => commands::rollout::execute(&args, output),
        #[cfg(not(feature = "aws"))]
        Command::Deploy(_) => Err(Error::NotBuiltIn { command: "deploy" }),
        #[cfg(not(feature = "aws"))]
        Command::Destroy(_) => Err(Error::NotBuiltIn { command: "destroy" }),
        #[cfg(not(feature = "aws"))]
        Command::Rollout(_) => Err(Error::NotBuiltIn { command: "rollout" }),
        Command::Init(args) => commands::init::execute(&args, output),
        Command::Schema => commands::schema::execute(output),
        Command::Explain(args) => commands::explain::execute(&args, output),
        Command::Completions(args) => commands::completions::execute(&args, output),
    }
}

/// Built without the `aws` feature (`--no-default-features`): every command that needs AWS
/// validates the policy, then says that the SDK is missing and how to get it; nothing panics.
#[cfg(test)]
#[cfg(not(feature = "aws"))]
mod without_aws {
    use super::*;

    fn run(args: &[&str]) -> Result<ExitStatus, Error> {
        let cli = Cli::try_parse_from(args).unwrap();
        let mut output = Output::discarded();
        execute(cli.command, &mut output)
    }

    #[test]
    fn aws_commands_say_the_sdk_is_not_built_in() {
        let policy = "policies/acme-fleet.yaml";
        for (args, command) in [
            (vec!["patchform", "deploy", "--dry-run", policy], "deploy"),
            (vec!["patchform", "destroy", policy], "destroy"),
            (vec!["patchform", "rollout", "list", policy], "rollout"),
            (
                vec!["patchform", "diff", "--deployed", policy],
                "diff --deployed",
            ),
        ] {
            let error = run(&args).unwrap_err();
            assert!(
                matches!(error, Error::NotBuiltIn { command: c } if c == command),
                "{args:?}: {error:?}"
            );
            assert!(
                error
                    .help()
                    .unwrap()
                    .contains("cargo install --locked --path .")
            );
        }
    }

    #[test]
    fn the_offline_commands_still_work() {
        let policy = "policies/acme-fleet.yaml";
        assert_eq!(
            run(&["patchform", "validate", policy]).unwrap(),
            ExitStatus::Success
        );
        let out = tempfile::tempdir().unwrap();
        let dir = out.path().to_str().unwrap();
        assert_eq!(
            run(&["patchform", "build", "--out", dir, policy]).unwrap(),
            ExitStatus::Success
        );
    }
}
