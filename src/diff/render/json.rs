// The JSON format: the report as one pretty-printed document (schema in docs/diff-json.md).

use crate::diff::report::DiffReport;
use std::io::{self, Write};

/// Write the report as JSON followed by a newline.
pub(super) fn render(report: &DiffReport, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report).map_err(io::Error::other)?;
    writeln!(out)
}
