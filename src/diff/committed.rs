// The committed side of the default comparison: the files under generated/<name>/, read back
// into Artifacts, and the policy copy in manifest.json when the manifest carries one.

use crate::artifact::{Artifact, ArtifactKind, Artifacts};
use crate::error::Error;
use crate::policy::Policy;
use std::path::Path;

/// What kind an artifact is, from its path relative to the policy's output directory.
pub fn kind_of(path: &str) -> ArtifactKind {
    match path {
        "hub.template.yaml" => ArtifactKind::HubTemplate,
        "spoke.template.yaml" => ArtifactKind::SpokeTemplate,
        "manifest.json" => ArtifactKind::Manifest,
        p if p.ends_with(".asl.json") => ArtifactKind::StateMachine,
        _ => ArtifactKind::Document,
    }
}

/// Every file under `dir` (the policy's output directory), sorted by path; `None` when the
/// directory does not exist.
pub fn read_dir(dir: &Path, policy_name: &str) -> Result<Option<Artifacts>, Error> {
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
                kind: kind_of(&relative),
                content: String::from_utf8_lossy(&bytes).into_owned(),
                path: relative,
            });
        }
    }
    Ok(())
}

/// The policy the committed artifacts were compiled from, when manifest.json carries a copy
/// under `policy` (a manifest with only a policy hash gives `None`).
pub fn policy_copy(artifacts: &Artifacts) -> Option<Policy> {
    let manifest = artifacts.of_kind(ArtifactKind::Manifest)?;
    let value: serde_json::Value = serde_json::from_str(&manifest.content).ok()?;
    serde_json::from_value(value.get("policy")?.clone()).ok()
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
        let set = read_dir(dir.path(), "p").expect("read").expect("exists");
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
        assert!(policy_copy(&set).is_none());
        assert!(
            read_dir(&dir.path().join("missing"), "p")
                .expect("read")
                .is_none()
        );
    }
}
