"""The request journal as people read it: filters, and each entry as JSON with its bodies
decoded, its secrets masked and long bodies cut. All of it runs when the journal is read,
never while a request is answered (`journal.py` only keeps references).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode

import orjson

from mock_server.rehearsal.faults import OPERATIONS
from mock_server.rehearsal.journal import CUT_BYTES, Recorded

MASK = "***"
_SECRET_PARAMS = frozenset({"client_secret"})
# Request headers that carry credentials: the scheme of an Authorization stays visible.
_CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization"})
_SECRET_HEADERS = frozenset({"x-admin-token", "cookie"})
# Fields of a JSON (or form) body that are credentials: a token request's secret, and the
# token a token answer carries (the same token the masked Authorization headers send).
_SECRET_FIELDS = frozenset({"client_secret", "access_token", "refresh_token"})
_FILTERS = ("operation", "status", "customerNumber", "correlationId", "since", "limit", "order")
MAX_LIMIT = 1_000_000  # entries listed at most
MAX_ID = 2**63 - 1  # ids grow for the life of the process: a long load run passes millions


class InvalidQuery(ValueError):
    """A journal filter that cannot be used: `field` names the query parameter."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True)
class JournalQuery:
    """Which entries to list, and in which order."""

    operation: str | None = None
    status: int | None = None
    status_class: int | None = None  # 4 for `4xx`
    customer_number: str | None = None
    correlation_id: str | None = None
    since: int | None = None
    limit: int | None = None
    newest_first: bool = False

    @classmethod
    def parse(cls, args: Mapping[str, str]) -> JournalQuery:
        """From `GET /__admin/requests`'s query. Without any parameter the listing is the
        journal's original one, oldest first; with a filter or a limit it is newest first
        (`order=oldest|newest` says it outright). Raises InvalidQuery."""
        unknown = sorted(set(args) - set(_FILTERS))
        if unknown:
            raise InvalidQuery(unknown[0], f"unknown filter; use {', '.join(_FILTERS)}")
        operation = args.get("operation") or None
        if operation is not None and operation not in OPERATIONS:
            raise InvalidQuery("operation", f"operation is one of {', '.join(sorted(OPERATIONS))}")
        status, status_class = _status(args.get("status"))
        order = args.get("order", "newest" if args else "oldest")
        if order not in ("newest", "oldest"):
            raise InvalidQuery("order", "order is newest or oldest")
        return cls(
            operation=operation,
            status=status,
            status_class=status_class,
            customer_number=args.get("customerNumber") or None,
            correlation_id=args.get("correlationId") or None,
            since=_whole(args, "since", 0, MAX_ID),
            limit=_whole(args, "limit", 1),
            newest_first=order == "newest",
        )

    def select(self, entries: Sequence[Recorded]) -> list[Recorded]:
        """The entries (oldest first, as the journal keeps them) this query lists."""
        chosen = [e for e in entries if self._keeps(e)]
        if self.newest_first:
            chosen.reverse()
        return chosen[: self.limit] if self.limit is not None else chosen

    def _keeps(self, entry: Recorded) -> bool:
        if self.since is not None and entry.id <= self.since:
            return False
        if self.operation is not None and entry.operation_id != self.operation:
            return False
        if self.status is not None and entry.status != self.status:
            return False
        if self.status_class is not None and entry.status // 100 != self.status_class:
            return False
        if self.customer_number is not None and entry.customer_number != self.customer_number:
            return False
        return self.correlation_id is None or entry.correlation_id == self.correlation_id


def _status(raw: str | None) -> tuple[int | None, int | None]:
    if not raw:
        return None, None
    if len(raw) == 3 and raw[0] in "12345" and raw[1:].lower() == "xx":
        return None, int(raw[0])
    if raw.isdigit() and 100 <= int(raw) <= 599:
        return int(raw), None
    raise InvalidQuery("status", "status is a status code (404) or a class (4xx)")


def _whole(args: Mapping[str, str], name: str, low: int, high: int = MAX_LIMIT) -> int | None:
    raw = args.get(name)
    if raw is None or raw == "":
        return None
    if not raw.isdigit() or len(raw) > 19 or not low <= int(raw) <= high:
        raise InvalidQuery(name, f"{name} is a whole number from {low} to {high}")
    return int(raw)


def mask_secrets(query: str) -> str:
    """The query string with client secrets replaced by `***`."""
    pairs = parse_qsl(query, keep_blank_values=True)
    if not any(name in _SECRET_PARAMS for name, _ in pairs):
        return query
    return urlencode([(n, "***" if n in _SECRET_PARAMS else v) for n, v in pairs], safe="*")


