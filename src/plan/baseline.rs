// Patch baselines in final form: AWS spellings, filters, approval delay, and the pinned override.

use super::PlanError;
use crate::policy::{Baseline, OperatingSystem};
use serde::Serialize;
use serde_json::{Value, json};

/// One PatchFilter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FilterPlan {
    /// CLASSIFICATION, SEVERITY, MSRC_SEVERITY, PRIORITY or PRODUCT.
    pub key: String,
    /// AWS spellings.
    pub values: Vec<String>,
}

/// One custom patch baseline, registered as its OS's default in every spoke.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BaselinePlan {
    /// The policy key (`amazon_linux_2023`).
    pub key: String,
    /// CloudFormation logical-id part (`AmazonLinux2023`).
    pub logical: String,
    /// The PatchBaseline OperatingSystem (`AMAZON_LINUX_2023`).
    pub operating_system: String,
    /// The baseline's name.
    pub name: String,
    /// The one approval rule's filters.
    pub filters: Vec<FilterPlan>,
    /// ApproveAfterDays; absent on Ubuntu and Debian (not supported there).
    pub approve_after_days: Option<u32>,
    /// ComplianceLevel of the rule and of approved patches.
    pub compliance_level: String,
    /// ApprovedPatches.
    pub approved_patches: Vec<String>,
    /// RejectedPatches (blocked, also as dependencies).
    pub rejected_patches: Vec<String>,
}

/// Resolve one baseline: map policy spellings to AWS ones and apply the defaults.
pub(super) fn plan_baseline(
    policy_name: &str,
    os: OperatingSystem,
    baseline: &Baseline,
) -> Result<BaselinePlan, PlanError> {
    let mut filters = Vec::new();
    let (class_key, class_table) = os.classifications();
    let mut classifications = Vec::new();
    if baseline.security_only {
        classifications.push(os.security_classification().to_owned());
    }
    for value in &baseline.classifications {
        let aws = lookup(class_table, value).ok_or_else(|| {
            PlanError::invalid(
                format!("baselines.{}.classifications", os.key()),
                format!("`{value}` is not a classification of {}", os.key()),
            )
        })?;
        if !classifications.iter().any(|c| c == aws) {
            classifications.push(aws.to_owned());
        }
    }
    if !classifications.is_empty() {
        filters.push(FilterPlan {
            key: class_key.aws_key().to_owned(),
            values: classifications,
        });
    }
    let (severity_key, severity_table) = os.severities();
    let severities = baseline
        .severities
        .iter()
        .map(|value| {
            lookup(severity_table, value)
                .map(str::to_owned)
                .ok_or_else(|| {
                    PlanError::invalid(
                        format!("baselines.{}.severities", os.key()),
                        format!("`{value}` is not a severity of {}", os.key()),
                    )
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    if !severities.is_empty() {
        filters.push(FilterPlan {
            key: severity_key.aws_key().to_owned(),
            values: severities,
        });
    }
    if filters.is_empty() {
        // A rule needs at least one filter; every product is what "no restriction" means.
        filters.push(FilterPlan {
            key: "PRODUCT".to_owned(),
            values: vec!["*".to_owned()],
        });
    }
    let approve_after_days = if os.supports_approve_after_days() {
        Some(
            baseline
                .approve_after_days
                .unwrap_or(Baseline::DEFAULT_APPROVE_AFTER_DAYS),
        )
    } else {
        None
    };
    Ok(BaselinePlan {
        key: os.key().to_owned(),
        logical: os.pascal_name(),
        operating_system: os.aws_name(),
        name: format!("{policy_name}-{}", os.key().replace('_', "-")),
        filters,
        approve_after_days,
        compliance_level: baseline.compliance_level.aws_name().to_owned(),
        approved_patches: baseline.approved_patches.clone(),
        rejected_patches: baseline.rejected_patches.clone(),
    })
}

fn lookup<'a>(table: &'a [(&'a str, &'a str)], value: &str) -> Option<&'a str> {
    table
        .iter()
        .find(|(key, _)| *key == value)
        .map(|(_, aws)| *aws)
}

impl BaselinePlan {
    /// This baseline as a BaselineOverride entry pinned to the rollout's start: the approval
    /// delay becomes an ApproveUntilDate computed (JSONata, in the rollout state machine) from
    /// the execution's start time, so every wave approves exactly what was approved then.
    /// Ubuntu and Debian carry no release dates, so their rules cannot be pinned by date.
    pub fn pinned_override(&self) -> Value {
        let filters: Vec<Value> = self
            .filters
            .iter()
            .map(|f| json!({ "Key": f.key, "Values": f.values }))
            .collect();
        let mut rule = json!({
            "PatchFilterGroup": { "PatchFilters": filters },
            "ComplianceLevel": self.compliance_level,
        });
        if let (Some(days), Value::Object(map)) = (self.approve_after_days, &mut rule) {
            map.insert(
                "ApproveUntilDate".to_owned(),
                Value::String(format!(
                    "{{% $fromMillis($toMillis($rollout.startedAt) - {days} * 86400000, '[Y0001]-[M01]-[D01]') %}}"
                )),
            );
        }
        let mut entry = json!({
            "OperatingSystem": self.operating_system,
            "ApprovalRules": { "PatchRules": [rule] },
        });
        if let Value::Object(map) = &mut entry {
            if !self.approved_patches.is_empty() {
                map.insert("ApprovedPatches".to_owned(), json!(self.approved_patches));
                map.insert(
                    "ApprovedPatchesComplianceLevel".to_owned(),
                    json!(self.compliance_level),
                );
            }
            if !self.rejected_patches.is_empty() {
                map.insert("RejectedPatches".to_owned(), json!(self.rejected_patches));
                map.insert("RejectedPatchesAction".to_owned(), json!("BLOCK"));
            }
        }
        entry
    }
}
