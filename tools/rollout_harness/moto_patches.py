"""The gaps of moto 5.2.5's Step Functions engine, closed in this process (installed files untouched).

Written against moto 5.2.5 (`moto/stepfunctions/parser/`, a port of LocalStack's v2 interpreter);
install() refuses any other version. Each patch names the gap it closes, numbered as in
shared/runtime-harness.md.
"""

from __future__ import annotations

import copy
import datetime as _dt
import json
import threading
import time
import types
import uuid
from typing import Any, Callable

import botocore.session
from botocore.config import Config

import moto
from moto.stepfunctions import responses as sfn_responses
from moto.stepfunctions.parser import models as parser_models
from moto.stepfunctions.parser.asl.component.common.error_name.failure_event import (
    FailureEvent,
    FailureEventException,
)
from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name import (
    StatesErrorName,
)
from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name_type import (
    StatesErrorNameType,
)
from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl
from moto.stepfunctions.parser.asl.component.common.string import string_expression
from moto.stepfunctions.parser.asl.component.intrinsic import jsonata as intrinsic_jsonata
from moto.stepfunctions.parser.asl.component.state import state as state_module
from moto.stepfunctions.parser.asl.component.state.exec import execute_state
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
    state_task_service,
    state_task_service_aws_sdk,
    state_task_service_callback,
    state_task_service_dynamodb,
    state_task_service_sfn,
    state_task_service_sns,
    state_task_service_sqs,
    state_task_service_unsupported,
)
from moto.stepfunctions.parser.asl.component.state.wait.wait_function import wait_function
from moto.stepfunctions.parser.asl.eval import states as states_module
from moto.stepfunctions.parser.asl.eval import variable_store
from moto.stepfunctions.parser.asl.eval.callback import callback as callback_module
from moto.stepfunctions.parser.asl.eval.event import event_manager
from moto.stepfunctions.parser.asl.eval.event.event_detail import EventDetails
from moto.stepfunctions.parser.asl.jsonata import jsonata as moto_jsonata
from moto.stepfunctions.parser.asl.parse import asl_parser
from moto.stepfunctions.parser.asl.utils import encoding
from moto.stepfunctions.parser.backend import execution as execution_module
from moto.stepfunctions.parser.api import EvaluationFailedEventDetails, HistoryEventType
from moto.stepfunctions.parser.utils import camel_to_snake_case

from .clock import TICK_SECONDS, VirtualClock, aws_timestamp
from .jsonata import UNDEFINED, Jsonata, JsonataError

MOTO_VERSION = "5.2.5"


class Runtime:
    """What the patches call into: the clock, the evaluator and the scripted services."""

    def __init__(
        self,
        clock: VirtualClock,
        jsonata: Jsonata,
        fake_client: Callable[[str, str], Any | None],
    ) -> None:
        self.clock = clock
        self.jsonata = jsonata
        # (service, region) -> a fake client, or None for moto's own
        self.fake_client = fake_client
        # every JSONata evaluation error, for the report (the state machine may catch them)
        self.jsonata_errors: list[str] = []
        # real seconds a Wait state takes per virtual hour it waits (serve mode: waves and bakes
        # last long enough for a person, or a test, at a terminal to act on them); the virtual
        # time it skips does not depend on it
        self.real_seconds_per_hour: float = 0.0


_runtime: Runtime | None = None


def runtime() -> Runtime:
    if _runtime is None:
        raise RuntimeError("rollout_harness.moto_patches.install() was not called")
    return _runtime


# --- gap 1: no JSONata evaluator (`_eval_jsonata = None`). Plug in jsonata@2.0.6 on node.
# moto splices every variable into the expression text as a declaration; the evaluator instead
# receives `$states` and the state machine's variables as bindings of the unchanged expression,
# which jsonata compiles once and evaluates as Step Functions does. An expression that yields
# undefined fails with States.QueryEvaluationError (moto's own check, kept); an evaluation error
# is States.QueryEvaluationError too (moto would make it States.Runtime).
def _eval_jsonata(expression: str) -> Any:
    rt = runtime()
    try:
        value = rt.jsonata.evaluate(expression, now_ms=rt.clock.now_ms())
    except JsonataError as error:
        rt.jsonata_errors.append(f"{error.code}: {error.message}")
        raise
    return None if value is UNDEFINED else value


