// Integration tests of `patchform validate`: the real binary on fixture policies, output snapshotted.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use crate::support::{Run, Test};
use std::path::Path;

fn patchform(args: &[&str]) -> Run {
    Test::new().args(args).run()
}

fn fixture(name: &str) -> String {
    format!("tests/fixtures/validate/{name}.yaml")
}

/// The fixture's name is its code with `::` written `-`, optionally followed by `--` and the case
/// it shows (`schema-value--approval-approvers-empty`): it must report that code, and its
/// rendered diagnostics (code, span, help) are snapshotted.
fn check_fixture(name: &str) {
    let path = fixture(name);
    let human = patchform(&["validate", &path]);
    let json = patchform(&["validate", "--format", "json", &path]);
    let diagnostics: serde_json::Value = serde_json::from_str(&json.stdout).expect("json output");
    let codes: Vec<String> = diagnostics
        .as_array()
        .expect("an array")
        .iter()
        .map(|d| d["code"].as_str().unwrap_or_default().replace("::", "-"))
        .collect();
    if name.starts_with("policy-") || name.starts_with("load-") || name.starts_with("schema-") {
        let code = name.split("--").next().unwrap_or(name);
        let expected = code.trim_end_matches("-list-root");
        assert!(
            codes.iter().any(|c| c == expected),
            "{name} should report {expected}, got {codes:?}"
        );
    }
    let warning_only = diagnostics
        .as_array()
        .expect("an array")
        .iter()
        .all(|d| d["severity"] == "warning");
    assert_eq!(
        human.status(),
        if warning_only { 0 } else { 1 },
        "{}",
        human.stderr
    );
    insta::assert_snapshot!(
        name,
        format!("exit status: {}\n\n{}", human.status(), human.stderr)
    );
}

macro_rules! fixtures {
    ($($test:ident => $name:literal,)*) => {
        $(#[test] fn $test() { check_fixture($name); })*

        /// Every fixture on disk has a test above.
        #[test]
        fn every_fixture_is_tested() {
            let listed = [$($name,)*];
            for entry in std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/validate")).unwrap() {
                let entry = entry.unwrap();
                if entry.file_type().unwrap().is_dir() {
                    continue; // files the fixtures refer to (hook documents)
                }
                let file = entry.file_name().into_string().unwrap();
                let stem = file.trim_end_matches(".yaml");
                assert!(listed.contains(&stem), "fixture {file} has no test");
            }
        }
    };
}

