// Run the JSON Schema over a loaded document and turn each error into a positioned diagnostic.
//
// Also says how to repair the data so the typed model can still be read and the semantic
// rules can run in the same pass (unknown keys dropped, mistyped optional values removed).

use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::document::{Document, escape_segment, unescape_segment};
use crate::suggestion;
use jsonschema::ValidationError;
use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde_json::Value;
use std::sync::OnceLock;

/// A change to the data that lets the typed model load despite a schema error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Repair {
    /// Drop the node at this pointer (a map entry).
    Remove(String),
    /// Replace the node with this string (an unquoted account id).
    SetString(String, String),
}

/// Schema diagnostics and the repairs that go with them.
#[derive(Debug, Default)]
pub(crate) struct SchemaFindings {
    /// One diagnostic per schema error.
    pub diagnostics: Vec<Diagnostic>,
    /// Repairs to apply before reading the typed model.
    pub repairs: Vec<Repair>,
    /// Errors that no repair can fix (a missing required key, a mistyped list item).
    pub unrepairable: bool,
}

fn schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(crate::schema::policy_schema)
}

fn validator() -> Option<&'static jsonschema::Validator> {
    static VALIDATOR: OnceLock<Option<jsonschema::Validator>> = OnceLock::new();
    VALIDATOR
        .get_or_init(|| jsonschema::draft202012::new(schema()).ok())
        .as_ref()
}

/// Check a document against the policy schema.
pub(crate) fn check(document: &Document) -> SchemaFindings {
    let mut findings = SchemaFindings::default();
    let Some(validator) = validator() else {
        // The schema is generated from our own types and tested to compile; reaching this
        // means a bug in patchform, reported rather than hidden.
        findings.diagnostics.push(Diagnostic::new(
            Code::SchemaValue,
            "internal error: the policy schema does not compile (this is a bug in patchform)",
        ));
        findings.unrepairable = true;
        return findings;
    };
    for error in validator.iter_errors(&document.value) {
        let pointer = error.instance_path().as_str().to_owned();
        map_error(
            document,
            &pointer,
            error.kind(),
            error.instance(),
            &mut findings,
        );
    }
    findings
}

/// YAML words for JSON types.
fn yaml_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "empty (null)",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

fn json_type_word(name: &str) -> &'static str {
    match name {
        "object" => "a mapping",
        "array" => "a list",
        "string" => "text",
        "integer" => "a whole number",
        "number" => "a number",
        "boolean" => "true or false",
        "null" => "empty",
        _ => "another type",
    }
}

/// A readable name for the node at a pointer: `waves[2].targets`.
pub(crate) fn display_path(pointer: &str) -> String {
    if pointer.is_empty() {
        return "the policy".to_owned();
    }
    let mut out = String::new();
    for segment in pointer.split('/').skip(1) {
        let segment = unescape_segment(segment);
        if !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit()) {
            out.push_str(&format!("[{segment}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&segment);
        }
    }
    format!("`{out}`")
}

fn parent(pointer: &str) -> &str {
    pointer.rfind('/').map_or("", |i| &pointer[..i])
}

/// Pointers whose value must be an account id.
fn is_account_id_location(pointer: &str) -> bool {
    let parts: Vec<&str> = pointer.split('/').skip(1).collect();
    matches!(
        parts.as_slice(),
        ["hub", "account"]
            | [
                "organization",
                "targets",
                "accounts" | "exclude_accounts",
                _
            ]
            | ["waves", _, "targets", "accounts", _]
    )
}

/// Follow the schema along an instance pointer; returns the subschema and the `$defs` name
/// last passed through.
fn schema_at(pointer: &str) -> (Option<&'static Value>, Option<String>) {
    let root = schema();
    let mut node = resolve(root, root);
    let mut def_name = None;
    for segment in pointer.split('/').skip(1) {
        let segment = unescape_segment(segment);
        let Some(current) = node else {
            return (None, def_name);
        };
        let next = child(current, &segment).or_else(|| {
            // An optional struct is `anyOf: [{$ref}, {type: null}]`: look inside its branches.
            alternatives(current)
                .filter_map(|branch| resolve(root, branch))
                .find_map(|branch| child(branch, &segment))
        });
        node = next.and_then(|n| {
            if let Some(name) = ref_name(n) {
                def_name = Some(name);
            }
            resolve(root, n)
        });
    }
    if let Some(name) = node.and_then(ref_name) {
        def_name = Some(name);
    }
    (node, def_name)
}

/// The subschema of a property or list item of an object or array schema.
fn child<'a>(node: &'a Value, segment: &str) -> Option<&'a Value> {
    if let Some(property) = node.get("properties").and_then(|p| p.get(segment)) {
        Some(property)
    } else if let Some(items) = node.get("items") {
        Some(items)
    } else {
        node.get("additionalProperties").filter(|v| v.is_object())
    }
}

