// Read a file as it was at a git revision (`git show REV:path`), for `diff --base REF`.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Why a file could not be read from git.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// git is not installed or could not be started.
    #[error("cannot run git: {0}")]
    NotRunnable(std::io::Error),
    /// The file is not inside a git work tree.
    #[error("`{0}` is not inside a git repository; --base needs the policy to be tracked by git")]
    NotARepository(PathBuf),
    /// The revision does not name a commit.
    #[error("unknown git revision `{rev}`{hint}")]
    UnknownRevision {
        /// The revision as given.
        rev: String,
        /// Advice for shallow CI checkouts.
        hint: String,
    },
    /// The revision exists but the file was not there.
    #[error("`{path}` does not exist at `{rev}`")]
    NotAtRevision {
        /// The revision as given.
        rev: String,
        /// The path relative to the repository root.
        path: String,
    },
    /// git failed in another way.
    #[error("git {action} failed: {message}")]
    Failed {
        /// What was asked of git.
        action: &'static str,
        /// git's own message.
        message: String,
    },
}

/// The text of `file` (a path on disk, inside a git work tree) at revision `rev`.
pub(crate) fn show(rev: &str, file: &Path) -> Result<String, GitError> {
    let (root, relative) = locate(file)?;
    let commit = format!("{rev}^{{commit}}");
    let verify = git(&root, &["rev-parse", "--verify", "--quiet", &commit])?;
    if !verify.status.success() {
        let hint = if rev.contains('/') {
            format!(
                ": fetch it first (`git fetch origin {}`; in GitHub Actions check out with fetch-depth: 0)",
                rev.split_once('/').map(|(_, b)| b).unwrap_or(rev)
            )
        } else {
            String::new()
        };
        return Err(GitError::UnknownRevision {
            rev: rev.to_owned(),
            hint,
        });
    }
    let spec = format!("{rev}:{relative}");
    let exists = git(&root, &["cat-file", "-e", &spec])?;
    if !exists.status.success() {
        return Err(GitError::NotAtRevision {
            rev: rev.to_owned(),
            path: relative,
        });
    }
    let shown = git(&root, &["show", &spec])?;
    if !shown.status.success() {
        return Err(GitError::Failed {
            action: "show",
            message: String::from_utf8_lossy(&shown.stderr).trim().to_owned(),
        });
    }
    String::from_utf8(shown.stdout).map_err(|_| GitError::Failed {
        action: "show",
        message: format!("`{relative}` at `{rev}` is not UTF-8 text"),
    })
}

/// The commits that changed `file`, newest first, at most `limit` (empty outside a repository).
pub(crate) fn revisions(file: &Path, limit: usize) -> Result<Vec<String>, GitError> {
    let (root, relative) = locate(file)?;
    let count = format!("-n{limit}");
    let log = git(&root, &["log", "--format=%H", &count, "--", &relative])?;
    if !log.status.success() {
        return Ok(Vec::new());
    }
    Ok(String::from_utf8_lossy(&log.stdout)
        .lines()
        .map(str::to_owned)
        .collect())
}

/// The repository root and the file's path relative to it, with `/` separators.
fn locate(file: &Path) -> Result<(PathBuf, String), GitError> {
    let absolute = std::path::absolute(file).map_err(GitError::NotRunnable)?;
    let dir = absolute
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    // The directory may not exist in the work tree (a deleted policy): walk up to one that does.
    let mut existing = dir.clone();
    while !existing.is_dir() {
        match existing.parent() {
            Some(parent) => existing = parent.to_path_buf(),
            None => return Err(GitError::NotARepository(file.to_path_buf())),
        }
    }
    let top = git(&existing, &["rev-parse", "--show-toplevel"])?;
    if !top.status.success() {
        return Err(GitError::NotARepository(file.to_path_buf()));
    }
    let root = PathBuf::from(String::from_utf8_lossy(&top.stdout).trim());
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.clone());
    let canonical_existing = existing.canonicalize().unwrap_or(existing.clone());
    let rest = absolute.strip_prefix(&existing).unwrap_or(&absolute);
    let full = canonical_existing.join(rest);
    let relative = full
        .strip_prefix(&canonical_root)
        .map_err(|_| GitError::NotARepository(file.to_path_buf()))?;
    let parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Ok((root, parts.join("/")))
}

fn git(dir: &Path, args: &[&str]) -> Result<std::process::Output, GitError> {
    Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(GitError::NotRunnable)
}

/// Run git in a test repository with a fixed identity; the test fails if git does.
#[cfg(test)]
pub(crate) fn run_for_test(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

#[cfg(test)]
mod tests {
    use super::run_for_test as run;
    use super::*;

    #[test]
    fn reads_a_file_at_a_revision_with_clear_errors() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        run(root, &["init", "-q", "-b", "main"]);
        std::fs::create_dir(root.join("policies")).expect("mkdir");
        let file = root.join("policies/p.yaml");
        std::fs::write(&file, "old\n").expect("write");
        run(root, &["add", "."]);
        run(root, &["commit", "-q", "-m", "one"]);
        std::fs::write(&file, "new\n").expect("write");
        assert_eq!(show("HEAD", &file).expect("show"), "old\n");
        assert_eq!(revisions(&file, 10).expect("log").len(), 1);
        assert!(matches!(
            show("nope", &file),
            Err(GitError::UnknownRevision { .. })
        ));
        let other = root.join("policies/other.yaml");
        match show("HEAD", &other) {
            Err(GitError::NotAtRevision { path, .. }) => assert_eq!(path, "policies/other.yaml"),
            other => panic!("expected NotAtRevision, got {other:?}"),
        }
        let outside = tempfile::tempdir().expect("tempdir");
        assert!(matches!(
            show("HEAD", &outside.path().join("p.yaml")),
            Err(GitError::NotARepository(_))
        ));
    }
}
