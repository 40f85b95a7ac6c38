// The artifact bucket templates travel through: patchform's managed one (checked, created, configured) or --artifact-bucket.
//
// Without `--artifact-bucket`, deploy uses `patchform-artifacts-<account>-<region>` in the hub
// account and region, like CDK bootstrap's and SAM's buckets. Preflight only reads (HeadBucket
// with ExpectedBucketOwner, GetBucketTagging); the bucket is created and configured when a deploy
// is applied and has a template to send, never in a dry run. The configuration tag is set last,
// so a set-up that was interrupted is finished by the next deploy.

use super::console::Console;
use super::error::DeployError;
use super::problem::Problem;
use crate::aws::{
    ArtifactStore, AwsError, Backoff, BucketLocation, BucketRef, LifecycleRule, partition, retry,
};
use std::time::Duration;

/// The managed bucket's name before `-<account>-<region>`.
pub(super) const MANAGED_PREFIX: &str = "patchform-artifacts";
/// The tag a managed bucket carries once fully configured, with the configuration's version.
pub(super) const CONFIGURED_TAG: &str = "patchform:artifact-bucket";
/// The version of the managed configuration below; a bucket tagged otherwise is configured again.
pub(super) const CONFIGURED_VERSION: &str = "1";
/// Days an overwritten or deleted object version is kept.
pub(super) const NONCURRENT_DAYS: i32 = 30;
/// Days before an unfinished multipart upload is aborted.
pub(super) const ABORT_MULTIPART_DAYS: i32 = 7;
/// How the plan describes the managed configuration.
pub(super) const PROPERTIES: &str =
    "versioned, encrypted, public access blocked, TLS only, lifecycle";

/// The managed bucket of an account and region.
pub(super) fn managed_name(account: &str, region: &str) -> String {
    format!("{MANAGED_PREFIX}-{account}-{region}")
}

/// What a bucket needs before templates can be uploaded to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum BucketAction {
    /// The managed bucket does not exist: create and configure it.
    Create,
    /// The managed bucket exists without the configuration tag (an interrupted set-up, or an
    /// older configuration): configure it.
    Configure,
    /// Ready (always, for `--artifact-bucket`).
    None,
}

/// The bucket this deploy sends templates through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ArtifactBucket {
    /// Bucket name.
    pub name: String,
    /// The hub region, where it is (CloudFormation reads templates from the stack's region).
    pub region: String,
    /// patchform's own bucket, not `--artifact-bucket`.
    pub managed: bool,
    /// The account that must own it (ExpectedBucketOwner): the hub account for the managed
    /// bucket; `None` for the operator's, which may be shared from another account.
    pub owner: Option<String>,
    /// What it needs before the first upload.
    pub needs: BucketAction,
}

impl ArtifactBucket {
    /// Name and expected owner, for the S3 calls.
    pub(super) fn reference(&self) -> BucketRef<'_> {
        BucketRef {
            name: &self.name,
            owner: self.owner.as_deref(),
        }
    }
}

/// Preflight, read-only: the operator's bucket (`operator`) must exist in `region` and be usable;
/// the managed bucket of `account` may be missing (it is created on apply) but must be ours and
/// in `region`. `Ok(Err(problem))` is a preflight problem with what to do.
pub(super) async fn check(
    api: &impl ArtifactStore,
    operator: Option<&str>,
    account: &str,
    region: &str,
) -> Result<Result<ArtifactBucket, Problem>, DeployError> {
    if let Some(name) = operator {
        let location = api.bucket_location(BucketRef { name, owner: None }).await?;
        return Ok(match operator_problem(name, region, &location) {
            Some(problem) => Err(problem),
            None => Ok(ArtifactBucket {
                name: name.to_owned(),
                region: region.to_owned(),
                managed: false,
                owner: None,
                needs: BucketAction::None,
            }),
        });
    }
    let mut bucket = ArtifactBucket {
        name: managed_name(account, region),
        region: region.to_owned(),
        managed: true,
        owner: Some(account.to_owned()),
        needs: BucketAction::Create,
    };
    let location = api.bucket_location(bucket.reference()).await?;
    if let Some(problem) = managed_problem(&bucket.name, account, region, &location) {
        return Ok(Err(problem));
    }
    if location == BucketLocation::Missing {
        return Ok(Ok(bucket));
    }
    let tags = match api.bucket_tags(bucket.reference()).await {
        Ok(tags) => tags,
        Err(e) if is_denied(&e) => {
            return Ok(Err(Problem::new(
                format!(
                    "cannot read the tags of artifact bucket `{}` ({e})",
                    bucket.name
                ),
                "allow these credentials s3:GetBucketTagging on it (deploy reads whether it finished configuring the bucket), or pass --artifact-bucket BUCKET",
            )));
        }
        Err(e) => return Err(e.into()),
    };
    let configured = tags
        .iter()
        .any(|(k, v)| k == CONFIGURED_TAG && v == CONFIGURED_VERSION);
    bucket.needs = if configured {
        BucketAction::None
    } else {
        BucketAction::Configure
    };
    Ok(Ok(bucket))
}

