// The registry of diagnostic codes: one stable name, severity and explanation per code.
//
// Codes are never renamed or reused; `patchform explain CODE` prints the explanation.

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The policy is usable but probably not what was meant.
    Warning,
    /// The policy cannot be compiled.
    Error,
}

macro_rules! codes {
    ($($variant:ident => $name:literal, $severity:ident, $summary:literal, $explanation:literal;)*) => {
        /// A stable diagnostic code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $(#[doc = $summary] $variant,)*
        }

        impl Code {
            /// Every code, in registry order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The stable name, such as `policy::wave::duplicate-name`.
            pub fn name(self) -> &'static str {
                match self { $(Code::$variant => $name,)* }
            }

            /// The severity a diagnostic of this code has.
            pub fn default_severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity,)* }
            }

            /// One line: what the code means.
            pub fn summary(self) -> &'static str {
                match self { $(Code::$variant => $summary,)* }
            }

            /// Why it matters and how to fix it.
            pub fn explanation(self) -> &'static str {
                match self { $(Code::$variant => $explanation,)* }
            }
        }
    };
}

impl Code {
    /// The code with this name.
    pub fn from_name(name: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.name() == name)
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

codes! {
    LoadIo => "load::io", Error,
        "the policy file cannot be read",
        "patchform could not open or read the file: it does not exist, is a directory, or is not readable.\nGive the path of a YAML policy file.";
    LoadTooLarge => "load::too-large", Error,
        "the policy file is larger than patchform reads",
        "A policy for even a very large organization is a few hundred kilobytes. patchform refuses files over 4 MiB rather than spend memory on what is almost certainly not a policy.";
    LoadNotUtf8 => "load::not-utf8", Error,
        "the policy file is not UTF-8 text",
        "YAML files must be UTF-8. Re-save the file as UTF-8 (most editors offer this under 'encoding').";
    LoadEmpty => "load::empty", Error,
        "the policy file holds no document",
        "The file is empty or only has comments. Run `patchform init` for a starter policy.";
    LoadSyntax => "load::syntax", Error,
        "the file is not valid YAML",
        "The YAML parser stopped at the position shown. Common causes: a tab used for indentation, a missing space after `:`, an unclosed quote or bracket.";
    LoadDuplicateKey => "load::duplicate-key", Error,
        "a mapping has the same key twice",
        "YAML forbids duplicate keys, and parsers that accept them silently keep one value. Remove or merge one of them.";
    LoadMultipleDocuments => "load::multiple-documents", Error,
        "the file holds more than one YAML document",
        "A policy file holds one policy. Put each policy in its own file.";
    LoadAliasBudget => "load::alias-budget", Error,
        "anchors and aliases expand to too large a document",
        "Aliases (`*name`) copy the node of an anchor (`&name`). Nested aliases can expand exponentially (a 'billion laughs' file); patchform stops after 100,000 copied nodes. Write the values out, or use fewer nested aliases.";
    LoadTooDeep => "load::too-deep", Error,
        "the document nests deeper than a policy can",
        "A policy nests a few levels deep; patchform stops at 64 levels to keep memory and stack bounded.";
    LoadUnsupportedNode => "load::unsupported-node", Error,
        "a YAML feature a policy cannot use",
        "Policies are plain data: mapping keys must be scalars, and custom tags such as `!Ref` have no meaning here (they belong in CloudFormation, which patchform generates).";
    SchemaUnknownKey => "schema::unknown-key", Error,
        "a key the policy language does not have",
        "Unknown keys are errors so that a typo never silently turns a setting off. The help line suggests the nearest known key.";
    SchemaMissingKey => "schema::missing-key", Error,
        "a required key is missing",
        "Add the key shown. `patchform schema` prints every key and its documentation.";
    SchemaType => "schema::type", Error,
        "a value of the wrong type",
        "For example a list where a mapping belongs, or text where a number belongs. Check the indentation and the expected type in the help line.";
    SchemaValue => "schema::value", Error,
        "a value outside what the key accepts",
        "The value is of the right type but not one the key accepts (an unknown choice, out of range, too long, a bad pattern).";
    VersionUnsupported => "policy::version::unsupported", Error,
        "a language version this patchform does not support",
        "Only version 1 exists. Write `version: 1`.";
    NameInvalid => "policy::name::invalid", Error,
        "a policy or wave name in the wrong form",
        "Policy names prefix every stack and resource: 3–32 characters, a lower-case letter first, then lower-case letters, digits and hyphens. Wave names: 1–32 characters of the same kind.";
    AccountIdUnquoted => "policy::account-id::unquoted", Error,
        "an account id written as a number",
        "YAML reads 012345678901 as the number 12345678901 and drops the leading zero. Always quote account ids: \"012345678901\".";
    AccountIdInvalid => "policy::account-id::invalid", Error,
        "not a 12-digit account id",
        "AWS account ids have exactly 12 digits.";
    OuIdInvalid => "policy::ou-id::invalid", Error,
        "not an OU or root id",
        "OU ids look like ou-ab12-11111111 and root ids like r-ab12. Find them with `aws organizations list-organizational-units-for-parent`.";
    RegionUnknown => "policy::region::unknown", Warning,
        "a region patchform does not know",
        "The region code is well-formed but not in patchform's list of AWS regions. It may be new (then ignore this) or misspelt.";
    RegionInvalid => "policy::region::invalid", Error,
        "not an AWS region code",
        "Region codes look like eu-west-1 or us-east-1.";
    RateInvalid => "policy::rate::invalid", Error,
        "a rate SSM does not accept",
        "Rates are a whole count (\"5\") or a percentage (\"10%\"), in the forms SSM accepts for MaxConcurrency (at least 1) and MaxErrors (0 allowed). No leading zeros, no percentage above 100.";
    DurationInvalid => "policy::duration::invalid", Error,
        "not a duration",
        "Durations are a whole number and a unit: 30s, 10m, 2h, 1d.";
    ScheduleCron => "policy::schedule::invalid", Error,
        "not an AWS cron or rate expression",
        "AWS cron has six fields: minutes hours day-of-month month day-of-week year, written cron(0 2 ? * SAT#2 *). One of day-of-month and day-of-week must be `?`. `L` and `#` are allowed in the day fields. Scan schedules may also be rate(1 day).";
    TimezoneUnknown => "policy::schedule::timezone", Error,
        "not an IANA timezone",
        "EventBridge Scheduler takes IANA timezone names such as Europe/Berlin or America/New_York.";
    ScanDuringRollout => "policy::schedule::scan-during-rollout", Warning,
        "the compliance scan can start during the first hours of a rollout",
        "The scan (`scan.schedule`, an AWS cron or rate evaluated in UTC by a State Manager association) and the rollout (`install.schedule`, an EventBridge Scheduler cron evaluated in `install.timezone`) both run AWS-RunPatchBaseline on the same nodes; when they overlap, the second run fails on the package manager lock. patchform warns when a scan can start from a rollout's start until 4 hours after it (while the first wave installs), on any date: every rollout start in the 28 years 2028–2055 (or in the years the schedules name) is checked, which covers every combination of weekday, date and daylight saving time. A zone's change of offset moves the rollout against the UTC scan: 02:00 Europe/Berlin is 01:00 UTC in winter and 00:00 UTC in summer. A `rate(…)` scan of 4 hours or less always collides; a longer rate starts when the association was created, which the policy does not fix, so it is not judged. Fix it by moving the scan before the rollout (the help suggests a daily time that meets no rollout), or by starting the rollout after the scan or at least 4 hours before it.";
    HookFile => "policy::hook::file", Error,
        "a hook file cannot be used as an SSM Command document",
        "A hook given as `{file: PATH}` is an SSM Command document kept in the repository, next to the policy; the spoke stack creates it in every account and region, so the hook exists wherever a wave patches. patchform reads the file when it validates the policy (relative to the policy file) and refuses one it cannot read, that is not YAML or JSON, that is larger than 64 KB, or that is not a Command document (`schemaVersion: \"2.2\"` with at least one step in `mainSteps`).";
    HookExternalDocument => "policy::hook::external-document", Warning,
        "a hook names a document patchform does not create",
        "A hook given by name (or ARN) runs a Command document that must already exist in every account and region a wave patches; where it does not, every node with missing patches fails its hook step and the wave fails. patchform cannot check that from the policy. Prefer a document file of the repository (`pre_install: {file: hooks/drain.yaml}`), which the spoke stack creates everywhere; keep a name for a document you already deploy everywhere, or an ARN for one shared with every account. AWS-owned documents (AWS-...) exist everywhere and are not reported.";
    WaveTimeoutShort => "policy::wave::timeout-short", Warning,
        "a wave may not patch its targets before its timeout",
        "patchform estimates how long a wave takes from its rate controls: its account-regions (accounts named, 10 accounts assumed per OU, times its regions) patched `account_concurrency` at a time, each holding 50 managed nodes (assumed) patched `concurrency` at a time, in batches of 20 minutes (scan, install, reboot, scan). When the estimate exceeds `timeout` (2d by default), the wave is likely to reach its deadline with nodes unpatched: at the deadline it starts no new install, lets the installs in flight finish, counts as failed and stops the rollout. Raise `timeout` or the concurrency; a fleet smaller than the assumptions can ignore the warning.";
    WaveDuplicateName => "policy::wave::duplicate-name", Error,
        "two waves share a name",
        "Wave names name the state machine's states, audit records and approval messages; each must be unique.";
    WaveNoTargets => "policy::wave::no-targets", Error,
        "a wave targets nothing",
        "Each wave needs at least one account or OU under `targets`.";
    WaveRegionOutside => "policy::wave::region-outside-organization", Error,
        "a wave region the spoke stack set does not cover",
        "A wave can only patch regions where the spoke stack (execution role, baselines) is deployed: add the region to `organization.regions` or remove it from the wave.";
    WaveTargetOutside => "policy::wave::target-outside-organization", Error,
        "a wave target outside the organization's targets",
        "A wave can only patch accounts that receive the spoke stack. Accounts listed in `organization.targets.exclude_accounts`, accounts missing from a self-managed target list and OUs under self-managed permissions cannot be patched.";
    WaveOverlap => "policy::wave::overlap", Error,
        "an account or OU patched by two waves in the same region",
        "Two waves that patch the same account in the same region would patch it twice and defeat the wave order. Give the regions to one wave each, or remove the target from one wave.";
    WaveTagLimit => "policy::wave::tag-limit", Error,
        "too many tag keys or values",
        "SSM Automation targets take at most 5 tag keys and 50 values per key.";
    WaveEmptyTagValues => "policy::wave::empty-tag-values", Error,
        "a tag filter with no values",
        "Give each tag key at least one value; a key without values matches no node.";
    HubPatched => "policy::hub::not-deployed-by-stackset", Warning,
        "the hub account is also a patch target",
        "Service-managed StackSets never deploy to the organization's management account. If the hub is the management account, its nodes get no spoke stack and the wave fails there. Patch it from a separate policy or move the hub to a delegated administrator account.";
    OrgSelfManagedAccounts => "policy::organization::self-managed-needs-accounts", Error,
        "self-managed permissions without target accounts",
        "Self-managed stack sets deploy to a list of accounts: set `organization.targets.accounts`.";
    OrgSelfManagedOus => "policy::organization::self-managed-ous", Error,
        "OUs with self-managed permissions",
        "Only service-managed stack sets can target OUs. Use `permission_model: service_managed` or list accounts.";
    OrgSelfManagedAutoDeploy => "policy::organization::self-managed-auto-deployment", Error,
        "auto_deployment with self-managed permissions",
        "Automatic deployment to new accounts needs service-managed permissions; remove `auto_deployment`.";
    OrgServiceManagedTargets => "policy::organization::service-managed-targets", Error,
        "service-managed targets without OUs, or with accounts",
        "Service-managed stack sets target OUs (or the root); accounts are reached through their OU and left out with `exclude_accounts`.";
    OrgDuplicateRegion => "policy::organization::duplicate-region", Error,
        "a region listed twice",
        "Each region may appear once in a list.";
    OrgRegionOrder => "policy::organization::region-order", Error,
        "a region order that is not a permutation of a subset of `regions`",
        "`rollout.region_order` may only name regions from `organization.regions`, each once.";
    BaselineClassification => "policy::baseline::classification", Error,
        "a classification the operating system does not have",
        "Patch classifications differ per OS: Windows has critical_updates, security_updates, …; Amazon Linux and RHEL have security, bugfix, …; Ubuntu and Debian have none (use severities, their priorities).";
    BaselineSeverity => "policy::baseline::severity", Error,
        "a severity the operating system does not have",
        "Severities differ per OS: Windows has critical, important, moderate, low, unspecified; Amazon Linux has critical, important, medium, low; Ubuntu and Debian use priorities (required, important, standard, optional, extra).";
    BaselineApproveAfterDays => "policy::baseline::approve-after-days", Error,
        "approve_after_days on an OS that does not support it",
        "Ubuntu and Debian repositories carry no release dates, so Patch Manager cannot delay approval by days there. Remove the key; patches are approved as soon as the repository has them.";
    BaselineSecurityOnly => "policy::baseline::security-only", Error,
        "security_only where it does not apply",
        "`security_only` is a Linux shorthand for `classifications: [security]`: it cannot be combined with `classifications` and does not apply to Windows, macOS, Ubuntu or Debian.";
    RemediationNeedsRule => "policy::compliance::remediation-needs-rule", Error,
        "remediation without the Config rule",
        "Remediation is attached to the Config rule; set `compliance.config_rule: true`.";
    AutomaticRemediation => "policy::compliance::automatic-remediation", Warning,
        "automatic remediation patches nodes outside the waves",
        "With `compliance.remediation.automatic: true`, AWS Config starts the remediation runbook on any node the patch-compliance rule finds NON_COMPLIANT, at any time: outside the waves, their order, approvals, concurrency and schedule. patchform's remediation installs only the patch set of the last rollout that finished successfully (its pinned override), or only scans when no rollout has finished yet, so it never installs patches the canary has not tested, but it still installs and reboots when nobody chose to. Set `automatic: false` (the default) to run remediation only by hand, from the AWS Config console or API; keep `true` if unattended remediation is what you want.";
    RolloutTooLong => "policy::rollout::too-long", Error,
        "the longest rollout exceeds Step Functions' one-year limit",
        "A Standard state machine execution lasts at most one year. The sum of every wave's timeout, bake time and approval timeout must stay below it.";
    BedrockModelId => "policy::bedrock::model-id", Error,
        "not a Bedrock model id, or none given",
        "With `bedrock.enabled: true`, `model_id` must be a Bedrock model id or inference profile id offered in the hub region, such as eu.anthropic.claude-sonnet-4-5-20250929-v1:0 (newer models are invoked only through an inference profile).";
    BedrockModelRegion => "policy::bedrock::model-region", Warning,
        "the model is not known to be offered in the hub region",
        "Step Functions calls Bedrock in its own region only. patchform could not confirm that the model is offered in the hub region; check the Bedrock console of that region, or use a cross-region inference profile.";
    BedrockModelFamily => "policy::bedrock::model-family", Error,
        "a model family patchform cannot prompt",
        "InvokeModel bodies differ per provider. patchform writes the request body for Anthropic Claude (anthropic.*) and Amazon Nova (amazon.nova-*) models.";
    ApprovalTimeout => "policy::wave::approval-timeout", Error,
        "an approval timeout Step Functions cannot wait for",
        "An approval waits with a task token; its timeout must be between 1 minute and 1 year.";
    WaveTimeout => "policy::wave::timeout", Error,
        "a wave timeout out of range",
        "A wave's timeout bounds its automation run: between 10 minutes and 30 days.";
    PlanLimit => "plan::limit", Error,
        "the policy is valid but exceeds what one AWS design can hold",
        "Planning turns the policy into SSM target locations, excluded accounts and Step Functions history events. Each has an AWS limit, which the message names with the figure the policy needs. Split the wave, or the policy, so each fits. `validate` reports it as well as `build`.";
}

#[cfg(test)]
mod tests {
    use super::*;

    /// docs/diagnostics.md's table of codes: every code with its severity and summary.
    fn documented_table() -> String {
        let mut table = String::from("| code | severity | meaning |\n|---|---|---|\n");
        for code in Code::ALL {
            let severity = match code.default_severity() {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            table.push_str(&format!(
                "| `{}` | {severity} | {} |\n",
                code.name(),
                code.summary()
            ));
        }
        table
    }

    #[test]
    fn the_diagnostics_doc_lists_every_code_as_registered() {
        crate::doc_sync::check_section("docs/diagnostics.md", "codes", &documented_table());
    }
}
