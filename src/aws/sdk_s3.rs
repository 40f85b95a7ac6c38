// S3 through the SDK: check the operator's artifact bucket and upload templates to it by content.

use super::error::AwsError;
use super::model::BucketLocation;
use super::sdk::Aws;
use super::traits::ArtifactStore;
use aws_sdk_s3::config::http::HttpResponse;
use aws_sdk_s3::error::SdkError;
use aws_sdk_s3::primitives::ByteStream;
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
    let domain = if region.starts_with("cn-") {
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

impl ArtifactStore for Aws {
    async fn bucket_location(&self, bucket: &str) -> Result<BucketLocation, AwsError> {
        match self.s3.head_bucket().bucket(bucket).send().await {
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
            .bucket(bucket)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("GetBucketLocation", e))?;
        Ok(BucketLocation::Region(region_of_constraint(
            out.location_constraint().map(|c| c.as_str()),
        )))
    }

    async fn object_exists(&self, bucket: &str, key: &str) -> Result<bool, AwsError> {
        match self.s3.head_object().bucket(bucket).key(key).send().await {
            Ok(_) => Ok(true),
            Err(e) => match head_error("HeadObject", e) {
                Head::NotFound => Ok(false),
                Head::Forbidden => Err(AwsError::Service {
                    operation: "HeadObject",
                    code: "Forbidden".to_owned(),
                    message: format!(
                        "access denied to s3://{bucket}/{key} (S3 also answers 403 for a missing object when s3:ListBucket is not allowed); allow s3:ListBucket, s3:GetObject and s3:PutObject on the bucket"
                    ),
                }),
                Head::Moved(_) => Err(AwsError::Service {
                    operation: "HeadObject",
                    code: "PermanentRedirect".to_owned(),
                    message: format!("bucket {bucket} is not in this region"),
                }),
                Head::Other(e) => Err(e),
            },
        }
    }

    async fn put_object(&self, bucket: &str, key: &str, body: &str) -> Result<(), AwsError> {
        self.s3
            .put_object()
            .bucket(bucket)
            .key(key)
            .content_type("application/x-yaml")
            .body(ByteStream::from(body.as_bytes().to_vec()))
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("PutObject", e))?;
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
    fn location_constraints_map_to_regions() {
        assert_eq!(region_of_constraint(None), "us-east-1");
        assert_eq!(region_of_constraint(Some("")), "us-east-1");
        assert_eq!(region_of_constraint(Some("EU")), "eu-west-1");
        assert_eq!(region_of_constraint(Some("ap-south-1")), "ap-south-1");
    }
}
