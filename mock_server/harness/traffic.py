"""`ingram-mock traffic compare DIR --base-url URL`: replay recorded traffic, compare shapes.

DIR holds the exchanges `ingram-mock proxy --record DIR` saved (redacted). They are replayed
against another server in recorded order. Identifiers the recorded server assigned (order
numbers, confirmation numbers) are mapped to the ones the new server assigns as its answers
come in, so a recorded create -> modify -> cancel replays as the lifecycle of the new order.
Token calls are not replayed (their secrets were never recorded): the replay gets its own
token as `contract-test` does (`--token`, or `--client-id/--client-secret`) and sends it on
every other call. Each answer is compared with the recorded one by shape: status, and field
by field missing or extra fields and JSON types (values are expected to differ). Exit 1 when
any exchange differs.
"""

from __future__ import annotations

import http.client
import json
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import click

from mock_server.config.values import CLI_CONTEXT

_IDENTIFIERS = ("ingramOrderNumber", "orderNumber", "confirmationNumber")
_TOKEN_PATH = "/oauth/"
_REDACTED = "[redacted]"
_DROPPED = frozenset({"authorization", "host", "content-length", "connection"})


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object" if isinstance(value, dict) else "other"


def shape_differences(recorded: Any, replayed: Any, where: str = "body") -> list[str]:
    """Where `replayed` differs in shape from `recorded`: missing/extra fields, types."""
    if _kind(recorded) != _kind(replayed):
        return [f"{where}: {_kind(recorded)} recorded, {_kind(replayed)} now"]
    found: list[str] = []
    if isinstance(recorded, dict):
        for key in recorded:
            if key not in replayed:
                found.append(f"{where}.{key}: missing now")
            else:
                found += shape_differences(recorded[key], replayed[key], f"{where}.{key}")
        found += [f"{where}.{key}: extra now" for key in replayed if key not in recorded]
    elif isinstance(recorded, list) and recorded and replayed:
        found += shape_differences(recorded[0], replayed[0], f"{where}[0]")
    return found


def _identifiers(value: Any, where: str = "") -> dict[str, str]:
    found: dict[str, str] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            if key in _IDENTIFIERS and isinstance(item, str):
                found[f"{where}.{key}"] = item
            else:
                found.update(_identifiers(item, f"{where}.{key}"))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.update(_identifiers(item, f"{where}[{index}]"))
    return found


def _swap(value: Any, mapping: dict[str, str]) -> Any:
    if isinstance(value, str):
        for old, new in mapping.items():
            value = value.replace(old, new)
        return value
    if isinstance(value, dict):
        return {k: _swap(v, mapping) for k, v in value.items()}
    if isinstance(value, list):
        return [_swap(v, mapping) for v in value]
    return value


class Replay:
    def __init__(self, base_url: str, token: str, timeout: float = 30.0) -> None:
        parts = urlsplit(base_url.rstrip("/"))
        self.scheme, self.netloc, self.root = parts.scheme, parts.netloc, parts.path
        self.token = token
        self.timeout = timeout
        self.mapping: dict[str, str] = {}  # recorded identifier -> the new server's

    def send(self, request: dict[str, Any]) -> tuple[int, Any]:
        kind = http.client.HTTPSConnection if self.scheme == "https" else http.client.HTTPConnection
        connection = kind(self.netloc, timeout=self.timeout)
        headers = {
            k: _swap(v, self.mapping)
            for k, v in (request.get("headers") or {}).items()
            if k.lower() not in _DROPPED
        }
        headers["Authorization"] = f"Bearer {self.token}"
        path = _swap(request["path"], self.mapping)
        query = _swap(request.get("query") or "", self.mapping)
        body = request.get("body")
        data = None if body is None else json.dumps(_swap(body, self.mapping)).encode()
        try:
            connection.request(
                request["method"],
                self.root + path + ("?" + query if query else ""),
                body=data,
                headers=headers,
            )
            answer = connection.getresponse()
            raw = answer.read()
        finally:
            connection.close()
        try:
            return answer.status, json.loads(raw) if raw else None
        except ValueError:
            return answer.status, raw.decode("utf-8", "replace")

    def learn(self, recorded: Any, replayed: Any) -> None:
        new = _identifiers(replayed)
        for where, old in _identifiers(recorded).items():
            if where in new and old != new[where]:
                self.mapping[old] = new[where]


def compare(directory: Path, replay: Replay) -> list[str]:
    """Replay every exchange in `directory`, in order; returns the lines of differences."""
    report: list[str] = []
    for file in sorted(directory.glob("*.json")):
        exchange = json.loads(file.read_text(encoding="utf-8"))
        request, recorded = exchange["request"], exchange["response"]
        if request["path"].startswith(_TOKEN_PATH) or "/oauth/" in request["path"]:
            continue
        status, body = replay.send(request)
        label = f"{file.name} {request['method']} {request['path']}"
        differences: list[str] = []
        if status != recorded["status"]:
            differences.append(f"status: {recorded['status']} recorded, {status} now")
        differences += shape_differences(recorded.get("body"), body)
        replay.learn(recorded.get("body"), body)
        report += [f"{label}: {difference}" for difference in differences]
    return report


@click.group(
    "traffic",
    context_settings=CLI_CONTEXT,
    short_help="replay traffic recorded by `ingram-mock proxy`",
)
def group() -> None:
    """Replay traffic recorded by `ingram-mock proxy --record`."""


@group.command("compare", context_settings=CLI_CONTEXT)
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--base-url", required=True, help="the server to replay against")
@click.option("--token", default=None, help="bearer token to send")
@click.option("--client-id", default=None, help="client id for the token call")
@click.option("--client-secret", default=None, help="client secret for the token call")
@click.option("--token-url", default=None, help="token endpoint (default under BASE_URL)")
def compare_command(**params: Any) -> int:
    """Replay the exchanges in DIRECTORY (written by proxy --record) against a server, in
    order, and compare each answer's shape with the recorded one. Exits 1 on a difference."""
    if params["token"] and params["client_id"]:
        raise click.UsageError("give --token or --client-id, not both")
    return run(SimpleNamespace(**params))


def run(args: SimpleNamespace) -> int:
    from mock_server.harness.suite import token_for
    from mock_server.harness.target import fault_warning

    if not args.directory.is_dir():
        print(f"traffic compare: no directory {args.directory}", file=sys.stderr)
        return 2
    try:
        token = token_for(args)
    except RuntimeError as error:
        print(f"traffic compare: {error}", file=sys.stderr)
        return 2
    warning = fault_warning(args.base_url)
    if warning:
        print(warning, flush=True)
    try:
        report = compare(args.directory, Replay(args.base_url, token))
    except (OSError, http.client.HTTPException) as error:
        print(f"traffic compare: {args.base_url} unreachable: {error}", file=sys.stderr)
        return 2
    if not report:
        print("traffic compare: every answer has the recorded shape", flush=True)
        return 0
    print(f"traffic compare: {len(report)} difference(s) in shape:", flush=True)
    for line in report:
        print(f"  {line}", flush=True)
    return 1
