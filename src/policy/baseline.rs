// The `baselines` section: one custom patch baseline per operating system, and the values each OS accepts.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Operating systems, as snake_case forms of the PatchBaseline OperatingSystem values.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum OperatingSystem {
    /// Windows Server (WINDOWS).
    Windows,
    /// Amazon Linux 2 (AMAZON_LINUX_2).
    #[serde(rename = "amazon_linux_2")]
    AmazonLinux2,
    /// Amazon Linux 2023 (AMAZON_LINUX_2023).
    #[serde(rename = "amazon_linux_2023")]
    AmazonLinux2023,
    /// Red Hat Enterprise Linux (REDHAT_ENTERPRISE_LINUX).
    RedhatEnterpriseLinux,
    /// Ubuntu Server (UBUNTU).
    Ubuntu,
    /// Debian Server (DEBIAN).
    Debian,
    /// SUSE Linux Enterprise Server (SUSE).
    Suse,
    /// Oracle Linux (ORACLE_LINUX).
    OracleLinux,
    /// Rocky Linux (ROCKY_LINUX).
    RockyLinux,
    /// AlmaLinux (ALMA_LINUX).
    AlmaLinux,
    /// CentOS (CENTOS).
    Centos,
    /// macOS (MACOS).
    Macos,
}

/// Which patch property a `classifications` or `severities` value filters on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterKey {
    /// CLASSIFICATION
    Classification,
    /// SEVERITY (Linux)
    Severity,
    /// MSRC_SEVERITY (Windows)
    MsrcSeverity,
    /// PRIORITY (Ubuntu, Debian)
    Priority,
}

impl FilterKey {
    /// The PatchFilter key.
    pub fn aws_key(self) -> &'static str {
        match self {
            FilterKey::Classification => "CLASSIFICATION",
            FilterKey::Severity => "SEVERITY",
            FilterKey::MsrcSeverity => "MSRC_SEVERITY",
            FilterKey::Priority => "PRIORITY",
        }
    }
}

const WINDOWS_CLASSIFICATIONS: &[(&str, &str)] = &[
    ("critical_updates", "CriticalUpdates"),
    ("definition_updates", "DefinitionUpdates"),
    ("drivers", "Drivers"),
    ("feature_packs", "FeaturePacks"),
    ("security_updates", "SecurityUpdates"),
    ("service_packs", "ServicePacks"),
    ("tools", "Tools"),
    ("update_rollups", "UpdateRollups"),
    ("updates", "Updates"),
    ("upgrades", "Upgrades"),
];
const WINDOWS_SEVERITIES: &[(&str, &str)] = &[
    ("critical", "Critical"),
    ("important", "Important"),
    ("moderate", "Moderate"),
    ("low", "Low"),
    ("unspecified", "Unspecified"),
];
const YUM_CLASSIFICATIONS: &[(&str, &str)] = &[
    ("security", "Security"),
    ("bugfix", "Bugfix"),
    ("enhancement", "Enhancement"),
    ("recommended", "Recommended"),
    ("newpackage", "Newpackage"),
];
const AMAZON_SEVERITIES: &[(&str, &str)] = &[
    ("critical", "Critical"),
    ("important", "Important"),
    ("medium", "Medium"),
    ("low", "Low"),
];
const AMAZON_2023_SEVERITIES: &[(&str, &str)] = &[
    ("critical", "Critical"),
    ("important", "Important"),
    ("medium", "Medium"),
    ("low", "Low"),
    ("none", "None"),
];
const RHEL_SEVERITIES: &[(&str, &str)] = &[
    ("critical", "Critical"),
    ("important", "Important"),
    ("moderate", "Moderate"),
    ("low", "Low"),
];
const SUSE_CLASSIFICATIONS: &[(&str, &str)] = &[
    ("security", "Security"),
    ("recommended", "Recommended"),
    ("optional", "Optional"),
    ("feature", "Feature"),
    ("document", "Document"),
    ("yast", "Yast"),
];
const ORACLE_SEVERITIES: &[(&str, &str)] = &[
    ("important", "Important"),
    ("moderate", "Moderate"),
    ("low", "Low"),
];
const DEB_PRIORITIES: &[(&str, &str)] = &[
    ("required", "Required"),
    ("important", "Important"),
    ("standard", "Standard"),
    ("optional", "Optional"),
    ("extra", "Extra"),
];
const MACOS_CLASSIFICATIONS: &[(&str, &str)] = &[
    ("software_updates", "Software Updates"),
    ("software_installers", "Software Installers"),
];

impl OperatingSystem {
    /// Every operating system, in schema order.
    pub const ALL: [OperatingSystem; 12] = [
        OperatingSystem::Windows,
        OperatingSystem::AmazonLinux2,
        OperatingSystem::AmazonLinux2023,
        OperatingSystem::RedhatEnterpriseLinux,
        OperatingSystem::Ubuntu,
        OperatingSystem::Debian,
        OperatingSystem::Suse,
        OperatingSystem::OracleLinux,
        OperatingSystem::RockyLinux,
        OperatingSystem::AlmaLinux,
        OperatingSystem::Centos,
        OperatingSystem::Macos,
    ];

