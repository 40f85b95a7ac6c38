// `patchform deploy` against moto: first deploy, no-op, update, drift and prune, failures, dead emulator.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use crate::support;

use std::path::Path;
use std::time::Duration;
use support::org::OrgFixture;
use support::{Moto, OrgSpec, Request};

const LIMIT: Duration = Duration::from_secs(180);

fn org(moto: &Moto) -> OrgFixture {
    let spec = OrgSpec::new()
        .unit("Workloads", None)
        .unit("Canary", Some("Workloads"))
        .unit("NonProd", Some("Workloads"))
        .unit("Prod", Some("Workloads"))
        .account("canary-1", "Canary")
        .account("dev-1", "NonProd")
        .account("dev-2", "NonProd")
        .account("prod-1", "Prod");
    support::org::seed(moto, &spec)
}

/// Service-managed policy: three waves by OU, two regions.
fn service_managed(dir: &Path, org: &OrgFixture, name: &str, extra: &str) -> String {
    service_managed_from(dir, org, name, extra, support::moto::MANAGEMENT_ACCOUNT)
}

/// [`service_managed`] with the hub in `hub` (the account deploy runs as).
fn service_managed_from(
    dir: &Path,
    org: &OrgFixture,
    name: &str,
    extra: &str,
    hub: &str,
) -> String {
    let organization = format!(
        "  targets:\n    organizational_units: [{}]\n  regions: [us-east-1, eu-west-1]{extra}",
        org.ou("Workloads")
    );
    let waves = ["Canary", "NonProd", "Prod"]
        .iter()
        .map(|w| {
            format!(
                "  - name: {}\n    targets:\n      organizational_units: [{}]\n",
                w.to_lowercase(),
                org.ou(w)
            )
        })
        .collect::<String>();
    support::policy::write_with_hub(dir, name, hub, &organization, &waves)
        .display()
        .to_string()
}

/// Self-managed policy over the given accounts, one wave each, in us-east-1.
fn self_managed(dir: &Path, org: &OrgFixture, name: &str, accounts: &[&str]) -> String {
    self_managed_in(dir, org, name, accounts, &["us-east-1"])
}

/// [`self_managed`] in `regions` (in that order).
fn self_managed_in(
    dir: &Path,
    org: &OrgFixture,
    name: &str,
    accounts: &[&str],
    regions: &[&str],
) -> String {
    let ids: Vec<String> = accounts
        .iter()
        .map(|a| format!("\"{}\"", org.account(a)))
        .collect();
    let organization = format!(
        "  permission_model: self_managed\n  targets:\n    accounts: [{}]\n  regions: [{}]",
        ids.join(", "),
        regions.join(", ")
    );
    let waves = accounts
        .iter()
        .zip(&ids)
        .map(|(a, id)| format!("  - name: {a}\n    targets:\n      accounts: [{id}]\n"))
        .collect::<String>();
    support::policy::write(dir, name, &organization, &waves)
        .display()
        .to_string()
}

fn deploy(moto: &Moto, dir: &Path, args: &[&str]) -> support::Run {
    let mut all = vec!["deploy"];
    all.extend_from_slice(args);
    support::patchform(moto, "us-east-1", dir, &all, LIMIT)
}

/// The requests of one action, in the order they were sent.
fn of_action<'a>(requests: &'a [Request], action: &str) -> Vec<&'a Request> {
    requests.iter().filter(|r| r.action == action).collect()
}

/// The first OU each `action` request addressed, in the order they were sent.
fn ous_in_order(requests: &[Request], action: &str) -> Vec<String> {
    of_action(requests, action)
        .into_iter()
        .map(|r| {
            r.param("DeploymentTargets.OrganizationalUnitIds.member.1")
                .unwrap_or_default()
        })
        .collect()
}

fn mutating(requests: &[Request]) -> Vec<String> {
    requests
        .iter()
        .filter(|r| !r.is_read())
        .map(|r| r.action.clone())
        .collect()
}

fn json(run: &support::Run) -> serde_json::Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout))
}

