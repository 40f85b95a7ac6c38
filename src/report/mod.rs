// Render diagnostics in every output format from the one diagnostic model.

mod human;
mod json;
mod sarif;

use crate::diagnostic::FileReport;
use clap::ValueEnum;
use std::io::{self, Write};

/// How diagnostics are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum DiagnosticFormat {
    /// Annotated source snippets for people.
    #[default]
    Human,
    /// One JSON object per diagnostic, in a JSON array.
    Json,
    /// SARIF 2.1.0, for code-scanning annotations on pull requests.
    Sarif,
}

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