# -- one entry as JSON ---------------------------------------------------------------------


def entry_json(entry: Recorded, *, bodies: bool = True) -> dict[str, Any]:
    """An entry as `/__admin/requests` shows it. Its first keys are the journal's original
    ones (snake_case, kept for existing readers); the rest are camelCase like the rest of
    /__admin. `bodies=False` (the journal's bodies were off) leaves `body` out."""
    masked_query = mask_secrets(entry.query) if entry.query else ""
    return {
        "at": _iso(datetime.fromtimestamp(entry.wall, UTC)),
        "method": entry.method,
        "path": f"{entry.path}?{masked_query}" if masked_query else entry.path,
        "status": entry.status,
        "correlation_id": entry.correlation_id,
        "customer_number": entry.customer_number,
        "duration_ms": round(entry.seconds * 1000, 3),
        "id": entry.id,
        "wallTime": _iso(datetime.fromtimestamp(entry.wall, UTC)),
        "mockTime": _iso(entry.mock) if entry.mock is not None else None,
        "operationId": entry.operation_id or None,
        "request": {
            "path": entry.path,
            "query": _query(masked_query),
            "headers": _request_headers(entry.request_headers),
            **_body(
                entry.request_body,
                entry.request_bytes,
                entry.request_headers.get("content-type", ""),
                bodies,
            ),
        },
        "response": {
            "status": entry.status,
            "headers": _joined(entry.response_headers),
            **_body(
                entry.response_body,
                entry.response_bytes,
                _header(entry.response_headers, "content-type"),
                bodies,
            ),
        },
        "fault": entry.fault or None,
        "override": entry.override or None,
        "violations": [
            {
                "location": v.location,
                "field": v.field,
                "message": v.message,
                "value": v.value,
                "kind": v.kind,
                "refused": refused,
            }
            for v, refused in entry.violations
        ],
        "warnings": list(entry.warnings),
    }


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _query(masked: str) -> dict[str, str | list[str]]:
    """Name -> value; a name sent more than once -> its values in order."""
    shown: dict[str, str | list[str]] = {}
    for name, value in parse_qsl(masked, keep_blank_values=True):
        if name not in shown:
            shown[name] = value
        else:
            before = shown[name]
            shown[name] = [*before, value] if isinstance(before, list) else [before, value]
    return shown


def _request_headers(headers: Mapping[str, str]) -> dict[str, str]:
    shown = {}
    for name, value in headers.items():
        if name in _CREDENTIAL_HEADERS:
            scheme, _, credentials = value.partition(" ")
            value = f"{scheme} {MASK}" if credentials else MASK
        elif name in _SECRET_HEADERS:
            value = MASK
        shown[name] = value
    return shown


def _joined(headers: Sequence[tuple[str, str]]) -> dict[str, str]:
    shown: dict[str, str] = {}
    for name, value in headers:
        shown[name] = f"{shown[name]}, {value}" if name in shown else value
    return shown


def _header(headers: Sequence[tuple[str, str]], name: str) -> str:
    return next((v for n, v in headers if n.lower() == name), "")


def _body(kept: bytes, received: int, content_type: str, bodies: bool) -> dict[str, Any]:
    """`body`: JSON as JSON (secret fields masked), a form with its secrets masked, anything
    else as text; a body longer than CUT_BYTES as text up to there, with a marker saying
    so (`bodyCut`). `bodyBytes` is the size as sent."""
    shown: dict[str, Any] = {"bodyBytes": received}
    if not bodies:
        return shown
    if not received:
        shown["body"] = None
        return shown
    text = kept.decode("utf-8", "replace")
    media = content_type.split(";", 1)[0].strip().lower()
    if media == "application/x-www-form-urlencoded":
        text = mask_secrets(text)
    if received > len(kept):
        shown["body"] = (
            f"{text}\n[cut by the mock's journal: {received} bytes in all, "
            f"the first {CUT_BYTES} shown]"
        )
        shown["bodyCut"] = True
        return shown
    if media and media != "application/json" and not media.endswith("+json"):
        shown["body"] = text
        return shown
    try:
        shown["body"] = _masked(orjson.loads(kept))
    except orjson.JSONDecodeError:
        shown["body"] = text
    return shown


def _masked(value: Any) -> Any:
    if isinstance(value, dict) and not _SECRET_FIELDS.isdisjoint(value):
        return {k: MASK if k in _SECRET_FIELDS else v for k, v in value.items()}
    return value
