// `patchform init`: write a commented starter policy that validates.

use crate::cli::InitArgs;
use crate::error::Error;
use crate::exit::ExitStatus;
use crate::output::Output;

/// The starter policy: every common key with a comment, values to replace marked CHANGE ME.
pub const STARTER_POLICY: &str = include_str!("starter-policy.yaml");

/// Write the starter policy; refuse to overwrite unless --force.
pub fn execute(args: &InitArgs, output: &mut Output) -> Result<ExitStatus, Error> {
    let path = &args.path;
    if path.exists() && !args.force {
        return Err(Error::Usage(format!(
            "`{}` exists; pass --force to overwrite it, or give another path",
            path.display()
        )));
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| Error::io("cannot create", parent, e))?;
    }
    std::fs::write(path, STARTER_POLICY).map_err(|e| Error::io("cannot write", path, e))?;
    writeln!(
        output.stderr,
        "wrote {}: replace the values marked CHANGE ME, then run `patchform validate {}`",
        path.display(),
        path.display()
    )?;
    Ok(ExitStatus::Success)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_starter_policy_validates_cleanly() {
        let validated = crate::validator::validate_text("starter.yaml", super::STARTER_POLICY);
        assert!(
            validated.report.diagnostics.is_empty(),
            "{:?}",
            validated.report.diagnostics
        );
        assert!(validated.policy.is_some());
    }
}
