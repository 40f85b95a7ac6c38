// `patchform deploy` against moto: every template goes by TemplateURL through the managed artifact bucket or --artifact-bucket.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use crate::support;

use std::path::Path;
use std::time::Duration;
use support::moto::MANAGEMENT_ACCOUNT;
use support::org::OrgFixture;
use support::{Moto, OrgSpec, Request};

const LIMIT: Duration = Duration::from_secs(400);
/// Enough waves for a hub template well over CloudFormation's 51,200-byte inline limit.
const WAVES: usize = 40;
/// The operator's bucket of the `--artifact-bucket` tests.
const OPERATOR_BUCKET: &str = "ops-cfn-artifacts";
/// The bucket S3 calls configure, in the order deploy makes them, after CreateBucket.
const CONFIGURATION: [&str; 7] = [
    "PutPublicAccessBlock",
    "PutBucketOwnershipControls",
    "PutBucketEncryption",
    "PutBucketVersioning",
    "PutBucketPolicy",
    "PutBucketLifecycleConfiguration",
    "PutBucketTagging",
];

/// patchform's own bucket in the hub account and region.
fn managed_bucket() -> String {
    format!("patchform-artifacts-{MANAGEMENT_ACCOUNT}-us-east-1")
}

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

/// The TemplateURL of a request, checked to be the content-addressed key of policy `big` in
/// `bucket`, and that no TemplateBody was sent alongside it.
fn template_url(request: &Request, bucket: &str) -> String {
    assert_eq!(request.param("TemplateBody"), None, "{}", request.action);
    let url = request
        .param("TemplateURL")
        .unwrap_or_else(|| panic!("{} without TemplateURL: {}", request.action, request.body));
    let prefix = format!("https://{bucket}.s3.us-east-1.amazonaws.com/patchform/big/");
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

/// The first request of `action`.
fn first<'a>(requests: &'a [Request], action: &str) -> &'a Request {
    requests
        .iter()
        .find(|r| r.action == action)
        .unwrap_or_else(|| panic!("no {action}"))
}

/// Every PutObject went to `bucket` and the keys of `urls` were among them.
fn assert_uploaded(requests: &[Request], bucket: &str, urls: &[&str]) {
    let puts: Vec<&Request> = requests
        .iter()
        .filter(|r| r.action == "PutObject")
        .collect();
    for url in urls {
        let key = url.rsplit_once(".amazonaws.com/").expect("key").1;
        assert!(
            puts.iter()
                .any(|p| p.url.contains(&format!("/{bucket}/{key}"))),
            "{key} not uploaded: {:?}",
            puts.iter().map(|p| &p.url).collect::<Vec<_>>()
        );
    }
}

fn organization_id(moto: &Moto) -> String {
    let client = support::org::organizations_client(moto);
    support::org::runtime()
        .block_on(client.describe_organization().send())
        .expect("DescribeOrganization")
        .organization()
        .and_then(|o| o.id())
        .expect("organization id")
        .to_owned()
}

