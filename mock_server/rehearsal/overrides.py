"""Override rules: one answer made different, on purpose.

A rule names an operation, what a request must match (order number, customer number,
customer order number, headers, query parameters, JSON-pointer values of the body), and
either an answer to give instead (`respond`: the use case does not run, nothing changes)
or an RFC 7396 merge patch for the real answer's JSON body (`patch`). Rules are tried
highest `priority` first and, among equals, newest first; the first that matches and is
not spent fires. `times` bounds how often a rule fires (default: until removed).

This module keeps, checks and matches rules (JSON pointers, equality and the merge patch
are `json_values.py`); the door
(`http/overriding.py`) turns a rule into an answer. Fault rules are decided before these.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NamedTuple

from mock_server.rehearsal.faults import OPERATIONS
from mock_server.rehearsal.json_values import pointed, rules_in_file, same_json
from mock_server.rehearsal.rule_books import RuleBook

_MAX_PRIORITY = 1_000_000
_MAX_TIMES = 10**9
# Which operations can match each request field (tests/unit/test_overrides.py checks the
# sets against the contract's parameters and request bodies).
ORDER_NUMBER_OPERATIONS = frozenset(
    {"getOrderDetails", "getOrderDetailsV6", "modifyOrder", "cancelOrder", "searchOrders"}
)
PO_OPERATIONS = frozenset({"createOrderV6", "createOrderV7", "searchOrders"})
BODY_OPERATIONS = frozenset({"createOrderV6", "createOrderV7", "modifyOrder"})
TOKEN_OPERATIONS = frozenset({"getAccessToken", "createAccessToken"})
# Headers the host writes for every answer: a rule may not set them.
_HOST_HEADERS = frozenset({"content-length", "transfer-encoding", "connection"})
_NO_BODY_STATUSES = frozenset({204, 304})
_RULE_FIELDS = ("operation", "match", "respond", "patch", "times", "priority")
_MATCH_FIELDS = ("orderNumber", "customerNumber", "customerOrderNumber", "headers", "query", "body")
_RESPOND_FIELDS = ("status", "headers", "body")
NO_BODY: Any = object()  # a respond without a body


class InvalidOverride(ValueError):
    """A rule that cannot be kept: `field` names the offending field (`match.orderNumber`)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class Asked(NamedTuple):
    """What of a request a rule may match on; built by the door only while rules exist."""

    operation_id: str
    order_number: str
    customer_number: str
    customer_order_number: str
    headers: Mapping[str, str]  # lower-case names
    query: Sequence[tuple[str, str]]
    body: Any  # the parsed JSON body; None without one


@dataclass(frozen=True, slots=True)
class Match:
    order_number: str | None = None
    customer_number: str | None = None
    customer_order_number: str | None = None
    headers: tuple[tuple[str, str], ...] = ()  # lower-case name, value
    query: tuple[tuple[str, str], ...] = ()
    body: tuple[tuple[str, Any], ...] = ()  # JSON pointer, value

    def matches(self, asked: Asked) -> bool:
        if self.order_number is not None and asked.order_number != self.order_number:
            return False
        if self.customer_number is not None and asked.customer_number != self.customer_number:
            return False
        wanted_po = self.customer_order_number
        if wanted_po is not None and asked.customer_order_number != wanted_po:
            return False
        if any(asked.headers.get(name) != value for name, value in self.headers):
            return False
        if any((name, value) not in asked.query for name, value in self.query):
            return False
        return all(same_json(pointed(asked.body, p), value) for p, value in self.body)

    def as_json(self) -> dict[str, Any]:
        shown: dict[str, Any] = {}
        for key, value in (
            ("orderNumber", self.order_number),
            ("customerNumber", self.customer_number),
            ("customerOrderNumber", self.customer_order_number),
        ):
            if value is not None:
                shown[key] = value
        for key, pairs in (("headers", self.headers), ("query", self.query), ("body", self.body)):
            if pairs:
                shown[key] = dict(pairs)
        return shown


