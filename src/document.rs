// A loaded YAML document: its JSON value and the source span of every node, by JSON pointer.

use crate::source::Span;
use std::collections::HashMap;

/// Where a node sits in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeSpans {
    /// The key of a mapping entry (absent for list items and the root).
    pub key: Option<Span>,
    /// The value.
    pub value: Span,
}

/// A policy document as data plus positions.
#[derive(Debug, Clone)]
pub struct Document {
    /// The document as JSON data (what the schema and the serde types read).
    pub value: serde_json::Value,
    /// Spans by JSON pointer ("" is the root, "/waves/0/name" a wave's name).
    pub nodes: HashMap<String, NodeSpans>,
}

impl Document {
    /// The value span of the node at `pointer`, or of its nearest ancestor with a position
    /// (nodes copied by an alias share the alias's position).
    pub fn span(&self, pointer: &str) -> Option<Span> {
        self.nearest(pointer).map(|n| n.value)
    }

    /// The key span of the node at `pointer` when it is a mapping entry, else its value span.
    pub fn key_span(&self, pointer: &str) -> Option<Span> {
        self.nearest(pointer).map(|n| n.key.unwrap_or(n.value))
    }

    fn nearest(&self, pointer: &str) -> Option<&NodeSpans> {
        let mut current = pointer;
        loop {
            if let Some(node) = self.nodes.get(current) {
                return Some(node);
            }
            match current.rfind('/') {
                Some(i) => current = &current[..i],
                None => return None,
            }
        }
    }
}

/// Escape one JSON pointer segment (RFC 6901).
pub(crate) fn escape_segment(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Unescape one JSON pointer segment.
pub(crate) fn unescape_segment(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}
