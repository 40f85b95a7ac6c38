// Reading a bucket's settings back from moto through the S3 SDK, to check what deploy configured.

use super::moto::Moto;
use super::org::runtime;
use aws_sdk_s3::config::{BehaviorVersion, Credentials, Region};

/// An S3 client for the emulator (path style, dummy credentials of the management account).
pub(crate) fn client(moto: &Moto) -> aws_sdk_s3::Client {
    let config = aws_sdk_s3::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .endpoint_url(moto.endpoint())
        .region(Region::new("us-east-1"))
        .force_path_style(true)
        .credentials_provider(Credentials::new("testing", "testing", None, None, "tests"))
        .http_client(aws_smithy_http_client::Builder::new().build_http())
        .build();
    aws_sdk_s3::Client::from_conf(config)
}

/// Whether a bucket of that name exists (HeadBucket answers 200).
pub(crate) fn exists(moto: &Moto, bucket: &str) -> bool {
    runtime()
        .block_on(client(moto).head_bucket().bucket(bucket).send())
        .is_ok()
}

/// What a bucket is configured with, as S3 reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Settings {
    /// GetBucketVersioning Status (`Enabled`).
    pub versioning: Option<String>,
    /// Default encryption algorithms (`AES256`).
    pub encryption: Vec<String>,
    /// BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets.
    pub public_access_block: [Option<bool>; 4],
    /// ObjectOwnership of each ownership rule (`BucketOwnerEnforced`).
    pub ownership: Vec<String>,
    /// The bucket policy.
    pub policy: serde_json::Value,
    /// Lifecycle rules: (ID, status, noncurrent days, days before aborting an upload).
    pub lifecycle: Vec<(String, String, Option<i32>, Option<i32>)>,
    /// Tags, sorted by key.
    pub tags: Vec<(String, String)>,
}

/// Read every setting deploy manages; panics when one is missing.
pub(crate) fn settings(moto: &Moto, bucket: &str) -> Settings {
    let s3 = client(moto);
    runtime().block_on(async {
        // moto answers GetBucketVersioning with a root element the SDK refuses
        // (GetBucketVersioningResponse, not VersioningConfiguration): read the XML.
        let versioning = super::moto::http_get(moto.port(), &format!("/{bucket}?versioning"))
            .expect("GetBucketVersioning");
        let encryption = s3
            .get_bucket_encryption()
            .bucket(bucket)
            .send()
            .await
            .expect("GetBucketEncryption");
        let block = s3
            .get_public_access_block()
            .bucket(bucket)
            .send()
            .await
            .expect("GetPublicAccessBlock");
        let ownership = s3
            .get_bucket_ownership_controls()
            .bucket(bucket)
            .send()
            .await
            .expect("GetBucketOwnershipControls");
        let policy = s3
            .get_bucket_policy()
            .bucket(bucket)
            .send()
            .await
            .expect("GetBucketPolicy");
        let lifecycle = s3
            .get_bucket_lifecycle_configuration()
            .bucket(bucket)
            .send()
            .await
            .expect("GetBucketLifecycleConfiguration");
        let tags = s3
            .get_bucket_tagging()
            .bucket(bucket)
            .send()
            .await
            .expect("GetBucketTagging");
        let block = block
            .public_access_block_configuration()
            .expect("PublicAccessBlockConfiguration");
        let mut tags: Vec<(String, String)> = tags
            .tag_set()
            .iter()
            .map(|t| (t.key().to_owned(), t.value().to_owned()))
            .collect();
        tags.sort();
        Settings {
            versioning: versioning
                .split_once("<Status>")
                .and_then(|(_, rest)| rest.split_once("</Status>"))
                .map(|(status, _)| status.to_owned()),
            encryption: encryption
                .server_side_encryption_configuration()
                .map(|c| c.rules())
                .unwrap_or_default()
                .iter()
                .filter_map(|r| r.apply_server_side_encryption_by_default())
                .map(|d| d.sse_algorithm().as_str().to_owned())
                .collect(),
            public_access_block: [
                block.block_public_acls(),
                block.ignore_public_acls(),
                block.block_public_policy(),
                block.restrict_public_buckets(),
            ],
            ownership: ownership
                .ownership_controls()
                .map(|c| c.rules())
                .unwrap_or_default()
                .iter()
                .map(|r| r.object_ownership().as_str().to_owned())
                .collect(),
            policy: serde_json::from_str(policy.policy().expect("policy text"))
                .expect("policy JSON"),
            lifecycle: lifecycle
                .rules()
                .iter()
                .map(|r| {
                    (
                        r.id().unwrap_or_default().to_owned(),
                        r.status().as_str().to_owned(),
                        r.noncurrent_version_expiration()
                            .and_then(|e| e.noncurrent_days()),
                        r.abort_incomplete_multipart_upload()
                            .and_then(|a| a.days_after_initiation()),
                    )
                })
                .collect(),
            tags,
        }
    })
}
