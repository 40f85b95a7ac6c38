"""Serve one built policy's hub over HTTP on 127.0.0.1, for the real `patchform rollout` binary.

    python -m rollout_harness serve --case POLICY.yaml=GENERATED_DIR [--real-seconds-per-hour 1]
        [--node-seconds N] [--request-log FILE]

The same world the scenarios run in (moto's Step Functions with the harness's patches, the
scripted SSM, Bedrock and Organizations, the virtual clock), plus moto's HTTP server on a free
loopback port sharing its backends, the hub stack with the outputs `patchform deploy` leaves
(DescribeStacks), and two IAM users whose keys give two identities (four-eyes tests).

Prints one JSON line when ready: {"endpoint", "region", "account", "stack", "users": {name:
{"access_key", "secret_key", "arn"}}}; then serves until stdin closes (the test ends) or SIGTERM.
With --request-log, every request over HTTP is logged (access key, IAM action), so a test can
check that the hub's approvers and operators policies allow every call the binary made.
Nothing answers approvals: the binary does. A Wait state takes `--real-seconds-per-hour` real
seconds per virtual hour, so waves and bakes last long enough for a command to act on them.
"""

from __future__ import annotations

import io
import json
import re
import sys
import threading
import urllib.parse
from pathlib import Path

USERS = ("alice", "bob")
# the hub stack's outputs the day-2 commands read, and the hub resources behind them
OUTPUTS = {
    "RolloutStateMachineArn": "RolloutStateMachine",
    "WaveStateMachineArn": "WaveStateMachine",
    "LogBucketName": "LogBucket",
    "AuditTableName": "AuditTable",
}


class _Recorder:
    """WSGI middleware: one JSON line per request (access key, service, IAM action) in `path`."""

    def __init__(self, app, path: Path) -> None:
        self.app = app
        self.path = path
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        credential = re.search(r"Credential=([^/]+)/[^/]+/[^/]+/([^/]+)/", environ.get("HTTP_AUTHORIZATION", ""))
        key, service = (credential.group(1), credential.group(2)) if credential else ("", "")
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if target:
            action = target.rsplit(".", 1)[-1]
        elif service == "s3":
            action = {"PUT": "PutObject", "GET": "GetObject", "HEAD": "GetObject", "DELETE": "DeleteObject"}.get(environ["REQUEST_METHOD"], environ["REQUEST_METHOD"])
        else:
            form = urllib.parse.parse_qs(environ.get("QUERY_STRING", "")) | urllib.parse.parse_qs(body.decode("utf-8", "replace"))
            action = (form.get("Action") or [""])[0]
        prefix = {"states": "states", "dynamodb": "dynamodb", "cloudformation": "cloudformation", "s3": "s3", "sts": "sts"}.get(service, service)
        with self.lock, self.path.open("a") as log:
            log.write(json.dumps({"access_key": key, "action": f"{prefix}:{action}", "path": environ.get("PATH_INFO", "")}) + "\n")
        return self.app(environ, start_response)


def serve(policy_file: Path, generated: Path, schema: Path, real_seconds_per_hour: float, node_seconds: int | None, request_log: Path | None = None) -> int:
    import boto3
    from moto.server import ThreadedMotoServer

    from . import fleet
    from . import policy as policy_module
    from .jsonata import Jsonata
    from .world import World

    import warnings

    # moto parses the placeholder resource of the hub stack without creating anything: fine here
    warnings.filterwarnings("ignore", message="Tried to parse AWS::CloudFormation::WaitConditionHandle")
    policy = policy_module.load(policy_file, schema)
    script = fleet.Script(waves={w.name: fleet.WaveScript(node_seconds=node_seconds) for w in policy.waves})
    jsonata = Jsonata()
    world = World(policy, generated, script, jsonata)
    world.runtime.real_seconds_per_hour = real_seconds_per_hour
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    if request_log is not None:
        from moto.moto_server import threaded_moto_server

        original = threaded_moto_server.DomainDispatcherApplication

        def recorded(create_app):
            return _Recorder(original(create_app), request_log)

        threaded_moto_server.DomainDispatcherApplication = recorded  # type: ignore[assignment]
    server.start()
    try:
        host, port = server.get_host_and_port()
        manifest = json.loads((generated / "manifest.json").read_text())
        stack = manifest["hub"]["stack_name"]
        outputs = {}
        for output, logical in OUTPUTS.items():
            if logical in world.hub.physical:
                value = world.hub.arns.get(logical, world.hub.physical[logical]) if output.endswith("Arn") else world.hub.physical[logical]
                outputs[output] = {"Value": value}
        template = {
            "Resources": {"Hub": {"Type": "AWS::CloudFormation::WaitConditionHandle"}},
            "Outputs": outputs,
        }
        region = policy.hub_region
        boto3.client("cloudformation", region_name=region).create_stack(StackName=stack, TemplateBody=json.dumps(template))
        iam = boto3.client("iam", region_name=region)
        users = {}
        for name in USERS:
            arn = iam.create_user(UserName=name)["User"]["Arn"]
            key = iam.create_access_key(UserName=name)["AccessKey"]
            users[name] = {"access_key": key["AccessKeyId"], "secret_key": key["SecretAccessKey"], "arn": arn}
        ready = {
            "endpoint": f"http://{host}:{port}",
            "region": region,
            "account": policy.hub_account,
            "stack": stack,
            "users": users,
        }
        print(json.dumps(ready), flush=True)
        # serve until the test closes our stdin
        for _ in sys.stdin:
            pass
        return 0
    finally:
        server.stop()
        world.close()
        jsonata.close()
