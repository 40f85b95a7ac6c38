// `patchform validate`: check policies and report every problem, in the chosen format.

use crate::cli::{DiagnosticFormat, ValidateArgs};
use crate::error::Error;
use crate::exit::ExitStatus;
use crate::output::Output;
use crate::validator::{self, Validated};

/// Validate each policy; exit 1 when any has errors (or warnings with --deny-warnings).
pub fn execute(args: &ValidateArgs, output: &mut Output) -> Result<ExitStatus, Error> {
    let results: Vec<Validated> = args
        .policies
        .iter()
        .map(|p| validator::validate_path(p))
        .collect();
    report(&results, args.format, args.deny_warnings, output)
}

/// Print the diagnostics of validated policies and decide the exit status; shared with `build`.
pub fn report(
    results: &[Validated],
    format: DiagnosticFormat,
    deny_warnings: bool,
    output: &mut Output,
) -> Result<ExitStatus, Error> {
    let reports: Vec<_> = results.iter().map(|r| r.report.clone()).collect();
    match format {
        DiagnosticFormat::Human => {
            crate::report::render(format, &reports, output.color_stderr, &mut output.stderr)?
        }
        _ => crate::report::render(format, &reports, false, &mut output.stdout)?,
    }
    let mut status = ExitStatus::Success;
    for result in results {
        if result.unreadable {
            status = status.max(ExitStatus::Error);
        } else if result.has_errors() || (deny_warnings && result.report.warning_count() > 0) {
            status = status.max(ExitStatus::Failure);
        }
    }
    Ok(status)
}
