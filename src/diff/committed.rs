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

/// How many commits of the policy file are searched for the one the manifest was built from.
pub const HISTORY_SEARCH: usize = 50;

/// The policy the committed artifacts were compiled from, and where it was found: a copy under
/// `policy` in manifest.json when the manifest carries one; else, when the manifest records the
/// policy's hash (`policy.sha256`, sha256 of the typed policy's canonical JSON), the current
/// policy or the newest version of the policy file in git history with that hash.
pub fn old_policy(
    artifacts: &Artifacts,
    current: &Policy,
    file: &Path,
) -> Option<(Policy, Option<String>)> {
    let manifest = artifacts.of_kind(ArtifactKind::Manifest)?;
    let value: serde_json::Value = serde_json::from_str(&manifest.content).ok()?;
    let recorded = value.get("policy")?;
    if let Ok(copy) = serde_json::from_value::<Policy>(recorded.clone()) {
        return Some((copy, Some("the policy copy in manifest.json".to_owned())));
    }
    let hash = recorded.get("sha256")?.as_str()?;
    if policy_hash(current) == hash {
        return Some((current.clone(), None));
    }
    let revisions = crate::git::revisions(file, HISTORY_SEARCH).ok()?;
    revisions.iter().find_map(|rev| {
        let text = crate::git::show(rev, file).ok()?;
        let policy =
            crate::validator::validate_text(&format!("{rev}:{}", file.display()), &text).policy?;
        (policy_hash(&policy) == hash).then(|| {
            let short: String = rev.chars().take(12).collect();
            (
                policy,
                Some(format!("{} at commit {short}", file.display())),
            )
        })
    })
}

/// sha256 (lower-case hex) of the typed policy's canonical JSON, as manifest.json records it.
pub fn policy_hash(policy: &Policy) -> String {
    use sha2::{Digest, Sha256};
    let bytes = serde_json::to_vec(policy).unwrap_or_default();
    Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
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
        assert!(
            read_dir(&dir.path().join("missing"), "p")
                .expect("read")
                .is_none()
        );
    }

    #[test]
    fn finds_the_old_policy_by_the_manifest_hash_in_git_history() {
        let git = crate::git::run_for_test;
        let text = |wave: &str| {
            format!(
                "version: 1\nname: tiny\nhub:\n  account: \"111111111111\"\n  region: us-east-1\norganization:\n  targets:\n    organizational_units: [ou-ab12-11111111]\n  regions: [us-east-1]\nwaves:\n  - name: {wave}\n    targets:\n      organizational_units: [ou-ab12-11111111]\n"
            )
        };
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("tiny.yaml");
        git(dir.path(), &["init", "-q"]);
        std::fs::write(&file, text("first")).expect("write");
        git(dir.path(), &["add", "."]);
        git(dir.path(), &["commit", "-q", "-m", "one"]);
        std::fs::write(&file, text("second")).expect("write");
        let parse = |t: &str| {
            crate::validator::validate_text("p", t)
                .policy
                .expect("valid")
        };
        let (old, new) = (parse(&text("first")), parse(&text("second")));
        // The manifests the compiler writes, so the hash old_policy looks for is the one
        // manifest.json records, not one computed by the function under test.
        let manifest = |p: &Policy| {
            crate::compiler::compile(p, &crate::compiler::CompileOptions::default())
                .expect("compiles")
        };
        let (found, source) = old_policy(&manifest(&old), &new, &file).expect("found in history");
        assert_eq!(found, old);
        assert!(source.expect("a source").contains("at commit"));
        let (same, source) = old_policy(&manifest(&new), &new, &file).expect("current");
        assert_eq!((same, source), (new.clone(), None));
        let third = parse(&text("third"));
        assert_eq!(old_policy(&manifest(&third), &new, &file), None);
    }
}
