// Stage 4, render: the plan through minijinja templates into artifacts, each parsed back and checked.
//
// Order matters: the runbooks and state machine definitions are rendered first, parsed, and
// handed to the hub and spoke templates as values, so what a template embeds is exactly what
// the standalone artifact holds. Every artifact is parsed back and written again canonically
// (YAML by `yaml::to_yaml`, JSON pretty-printed), which makes the bytes stable.

mod error;
pub mod limits;
pub mod manifest;
mod templates;
pub mod yaml;

pub use error::RenderError;
pub use limits::TemplateCounts;

use crate::artifact::{Artifact, ArtifactKind, Artifacts};
use crate::loader;
use crate::plan::Plan;
use manifest::ArtifactFacts;
use minijinja::Environment;
use serde_json::{Value, json};
use std::path::PathBuf;

/// How to compile: everything that is not in the policy itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CompileOptions {
    /// Render from the templates in this directory instead of the built-in ones.
    pub templates_dir: Option<PathBuf>,
    /// The S3 bucket deploy will send templates through, named in size errors; templates are
    /// checked against CloudFormation's 1 MB either way.
    pub artifact_bucket: Option<String>,
}

/// Artifact paths, relative to the policy's output directory.
pub mod paths {
    /// The hub stack.
    pub const HUB: &str = "hub.template.yaml";
    /// The spoke stack set.
    pub const SPOKE: &str = "spoke.template.yaml";
    /// The rollout state machine.
    pub const ROLLOUT: &str = "orchestrator.asl.json";
    /// The per-wave state machine.
    pub const WAVE: &str = "wave.asl.json";
    /// The wave runbook.
    pub const WAVE_RUNBOOK: &str = "documents/wave-runbook.yaml";
    /// The Config remediation runbook.
    pub const REMEDIATION_RUNBOOK: &str = "documents/remediation-runbook.yaml";
    /// The manifest.
    pub const MANIFEST: &str = "manifest.json";
}

/// Render every artifact of a plan.
pub fn render(plan: &Plan, options: &CompileOptions) -> Result<Artifacts, RenderError> {
    let env = templates::environment(options.templates_dir.as_deref())?;
    let mut files = Vec::new();
    let mut facts = Vec::new();
    let base = json!({ "plan": plan });

    let (wave_runbook_text, wave_runbook) =
        render_yaml(&env, "wave-runbook.yaml.j2", paths::WAVE_RUNBOOK, &base)?;
    push(
        &mut files,
        &mut facts,
        paths::WAVE_RUNBOOK,
        ArtifactKind::Document,
        wave_runbook_text,
        None,
        None,
    );

    let remediation_runbook = match plan
        .compliance
        .as_ref()
        .and_then(|c| c.remediation.as_ref())
    {
        None => Value::Null,
        Some(_) => {
            let (text, value) = render_yaml(
                &env,
                "remediation-runbook.yaml.j2",
                paths::REMEDIATION_RUNBOOK,
                &base,
            )?;
            push(
                &mut files,
                &mut facts,
                paths::REMEDIATION_RUNBOOK,
                ArtifactKind::Document,
                text,
                None,
                None,
            );
            value
        }
    };

    let mut definitions = Vec::new();
    for (template, path) in [
        ("rollout.asl.json.j2", paths::ROLLOUT),
        ("wave.asl.json.j2", paths::WAVE),
    ] {
        let (text, value) = render_json(&env, template, path, &base)?;
        let states = limits::check_definition(path, &text, &value)?;
        push(
            &mut files,
            &mut facts,
            path,
            ArtifactKind::StateMachine,
            text,
            None,
            Some(states),
        );
        definitions.push(value);
    }
    let [rollout_definition, wave_definition] =
        <[Value; 2]>::try_from(definitions).map_err(|_| RenderError::Shape {
            artifact: paths::ROLLOUT.to_owned(),
            kind: "state machine definition",
            message: "expected the rollout and wave definitions".to_owned(),
        })?;

    let hub_context = json!({
        "plan": plan,
        "rollout_definition": rollout_definition,
        "wave_definition": wave_definition,
        "wave_runbook": wave_runbook,
    });
    let (hub_text, hub) = render_yaml(&env, "hub.template.yaml.j2", paths::HUB, &hub_context)?;
    let bucket = options.artifact_bucket.as_deref();
    let hub_counts = limits::check_template(paths::HUB, &hub_text, &hub, bucket)?;
    push(
        &mut files,
        &mut facts,
        paths::HUB,
        ArtifactKind::HubTemplate,
        hub_text,
        Some(hub_counts),
        None,
    );

    let spoke_context = json!({
        "plan": plan,
        "remediation_runbook": remediation_runbook,
        "wave_runbook": hub_context["wave_runbook"],
    });
    let (spoke_text, spoke) =
        render_yaml(&env, "spoke.template.yaml.j2", paths::SPOKE, &spoke_context)?;
    let spoke_counts = limits::check_template(paths::SPOKE, &spoke_text, &spoke, bucket)?;
    push(
        &mut files,
        &mut facts,
        paths::SPOKE,
        ArtifactKind::SpokeTemplate,
        spoke_text,
        Some(spoke_counts),
        None,
    );

    let manifest = manifest::build(plan, &facts, bucket);
    files.push(Artifact {
        path: paths::MANIFEST.to_owned(),
        kind: ArtifactKind::Manifest,
        content: manifest,
    });
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Artifacts {
        policy_name: plan.name.clone(),
        files,
    })
}

