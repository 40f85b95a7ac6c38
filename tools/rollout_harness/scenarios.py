"""The rollout scenarios: each states what the policy says should happen and checks that it does.

A scenario returns passed (with what it measured), failed (with every broken expectation) or
not applicable (with why the policy gives it nothing to check) — never passed for lack of a case.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import botocore.session
from botocore.validate import validate_parameters

from . import fleet
from . import stack as stack_module
from .audit_fields import AuditFields
from .policy import Policy, Wave
from .world import Decision, Outcome, World

_SSM = botocore.session.get_session().get_service_model("ssm")
# Where a successful rollout publishes its patch set for Config remediation (hub bucket key).
TESTED_PATCH_SET_KEY = "patch-sets/last-successful/baseline-override.json"
# Virtual seconds an approver takes to answer, so "waited for the approval" is measurable.
APPROVAL_DELAY = 1200
# A reason stored in the audit table or a notification is the wave's own message, not a dump.
REASON_LIMIT = 1000


@dataclass
class Result:
    scenario: str
    status: str  # passed | failed | n/a
    detail: str
    seconds: float = 0.0


class Check:
    """Collects broken expectations; each says what the policy wanted and what happened."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.notes: list[str] = []

    def expect(self, condition: bool, message: str) -> bool:
        if not condition:
            self.problems.append(message)
        return condition

    def note(self, message: str) -> None:
        self.notes.append(message)


def expected_locations(policy: Policy, wave: Wave) -> list[tuple[str, str]]:
    accounts: list[str] = []
    for account in wave.accounts:
        if account not in accounts:
            accounts.append(account)
    for ou in wave.organizational_units:
        for account in fleet.ou_accounts(ou):
            if account not in policy.exclude_accounts and account not in accounts:
                accounts.append(account)
    return [(a, r) for a in accounts for r in wave.regions]


def _ms(timestamp) -> int:
    if isinstance(timestamp, dt.datetime):
        return int(timestamp.timestamp() * 1000)
    return int(float(timestamp) * 1000)


def _state_times(world: World, state: str, kind: str) -> list[int]:
    key = {"entered": "stateEnteredEventDetails", "exited": "stateExitedEventDetails"}[kind]
    return [
        _ms(e["timestamp"])
        for e in world.history()
        if key in e and e[key].get("name") == state
    ]


def _publish_failures(world: World) -> list[str]:
    return world.ssm.errors + world.bedrock.errors + world.organizations.errors  # type: ignore[union-attr]


def _common(check: Check, world: World) -> None:
    """What every run must respect: well-formed calls, expressions that evaluate."""
    for error in _publish_failures(world):
        check.problems.append(f"malformed or unexpected AWS call: {error}")
    for error in world.runtime.jsonata_errors:
        check.problems.append(f"JSONata evaluation failed: {error}")


def _runs_by_wave(world: World) -> dict[str, list]:
    out: dict[str, list] = {}
    for run in world.ssm.runs:  # type: ignore[union-attr]
        out.setdefault(run.wave or "?", []).append(run)
    return out


def _check_request(check: Check, policy: Policy, wave: Wave, run, world: World) -> None:
    """The automation of a wave asks SSM for exactly what the policy says about that wave."""
    request = run.request
    name = wave.name
    check.expect(request.get("MaxConcurrency") == wave.concurrency.text, f"wave {name}: MaxConcurrency {request.get('MaxConcurrency')!r}, the policy says concurrency {wave.concurrency.text}")
    check.expect(request.get("MaxErrors") == wave.max_errors.text, f"wave {name}: MaxErrors {request.get('MaxErrors')!r}, the policy says max_errors {wave.max_errors.text}")
    targets = request.get("Targets", [])
    if not wave.tags:
        check.expect(
            targets in ([{"Key": "AWS::EC2::Instance", "Values": ["*"]}], [{"Key": "InstanceIds", "Values": ["*"]}]),
            f"wave {name}: no tags in the policy means every managed node, but Targets is {targets}",
        )
    elif len(wave.tags) == 1:
        (key, values), = wave.tags.items()
        check.expect(
            targets == [{"Key": f"tag:{key}", "Values": values}],
            f"wave {name}: the policy selects nodes tagged {key}={values}, but Targets is {targets}",
        )
    else:
        group = targets[0]["Values"][0] if targets and targets[0].get("Key") == "ResourceGroup" else None
        if check.expect(group is not None, f"wave {name}: {len(wave.tags)} tag keys need one resource group target (SSM takes one target), got {targets}"):
            filters = world.spoke_resource_groups.get(group)  # type: ignore[attr-defined]
            check.expect(
                filters == {k: sorted(v) for k, v in wave.tags.items()},
                f"wave {name}: resource group {group} in the spoke selects {filters}, the policy says nodes tagged {wave.tags} (all keys)",
            )
    wanted_targets = set(wave.accounts) | set(wave.organizational_units)
    seen_targets: set[str] = set()
    for location in request.get("TargetLocations", []):
        accounts = location.get("Accounts", [])
        seen_targets.update(accounts)
        check.expect(sorted(location.get("Regions", [])) == sorted(wave.regions), f"wave {name}: a target location covers regions {location.get('Regions')}, the policy says {wave.regions}")
        check.expect(location.get("TargetLocationMaxConcurrency") == wave.account_concurrency.text, f"wave {name}: TargetLocationMaxConcurrency {location.get('TargetLocationMaxConcurrency')!r}, the policy says account_concurrency {wave.account_concurrency.text}")
        check.expect(location.get("TargetLocationMaxErrors") == wave.abort_threshold.text, f"wave {name}: TargetLocationMaxErrors {location.get('TargetLocationMaxErrors')!r}, the policy says abort_when_failed_accounts_exceed {wave.abort_threshold.text}")
        has_ou = any(a.startswith(("ou-", "r-")) for a in accounts)
        if has_ou:
            check.expect(location.get("IncludeChildOrganizationUnits") is True, f"wave {name}: OU targets must include child OUs (IncludeChildOrganizationUnits)")
            check.expect(sorted(location.get("ExcludeAccounts", [])) == sorted(policy.exclude_accounts), f"wave {name}: ExcludeAccounts {location.get('ExcludeAccounts')}, the policy excludes {policy.exclude_accounts}")
        alarm = location.get("TargetLocationAlarmConfiguration")
        if wave.stop_on_alarm:
            check.expect(
                bool(alarm) and [a.get("Name") for a in alarm.get("Alarms", [])] == [wave.stop_on_alarm],
                f"wave {name}: stop_on_alarm {wave.stop_on_alarm} but the target location's alarm configuration is {alarm}",
            )
        else:
            check.expect(alarm is None, f"wave {name}: no stop_on_alarm in the policy, but an alarm configuration {alarm}")
    check.expect(seen_targets == wanted_targets, f"wave {name}: the automation targets {sorted(seen_targets)}, the policy says {sorted(wanted_targets)}")
    locations = [(l.account, l.region) for l in run.locations]
    check.expect(
        sorted(locations) == sorted(expected_locations(policy, wave)),
        f"wave {name}: reaches {sorted(locations)}, the policy's targets reach {sorted(expected_locations(policy, wave))}",
    )