@dataclass(frozen=True, slots=True)
class Respond:
    status: int
    headers: tuple[tuple[str, str], ...] = ()
    body: Any = NO_BODY

    def as_json(self) -> dict[str, Any]:
        shown: dict[str, Any] = {"status": self.status, "headers": dict(self.headers)}
        if self.body is not NO_BODY:
            shown["body"] = self.body
        return shown


@dataclass(frozen=True, slots=True)
class OverrideRule:
    id: str
    operation_id: str
    match: Match
    respond: Respond | None = None
    patch: dict[str, Any] | None = None  # an RFC 7396 merge patch (an object)
    times: int | None = None  # None: until removed
    priority: int = 0
    order: int = 0  # when it was added: among equal priorities the newest is tried first
    fired: int = 0
    standing: bool = False  # loaded at start (--overrides): a reset keeps it

    @property
    def spent(self) -> bool:
        return self.times is not None and self.fired >= self.times

    def as_json(self) -> dict[str, Any]:
        shown: dict[str, Any] = {"id": self.id, "operation": self.operation_id}
        shown["match"] = self.match.as_json()
        if self.respond is not None:
            shown["respond"] = self.respond.as_json()
        if self.patch is not None:
            shown["patch"] = self.patch
        shown |= {
            "times": self.times,
            "priority": self.priority,
            "fired": self.fired,
            "remaining": None if self.times is None else max(0, self.times - self.fired),
            "source": "file" if self.standing else "api",
        }
        return shown


# -- parsing ------------------------------------------------------------------------------


def parse_override(data: Any, rule_id: str, order: int = 0) -> OverrideRule:
    """A rule from its JSON form (`POST /__admin/overrides`, `--overrides`, the fixture).
    Raises InvalidOverride naming the field."""
    body = _object(data, "body", "an override rule is a JSON object")
    _known(body, _RULE_FIELDS, "")
    operation = body.get("operation")
    if operation not in OPERATIONS:
        raise InvalidOverride("operation", f"operation is one of {', '.join(sorted(OPERATIONS))}")
    if ("respond" in body) == ("patch" in body):
        raise InvalidOverride("respond", "a rule has respond or patch: exactly one of them")
    respond = _respond(body["respond"]) if "respond" in body else None
    patch = None
    if "patch" in body:
        patch = _object(body["patch"], "patch", "patch is a JSON object (an RFC 7396 merge patch)")
    return OverrideRule(
        id=rule_id,
        operation_id=operation,
        match=_match(body.get("match"), operation),
        respond=respond,
        patch=patch,
        times=_whole(body, "times", 1, _MAX_TIMES),
        priority=_whole(body, "priority", -_MAX_PRIORITY, _MAX_PRIORITY) or 0,
        order=order,
    )


def _match(data: Any, operation: str) -> Match:
    if data is None:
        return Match()
    given = _object(data, "match", "match is a JSON object")
    _known(given, _MATCH_FIELDS, "match.")
    for key, operations in (
        ("orderNumber", ORDER_NUMBER_OPERATIONS),
        ("customerOrderNumber", PO_OPERATIONS),
        ("body", BODY_OPERATIONS),
        ("customerNumber", OPERATIONS - TOKEN_OPERATIONS),
    ):
        if key in given and operation not in operations:
            raise InvalidOverride(
                f"match.{key}", f"{operation} requests have no {key} to match; "
                f"{key} matches {', '.join(sorted(operations))}"
            )
    body_values = []
    for pointer, value in _object(given.get("body", {}), "match.body", _POINTERS).items():
        if pointer and not pointer.startswith("/"):
            raise InvalidOverride(f"match.body.{pointer}", _POINTERS)
        body_values.append((pointer, value))
    return Match(
        order_number=_text(given, "orderNumber", "match."),
        customer_number=_text(given, "customerNumber", "match."),
        customer_order_number=_text(given, "customerOrderNumber", "match."),
        headers=tuple((n.lower(), v) for n, v in _texts(given, "headers", "match.").items()),
        query=tuple(_texts(given, "query", "match.").items()),
        body=tuple(body_values),
    )


