// Render diagnostics in every output format from the one diagnostic model.

mod human;
mod json;
mod sarif;

use crate::cli::DiagnosticFormat;
use crate::diagnostic::FileReport;
use std::io::{self, Write};

/// Write the reports of several files in one format. Human output goes where people read it
/// (the caller passes stderr); machine formats are one document on stdout.
pub fn render(
    format: DiagnosticFormat,
    reports: &[FileReport],
    color: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        DiagnosticFormat::Human => human::render(reports, color, out),
        DiagnosticFormat::Json => json::render(reports, out),
        DiagnosticFormat::Sarif => sarif::render(reports, out),
    }
}
