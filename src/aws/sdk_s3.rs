// S3 through the SDK: check, create and configure the artifact bucket, upload templates by content.

use super::error::AwsError;
use super::model::{BucketLocation, BucketRef, LifecycleRule};
use super::sdk::{Aws, sorted};
use super::traits::ArtifactStore;
use aws_sdk_s3::config::http::HttpResponse;
use aws_sdk_s3::error::{BuildError, SdkError};
use aws_sdk_s3::operation::create_bucket::CreateBucketError;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types as s3;
use sha2::{Digest, Sha256};

/// The key of a template body: `patchform/<policy>/<sha256 of the body>.yaml`. The same body
/// always has the same key, so an upload is never repeated and never overwrites another body.
pub fn template_key(policy: &str, body: &str) -> String {
    let digest: String = Sha256::digest(body.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("patchform/{policy}/{digest}.yaml")
}

/// The https URL CloudFormation reads an object from (TemplateURL): virtual-hosted style
/// `https://<bucket>.s3.<region>.amazonaws.com/<key>`; path style for bucket names with dots
/// (they do not match the TLS certificate as host names).
pub fn object_url(bucket: &str, region: &str, key: &str) -> String {
    let domain = if partition(region) == "aws-cn" {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    };
    if bucket.contains('.') {
        format!("https://s3.{region}.{domain}/{bucket}/{key}")
    } else {
        format!("https://{bucket}.s3.{region}.{domain}/{key}")
    }
}

/// The ARN partition of a region: `aws-cn` for China, `aws-us-gov` for GovCloud, else `aws`.
pub fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

/// GetBucketLocation's LocationConstraint → region: empty is us-east-1, `EU` is eu-west-1.
fn region_of_constraint(constraint: Option<&str>) -> String {
    match constraint {
        None | Some("") => "us-east-1".to_owned(),
        Some("EU") => "eu-west-1".to_owned(),
        Some(region) => region.to_owned(),
    }
}

/// HEAD answers carry no error body: classify by HTTP status (and the region header of a
/// redirect), everything else like any other SDK error.
enum Head {
    NotFound,
    Forbidden,
    Moved(Option<String>),
    Other(AwsError),
}

fn head_error<E>(operation: &'static str, error: SdkError<E, HttpResponse>) -> Head
where
    E: aws_sdk_s3::error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    if let SdkError::ServiceError(context) = &error {
        let raw = context.raw();
        let region = raw.headers().get("x-amz-bucket-region").map(str::to_owned);
        match raw.status().as_u16() {
            404 => return Head::NotFound,
            403 => return Head::Forbidden,
            301 | 307 | 400 if region.is_some() => return Head::Moved(region),
            _ => {}
        }
    }
    Head::Other(AwsError::from_sdk(operation, error))
}

/// A request structure the SDK refused to build (a required field missing): a bug, reported.
fn unbuildable(operation: &'static str, error: BuildError) -> AwsError {
    AwsError::Unexpected {
        operation,
        message: format!("cannot build the request: {error}"),
    }
}

impl ArtifactStore for Aws {
    async fn bucket_location(&self, bucket: BucketRef<'_>) -> Result<BucketLocation, AwsError> {
        let head = self
            .s3
            .head_bucket()
            .bucket(bucket.name)
            .set_expected_bucket_owner(bucket.owner.map(str::to_owned))
            .send()
            .await;
        match head {
            Ok(out) => {
                if let Some(region) = out.bucket_region() {
                    return Ok(BucketLocation::Region(region.to_owned()));
                }
            }
            Err(e) => match head_error("HeadBucket", e) {
                Head::NotFound => return Ok(BucketLocation::Missing),
                Head::Forbidden => {
                    return Ok(BucketLocation::Forbidden(
                        "HeadBucket was denied (403)".to_owned(),
                    ));
                }
                Head::Moved(Some(region)) => return Ok(BucketLocation::Region(region)),
                Head::Moved(None) => {
                    return Ok(BucketLocation::Forbidden(
                        "S3 answered from another region without naming it".to_owned(),
                    ));
                }
                Head::Other(e) => return Err(e),
            },
        }
        // HeadBucket did not name the region (older endpoints): ask for it.
        let out = self
            .s3
            .get_bucket_location()
            .bucket(bucket.name)
            .set_expected_bucket_owner(bucket.owner.map(str::to_owned))
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("GetBucketLocation", e))?;
        Ok(BucketLocation::Region(region_of_constraint(
            out.location_constraint().map(|c| c.as_str()),
        )))
    }

    async fn object_exists(&self, bucket: BucketRef<'_>, key: &str) -> Result<bool, AwsError> {
        let name = bucket.name;
        let head = self
            .s3
            .head_object()
            .bucket(name)
            .key(key)
            .set_expected_bucket_owner(bucket.owner.map(str::to_owned))
            .send()
            .await;
        match head {
            Ok(_) => Ok(true),
            Err(e) => match head_error("HeadObject", e) {
                Head::NotFound => Ok(false),
                Head::Forbidden => Err(AwsError::Service {
                    operation: "HeadObject",
                    code: "Forbidden".to_owned(),
                    message: format!(
                        "access denied to s3://{name}/{key} (S3 also answers 403 for a missing object when s3:ListBucket is not allowed); allow s3:ListBucket, s3:GetObject and s3:PutObject on the bucket"
                    ),
                }),
                Head::Moved(_) => Err(AwsError::Service {
                    operation: "HeadObject",
                    code: "PermanentRedirect".to_owned(),
                    message: format!("bucket {name} is not in this region"),
                }),
                Head::Other(e) => Err(e),
            },
        }
    }

    async fn put_object(
        &self,
        bucket: BucketRef<'_>,
        key: &str,
        body: &str,
    ) -> Result<(), AwsError> {
        self.s3
            .put_object()
            .bucket(bucket.name)
            .key(key)
            .set_expected_bucket_owner(bucket.owner.map(str::to_owned))
            .content_type("application/x-yaml")
            .body(ByteStream::from(body.as_bytes().to_vec()))
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("PutObject", e))?;
        Ok(())
    }

    async fn bucket_tags(&self, bucket: BucketRef<'_>) -> Result<Vec<(String, String)>, AwsError> {
        let answer = self
            .s3
            .get_bucket_tagging()
            .bucket(bucket.name)
            .set_expected_bucket_owner(bucket.owner.map(str::to_owned))
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("GetBucketTagging", e));
        match answer {
            Ok(out) => Ok(sorted(
                out.tag_set()
                    .iter()
                    .map(|t| (t.key().to_owned(), t.value().to_owned()))
                    .collect(),
            )),
            // A bucket without tags answers with an error, not an empty set.
            Err(e) if e.code() == Some("NoSuchTagSet") => Ok(Vec::new()),
            Err(e) => Err(e),
        }
    }

    async fn create_bucket(&self, bucket: &str, region: &str) -> Result<bool, AwsError> {
        // us-east-1 is the default location and refuses a LocationConstraint naming it.
        let configuration = (region != "us-east-1").then(|| {
            s3::CreateBucketConfiguration::builder()
                .location_constraint(s3::BucketLocationConstraint::from(region))
                .build()
        });
        let created = self
            .s3
            .create_bucket()
            .bucket(bucket)
            .set_create_bucket_configuration(configuration)
            .send()
            .await;
        match created {
            Ok(_) => Ok(true),
            Err(SdkError::ServiceError(context))
                if matches!(context.err(), CreateBucketError::BucketAlreadyOwnedByYou(_)) =>
            {
                Ok(false)
            }
            Err(e) => Err(AwsError::from_sdk("CreateBucket", e)),
        }
    }

    async fn block_public_access(&self, bucket: BucketRef<'_>) -> Result<(), AwsError> {
        let all = s3::PublicAccessBlockConfiguration::builder()
            .block_public_acls(true)
            .ignore_public_acls(true)
            .block_public_policy(true)
            .restrict_public_buckets(true)
            .build();
        self.s3
            .put_public_access_block()
            .bucket(bucket.name)
            .set_expected_bucket_owner(bucket.owner.map(str::to_owned))
            .public_access_block_configuration(all)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("PutPublicAccessBlock", e))?;
        Ok(())
    }

    async fn enforce_bucket_owner(&self, bucket: BucketRef<'_>) -> Result<(), AwsError> {
        const OP: &str = "PutBucketOwnershipControls";
        let rule = s3::OwnershipControlsRule::builder()
            .object_ownership(s3::ObjectOwnership::BucketOwnerEnforced)
            .build()
            .map_err(|e| unbuildable(OP, e))?;
        let controls = s3::OwnershipControls::builder()
            .rules(rule)
            .build()
            .map_err(|e| unbuildable(OP, e))?;
        self.s3
            .put_bucket_ownership_controls()
            .bucket(bucket.name)
            .set_expected_bucket_owner(bucket.owner.map(str::to_owned))
            .ownership_controls(controls)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(OP, e))?;
        Ok(())
    }

    async fn encrypt_with_s3_keys(&self, bucket: BucketRef<'_>) -> Result<(), AwsError> {
        const OP: &str = "PutBucketEncryption";
        let default = s3::ServerSideEncryptionByDefault::builder()
            .sse_algorithm(s3::ServerSideEncryption::Aes256)
            .build()
            .map_err(|e| unbuildable(OP, e))?;
        let configuration = s3::ServerSideEncryptionConfiguration::builder()
            .rules(
                s3::ServerSideEncryptionRule::builder()
                    .apply_server_side_encryption_by_default(default)
                    .build(),
            )
            .build()
            .map_err(|e| unbuildable(OP, e))?;
        self.s3
            .put_bucket_encryption()
            .bucket(bucket.name)
            .set_expected_bucket_owner(bucket.owner.map(str::to_owned))
            .server_side_encryption_configuration(configuration)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(OP, e))?;
        Ok(())
    }

    async fn enable_versioning(&self, bucket: BucketRef<'_>) -> Result<(), AwsError> {
        self.s3
            .put_bucket_versioning()
            .bucket(bucket.name)
            .set_expected_bucket_owner(bucket.owner.map(str::to_owned))
            .versioning_configuration(
                s3::VersioningConfiguration::builder()
                    .status(s3::BucketVersioningStatus::Enabled)
                    .build(),
            )
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("PutBucketVersioning", e))?;
        Ok(())
    }

    async fn put_bucket_policy(&self, bucket: BucketRef<'_>, policy: &str) -> Result<(), AwsError> {
        self.s3
            .put_bucket_policy()
            .bucket(bucket.name)
            .set_expected_bucket_owner(bucket.owner.map(str::to_owned))
            .policy(policy)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("PutBucketPolicy", e))?;
        Ok(())
    }

    async fn put_lifecycle(
        &self,
        bucket: BucketRef<'_>,
        rule: &LifecycleRule,
    ) -> Result<(), AwsError> {
        const OP: &str = "PutBucketLifecycleConfiguration";
        let rule = s3::LifecycleRule::builder()
            .id(&rule.id)
            // An empty prefix: every object of the bucket.
            .filter(s3::LifecycleRuleFilter::builder().prefix("").build())
            .status(s3::ExpirationStatus::Enabled)
            .noncurrent_version_expiration(
                s3::NoncurrentVersionExpiration::builder()
                    .noncurrent_days(rule.noncurrent_days)
                    .build(),
            )
            .abort_incomplete_multipart_upload(
                s3::AbortIncompleteMultipartUpload::builder()
                    .days_after_initiation(rule.abort_multipart_days)
                    .build(),
            )
            .build()
            .map_err(|e| unbuildable(OP, e))?;
        let configuration = s3::BucketLifecycleConfiguration::builder()
            .rules(rule)
            .build()
            .map_err(|e| unbuildable(OP, e))?;
        self.s3
            .put_bucket_lifecycle_configuration()
            .bucket(bucket.name)
            .set_expected_bucket_owner(bucket.owner.map(str::to_owned))
            .lifecycle_configuration(configuration)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(OP, e))?;
        Ok(())
    }

    async fn put_bucket_tags(
        &self,
        bucket: BucketRef<'_>,
        tags: &[(String, String)],
    ) -> Result<(), AwsError> {
        const OP: &str = "PutBucketTagging";
        let mut tagging = s3::Tagging::builder();
        for (key, value) in tags {
            tagging = tagging.tag_set(
                s3::Tag::builder()
                    .key(key)
                    .value(value)
                    .build()
                    .map_err(|e| unbuildable(OP, e))?,
            );
        }
        self.s3
            .put_bucket_tagging()
            .bucket(bucket.name)
            .set_expected_bucket_owner(bucket.owner.map(str::to_owned))
            .tagging(tagging.build().map_err(|e| unbuildable(OP, e))?)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(OP, e))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_content_addressed_under_the_policy() {
        let key = template_key("fleet", "Resources: {}\n");
        assert!(key.starts_with("patchform/fleet/"), "{key}");
        assert!(key.ends_with(".yaml"), "{key}");
        assert_eq!(key.len(), "patchform/fleet/".len() + 64 + ".yaml".len());
        assert_eq!(key, template_key("fleet", "Resources: {}\n"));
        assert_ne!(key, template_key("fleet", "Resources: {A: 1}\n"));
    }

    #[test]
    fn urls_are_regional_and_path_style_for_dotted_buckets() {
        assert_eq!(
            object_url("ops-artifacts", "eu-west-1", "patchform/f/x.yaml"),
            "https://ops-artifacts.s3.eu-west-1.amazonaws.com/patchform/f/x.yaml"
        );
        assert_eq!(
            object_url("ops.artifacts", "us-east-1", "k.yaml"),
            "https://s3.us-east-1.amazonaws.com/ops.artifacts/k.yaml"
        );
        assert_eq!(
            object_url("b", "cn-north-1", "k.yaml"),
            "https://b.s3.cn-north-1.amazonaws.com.cn/k.yaml"
        );
    }

    #[test]
    fn partitions_follow_the_region() {
        assert_eq!(partition("eu-west-1"), "aws");
        assert_eq!(partition("cn-northwest-1"), "aws-cn");
        assert_eq!(partition("us-gov-west-1"), "aws-us-gov");
    }

    #[test]
    fn location_constraints_map_to_regions() {
        assert_eq!(region_of_constraint(None), "us-east-1");
        assert_eq!(region_of_constraint(Some("")), "us-east-1");
        assert_eq!(region_of_constraint(Some("EU")), "eu-west-1");
        assert_eq!(region_of_constraint(Some("ap-south-1")), "ap-south-1");
    }
}
