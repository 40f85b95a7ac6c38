// Seeding an organization in moto through the SDK: OUs (nested), accounts, StackSets trusted access.

use super::moto::Moto;
use aws_sdk_organizations::config::{BehaviorVersion, Credentials, Region};
use std::collections::BTreeMap;

/// What to create: OUs as (name, parent name or None for the root), accounts as (name, OU name).
#[derive(Debug, Clone, Default)]
pub(crate) struct OrgSpec {
    /// OUs in creation order (parents first).
    pub units: Vec<(String, Option<String>)>,
    /// Accounts and the OU they sit in.
    pub accounts: Vec<(String, String)>,
    /// Enable StackSets trusted access (service-managed permissions).
    pub stacksets_trusted_access: bool,
}

impl OrgSpec {
    /// An empty spec with trusted access enabled.
    pub(crate) fn new() -> Self {
        OrgSpec {
            stacksets_trusted_access: true,
            ..OrgSpec::default()
        }
    }

    /// Add an OU.
    pub(crate) fn unit(mut self, name: &str, parent: Option<&str>) -> Self {
        self.units
            .push((name.to_owned(), parent.map(str::to_owned)));
        self
    }

    /// Add an account to an OU.
    pub(crate) fn account(mut self, name: &str, unit: &str) -> Self {
        self.accounts.push((name.to_owned(), unit.to_owned()));
        self
    }
}

/// The ids moto gave the seeded organization.
#[derive(Debug, Clone)]
pub(crate) struct OrgFixture {
    /// Root id (r-…).
    pub root: String,
    /// OU name → id.
    pub units: BTreeMap<String, String>,
    /// Account name → id.
    pub accounts: BTreeMap<String, String>,
}

impl OrgFixture {
    /// An OU's id.
    pub(crate) fn ou(&self, name: &str) -> &str {
        &self.units[name]
    }

    /// An account's id.
    pub(crate) fn account(&self, name: &str) -> &str {
        &self.accounts[name]
    }
}

/// An Organizations client for the emulator (explicit endpoint and dummy credentials).
pub(crate) fn organizations_client(moto: &Moto) -> aws_sdk_organizations::Client {
    let config = aws_sdk_organizations::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .endpoint_url(moto.endpoint())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("testing", "testing", None, None, "tests"))
        .http_client(aws_smithy_http_client::Builder::new().build_http())
        .build();
    aws_sdk_organizations::Client::from_conf(config)
}

/// A CloudFormation client for the emulator in `region`.
pub(crate) fn cloudformation_client(moto: &Moto, region: &str) -> aws_sdk_cloudformation::Client {
    let config = aws_sdk_cloudformation::Config::builder()
        .behavior_version(aws_sdk_cloudformation::config::BehaviorVersion::latest())
        .endpoint_url(moto.endpoint())
        .region(aws_sdk_cloudformation::config::Region::new(
            region.to_owned(),
        ))
        .credentials_provider(aws_sdk_cloudformation::config::Credentials::new(
            "testing", "testing", None, None, "tests",
        ))
        .http_client(aws_smithy_http_client::Builder::new().build_http())
        .build();
    aws_sdk_cloudformation::Client::from_conf(config)
}

/// A CloudFormation client for the emulator in `region` with (access key, secret, session token)
/// from [`assume_role`]: moto answers it as that account.
pub(crate) fn cloudformation_client_as(
    moto: &Moto,
    region: &str,
    credentials: &(String, String, String),
) -> aws_sdk_cloudformation::Client {
    let (key, secret, token) = credentials.clone();
    let config = aws_sdk_cloudformation::Config::builder()
        .behavior_version(aws_sdk_cloudformation::config::BehaviorVersion::latest())
        .endpoint_url(moto.endpoint())
        .region(aws_sdk_cloudformation::config::Region::new(
            region.to_owned(),
        ))
        .credentials_provider(aws_sdk_cloudformation::config::Credentials::new(
            key,
            secret,
            Some(token),
            None,
            "tests",
        ))
        .http_client(aws_smithy_http_client::Builder::new().build_http())
        .build();
    aws_sdk_cloudformation::Client::from_conf(config)
}

