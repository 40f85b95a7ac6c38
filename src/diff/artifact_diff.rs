// Per generated file: whether it differs by meaning and, when it does, its unified diff as shown
// to a reader (embedded copies as one line, long lines folded: see `unified`).

use super::embedded::{self, Collapsed};
use super::parsed;
use super::report::{ArtifactChange, ArtifactStatus, EmbeddedChange};
use super::unified;
use crate::artifact::{Artifact, Artifacts};
use serde_json::Value;

/// Lines of context around each change.
pub(super) const CONTEXT_LINES: usize = 3;

/// The files that differ between two artifact sets, in path order, and notes about files taken
/// from the copies a template embeds (see [`embedded::complete`]). A file whose data is equal
/// (only formatting or key order differs) is not listed.
pub(super) fn compare(old: &Artifacts, new: &Artifacts) -> (Vec<ArtifactChange>, Vec<String>) {
    let (old, new, notes) = embedded::complete(old, new);
    let sides = Sides {
        old_records: embedded::records(&old),
        new_records: embedded::records(&new),
    };
    let mut paths: Vec<&str> = old
        .files
        .iter()
        .chain(&new.files)
        .map(|a| a.path.as_str())
        .collect();
    paths.sort_unstable();
    paths.dedup();
    let changes = paths
        .into_iter()
        .filter_map(|path| sides.one(path, old.get(path), new.get(path)))
        .collect();
    (changes, notes)
}

/// The files of record of each side, parsed.
struct Sides<'a> {
    old_records: Vec<(&'a str, Value)>,
    new_records: Vec<(&'a str, Value)>,
}

impl Sides<'_> {
    fn one(
        &self,
        path: &str,
        old: Option<&Artifact>,
        new: Option<&Artifact>,
    ) -> Option<ArtifactChange> {
        let status = match (old, new) {
            (None, None) => return None,
            (None, Some(_)) => ArtifactStatus::Added,
            (Some(_), None) => ArtifactStatus::Removed,
            (Some(a), Some(b)) if parsed::same(a, b) => return None,
            (Some(_), Some(_)) => ArtifactStatus::Modified,
        };
        let copies = |side: Option<&Artifact>, records: &[(&str, Value)]| {
            side.filter(|a| embedded::is_container(a.kind))
                .map(|a| embedded::collapsible(a, records))
                .unwrap_or_default()
        };
        let old_copies = copies(old, &self.old_records);
        let new_copies = copies(new, &self.new_records);
        let embedded = match (old, new) {
            (Some(a), _) | (_, Some(a)) if embedded::is_container(a.kind) => {
                changed_copies(old, new, &self.old_records, &self.new_records)
            }
            _ => Vec::new(),
        };
        let shown = |copies: &[Collapsed], new_side: bool| -> Vec<(usize, usize, String)> {
            copies
                .iter()
                .map(|c| {
                    let changed = new_side
                        && embedded.iter().any(|e| {
                            e.pointer == c.pointer && e.status == ArtifactStatus::Modified
                        });
                    let note = if changed {
                        ": changed, see its diff"
                    } else {
                        ""
                    };
                    (
                        c.first,
                        c.last,
                        format!("{} # embedded copy of {}{note}", c.prefix, c.record),
                    )
                })
                .collect()
        };
        let old_text = old.map_or("", |a| a.content.as_str());
        let new_text = new.map_or("", |a| a.content.as_str());
        let old_name = old.map_or_else(|| "/dev/null".to_owned(), |_| format!("a/{path}"));
        let new_name = new.map_or_else(|| "/dev/null".to_owned(), |_| format!("b/{path}"));
        let (unified_diff, lines_added, lines_removed) = unified::unified(
            &unified::lines(old_text, &shown(&old_copies, false)),
            &unified::lines(new_text, &shown(&new_copies, true)),
            (&old_name, &new_name),
            CONTEXT_LINES,
        );
        Some(ArtifactChange {
            path: path.to_owned(),
            status,
            lines_added,
            lines_removed,
            unified_diff,
            embedded,
        })
    }
}

/// The embedded copies whose data differs between the two sides: those of the new side first,
/// then those only the old side has.
fn changed_copies(
    old: Option<&Artifact>,
    new: Option<&Artifact>,
    old_records: &[(&str, Value)],
    new_records: &[(&str, Value)],
) -> Vec<EmbeddedChange> {
    let (old_value, new_value) = (old.and_then(parsed::parse), new.and_then(parsed::parse));
    let at = |value: &Option<Value>, pointer: &str| -> Option<Value> {
        value.as_ref().and_then(|v| v.pointer(pointer)).cloned()
    };
    let found = |value: &Option<Value>, records: &[(&str, Value)]| -> Vec<(String, String)> {
        value.as_ref().map_or_else(Vec::new, |v| {
            embedded::find(v, records)
                .into_iter()
                .map(|(pointer, i)| (pointer, records[i].0.to_owned()))
                .collect()
        })
    };
    let mut out = Vec::new();
    for (pointer, artifact) in found(&new_value, new_records) {
        let status = match at(&old_value, &pointer) {
            None => ArtifactStatus::Added,
            Some(before) if Some(&before) != at(&new_value, &pointer).as_ref() => {
                ArtifactStatus::Modified
            }
            Some(_) => continue,
        };
        out.push(EmbeddedChange {
            pointer,
            artifact,
            status,
        });
    }
    for (pointer, artifact) in found(&old_value, old_records) {
        if at(&new_value, &pointer).is_none() {
            out.push(EmbeddedChange {
                pointer,
                artifact,
                status: ArtifactStatus::Removed,
            });
        }
    }
    out
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
        let (changes, _) = compare(&old, &new);
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