/// patchform's own artifact bucket of `account` in us-east-1.
/// The environment of a run as a member account's role, through the Organizations proxy.
fn member_env(
    proxy: &support::OrgViewProxy,
    key: String,
    secret: String,
    token: String,
) -> Vec<(String, String)> {
    [
        ("AWS_ENDPOINT_URL", proxy.endpoint()),
        ("AWS_ACCESS_KEY_ID", key),
        ("AWS_SECRET_ACCESS_KEY", secret),
        ("AWS_SESSION_TOKEN", token),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

fn managed_bucket(account: &str) -> String {
    format!("patchform-artifacts-{account}-us-east-1")
}

/// The request's TemplateURL, checked to be a content-addressed key of `policy` in `bucket`
/// and sent without a TemplateBody.
fn template_url(request: &Request, bucket: &str, policy: &str) -> String {
    assert_eq!(request.param("TemplateBody"), None, "{}", request.action);
    let url = request
        .param("TemplateURL")
        .unwrap_or_else(|| panic!("{} without TemplateURL: {}", request.action, request.body));
    assert!(
        url.starts_with(&format!(
            "https://{bucket}.s3.us-east-1.amazonaws.com/patchform/{policy}/"
        )) && url.ends_with(".yaml"),
        "{url}"
    );
    url
}

#[test]
fn first_deploy_rolls_out_in_wave_order_and_a_second_is_a_no_op() {
    let moto = Moto::start();
    let org = org(&moto);
    let dir = tempfile::tempdir().expect("tmp");
    let policy = service_managed(dir.path(), &org, "fleet", "");

    let first = deploy(&moto, dir.path(), &["--yes", "--output", "json", &policy]);
    first.assert_code(0);
    assert!(first.stderr.contains("OU Canary ("), "{}", first.stderr);
    // Regions read in the policy's order (us-east-1 before eu-west-1), in preflight and plan.
    assert!(
        first
            .stderr
            .contains("wave `canary`: 1 account(s) × 2 region(s) [us-east-1, eu-west-1]"),
        "{}",
        first.stderr
    );
    assert!(
        first
            .stderr
            .contains("1. canary: create instances in 1 account(s) × [us-east-1, eu-west-1]"),
        "{}",
        first.stderr
    );
    assert!(
        first
            .stderr
            .contains(&format!("canary-1 ({})", org.account("canary-1")))
    );
    let report = json(&first);
    assert_eq!(report["outcome"], "deployed");
    assert_eq!(report["hub"]["action"], "create");
    assert_eq!(report["stack_set"]["action"], "create");
    assert_eq!(report["instances"].as_array().map(Vec::len), Some(8));

    let requests = moto.requests();
    let creates = of_action(&requests, "CreateStackInstances");
    assert_eq!(
        ous_in_order(&requests, "CreateStackInstances"),
        vec![org.ou("Canary"), org.ou("NonProd"), org.ou("Prod")]
    );
    let set = requests
        .iter()
        .find(|r| r.action == "CreateStackSet")
        .expect("CreateStackSet");
    assert_eq!(
        set.param("PermissionModel").as_deref(),
        Some("SERVICE_MANAGED")
    );
    assert_eq!(set.param("AutoDeployment.Enabled").as_deref(), Some("true"));
    assert_eq!(
        set.param("ManagedExecution.Active").as_deref(),
        Some("true")
    );
    assert_eq!(set.param("CallAs").as_deref(), Some("SELF"));
    let change_set = requests
        .iter()
        .find(|r| r.action == "CreateChangeSet")
        .expect("CreateChangeSet");
    // Small templates too go by TemplateURL, through the bucket deploy created first.
    let bucket = managed_bucket(support::moto::MANAGEMENT_ACCOUNT);
    assert_eq!(report["artifact_bucket"]["name"], bucket.as_str());
    assert_eq!(report["artifact_bucket"]["created"], true);
    template_url(change_set, &bucket, "fleet");
    template_url(set, &bucket, "fleet");
    assert_eq!(mutating(&requests)[0], "CreateBucket");
    assert_eq!(
        change_set.params_with_prefix("Capabilities.member."),
        vec!["CAPABILITY_NAMED_IAM"]
    );
    assert!(
        change_set
            .param("Parameters.member.1.ParameterValue")
            .is_some_and(|v| v.starts_with("o-"))
    );
    assert_eq!(
        creates[0]
            .param("OperationPreferences.RegionOrder.member.1")
            .as_deref(),
        Some("us-east-1")
    );

    moto.clear_requests();
    let second = deploy(&moto, dir.path(), &["--yes", "--output", "json", &policy]);
    second.assert_code(0);
    assert!(second.stderr.contains("No changes"), "{}", second.stderr);
    assert_eq!(json(&second)["outcome"], "no_changes");
    assert_eq!(json(&second)["artifact_bucket"]["action"], "none");
    assert_eq!(mutating(&moto.requests()), Vec::<String>::new());
}

#[test]
fn a_policy_change_updates_the_hub_and_the_stack_set_wave_by_wave() {
    let moto = Moto::start();
    let org = org(&moto);
    let dir = tempfile::tempdir().expect("tmp");
    let policy = service_managed(dir.path(), &org, "fleet", "");
    deploy(&moto, dir.path(), &["--yes", &policy]).assert_code(0);

    let changed = service_managed(
        dir.path(),
        &org,
        "fleet",
        "\n  rollout:\n    max_concurrent: 25%\n    failure_tolerance: 1",
    );
    std::fs::write(
        &changed,
        std::fs::read_to_string(&changed).expect("read").replace(
            "name: fleet\n",
            "name: fleet\ndescription: Monthly patching\n",
        ),
    )
    .expect("write");
    moto.clear_requests();
    let run = deploy(&moto, dir.path(), &["--yes", "--output", "json", &changed]);
    run.assert_code(0);
    let report = json(&run);
    assert_eq!(report["hub"]["action"], "update");
    assert_eq!(report["stack_set"]["action"], "update");
    let requests = moto.requests();
    let updates = of_action(&requests, "UpdateStackSet");
    let bucket = managed_bucket(support::moto::MANAGEMENT_ACCOUNT);
    let spoke = template_url(updates[0], &bucket, "fleet");
    assert!(
        updates
            .iter()
            .all(|u| template_url(u, &bucket, "fleet") == spoke)
    );
    template_url(of_action(&requests, "CreateChangeSet")[0], &bucket, "fleet");
    // The bucket exists and is configured: nothing is done to it, only the new bodies uploaded.
    assert!(
        !mutating(&requests)
            .iter()
            .any(|a| a == "CreateBucket" || a.starts_with("PutBucket")),
        "{:?}",
        mutating(&requests)
    );
    assert_eq!(of_action(&requests, "PutObject").len(), 2);
    assert_eq!(
        ous_in_order(&requests, "UpdateStackSet"),
        vec![org.ou("Canary"), org.ou("NonProd"), org.ou("Prod")]
    );
    assert_eq!(
        updates[0]
            .param("OperationPreferences.MaxConcurrentPercentage")
            .as_deref(),
        Some("25")
    );
    assert_eq!(
        updates[0]
            .param("OperationPreferences.FailureToleranceCount")
            .as_deref(),
        Some("1")
    );
    assert!(mutating(&moto.requests()).contains(&"ExecuteChangeSet".to_owned()));
}

#[test]
fn a_removed_target_is_drift_until_pruned() {
    let moto = Moto::start();
    let org = org(&moto);
    let dir = tempfile::tempdir().expect("tmp");
    let all = self_managed(dir.path(), &org, "selfie", &["dev-1", "dev-2", "prod-1"]);
    deploy(&moto, dir.path(), &["--yes", &all]).assert_code(0);

    let fewer = self_managed(dir.path(), &org, "selfie", &["dev-1", "dev-2"]);
    moto.clear_requests();
    let listed = deploy(&moto, dir.path(), &["--yes", "--output", "json", &fewer]);
    listed.assert_code(0);
    assert!(
        listed.stderr.contains("no longer targeted"),
        "{}",
        listed.stderr
    );
    assert!(
        listed
            .stderr
            .contains(&format!("prod-1 ({}) in us-east-1", org.account("prod-1")))
    );
    assert_eq!(json(&listed)["drift"].as_array().map(Vec::len), Some(1));
    assert!(!mutating(&moto.requests()).contains(&"DeleteStackInstances".to_owned()));

    moto.clear_requests();
    let pruned = deploy(
        &moto,
        dir.path(),
        &["--yes", "--prune", "--output", "json", &fewer],
    );
    pruned.assert_code(0);
    let deletes: Vec<Request> = moto
        .requests()
        .into_iter()
        .filter(|r| r.action == "DeleteStackInstances")
        .collect();
    assert_eq!(deletes.len(), 1);
    assert_eq!(
        deletes[0].param("Accounts.member.1").as_deref(),
        Some(org.account("prod-1"))
    );
    assert_eq!(deletes[0].param("RetainStacks").as_deref(), Some("false"));

    moto.clear_requests();
    let after = deploy(&moto, dir.path(), &["--yes", "--output", "json", &fewer]);
    after.assert_code(0);
    assert_eq!(json(&after)["outcome"], "no_changes");
    assert_eq!(json(&after)["drift"].as_array().map(Vec::len), Some(0));
}

#[test]
fn a_failing_hub_template_is_reported_and_exits_2() {
    // The log bucket's name is taken (S3 names are global): the hub stack cannot be created.
    let moto = Moto::start();
    let org = org(&moto);
    let dir = tempfile::tempdir().expect("tmp");
    let beta = self_managed(dir.path(), &org, "beta", &["dev-2"]);
    let taken = format!("/beta-{}-us-east-1", support::moto::MANAGEMENT_ACCOUNT);
    assert!(
        support::moto::http_put(moto.port(), &taken),
        "bucket created"
    );
    let run = deploy(&moto, dir.path(), &["--yes", &beta]);
    run.assert_code(2);
    assert!(run.stderr.contains("error:"), "{}", run.stderr);
    assert!(run.stderr.contains("LogBucket"), "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert!(!moto.requests().iter().any(|r| r.action == "CreateStackSet"
        && r.param("StackSetName").as_deref() == Some("beta-spoke")));
}

#[test]
fn a_stopped_emulator_is_a_clear_error_not_a_hang() {
    let mut moto = Moto::start();
    let org = org(&moto);
    let dir = tempfile::tempdir().expect("tmp");
    let policy = service_managed(dir.path(), &org, "fleet", "");
    let deploy = support::Test::against(&moto, "us-east-1")
        .args(["deploy", "--yes", &policy])
        .current_dir(dir.path())
        .deadline(LIMIT);
    let handle = std::thread::spawn(move || deploy.run());
    // Kill the emulator as soon as the stack set rollout starts.
    let start = std::time::Instant::now();
    while !moto.requests().iter().any(|r| r.action == "CreateStackSet") {
        assert!(
            start.elapsed() < LIMIT,
            "deploy never reached the stack set"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    moto.kill();
    let run = handle.join().expect("runner");
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("cannot reach AWS"), "{}", run.stderr);
    assert!(
        run.stderr.contains("run the command again"),
        "{}",
        run.stderr
    );
    assert!(
        run.elapsed < Duration::from_secs(90),
        "took {:?}",
        run.elapsed
    );
}

#[test]
fn dry_run_shows_cloudformations_view_and_changes_nothing() {
    let moto = Moto::start();
    let org = org(&moto);
    let dir = tempfile::tempdir().expect("tmp");
    let policy = service_managed(dir.path(), &org, "fleet", "");
    let bucket = managed_bucket(support::moto::MANAGEMENT_ACCOUNT);
    let run = deploy(
        &moto,
        dir.path(),
        &["--dry-run", "--output", "json", &policy],
    );
    run.assert_code(0);
    assert!(
        run.stderr
            .contains(&format!("+ create artifact bucket {bucket} (")),
        "{}",
        run.stderr
    );
    // Every hub template is over the 51,200 bytes CloudFormation takes inline, and before the
    // managed bucket exists a dry run has nowhere to put it: the preview says so and asks for
    // nothing, so a first dry run changes nothing at all.
    assert!(
        run.stderr.contains(&format!(
            "note: CloudFormation's view of the hub change is skipped: artifact bucket {bucket} does not exist yet"
        )),
        "{}",
        run.stderr
    );
    let report = json(&run);
    assert_eq!(report["outcome"], "dry_run");
    assert_eq!(report["artifact_bucket"]["action"], "create");
    assert_eq!(report["artifact_bucket"]["created"], false);
    let requests = moto.requests();
    assert_eq!(mutating(&requests), Vec::<String>::new());
    assert!(!support::s3::exists(&moto, &bucket));

    // Once the bucket exists, the preview reads the hub template from it, as the deploy will.
    deploy(&moto, dir.path(), &["--yes", &policy]).assert_code(0);
    let changed = service_managed(
        dir.path(),
        &org,
        "fleet",
        "\n  rollout:\n    max_concurrent: 25%",
    );
    std::fs::write(
        &changed,
        std::fs::read_to_string(&changed).expect("read").replace(
            "name: fleet\n",
            "name: fleet\ndescription: Monthly patching\n",
        ),
    )
    .expect("write");
    moto.clear_requests();
    let again = deploy(&moto, dir.path(), &["--dry-run", &changed]);
    again.assert_code(0);
    assert!(
        again
            .stderr
            .contains("CloudFormation's view of the hub change (change set created, then deleted)"),
        "{}",
        again.stderr
    );
    let requests = moto.requests();
    assert_eq!(
        mutating(&requests),
        vec!["PutObject", "CreateChangeSet", "DeleteChangeSet"]
    );
    template_url(of_action(&requests, "CreateChangeSet")[0], &bucket, "fleet");
}

#[test]
fn a_managed_bucket_left_unconfigured_is_configured_by_the_next_deploy() {
    // A deploy interrupted between CreateBucket and the configuration tag leaves the bucket
    // untagged: the next deploy configures it again instead of trusting it.
    let moto = Moto::start();
    let org = org(&moto);
    let bucket = managed_bucket(support::moto::MANAGEMENT_ACCOUNT);
    assert!(
        support::moto::http_put(moto.port(), &format!("/{bucket}")),
        "bucket created"
    );
    let dir = tempfile::tempdir().expect("tmp");
    let policy = self_managed(dir.path(), &org, "solo", &["dev-1"]);
    moto.clear_requests();
    let run = deploy(&moto, dir.path(), &["--yes", "--output", "json", &policy]);
    run.assert_code(0);
    assert!(
        run.stderr
            .contains(&format!("~ configure artifact bucket {bucket} (")),
        "{}",
        run.stderr
    );
    let report = json(&run);
    assert_eq!(report["artifact_bucket"]["action"], "configure");
    assert_eq!(report["artifact_bucket"]["created"], false);
    let writes = mutating(&moto.requests());
    assert!(!writes.contains(&"CreateBucket".to_owned()), "{writes:?}");
    assert_eq!(
        writes[..7],
        [
            "PutPublicAccessBlock",
            "PutBucketOwnershipControls",
            "PutBucketEncryption",
            "PutBucketVersioning",
            "PutBucketPolicy",
            "PutBucketLifecycleConfiguration",
            "PutBucketTagging",
        ],
        "{writes:?}"
    );
    assert_eq!(support::s3::settings(&moto, &bucket).encryption, ["AES256"]);
}

#[test]
fn without_a_terminal_and_without_yes_it_refuses() {
    let moto = Moto::start();
    let org = org(&moto);
    let dir = tempfile::tempdir().expect("tmp");
    let policy = service_managed(dir.path(), &org, "fleet", "");
    let run = deploy(&moto, dir.path(), &[&policy]);
    run.assert_code(2);
    assert!(run.stderr.contains("pass --yes"), "{}", run.stderr);
    assert_eq!(mutating(&moto.requests()), Vec::<String>::new());
}

#[test]
fn preflight_names_unknown_ids_and_the_wrong_account() {
    let moto = Moto::start();
    let org = org(&moto);
    let dir = tempfile::tempdir().expect("tmp");
    let organization = format!(
        "  targets:\n    organizational_units: [{}, ou-zzzz-99999999]\n  regions: [us-east-1]",
        org.ou("NonProd")
    );
    let waves = format!(
        "  - name: one\n    targets:\n      organizational_units: [{}]\n",
        org.ou("Prod")
    );
    let policy = support::policy::write(dir.path(), "bad", &organization, &waves);
    let run = deploy(
        &moto,
        dir.path(),
        &["--yes", policy.to_str().expect("utf-8")],
    );
    run.assert_code(2);
    assert!(
        run.stderr.contains("`ou-zzzz-99999999` does not exist"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains(&format!("Prod ({}) is not one of", org.ou("Prod"))),
        "{}",
        run.stderr
    );
    assert_eq!(mutating(&moto.requests()), Vec::<String>::new());
}

#[test]
fn delegated_admin_from_the_management_account_is_refused_before_any_stack_set_call() {
    // With moto's default (management) credentials; a member account's deploy is tested below.
    let moto = Moto::start();
    let org = org(&moto);
    let dir = tempfile::tempdir().expect("tmp");
    let policy = service_managed(dir.path(), &org, "deleg", "\n  call_as: delegated_admin");
    let run = deploy(&moto, dir.path(), &["--yes", &policy]);
    // The caller is moto's management account, which preflight refuses for delegated_admin.
    run.assert_code(2);
    assert!(
        run.stderr.contains("is the management account"),
        "{}",
        run.stderr
    );
    assert!(
        !moto
            .requests()
            .iter()
            .any(|r| r.action.contains("StackSet") || r.action.contains("StackInstances"))
    );
}

#[test]
fn a_hub_that_is_not_systems_managers_delegated_administrator_is_refused_before_any_change() {
    // Waves that target OUs start automations across the organization: only the management
    // account or a Systems Manager delegated administrator may.
    let moto = Moto::start();
    let spec = OrgSpec::new()
        .unit("Tooling", None)
        .unit("Workloads", None)
        .unit("Canary", Some("Workloads"))
        .unit("NonProd", Some("Workloads"))
        .unit("Prod", Some("Workloads"))
        .account("deployer", "Tooling")
        .account("canary-1", "Canary")
        .account("dev-1", "NonProd")
        .account("prod-1", "Prod");
    let org = support::org::seed(&moto, &spec);
    let deployer = org.account("deployer").to_owned();
    let (key, secret, token) = support::org::assume_role(&moto, &deployer, "patchform-deployer");
    let proxy = support::OrgViewProxy::start(moto.port());
    let dir = tempfile::tempdir().expect("tmp");
    let policy = service_managed_from(
        dir.path(),
        &org,
        "deleg",
        "\n  call_as: delegated_admin",
        &deployer,
    );
    let env = member_env(&proxy, key, secret, token);
    moto.clear_requests();
    let run = support::patchform_with_env(
        &moto,
        "us-east-1",
        dir.path(),
        &["deploy", "--yes", &policy],
        LIMIT,
        &env,
    );
    run.assert_code(2);
    assert!(
        run.stderr.contains(&format!(
            "account {deployer} is neither the management account nor a delegated administrator for Systems Manager"
        )) && run.stderr.contains("--service-principal ssm.amazonaws.com"),
        "{}",
        run.stderr
    );
    assert_eq!(mutating(&moto.requests()), Vec::<String>::new());
}

#[test]
fn delegated_admin_from_a_member_account_sends_call_as_delegated_admin() {
    // moto answers each request as the account of its access key, and keys from STS AssumeRole
    // belong to the role's account: with them deploy runs as the member account `deployer`.
    // moto cannot register a StackSets delegated administrator (ListDelegatedAdministrators
    // rejects the StackSets principal), so preflight notes it cannot confirm the registration
    // and the StackSets calls decide. Organizations calls go through OrgViewProxy because moto
    // does not show a member account the organization's OUs; see docs/deploy.md.
    let moto = Moto::start();
    let spec = OrgSpec::new()
        .unit("Tooling", None)
        .unit("Workloads", None)
        .unit("Canary", Some("Workloads"))
        .unit("NonProd", Some("Workloads"))
        .unit("Prod", Some("Workloads"))
        .account("deployer", "Tooling")
        .account("canary-1", "Canary")
        .account("dev-1", "NonProd")
        .account("prod-1", "Prod");
    let org = support::org::seed(&moto, &spec);
    let deployer = org.account("deployer").to_owned();
    // its waves target OUs: the hub must be Systems Manager's delegated administrator
    support::org::register_delegated_administrator(&moto, &deployer, "ssm.amazonaws.com");
    let (key, secret, token) = support::org::assume_role(&moto, &deployer, "patchform-deployer");
    let proxy = support::OrgViewProxy::start(moto.port());
    let dir = tempfile::tempdir().expect("tmp");
    let policy = service_managed_from(
        dir.path(),
        &org,
        "deleg",
        "\n  call_as: delegated_admin",
        &deployer,
    );
    let env = member_env(&proxy, key, secret, token);
    let run = support::patchform_with_env(
        &moto,
        "us-east-1",
        dir.path(),
        &["deploy", "--yes", "--output", "json", &policy],
        LIMIT,
        &env,
    );
    // Preflight could not confirm the registration, said so, and went on.
    assert!(
        run.stderr.contains(&format!(
            "cannot confirm that {deployer} is a delegated administrator for StackSets"
        )),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    let requests = moto.requests();
    let stack_set_calls: Vec<&Request> = requests
        .iter()
        .filter(|r| r.action.contains("StackSet") || r.action.contains("StackInstances"))
        .collect();
    let create = stack_set_calls
        .iter()
        .find(|r| r.action == "CreateStackSet")
        .expect("CreateStackSet reached moto");
    // The managed bucket is the hub account's: the delegated administrator's own.
    template_url(create, &managed_bucket(&deployer), "deleg");
    assert_eq!(
        create.param("PermissionModel").as_deref(),
        Some("SERVICE_MANAGED")
    );
    assert!(
        stack_set_calls
            .iter()
            .any(|r| r.action == "CreateStackInstances"),
        "{:?}",
        stack_set_calls
            .iter()
            .map(|r| &r.action)
            .collect::<Vec<_>>()
    );
    for call in &stack_set_calls {
        assert_eq!(
            call.param("CallAs").as_deref(),
            Some("DELEGATED_ADMIN"),
            "{} {}",
            call.action,
            call.body
        );
    }
    // moto accepts the calls but resolves the OUs in the caller's own (empty) organization view,
    // so no instance is made: deploy must exit 1 (partial) and say why for each pair.
    run.assert_code(1);
    let report = json(&run);
    assert_eq!(report["outcome"], "partial");
    assert_eq!(report["stack_set"]["action"], "create");
    assert!(
        run.stderr
            .contains("every operation succeeded but the stack set has no instance here"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&format!(
            "canary-1 ({}) in us-east-1: missing",
            org.account("canary-1")
        )),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("partially deployed"), "{}", run.stderr);
}

#[test]
fn a_self_managed_stack_set_deploys_to_two_regions_with_iam_roles_once() {
    // IAM is global: the spoke template creates its roles only in the first spoke region (a
    // Condition), so a second region of the same account must not collide on the role names.
    let moto = Moto::start();
    let org = org(&moto);
    let dev = org.account("dev-1").to_owned();
    let dir = tempfile::tempdir().expect("tmp");
    let policy = self_managed_in(
        dir.path(),
        &org,
        "duo",
        &["dev-1"],
        &["us-east-1", "us-west-2"],
    );
    let run = deploy(&moto, dir.path(), &["--yes", "--output", "json", &policy]);
    run.assert_code(0);
    let report = json(&run);
    assert_eq!(report["outcome"], "deployed");
    let instances = report["instances"].as_array().expect("instances");
    let mut regions: Vec<&str> = instances
        .iter()
        .map(|i| {
            assert_eq!(i["account"], dev.as_str(), "{i}");
            assert_eq!(i["status"], "current", "{i}");
            i["region"].as_str().expect("region")
        })
        .collect();
    regions.sort_unstable();
    assert_eq!(regions, ["us-east-1", "us-west-2"]);

    // moto made one stack per region in dev-1 (self-managed instances are real stacks there);
    // the roles belong to the us-east-1 stack only.
    let credentials = support::org::assume_role(&moto, &dev, "stackset-execution");
    let runtime = support::org::runtime();
    let roles_in = |region: &str| -> Vec<String> {
        let client = support::org::cloudformation_client_as(&moto, region, &credentials);
        runtime.block_on(async {
            let stacks = client
                .describe_stacks()
                .send()
                .await
                .expect("DescribeStacks");
            let stack = stacks
                .stacks()
                .iter()
                .find(|s| s.stack_name().is_some_and(|n| n.contains("duo-spoke")))
                .unwrap_or_else(|| panic!("no spoke stack in {region}: {stacks:?}"));
            let resources = client
                .describe_stack_resources()
                .stack_name(stack.stack_name().expect("name"))
                .send()
                .await
                .expect("DescribeStackResources");
            resources
                .stack_resources()
                .iter()
                .filter(|r| r.resource_type() == Some("AWS::IAM::Role"))
                .filter_map(|r| r.physical_resource_id().map(str::to_owned))
                .collect()
        })
    };
    let first = roles_in("us-east-1");
    assert!(!first.is_empty(), "the first region has the IAM roles");
    assert_eq!(roles_in("us-west-2"), Vec::<String>::new());

    // IAM's own view (moto's model data): each spoke role exists once in dev-1.
    let data: serde_json::Value = serde_json::from_str(
        &support::moto::http_get(moto.port(), "/moto-api/data.json").expect("moto data"),
    )
    .expect("json");
    let arns: Vec<&str> = data["iam"]["Role"]
        .as_array()
        .expect("IAM roles")
        .iter()
        .filter_map(|r| r["arn"].as_str())
        .filter(|arn| arn.starts_with(&format!("arn:aws:iam::{dev}:role/duo-")))
        .collect();
    assert_eq!(arns.len(), first.len(), "{arns:?}");
    for name in &first {
        assert_eq!(
            arns.iter()
                .filter(|a| a.ends_with(&format!("/{name}")))
                .count(),
            1,
            "{name} in {arns:?}"
        );
    }
}