/// What is wrong with the operator's bucket for a hub in `region`, with what to do; `None` when
/// it is usable. patchform never creates or configures it.
pub(super) fn operator_problem(
    bucket: &str,
    region: &str,
    location: &BucketLocation,
) -> Option<Problem> {
    let create = format!(
        "create it in the hub region with `aws s3 mb s3://{bucket} --region {region}` and give the organization read access (docs/deploy.md), pass another --artifact-bucket, or leave the flag out to use patchform's own bucket"
    );
    match location {
        BucketLocation::Region(found) if found == region => None,
        BucketLocation::Region(found) => Some(Problem::new(
            format!(
                "artifact bucket `{bucket}` is in {found}, but the hub region is {region}; CloudFormation reads templates from a bucket in the stack's region"
            ),
            create,
        )),
        BucketLocation::Missing => Some(Problem::new(
            format!(
                "artifact bucket `{bucket}` does not exist (patchform creates only its own bucket, not one named by --artifact-bucket)"
            ),
            create,
        )),
        BucketLocation::Forbidden(why) => Some(Problem::new(
            format!("cannot use artifact bucket `{bucket}`: {why}"),
            format!(
                "the bucket must belong to you and be in {region}; allow these credentials s3:ListBucket, s3:GetBucketLocation, s3:GetObject and s3:PutObject on it"
            ),
        )),
    }
}

/// What is wrong with the managed bucket `name` of `account`, with what to do; `None` when it
/// exists in `region` or does not exist yet.
pub(super) fn managed_problem(
    name: &str,
    account: &str,
    region: &str,
    location: &BucketLocation,
) -> Option<Problem> {
    let elsewhere = format!(
        "pass --artifact-bucket BUCKET (an existing bucket of yours in {region}); patchform then uses that bucket and creates none"
    );
    match location {
        BucketLocation::Missing => None,
        BucketLocation::Region(found) if found == region => None,
        BucketLocation::Region(found) => Some(Problem::new(
            format!(
                "artifact bucket `{name}` exists in {found}, not in the hub region {region}; CloudFormation reads templates from a bucket in the stack's region"
            ),
            elsewhere,
        )),
        BucketLocation::Forbidden(why) => Some(Problem::new(
            format!(
                "artifact bucket `{name}` exists but is not usable by account {account} ({why}): another account owns it (S3 bucket names are global), or these credentials may not use it"
            ),
            format!(
                "{elsewhere}; if the bucket is yours, allow these credentials s3:ListBucket on it"
            ),
        )),
    }
}

