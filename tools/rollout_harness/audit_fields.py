"""The audit item fields docs/rollouts.md promises, read from its tables, checked against real rows."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_HEADING = re.compile(r"^### (Rollout|Wave|Approval|Failure) item")
_ROW = re.compile(r"^\|\s*`([A-Za-z]+)`\s*\|\s*(S|N|BOOL)\s*\|\s*([^|]+?)\s*\|")
_PYTHON_TYPE = {"S": str, "N": (int, float), "BOOL": bool}


@dataclass
class Field:
    name: str
    kind: str
    # "always", "ended", "optional", or the statuses (space-separated) whose items carry it
    present: str


class AuditFields:
    def __init__(self, items: dict[str, list[Field]]):
        self.items = items

    @classmethod
    def read(cls, doc: Path) -> "AuditFields":
        items: dict[str, list[Field]] = {}
        current = None
        for line in doc.read_text().splitlines():
            heading = _HEADING.match(line)
            if heading:
                current = heading.group(1).lower()
                items[current] = []
                continue
            if line.startswith("#"):
                current = None
                continue
            row = _ROW.match(line)
            if current and row:
                items[current].append(Field(row.group(1), row.group(2), row.group(3)))
        for kind in ("rollout", "wave", "approval", "failure"):
            if not items.get(kind):
                raise ValueError(f"{doc} has no `### {kind.title()} item` table of audit fields")
        return cls(items)

    def check(self, check, kind: str, row: dict) -> None:
        status = str(row.get("status", ""))
        ended = status not in ("STARTED", "")
        for field in self.items[kind]:
            if field.present == "optional":
                continue
            if field.present == "always":
                wanted = True
            elif field.present == "ended":
                wanted = ended
            else:
                wanted = status in field.present.split()
            if not wanted:
                continue
            label = f"{kind} item {row.get('sk')}"
            if check.expect(field.name in row, f"{label} lacks `{field.name}`, which docs/rollouts.md promises"):
                value = row[field.name]
                if field.kind == "BOOL":
                    typed = isinstance(value, bool)
                else:
                    typed = isinstance(value, _PYTHON_TYPE[field.kind]) and not isinstance(value, bool)
                check.expect(typed, f"{label}: `{field.name}` is {type(value).__name__}, docs/rollouts.md says {field.kind}")
        documented = {f.name for f in self.items[kind]}
        extra = sorted(set(row) - documented)
        check.expect(not extra, f"{kind} item {row.get('sk')} carries undocumented fields {extra}")
