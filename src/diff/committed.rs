// The committed side of the default comparison: what kind each file under generated/<name>/ is,
// and the policy the committed artifacts were compiled from (found through manifest.json).

use crate::artifact::{ArtifactKind, Artifacts};
use crate::digest::{PolicyHashError, policy_sha256};
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
) -> Result<Option<(Policy, Option<String>)>, PolicyHashError> {
    let Some(manifest) = artifacts.of_kind(ArtifactKind::Manifest) else {
        return Ok(None);
    };
    let Ok(value) = serde_json::from_str::<serde_json::Value>(&manifest.content) else {
        return Ok(None);
    };
    let Some(recorded) = value.get("policy") else {
        return Ok(None);
    };
    if let Ok(copy) = serde_json::from_value::<Policy>(recorded.clone()) {
        return Ok(Some((
            copy,
            Some("the policy copy in manifest.json".to_owned()),
        )));
    }
    let Some(hash) = recorded.get("sha256").and_then(|h| h.as_str()) else {
        return Ok(None);
    };
    if policy_sha256(current)? == hash {
        return Ok(Some((current.clone(), None)));
    }
    let Ok(revisions) = crate::git::revisions(file, HISTORY_SEARCH) else {
        return Ok(None);
    };
    for rev in &revisions {
        let Ok(text) = crate::git::show(rev, file) else {
            continue;
        };
        let name = format!("{rev}:{}", file.display());
        let Some(policy) = crate::validator::validate_text(&name, &text).policy else {
            continue;
        };
        if policy_sha256(&policy)? == hash {
            let short: String = rev.chars().take(12).collect();
            return Ok(Some((
                policy,
                Some(format!("{} at commit {short}", file.display())),
            )));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let (found, source) = old_policy(&manifest(&old), &new, &file)
            .expect("hash")
            .expect("found in history");
        assert_eq!(found, old);
        assert!(source.expect("a source").contains("at commit"));
        let (same, source) = old_policy(&manifest(&new), &new, &file)
            .expect("hash")
            .expect("current");
        assert_eq!((same, source), (new.clone(), None));
        let third = parse(&text("third"));
        assert_eq!(
            old_policy(&manifest(&third), &new, &file).expect("hash"),
            None
        );
    }
}
