// The built-in templates (embedded in the binary) and the `--templates DIR` override.

use super::RenderError;
use minijinja::syntax::SyntaxConfig;
use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use std::path::Path;

/// Template names and their built-in text. A file of the same name in `--templates DIR`
/// replaces the built-in one.
pub(super) const BUILT_IN: &[(&str, &str)] = &[
    ("asl.j2", include_str!("../../templates/asl.j2")),
    (
        "hub.template.yaml.j2",
        include_str!("../../templates/hub.template.yaml.j2"),
    ),
    (
        "hub/orchestration.yaml.j2",
        include_str!("../../templates/hub/orchestration.yaml.j2"),
    ),
    (
        "hub/operator-policies.yaml.j2",
        include_str!("../../templates/hub/operator-policies.yaml.j2"),
    ),
    (
        "spoke.template.yaml.j2",
        include_str!("../../templates/spoke.template.yaml.j2"),
    ),
    (
        "rollout.asl.json.j2",
        include_str!("../../templates/rollout.asl.json.j2"),
    ),
    (
        "wave.asl.json.j2",
        include_str!("../../templates/wave.asl.json.j2"),
    ),
    (
        "wave-runbook.yaml.j2",
        include_str!("../../templates/wave-runbook.yaml.j2"),
    ),
    (
        "remediation-runbook.yaml.j2",
        include_str!("../../templates/remediation-runbook.yaml.j2"),
    ),
];

/// A minijinja environment with every template: strict undefined, no auto-escape, and block
/// tags written `[% %]` so that JSONata's `{% %}` passes through the state machine templates.
pub(super) fn environment(dir: Option<&Path>) -> Result<Environment<'static>, RenderError> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| AutoEscape::None);
    let syntax = SyntaxConfig::builder()
        .block_delimiters("[%", "%]")
        .comment_delimiters("[#", "#]")
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build()
        .map_err(|e| template_error("(syntax)", &e))?;
    env.set_syntax(syntax);
    env.add_function("ssm", |name: String| format!("{{{{ {name} }}}}"));
    env.add_filter("jsonata", jsonata_filter);
    env.add_filter("oneline", oneline_filter);
    env.add_filter("jsonata_source", jsonata_source_filter);
    env.add_filter("string_literal", string_literal_filter);
    for (name, built_in) in BUILT_IN {
        let text = match dir.map(|d| d.join(name)) {
            Some(path) if path.exists() => std::fs::read_to_string(&path)
                .map_err(|source| RenderError::Read { path, source })?,
            _ => (*built_in).to_owned(),
        };
        env.add_template_owned(*name, text)
            .map_err(|e| template_error(name, &e))?;
    }
    Ok(env)
}

/// `{{ value|jsonata }}`: the value as a JSONata literal (single-quoted strings), escaped to sit
/// inside a JSON string, for a `{% %}` expression of a state machine template.
fn jsonata_filter(value: minijinja::Value) -> Result<String, minijinja::Error> {
    let value = serde_json::to_value(&value).map_err(|e| {
        minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, e.to_string())
    })?;
    let literal = jsonata_literal(&value);
    let quoted = serde_json::Value::String(literal).to_string();
    // to_string() of a JSON string is never shorter than its two quotes
    Ok(quoted[1..quoted.len() - 1].to_owned())
}

/// `{{ value|jsonata_source }}`: the value as a JSONata literal, unescaped, for an expression
/// written in a `[% set %]` block that `oneline` escapes afterwards.
fn jsonata_source_filter(value: minijinja::Value) -> Result<String, minijinja::Error> {
    let value = serde_json::to_value(&value).map_err(|e| {
        minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, e.to_string())
    })?;
    Ok(jsonata_literal(&value))
}

/// `{{ text|string_literal }}`: text as a double-quoted string literal of a `{% %}` expression
/// (JSONata reads JSON's escapes). Unlike `tojson` it leaves `'`, `<`, `>` and `&` as they are:
/// the literal is JSONata source, not HTML.
fn string_literal_filter(text: String) -> String {
    serde_json::Value::String(text).to_string()
}

/// `[% set e %]…[% endset %]{{ e|oneline }}`: a JSONata expression written over several lines
/// in a template, on one line (runs of whitespace become one space) and escaped to sit inside a
/// JSON string. String literals in such an expression must not rely on runs of spaces.
fn oneline_filter(text: String) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let quoted = serde_json::Value::String(line).to_string();
    // to_string() of a JSON string is never shorter than its two quotes
    quoted[1..quoted.len() - 1].to_owned()
}

/// A JSON value as JSONata source: objects and arrays as written, strings in single quotes.
fn jsonata_literal(value: &serde_json::Value) -> String {
    use serde_json::Value;
    match value {
        Value::String(text) => {
            let mut out = String::with_capacity(text.len() + 2);
            out.push('\'');
            for c in text.chars() {
                match c {
                    '\\' => out.push_str("\\\\"),
                    '\'' => out.push_str("\\'"),
                    '\n' => out.push_str("\\n"),
                    c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
                    c => out.push(c),
                }
            }
            out.push('\'');
            out
        }
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(jsonata_literal).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Object(map) => {
            let fields: Vec<String> = map
                .iter()
                .map(|(k, v)| {
                    format!(
                        "{}: {}",
                        jsonata_literal(&Value::String(k.clone())),
                        jsonata_literal(v)
                    )
                })
                .collect();
            format!("{{{}}}", fields.join(", "))
        }
        other => other.to_string(),
    }
}

/// A minijinja error as a RenderError naming the template and line.
pub(super) fn template_error(template: &str, error: &minijinja::Error) -> RenderError {
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    RenderError::Template {
        template: template.to_owned(),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jsonata_literals_quote_and_escape() {
        let value = serde_json::json!({"k": ["a'b", "c\\d", 1, true]});
        assert_eq!(jsonata_literal(&value), r"{'k': ['a\'b', 'c\\d', 1, true]}");
        let embedded =
            jsonata_filter(minijinja::Value::from(minijinja::value::Serde(&value))).unwrap();
        assert_eq!(embedded, r"{'k': ['a\\'b', 'c\\\\d', 1, true]}");
    }
}
