// `patchform deploy --artifact-bucket` against moto: templates over 51,200 bytes go through S3.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod support;

use std::path::Path;
use std::time::Duration;
use support::org::OrgFixture;
use support::{Moto, OrgSpec, Request};

const LIMIT: Duration = Duration::from_secs(300);
const WAVES: usize = 20;
const BUCKET: &str = "patchform-artifacts";

/// `Workloads` with WAVES child OUs `W00`…, one account each.
fn org(moto: &Moto) -> OrgFixture {
    let mut spec = OrgSpec::new().unit("Workloads", None);
    for w in 0..WAVES {
        spec = spec
            .unit(&format!("W{w:02}"), Some("Workloads"))
            .account(&format!("acct-{w:02}"), &format!("W{w:02}"));
    }
    support::org::seed(moto, &spec)
}

/// A service-managed policy with one wave per OU: a hub template over 51,200 bytes.
fn large_policy(dir: &Path, org: &OrgFixture, extra: &str) -> String {
    let organization = format!(
        "  targets:\n    organizational_units: [{}]\n  regions: [us-east-1]",
        org.ou("Workloads")
    );
    let waves = (0..WAVES)
        .map(|w| {
            format!(
                "  - name: wave-{w:02}\n    targets:\n      organizational_units: [{}]\n",
                org.ou(&format!("W{w:02}"))
            )
        })
        .collect::<String>();
    let path = support::policy::write(dir, "big", &organization, &waves);
    if !extra.is_empty() {
        let text = std::fs::read_to_string(&path).expect("read");
        std::fs::write(
            &path,
            text.replace("name: big\n", &format!("name: big\n{extra}")),
        )
        .expect("write");
    }
    path.display().to_string()
}

fn deploy(moto: &Moto, dir: &Path, args: &[&str]) -> support::Run {
    let mut all = vec!["deploy"];
    all.extend_from_slice(args);
    support::patchform(moto, "us-east-1", dir, &all, LIMIT)
}

fn mutating(requests: &[Request]) -> Vec<String> {
    requests
        .iter()
        .filter(|r| !r.is_read())
        .map(|r| r.action.clone())
        .collect()
}

fn count(requests: &[Request], action: &str) -> usize {
    requests.iter().filter(|r| r.action == action).count()
}

fn json(run: &support::Run) -> serde_json::Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout))
}

/// The TemplateURL of a request, checked to be the content-addressed key in the bucket, and
/// that no TemplateBody was sent alongside it.
fn template_url(request: &Request) -> String {
    assert_eq!(request.param("TemplateBody"), None, "{}", request.action);
    let url = request
        .param("TemplateURL")
        .unwrap_or_else(|| panic!("{} without TemplateURL: {}", request.action, request.body));
    let prefix = format!("https://{BUCKET}.s3.us-east-1.amazonaws.com/patchform/big/");
    let digest = url
        .strip_prefix(&prefix)
        .and_then(|rest| rest.strip_suffix(".yaml"))
        .unwrap_or_else(|| panic!("{url}"));
    assert_eq!(digest.len(), 64, "{url}");
    assert!(digest.chars().all(|c| c.is_ascii_hexdigit()), "{url}");
    url
}

/// The byte count in `uploaded the <what> template (N bytes)`.
fn uploaded_bytes(stderr: &str, what: &str) -> usize {
    let marker = format!("uploaded the {what} template (");
    let start = stderr.find(&marker).unwrap_or_else(|| panic!("{stderr}")) + marker.len();
    stderr[start..]
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{stderr}"))
}

