// Stage 1, load: read a policy file and parse YAML into a Document that keeps every node's span.
//
// Works on saphyr-parser's event stream rather than a finished tree, so that duplicate keys,
// alias expansion (billion laughs), nesting depth and scalar styles can all be checked as the
// document is built. saphyr counts characters; spans are converted to bytes here.

mod builder;
mod scalar;

use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::source::{Source, Span};
use builder::Builder;
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