fixtures! {
    load_alias_budget => "load-alias-budget",
    load_duplicate_key => "load-duplicate-key",
    load_empty => "load-empty",
    load_multiple_documents => "load-multiple-documents",
    load_not_utf8 => "load-not-utf8",
    load_syntax => "load-syntax",
    load_too_deep => "load-too-deep",
    load_unsupported_node => "load-unsupported-node",
    many_problems => "many-problems",
    account_id_invalid => "policy-account-id-invalid",
    account_id_unquoted => "policy-account-id-unquoted",
    baseline_approve_after_days => "policy-baseline-approve-after-days",
    baseline_approve_after_days_debian => "policy-baseline-approve-after-days--debian",
    baseline_classification => "policy-baseline-classification",
    baseline_security_only => "policy-baseline-security-only",
    baseline_severity => "policy-baseline-severity",
    bedrock_model_family => "policy-bedrock-model-family",
    bedrock_model_id => "policy-bedrock-model-id",
    bedrock_model_region => "policy-bedrock-model-region",
    automatic_remediation => "policy-compliance-automatic-remediation",
    remediation_needs_rule => "policy-compliance-remediation-needs-rule",
    duration_invalid => "policy-duration-invalid",
    duration_invalid_approval_timeout => "policy-duration-invalid--approval-timeout",
    duration_invalid_remediation_retry_after => "policy-duration-invalid--remediation-retry-after",
    hub_not_deployed_by_stackset => "policy-hub-not-deployed-by-stackset",
    name_invalid => "policy-name-invalid",
    organization_duplicate_region => "policy-organization-duplicate-region",
    organization_region_order => "policy-organization-region-order",
    self_managed_auto_deployment => "policy-organization-self-managed-auto-deployment",
    self_managed_needs_accounts => "policy-organization-self-managed-needs-accounts",
    self_managed_ous => "policy-organization-self-managed-ous",
    service_managed_targets => "policy-organization-service-managed-targets",
    ou_id_invalid => "policy-ou-id-invalid",
    rate_invalid => "policy-rate-invalid",
    region_invalid => "policy-region-invalid",
    region_unknown => "policy-region-unknown",
    rollout_too_long => "policy-rollout-too-long",
    schedule_invalid => "policy-schedule-invalid",
    scan_during_rollout => "policy-schedule-scan-during-rollout",
    scan_during_rollout_default_scan => "policy-schedule-scan-during-rollout--default-scan",
    scan_during_rollout_rate => "policy-schedule-scan-during-rollout--rate",
    schedule_timezone => "policy-schedule-timezone",
    version_unsupported => "policy-version-unsupported",
    wave_approval_timeout => "policy-wave-approval-timeout",
    wave_duplicate_name => "policy-wave-duplicate-name",
    wave_empty_tag_values => "policy-wave-empty-tag-values",
    wave_no_targets => "policy-wave-no-targets",
    wave_overlap => "policy-wave-overlap",
    wave_region_outside_organization => "policy-wave-region-outside-organization",
    wave_tag_limit => "policy-wave-tag-limit",
    wave_target_outside_organization => "policy-wave-target-outside-organization",
    wave_timeout => "policy-wave-timeout",
    wave_timeout_short => "policy-wave-timeout-short",
    hook_file => "policy-hook-file",
    hook_file_missing => "policy-hook-file--missing",
    hook_external_document => "policy-hook-external-document",
    schema_missing_key => "schema-missing-key",
    schema_missing_key_approval_approvers => "schema-missing-key--approval-approvers",
    schema_type => "schema-type",
    schema_type_approval_approvers_not_a_list => "schema-type--approval-approvers-not-a-list",
    schema_type_list_root => "schema-type-list-root",
    schema_type_remediation_automatic => "schema-type--remediation-automatic",
    schema_type_remediation_not_a_mapping => "schema-type--remediation-not-a-mapping",
    schema_unknown_key => "schema-unknown-key",
    schema_unknown_key_remediation => "schema-unknown-key--remediation",
    schema_value => "schema-value",
    schema_value_approval_approver_not_an_email => "schema-value--approval-approver-not-an-email",
    schema_value_approval_approvers_empty => "schema-value--approval-approvers-empty",
    schema_value_remediation_max_attempts => "schema-value--remediation-max-attempts",
}

/// A mistake inside an optional section (`waves[].approval`, `compliance.remediation`) is
/// reported at the node that is wrong, not as the whole section being of the wrong type.
#[test]
fn mistakes_inside_optional_sections_point_at_the_wrong_node() {
    for (name, code, pointer) in [
        (
            "schema-type--approval-approvers-not-a-list",
            "schema::type",
            "/waves/1/approval/approvers",
        ),
        (
            "schema-value--approval-approvers-empty",
            "schema::value",
            "/waves/1/approval/approvers",
        ),
        (
            "schema-value--approval-approver-not-an-email",
            "schema::value",
            "/waves/1/approval/approvers/0",
        ),
        (
            "policy-duration-invalid--approval-timeout",
            "policy::duration::invalid",
            "/waves/1/approval/timeout",
        ),
        (
            "schema-missing-key--approval-approvers",
            "schema::missing-key",
            "/waves/1/approval",
        ),
        (
            "schema-type--remediation-automatic",
            "schema::type",
            "/compliance/remediation/automatic",
        ),
        (
            "schema-value--remediation-max-attempts",
            "schema::value",
            "/compliance/remediation/max_attempts",
        ),
        (
            "schema-unknown-key--remediation",
            "schema::unknown-key",
            "/compliance/remediation/automatc",
        ),
        (
            "policy-duration-invalid--remediation-retry-after",
            "policy::duration::invalid",
            "/compliance/remediation/retry_after",
        ),
    ] {
        let run = patchform(&["validate", "--format", "json", &fixture(name)]);
        let diagnostics: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).unwrap();
        // (the fixtures' waves also draw the duration estimate's warning, which is not the point)
        let found: Vec<(&str, &str)> = diagnostics
            .iter()
            .map(|d| (d["code"].as_str().unwrap(), d["pointer"].as_str().unwrap()))
            .filter(|(c, _)| *c != "policy::wave::timeout-short")
            .collect();
        assert_eq!(found, [(code, pointer)], "{name}");
    }
}

