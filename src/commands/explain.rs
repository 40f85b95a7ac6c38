// `patchform explain CODE`: print what a diagnostic code means and how to fix it.

use crate::cli::ExplainArgs;
use crate::code::Code;
use crate::error::Error;
use crate::exit::ExitStatus;
use crate::output::Output;

/// Print one code's explanation, or the list of codes.
pub fn execute(args: &ExplainArgs, output: &mut Output) -> Result<ExitStatus, Error> {
    if args.list {
        for code in Code::ALL {
            writeln!(output.stdout, "{:<56} {}", code.name(), code.summary())?;
        }
        return Ok(ExitStatus::Success);
    }
    let name = args.code.as_deref().unwrap_or_default();
    let Some(code) = Code::from_name(name) else {
        let names: Vec<&str> = Code::ALL.iter().map(|c| c.name()).collect();
        let hint = crate::suggestion::closest(name, names.iter().copied())
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        return Err(Error::Usage(format!(
            "unknown code `{name}`{hint}; `patchform explain --list` lists every code"
        )));
    };
    let severity = match code.default_severity() {
        crate::diagnostic::Severity::Error => "error",
        crate::diagnostic::Severity::Warning => "warning",
    };
    writeln!(
        output.stdout,
        "{} ({severity})\n\n{}\n\n{}",
        code.name(),
        code.summary(),
        code.explanation()
    )?;
    Ok(ExitStatus::Success)
}
