// Render a DiffReport in the chosen format; every format reads the same report.

mod human;
mod json;
mod markdown;
mod style;
mod words;

pub use markdown::COMMENT_LIMIT;

use super::report::DiffReport;
use crate::cli::DiffFormat;
use std::io::{self, Write};

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
