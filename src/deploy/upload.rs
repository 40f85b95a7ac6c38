// Templates through the operator's S3 bucket (`--artifact-bucket`): check the bucket, upload by content.

use super::console::Console;
use super::error::DeployError;
use crate::aws::{ArtifactStore, BucketLocation, object_url, template_key};

/// What is wrong with the bucket for a hub in `region`, with what to do; `None` when it is usable.
pub fn bucket_problem(bucket: &str, region: &str, location: &BucketLocation) -> Option<String> {
    let create = format!(
        "create it in the hub region with `aws s3 mb s3://{bucket} --region {region}` and give the organization read access (docs/deploy.md), or pass another --artifact-bucket"
    );
    match location {
        BucketLocation::Region(found) if found == region => None,
        BucketLocation::Region(found) => Some(format!(
            "artifact bucket `{bucket}` is in {found}, but the hub region is {region}; CloudFormation reads templates from a bucket in the stack's region\n  help: {create}"
        )),
        BucketLocation::Missing => Some(format!(
            "artifact bucket `{bucket}` does not exist (patchform does not create it)\n  help: {create}"
        )),
        BucketLocation::Forbidden(why) => Some(format!(
            "cannot use artifact bucket `{bucket}`: {why}\n  help: the bucket must belong to you and be in {region}; allow these credentials s3:ListBucket, s3:GetBucketLocation, s3:GetObject and s3:PutObject on it"
        )),
    }
}

/// Preflight: HeadBucket (and GetBucketLocation); the problem with the bucket, if any. Read-only.
pub async fn check_bucket(
    api: &impl ArtifactStore,
    bucket: &str,
    region: &str,
) -> Result<Option<String>, DeployError> {
    let location = api.bucket_location(bucket).await?;
    Ok(bucket_problem(bucket, region, &location))
}

/// Make `body` available at its content-addressed key (HeadObject; PutObject only when it is
/// absent) and return the TemplateURL CloudFormation reads it from.
pub async fn stage(
    api: &impl ArtifactStore,
    bucket: &str,
    region: &str,
    policy: &str,
    what: &str,
    body: &str,
    console: &mut Console<'_>,
) -> Result<String, DeployError> {
    let key = template_key(policy, body);
    if api.object_exists(bucket, &key).await? {
        console.line(&format!("{what} template already in s3://{bucket}/{key}"))?;
    } else {
        api.put_object(bucket, &key, body).await?;
        console.line(&format!(
            "uploaded the {what} template ({} bytes) to s3://{bucket}/{key}",
            body.len()
        ))?;
    }
    Ok(object_url(bucket, region, &key))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::aws::AwsError;
    use crate::output::Output;
    use std::cell::RefCell;
    use std::collections::BTreeSet;

    #[derive(Default)]
    struct FakeStore {
        objects: RefCell<BTreeSet<String>>,
        puts: RefCell<Vec<String>>,
    }

    impl ArtifactStore for FakeStore {
        async fn bucket_location(&self, _bucket: &str) -> Result<BucketLocation, AwsError> {
            Ok(BucketLocation::Region("eu-west-1".into()))
        }
        async fn object_exists(&self, _bucket: &str, key: &str) -> Result<bool, AwsError> {
            Ok(self.objects.borrow().contains(key))
        }
        async fn put_object(&self, _bucket: &str, key: &str, _body: &str) -> Result<(), AwsError> {
            self.objects.borrow_mut().insert(key.to_owned());
            self.puts.borrow_mut().push(key.to_owned());
            Ok(())
        }
    }

    fn output() -> Output {
        Output {
            stdout: Box::new(std::io::sink()),
            stderr: Box::new(std::io::sink()),
            color_stdout: false,
            color_stderr: false,
            interactive: false,
            stderr_is_terminal: false,
        }
    }

    #[test]
    fn a_body_is_uploaded_once_and_its_url_is_regional() {
        let store = FakeStore::default();
        let mut out = output();
        let mut console = Console::new(&mut out);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        let mut stage_once = |body: &str| {
            runtime
                .block_on(stage(
                    &store,
                    "ops",
                    "eu-west-1",
                    "fleet",
                    "hub",
                    body,
                    &mut console,
                ))
                .expect("staged")
        };
        let first = stage_once("Resources: {}\n");
        let again = stage_once("Resources: {}\n");
        assert_eq!(first, again);
        assert!(
            first.starts_with("https://ops.s3.eu-west-1.amazonaws.com/patchform/fleet/"),
            "{first}"
        );
        assert_eq!(store.puts.borrow().len(), 1);
        stage_once("Resources: {A: 1}\n");
        assert_eq!(store.puts.borrow().len(), 2);
    }

    #[test]
    fn bucket_problems_say_what_to_do() {
        let here = BucketLocation::Region("eu-west-1".into());
        assert_eq!(bucket_problem("ops", "eu-west-1", &here), None);
        let elsewhere = bucket_problem(
            "ops",
            "eu-west-1",
            &BucketLocation::Region("us-east-1".into()),
        )
        .expect("wrong region");
        assert!(elsewhere.contains("is in us-east-1"), "{elsewhere}");
        assert!(
            elsewhere.contains("aws s3 mb s3://ops --region eu-west-1"),
            "{elsewhere}"
        );
        let missing =
            bucket_problem("ops", "eu-west-1", &BucketLocation::Missing).expect("missing");
        assert!(missing.contains("does not exist"), "{missing}");
        let denied = bucket_problem("ops", "eu-west-1", &BucketLocation::Forbidden("403".into()))
            .expect("denied");
        assert!(denied.contains("s3:PutObject"), "{denied}");
    }
}
