// `Aws`: the real SDK clients (CloudFormation, S3, Step Functions and DynamoDB in the hub region, Organizations, STS) and Identity.

use super::error::AwsError;
use super::traits::Identity;
use aws_config::SdkConfig;

/// The SDK clients. Build it with [`super::connect`].
#[derive(Debug, Clone)]
pub struct Aws {
    pub(super) cloudformation: aws_sdk_cloudformation::Client,
    pub(super) organizations: aws_sdk_organizations::Client,
    pub(super) sts: aws_sdk_sts::Client,
    pub(super) s3: aws_sdk_s3::Client,
    pub(super) sfn: aws_sdk_sfn::Client,
    pub(super) dynamodb: aws_sdk_dynamodb::Client,
}

impl Aws {
    /// Clients sharing one configuration.
    pub fn new(config: &SdkConfig) -> Self {
        Aws {
            cloudformation: aws_sdk_cloudformation::Client::new(config),
            organizations: aws_sdk_organizations::Client::new(config),
            sts: aws_sdk_sts::Client::new(config),
            // A custom endpoint (AWS_ENDPOINT_URL: moto, LocalStack, MinIO) serves buckets by path,
            // not as `<bucket>.<host>` names that do not resolve.
            s3: aws_sdk_s3::Client::from_conf(
                aws_sdk_s3::config::Builder::from(config)
                    .force_path_style(config.endpoint_url().is_some())
                    .build(),
            ),
            sfn: aws_sdk_sfn::Client::new(config),
            dynamodb: aws_sdk_dynamodb::Client::new(config),
        }
    }
}

impl Identity for Aws {
    async fn caller_account(&self) -> Result<String, AwsError> {
        let out = self
            .sts
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("GetCallerIdentity", e))?;
        out.account.ok_or_else(|| AwsError::Unexpected {
            operation: "GetCallerIdentity",
            message: "no account in the answer".to_owned(),
        })
    }

    async fn caller_arn(&self) -> Result<String, AwsError> {
        let out = self
            .sts
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("GetCallerIdentity", e))?;
        out.arn.ok_or_else(|| AwsError::Unexpected {
            operation: "GetCallerIdentity",
            message: "no ARN in the answer".to_owned(),
        })
    }
}

/// Sorted (key, value) pairs, the form every comparison uses.
pub(super) fn sorted(mut pairs: Vec<(String, String)>) -> Vec<(String, String)> {
    pairs.sort();
    pairs
}
