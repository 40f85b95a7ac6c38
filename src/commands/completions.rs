// `patchform completions SHELL`: print a completion script for bash, zsh, fish, elvish or PowerShell.

use crate::cli::{Cli, CompletionsArgs};
use crate::error::Error;
use crate::exit::ExitStatus;
use crate::output::Output;
use clap::CommandFactory;

/// Print the script to stdout.
pub fn execute(args: &CompletionsArgs, output: &mut Output) -> Result<ExitStatus, Error> {
    let mut command = Cli::command();
    clap_complete::generate(args.shell, &mut command, "patchform", &mut output.stdout);
    Ok(ExitStatus::Success)
}
