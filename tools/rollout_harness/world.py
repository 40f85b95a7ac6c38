"""One rollout run: moto (Step Functions, DynamoDB, S3, SNS, SQS), the scripted SSM and Bedrock, the
virtual clock, the hub stack from the generated files, and a driver that answers approvals."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import fleet, moto_patches
from .clock import VirtualClock
from .fake_bedrock import FakeBedrock
from .fake_organizations import FakeOrganizations
from .fake_ssm import FakeSsm
from .jsonata import Jsonata
from .policy import Policy
from .stack import Hub, HubBuilder, custom_documents, resource_groups

# The instant every scenario's rollout starts: a Saturday night in winter (CET), 01:00 UTC.
ROLLOUT_START = dt.datetime(2026, 12, 12, 1, 0, 0, tzinfo=dt.timezone.utc)
# Real seconds a scenario may take before the driver gives up (a hang is a failure, not a wait).
REAL_TIME_LIMIT = 60.0
# Real seconds between two rounds of the driver (drain the topics, answer approvals). The clock
# stands still while an approval waits, so this changes no virtual time; shorter only takes the
# interpreter from the state machine's threads.
DRIVER_PERIOD = 0.25
_TOKEN = re.compile(r"--task-token (\S+)")


@dataclass
class ApprovalRequest:
    wave: str
    token: str
    subject: str
    message: str
    at_ms: int
    # approver e-mail -> whether that approver's subscription received it
    delivered_to: dict[str, bool] = field(default_factory=dict)


@dataclass
class Decision:
    """How the driver answers one approval request."""

    kind: str  # approve | reject | ignore
    after_seconds: int = 900
    reason: str = ""
    # the error a rejection sends (`patchform rollout stop` answers a pending approval RolloutStopped)
    error: str = "Rejected"


@dataclass
class Outcome:
    status: str
    error: str | None
    cause: str | None
    output: dict | None
    start_ms: int
    end_ms: int


class World:
    def __init__(self, policy: Policy, generated: Path, script: fleet.Script, jsonata: Jsonata):
        # moto takes the account from the environment when a request arrives
        os.environ["MOTO_ACCOUNT_ID"] = policy.hub_account
        os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
        os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
        os.environ["AWS_DEFAULT_REGION"] = policy.hub_region
        # a request moto does not intercept goes to a closed loopback port, never to AWS
        os.environ["HTTPS_PROXY"] = os.environ["HTTP_PROXY"] = "http://127.0.0.1:9"
        os.environ.pop("AWS_ENDPOINT_URL", None)
        from moto import mock_aws

        self.policy = policy
        self.clock = VirtualClock(ROLLOUT_START)
        self.script = script
        self.bedrock = FakeBedrock(self.clock, policy.hub_region, script.analysis_text)
        self.ssm: FakeSsm | None = None
        self.organizations = FakeOrganizations(policy)
        self.runtime = moto_patches.Runtime(self.clock, jsonata, self._fake_client)
        moto_patches.install(self.runtime)
        self._mock = mock_aws(config={"stepfunctions": {"execute_state_machine": True}})
        self._mock.start()
        # the Command documents every account has: those the spoke creates, and those the policy
        # names as hooks by name (it declares they exist everywhere; validate warns about them)
        documents = custom_documents(generated / "spoke.template.yaml") | set(policy.hook_documents)
        self.hub: Hub = HubBuilder(generated / "hub.template.yaml", policy.hub_account, policy.hub_region, documents).build()
        self.ssm = FakeSsm(self.clock, policy, script, self.hub.runbooks, policy.hub_account)
        import boto3

        self.sfn = boto3.client("stepfunctions", region_name=policy.hub_region)
        self.sqs = boto3.client("sqs", region_name=policy.hub_region)
        self.dynamodb = boto3.client("dynamodb", region_name=policy.hub_region)
        self.s3 = boto3.client("s3", region_name=policy.hub_region)
        self._seen: set[str] = set()
        self.published: dict[str, list[dict]] = {}  # topic logical id -> messages (deduplicated)
        self.approvals: list[ApprovalRequest] = []
        self.waiting_before_timeout: bool | None = None
        self.execution_arn: str | None = None
        self._frozen: dict | None = None
        self.spoke_resource_groups = resource_groups(generated / "spoke.template.yaml")

    def _fake_client(self, service: str, region: str):
        if service == "ssm" and self.ssm is not None:
            return self.ssm.client(region)
        if service in ("bedrock", "bedrock-runtime"):
            return self.bedrock.client(region)
        if service == "organizations":
            return self.organizations.client(region)
        return None

    def close(self) -> None:
        """Keep what the run recorded, then stop moto (the next World starts from empty backends)."""
        if self._frozen is not None:
            return
        self._drain()
        frozen = {"audit": self.audit_rows(), "history": self.history() if self.execution_arn else [], "objects": {}}
        for key in self.keys():
            frozen["objects"][key] = self.object(key)
        self._frozen = frozen
        self._mock.stop()

    # --- what was published --------------------------------------------------------------------
    def _drain(self) -> None:
        for topic, queues in self.hub.topic_queues.items():
            for subscription, url in queues:
                while True:
                    got = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"])
                    messages = got.get("Messages", [])
                    if not messages:
                        break
                    for message in messages:
                        self.sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
                        envelope = json.loads(message["Body"])
                        envelope["_subscriber"] = subscription.get("Endpoint")
                        envelope["_at_ms"] = self.clock.now_ms()
                        self._record(topic, envelope)

    def _record(self, topic: str, envelope: dict) -> None:
        message_id = envelope["MessageId"]
        entries = self.published.setdefault(topic, [])
        existing = next((e for e in entries if e["MessageId"] == message_id), None)
        if existing is not None:
            existing["_subscribers"].append(envelope["_subscriber"])
            return
        envelope["_subscribers"] = [envelope["_subscriber"]]
        entries.append(envelope)
        if topic == "ApprovalTopic":
            wave = (envelope.get("MessageAttributes") or {}).get("wave", {}).get("Value", "")
            match = _TOKEN.search(envelope.get("Message", ""))
            self.approvals.append(
                ApprovalRequest(
                    wave=wave,
                    token=match.group(1) if match else "",
                    subject=envelope.get("Subject", ""),
                    message=envelope.get("Message", ""),
                    at_ms=envelope["_at_ms"],
                )
            )

    def messages(self, topic: str = "Topic") -> list[dict]:
        if self._frozen is None:
            self._drain()
        return self.published.get(topic, [])

    # --- running a rollout ---------------------------------------------------------------------
    def run(
        self,
        execution_input: dict,
        decide: Callable[[ApprovalRequest], Decision],
        on_tick: Callable[["World"], None] | None = None,
    ) -> Outcome:
        """Start the rollout and answer its approvals until it ends; `on_tick` (if any) looks at
        the world between the driver's rounds, as an operator at a terminal would."""
        start_ms = self.clock.now_ms()
        arn = self.sfn.start_execution(
            stateMachineArn=self.hub.physical["RolloutStateMachine"], input=json.dumps(execution_input)
        )["executionArn"]
        self.execution_arn = arn
        handled = 0
        deadline = time.monotonic() + REAL_TIME_LIMIT
        while True:
            described = self.sfn.describe_execution(executionArn=arn)
            if described["status"] != "RUNNING":
                break
            if time.monotonic() > deadline:
                self.sfn.stop_execution(executionArn=arn, error="Harness.Hang", cause="no progress")
                raise TimeoutError(f"the rollout did not finish within {REAL_TIME_LIMIT:.0f} real seconds")
            self._drain()
            if on_tick is not None:
                on_tick(self)
            while handled < len(self.approvals):
                request = self.approvals[handled]
                handled += 1
                if not request.token:
                    raise AssertionError(f"the approval request for wave {request.wave} carries no task token")
                decision = decide(request)
                if decision.kind == "timeout":
                    # one second short of the timeout the request must still be waiting
                    self.clock.advance(decision.after_seconds - 1)
                    time.sleep(0.2)
                    waiting = self.sfn.describe_execution(executionArn=arn)["status"] == "RUNNING"
                    self.waiting_before_timeout = waiting and not self._approval_ended()
                    self.clock.advance(2)
                    continue
                self.clock.advance(decision.after_seconds)
                if decision.kind == "approve":
                    self.sfn.send_task_success(taskToken=request.token, output="{}")
                elif decision.kind == "reject":
                    self.sfn.send_task_failure(taskToken=request.token, error=decision.error, cause=decision.reason)
                request.answered_ms = self.clock.now_ms()  # type: ignore[attr-defined]
            time.sleep(DRIVER_PERIOD)
        self._drain()
        output = json.loads(described["output"]) if described.get("output") else None
        return Outcome(
            status=described["status"],
            error=described.get("error"),
            cause=described.get("cause"),
            output=output,
            start_ms=start_ms,
            end_ms=self.clock.now_ms(),
        )

    def _approval_ended(self) -> bool:
        """Whether an approval task has timed out already."""
        return any(e["type"] == "TaskTimedOut" for e in self.history())

    # --- what was recorded ---------------------------------------------------------------------
    def audit_rows(self) -> list[dict]:
        if self._frozen is not None:
            return self._frozen["audit"]
        table = self.hub.physical["AuditTable"]
        rows, start = [], None
        while True:
            kwargs = {"TableName": table}
            if start:
                kwargs["ExclusiveStartKey"] = start
            page = self.dynamodb.scan(**kwargs)
            rows.extend(_plain(item) for item in page["Items"])
            start = page.get("LastEvaluatedKey")
            if not start:
                return sorted(rows, key=lambda r: (r["pk"], r["sk"]))

    def history(self, arn: str | None = None) -> list[dict]:
        if self._frozen is not None and arn is None:
            return self._frozen["history"]
        events, token = [], None
        while True:
            kwargs = {"executionArn": arn or self.execution_arn, "maxResults": 1000}
            if token:
                kwargs["nextToken"] = token
            page = self.sfn.get_execution_history(**kwargs)
            events.extend(page["events"])
            token = page.get("nextToken")
            if not token:
                return events

    def object(self, key: str) -> bytes | None:
        if self._frozen is not None:
            return self._frozen["objects"].get(key)
        bucket = self.hub.physical.get("LogBucket")
        if bucket is None:
            return None
        try:
            return self.s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        except self.s3.exceptions.NoSuchKey:
            return None

    def keys(self, prefix: str = "") -> list[str]:
        if self._frozen is not None:
            return [k for k in self._frozen["objects"] if k.startswith(prefix)]
        bucket = self.hub.physical.get("LogBucket")
        if bucket is None:
            return []
        listed = self.s3.list_objects_v2(Bucket=bucket, Prefix=prefix)
        return [o["Key"] for o in listed.get("Contents", [])]


def _plain(item: dict) -> dict:
    """A DynamoDB item as plain values."""

    def value(v: dict):
        (kind, inner), = v.items()
        if kind == "S":
            return inner
        if kind == "N":
            return float(inner) if "." in inner else int(inner)
        if kind == "BOOL":
            return inner
        if kind == "NULL":
            return None
        if kind == "L":
            return [value(x) for x in inner]
        if kind == "M":
            return {k: value(x) for k, x in inner.items()}
        if kind == "SS":
            return list(inner)
        return inner

    return {k: value(v) for k, v in item.items()}
