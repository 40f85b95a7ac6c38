// Per generated file: whether it differs by meaning and, when it does, its unified diff.

use super::parsed;
use super::report::{ArtifactChange, ArtifactStatus};
use crate::artifact::{Artifact, Artifacts};
use similar::{ChangeTag, TextDiff};

/// Lines of context around each change.
pub const CONTEXT_LINES: usize = 3;

/// The files that differ between two artifact sets, in path order. A file whose data is equal
/// (only formatting or key order differs) is not listed.
pub fn compare(old: &Artifacts, new: &Artifacts) -> Vec<ArtifactChange> {
    let mut paths: Vec<&str> = old
        .files
        .iter()
        .chain(&new.files)
        .map(|a| a.path.as_str())
        .collect();
    paths.sort_unstable();
    paths.dedup();
    paths
        .into_iter()
        .filter_map(|path| one(path, old.get(path), new.get(path)))
        .collect()
}

fn one(path: &str, old: Option<&Artifact>, new: Option<&Artifact>) -> Option<ArtifactChange> {
    let status = match (old, new) {
        (None, None) => return None,
        (None, Some(_)) => ArtifactStatus::Added,
        (Some(_), None) => ArtifactStatus::Removed,
        (Some(a), Some(b)) if parsed::same(a, b) => return None,
        (Some(_), Some(_)) => ArtifactStatus::Modified,
    };
    let old_text = old.map(|a| a.content.as_str()).unwrap_or("");
    let new_text = new.map(|a| a.content.as_str()).unwrap_or("");
    let old_name = if old.is_some() {
        format!("a/{path}")
    } else {
        "/dev/null".to_owned()
    };
    let new_name = if new.is_some() {
        format!("b/{path}")
    } else {
        "/dev/null".to_owned()
    };
    let diff = TextDiff::from_lines(old_text, new_text);
    let (mut lines_added, mut lines_removed) = (0, 0);
    for change in diff.iter_all_changes() {
        match change.tag() {
            ChangeTag::Insert => lines_added += 1,
            ChangeTag::Delete => lines_removed += 1,
            ChangeTag::Equal => {}
        }
    }
    let unified_diff = diff
        .unified_diff()
        .context_radius(CONTEXT_LINES)
        .header(&old_name, &new_name)
        .to_string();
    Some(ArtifactChange {
        path: path.to_owned(),
        status,
        lines_added,
        lines_removed,
        unified_diff,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::artifact::ArtifactKind;

    fn set(files: &[(&str, &str)]) -> Artifacts {
        Artifacts {
            policy_name: "p".to_owned(),
            files: files
                .iter()
                .map(|(path, content)| Artifact {
                    path: (*path).to_owned(),
                    kind: ArtifactKind::Document,
                    content: (*content).to_owned(),
                })
                .collect(),
        }
    }

    #[test]
    fn lists_changed_files_with_diffs() {
        let old = set(&[
            ("a.yaml", "x: 1\ny: 2\n"),
            ("gone.yaml", "g: 1\n"),
            ("same.yaml", "k: [1, 2]\n"),
        ]);
        let new = set(&[
            ("a.yaml", "x: 1\ny: 3\n"),
            ("new.yaml", "n: 1\n"),
            ("same.yaml", "k:\n  - 1\n  - 2\n"),
        ]);
        let changes = compare(&old, &new);
        let summary: Vec<(&str, ArtifactStatus, usize, usize)> = changes
            .iter()
            .map(|c| (c.path.as_str(), c.status, c.lines_added, c.lines_removed))
            .collect();
        assert_eq!(
            summary,
            vec![
                ("a.yaml", ArtifactStatus::Modified, 1, 1),
                ("gone.yaml", ArtifactStatus::Removed, 0, 1),
                ("new.yaml", ArtifactStatus::Added, 1, 0),
            ]
        );
        assert_eq!(
            changes[0].unified_diff,
            "--- a/a.yaml\n+++ b/a.yaml\n@@ -1,2 +1,2 @@\n x: 1\n-y: 2\n+y: 3\n"
        );
    }
}
