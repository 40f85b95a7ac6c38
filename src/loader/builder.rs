// The YAML event stream built into a JSON value with every node's span: duplicate keys,
// aliases (counted against billion laughs) and nesting depth are checked as nodes finish.

use super::scalar::resolve_scalar;
use super::{MAX_ALIAS_NODES, MAX_DEPTH};
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::document::{Document, NodeSpans, escape_segment};
use crate::source::Span;
use saphyr_parser::{Event, Parser};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// Converts saphyr's character indices into byte offsets, cheaply for ASCII text.
struct Offsets {
    /// Byte offset of every 64th character; empty when the text is ASCII.
    checkpoints: Vec<usize>,
    text_len: usize,
}

impl Offsets {
    const STRIDE: usize = 64;

    fn new(text: &str) -> Self {
        let checkpoints = if text.is_ascii() {
            Vec::new()
        } else {
            text.char_indices()
                .step_by(Self::STRIDE)
                .map(|(i, _)| i)
                .collect()
        };
        Offsets {
            checkpoints,
            text_len: text.len(),
        }
    }

    fn byte(&self, text: &str, char_index: usize) -> usize {
        if self.checkpoints.is_empty() {
            return char_index.min(self.text_len);
        }
        let slot = char_index / Self::STRIDE;
        let Some(&start) = self.checkpoints.get(slot) else {
            return self.text_len;
        };
        let rest = char_index % Self::STRIDE;
        text[start..]
            .char_indices()
            .nth(rest)
            .map(|(i, _)| start + i)
            .unwrap_or(self.text_len)
    }
}

/// A mapping or list under construction.
enum Frame {
    Map {
        pointer: String,
        key_span: Option<Span>,
        start: usize,
        anchor: usize,
        map: Map<String, Value>,
        key_spans: HashMap<String, Span>,
        pending_key: Option<(String, Span)>,
    },
    List {
        pointer: String,
        key_span: Option<Span>,
        start: usize,
        anchor: usize,
        items: Vec<Value>,
    },
}

/// Builds one document from the parser's events.
pub(super) struct Builder<'t> {
    text: &'t str,
    offsets: Offsets,
    stack: Vec<Frame>,
    nodes: HashMap<String, NodeSpans>,
    anchors: HashMap<usize, (Value, usize)>,
    alias_nodes: usize,
    diagnostics: Vec<Diagnostic>,
    root: Option<Value>,
}

/// What a finished node becomes: its value, where it is, and its anchor.
struct Finished {
    value: Value,
    span: Span,
    anchor: usize,
    count: usize,
}

impl<'t> Builder<'t> {
    pub(super) fn new(text: &'t str) -> Self {
        Builder {
            text,
            offsets: Offsets::new(text),
            stack: Vec::new(),
            nodes: HashMap::new(),
            anchors: HashMap::new(),
            alias_nodes: 0,
            diagnostics: Vec::new(),
            root: None,
        }
    }

    fn span(&self, span: &saphyr_parser::Span) -> Span {
        let start = self.offsets.byte(self.text, span.start.index());
        let end = self.offsets.byte(self.text, span.end.index()).max(start);
        Span::new(start, end - start)
    }

    fn fatal(&self, code: Code, message: String, span: Span, label: &str) -> Vec<Diagnostic> {
        let mut diagnostics = self.diagnostics.clone();
        diagnostics.push(
            Diagnostic::new(code, message)
                .at("", Some(span))
                .label(label.to_owned()),
        );
        diagnostics
    }

    /// The pointer and key span that the next node gets from its parent.
    fn child_slot(&mut self) -> Result<(String, Option<Span>), Vec<Diagnostic>> {
        match self.stack.last_mut() {
            None => Ok((String::new(), None)),
            Some(Frame::List { pointer, items, .. }) => {
                Ok((format!("{pointer}/{}", items.len()), None))
            }
            Some(Frame::Map {
                pointer,
                pending_key: Some((key, span)),
                ..
            }) => Ok((format!("{pointer}/{}", escape_segment(key)), Some(*span))),
            Some(Frame::Map {
                pending_key: None, ..
            }) => Ok((String::new(), None)),
        }
    }

