"""An SSM Automation runbook as generated: its parameters checked, its steps walked for one node.

The scripted SSM does not run commands on nodes; it walks the runbook the way Automation would
(parameter references resolved, aws:branch followed) and records the Run Command each node
would receive, checking every document parameter against the AWS-owned document's own list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

import yaml

# Parameters of the AWS-owned Command documents a runbook may send, from each document's
# "Parameters" in the Systems Manager documentation (AWS-RunPatchBaseline: Operation,
# AssociationId, SnapshotId, InstallOverrideList, BaselineOverride, RebootOption;
# AWS-RunPatchBaselineWithHooks: Operation, SnapshotId, RebootOption and the three hook names).
AWS_DOCUMENT_PARAMETERS: dict[str, dict[str, list[str] | None]] = {
    "AWS-RunPatchBaseline": {
        "Operation": ["Scan", "Install"],
        "AssociationId": None,
        "SnapshotId": None,
        "InstallOverrideList": None,
        "BaselineOverride": None,
        "RebootOption": ["RebootIfNeeded", "NoReboot"],
    },
    "AWS-RunPatchBaselineWithHooks": {
        "Operation": ["Scan", "Install"],
        "SnapshotId": None,
        "RebootOption": ["RebootIfNeeded", "NoReboot"],
        "PreInstallHookDocName": None,
        "PostInstallHookDocName": None,
        "OnExitHookDocName": None,
    },
}
# aws:runCommand inputs (Systems Manager Automation actions reference).
RUN_COMMAND_INPUTS = {
    "DocumentName", "InstanceIds", "Targets", "Parameters", "CloudWatchOutputConfig", "Comment",
    "DocumentHash", "DocumentHashType", "DocumentVersion", "NotificationConfig",
    "OutputS3BucketName", "OutputS3KeyPrefix", "ServiceRoleArn", "TimeoutSeconds", "MaxConcurrency",
    "MaxErrors",
}
_REFERENCE = re.compile(r"\{\{\s*([A-Za-z0-9_:.]+)\s*\}\}")


@dataclass
class NodeCommand:
    """One Run Command a node would receive."""

    step: str
    document: str
    parameters: dict[str, Any]
    output_bucket: str | None
    output_prefix: str | None
    node: str
    account: str
    region: str


class Runbook:
    def __init__(self, name: str, content: "str | dict", custom_documents: set[str]):
        self.name = name
        self.doc = content if isinstance(content, dict) else yaml.safe_load(content)
        self.parameters: dict[str, dict] = self.doc.get("parameters", {}) or {}
        self.steps: list[dict] = self.doc.get("mainSteps", []) or []
        # Command documents the templates create (hook files), which the runbook may name
        self.custom_documents = custom_documents

    def install_seconds(self) -> int:
        """The longest a node takes once it has started installing: every Run Command step after
        the deadline check, at its timeout."""
        names = [step["name"] for step in self.steps]
        start = names.index("WithinDeadline") if "WithinDeadline" in names else 0
        return sum(
            int(step.get("timeoutSeconds", 3600))
            for step in self.steps[start:]
            if step.get("action") == "aws:runCommand"
        )

    def check_start(self, request: dict) -> list[str]:
        """What is wrong with a StartAutomationExecution for this runbook."""
        problems = []
        given = request.get("Parameters", {})
        target = request.get("TargetParameterName")
        for key, values in given.items():
            spec = self.parameters.get(key)
            if spec is None:
                problems.append(f"parameter {key} is not declared by runbook {self.name} (it declares {sorted(self.parameters)})")
                continue
            problems.extend(self._check_values(key, spec, values))
        if target is not None and target not in self.parameters:
            problems.append(f"TargetParameterName {target} is not a parameter of runbook {self.name}")
        for key, spec in self.parameters.items():
            if "default" not in spec and key not in given and key != target:
                problems.append(f"required parameter {key} of runbook {self.name} is missing")
        return problems

    @staticmethod
    def _check_values(key: str, spec: dict, values: list[str]) -> list[str]:
        problems = []
        for value in values:
            allowed = spec.get("allowedValues")
            if allowed is not None and value not in allowed:
                problems.append(f"{key}={value!r} is not one of {allowed}")
            pattern = spec.get("allowedPattern")
            if pattern is not None and not re.fullmatch(pattern, value):
                problems.append(f"{key}={value!r} does not match {pattern}")
        if spec.get("type", "String") == "String" and len(values) != 1:
            problems.append(f"{key} is a String parameter and takes one value, got {len(values)}")
        return problems

    def _resolve(self, value: Any, variables: dict[str, str]) -> Any:
        if isinstance(value, str):
            def replace(match: re.Match) -> str:
                name = match.group(1)
                if name not in variables:
                    raise ValueError(f"`{{{{ {name} }}}}` names no parameter or variable of runbook {self.name}")
                return variables[name]

            return _REFERENCE.sub(replace, value)
        if isinstance(value, list):
            return [self._resolve(v, variables) for v in value]
        if isinstance(value, dict):
            return {k: self._resolve(v, variables) for k, v in value.items()}
        return value

    def commands(
        self,
        parameters: dict[str, list[str]],
        *,
        account: str,
        region: str,
        node: str,
        now: str = "2026-01-01_00.00.00",
        api: Callable[[str, str, dict], dict] | None = None,
    ) -> list[NodeCommand]:
        """The Run Commands one node receives when this runbook runs there. `now` is
        {{ global:DATE_TIME }}; `api(service, api, inputs)` answers aws:executeAwsApi steps (and
        raises to make the step fail)."""
        variables: dict[str, str] = {}
        for key, spec in self.parameters.items():
            if key in parameters:
                values = parameters[key]
                problems = self._check_values(key, spec, values)
                if problems:
                    raise ValueError("; ".join(problems))
                variables[key] = values[0] if values else ""
            elif "default" in spec:
                variables[key] = str(spec["default"])
        variables["global:ACCOUNT_ID"] = account
        variables["global:REGION"] = region
        variables["automation:EXECUTION_ID"] = f"exec-{node}"
        variables["global:DATE_TIME"] = now
        by_name = {step["name"]: i for i, step in enumerate(self.steps)}
        out: list[NodeCommand] = []
        index = 0
        seen = 0
        while 0 <= index < len(self.steps):
            seen += 1
            if seen > 100:
                raise ValueError(f"runbook {self.name} loops")
            step = self.steps[index]
            action = step.get("action")
            inputs = step.get("inputs", {}) or {}
            next_index = index + 1
            failed_to: str | None = None  # onFailure: step:X taken
            if action == "aws:runCommand":
                unknown = set(inputs) - RUN_COMMAND_INPUTS
                if unknown:
                    raise ValueError(f"step {step['name']}: aws:runCommand has no input {sorted(unknown)}")
                resolved = self._resolve(inputs, variables)
                document = resolved["DocumentName"]
                command_parameters = resolved.get("Parameters", {}) or {}
                self._check_command(step["name"], document, command_parameters)
                out.append(
                    NodeCommand(
                        step=step["name"],
                        document=document,
                        parameters=command_parameters,
                        output_bucket=resolved.get("OutputS3BucketName"),
                        output_prefix=resolved.get("OutputS3KeyPrefix"),
                        node=node,
                        account=account,
                        region=region,
                    )
                )
            elif action == "aws:branch":
                next_name = inputs.get("Default")
                for choice in inputs.get("Choices", []):
                    actual = self._resolve(choice["Variable"], variables)
                    if "StringEquals" in choice and actual == choice["StringEquals"]:
                        next_name = choice["NextStep"]
                        break
                    if "BooleanEquals" in choice and actual == str(choice["BooleanEquals"]).lower():
                        next_name = choice["NextStep"]
                        break
                if next_name is None:
                    raise ValueError(f"step {step['name']}: no branch matched and no Default")
                next_index = by_name[next_name]
            elif action == "aws:executeScript":
                resolved = self._resolve(inputs, variables)
                try:
                    payload = _run_script(resolved)
                except Exception as error:  # the script failed: the step fails
                    failed_to = _on_failure(step)
                    if failed_to is None:
                        raise ValueError(f"step {step['name']}: the script failed: {error}") from error
                else:
                    for output in step.get("outputs", []):
                        key = output["Selector"].removeprefix("$.Payload.")
                        variables[f"{step['name']}.{output['Name']}"] = str(payload[key]).lower() if isinstance(payload[key], bool) else str(payload[key])
            elif action == "aws:executeAwsApi":
                resolved = self._resolve(inputs, variables)
                try:
                    if api is None:
                        raise ValueError("no AWS API is scripted for this walk")
                    api(resolved["Service"], resolved["Api"], resolved)
                except Exception:  # the call failed: the step fails
                    failed_to = _on_failure(step)
                    if failed_to is None:
                        raise
            elif action in ("aws:sleep", "aws:assertAwsResourceProperty"):
                self._resolve(inputs, variables)
            else:
                raise ValueError(f"step {step.get('name')}: action {action} is not walked by the harness")
            if step.get("isEnd") and failed_to is None:
                break
            if failed_to is not None:
                next_index = by_name[failed_to]
            elif "nextStep" in step and action != "aws:branch":
                next_index = by_name[step["nextStep"]]
            index = next_index
        return out

    def _check_command(self, step: str, document: str, parameters: dict) -> None:
        known = AWS_DOCUMENT_PARAMETERS.get(document)
        if known is None:
            if document.startswith("AWS-") or document not in self.custom_documents:
                raise ValueError(
                    f"step {step}: document {document} is neither an AWS document the harness knows nor one the templates create"
                )
            return
        for key, value in parameters.items():
            if key not in known:
                raise ValueError(
                    f"step {step}: {document} has no parameter {key} (it takes {sorted(known)})"
                )
            allowed = known[key]
            if allowed is not None and value not in allowed:
                raise ValueError(f"step {step}: {document} {key}={value!r} is not one of {allowed}")


def _on_failure(step: dict) -> str | None:
    """The step a failure continues at (`onFailure: step:X`), or None when it aborts."""
    on_failure = str(step.get("onFailure", "Abort"))
    return on_failure.removeprefix("step:") if on_failure.startswith("step:") else None


def _run_script(inputs: dict) -> dict:
    """Run an aws:executeScript step's own Python handler on its InputPayload."""
    if not str(inputs.get("Runtime", "")).startswith("python"):
        raise ValueError(f"runtime {inputs.get('Runtime')} is not walked by the harness")
    namespace: dict = {}
    exec(compile(inputs["Script"], "<runbook script>", "exec"), namespace)  # the generated runbook's script
    return namespace[inputs["Handler"]](inputs.get("InputPayload", {}), None)
