// Who may read and write what in the hub bucket, decided by the rendered policies themselves: the
// log bucket policy is evaluated statement by statement for the principals that matter (the
// rollout role, a hub admin, a nonprod admin, a node, an outsider), and the spoke's IAM for what
// nodes and alarms need.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

use crate::common;

use serde_json::Value;

const HUB: &str = "111111111111";
const MEMBER: &str = "222222222222";
const ORG: &str = "o-abcdefghij";
const BUCKET: &str = "acme-fleet-111111111111-eu-west-1";

/// A request to the bucket, as IAM sees it.
struct Request<'a> {
    account: &'a str,
    org: &'a str,
    principal_arn: &'a str,
    action: &'a str,
    key: &'a str,
    tls: bool,
}

#[derive(Debug, PartialEq, Eq)]
enum Decision {
    /// A statement denies it: nothing else can allow it.
    Deny(String),
    /// A statement of the bucket policy allows it (needed across accounts).
    Allow(String),
    /// The bucket policy says nothing: only an identity policy of the bucket's own account can allow.
    Silent,
}

/// CloudFormation's Fn::Sub / Ref / GetAtt for the few values the bucket policy uses.
fn resolve(value: &Value) -> Vec<String> {
    match value {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items.iter().flat_map(resolve).collect(),
        Value::Object(map) => {
            if let Some(text) = map.get("Fn::Sub").and_then(Value::as_str) {
                vec![
                    text.replace("${LogBucket.Arn}", &format!("arn:aws:s3:::{BUCKET}"))
                        .replace("${AWS::Partition}", "aws")
                        .replace("${AWS::AccountId}", HUB)
                        // an escaped policy variable, written literally by CloudFormation
                        .replace("${!", "${"),
                ]
            } else if let Some(r) = map.get("Ref").and_then(Value::as_str) {
                vec![match r {
                    "OrganizationId" => ORG.to_owned(),
                    "AWS::AccountId" => HUB.to_owned(),
                    other => panic!("unexpected Ref {other}"),
                }]
            } else if map.contains_key("Fn::GetAtt") {
                vec![format!("arn:aws:s3:::{BUCKET}")]
            } else {
                panic!("unexpected intrinsic {value}")
            }
        }
        _ => panic!("unexpected value {value}"),
    }
}

/// IAM's `*` wildcard match.
fn glob(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, tail)) => {
            text.starts_with(head)
                && (0..=text.len() - head.len()).any(|i| glob(tail, &text[head.len() + i..]))
        }
    }
}

fn matches_condition(condition: &Value, r: &Request) -> bool {
    let Some(map) = condition.as_object() else {
        return true;
    };
    map.iter().all(|(operator, keys)| {
        keys.as_object().unwrap().iter().all(|(key, wanted)| {
            let actual = match key.as_str() {
                "aws:PrincipalOrgID" => r.org.to_owned(),
                "aws:PrincipalAccount" => r.account.to_owned(),
                "aws:PrincipalArn" => r.principal_arn.to_owned(),
                "aws:SecureTransport" => r.tls.to_string(),
                other => panic!("the test does not evaluate condition key {other}"),
            };
            let wanted: Vec<String> = match wanted {
                Value::Bool(b) => vec![b.to_string()],
                other => resolve(other),
            };
            let equal = wanted.contains(&actual);
            match operator.as_str() {
                "StringEquals" | "ArnEquals" | "Bool" => equal,
                "StringNotEquals" | "ArnNotEquals" => !equal,
                other => panic!("the test does not evaluate operator {other}"),
            }
        })
    })
}

fn evaluate(statements: &[Value], r: &Request) -> Decision {
    let resource = format!("arn:aws:s3:::{BUCKET}/{}", r.key);
    let mut allowed = None;
    for statement in statements {
        let actions = resolve(&statement["Action"]);
        let resources: Vec<String> = resolve(&statement["Resource"])
            .into_iter()
            .map(|p| p.replace("${aws:PrincipalAccount}", r.account))
            .collect();
        let applies = actions.iter().any(|a| glob(a, r.action))
            && resources.iter().any(|p| glob(p, &resource))
            && matches_condition(&statement["Condition"], r);
        if !applies {
            continue;
        }
        let sid = statement["Sid"].as_str().unwrap_or("?").to_owned();
        if statement["Effect"] == "Deny" {
            return Decision::Deny(sid);
        }
        allowed.get_or_insert(sid);
    }
    allowed.map_or(Decision::Silent, Decision::Allow)
}

