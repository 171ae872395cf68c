"""Fault rules: rehearsal knobs that make the mock fail the way a real partner API does.

A rule names an operation (or `*`, or `webhookDelivery` for the mock's own webhook
deliveries) and what goes wrong: an error status, a delay, a broken connection (a reset,
a close without a byte, bytes that are not HTTP, a cut body), a timeout, a duplicated
delivery. `FaultBook.decide` is asked once per API request, before any use
case runs, so an injected failure never changes stored state; `afterCommit` rules let the
use case run and lose the answer instead. Probabilities draw from one seeded random
source, so a rehearsal repeats exactly for the same seed and the same sequence of calls.

This module only keeps and matches rules; the door (`http/door.py`) turns a decision into
an answer (or into a broken connection the front carries out), and `FaultySender` wraps
the webhook sender port.
"""

from __future__ import annotations

import random
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from mock_server.rehearsal.json_values import rules_in_file
from mock_server.rehearsal.rule_books import RuleBook

ANY_OPERATION = "*"
WEBHOOK = "webhookDelivery"
# The contract's operationIds (tests/unit/test_faults.py checks the list against it).
OPERATIONS = frozenset(
    {
        "getAccessToken",
        "createAccessToken",
        "createOrderV6",
        "createOrderV7",
        "getOrderDetails",
        "getOrderDetailsV6",
        "searchOrders",
        "modifyOrder",
        "cancelOrder",
    }
)
# What a connection kind does on the wire: README "Rehearsing failures" and
# `server/connections.py`. `reset` was a cut body before; that is `truncatedBody` now.
CONNECTION_KINDS = ("reset", "emptyResponse", "malformedResponse", "truncatedBody")
API_KINDS = ("status", *CONNECTION_KINDS, "timeout")
WEBHOOK_KINDS = ("status", "reset", "duplicate")
MAX_DELAY_MS = 120_000
TIMEOUT_SECONDS = 60.0  # how long a `timeout` fault holds the answer before dropping it