#[test]
fn without_the_flag_a_large_policy_deploys_through_the_managed_bucket_and_a_second_run_is_a_no_op()
{
    let moto = Moto::start();
    let org = org(&moto);
    let dir = tempfile::tempdir().expect("tmp");
    let policy = large_policy(dir.path(), &org, "");
    let bucket = managed_bucket();
    moto.clear_requests();

    let first_run = deploy(&moto, dir.path(), &["--yes", "--output", "json", &policy]);
    first_run.assert_code(0);
    assert!(
        first_run.stderr.contains(&format!(
            "+ create artifact bucket {bucket} (versioned, encrypted, public access blocked, TLS only, lifecycle)"
        )),
        "{}",
        first_run.stderr
    );
    assert!(
        uploaded_bytes(&first_run.stderr, "hub") > 51_200,
        "{}",
        first_run.stderr
    );
    let report = json(&first_run);
    assert_eq!(report["outcome"], "deployed");
    assert_eq!(report["hub"]["action"], "create");
    assert_eq!(report["stack_set"]["action"], "create");
    assert_eq!(report["instances"].as_array().map(Vec::len), Some(WAVES));
    assert_eq!(
        report["artifact_bucket"],
        serde_json::json!({"name": bucket, "managed": true, "action": "create", "created": true})
    );

    // The bucket is created once and configured, before any template is uploaded or sent.
    let requests = moto.requests();
    let writes = mutating(&requests);
    let mut setup = vec!["CreateBucket"];
    setup.extend(CONFIGURATION);
    assert_eq!(writes[..setup.len()], setup, "{writes:?}");
    for action in &setup {
        assert_eq!(count(&requests, action), 1, "{action}");
    }
    let (hub_url, spoke_url) = (
        template_url(first(&requests, "CreateChangeSet"), &bucket),
        template_url(first(&requests, "CreateStackSet"), &bucket),
    );
    assert_ne!(hub_url, spoke_url);
    // Each body uploaded once, after a HeadObject.
    assert_eq!(count(&requests, "PutObject"), 2);
    assert_eq!(count(&requests, "HeadObject"), 2);
    assert_uploaded(&requests, &bucket, &[&hub_url, &spoke_url]);
    assert_eq!(count(&requests, "CreateStackInstances"), WAVES);

    // What moto holds: the properties the plan promised.
    let settings = support::s3::settings(&moto, &bucket);
    assert_eq!(settings.versioning.as_deref(), Some("Enabled"));
    assert_eq!(settings.encryption, vec!["AES256"]);
    assert_eq!(settings.public_access_block, [Some(true); 4]);
    assert_eq!(settings.ownership, vec!["BucketOwnerEnforced"]);
    assert_eq!(
        settings.lifecycle,
        vec![(
            "patchform-noncurrent-versions-and-incomplete-uploads".to_owned(),
            "Enabled".to_owned(),
            Some(30),
            Some(7)
        )]
    );
    assert_eq!(
        settings.tags,
        vec![("patchform:artifact-bucket".to_owned(), "1".to_owned())]
    );
    let statements = settings.policy["Statement"].as_array().expect("statements");
    let read = statements
        .iter()
        .find(|s| s["Effect"] == "Allow")
        .expect("read grant");
    assert_eq!(read["Action"], "s3:GetObject");
    assert_eq!(
        read["Resource"],
        format!("arn:aws:s3:::{bucket}/patchform/*")
    );
    assert_eq!(
        read["Condition"]["StringEquals"]["aws:PrincipalOrgID"],
        organization_id(&moto)
    );
    let tls = statements
        .iter()
        .find(|s| s["Effect"] == "Deny")
        .expect("TLS-only statement");
    assert_eq!(tls["Action"], "s3:*");
    assert_eq!(tls["Condition"]["Bool"]["aws:SecureTransport"], "false");

    // Nothing changed: the bucket is found (HeadBucket, GetBucketTagging) and nothing is written,
    // uploaded, or even looked up by HeadObject.
    moto.clear_requests();
    let second = deploy(&moto, dir.path(), &["--yes", "--output", "json", &policy]);
    second.assert_code(0);
    assert!(second.stderr.contains("No changes"), "{}", second.stderr);
    assert!(
        !second.stderr.contains("create artifact bucket"),
        "{}",
        second.stderr
    );
    let report = json(&second);
    assert_eq!(report["outcome"], "no_changes");
    assert_eq!(report["artifact_bucket"]["action"], "none");
    assert_eq!(report["artifact_bucket"]["created"], false);
    let requests = moto.requests();
    assert_eq!(mutating(&requests), Vec::<String>::new());
    assert!(count(&requests, "HeadBucket") >= 1);
    assert_eq!(count(&requests, "HeadObject"), 0);

    // A change uploads the new bodies to the same bucket, which is left alone, and every
    // UpdateStackSet reads the spoke from S3.
    let changed = large_policy(dir.path(), &org, "description: Monthly patching\n");
    moto.clear_requests();
    let third = deploy(&moto, dir.path(), &["--yes", "--output", "json", &changed]);
    third.assert_code(0);
    let report = json(&third);
    assert_eq!(report["hub"]["action"], "update");
    assert_eq!(report["stack_set"]["action"], "update");
    assert_eq!(report["artifact_bucket"]["action"], "none");
    let requests = moto.requests();
    for action in &setup {
        assert_eq!(count(&requests, action), 0, "{action}");
    }
    let new_hub = template_url(first(&requests, "CreateChangeSet"), &bucket);
    assert_ne!(new_hub, hub_url);
    let updates: Vec<&Request> = requests
        .iter()
        .filter(|r| r.action == "UpdateStackSet")
        .collect();
    assert_eq!(updates.len(), WAVES);
    let new_spoke = template_url(updates[0], &bucket);
    assert_ne!(new_spoke, spoke_url);
    assert!(
        updates
            .iter()
            .all(|u| template_url(u, &bucket) == new_spoke)
    );
    assert_eq!(count(&requests, "PutObject"), 2);
}