    pub(super) fn build(mut self) -> Result<(Document, Vec<Diagnostic>), Vec<Diagnostic>> {
        let mut parser = Parser::new_from_str(self.text);
        let mut documents = 0usize;
        let mut last_span = Span::new(0, 0);
        while let Some(next) = parser.next_event() {
            let (event, raw_span) = match next {
                Ok(pair) => pair,
                Err(error) => {
                    let at = self.offsets.byte(self.text, error.marker().index());
                    let mut diagnostics = self.fatal(
                        Code::LoadSyntax,
                        format!("invalid YAML: {}", error.info()),
                        Span::new(at, 0),
                        "the parser stopped here",
                    );
                    if let Some(last) = diagnostics.pop() {
                        diagnostics.push(last.help(
                            "check quotes, brackets and indentation (spaces, not tabs) at and above this line",
                        ));
                    }
                    return Err(diagnostics);
                }
            };
            let span = self.span(&raw_span);
            last_span = span;
            match event {
                Event::DocumentStart(_) => {
                    documents += 1;
                    if documents > 1 {
                        return Err(self.fatal(
                            Code::LoadMultipleDocuments,
                            "the file holds more than one YAML document".to_owned(),
                            span,
                            "a second document starts here",
                        ));
                    }
                }
                Event::MappingStart(anchor, ref tag) | Event::SequenceStart(anchor, ref tag) => {
                    let is_map = matches!(event, Event::MappingStart(..));
                    if let Some(tag) = tag
                        && !tag.is_yaml_core_schema()
                    {
                        return Err(self.fatal(
                            Code::LoadUnsupportedNode,
                            format!("custom tag `{tag}` has no meaning in a policy"),
                            span,
                            "tagged here",
                        ));
                    }
                    if self.stack.len() >= MAX_DEPTH {
                        return Err(self.fatal(
                            Code::LoadTooDeep,
                            format!("the document nests deeper than {MAX_DEPTH} levels"),
                            span,
                            "too deep",
                        ));
                    }
                    self.check_key_position(span)?;
                    let (pointer, key_span) = self.child_slot()?;
                    let frame = if is_map {
                        Frame::Map {
                            pointer,
                            key_span,
                            start: span.offset,
                            anchor,
                            map: Map::new(),
                            key_spans: HashMap::new(),
                            pending_key: None,
                        }
                    } else {
                        Frame::List {
                            pointer,
                            key_span,
                            start: span.offset,
                            anchor,
                            items: Vec::new(),
                        }
                    };
                    self.stack.push(frame);
                }
                Event::MappingEnd | Event::SequenceEnd => {
                    let Some(frame) = self.stack.pop() else {
                        continue;
                    };
                    let (value, pointer, key_span, start, anchor) = match frame {
                        Frame::Map {
                            map,
                            pointer,
                            key_span,
                            start,
                            anchor,
                            ..
                        } => (Value::Object(map), pointer, key_span, start, anchor),
                        Frame::List {
                            items,
                            pointer,
                            key_span,
                            start,
                            anchor,
                        } => (Value::Array(items), pointer, key_span, start, anchor),
                    };
                    let end = self.trim_end(span.end().max(start));
                    let node_span = Span::new(start, end.saturating_sub(start));
                    self.nodes.insert(
                        pointer,
                        NodeSpans {
                            key: key_span,
                            value: node_span,
                        },
                    );
                    let count = count_nodes(&value);
                    self.finish(Finished {
                        value,
                        span: node_span,
                        anchor,
                        count,
                    });
                }
                Event::Scalar(text, style, anchor, tag) => {
                    let value =
                        resolve_scalar(&text, style, tag.as_deref()).map_err(|message| {
                            self.fatal(Code::LoadUnsupportedNode, message, span, "tagged here")
                        })?;
                    // A scalar in key position becomes the pending key.
                    if let Some(Frame::Map {
                        pending_key,
                        key_spans,
                        map,
                        ..
                    }) = self.stack.last_mut()
                        && pending_key.is_none()
                    {
                        let key = text.into_owned();
                        if let Some(first) = key_spans.get(&key).copied() {
                            self.diagnostics.push(
                                Diagnostic::new(
                                    Code::LoadDuplicateKey,
                                    format!("duplicate key `{key}`"),
                                )
                                .at("", Some(span))
                                .label("defined again here")
                                .related(Some(first), "first defined here")
                                .help("remove one of the two; YAML keeps neither reliably"),
                            );
                            map.remove(&key);
                        }
                        key_spans.insert(key.clone(), span);
                        *pending_key = Some((key, span));
                        continue;
                    }
                    let (pointer, key_span) = self.child_slot()?;
                    self.nodes.insert(
                        pointer,
                        NodeSpans {
                            key: key_span,
                            value: span,
                        },
                    );
                    self.finish(Finished {
                        value,
                        span,
                        anchor,
                        count: 1,
                    });
                }
                Event::Alias(id) => {
                    self.check_key_position(span)?;
                    let Some((value, count)) = self.anchors.get(&id) else {
                        return Err(self.fatal(
                            Code::LoadSyntax,
                            "alias to an unknown anchor".to_owned(),
                            span,
                            "unknown anchor",
                        ));
                    };
                    self.alias_nodes += count;
                    if self.alias_nodes > MAX_ALIAS_NODES {
                        return Err(self.fatal(
                            Code::LoadAliasBudget,
                            format!(
                                "aliases expand to more than {MAX_ALIAS_NODES} nodes (a 'billion laughs' document?)"
                            ),
                            span,
                            "the expansion passes the limit here",
                        ));
                    }
                    let (value, count) = (value.clone(), *count);
                    let (pointer, key_span) = self.child_slot()?;
                    self.nodes.insert(
                        pointer,
                        NodeSpans {
                            key: key_span,
                            value: span,
                        },
                    );
                    self.finish(Finished {
                        value,
                        span,
                        anchor: 0,
                        count,
                    });
                }
                Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
            }
        }
        let diagnostics = std::mem::take(&mut self.diagnostics);
        match self.root.take() {
            Some(value) => Ok((
                Document {
                    value,
                    nodes: self.nodes,
                },
                diagnostics,
            )),
            None => {
                let mut all = diagnostics;
                all.push(
                    Diagnostic::new(Code::LoadEmpty, "the policy file holds no document")
                        .at("", Some(Span::new(last_span.offset, 0)))
                        .label("nothing here")
                        .help("write a policy, or run `patchform init` for a commented starter"),
                );
                Err(all)
            }
        }
    }

