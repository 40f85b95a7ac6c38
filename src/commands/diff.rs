// `patchform diff`: not built yet (see the issue tracker).

use crate::cli::DiffArgs;
use crate::error::Error;
use crate::exit::ExitStatus;
use crate::output::Output;

/// Run `diff`.
pub fn execute(_args: &DiffArgs, _output: &mut Output) -> Result<ExitStatus, Error> {
    Err(Error::Usage(
        "`diff` is not available in this build yet".to_owned(),
    ))
}