    /// The policy spelling (`amazon_linux_2023`).
    pub fn key(self) -> &'static str {
        match self {
            OperatingSystem::Windows => "windows",
            OperatingSystem::AmazonLinux2 => "amazon_linux_2",
            OperatingSystem::AmazonLinux2023 => "amazon_linux_2023",
            OperatingSystem::RedhatEnterpriseLinux => "redhat_enterprise_linux",
            OperatingSystem::Ubuntu => "ubuntu",
            OperatingSystem::Debian => "debian",
            OperatingSystem::Suse => "suse",
            OperatingSystem::OracleLinux => "oracle_linux",
            OperatingSystem::RockyLinux => "rocky_linux",
            OperatingSystem::AlmaLinux => "alma_linux",
            OperatingSystem::Centos => "centos",
            OperatingSystem::Macos => "macos",
        }
    }

    /// The PatchBaseline OperatingSystem value (`AMAZON_LINUX_2023`).
    pub fn aws_name(self) -> String {
        self.key().to_ascii_uppercase()
    }

    /// A CloudFormation-safe name part (`AmazonLinux2023`).
    pub fn pascal_name(self) -> String {
        self.key()
            .split('_')
            .map(|part| {
                let mut chars = part.chars();
                match chars.next() {
                    Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                    None => String::new(),
                }
            })
            .collect()
    }

    /// Whether this is a Linux distribution (security_only applies).
    pub fn is_linux(self) -> bool {
        !matches!(self, OperatingSystem::Windows | OperatingSystem::Macos)
    }

    /// Whether Patch Manager supports ApproveAfterDays for this OS (not for Ubuntu and Debian,
    /// whose repositories carry no release dates).
    pub fn supports_approve_after_days(self) -> bool {
        !matches!(self, OperatingSystem::Ubuntu | OperatingSystem::Debian)
    }

    /// The accepted `classifications` values (policy spelling, AWS spelling) and their filter key.
    pub fn classifications(self) -> (FilterKey, &'static [(&'static str, &'static str)]) {
        let values: &[(&str, &str)] = match self {
            OperatingSystem::Windows => WINDOWS_CLASSIFICATIONS,
            OperatingSystem::Suse => SUSE_CLASSIFICATIONS,
            OperatingSystem::Macos => MACOS_CLASSIFICATIONS,
            OperatingSystem::Ubuntu | OperatingSystem::Debian => &[],
            _ => YUM_CLASSIFICATIONS,
        };
        (FilterKey::Classification, values)
    }

    /// The accepted `severities` values and their filter key (PRIORITY on Ubuntu and Debian).
    pub fn severities(self) -> (FilterKey, &'static [(&'static str, &'static str)]) {
        match self {
            OperatingSystem::Windows => (FilterKey::MsrcSeverity, WINDOWS_SEVERITIES),
            OperatingSystem::Ubuntu | OperatingSystem::Debian => {
                (FilterKey::Priority, DEB_PRIORITIES)
            }
            OperatingSystem::AmazonLinux2 => (FilterKey::Severity, AMAZON_SEVERITIES),
            OperatingSystem::AmazonLinux2023 => (FilterKey::Severity, AMAZON_2023_SEVERITIES),
            OperatingSystem::OracleLinux => (FilterKey::Severity, ORACLE_SEVERITIES),
            OperatingSystem::Macos => (FilterKey::Severity, &[]),
            _ => (FilterKey::Severity, RHEL_SEVERITIES),
        }
    }

    /// The classification that `security_only` stands for.
    pub fn security_classification(self) -> &'static str {
        "Security"
    }
}

/// Patch compliance severity reported for missing approved patches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ComplianceLevel {
    /// CRITICAL
    Critical,
    /// HIGH
    High,
    /// MEDIUM
    Medium,
    /// LOW
    Low,
    /// INFORMATIONAL
    Informational,
    /// UNSPECIFIED (the AWS default)
    #[default]
    Unspecified,
}

impl ComplianceLevel {
    /// The PatchBaseline ComplianceLevel value.
    pub fn aws_name(self) -> &'static str {
        match self {
            ComplianceLevel::Critical => "CRITICAL",
            ComplianceLevel::High => "HIGH",
            ComplianceLevel::Medium => "MEDIUM",
            ComplianceLevel::Low => "LOW",
            ComplianceLevel::Informational => "INFORMATIONAL",
            ComplianceLevel::Unspecified => "UNSPECIFIED",
        }
    }
}

/// A custom patch baseline for one operating system, registered as that OS's default in every spoke.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// Patch classifications approved, valid for the OS (Windows: critical_updates, security_updates, …; Linux: security, bugfix, …). Default: all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(extend("uniqueItems" = true))]
    pub classifications: Vec<String>,
    /// Severities approved, valid for the OS (priorities on Ubuntu and Debian). Default: all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(extend("uniqueItems" = true))]
    pub severities: Vec<String>,
    /// Days after release before a patch is approved, 0–360; default 7. Not allowed on ubuntu and debian: their repositories carry no release dates, so patches there are approved as soon as the repository has them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 360), extend("default" = Baseline::DEFAULT_APPROVE_AFTER_DAYS))]
    pub approve_after_days: Option<u32>,
    /// Linux only: approve only security-classified patches (shorthand for classifications: [security]).
    #[serde(default)]
    pub security_only: bool,
    /// Patches approved regardless of the rules (patch ids, package name patterns, KB ids).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(inner(length(min = 1, max = 100)))]
    pub approved_patches: Vec<String>,
    /// Patches never installed (patch ids, package name patterns, KB ids).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(inner(length(min = 1, max = 100)))]
    pub rejected_patches: Vec<String>,
    /// Compliance severity of missing approved patches; default unspecified.
    #[serde(default)]
    pub compliance_level: ComplianceLevel,
}

impl Baseline {
    /// Default approval delay when the policy writes none (also the schema's default; the key
    /// stays optional because writing it on ubuntu or debian is an error).
    pub const DEFAULT_APPROVE_AFTER_DAYS: u32 = 7;
}