/// The schema's description of `approve_after_days` (what editors show), the reference doc and
/// the rule agree on where the key is allowed: exactly the operating systems whose
/// `supports_approve_after_days` is false are named as "not allowed", no default is promised
/// for them, and the rule flags the key on them and only on them.
#[test]
fn approve_after_days_schema_docs_and_rule_agree() {
    use patchform::policy::OperatingSystem;
    let schema = patchform::schema::policy_schema();
    let description = schema
        .pointer("/$defs/Baseline/properties/approve_after_days/description")
        .and_then(|d| d.as_str())
        .unwrap();
    let unsupported: Vec<&str> = OperatingSystem::ALL
        .iter()
        .filter(|os| !os.supports_approve_after_days())
        .map(|os| os.key())
        .collect();
    assert!(
        description.contains(&format!("Not allowed on {}", unsupported.join(" and "))),
        "{description}"
    );
    for os in &unsupported {
        assert_eq!(description.matches(os).count(), 1, "{description}");
    }
    let reference = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/policy-reference.md"),
    )
    .unwrap();
    let row = reference
        .lines()
        .find(|l| l.starts_with("| `approve_after_days` |"))
        .unwrap();
    // The reference's key tables are generated from the schema (src/schema.rs checks them).
    assert!(
        row.contains(&format!("Not allowed on {}", unsupported.join(" and "))),
        "{row}"
    );
    let base = std::fs::read_to_string(fixture("policy-baseline-approve-after-days")).unwrap();
    let base = &base[..base.find("baselines:").unwrap()];
    for os in OperatingSystem::ALL {
        let text = format!(
            "{base}baselines:\n  {}:\n    approve_after_days: 7\n",
            os.key()
        );
        let validated = patchform::validator::validate_text("policy.yaml", &text);
        let codes: Vec<_> = validated
            .report
            .diagnostics
            .iter()
            .map(|d| d.code)
            .filter(|c| *c != patchform::code::Code::WaveTimeoutShort)
            .collect();
        let expected = if os.supports_approve_after_days() {
            vec![]
        } else {
            vec![patchform::code::Code::BaselineApproveAfterDays]
        };
        assert_eq!(codes, expected, "{}", os.key());
    }
}

#[test]
fn every_code_is_triggered_by_a_fixture() {
    let mut seen = std::collections::BTreeSet::new();
    for entry in
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/validate"))
            .unwrap()
    {
        let path = entry.unwrap().path();
        let run = patchform(&["validate", "--format", "json", path.to_str().unwrap()]);
        for d in serde_json::from_str::<serde_json::Value>(&run.stdout)
            .unwrap()
            .as_array()
            .unwrap()
        {
            seen.insert(d["code"].as_str().unwrap().to_owned());
        }
    }
    // load::io and load::too-large need no fixture file: they are tested below. plan::limit
    // needs a policy of over 5,000 accounts: src/commands/validate.rs's tests build one.
    let untested: Vec<&str> = patchform::code::Code::ALL
        .iter()
        .map(|c| c.name())
        .filter(|name| {
            !seen.contains(*name)
                && !matches!(*name, "load::io" | "load::too-large" | "plan::limit")
        })
        .collect();
    assert!(untested.is_empty(), "codes with no fixture: {untested:?}");
}

/// The shipped examples are valid. minimal.yaml has no diagnostic; acme-fleet.yaml, which shows
/// every feature, has two warnings it keeps on purpose: a hook named by name (the other is a
/// file of the repository), and automatic remediation.
#[test]
fn shipped_examples_are_valid_with_only_the_known_warnings() {
    let run = patchform(&[
        "validate",
        "--format",
        "json",
        "policies/acme-fleet.yaml",
        "policies/minimal.yaml",
    ]);
    assert_eq!(run.status(), 0, "{}", run.stderr);
    let diagnostics: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).unwrap();
    let found: Vec<(&str, &str, &str)> = diagnostics
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap(),
                d["code"].as_str().unwrap(),
                d["severity"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                "policies/acme-fleet.yaml",
                "policy::hook::external-document",
                "warning"
            ),
            (
                "policies/acme-fleet.yaml",
                "policy::compliance::automatic-remediation",
                "warning"
            ),
        ]
    );
    let human = patchform(&["validate", "policies/minimal.yaml"]);
    assert_eq!(human.status(), 0);
    assert_eq!(human.stderr, "policies/minimal.yaml: valid\n");
    let denied = patchform(&["validate", "--deny-warnings", "policies/acme-fleet.yaml"]);
    assert_eq!(denied.status(), 1);
}