/// The branches of an `anyOf` or `oneOf` node (none for other nodes).
fn alternatives(node: &Value) -> impl Iterator<Item = &Value> {
    ["anyOf", "oneOf"]
        .into_iter()
        .filter_map(|keyword| node.get(keyword).and_then(Value::as_array))
        .flatten()
}

fn ref_name(node: &Value) -> Option<String> {
    node.get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/$defs/"))
        .map(str::to_owned)
}

fn resolve<'a>(root: &'a Value, node: &'a Value) -> Option<&'a Value> {
    let mut node = node;
    for _ in 0..8 {
        match node.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                let name = reference.strip_prefix("#/$defs/")?;
                node = root.get("$defs")?.get(name)?;
            }
            None => return Some(node),
        }
    }
    None
}

fn known_keys(pointer: &str) -> Vec<&'static str> {
    let root = schema();
    schema_at(pointer)
        .0
        .and_then(|s| {
            s.get("properties").or_else(|| {
                alternatives(s)
                    .filter_map(|branch| resolve(root, branch))
                    .find_map(|branch| branch.get("properties"))
            })
        })
        .and_then(Value::as_object)
        .map(|p| p.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

fn map_error(
    document: &Document,
    pointer: &str,
    kind: &ValidationErrorKind,
    instance: &Value,
    findings: &mut SchemaFindings,
) {
    let span = document.span(pointer);
    let (_, def_name) = schema_at(pointer);
    let value_code = match def_name.as_deref() {
        Some("AccountId") => Code::AccountIdInvalid,
        Some("OrganizationalUnitId") => Code::OuIdInvalid,
        Some("Region") => Code::RegionInvalid,
        Some("Duration") => Code::DurationInvalid,
        Some("Rate") => Code::RateInvalid,
        _ => Code::SchemaValue,
    };
    let path = display_path(pointer);
    let diagnostic = match kind {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let known = known_keys(pointer);
            for key in unexpected {
                let child = format!("{pointer}/{}", escape_segment(key));
                let mut d = Diagnostic::new(
                    Code::SchemaUnknownKey,
                    format!("unknown key `{key}` in {path}"),
                )
                .at(child.clone(), document.key_span(&child))
                .label("unknown key");
                d = match suggestion::closest(key, known.iter().copied()) {
                    Some(near) => d.help(format!("did you mean `{near}`?")),
                    None => d.help(format!("known keys here: {}", list(&known))),
                };
                findings.diagnostics.push(d);
                findings.repairs.push(Repair::Remove(child));
            }
            return;
        }
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            let described = schema_at(&format!("{pointer}/{}", escape_segment(name)))
                .0
                .and_then(|s| s.get("description"))
                .and_then(Value::as_str)
                .unwrap_or("");
            findings.unrepairable = true;
            let at = if pointer.is_empty() {
                Some(crate::source::Span::new(0, 0))
            } else {
                document.key_span(pointer)
            };
            Diagnostic::new(
                Code::SchemaMissingKey,
                format!("missing required key `{name}` in {path}"),
            )
            .at(pointer, at)
            .label(format!("`{name}` is missing here"))
            .help(format!("add `{name}:` — {described}"))
        }
        ValidationErrorKind::Type { kind } => {
            let expected = match kind {
                TypeKind::Single(t) => json_type_word(&t.to_string()).to_owned(),
                TypeKind::Multiple(set) => set
                    .iter()
                    .map(|t| json_type_word(&t.to_string()))
                    .collect::<Vec<_>>()
                    .join(" or "),
            };
            if is_account_id_location(pointer) && instance.is_number() {
                let digits = instance.to_string();
                let padded = format!("{digits:0>12}");
                findings
                    .repairs
                    .push(Repair::SetString(pointer.to_owned(), padded.clone()));
                let lost = if digits.len() < 12 {
                    format!(
                        "; YAML read it as the number {digits}, dropping {} leading zero(s)",
                        12 - digits.len()
                    )
                } else {
                    String::new()
                };
                findings.diagnostics.push(
                    Diagnostic::new(
                        Code::AccountIdUnquoted,
                        format!("account id {path} is written as a number{lost}"),
                    )
                    .at(pointer, span)
                    .label("unquoted account id")
                    .help(format!("quote it: \"{padded}\"")),
                );
                return;
            }
            repair_or_give_up(pointer, findings);
            Diagnostic::new(
                Code::SchemaType,
                format!("{path} must be {expected}, not {}", yaml_type(instance)),
            )
            .at(pointer, span)
            .label(format!("expected {expected}"))
            .help(type_help(&expected, instance))
        }
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context }
            if choices_at(pointer, kind).is_empty() =>
        {
            map_alternatives(document, pointer, context, instance, findings);
            return;
        }
        ValidationErrorKind::Enum { .. }
        | ValidationErrorKind::OneOfNotValid { .. }
        | ValidationErrorKind::AnyOf { .. } => {
            let choices = choices_at(pointer, kind);
            let given = instance
                .as_str()
                .map_or_else(|| instance.to_string(), str::to_owned);
            repair_or_give_up(pointer, findings);
            let help = match suggestion::closest(&given, choices.iter().copied()) {
                Some(near) => format!("did you mean `{near}`? (one of {})", list(&choices)),
                None => format!("use one of {}", list(&choices)),
            };
            Diagnostic::new(Code::SchemaValue, format!("{path} cannot be `{given}`"))
                .at(pointer, span)
                .label("not an accepted value")
                .help(help)
        }
        ValidationErrorKind::Pattern { .. } => {
            if !(instance.is_string() || instance.is_number()) {
                repair_or_give_up(pointer, findings);
                Diagnostic::new(
                    Code::SchemaType,
                    format!("{path} must be text, not {}", yaml_type(instance)),
                )
                .at(pointer, span)
                .label("expected text")
            } else {
                let description = schema_at(pointer)
                    .0
                    .and_then(|s| s.get("description"))
                    .and_then(Value::as_str)
                    .unwrap_or("see `patchform schema`");
                let given = instance
                    .as_str()
                    .map_or_else(|| instance.to_string(), str::to_owned);
                Diagnostic::new(value_code, format!("{path} cannot be `{given}`"))
                    .at(pointer, span)
                    .label("not in the expected form")
                    .help(format!("expected: {}", lower_first(description)))
            }
        }
        other => {
            let message = limit_message(other, instance);
            Diagnostic::new(value_code, format!("{path} {message}"))
                .at(pointer, span)
                .label(limit_label(other))
                .help(
                    schema_at(pointer)
                        .0
                        .and_then(|s| s.get("description"))
                        .and_then(Value::as_str)
                        .map(|d| format!("{path}: {}", lower_first(d)))
                        .unwrap_or_else(|| "see `patchform schema`".to_owned()),
                )
        }
    };
    findings.diagnostics.push(diagnostic);
}

