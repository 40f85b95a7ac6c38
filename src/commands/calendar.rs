// `patchform calendar`: validate a policy, then list its next scheduled rollouts (human or JSON).

use crate::calendar;
use crate::cli::{CalendarArgs, CalendarFormat, DiagnosticFormat};
use crate::error::Error;
use crate::exit::ExitStatus;
use crate::output::Output;
use crate::validator;
use chrono::{DateTime, Utc};
use std::io::Write;

/// Run `calendar`: 0 listed (or no schedule), 1 invalid policy, 2 unreadable policy or error.
pub fn execute(args: &CalendarArgs, output: &mut Output) -> Result<ExitStatus, Error> {
    let validated = validator::validate_path(&args.policy);
    let has_diagnostics = !validated.report.diagnostics.is_empty();
    if has_diagnostics || validated.has_errors() {
        let status = crate::commands::validate::report(
            std::slice::from_ref(&validated),
            DiagnosticFormat::Human,
            false,
            output,
        )?;
        if validated.unreadable {
            return Ok(status);
        }
        if status != ExitStatus::Success {
            writeln!(
                output.stderr,
                "error: no calendar: `{}` is not valid; fix the errors above (`patchform validate` shows them too)",
                args.policy.display()
            )?;
            return Ok(status);
        }
    }
    let Some(policy) = &validated.policy else {
        return Err(Error::NoPolicy(args.policy.clone()));
    };
    let calendar = calendar::calendar(policy, args.from, now(), usize::from(args.count))?;
    let text = match args.format {
        CalendarFormat::Human => calendar::human(&calendar),
        CalendarFormat::Json => calendar::json(&calendar),
    };
    output.stdout.write_all(text.as_bytes())?;
    Ok(ExitStatus::Success)
}

/// The current time (chrono's clock feature is not compiled in).
fn now() -> DateTime<Utc> {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    DateTime::from_timestamp(seconds, 0).unwrap_or_default()
}