fn push(
    files: &mut Vec<Artifact>,
    facts: &mut Vec<ArtifactFacts>,
    path: &str,
    kind: ArtifactKind,
    content: String,
    counts: Option<TemplateCounts>,
    states: Option<usize>,
) {
    facts.push(ArtifactFacts::new(path, kind, &content, counts, states));
    files.push(Artifact {
        path: path.to_owned(),
        kind,
        content,
    });
}

fn render_text(
    env: &Environment<'_>,
    template: &str,
    context: &Value,
) -> Result<String, RenderError> {
    env.get_template(template)
        .and_then(|t| t.render(minijinja::Value::from(minijinja::value::Serde(context))))
        .map_err(|e| templates::template_error(template, &e))
}

/// Render a YAML artifact, parse it back and write it canonically.
fn render_yaml(
    env: &Environment<'_>,
    template: &str,
    artifact: &str,
    context: &Value,
) -> Result<(String, Value), RenderError> {
    let text = render_text(env, template, context)?;
    let value = parse_yaml(artifact, text)?;
    Ok((yaml::to_yaml(&value), value))
}

/// Parse YAML text (a rendered artifact, or a generated file read back by tests and `diff`).
pub fn parse_yaml(artifact: &str, text: String) -> Result<Value, RenderError> {
    let parse_error = |message: String| RenderError::Parse {
        artifact: artifact.to_owned(),
        message,
    };
    match loader::load_bytes(artifact, text.into_bytes()) {
        Ok(loaded) => {
            if let Some(d) = loaded.diagnostics.iter().find(|d| d.is_error()) {
                return Err(parse_error(d.message.clone()));
            }
            Ok(loaded.document.value)
        }
        Err(loader::LoadFailure::Io(d)) => Err(parse_error(d.message)),
        Err(loader::LoadFailure::Invalid {
            source,
            diagnostics,
        }) => {
            let message = diagnostics
                .iter()
                .map(|d| match d.span {
                    Some(span) => {
                        let at = source.line_column(span.offset);
                        let line = source
                            .text()
                            .lines()
                            .nth(at.line.saturating_sub(1))
                            .unwrap_or("");
                        let shown: String = line.chars().take(160).collect();
                        format!("line {}: {} (`{}`)", at.line, d.message, shown.trim())
                    }
                    None => d.message.clone(),
                })
                .collect::<Vec<_>>()
                .join("; ");
            Err(parse_error(message))
        }
    }
}

/// Render a JSON artifact, parse it back and pretty-print it.
fn render_json(
    env: &Environment<'_>,
    template: &str,
    artifact: &str,
    context: &Value,
) -> Result<(String, Value), RenderError> {
    let text = render_text(env, template, context)?;
    let value: Value = serde_json::from_str(&text).map_err(|e| RenderError::Parse {
        artifact: artifact.to_owned(),
        message: e.to_string(),
    })?;
    let mut pretty = serde_json::to_string_pretty(&value).map_err(|e| RenderError::Parse {
        artifact: artifact.to_owned(),
        message: e.to_string(),
    })?;
    pretty.push('\n');
    Ok((pretty, value))
}