fn bucket_statements() -> Vec<Value> {
    let artifacts = common::compile(&common::load(
        &common::root().join("policies/acme-fleet.yaml"),
    ));
    let hub = patchform::render::parse_yaml(
        "hub.template.yaml",
        common::text(&artifacts, "hub.template.yaml").to_owned(),
    )
    .unwrap();
    hub["Resources"]["LogBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
        .as_array()
        .unwrap()
        .clone()
}

fn request<'a>(
    account: &'a str,
    principal_arn: &'a str,
    action: &'a str,
    key: &'a str,
) -> Request<'a> {
    Request {
        account,
        org: ORG,
        principal_arn,
        action,
        key,
        tls: true,
    }
}

const ROLLOUT_ROLE: &str = "arn:aws:iam::111111111111:role/acme-fleet-rollout";
const HUB_ADMIN: &str = "arn:aws:iam::111111111111:role/Admin";
const NONPROD_ADMIN: &str = "arn:aws:iam::222222222222:role/Admin";
const NODE: &str = "arn:aws:iam::222222222222:role/web-instance-role";
const OVERRIDE: &str = "rollouts/3f2b/baseline-override.json";
const TESTED: &str = "patch-sets/last-successful/baseline-override.json";

#[test]
fn only_the_rollout_role_writes_pinned_patch_sets() {
    let statements = bucket_statements();
    for key in [OVERRIDE, TESTED] {
        for action in ["s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion"] {
            for (who, account) in [(NONPROD_ADMIN, MEMBER), (NODE, MEMBER), (HUB_ADMIN, HUB)] {
                assert_eq!(
                    evaluate(&statements, &request(account, who, action, key)),
                    Decision::Deny("OnlyTheRolloutWritesPatchSets".into()),
                    "{who} {action} {key}"
                );
            }
            // the rollout role is not denied; its own identity policy allows it (same account)
            assert_eq!(
                evaluate(&statements, &request(HUB, ROLLOUT_ROLE, action, key)),
                Decision::Silent,
                "{action} {key}"
            );
        }
    }
}

#[test]
fn every_node_in_the_organization_reads_pinned_patch_sets_and_nobody_outside() {
    let statements = bucket_statements();
    for key in [OVERRIDE, TESTED] {
        assert_eq!(
            evaluate(&statements, &request(MEMBER, NODE, "s3:GetObject", key)),
            Decision::Allow("OrganizationReadsPatchSets".into())
        );
        let outsider = Request {
            org: "o-zzzzzzzzzz",
            ..request(
                "333333333333",
                "arn:aws:iam::333333333333:role/x",
                "s3:GetObject",
                key,
            )
        };
        assert_eq!(evaluate(&statements, &outsider), Decision::Silent);
    }
}

#[test]
fn each_account_writes_only_its_own_command_output_and_only_the_hub_reads_it() {
    let statements = bucket_statements();
    let own = "command-output/222222222222/rollouts/3f2b/install/i-1/stdout";
    let other = "command-output/333333333333/rollouts/3f2b/install/i-1/stdout";
    assert_eq!(
        evaluate(&statements, &request(MEMBER, NODE, "s3:PutObject", own)),
        Decision::Allow("EachAccountWritesItsOwnCommandOutput".into())
    );
    assert_eq!(
        evaluate(&statements, &request(MEMBER, NODE, "s3:PutObject", other)),
        Decision::Silent,
        "another account's prefix is not granted"
    );
    for key in [own, other] {
        assert_eq!(
            evaluate(
                &statements,
                &request(MEMBER, NONPROD_ADMIN, "s3:GetObject", key)
            ),
            Decision::Deny("OnlyTheHubReadsCommandOutput".into())
        );
        assert_eq!(
            evaluate(&statements, &request(HUB, HUB_ADMIN, "s3:GetObject", key)),
            Decision::Silent,
            "the hub reads with its own IAM"
        );
    }
    // nothing else in the bucket is open to the organization
    assert_eq!(
        evaluate(
            &statements,
            &request(MEMBER, NODE, "s3:PutObject", "analyses/3f2b/canary.json")
        ),
        Decision::Silent
    );
}

#[test]
fn plain_http_is_refused_for_everyone() {
    let statements = bucket_statements();
    let insecure = Request {
        tls: false,
        ..request(MEMBER, NODE, "s3:GetObject", OVERRIDE)
    };
    assert_eq!(
        evaluate(&statements, &insecure),
        Decision::Deny("DenyInsecureTransport".into())
    );
}

