// Stage 1, load: read a policy file and parse YAML into a Document that keeps every node's span.
//
// Works on saphyr-parser's event stream rather than a finished tree, so that duplicate keys,
// alias expansion (billion laughs), nesting depth and scalar styles can all be checked as the
// document is built. saphyr counts characters; spans are converted to bytes here.

use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::document::{Document, NodeSpans, escape_segment};
use crate::source::{Source, Span};
use saphyr_parser::{Event, Parser, ScalarStyle, Tag};
use serde_json::{Map, Number, Value};
use std::collections::HashMap;
use std::path::Path;

/// The largest policy file patchform reads.
pub(crate) const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;
/// The most nodes that aliases may copy into a document.
pub(crate) const MAX_ALIAS_NODES: usize = 100_000;
/// The deepest nesting of mappings and lists.
pub(crate) const MAX_DEPTH: usize = 64;

/// Why a file produced no document.
#[derive(Debug)]
pub(crate) enum LoadFailure {
    /// The file could not be read at all (exit status 2): missing, a directory, unreadable.
    Io(Box<Diagnostic>),
    /// The file was read but is not a usable YAML document (exit status 1).
    Invalid {
        /// The text as read (lossy when not UTF-8), for rendering.
        source: Source,
        /// What is wrong.
        diagnostics: Vec<Diagnostic>,
    },
}

/// A loaded document, with any problems that did not stop loading (duplicate keys).
#[derive(Debug)]
pub(crate) struct Loaded {
    /// The file.
    pub source: Source,
    /// The document.
    pub document: Document,
    /// Problems found while loading.
    pub diagnostics: Vec<Diagnostic>,
}

/// Read and parse a policy file. `name` is how diagnostics refer to it.
pub(crate) fn load_file(path: &Path) -> Result<Loaded, LoadFailure> {
    let name = path.display().to_string();
    let metadata = std::fs::metadata(path).map_err(|e| io_failure(&name, &e))?;
    if metadata.is_dir() {
        return Err(LoadFailure::Io(Box::new(
            Diagnostic::new(
                Code::LoadIo,
                format!("`{name}` is a directory, not a policy file"),
            )
            .help("give the path of a policy file, for example policies/acme-fleet.yaml"),
        )));
    }
    if metadata.len() > MAX_FILE_BYTES {
        return Err(LoadFailure::Invalid {
            source: Source::new(name.clone(), String::new()),
            diagnostics: vec![too_large(&name, metadata.len())],
        });
    }
    let bytes = std::fs::read(path).map_err(|e| io_failure(&name, &e))?;
    load_bytes(&name, bytes)
}

/// Parse policy bytes already in memory (also the fuzzing entry point).
pub(crate) fn load_bytes(name: &str, bytes: Vec<u8>) -> Result<Loaded, LoadFailure> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(LoadFailure::Invalid {
            source: Source::new(name, String::new()),
            diagnostics: vec![too_large(name, bytes.len() as u64)],
        });
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let valid = error.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(error.as_bytes()).into_owned();
            let source = Source::new(name, lossy);
            let diagnostic = Diagnostic::new(
                Code::LoadNotUtf8,
                format!("`{name}` is not UTF-8 text: byte {valid} starts an invalid sequence"),
            )
            .at("", Some(Span::new(valid, 1)))
            .label("not UTF-8")
            .help("save the file as UTF-8");
            return Err(LoadFailure::Invalid {
                source,
                diagnostics: vec![diagnostic],
            });
        }
    };
    let text = text
        .strip_prefix('\u{feff}')
        .map(str::to_owned)
        .unwrap_or(text);
    let source = Source::new(name, text);
    match Builder::new(source.text()).build() {
        Ok((document, diagnostics)) => Ok(Loaded {
            source,
            document,
            diagnostics,
        }),
        Err(diagnostics) => Err(LoadFailure::Invalid {
            source,
            diagnostics,
        }),
    }
}

fn io_failure(name: &str, error: &std::io::Error) -> LoadFailure {
    let help = match error.kind() {
        std::io::ErrorKind::NotFound => "check the path; `patchform init` writes a starter policy",
        std::io::ErrorKind::PermissionDenied => "check the file's permissions",
        _ => "give the path of a readable policy file",
    };
    LoadFailure::Io(Box::new(
        Diagnostic::new(Code::LoadIo, format!("cannot read `{name}`: {error}")).help(help),
    ))
}

fn too_large(name: &str, size: u64) -> Diagnostic {
    Diagnostic::new(
        Code::LoadTooLarge,
        format!(
            "`{name}` is {:.1} MiB; patchform reads policy files of at most {} MiB",
            size as f64 / (1024.0 * 1024.0),
            MAX_FILE_BYTES / (1024 * 1024)
        ),
    )
    .help(
        "a policy for a whole organization is a few hundred KiB: check that this is the right file",
    )
}

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

