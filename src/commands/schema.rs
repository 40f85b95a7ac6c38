// `patchform schema`: print the policy JSON Schema.

use crate::error::Error;
use crate::exit::ExitStatus;
use crate::output::Output;

/// Print the schema to stdout.
pub fn execute(output: &mut Output) -> Result<ExitStatus, Error> {
    output
        .stdout
        .write_all(crate::schema::policy_schema_text().as_bytes())?;
    Ok(ExitStatus::Success)
}