def _evaluation_failed(env, expression: str, cause: str) -> FailureEventException:
    name = StatesErrorName(typ=StatesErrorNameType.StatesQueryEvaluationError)
    details = EventDetails(
        evaluationFailedEventDetails=EvaluationFailedEventDetails(error=name.error_name, cause=cause)
    )
    env.event_manager.add_event(
        context=env.event_history_context,
        event_type=HistoryEventType.EvaluationFailed,
        event_details=details,
    )
    return FailureEventException(
        failure_event=FailureEvent(
            env=env, error_name=name, event_type=HistoryEventType.EvaluationFailed, event_details=details
        )
    )


def _string_jsonata_eval_body(self, env) -> None:
    rt = runtime()
    references = moto_jsonata.extract_jsonata_variable_references(self.expression)
    functions = intrinsic_jsonata.get_intrinsic_functions_declarations(references)
    expression = f"({functions}{self.expression})" if functions else self.expression
    store = env.variable_store
    # VariableStore keeps the enclosing scopes' variables and this scope's apart (moto 5.2.5)
    bindings = {**store._outer_scope, **store._inner_scope, "states": env.states._states_data}
    try:
        value = rt.jsonata.evaluate(
            expression, now_ms=rt.clock.now_ms(), bindings_json=encoding.to_json_str(bindings)
        )
    except JsonataError as error:
        rt.jsonata_errors.append(f"{error.code}: {error.message} in {self.expression}")
        raise _evaluation_failed(
            env,
            self.expression,
            f"An error occurred while evaluating the JSONata expression '{self.expression}': "
            f"{error.code}: {error.message}",
        ) from error
    if value is UNDEFINED:
        raise _evaluation_failed(
            env, self.expression, f"The JSONata expression '{self.expression}' returned nothing (undefined)."
        )
    env.stack.append(value)


# --- gap 2: variables spliced into the expression as f'"{v}"' without escaping. JSON-encode.
def _encode_jsonata_variable_declarations(bindings: dict[str, Any]) -> str:
    parts = []
    for reference, value in bindings.items():
        parts.append(f"{reference}:={encoding.to_json_str(value, separators=(',', ':'))};")
    return "".join(parts)


# --- gap 3: `_normalise_parameters` / `_normalise_response` are `pass`, so member casing is
# never mapped (KeyError 'StateMachineArn' on startExecution.sync:2). Map through the botocore
# shapes, as LocalStack does.
_SESSION = botocore.session.get_session()
_OPERATIONS: dict[tuple[str, str], Any] = {}


def _operation_model(service: str, action: str):
    key = (service, action)
    if key not in _OPERATIONS:
        model = _SESSION.get_service_model(service)
        found = None
        for name in model.operation_names:
            if camel_to_snake_case(name) == action:
                found = model.operation_model(name)
                break
        _OPERATIONS[key] = found
    return _OPERATIONS[key]


def _normalise_parameters(self, parameters, boto_service_name=None, service_action_name=None):
    service = self._get_boto_service_name(boto_service_name=boto_service_name)
    action = self._get_boto_service_action(service_action_name=service_action_name)
    operation = _operation_model(service, action)
    if operation is not None and operation.input_shape is not None:
        self._to_boto_request(parameters, operation.input_shape)


def _normalise_response(self, response, boto_service_name=None, service_action_name=None):
    service = self._get_boto_service_name(boto_service_name=boto_service_name)
    action = self._get_boto_service_action(service_action_name=service_action_name)
    operation = _operation_model(service, action)
    if operation is not None and operation.output_shape is not None:
        self._from_boto_response(response, operation.output_shape)


