// A policy file's text and name, and byte spans into it with line/column lookup.

use std::sync::Arc;

/// A byte range in a source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, PartialOrd, Ord)]
pub struct Span {
    /// Byte offset of the first byte.
    pub offset: usize,
    /// Length in bytes.
    pub len: usize,
}

impl Span {
    /// A span from its byte offset and length.
    pub fn new(offset: usize, len: usize) -> Self {
        Span { offset, len }
    }

    /// The byte offset just past the span.
    pub fn end(&self) -> usize {
        self.offset + self.len
    }
}

/// A 1-based line and column (columns count characters, as editors do).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineColumn {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// A loaded policy file: its display name and text, shared by every diagnostic that points into it.
#[derive(Debug, Clone)]
pub struct Source {
    name: Arc<str>,
    text: Arc<str>,
    line_starts: Arc<[usize]>,
}

impl Source {
    /// A source from its display name and its text.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        let text: String = text.into();
        let mut line_starts = vec![0];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        Source {
            name: Arc::from(name.into()),
            text: Arc::from(text),
            line_starts: line_starts.into(),
        }
    }

    /// The file name as the user gave it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The whole text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The shared text, for renderers that keep it.
    pub fn shared_text(&self) -> Arc<str> {
        Arc::clone(&self.text)
    }

    /// Line and column of a byte offset (clamped to the text).
    pub fn line_column(&self, offset: usize) -> LineColumn {
        let offset = offset.min(self.text.len());
        let line_index = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.line_starts[line_index];
        let column = self
            .text
            .get(start..offset)
            .map(|s| s.chars().count())
            .unwrap_or(offset - start)
            + 1;
        LineColumn {
            line: line_index + 1,
            column,
        }
    }

    /// The text under a span, when the span lies on character boundaries.
    pub fn slice(&self, span: Span) -> Option<&str> {
        self.text.get(span.offset..span.end())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_columns_count_characters() {
        let source = Source::new("p.yaml", "a: 1\nnäme: x\n");
        assert_eq!(source.line_column(0), LineColumn { line: 1, column: 1 });
        assert_eq!(source.line_column(5), LineColumn { line: 2, column: 1 });
        // "x" sits after "näme: " — 6 characters, 7 bytes.
        assert_eq!(source.line_column(12), LineColumn { line: 2, column: 7 });
    }
}
