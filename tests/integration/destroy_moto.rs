// `patchform destroy` against moto: typed confirmation, safe order, retained buckets and table said.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use crate::support;

use std::time::Duration;
use support::{Moto, OrgSpec};

#[test]
fn destroy_needs_the_name_then_removes_instances_stack_set_and_hub_in_order() {
    let moto = Moto::start();
    let org = support::org::seed(
        &moto,
        &OrgSpec::new().unit("Apps", None).account("app-1", "Apps"),
    );
    let dir = tempfile::tempdir().expect("tmp");
    let organization = format!(
        "  permission_model: self_managed\n  targets:\n    accounts: [\"{}\"]\n  regions: [us-east-1]",
        org.account("app-1")
    );
    let waves = format!(
        "  - name: all\n    targets:\n      accounts: [\"{}\"]\n",
        org.account("app-1")
    );
    let policy = support::policy::write(dir.path(), "gone", &organization, &waves);
    let path = policy.to_str().expect("utf-8");
    let limit = Duration::from_secs(120);
    support::patchform(
        &moto,
        "us-east-1",
        dir.path(),
        &["deploy", "--yes", path],
        limit,
    )
    .assert_code(0);

    moto.clear_requests();
    let refused = support::patchform(&moto, "us-east-1", dir.path(), &["destroy", path], limit);
    refused.assert_code(2);
    assert!(
        refused.stderr.contains("--confirm gone"),
        "{}",
        refused.stderr
    );
    let wrong = support::patchform(
        &moto,
        "us-east-1",
        dir.path(),
        &["destroy", "--confirm", "other", path],
        limit,
    );
    wrong.assert_code(2);
    assert!(moto.requests().iter().all(|r| r.is_read()));

    let done = support::patchform(
        &moto,
        "us-east-1",
        dir.path(),
        &["destroy", "--confirm", "gone", path],
        limit,
    );
    done.assert_code(0);
    assert!(
        done.stderr
            .contains("log bucket and the audit table are retained"),
        "{}",
        done.stderr
    );
    assert!(
        done.stderr.contains(
            "the templates deploy uploaded stay under patchform/gone/ in the artifact bucket (patchform-artifacts-123456789012-us-east-1"
        ),
        "{}",
        done.stderr
    );
    let writes: Vec<String> = moto
        .requests()
        .into_iter()
        .filter(|r| !r.is_read())
        .map(|r| r.action)
        .collect();
    // The artifact bucket is shared by the account's policies: destroy leaves it alone.
    assert_eq!(
        writes,
        vec!["DeleteStackInstances", "DeleteStackSet", "DeleteStack"]
    );
    assert!(support::s3::exists(
        &moto,
        "patchform-artifacts-123456789012-us-east-1"
    ));

    let again = support::patchform(
        &moto,
        "us-east-1",
        dir.path(),
        &["destroy", "--confirm", "gone", path],
        limit,
    );
    again.assert_code(0);
    assert!(
        again.stderr.contains("Nothing to destroy"),
        "{}",
        again.stderr
    );
}
