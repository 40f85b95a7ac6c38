"""Every `{% %}` expression of the generated state machines, compiled by jsonata 2.0.6."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, inner in value.items():
            yield from _strings(inner, f"{path}.{key}")
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _strings(inner, f"{path}[{index}]")


def expressions(definition: dict) -> Iterator[tuple[str, str]]:
    """(where, expression) for every JSONata string in a definition."""
    for where, text in _strings(definition.get("States", {}), "States"):
        stripped = text.strip()
        if stripped.startswith("{%") and stripped.endswith("%}"):
            yield where, stripped[2:-2].strip()


def compile_all(generated: Path, jsonata) -> tuple[int, list[str]]:
    """How many expressions the state machines under `generated` hold, and those jsonata rejects."""
    machines = sorted(generated.glob("*.asl.json"))
    if not machines:
        return 0, [f"no *.asl.json state machine in {generated}"]
    count, errors = 0, []
    for machine in machines:
        for where, expression in expressions(json.loads(machine.read_text())):
            count += 1
            error = jsonata.compile(expression)
            if error is not None:
                errors.append(f"{machine.name} {where}: {error.code} {error.message} in `{expression[:160]}`")
    return count, errors
