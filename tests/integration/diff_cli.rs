// `patchform diff` through the real binary: --base in a git repository, exit statuses, errors,
// reformatting that is no change, and --deployed against a moto server.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use crate::support;

use std::path::Path;
use std::process::Command;
use std::time::Duration;
use support::{Moto, Run, Test};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/diff");

fn git(dir: &Path, args: &[&str]) {
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

/// A repository whose one commit holds `policies/acme-fleet.yaml` = the case's old.yaml; the
/// work tree then holds `new` (a fixture file name) in its place.
fn repo(case: &str, new: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    git(root, &["init", "-q", "-b", "main"]);
    std::fs::create_dir(root.join("policies")).expect("mkdir");
    let policy = root.join("policies/acme-fleet.yaml");
    std::fs::copy(Path::new(FIXTURES).join(case).join("old.yaml"), &policy).expect("copy");
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "base"]);
    std::fs::copy(Path::new(FIXTURES).join(case).join(new), &policy).expect("copy");
    dir
}

fn patchform(dir: &Path, args: &[&str]) -> Run {
    Test::new().current_dir(dir).args(args).run()
}

#[test]
fn reformatting_a_policy_is_no_change_and_exit_0() {
    let dir = repo("reformatted", "new.yaml");
    let out = patchform(
        dir.path(),
        &["diff", "--base", "HEAD", "policies/acme-fleet.yaml"],
    );
    assert_eq!(out.code, Some(0), "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.starts_with("No changes"), "{}", out.stdout);
    let json = patchform(
        dir.path(),
        &[
            "diff",
            "--base",
            "HEAD",
            "--format",
            "json",
            "policies/acme-fleet.yaml",
        ],
    );
    assert_eq!(json.code, Some(0));
    let value: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    assert_eq!(value["changed"], false);
}

#[test]
fn a_risky_change_exits_1_with_either_fail_on() {
    let dir = repo("approval-removed", "new.yaml");
    let out = patchform(
        dir.path(),
        &["diff", "--base", "HEAD", "policies/acme-fleet.yaml"],
    );
    assert_eq!(out.code, Some(1), "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("approval gate removed"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("risky:"), "{}", out.stdout);
    let risky = patchform(
        dir.path(),
        &[
            "diff",
            "--base",
            "HEAD",
            "--fail-on",
            "risky",
            "policies/acme-fleet.yaml",
        ],
    );
    assert_eq!(risky.code, Some(1));
}

#[test]
fn a_safe_change_exits_0_with_fail_on_risky() {
    let dir = repo("approval-added", "new.yaml");
    let any = patchform(
        dir.path(),
        &["diff", "--base", "HEAD", "policies/acme-fleet.yaml"],
    );
    assert_eq!(any.code, Some(1), "{}{}", any.stdout, any.stderr);
    let json = patchform(
        dir.path(),
        &[
            "diff",
            "--base",
            "HEAD",
            "--format",
            "json",
            "--fail-on",
            "risky",
            "policies/acme-fleet.yaml",
        ],
    );
    let value: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    let expected = if value["risky"] == true { 1 } else { 0 };
    assert_eq!(json.code, Some(expected), "{}", json.stdout);
    assert!(
        value["policy_changes"]["changes"]
            .as_array()
            .expect("changes")
            .iter()
            .all(|c| c.get("risk").is_none())
    );
}

#[test]
fn markdown_is_a_pull_request_comment() {
    let dir = repo("wave-merged-earlier", "new.yaml");
    let out = patchform(
        dir.path(),
        &[
            "diff",
            "--base",
            "HEAD",
            "--format",
            "markdown",
            "policies/acme-fleet.yaml",
        ],
    );
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(out.stdout.starts_with("### patchform diff"));
    assert!(
        out.stdout
            .contains("wave merged into the earlier wave <code>nonprod</code>"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.len() <= 65_536);
    // The comment's source reads on a screen too: tables are HTML, one cell per line when long.
    assert!(
        out.stdout.lines().all(|l| l.chars().count() < 200),
        "{}",
        out.stdout
    );
}

#[test]
fn unknown_revision_is_an_error() {
    let dir = repo("approval-added", "new.yaml");
    let out = patchform(
        dir.path(),
        &["diff", "--base", "origin/nope", "policies/acme-fleet.yaml"],
    );
    assert_eq!(out.code, Some(2));
    assert!(
        out.stderr.contains("unknown git revision `origin/nope`"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("fetch-depth: 0"), "{}", out.stderr);
}

#[test]
fn a_policy_new_at_the_revision_is_all_added() {
    let dir = repo("approval-added", "new.yaml");
    std::fs::copy(
        Path::new(FIXTURES).join("approval-added/new.yaml"),
        dir.path().join("policies/second.yaml"),
    )
    .expect("copy");
    let out = patchform(
        dir.path(),
        &["diff", "--base", "HEAD", "policies/second.yaml"],
    );
    assert!(
        out.stdout
            .contains("`policies/second.yaml` does not exist at `HEAD`"),
        "{}{}",
        out.stdout,
        out.stderr
    );
    assert_ne!(out.code, Some(2));
}

#[test]
fn an_invalid_policy_prints_diagnostics_and_exits_2() {
    let dir = repo("approval-added", "new.yaml");
    std::fs::write(
        dir.path().join("policies/acme-fleet.yaml"),
        "version: 1\nname: x\n",
    )
    .expect("write");
    let out = patchform(
        dir.path(),
        &["diff", "--base", "HEAD", "policies/acme-fleet.yaml"],
    );
    assert_eq!(out.code, Some(2));
    assert!(out.stdout.is_empty());
    assert!(!out.stderr.is_empty());
}

#[test]
fn the_default_comparison_never_writes_generated() {
    let dir = repo("approval-added", "new.yaml");
    let out = patchform(dir.path(), &["diff", "policies/acme-fleet.yaml"]);
    assert_ne!(out.code, Some(2), "{}", out.stderr);
    assert!(!dir.path().join("generated").exists());
}

#[test]
fn deployed_with_nothing_deployed_is_all_added() {
    let moto = Moto::start();
    support::org::seed(&moto, &support::OrgSpec::new());
    let dir = tempfile::tempdir().expect("tempdir");
    let policy = "version: 1\nname: fresh\nhub:\n  account: \"123456789012\"\n  region: us-east-1\norganization:\n  permission_model: self_managed\n  targets:\n    accounts: [\"123456789013\"]\n  regions: [us-east-1]\nwaves:\n  - name: all\n    targets:\n      accounts: [\"123456789013\"]\n";
    std::fs::write(dir.path().join("fresh.yaml"), policy).expect("write");
    let run = support::patchform(
        &moto,
        "us-east-1",
        dir.path(),
        &["diff", "--deployed", "--format", "json", "fresh.yaml"],
        Duration::from_secs(120),
    );
    assert_ne!(run.code, Some(2), "{}{}", run.stdout, run.stderr);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(value["base"]["kind"], "deployed");
    let notes = value["notes"].to_string();
    assert!(notes.contains("fresh-hub"), "{notes}");
    assert!(notes.contains("fresh-spoke"), "{notes}");
    // Everything compiled is added: no resource is modified, replaced or removed.
    for resource in value["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .flat_map(|t| t["resources"].as_array().cloned().unwrap_or_default())
    {
        assert_eq!(resource["action"], "add", "{resource}");
    }
    assert!(
        moto.requests()
            .iter()
            .all(|r| r.is_read() || !r.action.starts_with("Create"))
    );
}
