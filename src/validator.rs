// Stage 2, validate: JSON Schema, then the semantic rules; every problem of a policy in one pass.

use crate::code::Code;
use crate::diagnostic::{Diagnostic, FileReport};
use crate::document::Document;
use crate::loader::{self, LoadFailure};
use crate::policy::Policy;
use crate::rules;
use crate::schema_check;
use crate::source::Source;
use std::collections::HashSet;
use std::path::Path;

/// The outcome of validating one policy file.
#[derive(Debug)]
pub struct Validated {
    /// The file and every diagnostic (errors and warnings).
    pub report: FileReport,
    /// The typed policy, present only when there is no error.
    pub policy: Option<Policy>,
    /// The parsed document with node spans, when the file parsed.
    pub document: Option<Document>,
    /// The file could not be read at all (exit status 2 rather than 1).
    pub unreadable: bool,
}

impl Validated {
    /// Whether the policy has errors (or cannot be read).
    pub fn has_errors(&self) -> bool {
        self.unreadable || self.report.error_count() > 0
    }
}

/// Validate a policy file on disk.
pub fn validate_path(path: &Path) -> Validated {
    // hook files are read relative to the policy file
    let base = path.parent().map(|p| {
        if p.as_os_str().is_empty() {
            Path::new(".")
        } else {
            p
        }
    });
    finish(loader::load_file(path), &path.display().to_string(), base)
}

/// Validate raw bytes (the fuzzing entry point: any input, never a panic).
pub fn validate_bytes(name: &str, bytes: &[u8]) -> Validated {
    finish(loader::load_bytes(name, bytes.to_vec()), name, None)
}

/// Validate policy text held in memory (a file read from git, a test fixture).
pub fn validate_text(name: &str, text: &str) -> Validated {
    finish(
        loader::load_bytes(name, text.as_bytes().to_vec()),
        name,
        None,
    )
}

fn finish(
    loaded: Result<loader::Loaded, LoadFailure>,
    name: &str,
    base: Option<&Path>,
) -> Validated {
    match loaded {
        Err(LoadFailure::Io(diagnostic)) => Validated {
            report: FileReport::new(Source::new(name, String::new()), vec![*diagnostic]),
            policy: None,
            document: None,
            unreadable: true,
        },
        Err(LoadFailure::Invalid {
            source,
            diagnostics,
        }) => Validated {
            report: FileReport::new(source, diagnostics),
            policy: None,
            document: None,
            unreadable: false,
        },
        Ok(loaded) => {
            let (mut policy, mut diagnostics) =
                check_document(&loaded.document, loaded.diagnostics);
            if let Some(policy) = policy.as_mut() {
                diagnostics.extend(rules::hooks::read_files(policy, &loaded.document, base));
            }
            let report = FileReport::new(loaded.source, diagnostics);
            let policy = if report.error_count() == 0 {
                policy
            } else {
                None
            };
            Validated {
                report,
                policy,
                document: Some(loaded.document),
                unreadable: false,
            }
        }
    }
}

fn check_document(
    document: &Document,
    mut diagnostics: Vec<Diagnostic>,
) -> (Option<Policy>, Vec<Diagnostic>) {
    let findings = schema_check::check(document);
    let data = schema_check::repaired(&document.value, &findings.repairs);
    let policy = if findings.unrepairable {
        None
    } else {
        serde_json::from_value::<Policy>(data).ok()
    };
    let semantic = match &policy {
        Some(policy) => rules::check(policy, document),
        None => Vec::new(),
    };
    // Where a rule speaks about a node, its message is the more specific: drop the schema's.
    let ruled: HashSet<&str> = semantic.iter().map(|d| d.pointer.as_str()).collect();
    let covered = |pointer: &str| {
        ruled.contains(pointer)
            || semantic.iter().any(|d| {
                d.pointer
                    .strip_prefix(pointer)
                    .is_some_and(|rest| rest.starts_with('/'))
            })
    };
    diagnostics.extend(
        findings
            .diagnostics
            .into_iter()
            .filter(|d| !(is_value_form(d.code) && covered(&d.pointer))),
    );
    diagnostics.extend(semantic);
    (policy, diagnostics)
}

/// Schema codes about a value's form, which a semantic rule may say better.
fn is_value_form(code: Code) -> bool {
    matches!(
        code,
        Code::SchemaValue
            | Code::AccountIdInvalid
            | Code::OuIdInvalid
            | Code::RegionInvalid
            | Code::DurationInvalid
            | Code::RateInvalid
            | Code::VersionUnsupported
            | Code::NameInvalid
    )
}
