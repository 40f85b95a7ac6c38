// Human output: annotated source snippets (miette), then one summary line per file.

use crate::diagnostic::{Diagnostic, FileReport, Severity};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource};
use std::io::{self, Write};

/// Width diagnostics are wrapped at, fixed so output does not depend on the terminal.
const WIDTH: usize = 100;

pub(super) fn render(reports: &[FileReport], color: bool, out: &mut dyn Write) -> io::Result<()> {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(WIDTH)
        .with_links(false)
        .with_context_lines(1);
    for report in reports {
        for diagnostic in &report.diagnostics {
            let mut text = String::new();
            let rendered = to_miette(report, diagnostic);
            if handler.render_report(&mut text, &rendered).is_err() {
                // Rendering into a String only fails on a formatter error; fall back to plain text.
                text = format!("{}: {}\n", diagnostic.code, diagnostic.message);
            }
            out.write_all(text.as_bytes())?;
            writeln!(out)?;
        }
        writeln!(out, "{}", summary(report))?;
    }
    Ok(())
}

/// `policies/x.yaml: 2 errors, 1 warning` or `policies/x.yaml: valid`.
pub(super) fn summary(report: &FileReport) -> String {
    let (errors, warnings) = (report.error_count(), report.warning_count());
    let name = report.source.name();
    match (errors, warnings) {
        (0, 0) => format!("{name}: valid"),
        (0, w) => format!("{name}: valid, {}", count(w, "warning")),
        (e, 0) => format!("{name}: {}", count(e, "error")),
        (e, w) => format!("{name}: {}, {}", count(e, "error"), count(w, "warning")),
    }
}

fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

struct Rendered {
    diagnostic: MietteDiagnostic,
    source: Option<NamedSource<String>>,
}

impl std::fmt::Debug for Rendered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.diagnostic.fmt(f)
    }
}

impl std::fmt::Display for Rendered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.diagnostic, f)
    }
}

impl std::error::Error for Rendered {}

impl miette::Diagnostic for Rendered {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.diagnostic.code()
    }
    fn severity(&self) -> Option<miette::Severity> {
        self.diagnostic.severity()
    }
    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.diagnostic.help()
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.diagnostic.labels()
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }
}

fn to_miette(report: &FileReport, diagnostic: &Diagnostic) -> Rendered {
    let severity = match diagnostic.severity {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
    };
    let mut labels = Vec::new();
    let text_len = report.source.text().len();
    if let Some(span) = diagnostic.span {
        let offset = span.offset.min(text_len);
        let len = span.len.min(text_len - offset);
        labels.push(LabeledSpan::new_primary_with_span(
            Some(diagnostic.label.clone()).filter(|l| !l.is_empty()),
            (offset, len),
        ));
    }
    for related in &diagnostic.related {
        let offset = related.span.offset.min(text_len);
        let len = related.span.len.min(text_len - offset);
        labels.push(LabeledSpan::new_with_span(
            Some(related.label.clone()),
            (offset, len),
        ));
    }
    let mut rendered = MietteDiagnostic::new(diagnostic.message.clone())
        .with_code(diagnostic.code.name())
        .with_severity(severity)
        .with_labels(labels);
    if let Some(help) = &diagnostic.help {
        rendered = rendered.with_help(help.clone());
    }
    let source = diagnostic.span.map(|_| {
        NamedSource::new(report.source.name(), report.source.text().to_owned())
            .with_language("yaml")
    });
    Rendered {
        diagnostic: rendered,
        source,
    }
}