struct Builder<'t> {
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
    fn new(text: &'t str) -> Self {
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

    fn build(mut self) -> Result<(Document, Vec<Diagnostic>), Vec<Diagnostic>> {
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

/// Resolve a scalar by the YAML 1.2 core schema (plain scalars) or its tag.
fn resolve_scalar(text: &str, style: ScalarStyle, tag: Option<&Tag>) -> Result<Value, String> {
    if let Some(tag) = tag {
        if !tag.is_yaml_core_schema() {
            return Err(format!("custom tag `{tag}` has no meaning in a policy"));
        }
        return Ok(match tag.suffix.as_str() {
            "str" => Value::String(text.to_owned()),
            "null" => Value::Null,
            "bool" | "int" | "float" => plain_scalar(text),
            other => return Err(format!("tag `!!{other}` has no meaning in a policy")),
        });
    }
    if style != ScalarStyle::Plain {
        return Ok(Value::String(text.to_owned()));
    }
    Ok(plain_scalar(text))
}

fn plain_scalar(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(n) = text.parse::<i64>() {
            return Value::Number(n.into());
        }
        if let Ok(n) = text.trim_start_matches('+').parse::<u64>() {
            return Value::Number(n.into());
        }
    }
    if let Some(hex) = text.strip_prefix("0x")
        && let Ok(n) = i64::from_str_radix(hex, 16)
    {
        return Value::Number(n.into());
    }
    if let Some(oct) = text.strip_prefix("0o")
        && let Ok(n) = i64::from_str_radix(oct, 8)
    {
        return Value::Number(n.into());
    }
    let looks_float = unsigned
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_digit() || b == b'.')
        && unsigned
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'));
    if looks_float
        && let Ok(f) = text.parse::<f64>()
        && let Some(n) = Number::from_f64(f)
    {
        return Value::Number(n);
    }
    Value::String(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Loaded, LoadFailure> {
        load_bytes("t.yaml", text.as_bytes().to_vec())
    }

    #[test]
    fn spans_are_byte_exact_and_pointer_indexed() {
        let text = "name: näme\nwaves:\n  - name: canary\n    id: \"0123\"\n";
        let loaded = load(text).unwrap();
        let doc = &loaded.document;
        let span = doc.span("/waves/0/name").unwrap();
        assert_eq!(&text[span.offset..span.end()], "canary");
        let key = doc.key_span("/waves/0/id").unwrap();
        assert_eq!(&text[key.offset..key.end()], "id");
        let name = doc.span("/name").unwrap();
        assert_eq!(&text[name.offset..name.end()], "näme");
        assert_eq!(doc.value["waves"][0]["id"], "0123");
    }

    #[test]
    fn plain_scalars_follow_the_core_schema() {
        let loaded = load("a: 111111111111\nb: \"1\"\nc: true\nd: yes\ne: ~\nf: 1.5\n").unwrap();
        let v = &loaded.document.value;
        assert_eq!(v["a"], 111111111111u64);
        assert_eq!(v["b"], "1");
        assert_eq!(v["c"], true);
        assert_eq!(v["d"], "yes");
        assert!(v["e"].is_null());
        assert_eq!(v["f"], 1.5);
    }

    #[test]
    fn duplicate_keys_are_reported_with_both_places() {
        let loaded = load("a: 1\na: 2\n").unwrap();
        assert_eq!(loaded.diagnostics.len(), 1);
        assert_eq!(loaded.diagnostics[0].code, Code::LoadDuplicateKey);
        assert_eq!(loaded.diagnostics[0].related.len(), 1);
    }

    #[test]
    fn billion_laughs_is_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let prev = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
            ));
        }
        match load(&text) {
            Err(LoadFailure::Invalid { diagnostics, .. }) => {
                assert_eq!(diagnostics.last().unwrap().code, Code::LoadAliasBudget)
            }
            other => panic!("expected refusal, got {other:?}"),
        }
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = format!("{}{}", "[".repeat(70), "]".repeat(70));
        match load(&text) {
            Err(LoadFailure::Invalid { diagnostics, .. }) => {
                assert_eq!(diagnostics.last().unwrap().code, Code::LoadTooDeep)
            }
            other => panic!("expected refusal, got {other:?}"),
        }
        // Far deeper input is stopped by the parser itself, as a syntax error, not a crash.
        let text = "[".repeat(100_000);
        assert!(matches!(load(&text), Err(LoadFailure::Invalid { .. })));
    }
}
