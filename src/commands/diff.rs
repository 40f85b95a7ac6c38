// `patchform diff`: compile the policy in memory and compare it with the committed artifacts, the
// same policy at a git revision, or what is deployed; print one report; exit like `git diff
// --exit-code`. Never writes generated/.

use crate::artifact::{Artifact, ArtifactKind, Artifacts};
use crate::cli::{DiagnosticFormat, DiffArgs, FailOn};
use crate::compiler::{self, CompileOptions, Compiled};
use crate::diff::{self, Base, BaseKind, DiffReport, Side, committed};
use crate::error::Error;
use crate::exit::ExitStatus;
use crate::git::{self, GitError};
use crate::naming;
use crate::output::Output;
use crate::plan::Plan;
use crate::policy::Policy;
use crate::validator::{self, Validated};
use std::path::Path;

/// The side the compiled policy is compared with.
struct Old {
    base: Base,
    policy: Option<Policy>,
    artifacts: Artifacts,
    notes: Vec<String>,
}

/// Run `diff`.
pub fn execute(args: &DiffArgs, output: &mut Output) -> Result<ExitStatus, Error> {
    let validated = validator::validate_path(&args.policy);
    let Some(policy) = valid(validated, output)? else {
        return Ok(ExitStatus::Error);
    };
    let options = CompileOptions {
        templates_dir: args.templates.clone(),
        ..CompileOptions::default()
    };
    let Compiled {
        plan,
        artifacts: mut new_artifacts,
    } = compile(&policy, &options)?;
    let old = if let Some(rev) = &args.base {
        match from_git(rev, args, &options, output)? {
            Some(old) => old,
            None => return Ok(ExitStatus::Error),
        }
    } else if args.deployed {
        let old = from_aws(&policy, &plan, &new_artifacts)?;
        // AWS holds the templates only; documents and the state machine travel inside them.
        new_artifacts.files.retain(|a| is_template(a.kind));
        old
    } else {
        from_generated(args, &policy)?
    };
    let report = diff::compare(
        old.base,
        Side {
            policy: old.policy.as_ref(),
            artifacts: &old.artifacts,
        },
        Side {
            policy: Some(&policy),
            artifacts: &new_artifacts,
        },
        old.notes,
    );
    diff::render::render(
        &report,
        args.format,
        output.color_stdout,
        &mut output.stdout,
    )?;
    Ok(status(&report, args.fail_on))
}

/// The exit status: 1 for changes (risky changes only with `--fail-on risky`), else 0.
pub fn status(report: &DiffReport, fail_on: FailOn) -> ExitStatus {
    let fails = match fail_on {
        FailOn::Any => report.changed,
        FailOn::Risky => report.risky,
    };
    if fails {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    }
}

/// The policy when it is valid; otherwise its diagnostics are printed like `validate` does.
fn valid(validated: Validated, output: &mut Output) -> Result<Option<Policy>, Error> {
    if validated.has_errors() {
        crate::commands::validate::report(
            std::slice::from_ref(&validated),
            DiagnosticFormat::Human,
            false,
            output,
        )?;
        return Ok(None);
    }
    Ok(validated.policy)
}

fn compile(policy: &Policy, options: &CompileOptions) -> Result<Compiled, Error> {
    compiler::compile_planned(policy, options).map_err(|source| Error::Compile {
        policy: policy.name.clone(),
        source: Box::new(source),
    })
}

fn from_git(
    rev: &str,
    args: &DiffArgs,
    options: &CompileOptions,
    output: &mut Output,
) -> Result<Option<Old>, Error> {
    let base = Base {
        kind: BaseKind::Git,
        label: rev.to_owned(),
    };
    match git::show(rev, &args.policy) {
        Ok(text) => {
            let name = format!("{rev}:{}", args.policy.display());
            let Some(policy) = valid(validator::validate_text(&name, &text), output)? else {
                return Ok(None);
            };
            let artifacts = compile(&policy, options)?.artifacts;
            Ok(Some(Old {
                base,
                policy: Some(policy),
                artifacts,
                notes: Vec::new(),
            }))
        }
        Err(GitError::NotAtRevision { rev, path }) => Ok(Some(Old {
            base,
            policy: None,
            artifacts: Artifacts::default(),
            notes: vec![format!(
                "`{path}` does not exist at `{rev}`: everything is new"
            )],
        })),
        Err(other) => Err(other.into()),
    }
}

fn from_generated(args: &DiffArgs, policy: &Policy) -> Result<Old, Error> {
    let dir = args.generated.join(naming::artifact_dir(&policy.name));
    let base = Base {
        kind: BaseKind::Generated,
        label: format!("{}/", dir.display()),
    };
    match read_generated(&dir, &policy.name)? {
        Some(artifacts) => {
            let (policy, notes) = match committed::old_policy(&artifacts, policy, &args.policy)? {
                Some((old, Some(source))) => (
                    Some(old),
                    vec![format!(
                        "old policy: {source}, matched by the policy hash in manifest.json"
                    )],
                ),
                Some((old, None)) => (Some(old), Vec::new()),
                None => (None, Vec::new()),
            };
            Ok(Old {
                base,
                policy,
                artifacts,
                notes,
            })
        }
        None => Ok(Old {
            base,
            policy: None,
            artifacts: Artifacts::default(),
            notes: vec![format!(
                "`{}` does not exist: everything is new (`patchform build` writes it)",
                dir.display()
            )],
        }),
    }
}