/// A current-thread runtime for test set-up.
pub(crate) fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// Create the organization (all features) and everything in `spec`; the request log is cleared after.
pub(crate) fn seed(moto: &Moto, spec: &OrgSpec) -> OrgFixture {
    let client = organizations_client(moto);
    let fixture = runtime().block_on(async {
        client
            .create_organization()
            .feature_set(aws_sdk_organizations::types::OrganizationFeatureSet::All)
            .send()
            .await
            .expect("CreateOrganization");
        let roots = client.list_roots().send().await.expect("ListRoots");
        let root = roots.roots()[0].id().expect("root id").to_owned();
        let mut units = BTreeMap::new();
        for (name, parent) in &spec.units {
            let parent_id = match parent {
                Some(p) => units.get(p).cloned().expect("parent OU created first"),
                None => root.clone(),
            };
            let out = client
                .create_organizational_unit()
                .parent_id(parent_id)
                .name(name)
                .send()
                .await
                .expect("CreateOrganizationalUnit");
            let id = out
                .organizational_unit()
                .and_then(|u| u.id())
                .expect("OU id");
            units.insert(name.clone(), id.to_owned());
        }
        let mut accounts = BTreeMap::new();
        for (name, unit) in &spec.accounts {
            let out = client
                .create_account()
                .account_name(name)
                .email(format!("{name}@example.com"))
                .send()
                .await
                .expect("CreateAccount");
            let id = out
                .create_account_status()
                .and_then(|s| s.account_id())
                .expect("account id")
                .to_owned();
            client
                .move_account()
                .account_id(&id)
                .source_parent_id(&root)
                .destination_parent_id(&units[unit])
                .send()
                .await
                .expect("MoveAccount");
            accounts.insert(name.clone(), id);
        }
        if spec.stacksets_trusted_access {
            client
                .enable_aws_service_access()
                .service_principal("member.org.stacksets.cloudformation.amazonaws.com")
                .send()
                .await
                .expect("EnableAWSServiceAccess");
        }
        OrgFixture {
            root,
            units,
            accounts,
        }
    });
    moto.clear_requests();
    fixture
}

/// patchform's own AWS clients, pointed at the emulator without touching the process environment.
pub(crate) async fn patchform_aws(moto: &Moto, region: &str) -> patchform::aws::Aws {
    let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(moto.endpoint())
        .region(aws_config::Region::new(region.to_owned()))
        .credentials_provider(Credentials::new("testing", "testing", None, None, "tests"))
        .http_client(aws_smithy_http_client::Builder::new().build_http())
        .load()
        .await;
    patchform::aws::Aws::new(&config)
}

/// Temporary credentials in `account`: moto's STS AssumeRole issues a key that every later request
/// is answered for as that account (the role need not exist). (access key, secret, session token).
/// Register `account` as a delegated administrator of `principal`, as the management account.
pub(crate) fn register_delegated_administrator(moto: &Moto, account: &str, principal: &str) {
    let client = organizations_client(moto);
    runtime().block_on(async {
        client
            .register_delegated_administrator()
            .account_id(account)
            .service_principal(principal)
            .send()
            .await
            .expect("register the delegated administrator");
    });
}

pub(crate) fn assume_role(moto: &Moto, account: &str, role: &str) -> (String, String, String) {
    let config = aws_sdk_sts::Config::builder()
        .behavior_version(aws_sdk_sts::config::BehaviorVersion::latest())
        .endpoint_url(moto.endpoint())
        .region(aws_sdk_sts::config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_sts::config::Credentials::new(
            "testing", "testing", None, None, "tests",
        ))
        .http_client(aws_smithy_http_client::Builder::new().build_http())
        .build();
    let client = aws_sdk_sts::Client::from_conf(config);
    let out = runtime()
        .block_on(
            client
                .assume_role()
                .role_arn(format!("arn:aws:iam::{account}:role/{role}"))
                .role_session_name("patchform-tests")
                .send(),
        )
        .expect("AssumeRole");
    let credentials = out.credentials().expect("credentials");
    moto.clear_requests();
    (
        credentials.access_key_id().to_owned(),
        credentials.secret_access_key().to_owned(),
        credentials.session_token().to_owned(),
    )
}
