// `aws::fetch_deployed_with` against moto: templates of the hub stack and the spoke stack set, or None.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use crate::support;

use patchform::aws::fetch_deployed_with;
use support::org::{cloudformation_client, patchform_aws, runtime};
use support::{Moto, OrgSpec};

const TEMPLATE: &str = "Parameters:\n  OrganizationId:\n    Type: String\nResources:\n  Topic:\n    Type: AWS::SNS::Topic\n";

fn policy(name: &str) -> patchform::policy::Policy {
    let text = format!(
        "version: 1\nname: {name}\nhub:\n  account: \"123456789012\"\n  region: us-east-1\norganization:\n  permission_model: self_managed\n  targets:\n    accounts: [\"123456789013\"]\n  regions: [us-east-1]\nwaves:\n  - name: all\n    targets:\n      accounts: [\"123456789013\"]\n"
    );
    patchform::validator::validate_text("policy.yaml", &text)
        .policy
        .expect("valid test policy")
}

#[test]
fn reads_nothing_before_a_deploy_and_the_templates_after() {
    let moto = Moto::start();
    support::org::seed(&moto, &OrgSpec::new());
    let policy = policy("fetchme");
    let rt = runtime();
    let aws = rt.block_on(patchform_aws(&moto, "us-east-1"));
    let none = rt
        .block_on(fetch_deployed_with(&aws, &policy))
        .expect("fetch");
    assert_eq!(none.hub_template, None);
    assert_eq!(none.spoke_template, None);

    let cfn = cloudformation_client(&moto, "us-east-1");
    rt.block_on(async {
        cfn.create_stack()
            .stack_name("fetchme-hub")
            .template_body(TEMPLATE)
            .parameters(
                aws_sdk_cloudformation::types::Parameter::builder()
                    .parameter_key("OrganizationId")
                    .parameter_value("o-abc")
                    .build(),
            )
            .send()
            .await
            .expect("CreateStack");
        cfn.create_stack_set()
            .stack_set_name("fetchme-spoke")
            .template_body(TEMPLATE)
            .send()
            .await
            .expect("CreateStackSet");
    });
    let some = rt
        .block_on(fetch_deployed_with(&aws, &policy))
        .expect("fetch");
    assert_eq!(some.hub_template.as_deref(), Some(TEMPLATE));
    assert_eq!(
        some.hub_parameters,
        vec![("OrganizationId".to_owned(), "o-abc".to_owned())]
    );
    assert_eq!(some.spoke_template.as_deref(), Some(TEMPLATE));
    assert!(
        moto.requests()
            .iter()
            .all(|r| r.is_read() || r.action.starts_with("Create"))
    );
}