/// A value that matches none of the alternatives of an `anyOf`/`oneOf` (an optional struct,
/// a count-or-percentage rate): report what is wrong inside the alternative the value was meant
/// for, at the inner node's own span, rather than "not valid under any of the schemas".
///
/// The alternative meant is one whose type the value has (a mapping for an optional struct); a
/// branch that fails on the value's type at this very node is one the value was not meant for.
/// When no branch fits the type, the value is of the wrong type: say which types fit.
fn map_alternatives(
    document: &Document,
    pointer: &str,
    branches: &[Vec<ValidationError<'static>>],
    instance: &Value,
    findings: &mut SchemaFindings,
) {
    let wrong_type_here = |error: &ValidationError<'_>| {
        error.instance_path().as_str() == pointer
            && matches!(error.kind(), ValidationErrorKind::Type { .. })
    };
    let meant = branches
        .iter()
        .filter(|branch| !branch.iter().any(wrong_type_here))
        .min_by_key(|branch| branch.len());
    let Some(branch) = meant else {
        wrong_type(document, pointer, branches, instance, findings);
        return;
    };
    let mut inner = SchemaFindings::default();
    for error in branch {
        map_error(
            document,
            error.instance_path().as_str(),
            error.kind(),
            error.instance(),
            &mut inner,
        );
    }
    findings.diagnostics.extend(inner.diagnostics);
    // An inner repair that would drop a required key (or an inner error no repair can fix)
    // would leave the alternative unreadable: drop the whole optional value instead, so the
    // typed model still loads and the semantic rules still run over the rest of the policy.
    let mut drop_whole = inner.unrepairable;
    for repair in inner.repairs {
        match &repair {
            Repair::Remove(removed) if is_required(removed) => drop_whole = true,
            _ => findings.repairs.push(repair),
        }
    }
    if drop_whole {
        repair_or_give_up(pointer, findings);
    }
}

