// Every policy key visibly changes the output, and accounts are data: they never add states or resources.
#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

use crate::common;

use patchform::compiler::{self, CompileOptions};
use patchform::policy::Policy;
use serde_json::{Value, json};

/// Set a JSON-pointer path, creating missing objects on the way.
fn set(value: &mut Value, pointer: &str, new: Value) {
    let mut current = value;
    let parts: Vec<&str> = pointer.trim_start_matches('/').split('/').collect();
    for (i, part) in parts.iter().enumerate() {
        let last = i == parts.len() - 1;
        current = match current {
            Value::Array(items) => &mut items[part.parse::<usize>().unwrap()],
            Value::Object(map) => {
                if last {
                    map.insert((*part).to_owned(), new);
                    return;
                }
                map.entry((*part).to_owned()).or_insert_with(|| json!({}))
            }
            other => panic!("cannot descend into {other} at {part}"),
        };
        if last {
            *current = new;
            return;
        }
    }
}

fn squash(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// One key changed from the reference policy (policies/acme-fleet.yaml): (key, new value,
/// artifact, expected text; `!` = must no longer appear). Whitespace is ignored.
type KeyCase = (&'static str, Value, &'static str, &'static str);

/// A change of every key of the policy language (`version` has a single legal value, 1, so it
/// cannot be flipped).
fn key_cases() -> Vec<KeyCase> {
    vec![
        (
            "/name",
            json!("zeta-fleet"),
            "hub.template.yaml",
            "zeta-fleet-rollout",
        ),
        (
            "/description",
            json!("Quarterly patching"),
            "hub.template.yaml",
            "Quarterly patching",
        ),
        (
            "/hub/account",
            json!("123456789012"),
            "spoke.template.yaml",
            "iam::123456789012:role/",
        ),
        (
            "/hub/region",
            json!("us-west-2"),
            "spoke.template.yaml",
            "OutputS3Region: us-west-2",
        ),
        (
            "/organization/permission_model",
            json!("self_managed"),
            "manifest.json",
            "\"permission_model\": \"SELF_MANAGED\"",
        ),
        (
            "/organization/call_as",
            json!("self"),
            "manifest.json",
            "\"call_as\": \"SELF\"",
        ),
        (
            "/organization/targets/organizational_units",
            json!(["ou-ab12-33333333"]),
            "manifest.json",
            "ou-ab12-33333333",
        ),
        (
            "/organization/targets/accounts",
            json!(["444444444444"]),
            "manifest.json",
            "444444444444",
        ),
        (
            "/organization/targets/exclude_accounts",
            json!(["555555555555"]),
            "orchestrator.asl.json",
            "\"ExcludeAccounts\": [\"555555555555\"]",
        ),
        (
            "/organization/regions",
            json!(["eu-west-1", "us-east-1", "ap-south-1"]),
            "orchestrator.asl.json",
            "ap-south-1",
        ),
        (
            "/organization/auto_deployment",
            json!(false),
            "manifest.json",
            "\"auto_deployment\": false",
        ),
        (
            "/organization/rollout/region_order",
            json!(["us-east-1", "eu-west-1"]),
            "spoke.template.yaml",
            "Ref: AWS::Region - us-east-1",
        ),
        (
            "/organization/rollout/region_concurrency",
            json!("parallel"),
            "manifest.json",
            "PARALLEL",
        ),
        (
            "/organization/rollout/max_concurrent",
            json!("3"),
            "manifest.json",
            "\"max_concurrent\": \"3\"",
        ),
        (
            "/organization/rollout/failure_tolerance",
            json!("2"),
            "manifest.json",
            "\"failure_tolerance\": \"2\"",
        ),
        (
            "/baselines/windows/classifications",
            json!(["updates"]),
            "spoke.template.yaml",
            "Key: CLASSIFICATION Values: - Updates",
        ),
        (
            "/baselines/windows/severities",
            json!(["low"]),
            "spoke.template.yaml",
            "Key: MSRC_SEVERITY Values: - Low",
        ),
        (
            "/baselines/windows/approve_after_days",
            json!(11),
            "spoke.template.yaml",
            "ApproveAfterDays: 11",
        ),
        (
            "/baselines/redhat_enterprise_linux/security_only",
            json!(false),
            "spoke.template.yaml",
            "Key: PRODUCT Values: - \"*\"",
        ),
        (
            "/baselines/windows/approved_patches",
            json!(["KB0000001"]),
            "spoke.template.yaml",
            "KB0000001",
        ),
        (
            "/baselines/amazon_linux_2023/rejected_patches",
            json!(["python*"]),
            "spoke.template.yaml",
            "python*",
        ),
        (
            "/baselines/windows/compliance_level",
            json!("critical"),
            "spoke.template.yaml",
            "ComplianceLevel: CRITICAL",
        ),
        (
            "/scan/schedule",
            json!("cron(0 3 * * ? *)"),
            "spoke.template.yaml",
            "cron(0 3 * * ? *)",
        ),
        (
            "/install/schedule",
            json!("cron(0 4 ? * SUN#1 *)"),
            "hub.template.yaml",
            "cron(0 4 ? * SUN#1 *)",
        ),
        (
            "/install/timezone",
            json!("America/New_York"),
            "hub.template.yaml",
            "ScheduleExpressionTimezone: America/New_York",
        ),
        (
            "/install/reboot",
            json!("never"),
            "documents/wave-runbook.yaml",
            "Operation: Install RebootOption: NoReboot",
        ),
        (
            "/install/patch_set",
            json!("latest"),
            "orchestrator.asl.json",
            "\"baselineOverride\": \"\"",
        ),
        (
            "/install/hooks/pre_install",
            json!("x-pre"),
            "documents/wave-runbook.yaml",
            "name: PreInstallHook action: aws:runCommand timeoutSeconds: 3600 onFailure: Abort inputs: DocumentName: x-pre",
        ),
        (
            "/install/hooks/post_install",
            json!("x-post"),
            "documents/wave-runbook.yaml",
            "name: PostInstallHook action: aws:runCommand timeoutSeconds: 3600 onFailure: Abort inputs: DocumentName: x-post",
        ),
        (
            "/install/hooks/on_exit",
            json!("x-exit"),
            "documents/wave-runbook.yaml",
            "name: OnExitHook action: aws:runCommand timeoutSeconds: 3600 onFailure: Abort isEnd: true inputs: DocumentName: x-exit",
        ),
        (
            "/waves/0/name",
            json!("pilot"),
            "orchestrator.asl.json",
            "\"Patch pilot\"",
        ),
        (
            "/waves/0/targets/accounts",
            json!(["666666666666"]),
            "orchestrator.asl.json",
            "666666666666",
        ),
        (
            "/waves/1/targets/organizational_units",
            json!(["ou-ab12-77777777"]),
            "orchestrator.asl.json",
            "ou-ab12-77777777",
        ),
        (
            "/waves/0/targets/regions",
            json!(["us-east-1"]),
            "orchestrator.asl.json",
            "\"Regions\": [\"us-east-1\"]",
        ),
        (
            "/waves/0/targets/tags",
            json!({"Role": ["web"]}),
            "orchestrator.asl.json",
            "tag:Role",
        ),
        (
            "/waves/1/account_concurrency",
            json!("7"),
            "orchestrator.asl.json",
            "\"TargetLocationMaxConcurrency\": \"7\"",
        ),
        (
            "/waves/1/concurrency",
            json!("33%"),
            "orchestrator.asl.json",
            "\"maxConcurrency\": \"33%\"",
        ),
        (
            "/waves/1/max_errors",
            json!("3"),
            "orchestrator.asl.json",
            "\"maxErrors\": \"3\"",
        ),
        (
            "/waves/1/bake_time",
            json!("3h"),
            "orchestrator.asl.json",
            "\"Seconds\": \"{% $rollout.dryRun ? 0 : 10800 %}\"",
        ),
        (
            "/waves/1/timeout",
            json!("12h"),
            "orchestrator.asl.json",
            "\"timeoutSeconds\": 43200",
        ),
        (
            "/waves/2/approval/approvers",
            json!(["boss@example.com"]),
            "hub.template.yaml",
            "boss@example.com",
        ),
        (
            "/waves/2/approval/timeout",
            json!("48h"),
            "orchestrator.asl.json",
            "\"TimeoutSeconds\": 172800",
        ),
        (
            "/waves/2/stop_on_alarm",
            json!("other-alarm"),
            "orchestrator.asl.json",
            "\"Name\": \"other-alarm\"",
        ),
        (
            "/waves/2/description",
            json!("production, after a week in nonprod"),
            "orchestrator.asl.json",
            "\"Comment\": \"production, after a week in nonprod\"",
        ),
        (
            "/waves/2/abort_when_failed_accounts_exceed",
            json!("4"),
            "orchestrator.asl.json",
            "\"kind\": \"count\", \"text\": \"4\", \"value\": 4",
        ),
        (
            "/notifications/email",
            json!(["new@example.com"]),
            "hub.template.yaml",
            "new@example.com",
        ),
        (
            "/compliance/config_rule",
            json!(false),
            "spoke.template.yaml",
            "!EC2_MANAGEDINSTANCE_PATCH_COMPLIANCE_STATUS_CHECK",
        ),
        (
            "/compliance/remediation/automatic",
            json!(false),
            "spoke.template.yaml",
            "Automatic: false",
        ),
        (
            "/compliance/remediation/max_attempts",
            json!(9),
            "spoke.template.yaml",
            "MaximumAutomaticAttempts: 9",
        ),
        (
            "/compliance/remediation/retry_after",
            json!("5m"),
            "spoke.template.yaml",
            "RetryAttemptSeconds: 300",
        ),
        (
            "/compliance/remediation/concurrency",
            json!("20%"),
            "spoke.template.yaml",
            "ConcurrentExecutionRatePercentage: 20",
        ),
        (
            "/compliance/remediation/error_threshold",
            json!("30%"),
            "spoke.template.yaml",
            "ErrorPercentage: 30",
        ),
        (
            "/compliance/create_recorder",
            json!(true),
            "spoke.template.yaml",
            "AWS::Config::ConfigurationRecorder",
        ),
        (
            "/bedrock/enabled",
            json!(false),
            "wave.asl.json",
            "!bedrock:invokeModel",
        ),
        (
            "/bedrock/model_id",
            json!("meta.llama3-70b-instruct-v1:0"),
            "wave.asl.json",
            "\"max_gen_len\": 1500",
        ),
        (
            "/bedrock/max_tokens",
            json!(999),
            "wave.asl.json",
            "\"max_tokens\": 999",
        ),
    ]
}

fn reference_policy() -> Policy {
    common::load(&common::root().join("policies/acme-fleet.yaml"))
}

/// The reference policy with one key set to a new value.
fn changed_policy(reference: &Policy, pointer: &str, new: &Value) -> Policy {
    let mut changed = serde_json::to_value(reference).unwrap();
    set(&mut changed, pointer, new.clone());
    serde_json::from_value(changed).unwrap_or_else(|e| panic!("{pointer}: {e}"))
}

#[test]
fn every_key_changes_the_output_where_expected() {
    let reference = reference_policy();
    let options = CompileOptions {
        templates_dir: None,
        artifact_bucket: Some("b".into()),
    };
    let base = compiler::compile(&reference, &options).unwrap();
    let mut failures = Vec::new();
    for (pointer, new, path, expected) in &key_cases() {
        let policy = changed_policy(&reference, pointer, new);
        let artifacts =
            compiler::compile(&policy, &options).unwrap_or_else(|e| panic!("{pointer}: {e}"));
        let before = base.get(path).map(|a| a.content.as_str()).unwrap_or("");
        let after = artifacts
            .get(path)
            .map(|a| a.content.as_str())
            .unwrap_or("");
        let (negated, needle) = match expected.strip_prefix('!') {
            Some(n) => (true, n),
            None => (false, *expected),
        };
        let found = squash(after).contains(&squash(needle));
        if before == after {
            failures.push(format!("{pointer}: {path} did not change"));
        } else if found == negated {
            failures.push(format!(
                "{pointer}: {path} {} `{needle}`",
                if negated { "still has" } else { "lacks" }
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "keys without visible effect:\n{}",
        failures.join("\n")
    );
}

/// Keys with a single legal value, which no case can change.
const FIXED_KEYS: &[&str] = &["/version"];

/// Keys that change nothing compiled, each with a new value and why: (key, new value, reason).
fn uncompiled_cases() -> Vec<(&'static str, Value, &'static str)> {
    vec![(
        "/waves/2/approval/allow_self_approval",
        json!(true),
        "`rollout approve` reads it from the policy",
    )]
}

/// A schema node with `$ref` followed and an optional value (`anyOf` with null) unwrapped.
fn resolve<'a>(root: &'a Value, node: &'a Value) -> &'a Value {
    if let Some(target) = node.get("$ref").and_then(Value::as_str) {
        let target = root.pointer(target.trim_start_matches('#')).unwrap();
        return resolve(root, target);
    }
    if let Some(branches) = node.get("anyOf").and_then(Value::as_array) {
        let present: Vec<&Value> = branches
            .iter()
            .filter(|b| b.get("type") != Some(&json!("null")))
            .collect();
        if let [only] = present[..] {
            return resolve(root, only);
        }
    }
    node
}

/// An object whose properties all have the same schema (`baselines`: OS → baseline) is a map:
/// its keys are written `*`.
fn is_map(root: &Value, properties: &serde_json::Map<String, Value>) -> bool {
    let mut schemas = properties.values().map(|p| resolve(root, p));
    let first = schemas.next();
    properties.len() > 1
        && first.is_some_and(|f| f.get("properties").is_some() && schemas.all(|s| s == f))
}

/// Every leaf key of the policy schema, `N` for a list index and `*` for a map key.
fn schema_leaves(root: &Value, node: &Value, path: String, leaves: &mut Vec<String>) {
    let node = resolve(root, node);
    if let Some(properties) = node.get("properties").and_then(Value::as_object) {
        let map = is_map(root, properties);
        for (key, child) in properties {
            let segment = if map { "*" } else { key.as_str() };
            let child_path = format!("{path}/{segment}");
            if !leaves
                .iter()
                .any(|l| l.starts_with(&format!("{child_path}/")))
            {
                schema_leaves(root, child, child_path, leaves);
            }
        }
    } else if let Some(items) = node.get("items")
        && resolve(root, items).get("properties").is_some()
    {
        schema_leaves(root, items, format!("{path}/N"), leaves);
    } else if !leaves.contains(&path) {
        leaves.push(path);
    }
}

/// A case's pointer in the form of [`schema_leaves`].
fn schema_form(root: &Value, pointer: &str) -> String {
    let mut node = resolve(root, root);
    let mut form = String::new();
    for segment in pointer.trim_start_matches('/').split('/') {
        if let Some(items) = node.get("items") {
            form.push_str("/N");
            node = resolve(root, items);
        } else if let Some(properties) = node.get("properties").and_then(Value::as_object) {
            let map = is_map(root, properties);
            form.push('/');
            form.push_str(if map { "*" } else { segment });
            node = resolve(root, properties.get(segment).unwrap_or(&Value::Null));
        }
    }
    form
}

#[test]
fn every_schema_key_has_a_case_that_the_policy_diff_reports() {
    let schema = patchform::schema::policy_schema();
    let mut leaves = Vec::new();
    schema_leaves(&schema, &schema, String::new(), &mut leaves);
    let reference = reference_policy();
    let cases = key_cases();
    let uncompiled = uncompiled_cases();
    let changes: Vec<(&str, &Value)> = cases
        .iter()
        .map(|c| (c.0, &c.1))
        .chain(uncompiled.iter().map(|c| (c.0, &c.1)))
        .collect();
    let covered: Vec<String> = changes.iter().map(|c| schema_form(&schema, c.0)).collect();
    let missing: Vec<&String> = leaves
        .iter()
        .filter(|leaf| !covered.contains(leaf) && !FIXED_KEYS.contains(&leaf.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "schema keys without a case in key_cases() or uncompiled_cases() (tests/integration/build_keys.rs): {missing:?}"
    );
    let nothing = patchform::artifact::Artifacts::default();
    fn side<'a>(
        policy: &'a patchform::policy::Policy,
        artifacts: &'a patchform::artifact::Artifacts,
    ) -> patchform::diff::Side<'a> {
        patchform::diff::Side {
            policy: Some(policy),
            artifacts,
        }
    }
    let base = patchform::diff::Base {
        kind: patchform::diff::BaseKind::Generated,
        label: "reference".into(),
    };
    let silent: Vec<&str> = changes
        .iter()
        .filter(|(pointer, new)| {
            let changed = changed_policy(&reference, pointer, new);
            let report = patchform::diff::compare(
                base.clone(),
                side(&reference, &nothing),
                side(&changed, &nothing),
                Vec::new(),
            );
            report.policy_changes.changes.is_empty()
        })
        .map(|c| c.0)
        .collect();
    assert!(
        silent.is_empty(),
        "keys whose change the policy diff does not report: {silent:?}"
    );
}

fn states(artifacts: &patchform::artifact::Artifacts, path: &str) -> usize {
    let value: Value = serde_json::from_str(common::text(artifacts, path)).unwrap();
    value["States"].as_object().unwrap().len()
}

fn manifest_counts(artifacts: &patchform::artifact::Artifacts) -> Vec<(String, Value)> {
    let manifest: Value = serde_json::from_str(common::text(artifacts, "manifest.json")).unwrap();
    manifest["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["path"].as_str().unwrap().to_owned(),
                json!([a["resources"], a["parameters"], a["outputs"], a["states"]]),
            )
        })
        .collect()
}

#[test]
fn a_wave_gaining_accounts_keeps_its_states_and_resources() {
    let options = CompileOptions {
        templates_dir: None,
        artifact_bucket: Some("artifacts".into()),
    };
    let one = compiler::compile(
        &common::load_text(&common::large_policy_yaml(1, 1)),
        &options,
    )
    .unwrap();
    let many = compiler::compile(
        &common::load_text(&common::large_policy_yaml(1, 5_000)),
        &options,
    )
    .unwrap();
    assert_eq!(
        states(&one, "orchestrator.asl.json"),
        states(&many, "orchestrator.asl.json")
    );
    assert_eq!(
        states(&one, "wave.asl.json"),
        states(&many, "wave.asl.json")
    );
    assert_eq!(manifest_counts(&one), manifest_counts(&many));
    // 5,000 accounts need 100 target locations of 50: SSM's most for one execution.
    let definition: Value =
        serde_json::from_str(common::text(&many, "orchestrator.asl.json")).unwrap();
    let locations =
        &definition["States"]["Patch wave-0"]["Arguments"]["Input"]["wave"]["targetLocations"];
    assert_eq!(locations.as_array().unwrap().len(), 100);
}

#[test]
fn a_hundred_and_fifty_waves_fit_and_two_hundred_are_refused_with_the_figure() {
    let options = CompileOptions {
        templates_dir: None,
        artifact_bucket: Some("artifacts".into()),
    };
    let artifacts = compiler::compile(
        &common::load_text(&common::large_policy_yaml(150, 3_750)),
        &options,
    )
    .unwrap();
    let manifest: Value = serde_json::from_str(common::text(&artifacts, "manifest.json")).unwrap();
    let rollout = manifest["history"]["rollout_events"].as_u64().unwrap();
    let wave = manifest["history"]["wave_events"].as_u64().unwrap();
    assert!(rollout < 25_000 && wave < 25_000, "{rollout} / {wave}");
    // Without an artifact bucket it builds as well (sending it is deploy's matter), and the
    // manifest says the hub template needs a bucket.
    let artifacts = compiler::compile(
        &common::load_text(&common::large_policy_yaml(150, 3_750)),
        &CompileOptions::default(),
    )
    .unwrap();
    let manifest: Value = serde_json::from_str(common::text(&artifacts, "manifest.json")).unwrap();
    let hub = manifest["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["path"] == "hub.template.yaml")
        .unwrap();
    assert_eq!(hub["needs_artifact_bucket"], true);
    // 200 waves of 25 accounts outgrow CloudFormation's 1 MB template: refused, with the figure
    // and what to do
    let refused = compiler::compile(
        &common::load_text(&common::large_policy_yaml(200, 5_000)),
        &options,
    )
    .unwrap_err()
    .to_string();
    assert!(
        refused.contains("hub.template.yaml` has a body of")
            && refused.contains("the limit is 1,000,000 bytes")
            && refused.contains("split the policy into several"),
        "{refused}"
    );
}

#[test]
fn standalone_documents_and_definitions_are_what_the_templates_embed() {
    for path in common::valid_policies() {
        let artifacts = common::compile(&common::load(&path));
        let hub = patchform::render::parse_yaml(
            "hub",
            common::text(&artifacts, "hub.template.yaml").to_owned(),
        )
        .unwrap();
        let runbook = patchform::render::parse_yaml(
            "doc",
            common::text(&artifacts, "documents/wave-runbook.yaml").to_owned(),
        )
        .unwrap();
        assert_eq!(
            hub["Resources"]["WaveRunbook"]["Properties"]["Content"],
            runbook,
            "{}",
            path.display()
        );
        for (resource, file) in [
            ("RolloutStateMachine", "orchestrator.asl.json"),
            ("WaveStateMachine", "wave.asl.json"),
        ] {
            let definition: Value = serde_json::from_str(common::text(&artifacts, file)).unwrap();
            assert_eq!(
                hub["Resources"][resource]["Properties"]["Definition"],
                definition,
                "{}",
                path.display()
            );
        }
        if let Some(doc) = artifacts.get("documents/remediation-runbook.yaml") {
            let spoke = patchform::render::parse_yaml(
                "spoke",
                common::text(&artifacts, "spoke.template.yaml").to_owned(),
            )
            .unwrap();
            let runbook = patchform::render::parse_yaml("doc", doc.content.clone()).unwrap();
            assert_eq!(
                spoke["Resources"]["RemediationRunbook"]["Properties"]["Content"],
                runbook
            );
        }
    }
}