/// Every file under `dir` (the policy's output directory), sorted by path; `None` when the
/// directory does not exist.
pub fn read_generated(dir: &Path, policy_name: &str) -> Result<Option<Artifacts>, Error> {
    if !dir.is_dir() {
        return Ok(None);
    }
    let mut files = Vec::new();
    walk(dir, "", &mut files)?;
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Some(Artifacts {
        policy_name: policy_name.to_owned(),
        files,
    }))
}

fn walk(dir: &Path, prefix: &str, files: &mut Vec<Artifact>) -> Result<(), Error> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io("cannot read directory", dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io("cannot read directory", dir, e))?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let relative = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        if path.is_dir() {
            walk(&path, &relative, files)?;
        } else {
            let bytes = std::fs::read(&path).map_err(|e| Error::io("cannot read", &path, e))?;
            files.push(Artifact {
                kind: committed::kind_of(&relative),
                content: String::from_utf8_lossy(&bytes).into_owned(),
                path: relative,
            });
        }
    }
    Ok(())
}

/// Built without the `aws` feature: there is no reading what is deployed.
#[cfg(not(feature = "aws"))]
fn from_aws(_policy: &Policy, _plan: &Plan, _compiled: &Artifacts) -> Result<Old, Error> {
    Err(Error::NotBuiltIn {
        command: "diff --deployed",
    })
}

/// What is deployed: the hub stack's template and parameters, the stack set's template.
#[cfg(feature = "aws")]
fn from_aws(policy: &Policy, plan: &Plan, compiled: &Artifacts) -> Result<Old, Error> {
    let hub_stack = &plan.names.hub_stack;
    let stack_set = &plan.names.stack_set;
    let deployed = crate::aws::fetch_deployed_blocking(policy)?;
    let mut notes = Vec::new();
    let mut files = Vec::new();
    let path_of = |kind: ArtifactKind, fallback: &str| {
        compiled
            .of_kind(kind)
            .map(|a| a.path.clone())
            .unwrap_or_else(|| fallback.to_owned())
    };
    match deployed.hub_template {
        Some(content) => files.push(Artifact {
            path: path_of(ArtifactKind::HubTemplate, "hub.template.yaml"),
            kind: ArtifactKind::HubTemplate,
            content,
        }),
        None => notes.push(format!(
            "the hub stack `{hub_stack}` does not exist in {} yet: all added",
            policy.hub.region
        )),
    }
    match deployed.spoke_template {
        Some(content) => files.push(Artifact {
            path: path_of(ArtifactKind::SpokeTemplate, "spoke.template.yaml"),
            kind: ArtifactKind::SpokeTemplate,
            content,
        }),
        None => notes.push(format!(
            "the stack set `{stack_set}` does not exist yet: all added"
        )),
    }
    notes.extend(parameter_notes(&deployed.hub_parameters, compiled));
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Old {
        base: Base {
            kind: BaseKind::Deployed,
            label: format!("AWS (stack {hub_stack}, stack set {stack_set})"),
        },
        policy: None,
        artifacts: Artifacts {
            policy_name: policy.name.clone(),
            files,
        },
        notes,
    })
}

/// Deployed hub stack parameters the compiled template drops, or whose default differs from the
/// deployed value (a default the next deploy would apply when it passes no value).
#[cfg(feature = "aws")]
fn parameter_notes(deployed: &[(String, String)], compiled: &Artifacts) -> Vec<String> {
    let Some(template) = compiled
        .of_kind(ArtifactKind::HubTemplate)
        .and_then(|a| diff::parse_text(&a.path, &a.content))
    else {
        return Vec::new();
    };
    let mut notes = Vec::new();
    for (key, value) in deployed {
        match template.get("Parameters").and_then(|p| p.get(key)) {
            None => notes.push(format!(
                "the hub stack parameter `{key}` (deployed value `{value}`) is no longer in the template"
            )),
            Some(parameter) => {
                let default = parameter.get("Default").map(|d| match d {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                });
                if let Some(default) = default.filter(|d| d != value) {
                    notes.push(format!(
                        "the hub stack parameter `{key}` is `{value}` in AWS; the template's default is `{default}`"
                    ));
                }
            }
        }
    }
    notes
}

fn is_template(kind: ArtifactKind) -> bool {
    matches!(
        kind,
        ArtifactKind::HubTemplate | ArtifactKind::SpokeTemplate
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_tree_with_kinds() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(dir.path().join("documents")).expect("mkdir");
        std::fs::write(dir.path().join("hub.template.yaml"), "Resources: {}\n").expect("write");
        std::fs::write(dir.path().join("documents/run.yaml"), "x: 1\n").expect("write");
        std::fs::write(dir.path().join("manifest.json"), "{}").expect("write");
        let set = read_generated(dir.path(), "p")
            .expect("read")
            .expect("exists");
        let listed: Vec<(&str, ArtifactKind)> = set
            .files
            .iter()
            .map(|a| (a.path.as_str(), a.kind))
            .collect();
        assert_eq!(
            listed,
            vec![
                ("documents/run.yaml", ArtifactKind::Document),
                ("hub.template.yaml", ArtifactKind::HubTemplate),
                ("manifest.json", ArtifactKind::Manifest),
            ]
        );
        assert!(
            read_generated(&dir.path().join("missing"), "p")
                .expect("read")
                .is_none()
        );
    }
}
