"""AWS's predefined default patch baselines, as GetPatchBaseline returns them, for the scripted SSM.

Approximations of "Predefined baselines" in the Patch Manager documentation (which patches each
auto-approves, after how many days); the rollout only copies them into the pinned override, so
what matters here is their shape, which botocore's service model checks.
"""

from __future__ import annotations

import datetime as dt
import hashlib

_OWNER = "075727635805"  # the account AWS-owned baselines belong to in their ARNs


def _rule(filters: dict[str, list[str]], days: int | None, non_security: bool = False) -> dict:
    rule = {
        "PatchFilterGroup": {"PatchFilters": [{"Key": k, "Values": v} for k, v in filters.items()]},
        "ComplianceLevel": "UNSPECIFIED",
        "EnableNonSecurity": non_security,
    }
    if days is not None:
        rule["ApproveAfterDays"] = days
    return rule


_LINUX_SECURITY = {"CLASSIFICATION": ["Security"], "SEVERITY": ["Critical", "Important"]}
_BUGFIX = {"CLASSIFICATION": ["Bugfix"]}
_PRIORITIES = {"PRIORITY": ["Required", "Important", "Standard", "Optional", "Extra"]}

RULES: dict[str, tuple[str, list[dict]]] = {
    "WINDOWS": ("AWS-DefaultPatchBaseline", [_rule({"CLASSIFICATION": ["CriticalUpdates", "SecurityUpdates"], "MSRC_SEVERITY": ["Critical", "Important"]}, 7)]),
    "AMAZON_LINUX_2": ("AWS-AmazonLinux2DefaultPatchBaseline", [_rule(_LINUX_SECURITY, 7), _rule(_BUGFIX, 7)]),
    "AMAZON_LINUX_2023": ("AWS-AmazonLinux2023DefaultPatchBaseline", [_rule(_LINUX_SECURITY, 7), _rule(_BUGFIX, 7)]),
    "REDHAT_ENTERPRISE_LINUX": ("AWS-RedHatDefaultPatchBaseline", [_rule(_LINUX_SECURITY, 7), _rule(_BUGFIX, 7)]),
    "UBUNTU": ("AWS-UbuntuDefaultPatchBaseline", [_rule(_PRIORITIES, None)]),
    "DEBIAN": ("AWS-DebianDefaultPatchBaseline", [_rule(_PRIORITIES, None)]),
    "SUSE": ("AWS-SuseDefaultPatchBaseline", [_rule({"CLASSIFICATION": ["Security"], "SEVERITY": ["Critical", "Important"]}, 7)]),
    "ORACLE_LINUX": ("AWS-OracleLinuxDefaultPatchBaseline", [_rule({"CLASSIFICATION": ["Security"], "SEVERITY": ["Important", "Moderate"]}, 7)]),
    "ROCKY_LINUX": ("AWS-RockyLinuxDefaultPatchBaseline", [_rule(_LINUX_SECURITY, 7), _rule(_BUGFIX, 7)]),
    "ALMA_LINUX": ("AWS-AlmaLinuxDefaultPatchBaseline", [_rule(_LINUX_SECURITY, 7), _rule(_BUGFIX, 7)]),
    "CENTOS": ("AWS-CentOSDefaultPatchBaseline", [_rule(_LINUX_SECURITY, 7)]),
    "MACOS": ("AWS-MacOSDefaultPatchBaseline", [_rule({"CLASSIFICATION": ["SoftwareUpdates"]}, 7)]),
}


def baseline_id(operating_system: str, region: str) -> str:
    digest = hashlib.sha256(operating_system.encode()).hexdigest()[:17]
    return f"arn:aws:ssm:{region}:{_OWNER}:patchbaseline/pb-{digest}"


def get_patch_baseline(baseline: str, region: str) -> dict | None:
    for system, (name, rules) in RULES.items():
        if baseline_id(system, region) == baseline:
            created = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)
            return {
                "BaselineId": baseline,
                "Name": name,
                "OperatingSystem": system,
                "GlobalFilters": {"PatchFilters": [{"Key": "PRODUCT", "Values": ["*"]}]},
                "ApprovalRules": {"PatchRules": [dict(r) for r in rules]},
                "ApprovedPatches": [],
                "ApprovedPatchesComplianceLevel": "UNSPECIFIED",
                "ApprovedPatchesEnableNonSecurity": False,
                "RejectedPatches": [],
                "RejectedPatchesAction": "ALLOW_AS_DEPENDENCY",
                "PatchGroups": [],
                "CreatedDate": created,
                "ModifiedDate": created,
                "Description": f"Default patch baseline for {system}",
                "Sources": [],
            }
    return None
