// The built-in templates (embedded in the binary) and the `--templates DIR` override.

use super::RenderError;
use minijinja::syntax::SyntaxConfig;
use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use std::path::Path;

/// Template names and their built-in text. A file of the same name in `--templates DIR`
/// replaces the built-in one.
pub const BUILT_IN: &[(&str, &str)] = &[
    (
        "hub.template.yaml.j2",
        include_str!("../../templates/hub.template.yaml.j2"),
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
pub fn environment(dir: Option<&Path>) -> Result<Environment<'static>, RenderError> {
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

/// A minijinja error as a RenderError naming the template and line.
pub fn template_error(template: &str, error: &minijinja::Error) -> RenderError {
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