# --- gap 6: a string for a blob member (aws-sdk:s3:putObject Body) is JSON-encoded again, so the
# object holds "\"...\"". Step Functions sends the string's bytes as they are.
_original_to_boto_request_value = state_task_service.StateTaskService._to_boto_request_value


def _to_boto_request_value(self, request_value, value_shape):
    if value_shape.type_name == "blob" and isinstance(request_value, str):
        return request_value.encode("utf-8")
    return _original_to_boto_request_value(self, request_value, value_shape)


# --- gap 4: a child execution started without `Name` is named the string "None", so the second
# child fails with ExecutionAlreadyExists. Step Functions names it with a UUID.
_original_start_execution = parser_models.StepFunctionsParserBackend.start_execution


def _start_execution(self, state_machine_arn, name=None, execution_input=None, trace_header=None):
    return _original_start_execution(
        self, state_machine_arn, name or str(uuid.uuid4()), execution_input, trace_header
    )


# --- gap 5: the SendTaskFailure handler drops `cause`.
def _send_task_failure(self):
    self.stepfunction_backend.send_task_failure(
        self._get_param("taskToken"),
        error=self._get_param("error"),
        cause=self._get_param("cause"),
    )
    return sfn_responses.EmptyResult()


# --- gap 7: `$hash` and `$uuid` return the text "Function … is currently not supported". Drop
# moto's stand-ins; jsonata-eval.js does not define them either, so an expression that uses them
# fails loudly (T1006) instead of computing with a sentence. The generated machines use neither.
def _drop_unsupported_intrinsics() -> None:
    table = intrinsic_jsonata._DECLARATION_BY_VARIABLE_REFERENCE
    table.pop("$hash", None)
    table.pop("$uuid", None)


# --- gap 8: Wait states, retry intervals, task timeouts and callback timeouts are real time, and
# every timestamp is the wall clock. All of them follow the virtual clock.
class _VirtualEvent(threading.Event):
    def wait(self, timeout: float | None = None) -> bool:
        if timeout is None:
            return super().wait()
        clock = runtime().clock
        deadline = clock.now_ms() + int(round(timeout * 1000))
        while not super().wait(TICK_SECONDS):
            if clock.now_ms() >= deadline:
                return self.is_set()
        return True


# How often (real seconds) a parent asks moto whether its child execution ended (.sync:2):
# each ask is a DescribeExecution through botocore and moto, so a shorter period starves the
# child of CPU; the virtual time the parent sees does not depend on it.
SYNC_POLL_SECONDS = 0.02


def _wait_interval(self, env, wait_seconds: int) -> None:
    if wait_seconds > 0 and env.is_running():
        real = runtime().real_seconds_per_hour * wait_seconds / 3600
        until = time.monotonic() + real
        # StopExecution ends a Wait at once, as in Step Functions
        while env.is_running() and time.monotonic() < until:
            time.sleep(min(0.05, max(0.0, until - time.monotonic())))
        if not env.is_running():
            return
        runtime().clock.advance(wait_seconds)


class _VirtualDatetime(_dt.datetime):
    @classmethod
    def now(cls, tz=None):
        moment = runtime().clock.now()
        return moment if tz is not None else moment.replace(tzinfo=None)


_VIRTUAL_DATETIME_MODULE = types.SimpleNamespace(
    datetime=_VirtualDatetime,
    timezone=_dt.timezone,
    timedelta=_dt.timedelta,
    date=_dt.date,
)


class _AwsDateTimeEncoder(json.JSONEncoder):
    # Context times ($states.context.Execution.StartTime, State.EnteredTime) as Step Functions
    # writes them: 2026-12-12T01:00:00.000Z.
    def default(self, o):
        if isinstance(o, _dt.datetime) and o.tzinfo is not None:
            return aws_timestamp(o)
        if isinstance(o, (_dt.date, _dt.datetime)):
            return o.isoformat()
        return str(o)


