// `patchform destroy`: not built yet (see the issue tracker).

use crate::cli::DestroyArgs;
use crate::error::Error;
use crate::exit::ExitStatus;
use crate::output::Output;

/// Run `destroy`.
pub fn execute(_args: &DestroyArgs, _output: &mut Output) -> Result<ExitStatus, Error> {
    Err(Error::Usage(
        "`destroy` is not available in this build yet".to_owned(),
    ))
}
