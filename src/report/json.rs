// JSON output: one object per diagnostic (code, severity, message, file, line, column, pointer, help).

use crate::diagnostic::FileReport;
use serde::Serialize;
use std::io::{self, Write};

/// The documented shape of one diagnostic in `--format json` (see docs/diagnostics.md).
#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'a str,
    severity: crate::diagnostic::Severity,
    message: &'a str,
    file: &'a str,
    line: Option<usize>,
    column: Option<usize>,
    end_line: Option<usize>,
    end_column: Option<usize>,
    pointer: &'a str,
    label: &'a str,
    help: Option<&'a str>,
}

pub(super) fn render(reports: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    let mut all = Vec::new();
    for report in reports {
        for d in &report.diagnostics {
            let start = d.span.map(|s| report.source.line_column(s.offset));
            let end = d.span.map(|s| report.source.line_column(s.end()));
            all.push(JsonDiagnostic {
                code: d.code.name(),
                severity: d.severity,
                message: &d.message,
                file: report.source.name(),
                line: start.map(|p| p.line),
                column: start.map(|p| p.column),
                end_line: end.map(|p| p.line),
                end_column: end.map(|p| p.column),
                pointer: &d.pointer,
                label: &d.label,
                help: d.help.as_deref(),
            });
        }
    }
    serde_json::to_writer_pretty(&mut *out, &all).map_err(io::Error::other)?;
    writeln!(out)
}