# --- gap 9: no SSM Automation and no Bedrock runtime in moto. The aws-sdk task client lookup and
# the unsupported-service one are the seams: a scripted fake answers where the harness has one,
# moto answers the rest. Every client validates its requests against botocore's service model
# (moto's lookup turns validation off).
# moto builds a new botocore client (service model, endpoint rules) for every task; a client
# per service and region is built once here (botocore clients are thread-safe).
_CLIENTS: dict[tuple[str, str], Any] = {}
_CLIENTS_LOCK = threading.Lock()


def _boto_client_for(region: str, service: str, state_credentials: Any = None):
    fake = runtime().fake_client(service, region)
    if fake is not None:
        return fake
    import boto3

    with _CLIENTS_LOCK:
        if (service, region) not in _CLIENTS:
            _CLIENTS[(service, region)] = boto3.client(
                service_name=service,
                region_name=region,
                aws_access_key_id="ak",
                aws_secret_access_key="sk",
                config=Config(parameter_validation=True, retries={"max_attempts": 0, "total_max_attempts": 1}),
            )
        return _CLIENTS[(service, region)]


_SERVICE_MODULES = (
    state_task_service_aws_sdk,
    state_task_service_unsupported,
    state_task_service_sfn,
    state_task_service_sns,
    state_task_service_dynamodb,
    state_task_service_sqs,
)


# --- speed, not a gap: moto parses a definition with its ANTLR grammar at every execution start
# (~0.2-0.4 s for a wave machine); a copy of the first parse of the same text is the same program.
_PARSED: dict[str, tuple[Any, Any]] = {}
_original_parse = asl_parser.AmazonStateLanguageParser.parse


def _parse(definition: str):
    if definition not in _PARSED:
        _PARSED[definition] = _original_parse(definition)
    program, tree = _PARSED[definition]
    return copy.deepcopy(program), tree


def install(rt: Runtime) -> None:
    """Apply every patch, once per process."""
    global _runtime
    if moto.__version__ != MOTO_VERSION:
        raise RuntimeError(
            f"the rollout harness patches moto {MOTO_VERSION}; moto {moto.__version__} is installed "
            "(run scripts/setup-tools.sh)"
        )
    first = _runtime is None
    _runtime = rt
    if not first:
        return
    # gap 1
    moto_jsonata._eval_jsonata = _eval_jsonata
    string_expression.StringJSONata._eval_body = _string_jsonata_eval_body
    # gap 2
    for module in (moto_jsonata, states_module, variable_store):
        module.encode_jsonata_variable_declarations = _encode_jsonata_variable_declarations
    # gap 3
    state_task_service.StateTaskService._normalise_parameters = _normalise_parameters
    state_task_service.StateTaskService._normalise_response = _normalise_response
    # gap 4
    parser_models.StepFunctionsParserBackend.start_execution = _start_execution
    # gap 5
    sfn_responses.StepFunctionResponse.send_task_failure = _send_task_failure
    # gap 6
    state_task_service.StateTaskService._to_boto_request_value = _to_boto_request_value
    # gap 7
    _drop_unsupported_intrinsics()
    # gap 8
    wait_function.WaitFunction._wait_interval = _wait_interval
    retrier_decl.time = types.SimpleNamespace(sleep=lambda seconds: runtime().clock.advance(seconds))
    execute_state.threading = types.SimpleNamespace(Event=_VirtualEvent)
    callback_module.Event = _VirtualEvent
    state_task_service_callback._DELAY_SECONDS_SYNC_CONDITION_CHECK = SYNC_POLL_SECONDS
    event_manager.EventManager._get_current_timestamp = staticmethod(lambda: runtime().clock.now())
    for module in (state_module, execution_module, parser_models):
        module.datetime = _VIRTUAL_DATETIME_MODULE
    encoding._DateTimeEncoder = _AwsDateTimeEncoder
    asl_parser.AmazonStateLanguageParser.parse = staticmethod(_parse)
    # gap 9
    for module in _SERVICE_MODULES:
        module.boto_client_for = _boto_client_for