_POINTERS = 'match.body maps JSON pointers ("/lines/0/quantity") to the values they must hold'


def _respond(data: Any) -> Respond:
    given = _object(data, "respond", "respond is a JSON object: status, headers, body")
    _known(given, _RESPOND_FIELDS, "respond.")
    status = given.get("status")
    if isinstance(status, bool) or not isinstance(status, int) or not 200 <= status <= 599:
        raise InvalidOverride("respond.status", "respond.status is a status code from 200 to 599")
    headers = _texts(given, "headers", "respond.")
    for name in headers:
        if not name or not name.isascii() or any(c in name for c in ' :\r\n\t"(),/;<=>?@[\\]{}'):
            raise InvalidOverride(f"respond.headers.{name}", "not a header name")
        if name.lower() in _HOST_HEADERS:
            raise InvalidOverride(f"respond.headers.{name}", "the server writes this header")
    for name, value in headers.items():
        if "\r" in value or "\n" in value:
            raise InvalidOverride(f"respond.headers.{name}", "a header value is one line")
    body = given.get("body", NO_BODY)
    if body is not NO_BODY and status in _NO_BODY_STATUSES:
        raise InvalidOverride("respond.body", f"a {status} answer has no body")
    return Respond(status, tuple(headers.items()), body)


def _object(value: Any, field: str, message: str) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidOverride(field, message)
    return dict(value)


def _known(given: Mapping[str, Any], known: tuple[str, ...], prefix: str) -> None:
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise InvalidOverride(f"{prefix}{unknown[0]}", f"unknown field; use {', '.join(known)}")


def _text(given: Mapping[str, Any], name: str, prefix: str) -> str | None:
    value = given.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise InvalidOverride(f"{prefix}{name}", f"{name} is a non-empty string")
    return value


def _texts(given: Mapping[str, Any], name: str, prefix: str) -> dict[str, str]:
    values = _object(given.get(name, {}), f"{prefix}{name}", f"{name} maps names to strings")
    for key, value in values.items():
        if not isinstance(value, str):
            raise InvalidOverride(f"{prefix}{name}.{key}", f"{name} maps names to strings")
    return values


def _whole(given: Mapping[str, Any], name: str, low: int, high: int) -> int | None:
    value = given.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidOverride(name, f"{name} is a whole number from {low} to {high}")
    return value


def rules_from_file(path: Path) -> list[Any]:
    """The JSON in an `--overrides` file: a list of rules, or `{"rules": [...]}`."""
    rules = rules_in_file(path)
    if rules is None:
        raise InvalidOverride("rules", f"{path}: expected a list of rules or {{'rules': [...]}}")
    return rules


def check_overrides_file(path: Path) -> str:
    """"" when the file's rules can be loaded, else one line saying why (for the CLI)."""
    try:
        OverrideBook().add_all(rules_from_file(path))
    except InvalidOverride as error:
        return f"{path}: {error.field}: {error.message}"
    except (OSError, ValueError) as error:
        return f"{path}: {error}"
    return ""


class OverrideBook(RuleBook[OverrideRule]):
    """The override rules in force and their fire counts."""

    def __init__(self) -> None:
        super().__init__(lambda data, number: parse_override(data, f"o{number}", number))

    def rules(self) -> list[OverrideRule]:
        """In the order they are tried: highest priority first, then newest first."""
        return sorted(super().rules(), key=lambda r: (-r.priority, -r.order))

    def decide(self, asked: Asked) -> OverrideRule | None:
        """The first rule (in `rules()` order) for this operation that is not spent and
        matches, counted as fired; or None."""
        for rule in self.rules():
            if rule.operation_id != asked.operation_id or rule.spent:
                continue
            if not rule.match.matches(asked):
                continue
            with self._lock:
                current = self._rules.get(rule.id)
                if current is None or current.spent:
                    continue  # removed or spent meanwhile
                fired = replace(current, fired=current.fired + 1)
                self._rules[rule.id] = fired
                return fired
        return None
