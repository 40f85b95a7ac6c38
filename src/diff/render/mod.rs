// Render a DiffReport in the chosen format; every format reads the same report.

mod human;
mod json;
mod markdown;
mod mermaid;
mod style;
mod words;

pub use markdown::COMMENT_LIMIT;

use super::report::DiffReport;
use clap::ValueEnum;
use std::io::{self, Write};

/// How a diff is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum DiffFormat {
    /// Summary and coloured unified diffs for a terminal.
    #[default]
    Human,
    /// A pull-request comment: summary table, risky changes first, diffs in <details>.
    Markdown,
    /// Machine-readable (schema in docs/diff-json.md).
    Json,
}

/// Write `report` to `out` in `format`; `color` applies to the human format only.
pub fn render(
    report: &DiffReport,
    format: DiffFormat,
    color: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        DiffFormat::Human => human::render(report, color, out),
        DiffFormat::Markdown => out.write_all(markdown::render(report, COMMENT_LIMIT).as_bytes()),
        DiffFormat::Json => json::render(report, out),
    }
}

/// The markdown comment cut to `limit` bytes (the format uses [`COMMENT_LIMIT`]).
pub fn markdown(report: &DiffReport, limit: usize) -> String {
    markdown::render(report, limit)
}

/// The report in `format` as a string (colour off).
pub fn to_string(report: &DiffReport, format: DiffFormat) -> String {
    let mut out = Vec::new();
    // Writing into a Vec<u8> cannot fail.
    let _ = render(report, format, false, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}
