// insta snapshots of every artifact of both example policies: a template change shows up in review.
#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

#[path = "fixtures/build/common.rs"]
mod common;

fn snapshot(policy: &str) {
    let artifacts = common::compile(&common::load(&common::root().join(policy)));
    for artifact in &artifacts.files {
        let name = format!(
            "{}__{}",
            artifacts.policy_name,
            artifact.path.replace('/', "__")
        );
        insta::assert_snapshot!(name, &artifact.content);
    }
}

#[test]
fn acme_fleet_artifacts() {
    snapshot("policies/acme-fleet.yaml");
}

#[test]
fn minimal_artifacts() {
    snapshot("policies/minimal.yaml");
}
