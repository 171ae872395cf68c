"""The delivery thread: POSTs due deliveries and schedules retries with exponential backoff."""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from dataclasses import dataclass

import orjson

from mock_server.webhooks.outbox import (
    DEAD,
    DELIVERED,
    PENDING,
    Attempt,
    Delivery,
    Outbox,
    now_text,
)
from mock_server.webhooks.senders import Sender
from mock_server.webhooks.signing import signature

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int = 6
    first_backoff: float = 0.5  # seconds; doubles after each failure
    max_backoff: float = 8.0
    timeout: float = 3.0

    def backoff(self, failures: int) -> float:
        return float(min(self.max_backoff, self.first_backoff * 2 ** (failures - 1)))


class DeliveryWorker:
    """One daemon thread, started on first use, that sends whatever is due."""

    def __init__(self, outbox: Outbox, sender: Sender, policy: RetryPolicy) -> None:
        self._outbox = outbox
        self._sender = sender
        self.policy = policy
        self._lock = threading.Condition()
        self._due: list[tuple[float, int, str]] = []  # (monotonic due time, tiebreak, id)
        self._counter = itertools.count()
        self._thread: threading.Thread | None = None

    def submit(self, delivery: Delivery) -> None:
        """Send a pending delivery as soon as possible."""
        with self._lock:
            self._schedule(delivery.id, 0.0)
            self._ensure_thread()

    def clear(self) -> None:
        """Forget every scheduled send (reset)."""
        with self._lock:
            self._due.clear()

    def _schedule(self, delivery_id: str, delay: float) -> None:
        heapq.heappush(self._due, (time.monotonic() + delay, next(self._counter), delivery_id))
        self._lock.notify_all()

    def _ensure_thread(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(
                target=self._run, name="ingram-mock-webhooks", daemon=True
            )
            self._thread.start()

    def _run(self) -> None:
        while True:
            with self._lock:
                delivery_id = self._next_due()
            if delivery_id is None:
                continue
            delivery = self._outbox.begin(delivery_id)
            if delivery is None:
                continue  # dropped by a reset
            try:
                self._attempt(delivery)
            except Exception:  # a bug here must not kill delivery for everyone
                log.exception("webhook delivery %s failed unexpectedly", delivery.id)
            finally:
                self._outbox.end()

    def _next_due(self) -> str | None:
        """Wait (with the lock held) for the next due delivery; None to loop again."""
        if not self._due:
            self._lock.wait(1.0)
            return None
        due_at, _, delivery_id = self._due[0]
        wait = due_at - time.monotonic()
        if wait > 0:
            self._lock.wait(wait)
            return None
        heapq.heappop(self._due)
        return delivery_id

    def _attempt(self, delivery: Delivery) -> None:
        body = orjson.dumps(delivery.body)
        headers = {
            "Content-Type": "application/json",
            "x-hub-signature": signature(delivery.secret, delivery.event_id),
            "User-Agent": "ingram-mock-webhooks",
        }
        status: int | None = None
        error = ""
        try:
            status = self._sender.send(delivery.url, body, headers, self.policy.timeout)
        except (OSError, ValueError) as exc:
            error = f"{type(exc).__name__}: {exc}"
        attempts = len(delivery.attempts) + 1
        if status is not None and 200 <= status < 300:
            state = DELIVERED
        elif attempts % self.policy.max_attempts == 0:
            state = DEAD
        else:
            state = PENDING
        kept = self._outbox.record(delivery, Attempt(now_text(), status, error), state)
        if kept and state == PENDING:
            failures = attempts % self.policy.max_attempts
            with self._lock:
                self._schedule(delivery.id, self.policy.backoff(failures))
