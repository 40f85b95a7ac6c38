// The one diagnostic model every stage reports with, and every output format renders.

pub(crate) use crate::code::Severity;

use crate::code::Code;
use crate::source::{LineColumn, Source, Span};

/// A secondary place that explains a diagnostic (the first of two duplicates, say).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    /// Where.
    pub span: Span,
    /// What is there.
    pub label: String,
}

/// One problem found in a policy, with where it is and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable code, such as `policy::wave::duplicate-name`.
    pub code: Code,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, in one lower-case sentence.
    pub message: String,
    /// JSON pointer of the offending node ("" for the whole document).
    pub pointer: String,
    /// Where in the file; `None` when the problem has no position (an unreadable file).
    pub span: Option<Span>,
    /// Short text drawn under the span.
    pub label: String,
    /// How to fix it.
    pub help: Option<String>,
    /// Other places that take part.
    pub related: Vec<Related>,
}

impl Diagnostic {
    /// A diagnostic of the code's default severity.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.default_severity(),
            message: message.into(),
            pointer: String::new(),
            span: None,
            label: String::new(),
            help: None,
            related: Vec::new(),
        }
    }

    /// Point at a node.
    pub fn at(mut self, pointer: impl Into<String>, span: Option<Span>) -> Self {
        self.pointer = pointer.into();
        self.span = span;
        self
    }

    /// The text under the span.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    /// How to fix it.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Another place that takes part.
    pub fn related(mut self, span: Option<Span>, label: impl Into<String>) -> Self {
        if let Some(span) = span {
            self.related.push(Related {
                span,
                label: label.into(),
            });
        }
        self
    }

    /// Whether this diagnostic fails validation.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Every diagnostic of one policy file, with the file they point into.
#[derive(Debug, Clone)]
pub struct FileReport {
    /// The file.
    pub source: Source,
    /// Its diagnostics, in file order.
    pub diagnostics: Vec<Diagnostic>,
}

impl FileReport {
    /// A report, its diagnostics sorted by position (those without one first) and code.
    pub fn new(source: Source, mut diagnostics: Vec<Diagnostic>) -> Self {
        diagnostics.sort_by(|a, b| {
            (a.span.map(|s| s.offset), a.code.name(), &a.pointer).cmp(&(
                b.span.map(|s| s.offset),
                b.code.name(),
                &b.pointer,
            ))
        });
        diagnostics.dedup();
        FileReport {
            source,
            diagnostics,
        }
    }

    /// How many errors.
    pub fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    /// How many warnings.
    pub fn warning_count(&self) -> usize {
        self.diagnostics.len() - self.error_count()
    }

    /// Line and column of a diagnostic's start, when it has a span.
    pub fn position(&self, diagnostic: &Diagnostic) -> Option<LineColumn> {
        diagnostic.span.map(|s| self.source.line_column(s.offset))
    }
}
