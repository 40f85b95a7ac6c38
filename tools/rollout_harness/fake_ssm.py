"""Scripted SSM Automation: multi-account, multi-Region runs of the wave runbook on a synthetic fleet.

moto has no Automation with TargetLocations, so this answers StartAutomationExecution,
GetAutomationExecution, DescribeAutomationStepExecutions (paged) and StopAutomationExecution
in the shapes of the SSM API reference. Every request is validated against botocore's service
model first, so a malformed call fails the scenario. What the fleet does comes from the
scenario's Script; time comes from the virtual clock.

Model (assumptions, listed in docs/rollout-harness.md):
- a run expands TargetLocations to account-regions (OU ids through fleet.ou_accounts, child OUs
  included when IncludeChildOrganizationUnits, ExcludeAccounts removed), in order;
- at most TargetLocationMaxConcurrency account-regions run at once; in each, the nodes run
  MaxConcurrency at a time, NODE_INSTALL_SECONDS each (NODE_SCAN_SECONDS when they only scan);
  once more than TargetLocationMaxErrors have failed, no further account-region starts;
- the parent has one step execution per started account-region (Action aws:executeAutomation,
  TargetLocation naming it), status Success / Failed / Cancelled / InProgress;
- an account-region fails when more of its nodes fail than MaxErrors allows;
- the parent ends Success when every account-region succeeded, Failed when one failed,
  Cancelled when stopped (Type Cancel) or when a TargetLocationAlarmConfiguration alarm fired
  (TriggeredAlarms then names it), and Complete stops starting account-regions and lets the
  running ones finish.
"""

from __future__ import annotations

import datetime as _dt
import functools
import math
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable

import botocore.session
from botocore.exceptions import ClientError
from botocore.validate import validate_parameters

from . import default_baselines, fleet
from .runbook import NodeCommand, Runbook

_MODEL = botocore.session.get_session().get_service_model("ssm")


def _validate(operation: str, params: dict) -> None:
    validate_parameters(params, _MODEL.operation_model(operation).input_shape)


def _client_error(code: str, message: str, operation: str) -> ClientError:
    return ClientError(
        {
            "Error": {"Code": code, "Message": message},
            "ResponseMetadata": {"HTTPStatusCode": 400, "RequestId": str(uuid.uuid4())},
        },
        operation,
    )


def _rate_of(text: str | None, total: int, *, at_least_one: bool) -> int:
    """A count or percentage (of `total`) as a number, as SSM reads MaxConcurrency/MaxErrors."""
    if text is None:
        return total
    if text.endswith("%"):
        value = int(text[:-1]) * total / 100
        count = math.floor(value)
        return max(count, 1) if at_least_one else count
    return int(text)


@dataclass
class Location:
    account: str
    region: str
    location: dict[str, Any]
    start_ms: int | None = None
    end_ms: int | None = None
    status: str = "Pending"
    failure: str | None = None
    commands: list[NodeCommand] = field(default_factory=list)


@dataclass
class Run:
    """One StartAutomationExecution."""

    id: str
    request: dict[str, Any]
    wave: str | None
    started_ms: int
    locations: list[Location]
    script: fleet.WaveScript
    stop_type: str | None = None
    stopped_ms: int | None = None
    alarm: str | None = None
    stop_calls: list[tuple[int, str]] = field(default_factory=list)

    @property
    def parameters(self) -> dict[str, list[str]]:
        return self.request.get("Parameters", {})


