// human renderer (being written)
use crate::diagnostic::FileReport;
use std::io::{self, Write};
pub(super) fn render(reports: &[FileReport], _color: bool, out: &mut dyn Write) -> io::Result<()> {
    for r in reports { for d in &r.diagnostics { writeln!(out, "{}: {}", d.code, d.message)?; } }
    Ok(())
}
