// `patchform build`: not built yet (see the issue tracker).

use crate::cli::BuildArgs;
use crate::error::Error;
use crate::exit::ExitStatus;
use crate::output::Output;

/// Run `build`.
pub fn execute(_args: &BuildArgs, _output: &mut Output) -> Result<ExitStatus, Error> {
    Err(Error::Usage(
        "`build` is not available in this build yet".to_owned(),
    ))
}