fn spoke_statements(policy: &str, role: &str) -> Vec<Value> {
    let artifacts = common::compile(&common::load(&common::root().join(policy)));
    let spoke = patchform::render::parse_yaml(
        "spoke.template.yaml",
        common::text(&artifacts, "spoke.template.yaml").to_owned(),
    )
    .unwrap();
    let resource = &spoke["Resources"][role]["Properties"];
    let document = if resource["PolicyDocument"].is_object() {
        &resource["PolicyDocument"]
    } else {
        &resource["Policies"][0]["PolicyDocument"]
    };
    document["Statement"].as_array().unwrap().clone()
}

fn statement<'a>(statements: &'a [Value], sid: &str) -> &'a Value {
    statements
        .iter()
        .find(|s| s["Sid"] == sid)
        .unwrap_or_else(|| panic!("no statement {sid} in {statements:?}"))
}

#[test]
fn instance_roles_get_a_policy_for_patch_sets_and_their_own_output() {
    let statements = spoke_statements("policies/acme-fleet.yaml", "InstanceRolePolicy");
    let read = statement(&statements, "ReadPinnedPatchSets");
    assert_eq!(read["Action"], "s3:GetObject");
    assert_eq!(
        resolve(&read["Resource"]),
        [
            format!("arn:aws:s3:::{BUCKET}/rollouts/*"),
            format!("arn:aws:s3:::{BUCKET}/patch-sets/*")
        ]
    );
    let write = statement(&statements, "WriteOwnCommandOutput");
    assert_eq!(
        resolve(&write["Resource"]),
        [format!("arn:aws:s3:::{BUCKET}/command-output/{HUB}/*")],
        "the spoke account's own prefix (resolved here with the hub's id)"
    );
    let key = statement(&statements, "UseHubKeyThroughS3");
    assert_eq!(
        key["Condition"]["StringEquals"]["kms:ViaService"],
        "s3.eu-west-1.amazonaws.com"
    );
}

#[test]
fn a_wave_stopped_by_an_alarm_can_read_the_alarm_in_every_account() {
    let statements = spoke_statements("policies/acme-fleet.yaml", "AutomationExecutionRole");
    let alarms = statement(&statements, "ReadStopAlarms");
    assert_eq!(alarms["Action"], "cloudwatch:DescribeAlarms");
    assert_eq!(
        resolve(&alarms["Resource"]),
        ["arn:aws:cloudwatch:*:111111111111:alarm:acme-prod-health"]
    );
    // a policy without stop_on_alarm grants nothing of the kind
    let tiny = spoke_statements("policies/minimal.yaml", "AutomationExecutionRole");
    assert!(tiny.iter().all(|s| s["Sid"] != "ReadStopAlarms"));
}

#[test]
fn hook_documents_are_authorised_by_the_arn_of_their_kind() {
    let text = std::fs::read_to_string(common::root().join("policies/minimal.yaml")).unwrap()
        + "install:\n  hooks:\n    pre_install: team-drain\n    post_install: arn:aws:ssm:eu-west-1:999999999999:document/shared-smoke\n    on_exit: AWS-Noop\n";
    let artifacts = common::compile(&common::load_text(&text));
    let spoke = patchform::render::parse_yaml(
        "spoke.template.yaml",
        common::text(&artifacts, "spoke.template.yaml").to_owned(),
    )
    .unwrap();
    let statements = spoke["Resources"]["AutomationExecutionRole"]["Properties"]["Policies"][0]
        ["PolicyDocument"]["Statement"]
        .as_array()
        .unwrap();
    let run = statement(statements, "RunPatchDocuments");
    let resources: Vec<String> = run["Resource"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["Fn::Sub"].as_str().unwrap().to_owned())
        .collect();
    for wanted in [
        "arn:${AWS::Partition}:ssm:*::document/AWS-RunPatchBaseline",
        "arn:${AWS::Partition}:ssm:*:${AWS::AccountId}:document/team-drain",
        "arn:aws:ssm:eu-west-1:999999999999:document/shared-smoke",
        "arn:${AWS::Partition}:ssm:*::document/AWS-Noop",
    ] {
        assert!(
            resources.iter().any(|r| r == wanted),
            "{wanted} not in {resources:?}"
        );
    }
    assert!(
        resources.iter().all(|r| !r.contains("document/arn:") && !r.contains("${AWS::AccountId}:document/AWS-")),
        "{resources:?}"
    );
}