#[test]
fn dry_run_reports_the_bucket_it_would_create_and_creates_nothing() {
    let moto = Moto::start();
    let org = org(&moto);
    let dir = tempfile::tempdir().expect("tmp");
    let policy = large_policy(dir.path(), &org, "");
    let bucket = managed_bucket();
    moto.clear_requests();
    let run = deploy(
        &moto,
        dir.path(),
        &["--dry-run", "--output", "json", &policy],
    );
    run.assert_code(0);
    assert!(
        run.stderr.contains(&format!(
            "+ create artifact bucket {bucket} (versioned, encrypted, public access blocked, TLS only, lifecycle)"
        )),
        "{}",
        run.stderr
    );
    // The hub template is too large to preview inline and there is no bucket to send it from.
    assert!(
        run.stderr
            .contains("CloudFormation's view of the hub change is skipped"),
        "{}",
        run.stderr
    );
    let report = json(&run);
    assert_eq!(report["outcome"], "dry_run");
    assert_eq!(
        report["artifact_bucket"],
        serde_json::json!({"name": bucket, "managed": true, "action": "create", "created": false})
    );
    assert_eq!(mutating(&moto.requests()), Vec::<String>::new());
    assert!(!support::s3::exists(&moto, &bucket));
}

#[test]
fn the_artifact_bucket_flag_uses_that_bucket_and_creates_none() {
    let moto = Moto::start();
    let org = org(&moto);
    assert!(
        support::moto::http_put(moto.port(), &format!("/{OPERATOR_BUCKET}")),
        "bucket created"
    );
    let dir = tempfile::tempdir().expect("tmp");
    let policy = large_policy(dir.path(), &org, "");
    moto.clear_requests();

    let args = [
        "--yes",
        "--output",
        "json",
        "--artifact-bucket",
        OPERATOR_BUCKET,
        &policy,
    ];
    let first_run = deploy(&moto, dir.path(), &args);
    first_run.assert_code(0);
    assert!(
        !first_run.stderr.contains("create artifact bucket"),
        "{}",
        first_run.stderr
    );
    let report = json(&first_run);
    assert_eq!(report["outcome"], "deployed");
    assert_eq!(
        report["artifact_bucket"],
        serde_json::json!({"name": OPERATOR_BUCKET, "managed": false, "action": "none", "created": false})
    );
    let requests = moto.requests();
    let hub_url = template_url(first(&requests, "CreateChangeSet"), OPERATOR_BUCKET);
    let spoke_url = template_url(first(&requests, "CreateStackSet"), OPERATOR_BUCKET);
    assert_eq!(count(&requests, "PutObject"), 2);
    assert_uploaded(&requests, OPERATOR_BUCKET, &[&hub_url, &spoke_url]);
    // The operator's bucket is only checked and written to, never created or configured.
    for action in std::iter::once("CreateBucket").chain(CONFIGURATION) {
        assert_eq!(count(&requests, action), 0, "{action}");
    }
    assert_eq!(count(&requests, "GetBucketTagging"), 0);
    assert!(!support::s3::exists(&moto, &managed_bucket()));

    moto.clear_requests();
    let second = deploy(&moto, dir.path(), &args);
    second.assert_code(0);
    assert_eq!(json(&second)["outcome"], "no_changes");
    assert_eq!(mutating(&moto.requests()), Vec::<String>::new());
}

#[test]
fn a_missing_operator_bucket_is_a_preflight_error() {
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

#[test]
fn a_managed_bucket_name_another_account_owns_is_a_preflight_error_naming_the_flag() {
    // S3 answers 403 to HeadBucket (with ExpectedBucketOwner) for a bucket another account
    // created under patchform's name; moto lets every account use every bucket, so a loopback
    // proxy gives that answer.
    let moto = Moto::start();
    let org = org(&moto);
    let dir = tempfile::tempdir().expect("tmp");
    let policy = large_policy(dir.path(), &org, "");
    let bucket = managed_bucket();
    let proxy = support::DenyBucketProxy::start(moto.port(), &bucket);
    moto.clear_requests();
    let run = support::patchform_with_env(
        &moto,
        "us-east-1",
        dir.path(),
        &["deploy", "--yes", &policy],
        LIMIT,
        &[("AWS_ENDPOINT_URL".to_owned(), proxy.endpoint())],
    );
    run.assert_code(2);
    assert!(run.stderr.contains("preflight failed"), "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "artifact bucket `{bucket}` exists but is not usable by account {MANAGEMENT_ACCOUNT}"
        )),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("pass --artifact-bucket BUCKET"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert_eq!(mutating(&moto.requests()), Vec::<String>::new());
}
