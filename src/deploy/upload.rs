// Templates through the artifact bucket: upload each body once, by content, and return its TemplateURL.

use super::bucket::ArtifactBucket;
use super::console::Console;
use super::error::DeployError;
use crate::aws::{ArtifactStore, object_url, template_key};

/// Make `body` available at its content-addressed key (HeadObject; PutObject only when it is
/// absent) and return the TemplateURL CloudFormation reads it from.
pub(super) async fn stage(
    api: &impl ArtifactStore,
    bucket: &ArtifactBucket,
    policy: &str,
    what: &str,
    body: &str,
    console: &mut Console<'_>,
) -> Result<String, DeployError> {
    let key = template_key(policy, body);
    let name = &bucket.name;
    if api.object_exists(bucket.reference(), &key).await? {
        console.line(&format!("{what} template already in s3://{name}/{key}"))?;
    } else {
        api.put_object(bucket.reference(), &key, body).await?;
        console.line(&format!(
            "uploaded the {what} template ({} bytes) to s3://{name}/{key}",
            body.len()
        ))?;
    }
    Ok(object_url(name, &bucket.region, &key))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::aws::BucketLocation;
    use crate::deploy::bucket::BucketAction;
    use crate::deploy::bucket::tests::{FakeStore, block_on};
    use crate::output::Output;

    #[test]
    fn a_body_is_uploaded_once_and_its_url_is_regional() {
        let store = FakeStore::with(BucketLocation::Region("eu-west-1".into()));
        let bucket = ArtifactBucket {
            name: "ops".into(),
            region: "eu-west-1".into(),
            managed: false,
            owner: None,
            needs: BucketAction::None,
        };
        let mut out = Output::discarded();
        let mut console = Console::new(&mut out);
        let mut stage_once = |body: &str| {
            block_on(stage(&store, &bucket, "fleet", "hub", body, &mut console)).expect("staged")
        };
        let first = stage_once("Resources: {}\n");
        let again = stage_once("Resources: {}\n");
        assert_eq!(first, again);
        assert!(
            first.starts_with("https://ops.s3.eu-west-1.amazonaws.com/patchform/fleet/"),
            "{first}"
        );
        assert_eq!(store.writes(), vec!["PutObject"]);
        stage_once("Resources: {A: 1}\n");
        assert_eq!(store.writes(), vec!["PutObject", "PutObject"]);
    }
}