class FakeSsm:
    """The scripted service; `client(region)` gives a boto-like client bound to a region."""

    def __init__(self, clock, policy, script: fleet.Script, runbooks: dict[str, Runbook], hub_account: str):
        self.clock = clock
        self.policy = policy
        self.script = script
        self.runbooks = runbooks
        self.hub_account = hub_account
        self.runs: list[Run] = []
        self.errors: list[str] = []  # malformed or impossible calls: every one fails the scenario
        self.calls: list[tuple[int, str, dict]] = []
        # a scenario's hook, called with each operation's name before SSM answers it (to act at
        # an exact point of the rollout, as an operator racing it would)
        self.on_call: Callable[[str], None] | None = None
        self._lock = threading.Lock()

    # --- the fleet -----------------------------------------------------------------------------
    def _expand(self, location: dict) -> list[tuple[str, str]]:
        excluded = set(location.get("ExcludeAccounts", []))
        accounts: list[str] = []
        for target in location.get("Accounts", []):
            if target.startswith("ou-") or target.startswith("r-"):
                if not location.get("IncludeChildOrganizationUnits", False):
                    # the synthetic OUs hold their accounts directly, so this changes nothing here;
                    # the scenarios check the flag against the policy instead
                    pass
                members = fleet.ou_accounts(target)
            else:
                members = [target]
            for account in members:
                if account not in excluded and account not in accounts:
                    accounts.append(account)
        return [(a, r) for a in accounts for r in location.get("Regions", [])]

    def _wave_of(self, request: dict) -> str | None:
        """The policy wave a request runs: the one whose targets it names exactly, else (a rollout
        narrowed by `scope`) the first wave not yet run whose accounts and regions include it."""
        wanted_targets: set[str] = set()
        wanted_regions: set[str] = set()
        for location in request.get("TargetLocations", []):
            wanted_targets.update(location.get("Accounts", []))
            wanted_regions.update(location.get("Regions", []))
        for wave in self.policy.waves:
            if set(wave.accounts) | set(wave.organizational_units) == wanted_targets and set(
                wave.regions
            ) == wanted_regions:
                return wave.name
        started = {run.wave for run in self.runs}
        for wave in self.policy.waves:
            members = set(wave.accounts)
            for ou in wave.organizational_units:
                members.update(fleet.ou_accounts(ou))
            if wave.name not in started and wanted_targets <= members and wanted_regions <= set(wave.regions):
                return wave.name
        return None

    # --- time ----------------------------------------------------------------------------------
    def _advance(self, run: Run) -> None:
        """Bring the run's account-regions up to the clock's present."""
        now = self.clock.now_ms()
        alarm_ms = None
        if run.script.alarm_after_seconds is not None and run.stop_type is None:
            alarm_ms = run.started_ms + run.script.alarm_after_seconds * 1000
        horizon = now if alarm_ms is None else min(now, alarm_ms)
        total = len(run.locations)
        self._finish_due(run, horizon)
        while run.stop_type is None and run.alarm is None:
            pending = [l for l in run.locations if l.status == "Pending"]
            if not pending:
                break
            location = pending[0].location
            concurrency = _rate_of(location.get("TargetLocationMaxConcurrency", "1"), total, at_least_one=True)
            tolerated = _rate_of(location.get("TargetLocationMaxErrors", "0"), total, at_least_one=False)
            start = self._slot_start(run, concurrency)
            if start is None or start > horizon:
                break
            self._finish_due(run, start)
            if len([l for l in run.locations if l.status == "Failed"]) > tolerated:
                break
            self._start_location(run, pending[0], start)
        self._finish_due(run, horizon)
        if alarm_ms is not None and now >= alarm_ms and run.alarm is None:
            wave = self._wave(run)
            run.alarm = wave.stop_on_alarm if wave and wave.stop_on_alarm else "unknown-alarm"
            for loc in run.locations:
                if loc.status == "InProgress":
                    loc.status = "Cancelled"
                    loc.end_ms = alarm_ms
                    loc.failure = f"Stopped: the alarm {run.alarm} is in ALARM state."

    @staticmethod
    def _finish_due(run: Run, until_ms: int) -> None:
        for loc in run.locations:
            if loc.status == "InProgress" and loc.end_ms is not None and loc.end_ms <= until_ms:
                loc.status = "Failed" if loc.failure else "Success"

    @staticmethod
    def _slot_start(run: Run, concurrency: int) -> int | None:
        """When the next account-region may start: the run's start, or when a slot frees (None: never)."""
        started = [l for l in run.locations if l.start_ms is not None]
        if len(started) < concurrency:
            return run.started_ms
        ends = sorted(l.end_ms for l in started if l.end_ms is not None)
        needed = len(started) - concurrency
        return ends[needed] if needed < len(ends) else None

    def _start_location(self, run: Run, loc: Location, start_ms: int) -> None:
        """Run the account-region's nodes MaxConcurrency at a time; each node walks the runbook
        at its own start time (a node starting past the wave's deadline does not install)."""
        loc.start_ms = start_ms
        loc.status = "InProgress"
        wave_script = run.script
        key = (loc.account, loc.region)
        runbook = self.runbooks[run.request["DocumentName"]]
        nodes = fleet.node_ids(loc.account, loc.region, wave_script.nodes_per_location)
        failing_nodes = wave_script.failing_nodes.get(key, 0)
        total_nodes = len(nodes)
        targets = run.request.get("Targets") or []
        if targets and targets[0].get("Key") == "ParameterValues":
            # a rollout narrowed to named nodes: only those run; a name that is not a node of this
            # account-region fails there, as SSM's child automation would
            named = list(targets[0].get("Values", []))
            missing = [n for n in named if n not in nodes]
            nodes = [n for n in named if n in nodes]
            failing_nodes = min(failing_nodes, len(nodes)) + len(missing)
            total_nodes = len(named)
        at_once = _rate_of(run.request.get("MaxConcurrency"), len(nodes), at_least_one=True)
        install_seconds = wave_script.node_seconds or fleet.NODE_INSTALL_SECONDS
        t = start_ms
        for first in range(0, len(nodes), at_once):
            batch_end = t
            for node in nodes[first : first + at_once]:
                parameters = {k: list(v) for k, v in run.parameters.items()}
                parameters[run.request.get("TargetParameterName", "InstanceId")] = [node]
                now = _dt.datetime.fromtimestamp(t / 1000, tz=_dt.timezone.utc).strftime("%Y-%m-%d_%H.%M.%S")
                try:
                    commands = runbook.commands(parameters, account=loc.account, region=loc.region, node=node, now=now)
                except ValueError as error:
                    self.record_error(f"wave runbook: {error}")
                    commands = []
                for command in commands:
                    command.started_ms = t  # type: ignore[attr-defined]
                loc.commands.extend(commands)
                installs = any(c.parameters.get("Operation") == "Install" for c in commands)
                if wave_script.never_finishes and installs:
                    loc.end_ms = None  # this node hangs, and with it the account-region
                    return
                seconds = install_seconds if installs else fleet.NODE_SCAN_SECONDS
                batch_end = max(batch_end, t + seconds * 1000)
            t = batch_end
        loc.end_ms = t
        if key in wave_script.failing_locations:
            loc.failure = wave_script.failing_locations[key]
        elif failing_nodes:
            allowed = _rate_of(run.request.get("MaxErrors"), total_nodes, at_least_one=False)
            if failing_nodes > allowed:
                loc.failure = (
                    f"{failing_nodes} of {total_nodes} managed nodes failed to patch in "
                    f"{loc.account} {loc.region} (MaxErrors {run.request.get('MaxErrors')})"
                )

    def _wave(self, run: Run):
        return next((w for w in self.policy.waves if w.name == run.wave), None)

    def _status(self, run: Run) -> str:
        self._advance(run)
        statuses = [l.status for l in run.locations]
        if run.alarm is not None:
            return "Cancelled"
        if run.stop_type == "Cancel":
            return "Cancelled"
        if "InProgress" in statuses:
            return "Cancelling" if run.stop_type == "Complete" else "InProgress"
        if "Pending" in statuses and run.stop_type is None and "Failed" not in statuses:
            return "InProgress"
        if run.stop_type == "Complete":
            return "Cancelled" if "Failed" not in statuses else "Failed"
        return "Failed" if "Failed" in statuses else "Success"

    def _step(self, run: Run, index: int, loc: Location) -> dict:
        step = {
            "StepName": f"{loc.account}-{loc.region}",
            "Action": "aws:executeAutomation",
            "StepStatus": loc.status,
            "StepExecutionId": f"{run.id}-{index:04d}",
            "TargetLocation": {
                key: value
                for key, value in loc.location.items()
                if key
                in (
                    "ExecutionRoleName",
                    "TargetLocationMaxConcurrency",
                    "TargetLocationMaxErrors",
                    "TargetLocationAlarmConfiguration",
                )
            }
            | {"Accounts": [loc.account], "Regions": [loc.region]},
        }
        if loc.start_ms is not None:
            step["ExecutionStartTime"] = loc.start_ms / 1000
        if loc.end_ms is not None and loc.status not in ("InProgress", "Pending"):
            step["ExecutionEndTime"] = loc.end_ms / 1000
        if loc.status in ("Failed", "Cancelled") and loc.failure:
            step["FailureMessage"] = loc.failure
        if run.alarm is not None and loc.status == "Cancelled":
            step["TriggeredAlarms"] = [{"Name": run.alarm, "State": "ALARM"}]
        return step

    # --- the API -------------------------------------------------------------------------------
    def _find(self, execution_id: str, operation: str) -> Run:
        for run in self.runs:
            if run.id == execution_id:
                return run
        raise _client_error(
            "AutomationExecutionNotFoundException",
            f"Automation execution {execution_id} was not found.",
            operation,
        )

    def start_automation_execution(self, **params) -> dict:
        _validate("StartAutomationExecution", params)
        name = params["DocumentName"]
        if name not in self.runbooks:
            raise _client_error("InvalidDocument", f"Document {name} does not exist.", "StartAutomationExecution")
        problems = self.runbooks[name].check_start(params)
        if problems:
            for problem in problems:
                self.record_error(f"StartAutomationExecution: {problem}")
            raise _client_error("InvalidAutomationExecutionParametersException", "; ".join(problems), "StartAutomationExecution")
        wave = self._wave_of(params)
        if wave is None:
            self.record_error(
                "StartAutomationExecution targets match no wave of the policy: "
                f"{params.get('TargetLocations')}"
            )
        run = Run(
            id=str(uuid.uuid4()),
            request=params,
            wave=wave,
            started_ms=self.clock.now_ms(),
            locations=[
                Location(account=a, region=r, location=location)
                for location in params.get("TargetLocations", [])
                for a, r in self._expand(location)
            ],
            script=self.script.wave(wave or ""),
        )
        self.runs.append(run)
        return {"AutomationExecutionId": run.id}

    def get_automation_execution(self, **params) -> dict:
        _validate("GetAutomationExecution", params)
        run = self._find(params["AutomationExecutionId"], "GetAutomationExecution")
        status = self._status(run)
        counters = {
            "TotalSteps": len([l for l in run.locations if l.start_ms is not None]),
            "SuccessSteps": len([l for l in run.locations if l.status == "Success"]),
            "FailedSteps": len([l for l in run.locations if l.status == "Failed"]),
            "CancelledSteps": len([l for l in run.locations if l.status == "Cancelled"]),
            "TimedOutSteps": 0,
        }
        execution = {
            "AutomationExecutionId": run.id,
            "DocumentName": run.request["DocumentName"],
            "DocumentVersion": "1",
            "ExecutionStartTime": run.started_ms / 1000,
            "AutomationExecutionStatus": status,
            "Parameters": run.parameters,
            "Mode": "Auto",
            "TargetParameterName": run.request.get("TargetParameterName", ""),
            "Targets": run.request.get("Targets", []),
            "MaxConcurrency": run.request.get("MaxConcurrency", ""),
            "MaxErrors": run.request.get("MaxErrors", ""),
            "TargetLocations": run.request.get("TargetLocations", []),
            "ProgressCounters": counters,
        }
        execution = {k: v for k, v in execution.items() if v is not None}
        if run.alarm is not None:
            execution["TriggeredAlarms"] = [{"Name": run.alarm, "State": "ALARM"}]
        failed = [l for l in run.locations if l.status == "Failed"]
        if failed:
            execution["FailureMessage"] = f"Automation failed in {len(failed)} account-region(s)."
        return {"AutomationExecution": execution}

    def describe_automation_step_executions(self, **params) -> dict:
        _validate("DescribeAutomationStepExecutions", params)
        run = self._find(params["AutomationExecutionId"], "DescribeAutomationStepExecutions")
        self._status(run)
        steps = [self._step(run, i, l) for i, l in enumerate(run.locations) if l.start_ms is not None]
        for wanted in params.get("Filters", []):
            key, values = wanted["Key"], set(wanted["Values"])
            field = {"StepExecutionStatus": "StepStatus", "StepName": "StepName", "Action": "Action", "StepExecutionId": "StepExecutionId"}.get(key)
            if field is None:
                self.record_error(f"DescribeAutomationStepExecutions filter {key} is not scripted by the harness")
                continue
            steps = [step for step in steps if step.get(field) in values]
        size = params.get("MaxResults", 50)
        offset = int(params.get("NextToken", "0") or 0)
        page = steps[offset : offset + size]
        answer: dict[str, Any] = {"StepExecutions": page}
        if offset + size < len(steps):
            answer["NextToken"] = str(offset + size)
        return answer

    def stop_automation_execution(self, **params) -> dict:
        _validate("StopAutomationExecution", params)
        run = self._find(params["AutomationExecutionId"], "StopAutomationExecution")
        self._status(run)
        stop_type = params.get("Type", "Cancel")
        run.stop_calls.append((self.clock.now_ms(), stop_type))
        if run.stop_type is None:
            run.stop_type = stop_type
            run.stopped_ms = self.clock.now_ms()
            if stop_type == "Cancel":
                for loc in run.locations:
                    if loc.status == "InProgress":
                        loc.status = "Cancelled"
                        loc.end_ms = self.clock.now_ms()
                        loc.failure = "Cancelled by StopAutomationExecution"
        return {}

    def get_default_patch_baseline(self, region: str, **params) -> dict:
        _validate("GetDefaultPatchBaseline", params)
        system = params.get("OperatingSystem", "WINDOWS")
        return {"BaselineId": default_baselines.baseline_id(system, region), "OperatingSystem": system}

    def get_patch_baseline(self, region: str, **params) -> dict:
        _validate("GetPatchBaseline", params)
        baseline = default_baselines.get_patch_baseline(params["BaselineId"], region)
        if baseline is None:
            raise _client_error("DoesNotExistException", f"Patch baseline {params['BaselineId']} does not exist.", "GetPatchBaseline")
        return baseline

    def record_error(self, message: str) -> None:
        """Keep one copy of each distinct problem (every node of a fleet repeats them)."""
        if message not in self.errors:
            self.errors.append(message)

    def client(self, region: str) -> "FakeSsmClient":
        return FakeSsmClient(self, region)


class FakeSsmClient:
    """A boto3-like ssm client for one region; only the hub region may start automations."""

    _OPERATIONS = {
        "start_automation_execution",
        "get_automation_execution",
        "describe_automation_step_executions",
        "stop_automation_execution",
        "get_default_patch_baseline",
        "get_patch_baseline",
    }
    _REGIONAL = {"get_default_patch_baseline", "get_patch_baseline"}

    def __init__(self, service: FakeSsm, region: str) -> None:
        self._service = service
        self._region = region

    def __getattr__(self, name: str):
        if name not in self._OPERATIONS:
            self._service.record_error(f"ssm:{name} is not scripted by the harness")
            raise AttributeError(name)
        method = getattr(self._service, name)
        if name in self._REGIONAL:
            method = functools.partial(method, self._region)

        def call(**params):
            if self._service.on_call is not None:
                self._service.on_call(name)
            with self._service._lock:
                self._service.calls.append((self._service.clock.now_ms(), name, params))
                if self._region != self._service.policy.hub_region:
                    self._service.record_error(
                        f"ssm:{name} called in {self._region}, not the hub region {self._service.policy.hub_region}"
                    )
                return method(**params)

        return call