    /// Mappings and lists may not be used as mapping keys.
    fn check_key_position(&self, span: Span) -> Result<(), Vec<Diagnostic>> {
        if let Some(Frame::Map {
            pending_key: None, ..
        }) = self.stack.last()
        {
            return Err(self.fatal(
                Code::LoadUnsupportedNode,
                "a mapping key must be a plain scalar".to_owned(),
                span,
                "complex key",
            ));
        }
        Ok(())
    }

    /// Block collections end where the next token starts; pull the end back over whitespace
    /// and comments so labels cover only the node.
    fn trim_end(&self, end: usize) -> usize {
        let end = end.min(self.text.len());
        let head = &self.text[..end];
        let mut trimmed = head.trim_end().len();
        // Drop a trailing comment line or two, so the span ends at content.
        loop {
            let line_start = self.text[..trimmed].rfind('\n').map_or(0, |i| i + 1);
            let line = self.text[line_start..trimmed].trim_start();
            if line.starts_with('#') && line_start > 0 {
                trimmed = self.text[..line_start].trim_end().len();
            } else {
                break;
            }
        }
        trimmed
    }

    fn finish(&mut self, node: Finished) {
        if node.anchor != 0 {
            self.anchors
                .insert(node.anchor, (node.value.clone(), node.count));
        }
        let _ = node.span;
        match self.stack.last_mut() {
            None => self.root = Some(node.value),
            Some(Frame::List { items, .. }) => items.push(node.value),
            Some(Frame::Map {
                map, pending_key, ..
            }) => {
                if let Some((key, _)) = pending_key.take() {
                    map.insert(key, node.value);
                }
            }
        }
    }
}

fn count_nodes(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(count_nodes).sum::<usize>(),
        Value::Object(map) => 1 + map.values().map(count_nodes).sum::<usize>(),
        _ => 1,
    }
}
