"""The JSONata reference implementation (npm jsonata@2.0.6) as a long-lived node child process."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Any

TOOLS = Path(__file__).resolve().parent.parent
SCRIPT = TOOLS / "node" / "jsonata-eval.js"
PINNED_VERSION = "2.0.6"


class JsonataError(Exception):
    """An expression that jsonata rejects (syntax) or that fails while evaluating."""

    def __init__(self, code: str, message: str, position: int | None = None):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.position = position


class Undefined:
    """JSONata's `undefined` (no value), distinct from JSON null."""

    def __repr__(self) -> str:
        return "undefined"


UNDEFINED = Undefined()


def installed_version() -> str:
    """The jsonata version installed under tools/node, or raise with the set-up command."""
    package = TOOLS / "node" / "node_modules" / "jsonata" / "package.json"
    if not package.is_file():
        raise RuntimeError(
            f"jsonata is not installed at {package.parent}: run scripts/setup-tools.sh "
            "(it runs `npm ci` in tools/node)"
        )
    version = json.loads(package.read_text())["version"]
    if version != PINNED_VERSION:
        raise RuntimeError(
            f"jsonata {version} is installed, the harness needs {PINNED_VERSION} "
            "(the version Step Functions runs): run scripts/setup-tools.sh"
        )
    return version


class Jsonata:
    """Evaluate and compile expressions; thread-safe (one request at a time on the pipe)."""

    def __init__(self) -> None:
        installed_version()
        node = shutil.which("node")
        if node is None:
            raise RuntimeError("node is not on PATH: the JSONata reference implementation runs on Node.js")
        self._process = subprocess.Popen(
            [node, str(SCRIPT)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            bufsize=1,
            cwd=TOOLS / "node",
            env={**os.environ, "NODE_PATH": str(TOOLS / "node" / "node_modules")},
        )
        self._lock = threading.Lock()
        self.evaluations = 0

    def _ask(self, request: dict, bindings_json: str | None = None) -> dict:
        line = json.dumps(request, separators=(",", ":"))
        if bindings_json is not None:
            # the bindings arrive already encoded (moto's encoder writes its datetimes)
            line = line[:-1] + ',"bindings":' + bindings_json + "}"
        line += "\n"
        with self._lock:
            assert self._process.stdin is not None and self._process.stdout is not None
            self._process.stdin.write(line)
            self._process.stdin.flush()
            reply = self._process.stdout.readline()
        if not reply:
            stderr = self._process.stderr.read() if self._process.stderr else ""
            raise RuntimeError(f"the jsonata process stopped: {stderr}")
        return json.loads(reply)

    def evaluate(
        self, expression: str, now_ms: int | None = None, data: Any = None, bindings_json: str | None = None
    ) -> Any:
        """The value, UNDEFINED, or raise JsonataError. `bindings_json` is a JSON object of
        variables (`{"states": ...}` binds `$states`)."""
        request: dict = {"op": "eval", "expr": expression}
        if now_ms is not None:
            request["now"] = now_ms
        if data is not None:
            request["input"] = data
        self.evaluations += 1
        reply = self._ask(request, bindings_json)
        if not reply["ok"]:
            raise JsonataError(reply["code"], reply["message"], reply.get("position"))
        return UNDEFINED if reply.get("undefined") else reply["value"]

    def compile(self, expression: str) -> JsonataError | None:
        """None when jsonata parses the expression, else the error."""
        reply = self._ask({"op": "compile", "expr": expression})
        if reply["ok"]:
            return None
        return JsonataError(reply["code"], reply["message"], reply.get("position"))

    def close(self) -> None:
        if self._process.poll() is None:
            self._process.stdin.close()  # type: ignore[union-attr]
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