/// A value whose type fits none of the alternatives: name the types that would.
fn wrong_type(
    document: &Document,
    pointer: &str,
    branches: &[Vec<ValidationError<'static>>],
    instance: &Value,
    findings: &mut SchemaFindings,
) {
    let mut expected: Vec<&str> = Vec::new();
    for error in branches.iter().flatten() {
        if error.instance_path().as_str() != pointer {
            continue;
        }
        if let ValidationErrorKind::Type { kind } = error.kind() {
            let names: Vec<String> = match kind {
                TypeKind::Single(t) => vec![t.to_string()],
                TypeKind::Multiple(set) => set.iter().map(|t| t.to_string()).collect(),
            };
            for name in names {
                let word = json_type_word(&name);
                if !expected.contains(&word) {
                    expected.push(word);
                }
            }
        }
    }
    // `null` is how an optional key is left out; "or empty" would only confuse.
    if expected.len() > 1 {
        expected.retain(|word| *word != "empty");
    }
    let expected = if expected.is_empty() {
        "another type".to_owned()
    } else {
        expected.join(" or ")
    };
    repair_or_give_up(pointer, findings);
    let path = display_path(pointer);
    findings.diagnostics.push(
        Diagnostic::new(
            Code::SchemaType,
            format!("{path} must be {expected}, not {}", yaml_type(instance)),
        )
        .at(pointer, document.span(pointer))
        .label(format!("expected {expected}"))
        .help(type_help(&expected, instance)),
    );
}

/// Whether the key at a pointer is required by the object that holds it.
fn is_required(pointer: &str) -> bool {
    let key = pointer
        .rsplit('/')
        .next()
        .map(unescape_segment)
        .unwrap_or_default();
    let root = schema();
    schema_at(parent(pointer)).0.is_some_and(|node| {
        std::iter::once(node)
            .chain(alternatives(node).filter_map(|branch| resolve(root, branch)))
            .filter_map(|n| n.get("required").and_then(Value::as_array))
            .flatten()
            .any(|name| name.as_str() == Some(key.as_str()))
    })
}

/// The accepted values of an enum-like node: `enum`, or a `oneOf` of `const`s.
fn choices_at(pointer: &str, kind: &ValidationErrorKind) -> Vec<&'static str> {
    if let ValidationErrorKind::Enum { .. } = kind
        && let Some(values) = schema_at(pointer)
            .0
            .and_then(|s| s.get("enum"))
            .and_then(Value::as_array)
    {
        return values.iter().filter_map(Value::as_str).collect();
    }
    schema_at(pointer)
        .0
        .and_then(|s| s.get("oneOf").or_else(|| s.get("enum")))
        .and_then(Value::as_array)
        .map(|options| {
            options
                .iter()
                .filter_map(|o| {
                    o.get("const")
                        .and_then(Value::as_str)
                        .or_else(|| o.as_str())
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Remove a mistyped map entry; a mistyped list item cannot be removed without shifting the
/// positions of the items after it, so the typed pass is skipped instead.
fn repair_or_give_up(pointer: &str, findings: &mut SchemaFindings) {
    let last = pointer.rsplit('/').next().unwrap_or_default();
    let in_list = !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit());
    if pointer.is_empty() || in_list {
        findings.unrepairable = true;
    } else {
        findings.repairs.push(Repair::Remove(pointer.to_owned()));
    }
}

fn type_help(expected: &str, instance: &Value) -> String {
    match (expected, instance) {
        ("a mapping", Value::Array(_)) => {
            "write `key: value` lines indented under the key, not `- item` lines".to_owned()
        }
        ("a list", Value::Object(_)) => {
            "write the items as `- item` lines, or inline as [a, b]".to_owned()
        }
        ("a list", _) => "write a list: [value] or `- value` lines".to_owned(),
        ("true or false", Value::String(s))
            if matches!(s.as_str(), "yes" | "no" | "on" | "off") =>
        {
            format!("YAML 1.2 reads `{s}` as text: write true or false")
        }
        ("text", Value::Number(_)) => "quote the value to make it text".to_owned(),
        _ => format!("write {expected} here"),
    }
}

fn limit_message(kind: &ValidationErrorKind, instance: &Value) -> String {
    match kind {
        ValidationErrorKind::Minimum { limit } => {
            format!("is {instance}, below the minimum {limit}")
        }
        ValidationErrorKind::Maximum { limit } => {
            format!("is {instance}, above the maximum {limit}")
        }
        ValidationErrorKind::MinItems { limit } => format!("needs at least {limit} item(s)"),
        ValidationErrorKind::MaxItems { limit } => format!("takes at most {limit} item(s)"),
        ValidationErrorKind::MinLength { limit } => {
            format!("must be at least {limit} character(s) long")
        }
        ValidationErrorKind::MaxLength { limit } => {
            format!("must be at most {limit} characters long")
        }
        ValidationErrorKind::MaxProperties { limit } => format!("takes at most {limit} key(s)"),
        ValidationErrorKind::UniqueItems => "lists the same item twice".to_owned(),
        ValidationErrorKind::Constant { expected_value } => format!("must be {expected_value}"),
        other => format!("is not accepted ({})", other.keyword()),
    }
}

/// The text under the span of a limit error.
fn limit_label(kind: &ValidationErrorKind) -> &'static str {
    match kind {
        ValidationErrorKind::MinItems { .. } => "too few items",
        ValidationErrorKind::MaxItems { .. } => "too many items",
        ValidationErrorKind::MinLength { .. } => "too short",
        ValidationErrorKind::MaxLength { .. } => "too long",
        ValidationErrorKind::MaxProperties { .. } => "too many keys",
        ValidationErrorKind::UniqueItems => "an item is repeated",
        _ => "out of range",
    }
}

/// A description continued after a colon: "An e-mail address." becomes "an e-mail address.",
/// but a leading name such as "MaximumAutomaticAttempts, 1–25" keeps its capital.
fn lower_first(text: &str) -> String {
    let first_word = text.split([' ', ',', '.', '(']).next().unwrap_or_default();
    if first_word.chars().skip(1).any(char::is_uppercase) {
        return text.to_owned();
    }
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    }
}

/// `a`, `b` and `c`.
pub(crate) fn list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("`{i}`")).collect();
    match quoted.len() {
        0 => "(none)".to_owned(),
        1 => quoted[0].clone(),
        n => format!("{} or {}", quoted[..n - 1].join(", "), quoted[n - 1]),
    }
}

/// Apply repairs to a copy of the data.
pub(crate) fn repaired(value: &Value, repairs: &[Repair]) -> Value {
    let mut value = value.clone();
    for repair in repairs {
        match repair {
            Repair::Remove(pointer) => {
                let (parent_pointer, key) = match pointer.rfind('/') {
                    Some(i) => (&pointer[..i], unescape_segment(&pointer[i + 1..])),
                    None => continue,
                };
                if let Some(Value::Object(map)) = value.pointer_mut(parent_pointer) {
                    map.remove(&key);
                }
            }
            Repair::SetString(pointer, text) => {
                if let Some(node) = value.pointer_mut(pointer) {
                    *node = Value::String(text.clone());
                }
            }
        }
    }
    value
}
