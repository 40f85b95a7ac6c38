"""Command line: run the rollout scenarios on built policies, or compile their JSONata expressions.

    python -m rollout_harness check --case POLICY.yaml=GENERATED_DIR [...] [--jobs N] [--only NAME]
    python -m rollout_harness jsonata GENERATED_DIR [...]
    python -m rollout_harness serve --case POLICY.yaml=GENERATED_DIR [--real-seconds-per-hour S] [--node-seconds N] [--request-log FILE]

`check` prints one line per policy and scenario (passed / FAILED with the reason / n/a with why)
and exits 1 when any scenario failed, 2 when the harness itself cannot run.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _quiet() -> None:
    # moto logs every unsupported integration and every caught failure; the scenarios report
    # what matters
    logging.basicConfig(level=logging.CRITICAL)
    for name in ("moto", "botocore", "boto3", "urllib3", "werkzeug"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def _check_one(args: tuple[str, str, list[str] | None, str]) -> list[tuple[str, str]]:
    """(status, line) per scenario of one policy."""
    policy_file, generated, only, schema = args
    _quiet()
    try:
        return _scenarios_of(policy_file, generated, only, schema)
    except Exception as error:  # the harness itself broke on this policy: say so, on its line
        import traceback

        return [("failed", f"{policy_file}: the harness could not run: {type(error).__name__}: {error}\n{traceback.format_exc(limit=8)}")]


def _scenarios_of(policy_file: str, generated: str, only: list[str] | None, schema: str) -> list[tuple[str, str]]:
    from rollout_harness import expressions, policy as policy_module, scenarios
    from rollout_harness.audit_fields import AuditFields
    from rollout_harness.jsonata import Jsonata

    generated_dir = Path(generated)
    jsonata = Jsonata()
    try:
        policy = policy_module.load(Path(policy_file), Path(schema))
        audit = AuditFields.read(ROOT / "docs" / "rollouts.md")
        lines = []
        started = time.monotonic()
        compiled, errors = expressions.compile_all(generated_dir, jsonata)
        label = "0 expressions-compile"
        if errors:
            lines.append(("failed", f"{policy.name}: {label:<30} FAILED  " + "; ".join(errors)))
        else:
            lines.append(("passed", f"{policy.name}: {label:<30} passed  {compiled} JSONata expressions compiled by jsonata 2.0.6 ({time.monotonic() - started:.1f}s)"))
        for result in scenarios.run_all(policy, generated_dir, jsonata, audit, set(only) if only else None):
            word = {"passed": "passed", "failed": "FAILED", "n/a": "n/a   "}[result.status]
            lines.append((result.status, f"{policy.name}: {result.scenario:<30} {word}  {result.detail} ({result.seconds:.1f}s)"))
        return lines
    finally:
        jsonata.close()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="rollout_harness")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="run the rollout scenarios")
    check.add_argument("--case", action="append", required=True, help="POLICY.yaml=GENERATED_DIR")
    check.add_argument("--jobs", type=int, default=1)
    check.add_argument("--only", action="append", help="a scenario name or number (repeatable)")
    check.add_argument("--schema", default=str(ROOT / "schema" / "policy.schema.json"), help="the policy JSON Schema (its defaults)")
    serve = commands.add_parser("serve", help="serve one built policy's hub on 127.0.0.1 for the patchform binary (see serve.py)")
    serve.add_argument("--case", required=True, help="POLICY.yaml=GENERATED_DIR")
    serve.add_argument("--real-seconds-per-hour", type=float, default=1.0, help="real seconds a Wait state takes per virtual hour")
    serve.add_argument("--node-seconds", type=int, default=None, help="how long an install takes on a node (virtual seconds)")
    serve.add_argument("--schema", default=str(ROOT / "schema" / "policy.schema.json"))
    serve.add_argument("--request-log", default=None, help="append one JSON line per HTTP request (access key, IAM action) to this file")
    compile_ = commands.add_parser("jsonata", help="compile every JSONata expression of generated state machines")
    compile_.add_argument("dirs", nargs="+")
    args = parser.parse_args(argv)

    if args.command == "serve":
        from .serve import serve as serve_hub

        _quiet()
        policy_file, sep, generated = args.case.partition("=")
        if not sep:
            parser.error(f"--case takes POLICY.yaml=GENERATED_DIR, got {args.case!r}")
        log = Path(args.request_log) if args.request_log else None
        return serve_hub(Path(policy_file), Path(generated), Path(args.schema), args.real_seconds_per_hour, args.node_seconds, log)

    if args.command == "jsonata":
        from . import expressions
        from .jsonata import Jsonata

        jsonata = Jsonata()
        failed = False
        for directory in args.dirs:
            count, errors = expressions.compile_all(Path(directory), jsonata)
            for error in errors:
                print(f"{directory}: {error}")
            failed |= bool(errors)
            print(f"{directory}: {count} expressions, {len(errors)} rejected")
        jsonata.close()
        return 1 if failed else 0

    cases = []
    for case in args.case:
        policy_file, sep, generated = case.partition("=")
        if not sep:
            parser.error(f"--case takes POLICY.yaml=GENERATED_DIR, got {case!r}")
        cases.append((policy_file, generated, args.only, args.schema))
    started = time.monotonic()
    if args.jobs > 1 and len(cases) > 1:
        with multiprocessing.get_context("spawn").Pool(min(args.jobs, len(cases))) as pool:
            outputs = pool.map(_check_one, cases, chunksize=1)
    else:
        outputs = [_check_one(case) for case in cases]
    counts = {"passed": 0, "failed": 0, "n/a": 0}
    for lines in outputs:
        for status, line in lines:
            print(line)
            counts[status] += 1
    print(f"rollout scenarios: {len(cases)} policies, {counts['n/a']} not applicable, {time.monotonic() - started:.1f}s")
    print(f"{counts['passed']} passed, {counts['failed']} failed")
    return 1 if counts["failed"] else 0

