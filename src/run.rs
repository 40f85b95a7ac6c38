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
        Command::Deploy(args) => commands::deploy::execute(&args, output),
        Command::Destroy(args) => commands::destroy::execute(&args, output),
        Command::Rollout(args) => commands::rollout::execute(&args, output),
        Command::Init(args) => commands::init::execute(&args, output),
        Command::Schema => commands::schema::execute(output),
        Command::Explain(args) => commands::explain::execute(&args, output),
        Command::Completions(args) => commands::completions::execute(&args, output),
    }
}