def _count(rate, total: int) -> int:
    """A concurrency rate as a count of `total` (SSM: a percentage rounds down, at least 1)."""
    if rate.is_percent:
        return max(1, rate.value * total // 100)
    return rate.value


def _approve(request) -> Decision:
    return Decision("approve", APPROVAL_DELAY)


class Scenarios:
    def __init__(self, policy: Policy, generated: Path, jsonata, audit: AuditFields):
        self.policy = policy
        self.generated = generated
        self.jsonata = jsonata
        self.audit = audit
        self._worlds: dict[str, tuple[World, Outcome]] = {}

    def _run(
        self, key: str, script: fleet.Script, execution_input: dict, decide: Callable, on_tick: Callable | None = None, prepare: Callable | None = None
    ) -> tuple[World, Outcome]:
        world = World(self.policy, self.generated, script, self.jsonata)
        try:
            if prepare is not None:
                prepare(world)
            outcome = world.run(execution_input, decide, on_tick)
        finally:
            world.close()
        self._worlds[key] = (world, outcome)
        return world, outcome

    # --- 1 -------------------------------------------------------------------------------------
    def all_succeed(self, check: Check) -> None:
        policy = self.policy
        world, outcome = self._run("all", fleet.Script(), {"dry_run": False}, _approve)
        _common(check, world)
        check.expect(outcome.status == "SUCCEEDED", f"every node succeeds, so the rollout must succeed; it ended {outcome.status}: {outcome.error} {(outcome.cause or '')[:300]}")
        runs = world.ssm.runs  # type: ignore[union-attr]
        order = [r.wave for r in runs]
        check.expect(order == [w.name for w in policy.waves], f"waves must start once each in policy order {[w.name for w in policy.waves]}; automations started for {order}")
        by_wave = _runs_by_wave(world)
        approvals = {a.wave: a for a in world.approvals}
        previous_exit = outcome.start_ms
        previous_bake = 0
        for wave in policy.waves:
            run = (by_wave.get(wave.name) or [None])[0]
            if run is None:
                break
            _check_request(check, policy, wave, run, world)
            wait = previous_bake
            if wave.approval:
                request = approvals.get(wave.name)
                if check.expect(request is not None, f"wave {wave.name} needs an approval; none was requested"):
                    answered = getattr(request, "answered_ms", None)
                    check.expect(answered is not None and run.started_ms >= answered, f"wave {wave.name} started before its approval arrived")
                    self._check_approval_request(check, world, wave, request)
                wait += APPROVAL_DELAY
            check.expect(
                run.started_ms - previous_exit == wait * 1000,
                f"wave {wave.name} must start {wait}s after the previous wave ended (bake {previous_bake}s"
                + (f" + approval after {APPROVAL_DELAY}s" if wave.approval else "")
                + f"); it started {(run.started_ms - previous_exit) / 1000:.0f}s after",
            )
            exits = _state_times(world, f"Patch {wave.name}", "exited")
            previous_exit = exits[0] if exits else run.started_ms
            previous_bake = wave.bake_seconds
        unexpected = [a.wave for a in world.approvals if not any(w.name == a.wave and w.approval for w in policy.waves)]
        check.expect(not unexpected, f"approvals were requested for waves without approval: {unexpected}")
        if policy.pinned:
            tested = world.object(TESTED_PATCH_SET_KEY)
            pinned_key = next((k for k in world.keys("rollouts/") if k.endswith("/baseline-override.json")), None)
            check.expect(
                tested is not None and pinned_key is not None and tested == world.object(pinned_key),
                f"a rollout that succeeded publishes its pinned set at {TESTED_PATCH_SET_KEY} for remediation",
            )
        finished = [m for m in world.messages() if "finished" in m.get("Subject", "")]
        check.expect(len(finished) >= len(policy.waves), f"a finished notification per wave and for the rollout; got {len(finished)}")
        check.note(
            f"{len(runs)} wave(s) in order"
            + "".join(f"; {w.name} baked {w.bake_seconds}s" for w in policy.waves if w.bake_seconds)
            + "".join(f"; {w.name} waited for approval" for w in policy.waves if w.approval)
        )

    def _check_approval_request(self, check: Check, world: World, wave: Wave, request) -> None:
        subscribers = set()
        for message in world.messages("ApprovalTopic"):
            if (message.get("MessageAttributes") or {}).get("wave", {}).get("Value") == wave.name:
                subscribers.update(message["_subscribers"])
        for approver in wave.approval.approvers:  # type: ignore[union-attr]
            check.expect(approver in subscribers, f"approver {approver} of wave {wave.name} did not receive its approval request (subscriptions reached: {sorted(subscribers)})")
        others = {a for w in self.policy.waves if w.approval and w.name != wave.name for a in w.approval.approvers} - set(wave.approval.approvers)  # type: ignore[union-attr]
        check.expect(not (subscribers & others), f"approvers of other waves received wave {wave.name}'s request: {sorted(subscribers & others)}")
        check.expect(wave.name in request.message and "send-task-success" in request.message and "send-task-failure" in request.message, f"the approval request for {wave.name} must name the wave and give the approve and reject commands")

    # --- 2 -------------------------------------------------------------------------------------
    def dry_run(self, check: Check) -> None:
        world, outcome = self._run("dry", fleet.Script(), {"dry_run": True}, _approve)
        _common(check, world)
        check.expect(outcome.status == "SUCCEEDED", f"a dry run on a healthy fleet succeeds; it ended {outcome.status}: {(outcome.cause or '')[:300]}")
        runs = world.ssm.runs  # type: ignore[union-attr]
        check.expect([r.wave for r in runs] == [w.name for w in self.policy.waves], f"a dry run scans every wave in order; automations: {[r.wave for r in runs]}")
        for run in runs:
            check.expect(run.parameters.get("Operation") == ["Scan"], f"dry run: wave {run.wave} automation Operation is {run.parameters.get('Operation')}, not Scan")
            installs = [c for l in run.locations for c in l.commands if c.parameters.get("Operation") != "Scan" and c.document.startswith("AWS-RunPatchBaseline")]
            check.expect(not installs, f"dry run: wave {run.wave} would install on {len(installs)} node command(s), e.g. {installs[:1]}")
            commands = [c for l in run.locations for c in l.commands]
            check.expect(bool(commands), f"dry run: wave {run.wave} ran no command on any node")
        # decision (docs/rollouts.md): a dry run changes no node, so it neither bakes nor asks for approval
        check.expect(not world.approvals, f"a dry run asks no approval; requests went out for {[a.wave for a in world.approvals]}")
        previous_exit = outcome.start_ms
        for wave, run in zip(self.policy.waves, runs):
            check.expect(run.started_ms == previous_exit, f"dry run: wave {wave.name} must start as soon as the previous one ended (no bake); it waited {(run.started_ms - previous_exit) / 1000:.0f}s")
            exits = _state_times(world, f"Patch {wave.name}", "exited")
            previous_exit = exits[0] if exits else run.started_ms
        check.expect(world.object(TESTED_PATCH_SET_KEY) is None, "a dry run tested nothing: it must not publish a patch set for remediation")
        check.note(f"{len(runs)} wave(s) scanned, {sum(len(l.commands) for r in runs for l in r.locations)} node commands, none installs")

    # --- 3 -------------------------------------------------------------------------------------
    def approvals_rejected(self, check: Check) -> str | None:
        gated = [w for w in self.policy.waves if w.approval]
        if not gated:
            return "no wave has an approval"
        for target in gated:
            reason = f"harness rejects wave {target.name}: change freeze"

            def decide(request, target=target, reason=reason):
                if request.wave == target.name:
                    return Decision("reject", 300, reason)
                return Decision("approve", 60)

            world, outcome = self._run(f"reject-{target.name}", fleet.Script(), {"dry_run": False}, decide)
            _common(check, world)
            check.expect(outcome.status == "FAILED" and outcome.error == "RolloutRejected", f"rejecting {target.name}: the rollout must end RolloutRejected; it ended {outcome.status} {outcome.error}")
            check.expect(reason in (outcome.cause or ""), f"rejecting {target.name}: the rollout's cause must carry the reason; it is {(outcome.cause or '')[:300]!r}")
            later = [w.name for w in self.policy.waves if w.index >= target.index]
            started = [r.wave for r in world.ssm.runs if r.wave in later]  # type: ignore[union-attr]
            check.expect(not started, f"rejecting {target.name}: no wave from it on may start; started {started}")
            row = self._rollout_row(world)
            check.expect(row.get("status") == "REJECTED" and reason in str(row.get("reason", "")), f"rejecting {target.name}: the audit row must say REJECTED with the reason; it says {row.get('status')} {str(row.get('reason'))[:200]!r}")
            told = [m for m in world.messages() if reason in m.get("Message", "")]
            check.expect(bool(told), f"rejecting {target.name}: the notification must carry the reason")
        check.note(f"rejected each of {[w.name for w in gated]} in turn")
        return None

    # --- 4 -------------------------------------------------------------------------------------
    def approval_timeout(self, check: Check) -> str | None:
        gated = [w for w in self.policy.waves if w.approval]
        if not gated:
            return "no wave has an approval"
        target = gated[0]

        def decide(request):
            if request.wave == target.name:
                return Decision("timeout", target.approval.timeout_seconds)  # type: ignore[union-attr]
            return Decision("approve", 60)

        world, outcome = self._run("timeout", fleet.Script(), {"dry_run": False}, decide)
        _common(check, world)
        check.expect(getattr(world, "waiting_before_timeout", None) is True, f"one second before its {target.approval.timeout_text} timeout the approval of {target.name} must still be waiting")  # type: ignore[union-attr]
        check.expect(outcome.status == "FAILED" and outcome.error == "RolloutRejected", f"no answer within {target.approval.timeout_text}: the rollout must end RolloutRejected; it ended {outcome.status} {outcome.error}")  # type: ignore[union-attr]
        row = self._rollout_row(world)
        reason = str(row.get("reason", ""))
        check.expect(row.get("status") == "REJECTED" and "no answer" in reason and target.approval.timeout_text in reason, f"the audit row must say REJECTED because nobody answered within {target.approval.timeout_text}; it says {row.get('status')} {reason[:200]!r}")  # type: ignore[union-attr]
        started = [r.wave for r in world.ssm.runs if r.wave and self._index(r.wave) >= target.index]  # type: ignore[union-attr]
        check.expect(not started, f"no wave from {target.name} on may start; started {started}")
        check.note(f"approval of {target.name} expired after {target.approval.timeout_text}")  # type: ignore[union-attr]
        return None

    def _index(self, wave_name: str) -> int:
        return next(w.index for w in self.policy.waves if w.name == wave_name)

    def _rollout_row(self, world: World) -> dict:
        return next((r for r in world.audit_rows() if r.get("sk") == "rollout"), {})

    # --- 5 -------------------------------------------------------------------------------------
    def first_wave_fails(self, check: Check) -> str | None:
        policy = self.policy
        wave = policy.waves[0]
        locations = expected_locations(policy, wave)
        total = len(locations)
        needed = wave.abort_threshold.most_within(total) + 1
        if needed > total:
            return f"wave {wave.name} reaches {total} account-region(s); abort_when_failed_accounts_exceed {wave.abort_threshold.text} cannot be exceeded"
        failing = {loc: f"harness: yum lock held on every node in {loc[0]} {loc[1]}" for loc in locations[:needed]}
        script = fleet.Script(waves={wave.name: fleet.WaveScript(failing_locations=failing)})
        world, outcome = self._run("fail", script, {"dry_run": False}, _approve)
        _common(check, world)
        check.expect(outcome.status == "FAILED" and outcome.error == "RolloutAborted", f"{needed} of {total} account-regions of {wave.name} fail (more than {wave.abort_threshold.text}): the rollout must end RolloutAborted; it ended {outcome.status} {outcome.error} {(outcome.cause or '')[:200]}")
        later = [r.wave for r in world.ssm.runs if r.wave != wave.name]  # type: ignore[union-attr]
        check.expect(not later, f"no wave after {wave.name} may start; started {later}")
        row = self._rollout_row(world)
        reason = str(row.get("reason", ""))
        check.expect(row.get("status") == "ABORTED" and row.get("failedWave") == wave.name, f"the audit row must say ABORTED in {wave.name}; it says {row.get('status')} {row.get('failedWave')}")
        check.expect(0 < len(reason) <= REASON_LIMIT and "ExecutionArn" not in reason, f"the abort reason must be the wave's own short message; it is {len(reason)} characters: {reason[:200]!r}")
        check.expect(f"{needed} of " in reason, f"the abort reason must say how many account-regions failed ({needed}); it says {reason[:300]!r}")
        failure_rows = [r for r in world.audit_rows() if "#failure#" in str(r.get("sk", ""))]
        got = sorted((r.get("account"), r.get("region")) for r in failure_rows)
        check.expect(got == sorted(failing), f"one audit row per failing account-region {sorted(failing)}; rows: {got}")
        for r in failure_rows:
            key = (r.get("account"), r.get("region"))
            check.expect(failing.get(key, "?") in str(r.get("failure", "")), f"the audit row of {key} must carry its failure message; it has {str(r.get('failure'))[:200]!r}")
        texts = " ".join(m.get("Message", "") for m in world.messages())
        for (account, region), message in failing.items():
            check.expect(account in texts and message in texts, f"the notifications must name failing account {account} ({region}) and its message")
        if policy.bedrock:
            invocations = world.bedrock.invocations
            check.expect(len(invocations) == 1, f"Bedrock analysis is enabled: one analysis of {wave.name}'s failures; {len(invocations)} made")
            if invocations:
                prompt = json.dumps(invocations[0].body)
                check.expect(all(m in prompt for m in failing.values()), "the analysis request must carry the failure messages")
                stored = world.object(invocations[0].output_uri.split("/", 3)[3]) if invocations[0].output_uri else None
                check.expect(stored is not None, f"the analysis must be written to the log bucket ({invocations[0].output_uri})")
            published = [m for m in world.messages() if "analys" in m.get("Subject", "").lower()]
            check.expect(bool(published) and any(world.script.analysis_text in m.get("Message", "") for m in published), "the analysis must be published on the topic")
        check.expect(world.object(TESTED_PATCH_SET_KEY) is None, "an aborted rollout must not publish its patch set for remediation")
        check.note(f"{needed} of {total} account-regions of {wave.name} failed; aborted" + (", analysis published" if policy.bedrock else ""))
        return None

    # --- 6 -------------------------------------------------------------------------------------
    def failures_within_threshold(self, check: Check) -> str | None:
        policy = self.policy
        wave = policy.waves[0]
        locations = expected_locations(policy, wave)
        tolerated_locations = wave.abort_threshold.most_within(len(locations))
        tolerated_nodes = wave.max_errors.most_within(fleet.NODES_PER_LOCATION)
        if tolerated_locations >= 1:
            failing = {loc: f"harness: one account-region of {wave.name} fails" for loc in locations[:tolerated_locations]}
            script = fleet.WaveScript(failing_locations=failing)
            what = f"{tolerated_locations} of {len(locations)} account-regions failed (threshold {wave.abort_threshold.text})"
        elif tolerated_nodes >= 1:
            script = fleet.WaveScript(failing_nodes={loc: tolerated_nodes for loc in locations})
            what = f"{tolerated_nodes} of {fleet.NODES_PER_LOCATION} nodes failed in every account-region (max_errors {wave.max_errors.text})"
        else:
            return f"wave {wave.name} tolerates no failure (max_errors {wave.max_errors.text}, abort_when_failed_accounts_exceed {wave.abort_threshold.text})"
        world, outcome = self._run("within", fleet.Script(waves={wave.name: script}), {"dry_run": False}, _approve)
        _common(check, world)
        check.expect(outcome.status == "SUCCEEDED", f"{what}: within the policy's thresholds, the rollout must go on and succeed; it ended {outcome.status} {outcome.error} {(outcome.cause or '')[:300]}")
        check.expect([r.wave for r in world.ssm.runs] == [w.name for w in policy.waves], f"every wave must still run; ran {[r.wave for r in world.ssm.runs]}")  # type: ignore[union-attr]
        check.note(what + "; the rollout went on")
        return None

    # --- 7 -------------------------------------------------------------------------------------
    def stopped_by_alarm(self, check: Check) -> str | None:
        wave = next((w for w in self.policy.waves if w.stop_on_alarm), None)
        if wave is None:
            return "no wave has stop_on_alarm"
        script = fleet.Script(waves={wave.name: fleet.WaveScript(alarm_after_seconds=600)})
        world, outcome = self._run("alarm", script, {"dry_run": False}, _approve)
        _common(check, world)
        check.expect(outcome.status == "FAILED" and outcome.error == "RolloutAborted", f"alarm {wave.stop_on_alarm} stopped wave {wave.name}: the rollout must end RolloutAborted; it ended {outcome.status} {outcome.error}")
        row = self._rollout_row(world)
        check.expect(row.get("status") == "ABORTED" and wave.stop_on_alarm in str(row.get("reason", "")), f"the audit row must say ABORTED naming alarm {wave.stop_on_alarm}; it says {row.get('status')} {str(row.get('reason'))[:300]!r}")
        check.expect(wave.stop_on_alarm in (outcome.cause or ""), f"the rollout's cause must name alarm {wave.stop_on_alarm}; it is {(outcome.cause or '')[:300]!r}")
        later = [r.wave for r in world.ssm.runs if r.wave and self._index(r.wave) > wave.index]  # type: ignore[union-attr]
        check.expect(not later, f"no wave after {wave.name} may start; started {later}")
        check.note(f"alarm {wave.stop_on_alarm} stopped {wave.name}")
        return None

    # --- 8 -------------------------------------------------------------------------------------
    def wave_never_finishes(self, check: Check) -> None:
        """8: past its timeout a wave starts no install, lets the installs in flight finish, and
        stops the automation only when a node outlasts the longest install; the rollout stops."""
        wave = self.policy.waves[0]
        hang = fleet.Script(waves={wave.name: fleet.WaveScript(never_finishes=True)})
        world, outcome = self._run("hang", hang, {"dry_run": False}, _approve)
        _common(check, world)
        runs = [r for r in world.ssm.runs if r.wave == wave.name]  # type: ignore[union-attr]
        drain = next(iter(world.hub.runbooks.values())).install_seconds()
        if check.expect(len(runs) == 1, f"wave {wave.name} must start once; started {len(runs)}"):
            run = runs[0]
            stops = run.stop_calls
            check.expect(len(stops) == 1, f"a node that never finishes is stopped once; StopAutomationExecution calls: {stops}")
            if stops:
                after = (stops[0][0] - run.started_ms) / 1000
                earliest = wave.timeout_seconds + drain
                check.expect(
                    earliest <= after <= earliest + 900,
                    f"an install in flight is never cancelled: the stop may come only once the {wave.timeout_seconds}s timeout and the {drain}s a node may take have passed ({earliest}s), and soon after; it came after {after:.0f}s",
                )
        check.expect(outcome.status == "FAILED" and outcome.error == "RolloutAborted", f"a wave past its timeout fails the rollout: it must end RolloutAborted; it ended {outcome.status} {outcome.error}")
        row = self._rollout_row(world)
        reason = str(row.get("reason", ""))
        check.expect(row.get("status") == "ABORTED" and "timed out" in reason, f"the audit row must say the wave timed out; it says {row.get('status')} {reason[:300]!r}")
        later = [r.wave for r in world.ssm.runs if r.wave != wave.name]  # type: ignore[union-attr]
        check.expect(not later, f"no wave after {wave.name} may start; started {later}")
        notes = [f"{wave.name}'s hung node stopped {drain}s after the {wave.timeout_seconds}s timeout"]

        # Installs in flight at the deadline: nodes of the wave's fleet run one after another
        # (account-regions account_concurrency at a time, nodes concurrency at a time); choose
        # the fleet size and a node time within what a node may take, so that the deadline falls
        # in the middle of the run, mid-install.
        locations = expected_locations(self.policy, wave)
        rounds = -(-len(locations) // _count(wave.account_concurrency, len(locations)))
        chosen = None
        for nodes in (4, 8, 16, 32, 64, 128):
            serial = rounds * -(-nodes // _count(wave.concurrency, nodes))
            node_seconds = int(wave.timeout_seconds / (serial // 2 + 0.5))
            if serial >= 2 and node_seconds <= drain * 9 // 10:
                chosen = (nodes, node_seconds)
                break
        if chosen is None:
            notes.append("no fleet of up to 128 nodes per account-region puts an install across the deadline within the step timeouts")
        else:
            nodes, node_seconds = chosen
            slow = fleet.Script(waves={wave.name: fleet.WaveScript(node_seconds=node_seconds, nodes_per_location=nodes)})
            world, outcome = self._run("slow", slow, {"dry_run": False}, _approve)
            _common(check, world)
            run = next((r for r in world.ssm.runs if r.wave == wave.name), None)  # type: ignore[union-attr]
            if check.expect(run is not None, f"wave {wave.name} must start"):
                deadline = run.started_ms + wave.timeout_seconds * 1000
                check.expect(not run.stop_calls, f"nodes installing at the deadline finish: nothing may be stopped; StopAutomationExecution calls: {run.stop_calls}")
                installs = [(l, c) for l in run.locations for c in l.commands if c.parameters.get("Operation") == "Install"]
                in_flight = [(l, c) for l, c in installs if c.started_ms < deadline < c.started_ms + node_seconds * 1000]
                check.expect(bool(in_flight) and all(l.status == "Success" for l, _ in in_flight), f"the nodes installing at the deadline must finish their install; {[(l.account, l.region, l.status) for l, _ in in_flight]}")
                late = [c for _, c in installs if c.started_ms >= deadline]
                check.expect(not late, f"nodes starting after the deadline must not install; {len(late)} did")
                skipped = [c for l in run.locations for c in l.commands if c.started_ms >= deadline]
                check.expect(bool(skipped), "some nodes must have started after the deadline (and only scanned)")
            row = self._rollout_row(world)
            check.expect(outcome.error == "RolloutAborted" and "timed out" in str(row.get("reason", "")), f"a wave that ends after its timeout still fails the rollout; it ended {outcome.status} {outcome.error}, {str(row.get('reason'))[:200]!r}")
            notes.append(f"with {nodes} nodes per account-region of {node_seconds}s each, the installs in flight at the deadline finished and later nodes only scanned")
        check.note("; ".join(notes))

    # --- 9 -------------------------------------------------------------------------------------
    def pinned_patch_set(self, check: Check) -> str | None:
        policy = self.policy
        if not policy.pinned:
            return "install.patch_set is latest"
        world, outcome = self._worlds.get("all") or self._run("all", fleet.Script(), {"dry_run": False}, _approve)
        runs = world.ssm.runs  # type: ignore[union-attr]
        if not check.expect(bool(runs), "no wave ran"):
            return None
        urls = {json.dumps(r.parameters.get("BaselineOverride")) for r in runs}
        check.expect(len(urls) == 1, f"every wave must receive the same pinned patch set; BaselineOverride values: {sorted(urls)}")
        url = (runs[0].parameters.get("BaselineOverride") or [""])[0]
        if not check.expect(url.startswith("s3://"), f"the pinned patch set must reach the runbook as an s3:// BaselineOverride; got {url!r}"):
            return None
        bucket, _, key = url[len("s3://"):].partition("/")
        body = world.object(key)
        if not check.expect(body is not None, f"the override {url} must exist in the log bucket"):
            return None
        written = [e for e in world.history() if e.get("taskSucceededEventDetails", {}).get("resourceType") == "aws-sdk:s3" or "putObject" in json.dumps(e.get("taskScheduledEventDetails", {}))]
        if written:
            check.expect(_ms(written[0]["timestamp"]) <= runs[0].started_ms, "the override must be written before the first wave starts")
        override = json.loads(body)
        if check.expect(isinstance(override, list), "a BaselineOverride file is a JSON array of baselines"):
            systems = [b.get("OperatingSystem") for b in override]
            for entry in override:
                try:
                    validate_parameters(entry, _SSM.shape_for("BaselineOverride"))
                except Exception as error:  # botocore's ParamValidationError
                    check.problems.append(f"override entry {entry.get('OperatingSystem')} is not a valid BaselineOverride: {error}")
            missing = sorted(set(_OS.values()) - set(systems))
            check.expect(not missing, f"a node whose operating system has no entry in the override fails to patch; the override lacks {missing}")
            check.expect(len(systems) == len(set(systems)), f"one baseline per operating system in the override; got {systems}")
            start = dt.datetime.fromtimestamp(outcome.start_ms / 1000, tz=dt.timezone.utc)
            for entry in override:
                os_key = _os_key(entry.get("OperatingSystem", ""))
                days = policy.approve_after_days(os_key) if os_key in policy.baselines else None
                for rule in (entry.get("ApprovalRules") or {}).get("PatchRules", []):
                    if os_key in ("ubuntu", "debian"):
                        check.expect("ApproveUntilDate" not in rule, f"{os_key} takes no ApproveUntilDate")
                        continue
                    check.expect("ApproveAfterDays" not in rule, f"{entry.get('OperatingSystem')}: a pinned rule carries ApproveUntilDate, not ApproveAfterDays: {rule}")
                    if days is not None:
                        want = (start - dt.timedelta(days=days)).strftime("%Y-%m-%d")
                        check.expect(rule.get("ApproveUntilDate") == want, f"{entry.get('OperatingSystem')}: ApproveUntilDate must be the rollout's start {start:%Y-%m-%d} minus approve_after_days {days} = {want}; it is {rule.get('ApproveUntilDate')}")
                    else:
                        check.expect(bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(rule.get("ApproveUntilDate", "")))), f"{entry.get('OperatingSystem')}: the default baseline's rules must be pinned by ApproveUntilDate; got {rule}")
            for os_key in policy.baselines:
                check.expect(_aws_os(os_key) in systems, f"the override must pin the policy's {os_key} baseline; it has {systems}")
        installs = [c for r in runs for l in r.locations for c in l.commands if c.document == "AWS-RunPatchBaseline" and c.parameters.get("Operation") == "Install"]
        check.expect(bool(installs) and all(c.parameters.get("BaselineOverride") == url for c in installs), f"every install command on every node must use the pinned override {url}; {len(installs)} install command(s), overrides {sorted({str(c.parameters.get('BaselineOverride')) for c in installs})}")
        check.note(f"override {key} with {len(override)} baseline(s) reached {len(installs)} install commands")
        return None

    # --- 10 ------------------------------------------------------------------------------------
    def audit_rows(self, check: Check) -> None:
        world, outcome = self._worlds.get("all") or self._run("all", fleet.Script(), {"dry_run": False}, _approve)
        rows = world.audit_rows()
        rollouts = [r for r in rows if r.get("sk") == "rollout"]
        if check.expect(len(rollouts) == 1, f"one audit row per rollout; {len(rollouts)}"):
            self.audit.check(check, "rollout", rollouts[0])
            check.expect(rollouts[0].get("status") == "SUCCEEDED", f"the rollout row must say SUCCEEDED; it says {rollouts[0].get('status')}")
        waves = [r for r in rows if str(r.get("sk", "")).startswith("wave#") and "#failure#" not in r["sk"] and not r["sk"].endswith("#approval")]
        approvals = [r for r in rows if str(r.get("sk", "")).endswith("#approval")]
        gated = [w.name for w in self.policy.waves if w.approval]
        check.expect(sorted(r.get("wave") for r in approvals) == sorted(gated), f"one approval item per approved wave {gated}; items for {[r.get('wave') for r in approvals]}")
        for row in approvals:
            self.audit.check(check, "approval", row)
        check.expect(sorted(r.get("wave") for r in waves) == sorted(w.name for w in self.policy.waves), f"one audit row per wave; rows for {[r.get('wave') for r in waves]}")
        for row in waves:
            self.audit.check(check, "wave", row)
        failed_world = self._worlds.get("fail") or self._worlds.get("within")
        failures = 0
        if failed_world is not None:
            for row in failed_world[0].audit_rows():
                if "#failure#" in str(row.get("sk", "")):
                    failures += 1
                    self.audit.check(check, "failure", row)
        check.note(f"{len(rollouts)} rollout row, {len(waves)} wave rows, {len(approvals)} approval rows, {failures} failure rows checked against docs/rollouts.md")

    def input_rejected(self, check: Check) -> None:
        """11: a misspelled or mistyped input key, or a scope wider than the policy, stops the
        rollout at once, naming it."""
        waves = self.policy.waves
        last = waves[-1]
        account = expected_locations(self.policy, last)[0][0]
        cases: list[tuple[dict, str]] = [
            ({"dryRun": True}, "`dryRun`"),
            ({"dry_run": "yes"}, "`dry_run` must be true or false"),
            ({"scope": {"no-such-wave": {}}}, "unknown wave `no-such-wave`"),
            ({"scope": {last.name: {"regions": ["xx-nowhere-1"]}}}, f"wave {last.name} does not run in region(s) xx-nowhere-1"),
            ({"scope": {last.name: {"accounts": ["12345"]}}}, f"`scope.{last.name}.accounts` must be a non-empty list of 12-digit account ids"),
            ({"scope": {last.name: {"instances": ["i-0123456789abcdef0"]}}}, f"`scope.{last.name}.instances` needs exactly one account"),
        ]
        outside = next((a for a in ["000000000000"] if last.accounts and not last.organizational_units), None)
        if outside is None and self.policy.exclude_accounts:
            outside = self.policy.exclude_accounts[0]
        if outside is not None:
            cases.append(({"scope": {last.name: {"accounts": [account, outside]}}}, f"wave {last.name} does not target account(s) {outside}"))
        ou_wave = next((w for w in waves if w.organizational_units), None)
        if ou_wave is not None:
            # an account of another wave's OU (or of none) is outside; one not in the organization cannot be found
            inside = set(fleet.ou_accounts(ou_wave.organizational_units[0]))
            foreign = next((a for w in waves for ou in w.organizational_units for a in fleet.ou_accounts(ou) if ou not in ou_wave.organizational_units and a not in inside), None)
            direct = next((a for w in waves for a in w.accounts), None)
            stranger = foreign or direct
            if stranger is not None:
                cases.append(({"scope": {ou_wave.name: {"accounts": [stranger]}}}, f"wave {ou_wave.name} does not target account {stranger}"))
            cases.append(({"scope": {ou_wave.name: {"accounts": ["000000000042"]}}}, "account 000000000042 of `scope." + ou_wave.name + "` cannot be found in AWS Organizations"))
        if len(last.regions) > 1:
            cases.append(
                ({"scope": {last.name: {"accounts": [account], "instances": ["i-0123456789abcdef0"]}}}, f"`scope.{last.name}.instances` needs exactly one region")
            )
        for execution_input, needle in cases:
            world, outcome = self._run(f"input-{needle}", fleet.Script(), execution_input, _approve)
            _common(check, world)
            check.expect(outcome.status == "FAILED" and outcome.error == "RolloutInputInvalid", f"input {execution_input}: the rollout must stop with RolloutInputInvalid; it ended {outcome.status} {outcome.error}")
            check.expect(needle in (outcome.cause or ""), f"input {execution_input}: the cause must name {needle!r}; it is {(outcome.cause or '')[:300]!r}")
            if "scope" not in execution_input:
                check.expect("dry_run" in (outcome.cause or ""), f"input {execution_input}: the cause must list the accepted keys; it is {(outcome.cause or '')[:300]!r}")
            check.expect(not world.ssm.runs and not world.approvals, f"input {execution_input}: nothing may start; automations {len(world.ssm.runs)}, approvals {len(world.approvals)}")  # type: ignore[union-attr]
        check.note(f"{len(cases)} inputs refused before anything started: misspelled key, mistyped dry_run, scopes naming an unknown wave, region, account (checked against Organizations for waves of OUs) or a node without its account-region")

    def remediation(self, check: Check) -> str | None:
        """12: Config remediation installs only what a successful rollout tested, or only scans."""
        custom = stack_module.custom_documents(self.generated / "spoke.template.yaml") | set(self.policy.hook_documents)
        found = stack_module.spoke_remediation(self.generated / "spoke.template.yaml", custom)
        if found is None:
            return "compliance.remediation is off"
        runbook, configuration = found
        parameters = configuration.get("Parameters", {})
        check.expect(
            parameters.get("InstanceId") == {"ResourceValue": {"Value": "RESOURCE_ID"}},
            f"the remediation must receive the node from Config's RESOURCE_ID; it gets {parameters.get('InstanceId')}",
        )
        resource_id = "AWS::SSM::ManagedInstanceInventory/i-0123456789abcdef0"
        world, _ = self._worlds.get("all") or self._run("all", fleet.Script(), {"dry_run": False}, _approve)
        tested = world.object(TESTED_PATCH_SET_KEY)
        bucket = world.hub.physical.get("LogBucket", "")

        def walk(exists: bool) -> list:
            def api(service: str, name: str, inputs: dict) -> dict:
                if (service, name) != ("s3", "HeadObject"):
                    raise ValueError(f"{service}:{name} is not scripted")
                check.expect(inputs.get("Bucket") == bucket and inputs.get("Key") == TESTED_PATCH_SET_KEY, f"the remediation must look for the tested set at s3://{bucket}/{TESTED_PATCH_SET_KEY}; it looks at {inputs.get('Bucket')}/{inputs.get('Key')}")
                if not exists:
                    raise ValueError("404 Not Found")
                return {}

            return runbook.commands({"InstanceId": [resource_id], "AutomationAssumeRole": ["arn:aws:iam::1:role/r"]}, account="222222222222", region=self.policy.hub_region, node="i-0123456789abcdef0", api=api)

        before = walk(exists=False)
        check.expect(
            [(c.document, c.parameters.get("Operation")) for c in before] == [("AWS-RunPatchBaseline", "Scan")],
            f"before any rollout succeeded, remediation only scans; it would run {[(c.step, c.document, c.parameters.get('Operation')) for c in before]}",
        )
        check.expect(all(c.node == "i-0123456789abcdef0" for c in before), "the remediation must take the node id out of Config's resource id")
        if not self.policy.pinned:
            after = walk(exists=True)
            check.expect(all(c.parameters.get("Operation") != "Install" for c in after), "with patch_set latest nothing is a tested set: remediation only scans")
            check.note("patch_set latest: remediation only scans")
            return None
        check.expect(tested is not None, "the successful rollout of scenario 1 must have published the tested set")
        after = walk(exists=True)
        installs = [c for c in after if c.parameters.get("Operation") == "Install"]
        check.expect(
            len(installs) == 1 and installs[0].parameters.get("BaselineOverride") == f"s3://{bucket}/{TESTED_PATCH_SET_KEY}",
            f"after a successful rollout, remediation installs exactly the tested set s3://{bucket}/{TESTED_PATCH_SET_KEY}; it would run {[(c.step, c.parameters) for c in after]}",
        )
        check.expect(all(c.parameters.get("RebootOption", "NoReboot") in ("RebootIfNeeded", "NoReboot") for c in installs), "RebootOption must be one AWS takes")
        hooks = [c.document for c in after if not c.document.startswith("AWS-")]
        check.expect(hooks == [h for h in self.policy.hook_documents_in_order], f"remediation runs the policy's hooks in order {self.policy.hook_documents_in_order}; it runs {hooks}")
        check.note("scans only before a successful rollout; then installs the tested set" + (f" with hooks {hooks}" if hooks else ""))
        return None


    # --- 14 ------------------------------------------------------------------------------------
    def stopped_by_operator(self, check: Check) -> None:
        """14: what `patchform rollout stop` leaves (a request on the audit items, a marker in the
        hub bucket, an answer to a pending approval) ends the rollout STOPPED, naming who and why,
        at once mid-wave, before the next wave, and while an approval is pending."""
        policy = self.policy
        first = policy.waves[0]
        by = "arn:aws:iam::111111111111:user/operator"
        reason = "harness: the change window closed"
        wave_key = f"wave#{first.index:03d}#{first.name}"

        def request_stop(world: World, rows: list[str], marker: bool) -> None:
            arn = world.execution_arn or world.sfn.list_executions(stateMachineArn=world.hub.physical["RolloutStateMachine"])["executions"][0]["executionArn"]
            rollout_id = arn.rsplit(":", 1)[-1]
            table = world.hub.physical["AuditTable"]
            for sk in rows:
                world.dynamodb.update_item(
                    TableName=table,
                    Key={"pk": {"S": f"rollout#{rollout_id}"}, "sk": {"S": sk}},
                    UpdateExpression="SET stopRequestedBy = :by, stopReason = :reason, stopRequestedAt = :at",
                    ExpressionAttributeValues={":by": {"S": by}, ":reason": {"S": reason}, ":at": {"S": world.clock.now().isoformat()}},
                )
            if marker:
                world.s3.put_object(Bucket=world.hub.physical["LogBucket"], Key=f"control/{rollout_id}/stop", Body=json.dumps({"by": by, "reason": reason}).encode())

        # A: mid-wave. Nodes take hours, so the first wave is still running when the request lands.
        stop_at: list[int] = []
        walked: list[list] = []
        # Account-regions already started once the request is in place. Ordered by what happened,
        # not by virtual milliseconds: one that started in the same millisecond but before the
        # marker existed may install, and a machine under load makes that common.
        started_before: set[int] = set()

        def mid_wave(world: World) -> None:
            if not stop_at and world.ssm.runs:  # type: ignore[union-attr]
                stop_at.append(world.clock.now_ms())
                request_stop(world, ["rollout"], marker=True)
                started_before.update(id(l) for r in world.ssm.runs for l in r.locations if l.start_ms is not None)  # type: ignore[union-attr]
                # the runbook itself: a node that starts once the marker exists installs nothing
                run = world.ssm.runs[0]  # type: ignore[union-attr]
                location = run.locations[0]
                node = fleet.node_ids(location.account, location.region)[-1]
                parameters = {k: list(v) for k, v in run.parameters.items()}
                parameters[run.request.get("TargetParameterName", "InstanceId")] = [node]
                commands = world.hub.runbooks[run.request["DocumentName"]].commands(
                    parameters, account=location.account, region=location.region, node=node, now=world.clock.now().strftime("%Y-%m-%d_%H.%M.%S")
                )
                walked.append([c.document for c in commands if c.parameters.get("Operation") == "Install"])

        slow = fleet.Script(waves={first.name: fleet.WaveScript(node_seconds=6 * 3600)})
        world, outcome = self._run("stop-mid-wave", slow, {"dry_run": False}, _approve, mid_wave)
        _common(check, world)
        check.expect(outcome.status == "FAILED" and outcome.error == "RolloutStopped", f"mid-wave stop: the rollout must end RolloutStopped; it ended {outcome.status} {outcome.error} {(outcome.cause or '')[:300]}")
        check.expect(by in (outcome.cause or "") and reason in (outcome.cause or ""), f"mid-wave stop: the cause must say who stopped it and why; it is {(outcome.cause or '')[:300]!r}")
        row = self._rollout_row(world)
        check.expect(row.get("status") == "STOPPED" and by in str(row.get("reason", "")), f"mid-wave stop: the rollout row must say STOPPED and who; it says {row.get('status')} {str(row.get('reason'))[:200]!r}")
        wave_row = next((r for r in world.audit_rows() if r.get("sk") == wave_key), {})
        check.expect(wave_row.get("status") == "STOPPED", f"mid-wave stop: wave {first.name}'s row must say STOPPED; it says {wave_row.get('status')}")
        later = [r.wave for r in world.ssm.runs if r.wave != first.name]  # type: ignore[union-attr]
        check.expect(not later, f"mid-wave stop: no later wave may start; started {later}")
        cancels = [c for r in world.ssm.runs for c in r.stop_calls]  # type: ignore[union-attr]
        check.expect(not cancels, f"mid-wave stop: the automation drains, it is never cancelled mid-install; StopAutomationExecution calls {cancels}")
        after = [l for r in world.ssm.runs for l in r.locations if l.start_ms is not None and stop_at and id(l) not in started_before]  # type: ignore[union-attr]
        installs_after = [(l.account, l.region) for l in after if any(c.parameters.get("Operation") == "Install" for c in l.commands)]
        check.expect(not installs_after, f"mid-wave stop: account-regions that started after the request must install nothing; installed in {installs_after}")
        told = [m for m in world.messages() if "stopped by an operator" in m.get("Subject", "")]
        check.expect(bool(told), "mid-wave stop: subscribers must be told the rollout was stopped")
        check.expect(walked == [[]], f"mid-wave stop: a node the runbook reaches after the request must not install; it installed with {walked}")
        detail = f"mid-wave: {len(after)} account-region(s) started after the request, none installed"

        # B: before a wave starts: the request lands while the rollout pins its patch set (the
        # first SSM call of a pinned rollout), so the first wave's own check must see it.
        if policy.pinned:
            def before_first(world: World) -> None:
                def on_call(operation: str) -> None:
                    if operation == "get_default_patch_baseline":
                        world.ssm.on_call = None  # type: ignore[union-attr]
                        request_stop(world, ["rollout"], marker=False)

                world.ssm.on_call = on_call  # type: ignore[union-attr]

            world, outcome = self._run("stop-before-wave", fleet.Script(), {"dry_run": False}, _approve, prepare=before_first)
            _common(check, world)
            check.expect(outcome.error == "RolloutStopped" and f"stopped before wave {first.name}" in (outcome.cause or ""), f"stop before a wave: the rollout must end RolloutStopped before wave {first.name}; it ended {outcome.status} {outcome.error} {(outcome.cause or '')[:300]}")
            check.expect(not world.ssm.runs, f"stop before a wave: no automation may start; started {[r.wave for r in world.ssm.runs]}")  # type: ignore[union-attr]
            check.expect(self._rollout_row(world).get("status") == "STOPPED", f"stop before a wave: the rollout row must say STOPPED; it says {self._rollout_row(world).get('status')}")
            detail += f"; before wave {first.name}"

        # C: while an approval is pending, the answer RolloutStopped ends it as STOPPED, not REJECTED.
        gated = next((w for w in policy.waves if w.approval), None)
        if gated is not None:
            def answer(request, gated=gated):
                if request.wave == gated.name:
                    return Decision("reject", 60, f"stopped by {by}: {reason}", error="RolloutStopped")
                return Decision("approve", 60)

            world, outcome = self._run("stop-at-approval", fleet.Script(), {"dry_run": False}, answer)
            _common(check, world)
            check.expect(outcome.error == "RolloutStopped" and by in (outcome.cause or ""), f"stop at approval: the rollout must end RolloutStopped naming who; it ended {outcome.status} {outcome.error} {(outcome.cause or '')[:300]}")
            check.expect(self._rollout_row(world).get("status") == "STOPPED", f"stop at approval: the rollout row must say STOPPED; it says {self._rollout_row(world).get('status')}")
            check.expect(gated.name not in [r.wave for r in world.ssm.runs], f"stop at approval: wave {gated.name} must not run")  # type: ignore[union-attr]
            detail += f"; at the approval of {gated.name}"
        check.note(detail)

    # --- 13 ------------------------------------------------------------------------------------
    def scoped_run(self, check: Check) -> None:
        """13: a rollout narrowed to one wave and one account (then one node) runs only that,
        still asks that wave's approval, and publishes no tested patch set."""
        policy = self.policy
        wave = policy.waves[-1]
        account = expected_locations(policy, wave)[0][0]
        region = wave.regions[0]
        node = fleet.node_ids(account, region)[0]
        for label, scope, locations, nodes in (
            ("account", {"accounts": [account]}, [(account, r) for r in wave.regions], None),
            ("node", {"accounts": [account], "regions": [region], "instances": [node]}, [(account, region)], [node]),
        ):
            world, outcome = self._run(f"scoped-{label}", fleet.Script(), {"scope": {wave.name: scope}, "started_by": "arn:aws:iam::111111111111:user/harness"}, _approve)
            _common(check, world)
            check.expect(outcome.status == "SUCCEEDED", f"scope {scope}: a narrowed rollout on a healthy fleet succeeds; it ended {outcome.status}: {outcome.error} {(outcome.cause or '')[:300]}")
            runs = world.ssm.runs  # type: ignore[union-attr]
            check.expect([r.wave for r in runs] == [wave.name], f"scope {scope}: only wave {wave.name} may run; automations for {[r.wave for r in runs]}")
            if wave.organizational_units:
                asked = [c.get("ChildId") for c in world.organizations.calls]
                check.expect(account in asked, f"scope {scope}: wave {wave.name} targets OUs, so the account must be looked up in Organizations first; ListParents asked for {asked}")
            if runs:
                got = [(l.account, l.region) for l in runs[0].locations]
                check.expect(got == locations, f"scope {scope}: the automation must run in {locations} only; it ran in {got}")
                ran = sorted({c.node for l in runs[0].locations for c in l.commands})  # type: ignore[attr-defined]
                if nodes is not None:
                    check.expect(ran == nodes, f"scope {scope}: only node(s) {nodes} may be patched; commands ran on {ran[:5]}")
                    check.expect(runs[0].request.get("Targets") == [{"Key": "ParameterValues", "Values": nodes}], f"scope {scope}: the automation must target the named node(s); Targets {runs[0].request.get('Targets')}")
                else:
                    check.expect(runs[0].request.get("Targets", [{}])[0].get("Key") != "ParameterValues", f"scope {scope}: without nodes the wave keeps its own targets; Targets {runs[0].request.get('Targets')}")
            check.expect(
                [a.wave for a in world.approvals] == ([wave.name] if wave.approval else []),
                f"scope {scope}: the narrowed wave keeps its approval and no other wave asks; approvals for {[a.wave for a in world.approvals]}",
            )
            row = self._rollout_row(world)
            check.expect(row.get("startedBy") == "arn:aws:iam::111111111111:user/harness", f"scope {scope}: the rollout row must record who started it; startedBy {row.get('startedBy')!r}")
            check.expect(wave.name in str(row.get("scope", "")), f"scope {scope}: the rollout row must record the scope; it says {row.get('scope')!r}")
            wave_rows = [r for r in world.audit_rows() if str(r.get("sk", "")).startswith("wave#") and "#failure#" not in r["sk"] and not r["sk"].endswith("#approval")]
            check.expect(bool(wave_rows) and [r.get("wave") for r in wave_rows] == [wave.name] and "narrowed to" in str(wave_rows[0].get("targets", "")), f"scope {scope}: one wave row, saying it was narrowed; rows {[(r.get('wave'), r.get('targets')) for r in wave_rows]}")
            if policy.pinned:
                check.expect(world.object(TESTED_PATCH_SET_KEY) is None, f"scope {scope}: a narrowed rollout did not pass every wave: it must not publish a tested patch set")
        check.note(f"wave {wave.name} alone in {account}, then on node {node} in {region}")


_OS = {
    "windows": "WINDOWS", "amazon_linux_2": "AMAZON_LINUX_2", "amazon_linux_2023": "AMAZON_LINUX_2023",
    "redhat_enterprise_linux": "REDHAT_ENTERPRISE_LINUX", "ubuntu": "UBUNTU", "debian": "DEBIAN", "suse": "SUSE",
    "oracle_linux": "ORACLE_LINUX", "rocky_linux": "ROCKY_LINUX", "alma_linux": "ALMA_LINUX", "centos": "CENTOS", "macos": "MACOS",
}


def _aws_os(key: str) -> str:
    return _OS[key]


def _os_key(aws: str) -> str:
    return next((k for k, v in _OS.items() if v == aws), aws.lower())


SCENARIOS: list[tuple[str, str]] = [
    ("1 all-succeed", "all_succeed"),
    ("2 dry-run", "dry_run"),
    ("3 approval-rejected", "approvals_rejected"),
    ("4 approval-timeout", "approval_timeout"),
    ("5 first-wave-fails", "first_wave_fails"),
    ("6 failures-within-threshold", "failures_within_threshold"),
    ("7 stopped-by-alarm", "stopped_by_alarm"),
    ("8 wave-never-finishes", "wave_never_finishes"),
    ("9 pinned-patch-set", "pinned_patch_set"),
    ("10 audit-rows", "audit_rows"),
    ("11 input-rejected", "input_rejected"),
    ("12 remediation-tested-set", "remediation"),
    ("13 scoped-run", "scoped_run"),
    ("14 stopped-by-operator", "stopped_by_operator"),
]


def run_all(policy: Policy, generated: Path, jsonata, audit: AuditFields, only: set[str] | None = None) -> list[Result]:
    suite = Scenarios(policy, generated, jsonata, audit)
    results = []
    for label, method in SCENARIOS:
        if only and label.split(" ", 1)[1] not in only and label.split(" ", 1)[0] not in only:
            continue
        check = Check()
        started = time.monotonic()
        try:
            not_applicable = getattr(suite, method)(check)
        except Exception as error:  # a crash in a scenario is a failed scenario, with its cause
            import traceback

            check.problems.append(f"{type(error).__name__}: {error}\n{traceback.format_exc(limit=6)}")
            not_applicable = None
        seconds = time.monotonic() - started
        if check.problems:
            results.append(Result(label, "failed", "; ".join(check.problems), seconds))
        elif not_applicable:
            results.append(Result(label, "n/a", not_applicable, seconds))
        else:
            results.append(Result(label, "passed", "; ".join(check.notes), seconds))
    return results
