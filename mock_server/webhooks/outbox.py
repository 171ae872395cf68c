"""The delivery log: every delivery pending, delivered or dead, with each attempt made.

Finished deliveries are kept in a bounded history; dead letters (out of attempts) stay,
up to a bound, until they are re-sent or the mock is reset.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import OrderedDict, deque
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

PENDING, DELIVERED, DEAD = "pending", "delivered", "dead"


def now_text() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


@dataclass(slots=True)
class Attempt:
    at: str
    status: int | None
    error: str = ""


@dataclass(slots=True)
class Delivery:
    id: str
    event_id: str
    event_type: str
    order_number: str
    customer_number: str
    url: str
    state: str  # pending | delivered | dead
    created_at: str
    body: Any
    attempts: list[Attempt] = field(default_factory=list)
    secret: str = field(default="", repr=False)

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("secret")
        return data


def new_event_id() -> str:
    return uuid.uuid4().hex[:18].upper()


def new_delivery_id() -> str:
    return uuid.uuid4().hex


class Outbox:
    """Pending, delivered and dead deliveries. Thread-safe; `wait_idle` is bounded."""

    def __init__(self, history: int = 1000, max_dead_letters: int = 10_000) -> None:
        self._lock = threading.Condition()
        self._pending: dict[str, Delivery] = {}
        self._finished: deque[Delivery] = deque(maxlen=history)
        self._dead: OrderedDict[str, Delivery] = OrderedDict()
        self._max_dead = max_dead_letters
        self._in_flight = 0

    def add(self, delivery: Delivery) -> None:
        with self._lock:
            delivery.state = PENDING
            self._pending[delivery.id] = delivery

    def revive(self, delivery_id: str) -> Delivery | None:
        """A dead letter back to pending, for a fresh round of attempts; None if no such letter."""
        with self._lock:
            delivery = self._dead.pop(delivery_id, None)
            if delivery is None:
                return None
            delivery.state = PENDING
            self._pending[delivery.id] = delivery
            return delivery

    def undelivered(self) -> list[Delivery]:
        """Dead letters and pending deliveries (what a snapshot keeps)."""
        with self._lock:
            return [*self._dead.values(), *self._pending.values()]

    def keep_dead(self, delivery: Delivery) -> None:
        """A restored dead letter, as it was."""
        with self._lock:
            delivery.state = DEAD
            self._dead[delivery.id] = delivery

    def deliveries(self) -> list[Delivery]:
        with self._lock:
            return [*self._finished, *self._dead.values(), *self._pending.values()]

    # -- what a worker does with one delivery ---------------------------------------------

    def begin(self, delivery_id: str) -> Delivery | None:
        """Take a pending delivery for an attempt (None: dropped by a reset). Pair with `end`."""
        with self._lock:
            delivery = self._pending.get(delivery_id)
            if delivery is not None:
                self._in_flight += 1
            return delivery

    def end(self) -> None:
        with self._lock:
            self._in_flight -= 1
            self._lock.notify_all()

    def record(self, delivery: Delivery, attempt: Attempt, state: str) -> bool:
        """Keep the attempt and move the delivery to `state` (PENDING: it stays, to retry).

        False when the delivery was dropped by a reset while in flight: nothing to retry.
        """
        with self._lock:
            delivery.attempts.append(attempt)
            if delivery.id not in self._pending:
                return False
            if state == DELIVERED:
                delivery.state = DELIVERED
                del self._pending[delivery.id]
                self._finished.append(delivery)
            elif state == DEAD:
                delivery.state = DEAD
                del self._pending[delivery.id]
                self._dead[delivery.id] = delivery
                while len(self._dead) > self._max_dead:
                    self._dead.popitem(last=False)
            return True

    # -- tests and shutdown ---------------------------------------------------------------

    def wait_idle(self, timeout: float) -> bool:
        """Wait until nothing is pending or in flight. Bounded; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while self._pending or self._in_flight:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._lock.wait(min(remaining, 0.05))
        return True

    def reset(self) -> None:
        with self._lock:
            self._pending.clear()
            self._finished.clear()
            self._dead.clear()
            self._lock.notify_all()