#[test]
fn a_large_policy_deploys_through_the_artifact_bucket_and_a_second_run_is_a_no_op() {
    let moto = Moto::start();
    let org = org(&moto);
    assert!(
        support::moto::http_put(moto.port(), &format!("/{BUCKET}")),
        "bucket created"
    );
    let dir = tempfile::tempdir().expect("tmp");
    let policy = large_policy(dir.path(), &org, "");
    moto.clear_requests();

    let first = deploy(
        &moto,
        dir.path(),
        &[
            "--yes",
            "--output",
            "json",
            "--artifact-bucket",
            BUCKET,
            &policy,
        ],
    );
    first.assert_code(0);
    assert!(
        uploaded_bytes(&first.stderr, "hub") > 51_200,
        "{}",
        first.stderr
    );
    let report = json(&first);
    assert_eq!(report["outcome"], "deployed");
    assert_eq!(report["hub"]["action"], "create");
    assert_eq!(report["stack_set"]["action"], "create");
    assert_eq!(report["instances"].as_array().map(Vec::len), Some(WAVES));

    let requests = moto.requests();
    let change_set = requests
        .iter()
        .find(|r| r.action == "CreateChangeSet")
        .expect("CreateChangeSet");
    let set = requests
        .iter()
        .find(|r| r.action == "CreateStackSet")
        .expect("CreateStackSet");
    let (hub_url, spoke_url) = (template_url(change_set), template_url(set));
    assert_ne!(hub_url, spoke_url);
    // Each body uploaded once, after a HeadObject; the bucket checked in preflight.
    assert_eq!(count(&requests, "PutObject"), 2);
    assert_eq!(count(&requests, "HeadObject"), 2);
    assert!(count(&requests, "HeadBucket") >= 1);
    let puts: Vec<&Request> = requests
        .iter()
        .filter(|r| r.action == "PutObject")
        .collect();
    for url in [&hub_url, &spoke_url] {
        let key = url.rsplit_once(".amazonaws.com/").expect("key").1;
        assert!(
            puts.iter()
                .any(|p| p.url.contains(&format!("/{BUCKET}/{key}"))),
            "{key} not uploaded: {:?}",
            puts.iter().map(|p| &p.url).collect::<Vec<_>>()
        );
    }
    assert_eq!(count(&requests, "CreateStackInstances"), WAVES);

    // Nothing changed: no change set, no operation, no upload (not even a HeadObject).
    moto.clear_requests();
    let second = deploy(
        &moto,
        dir.path(),
        &[
            "--yes",
            "--output",
            "json",
            "--artifact-bucket",
            BUCKET,
            &policy,
        ],
    );
    second.assert_code(0);
    assert!(second.stderr.contains("No changes"), "{}", second.stderr);
    assert_eq!(json(&second)["outcome"], "no_changes");
    let requests = moto.requests();
    assert_eq!(mutating(&requests), Vec::<String>::new());
    assert_eq!(count(&requests, "HeadObject"), 0);

    // A change uploads the new bodies and every UpdateStackSet reads the spoke from S3.
    let changed = large_policy(dir.path(), &org, "description: Monthly patching\n");
    moto.clear_requests();
    let third = deploy(
        &moto,
        dir.path(),
        &[
            "--yes",
            "--output",
            "json",
            "--artifact-bucket",
            BUCKET,
            &changed,
        ],
    );
    third.assert_code(0);
    let report = json(&third);
    assert_eq!(report["hub"]["action"], "update");
    assert_eq!(report["stack_set"]["action"], "update");
    let requests = moto.requests();
    let new_hub = template_url(
        requests
            .iter()
            .find(|r| r.action == "CreateChangeSet")
            .expect("CreateChangeSet"),
    );
    assert_ne!(new_hub, hub_url);
    let updates: Vec<&Request> = requests
        .iter()
        .filter(|r| r.action == "UpdateStackSet")
        .collect();
    assert_eq!(updates.len(), WAVES);
    let new_spoke = template_url(updates[0]);
    assert_ne!(new_spoke, spoke_url);
    assert!(updates.iter().all(|u| template_url(u) == new_spoke));
    assert_eq!(count(&requests, "PutObject"), 2);
}

#[test]
fn without_the_flag_a_large_policy_is_refused_before_any_call() {
    let moto = Moto::start();
    let org = org(&moto);
    let dir = tempfile::tempdir().expect("tmp");
    let policy = large_policy(dir.path(), &org, "");
    moto.clear_requests();
    let run = deploy(&moto, dir.path(), &["--yes", &policy]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("pass --artifact-bucket BUCKET"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("51,200 bytes"), "{}", run.stderr);
    let requests = moto.requests();
    assert_eq!(mutating(&requests), Vec::<String>::new());
    assert_eq!(
        requests.len(),
        0,
        "{:?}",
        requests.iter().map(|r| &r.action).collect::<Vec<_>>()
    );
}

#[test]
fn a_missing_bucket_is_a_preflight_error() {
    let moto = Moto::start();
    let org = org(&moto);
    let dir = tempfile::tempdir().expect("tmp");
    let policy = large_policy(dir.path(), &org, "");
    moto.clear_requests();
    let run = deploy(
        &moto,
        dir.path(),
        &["--yes", "--artifact-bucket", "no-such-bucket", &policy],
    );
    run.assert_code(2);
    assert!(run.stderr.contains("preflight failed"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("artifact bucket `no-such-bucket` does not exist"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("aws s3 mb s3://no-such-bucket --region us-east-1"),
        "{}",
        run.stderr
    );
    let requests = moto.requests();
    assert!(count(&requests, "HeadBucket") >= 1);
    assert_eq!(mutating(&requests), Vec::<String>::new());
}
