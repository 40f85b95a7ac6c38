// `patchform init`: write a commented starter policy (being written).
use crate::cli::InitArgs;
use crate::error::Error;
use crate::exit::ExitStatus;
use crate::output::Output;
/// Run `init`.
pub fn execute(_args: &InitArgs, _output: &mut Output) -> Result<ExitStatus, Error> {
    Ok(ExitStatus::Success)
}