/// The bucket policy of the managed bucket: the organization may read patchform's templates
/// (StackSets reads a stack set's TemplateURL for the administrator and the target accounts),
/// and every request without TLS is denied. The grant is conditioned on the organization, so
/// Block Public Access does not count it as public.
pub(super) fn policy_document(bucket: &str, region: &str, organization: &str) -> String {
    let arn = format!("arn:{}:s3:::{bucket}", partition(region));
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "OrganizationReadsPatchformTemplates",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": format!("{arn}/patchform/*"),
                "Condition": { "StringEquals": { "aws:PrincipalOrgID": organization } }
            },
            {
                "Sid": "TlsOnly",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [arn.clone(), format!("{arn}/*")],
                "Condition": { "Bool": { "aws:SecureTransport": "false" } }
            }
        ]
    })
    .to_string()
}

/// The managed bucket's lifecycle: keys are content-addressed, so current objects are never
/// overwritten and stay (the record of what was deployed); old versions and abandoned uploads go.
pub(super) fn lifecycle_rule() -> LifecycleRule {
    LifecycleRule {
        id: "patchform-noncurrent-versions-and-incomplete-uploads".to_owned(),
        noncurrent_days: NONCURRENT_DAYS,
        abort_multipart_days: ABORT_MULTIPART_DAYS,
    }
}

/// Create (for [`BucketAction::Create`]) and configure the managed bucket: public access block,
/// bucket-owner-enforced ownership, SSE-S3 encryption, versioning, the policy, the lifecycle
/// rule, and last the configuration tag. Every step is idempotent. Returns whether this call
/// created the bucket.
pub(super) async fn set_up(
    api: &impl ArtifactStore,
    bucket: &ArtifactBucket,
    organization: &str,
    console: &mut Console<'_>,
) -> Result<bool, DeployError> {
    let name = bucket.name.as_str();
    let verb = match bucket.needs {
        BucketAction::None => return Ok(false),
        BucketAction::Create => "create",
        BucketAction::Configure => "configure",
    };
    console.step(&format!("Artifact bucket {name}: {verb} ({PROPERTIES})"))?;
    let mut created = false;
    if bucket.needs == BucketAction::Create {
        created = api
            .create_bucket(name, &bucket.region)
            .await
            .map_err(|e| set_up_failed(name, "CreateBucket", &e))?;
        if !created {
            console.line("it already exists and belongs to this account: configuring it")?;
        }
    }
    let at = bucket.reference();
    // Right after CreateBucket, S3 may still answer NoSuchBucket for a moment.
    let settle = |e: &AwsError| e.code() == Some("NoSuchBucket");
    let patience = Backoff {
        attempts: 5,
        initial: Duration::from_secs(1),
        max: Duration::from_secs(8),
    };
    retry(patience, settle, || api.block_public_access(at))
        .await
        .map_err(|e| set_up_failed(name, "PutPublicAccessBlock", &e))?;
    retry(patience, settle, || api.enforce_bucket_owner(at))
        .await
        .map_err(|e| set_up_failed(name, "PutBucketOwnershipControls", &e))?;
    retry(patience, settle, || api.encrypt_with_s3_keys(at))
        .await
        .map_err(|e| set_up_failed(name, "PutBucketEncryption", &e))?;
    retry(patience, settle, || api.enable_versioning(at))
        .await
        .map_err(|e| set_up_failed(name, "PutBucketVersioning", &e))?;
    let policy = policy_document(name, &bucket.region, organization);
    retry(patience, settle, || api.put_bucket_policy(at, &policy))
        .await
        .map_err(|e| set_up_failed(name, "PutBucketPolicy", &e))?;
    let rule = lifecycle_rule();
    retry(patience, settle, || api.put_lifecycle(at, &rule))
        .await
        .map_err(|e| set_up_failed(name, "PutBucketLifecycleConfiguration", &e))?;
    let tags = [(CONFIGURED_TAG.to_owned(), CONFIGURED_VERSION.to_owned())];
    retry(patience, settle, || api.put_bucket_tags(at, &tags))
        .await
        .map_err(|e| set_up_failed(name, "PutBucketTagging", &e))?;
    console.line(&format!(
        "{} s3://{name}: versioning on, SSE-S3 (AES256) encryption, all public access blocked, ACLs off (bucket owner enforced), policy denying requests without TLS and letting organization {organization} read patchform/*, noncurrent versions expire after {NONCURRENT_DAYS} days, incomplete uploads aborted after {ABORT_MULTIPART_DAYS} days",
        if created { "created" } else { "configured" }
    ))?;
    Ok(created)
}

/// A set-up step failed: which, why, and what to do (the next deploy finishes the set-up).
fn set_up_failed(bucket: &str, operation: &str, error: &AwsError) -> DeployError {
    let help = if error.code() == Some("BucketAlreadyExists") {
        format!(
            "another account owns a bucket named `{bucket}` (S3 bucket names are global); pass --artifact-bucket BUCKET (an existing bucket of yours in the hub region)"
        )
    } else if is_denied(error) {
        "allow these credentials s3:CreateBucket, s3:PutBucketPublicAccessBlock, s3:PutBucketOwnershipControls, s3:PutEncryptionConfiguration, s3:PutBucketVersioning, s3:PutBucketPolicy, s3:PutLifecycleConfiguration and s3:PutBucketTagging, or pass --artifact-bucket BUCKET; then run deploy again (it finishes the set-up)".to_owned()
    } else {
        "run deploy again: it finishes the set-up (every step is idempotent)".to_owned()
    };
    // A transport or credentials failure is fixed the way its own help says; the rest here.
    DeployError::ArtifactBucket(Problem::new(
        format!(
            "setting up artifact bucket `{bucket}` stopped at {operation}; no stack was changed: {error}"
        ),
        error.help().unwrap_or(help),
    ))
}

/// Access denied (S3 says `AccessDenied`, or 403 `Forbidden` from a HEAD).
fn is_denied(error: &AwsError) -> bool {
    matches!(error.code(), Some("AccessDenied" | "Forbidden"))
}

#[cfg(test)]
pub(crate) mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::output::Output;
    use std::cell::RefCell;
    use std::collections::BTreeSet;

    /// An S3 stand-in: one bucket (or none), its tags and objects, and every call made.
    pub(crate) struct FakeStore {
        pub location: RefCell<BucketLocation>,
        pub tags: RefCell<Vec<(String, String)>>,
        pub objects: RefCell<BTreeSet<String>>,
        pub calls: RefCell<Vec<String>>,
        /// The operation that fails with AccessDenied.
        pub deny: Option<&'static str>,
        pub policy: RefCell<Option<String>>,
    }

    impl FakeStore {
        pub(crate) fn with(location: BucketLocation) -> Self {
            FakeStore {
                location: RefCell::new(location),
                tags: RefCell::new(Vec::new()),
                objects: RefCell::new(BTreeSet::new()),
                calls: RefCell::new(Vec::new()),
                deny: None,
                policy: RefCell::new(None),
            }
        }

        fn call(&self, operation: &'static str) -> Result<(), AwsError> {
            self.calls.borrow_mut().push(operation.to_owned());
            if self.deny == Some(operation) {
                return Err(AwsError::Service {
                    operation,
                    code: "AccessDenied".into(),
                    message: "Access Denied".into(),
                });
            }
            Ok(())
        }

        /// The calls that change something.
        pub(crate) fn writes(&self) -> Vec<String> {
            self.calls
                .borrow()
                .iter()
                .filter(|c| !c.starts_with("Head") && !c.starts_with("Get"))
                .cloned()
                .collect()
        }
    }

    impl ArtifactStore for FakeStore {
        async fn bucket_location(&self, _: BucketRef<'_>) -> Result<BucketLocation, AwsError> {
            self.call("HeadBucket")?;
            Ok(self.location.borrow().clone())
        }
        async fn object_exists(&self, _: BucketRef<'_>, key: &str) -> Result<bool, AwsError> {
            self.call("HeadObject")?;
            Ok(self.objects.borrow().contains(key))
        }
        async fn put_object(&self, _: BucketRef<'_>, key: &str, _: &str) -> Result<(), AwsError> {
            self.call("PutObject")?;
            self.objects.borrow_mut().insert(key.to_owned());
            Ok(())
        }
        async fn bucket_tags(&self, _: BucketRef<'_>) -> Result<Vec<(String, String)>, AwsError> {
            self.call("GetBucketTagging")?;
            Ok(self.tags.borrow().clone())
        }
        async fn create_bucket(&self, _: &str, region: &str) -> Result<bool, AwsError> {
            self.call("CreateBucket")?;
            let existed = *self.location.borrow() != BucketLocation::Missing;
            *self.location.borrow_mut() = BucketLocation::Region(region.to_owned());
            Ok(!existed)
        }
        async fn block_public_access(&self, _: BucketRef<'_>) -> Result<(), AwsError> {
            self.call("PutPublicAccessBlock")
        }
        async fn enforce_bucket_owner(&self, _: BucketRef<'_>) -> Result<(), AwsError> {
            self.call("PutBucketOwnershipControls")
        }
        async fn encrypt_with_s3_keys(&self, _: BucketRef<'_>) -> Result<(), AwsError> {
            self.call("PutBucketEncryption")
        }
        async fn enable_versioning(&self, _: BucketRef<'_>) -> Result<(), AwsError> {
            self.call("PutBucketVersioning")
        }
        async fn put_bucket_policy(&self, _: BucketRef<'_>, policy: &str) -> Result<(), AwsError> {
            self.call("PutBucketPolicy")?;
            *self.policy.borrow_mut() = Some(policy.to_owned());
            Ok(())
        }
        async fn put_lifecycle(&self, _: BucketRef<'_>, _: &LifecycleRule) -> Result<(), AwsError> {
            self.call("PutBucketLifecycleConfiguration")
        }
        async fn put_bucket_tags(
            &self,
            _: BucketRef<'_>,
            tags: &[(String, String)],
        ) -> Result<(), AwsError> {
            self.call("PutBucketTagging")?;
            *self.tags.borrow_mut() = tags.to_vec();
            Ok(())
        }
    }

    pub(crate) fn block_on<T>(future: impl std::future::Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("runtime")
            .block_on(future)
    }

    const ACCOUNT: &str = "123456789012";
    const REGION: &str = "eu-west-1";
    const CONFIGURATION: [&str; 7] = [
        "PutPublicAccessBlock",
        "PutBucketOwnershipControls",
        "PutBucketEncryption",
        "PutBucketVersioning",
        "PutBucketPolicy",
        "PutBucketLifecycleConfiguration",
        "PutBucketTagging",
    ];

    /// The check, with a problem as the operator reads it (message and help).
    fn checked(store: &FakeStore, operator: Option<&str>) -> Result<ArtifactBucket, String> {
        block_on(check(store, operator, ACCOUNT, REGION))
            .expect("no AWS error")
            .map_err(|problem| problem.to_string())
    }

    #[test]
    fn the_managed_bucket_is_named_after_account_and_region_and_fits_s3_names() {
        let name = managed_name(ACCOUNT, "ap-southeast-4");
        assert_eq!(name, "patchform-artifacts-123456789012-ap-southeast-4");
        assert!(name.len() <= 63 && !name.contains('.'), "{name}");
    }

    #[test]
    fn a_missing_managed_bucket_is_created_configured_and_tagged_last() {
        let store = FakeStore::with(BucketLocation::Missing);
        let bucket = checked(&store, None).expect("a missing managed bucket is no problem");
        assert_eq!(bucket.needs, BucketAction::Create);
        assert_eq!(bucket.owner.as_deref(), Some(ACCOUNT));
        assert_eq!(store.writes(), Vec::<String>::new(), "preflight only reads");
        let mut out = Output::discarded();
        let mut console = Console::new(&mut out);
        let created = block_on(set_up(&store, &bucket, "o-abc", &mut console)).expect("set up");
        assert!(created);
        let mut expected = vec!["CreateBucket"];
        expected.extend(CONFIGURATION);
        assert_eq!(store.writes(), expected);

        // Found again, tagged: nothing to do and no write.
        store.calls.borrow_mut().clear();
        let again = checked(&store, None).expect("usable");
        assert_eq!(again.needs, BucketAction::None);
        let mut console = Console::new(&mut out);
        assert!(!block_on(set_up(&store, &again, "o-abc", &mut console)).expect("no-op"));
        assert_eq!(store.writes(), Vec::<String>::new());
    }

    #[test]
    fn an_untagged_managed_bucket_is_configured_without_create() {
        let store = FakeStore::with(BucketLocation::Region(REGION.into()));
        let bucket = checked(&store, None).expect("usable");
        assert_eq!(bucket.needs, BucketAction::Configure);
        let mut out = Output::discarded();
        let mut console = Console::new(&mut out);
        assert!(!block_on(set_up(&store, &bucket, "o-abc", &mut console)).expect("set up"));
        assert_eq!(store.writes(), CONFIGURATION);
    }

    #[test]
    fn a_failed_step_says_where_it_stopped_and_how_to_go_on() {
        let mut store = FakeStore::with(BucketLocation::Missing);
        store.deny = Some("PutBucketPolicy");
        let bucket = checked(&store, None).expect("usable");
        let mut out = Output::discarded();
        let mut console = Console::new(&mut out);
        let error = block_on(set_up(&store, &bucket, "o-abc", &mut console)).expect_err("denied");
        let (message, help) = (error.to_string(), error.help().expect("a help"));
        assert!(message.contains("stopped at PutBucketPolicy"), "{message}");
        assert!(help.contains("s3:PutBucketPolicy"), "{help}");
        assert!(help.contains("run deploy again"), "{help}");
        // The tag comes last, so the next preflight sees an unfinished bucket.
        assert!(store.tags.borrow().is_empty());
        assert_eq!(
            checked(&store, None).expect("usable").needs,
            BucketAction::Configure
        );
    }

    #[test]
    fn someone_elses_managed_bucket_name_is_a_problem_naming_the_flag() {
        let store = FakeStore::with(BucketLocation::Forbidden(
            "HeadBucket was denied (403)".into(),
        ));
        let problem = checked(&store, None).expect_err("403");
        assert!(problem.contains("another account owns it"), "{problem}");
        assert!(
            problem.contains("pass --artifact-bucket BUCKET"),
            "{problem}"
        );
        let store = FakeStore::with(BucketLocation::Region("us-east-1".into()));
        let problem = checked(&store, None).expect_err("elsewhere");
        assert!(problem.contains("exists in us-east-1"), "{problem}");
    }

    #[test]
    fn the_operators_bucket_is_only_checked() {
        let store = FakeStore::with(BucketLocation::Region(REGION.into()));
        let bucket = checked(&store, Some("ops")).expect("usable");
        assert_eq!(bucket.needs, BucketAction::None);
        assert!(!bucket.managed);
        assert_eq!(bucket.owner, None);
        assert_eq!(*store.calls.borrow(), vec!["HeadBucket"]);
        let store = FakeStore::with(BucketLocation::Missing);
        let problem = checked(&store, Some("ops")).expect_err("missing");
        assert!(problem.contains("does not exist"), "{problem}");
        assert!(
            problem.contains("aws s3 mb s3://ops --region eu-west-1"),
            "{problem}"
        );
    }

    #[test]
    fn operator_bucket_problems_say_what_to_do() {
        let elsewhere = operator_problem(
            "ops",
            "eu-west-1",
            &BucketLocation::Region("us-east-1".into()),
        )
        .expect("wrong region")
        .to_string();
        assert!(elsewhere.contains("is in us-east-1"), "{elsewhere}");
        let denied = operator_problem("ops", "eu-west-1", &BucketLocation::Forbidden("403".into()))
            .expect("denied")
            .to_string();
        assert!(denied.contains("s3:PutObject"), "{denied}");
    }

    #[test]
    fn the_policy_lets_the_organization_read_templates_and_denies_plain_http() {
        let text = policy_document("b", "cn-north-1", "o-abc");
        let policy: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        let read = &policy["Statement"][0];
        assert_eq!(read["Effect"], "Allow");
        assert_eq!(read["Action"], "s3:GetObject");
        assert_eq!(read["Resource"], "arn:aws-cn:s3:::b/patchform/*");
        assert_eq!(
            read["Condition"]["StringEquals"]["aws:PrincipalOrgID"],
            "o-abc"
        );
        let tls = &policy["Statement"][1];
        assert_eq!(tls["Effect"], "Deny");
        assert_eq!(tls["Condition"]["Bool"]["aws:SecureTransport"], "false");
        assert_eq!(
            tls["Resource"],
            serde_json::json!(["arn:aws-cn:s3:::b", "arn:aws-cn:s3:::b/*"])
        );
    }
}