#[test]
fn many_problems_are_reported_together_each_on_its_own_line() {
    let run = patchform(&["validate", "--format", "json", &fixture("many-problems")]);
    assert_eq!(run.status(), 1);
    let diagnostics: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).unwrap();
    assert!(
        diagnostics.len() >= 12,
        "only {} diagnostics",
        diagnostics.len()
    );
    let text = std::fs::read_to_string(fixture("many-problems")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    for d in &diagnostics {
        // Each diagnostic spans one line: the key its pointer names or that key's value, or
        // for a list index that element of the (flow) list.
        let line = d["line"].as_u64().unwrap() as usize;
        assert_eq!(d["end_line"], d["line"], "{d}");
        let column = d["column"].as_u64().unwrap() as usize;
        let end_column = d["end_column"].as_u64().unwrap() as usize;
        let pointer = d["pointer"].as_str().unwrap();
        let last = pointer.rsplit('/').next().unwrap();
        let text = lines[line - 1];
        let spanned = &text[column - 1..end_column - 1];
        assert!(!spanned.is_empty(), "{d}");
        if let Ok(index) = last.parse::<usize>() {
            let list = &text[text.find('[').unwrap() + 1..text.rfind(']').unwrap()];
            let items: Vec<&str> = list.split(',').map(str::trim).collect();
            assert_eq!(items.get(index), Some(&spanned), "{d}");
        } else {
            let entry = text.trim_start().trim_start_matches("- ");
            let value = entry.strip_prefix(&format!("{last}:"));
            assert!(value.is_some(), "line {line} is not the key `{last}`: {d}");
            assert!(
                spanned == last || Some(spanned) == value.map(str::trim),
                "{d}"
            );
        }
    }
    insta::assert_snapshot!("many-problems.json", run.stdout);
}

#[test]
fn sarif_output_is_sarif_2_1_0() {
    let run = patchform(&[
        "validate",
        "--format",
        "sarif",
        &fixture("policy-wave-overlap"),
        "policies/minimal.yaml",
    ]);
    assert_eq!(run.status(), 1);
    let log: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(log["version"], "2.1.0");
    let result = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "policy::wave::overlap")
        .expect("the overlap is reported");
    assert_eq!(
        result["locations"][0]["physicalLocation"]["region"]["startLine"],
        19
    );
    insta::assert_snapshot!("overlap.sarif", run.stdout);
}

#[test]
fn warnings_fail_only_with_deny_warnings() {
    let path = fixture("policy-region-unknown");
    assert_eq!(patchform(&["validate", &path]).status(), 0);
    assert_eq!(
        patchform(&["validate", "--deny-warnings", &path]).status(),
        1
    );
}

#[test]
fn missing_file_and_directory_are_io_errors() {
    let missing = patchform(&["validate", "policies/does-not-exist.yaml"]);
    assert_eq!(missing.status(), 2);
    insta::assert_snapshot!("missing-file", missing.stderr);
    let directory = patchform(&["validate", "policies"]);
    assert_eq!(directory.status(), 2);
    insta::assert_snapshot!("directory", directory.stderr);
}

#[test]
fn a_ten_megabyte_policy_is_refused_without_reading_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.yaml");
    let line = "# padding padding padding padding padding padding padding padding padding\n";
    std::fs::write(&path, line.repeat(10 * 1024 * 1024 / line.len() + 1)).unwrap();
    let run = patchform(&["validate", path.to_str().unwrap()]);
    assert_eq!(run.status(), 1);
    assert!(run.stderr.contains("load::too-large"), "{}", run.stderr);
    assert!(run.stderr.contains("at most 4 MiB"), "{}", run.stderr);
}

#[test]
fn one_bad_policy_among_good_ones_fails_the_run_and_is_named() {
    let run = patchform(&[
        "validate",
        "policies/minimal.yaml",
        &fixture("policy-wave-overlap"),
    ]);
    assert_eq!(run.status(), 1);
    assert!(run.stderr.contains("policies/minimal.yaml: valid"));
    assert!(run.stderr.contains("policy-wave-overlap.yaml: 2 errors"));
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(patchform(&["validate"]).status(), 2);
    assert_eq!(
        patchform(&["validate", "--format", "xml", "policies/minimal.yaml"]).status(),
        2
    );
}
