// `patchform init`: write a commented starter policy that validates, with a `$schema` modeline
// that resolves to a file, so editors complete and check it at once.

use crate::cli::InitArgs;
use crate::error::Error;
use crate::exit::ExitStatus;
use crate::output::Output;
use std::path::{Path, PathBuf};

/// The starter policy: every common key with a comment, values to replace marked CHANGE ME. Its
/// first line is the `$schema` modeline, pointed at the schema file by [`execute`].
pub const STARTER_POLICY: &str = include_str!("starter-policy.yaml");

/// What starts the modeline of yaml-language-server (VS Code's YAML extension and others).
pub const MODELINE: &str = "# yaml-language-server: $schema=";

/// The schema file written beside a policy outside a clone of patchform.
pub const SCHEMA_FILE: &str = "policy.schema.json";

/// Where the schema sits in a clone of patchform.
const REPOSITORY_SCHEMA: &str = "schema/policy.schema.json";

/// Write the starter policy; refuse to overwrite unless --force.
pub fn execute(args: &InitArgs, output: &mut Output) -> Result<ExitStatus, Error> {
    let path = &args.path;
    if path.exists() && !args.force {
        return Err(Error::Usage(format!(
            "`{}` exists; pass --force to overwrite it, or give another path",
            path.display()
        )));
    }
    let dir = match path.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(parent) => {
            std::fs::create_dir_all(parent).map_err(|e| Error::io("cannot create", parent, e))?;
            parent.to_path_buf()
        }
        None => PathBuf::from("."),
    };
    let (reference, message) = match repository_schema(&dir) {
        Some(reference) => (
            reference,
            "its `$schema` line points at the repository's schema for editor completion".to_owned(),
        ),
        None => (format!("./{SCHEMA_FILE}"), beside(&dir, args.force)?),
    };
    std::fs::write(path, starter_policy(&reference))
        .map_err(|e| Error::io("cannot write", path, e))?;
    writeln!(
        output.stderr,
        "wrote {}: replace the values marked CHANGE ME, then run `patchform validate {}`; {message}",
        path.display(),
        path.display()
    )?;
    Ok(ExitStatus::Success)
}

/// The starter policy with its modeline pointing at `reference`.
pub fn starter_policy(reference: &str) -> String {
    let rest = STARTER_POLICY.split_once('\n').map_or("", |(first, rest)| {
        if first.starts_with(MODELINE) {
            rest
        } else {
            STARTER_POLICY
        }
    });
    format!("{MODELINE}{reference}\n{rest}")
}

/// The schema of the clone of patchform that holds `dir`, as a path relative to `dir` with `/`
/// separators: the nearest ancestor with `schema/policy.schema.json` beside a Cargo.toml whose
/// package is patchform.
fn repository_schema(dir: &Path) -> Option<String> {
    let dir = dir.canonicalize().ok()?;
    dir.ancestors().enumerate().find_map(|(depth, root)| {
        (root.join(REPOSITORY_SCHEMA).is_file() && is_patchform_package(&root.join("Cargo.toml")))
            .then(|| match depth {
                0 => format!("./{REPOSITORY_SCHEMA}"),
                _ => format!("{}{REPOSITORY_SCHEMA}", "../".repeat(depth)),
            })
    })
}

/// Whether a Cargo.toml declares the package `patchform` (`name = "patchform"` under `[package]`).
fn is_patchform_package(manifest: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(manifest) else {
        return false;
    };
    let mut in_package = false;
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            in_package = line == "[package]";
        } else if in_package
            && let Some((key, value)) = line.split_once('=')
            && key.trim() == "name"
        {
            let value = value.split('#').next().unwrap_or("").trim();
            return value.trim_matches(|c| c == '"' || c == '\'') == "patchform";
        }
    }
    false
}

/// Write the schema beside the policy, in `dir`, unless the same file is there; say what was done.
fn beside(dir: &Path, force: bool) -> Result<String, Error> {
    let file = dir.join(SCHEMA_FILE);
    let schema = crate::schema::policy_schema_text();
    let refresh = format!("`patchform schema > {}`", file.display());
    match std::fs::read_to_string(&file) {
        Ok(existing) if existing == schema => Ok(format!(
            "its `$schema` line points at {} (current) for editor completion",
            file.display()
        )),
        Ok(_) if !force => Ok(format!(
            "its `$schema` line points at {}, which differs from this patchform's schema: \
             left as it is (refresh it with {refresh}, or pass --force)",
            file.display()
        )),
        _ => {
            std::fs::write(&file, schema).map_err(|e| Error::io("cannot write", &file, e))?;
            Ok(format!(
                "wrote the schema to {} for editor completion (refresh it with {refresh} after \
                 upgrading patchform)",
                file.display()
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_starter_policy_validates_cleanly() {
        let validated = crate::validator::validate_text("starter.yaml", super::STARTER_POLICY);
        assert!(
            validated.report.diagnostics.is_empty(),
            "{:?}",
            validated.report.diagnostics
        );
        assert!(validated.policy.is_some());
    }

    #[test]
    fn the_modeline_is_the_first_line_and_names_the_reference() {
        assert!(STARTER_POLICY.starts_with(MODELINE));
        let text = starter_policy("../schema/policy.schema.json");
        assert!(
            text.starts_with("# yaml-language-server: $schema=../schema/policy.schema.json\n#\n")
        );
        assert_eq!(text.matches("yaml-language-server").count(), 1);
        assert!(!text.contains("patchform.dev"));
    }

    #[test]
    fn only_a_manifest_of_the_patchform_package_counts() {
        let dir = tempfile::tempdir().expect("tempdir");
        let manifest = dir.path().join("Cargo.toml");
        for (text, expected) in [
            (
                "[package]\nname = \"patchform\"\nversion = \"0.1.0\"\n",
                true,
            ),
            ("[package]\nname = 'patchform' # the tool\n", true),
            (
                "[package]\nname = \"other\"\n[dependencies]\npatchform = \"1\"\n",
                false,
            ),
            (
                "[workspace]\nmembers = [\"patchform\"]\n[dependencies]\nname = \"patchform\"\n",
                false,
            ),
        ] {
            std::fs::write(&manifest, text).expect("write");
            assert_eq!(is_patchform_package(&manifest), expected, "{text}");
        }
    }
}
