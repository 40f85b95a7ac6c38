// `patchform deploy`: not built yet (see the issue tracker).

use crate::cli::DeployArgs;
use crate::error::Error;
use crate::exit::ExitStatus;
use crate::output::Output;

/// Run `deploy`.
pub fn execute(_args: &DeployArgs, _output: &mut Output) -> Result<ExitStatus, Error> {
    Err(Error::Usage(
        "`deploy` is not available in this build yet".to_owned(),
    ))
}