class InvalidRule(ValueError):
    """A rule that cannot be kept: `field` names the offending field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True)
class FaultRule:
    id: str
    operation_id: str
    kind: str = "status"
    status: int | None = None
    delay_ms: int = 0
    probability: float = 1.0
    times: int | None = None  # None: fires for ever
    after_commit: bool = False
    customer_number: str | None = None
    url: str | None = None  # webhook rules: only deliveries to this receiver
    fired: int = 0
    standing: bool = False  # loaded at start (--faults): a reset keeps it

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.fired >= self.times

    @property
    def delay_seconds(self) -> float:
        return self.delay_ms / 1000.0

    def applies_to(self, operation_id: str, customer_number: str) -> bool:
        if self.operation_id != operation_id and (
            self.operation_id != ANY_OPERATION or operation_id == WEBHOOK
        ):
            return False
        return self.customer_number is None or self.customer_number == customer_number

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self.id,
            "operationId": self.operation_id,
            "kind": self.kind,
            "status": self.status,
            "delayMs": self.delay_ms,
            "probability": self.probability,
            "times": self.times,
            "afterCommit": self.after_commit,
            "customerNumber": self.customer_number,
            "fired": self.fired,
            "remaining": None if self.times is None else max(0, self.times - self.fired),
            "source": "file" if self.standing else "api",
        }
        if self.operation_id == WEBHOOK:
            body["url"] = self.url
            del body["afterCommit"]
        return body


def parse_rule(data: Any, rule_id: str) -> FaultRule:
    """A rule from its JSON form (`POST /__admin/faults`, `--faults`, the pytest plugin)."""
    if not isinstance(data, Mapping):
        raise InvalidRule("body", "a fault rule is a JSON object")
    known = {
        "operationId",
        "kind",
        "status",
        "delayMs",
        "probability",
        "times",
        "afterCommit",
        "customerNumber",
        "url",
    }
    unknown = sorted(set(data) - known)
    if unknown:
        raise InvalidRule(unknown[0], f"unknown field; a rule has {', '.join(sorted(known))}")
    operation = data.get("operationId", ANY_OPERATION)
    if operation not in OPERATIONS | {ANY_OPERATION, WEBHOOK}:
        choices = ", ".join(sorted(OPERATIONS | {ANY_OPERATION, WEBHOOK}))
        raise InvalidRule("operationId", f"operationId must be one of {choices}")
    webhook = operation == WEBHOOK
    kinds = WEBHOOK_KINDS if webhook else API_KINDS
    kind = data.get("kind", "status")
    if kind not in kinds:
        raise InvalidRule("kind", f"kind must be one of {', '.join(kinds)}")
    status = _optional_int(data, "status", 100, 599)
    delay_ms = _optional_int(data, "delayMs", 0, MAX_DELAY_MS) or 0
    times = _optional_int(data, "times", 1, 10**9)
    probability = data.get("probability", 1.0)
    if isinstance(probability, bool) or not isinstance(probability, int | float):
        raise InvalidRule("probability", "probability must be a number from 0 to 1")
    if not 0.0 <= float(probability) <= 1.0:
        raise InvalidRule("probability", "probability must be a number from 0 to 1")
    after_commit = data.get("afterCommit", False)
    if not isinstance(after_commit, bool) or (after_commit and webhook):
        raise InvalidRule("afterCommit", "afterCommit is true or false, for API operations only")
    customer = _optional_text(data, "customerNumber")
    url = _optional_text(data, "url")
    if url is not None and not webhook:
        raise InvalidRule("url", "url only narrows webhookDelivery rules")
    if kind == "status" and status is None and delay_ms == 0:
        raise InvalidRule("status", "a status rule needs a status, a delayMs, or both")
    if kind != "status" and status is not None:
        raise InvalidRule("status", f"a {kind} rule takes no status")
    if status is not None and status < 400:
        raise InvalidRule("status", "an injected status is an error status (400-599)")
    if customer is not None and webhook:
        raise InvalidRule("customerNumber", "webhookDelivery rules are narrowed by url")
    return FaultRule(
        id=rule_id,
        operation_id=operation,
        kind=kind,
        status=status,
        delay_ms=delay_ms,
        probability=float(probability),
        times=times,
        after_commit=after_commit,
        customer_number=customer,
        url=url,
    )


def _optional_int(data: Mapping[str, Any], name: str, low: int, high: int) -> int | None:
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidRule(name, f"{name} must be a whole number from {low} to {high}")
    return value


def _optional_text(data: Mapping[str, Any], name: str) -> str | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise InvalidRule(name, f"{name} must be a non-empty string")
    return value


def rules_from_file(path: Path) -> list[Any]:
    """The JSON in a `--faults` file: a list of rules, or `{"rules": [...]}`."""
    rules = rules_in_file(path)
    if rules is None:
        raise InvalidRule("rules", f"{path}: expected a list of fault rules or {{'rules': [...]}}")
    return rules


class FaultBook(RuleBook[FaultRule]):
    """The fault rules in force, their fire counts and the seeded random source."""

    def __init__(self, seed: int = 0) -> None:
        super().__init__(lambda data, number: parse_rule(data, f"f{number}"))
        self._seed = seed
        self._random = random.Random(seed)

    def clear(self) -> None:
        """Remove every rule and restart the random source from the seed."""
        super().clear()
        with self._lock:
            self._random.seed(self._seed)

    def reset(self) -> None:
        """`/__admin/reset`: as for every rule book, and the random source restarts, so the
        same calls draw the same faults."""
        super().reset()
        with self._lock:
            self._random.seed(self._seed)

    def decide(
        self, operation_id: str, customer_number: str = "", url: str = ""
    ) -> FaultRule | None:
        """The first rule that applies and fires for this call, counted as fired; or None.

        A rule with a probability below 1 draws once from the seeded source each time it
        applies; rules that have fired `times` times are spent and stay listed.
        """
        with self._lock:
            for rule in self._rules.values():
                if rule.exhausted or not rule.applies_to(operation_id, customer_number):
                    continue
                if rule.url is not None and rule.url != url:
                    continue
                if rule.probability < 1.0 and self._random.random() >= rule.probability:
                    continue
                fired = replace(rule, fired=rule.fired + 1)
                self._rules[rule.id] = fired
                return fired
        return None


class Sender(Protocol):
    """The webhook sender port (as `mock_server.webhooks` states it)."""

    def send(self, url: str, body: bytes, headers: dict[str, str], timeout: float) -> int: ...


class FaultySender:
    """Wraps the webhook sender: `webhookDelivery` rules make a receiver look failing
    (`status`: that answer, without sending; `reset`: a broken connection), make deliveries
    late (`delayMs`: the attempt waits first, holding back that receiver's queue only), or
    deliver an event twice (`duplicate`: same body, same eventId, same signature)."""

    def __init__(self, inner: Sender, faults: FaultBook, sleep: Any = time.sleep) -> None:
        self._inner = inner
        self._faults = faults
        self._sleep = sleep

    def send(self, url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
        if not self._faults.active:
            return self._inner.send(url, body, headers, timeout)
        rule = self._faults.decide(WEBHOOK, url=url)
        if rule is None:
            return self._inner.send(url, body, headers, timeout)
        if rule.delay_ms:
            self._sleep(rule.delay_seconds)
        if rule.kind == "reset":
            raise ConnectionResetError("injected fault: the receiver reset the connection")
        if rule.status is not None:
            return rule.status
        status = self._inner.send(url, body, headers, timeout)
        if rule.kind == "duplicate":
            return self._inner.send(url, body, headers, timeout)
        return status
