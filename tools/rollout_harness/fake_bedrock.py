"""Scripted Amazon Bedrock behind Step Functions' bedrock:invokeModel integration.

Validates the request against botocore's bedrock-runtime InvokeModel input (after taking off the
integration's own Input/Output fields) and the model family's request body, answers in that
family's response shape, and writes the answer to Output.S3Uri in moto's S3 when asked.
"""

from __future__ import annotations

import json
import threading
import uuid
from dataclasses import dataclass
from typing import Any

import boto3
import botocore.session
from botocore.config import Config
from botocore.validate import validate_parameters

_MODEL = botocore.session.get_session().get_service_model("bedrock-runtime")


@dataclass
class Invocation:
    at_ms: int
    model_id: str
    body: dict
    output_uri: str | None
    answer: dict


def _anthropic(body: dict) -> list[str]:
    problems = []
    if body.get("anthropic_version") != "bedrock-2023-05-31":
        problems.append("anthropic_version must be bedrock-2023-05-31")
    if not isinstance(body.get("max_tokens"), int):
        problems.append("max_tokens (an integer) is required")
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages or messages[0].get("role") != "user":
        problems.append("messages must start with a user message")
    return problems


def _nova(body: dict) -> list[str]:
    problems = []
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        problems.append("messages is required")
    else:
        for message in messages:
            content = message.get("content")
            if not isinstance(content, list) or not all("text" in c for c in content):
                problems.append("each message's content is a list of {text}")
    config = body.get("inferenceConfig", {})
    if "max_new_tokens" in config and not isinstance(config["max_new_tokens"], int):
        problems.append("inferenceConfig.max_new_tokens must be an integer")
    return problems


def family(model_id: str) -> str:
    """anthropic or nova, from a model id or inference profile id."""
    if "anthropic." in model_id:
        return "anthropic"
    if "amazon.nova" in model_id:
        return "nova"
    return "unknown"


class FakeBedrock:
    def __init__(self, clock, region: str, text: str):
        self.clock = clock
        self.region = region
        self.text = text
        self.invocations: list[Invocation] = []
        self.errors: list[str] = []
        self._lock = threading.Lock()

    def client(self, region: str) -> "FakeBedrock":
        if region != self.region:
            self.errors.append(f"bedrock:invokeModel called in {region}, not the hub region {self.region}")
        return self

    def invoke_model(self, **params) -> dict:
        with self._lock:
            return self._invoke(params)

    def _invoke(self, params: dict) -> dict:
        params = dict(params)
        output = params.pop("Output", None)
        params.pop("Input", None)
        body = params.get("Body")
        if isinstance(body, (dict, list)):
            params["Body"] = json.dumps(body).encode()
        elif isinstance(body, str):
            params["Body"] = body.encode()
        shape = _MODEL.operation_model("InvokeModel").input_shape
        # the integration takes the API's member names capitalised (ModelId for modelId)
        members = {name.lower(): name for name in shape.members}
        api_params = {members.get(key.lower(), key): value for key, value in params.items()}
        try:
            validate_parameters(api_params, shape)
        except Exception as error:  # botocore's ParamValidationError
            self.errors.append(f"bedrock InvokeModel request: {error}")
            raise
        decoded = json.loads(params["Body"])
        kind = family(params["ModelId"])
        problems = {"anthropic": _anthropic, "nova": _nova}.get(kind, lambda _: [f"no fake for model {params['ModelId']}"])(decoded)
        if problems:
            self.errors.append(f"bedrock request body for {params['ModelId']}: {'; '.join(problems)}")
            raise ValueError("; ".join(problems))
        prompt = json.dumps(decoded)
        text = f"{self.text} (analysed {len(prompt)} characters of failures)"
        if kind == "anthropic":
            answer = {
                "id": f"msg_{uuid.uuid4().hex[:24]}",
                "type": "message",
                "role": "assistant",
                "model": params["ModelId"],
                "content": [{"type": "text", "text": text}],
                "stop_reason": "end_turn",
                "stop_sequence": None,
                "usage": {"input_tokens": len(prompt) // 4, "output_tokens": len(text) // 4},
            }
        else:
            answer = {
                "output": {"message": {"role": "assistant", "content": [{"text": text}]}},
                "stopReason": "end_turn",
                "usage": {"inputTokens": len(prompt) // 4, "outputTokens": len(text) // 4, "totalTokens": (len(prompt) + len(text)) // 4},
            }
        uri = output.get("S3Uri") if isinstance(output, dict) else None
        self.invocations.append(Invocation(self.clock.now_ms(), params["ModelId"], decoded, uri, answer))
        if uri:
            bucket, _, key = uri.removeprefix("s3://").partition("/")
            s3 = boto3.client("s3", region_name=self.region, config=Config(parameter_validation=True))
            s3.put_object(Bucket=bucket, Key=key, Body=json.dumps(answer).encode())
            return {"Body": {}, "ContentType": "application/json"}
        return {"Body": answer, "ContentType": "application/json"}
