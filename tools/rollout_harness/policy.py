"""What a policy says should happen, read from the policy file and the schema's defaults.

The scenarios take their expectations from here, not from the generated state machines, so a
compiler that drops or misspells a setting fails a scenario instead of agreeing with itself.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

_DURATION = re.compile(r"^([0-9]+)([smhd])$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
# docs/policy-reference.md, `baselines`: approve_after_days defaults to 7 (a doc-comment default,
# not a schema default); ubuntu and debian take none.
DEFAULT_APPROVE_AFTER_DAYS = 7
NO_RELEASE_DATES = {"ubuntu", "debian"}


def seconds(duration: str) -> int:
    match = _DURATION.match(str(duration))
    if not match:
        raise ValueError(f"`{duration}` is not a duration")
    return int(match.group(1)) * _UNIT_SECONDS[match.group(2)]


@dataclass(frozen=True)
class Rate:
    """A count (`5`) or a percentage (`10%`) as SSM reads MaxErrors-style thresholds."""

    text: str

    @property
    def is_percent(self) -> bool:
        return self.text.endswith("%")

    @property
    def value(self) -> int:
        return int(self.text.rstrip("%"))

    def exceeded_by(self, failed: int, total: int) -> bool:
        """More failures than the threshold allows (SSM: stop when errors exceed MaxErrors)."""
        if self.is_percent:
            return failed * 100 > self.value * total
        return failed > self.value

    def most_within(self, total: int) -> int:
        """The most failures out of `total` that stay within the threshold."""
        if self.is_percent:
            return (self.value * total) // 100
        return min(self.value, total)


@dataclass
class Approval:
    approvers: list[str]
    timeout_seconds: int
    timeout_text: str


@dataclass
class Wave:
    index: int
    name: str
    accounts: list[str]
    organizational_units: list[str]
    regions: list[str]
    tags: dict[str, list[str]]
    concurrency: Rate
    account_concurrency: Rate
    max_errors: Rate
    abort_threshold: Rate
    bake_seconds: int
    timeout_seconds: int
    approval: Approval | None
    stop_on_alarm: str | None


@dataclass
class Policy:
    path: Path
    name: str
    hub_account: str
    hub_region: str
    regions: list[str]
    exclude_accounts: list[str]
    waves: list[Wave]
    pinned: bool
    reboot: str
    baselines: dict[str, dict[str, Any]]
    bedrock: bool
    bedrock_model: str | None
    notification_emails: list[str]
    hook_documents: list[str]
    hook_documents_in_order: list[str]
    raw: dict[str, Any] = field(repr=False)

    def approve_after_days(self, os_key: str) -> int | None:
        baseline = self.baselines.get(os_key, {})
        if os_key in NO_RELEASE_DATES:
            return None
        days = baseline.get("approve_after_days")
        return DEFAULT_APPROVE_AFTER_DAYS if days is None else int(days)


def _resolve(schema: dict, root: dict) -> dict:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        merged = dict(root["$defs"][name])
        merged.update({k: v for k, v in schema.items() if k != "$ref"})
        schema = merged
    return schema


def _object_schema(schema: dict, root: dict) -> dict | None:
    schema = _resolve(schema, root)
    if "properties" in schema:
        return schema
    for branch in schema.get("anyOf", []):
        branch = _resolve(branch, root)
        if "properties" in branch:
            return branch
    return None


def with_defaults(value: Any, schema: dict, root: dict) -> Any:
    """`value` with every absent property that the schema gives a default filled in, recursively."""
    schema = _resolve(schema, root)
    if isinstance(value, dict):
        object_schema = _object_schema(schema, root)
        if object_schema is None:
            return value
        out = dict(value)
        for key, prop in object_schema["properties"].items():
            if key not in out and "default" in prop:
                out[key] = copy.deepcopy(prop["default"])
            if key in out:
                out[key] = with_defaults(out[key], prop, root)
        return out
    if isinstance(value, list):
        items = schema.get("items")
        if isinstance(items, dict):
            return [with_defaults(v, items, root) for v in value]
    return value


def _hook_documents(name: str, hooks: dict) -> list[str]:
    """The documents the hooks run, in order: a name as written; a file as the document the spoke
    creates from it, `<policy>-<hook>` (docs/policy-reference.md)."""
    documents = []
    for key in ("pre_install", "post_install", "on_exit"):
        hook = hooks.get(key)
        if isinstance(hook, str):
            documents.append(hook)
        elif isinstance(hook, dict) and "file" in hook:
            documents.append(f"{name}-{key.replace('_', '-')}")
    return documents


def load(path: Path, schema_path: Path) -> Policy:
    raw = yaml.safe_load(path.read_text())
    root = json.loads(schema_path.read_text())
    doc = with_defaults(raw, root, root)
    org = doc["organization"]
    regions = [str(r) for r in org["regions"]]
    waves = []
    for index, w in enumerate(doc["waves"], start=1):
        targets = w.get("targets", {})
        approval = None
        if w.get("approval"):
            a = w["approval"]
            approval = Approval(
                approvers=list(a["approvers"]),
                timeout_seconds=seconds(a["timeout"]),
                timeout_text=str(a["timeout"]),
            )
        waves.append(
            Wave(
                index=index,
                name=w["name"],
                accounts=[str(a) for a in targets.get("accounts", [])],
                organizational_units=[str(o) for o in targets.get("organizational_units", [])],
                regions=[str(r) for r in (targets.get("regions") or regions)],
                tags={str(k): [str(v) for v in vs] for k, vs in (targets.get("tags") or {}).items()},
                concurrency=Rate(str(w["concurrency"])),
                account_concurrency=Rate(str(w["account_concurrency"])),
                max_errors=Rate(str(w["max_errors"])),
                abort_threshold=Rate(str(w["abort_when_failed_accounts_exceed"])),
                bake_seconds=seconds(w["bake_time"]),
                timeout_seconds=seconds(w["timeout"]),
                approval=approval,
                stop_on_alarm=w.get("stop_on_alarm"),
            )
        )
    bedrock = doc.get("bedrock") or {}
    install = doc.get("install") or {}
    return Policy(
        path=path,
        name=doc["name"],
        hub_account=str(doc["hub"]["account"]),
        hub_region=str(doc["hub"]["region"]),
        regions=regions,
        exclude_accounts=[str(a) for a in (org.get("targets") or {}).get("exclude_accounts", [])],
        waves=waves,
        pinned=(install.get("patch_set", "pinned") == "pinned"),
        reboot=install.get("reboot", "if_needed"),
        baselines=dict(doc.get("baselines") or {}),
        bedrock=bool(bedrock.get("enabled")),
        bedrock_model=bedrock.get("model_id"),
        notification_emails=list((doc.get("notifications") or {}).get("email", [])),
        hook_documents=[h for h in ((install.get("hooks") or {}).values()) if isinstance(h, str)],
        hook_documents_in_order=_hook_documents(doc["name"], install.get("hooks") or {}),
        raw=doc,
    )
