"""Delivery workers: one queue and one thread per receiver, each attempt under a deadline.

A receiver (a callback URL) gets its events one at a time, in the order they were
published: the head of its queue is retried with exponential backoff until it is
delivered or dead, and only then does the next event go. Receivers never wait for each
other: a slow, hanging or dead receiver holds back its own queue only. A thread starts
with a receiver's first event and ends after `linger` idle seconds.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from dataclasses import dataclass, field

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
    timeout: float = 3.0  # seconds for the whole of one attempt: connect, send, answer

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.first_backoff < 0 or self.max_backoff < 0:
            raise ValueError("backoff seconds must not be negative")
        if self.timeout <= 0:
            raise ValueError("timeout must be positive")

    def backoff(self, failures: int) -> float:
        return float(min(self.max_backoff, self.first_backoff * 2 ** (failures - 1)))


@dataclass(slots=True)
class _Lane:
    """One receiver's queue of delivery ids; the head is the one being tried."""

    url: str
    wake: threading.Condition  # on the workers' one lock: wakes this lane's thread only
    queue: deque[str] = field(default_factory=deque)


class DeliveryWorkers:
    """Per-receiver queues, each drained by its own daemon thread."""

    def __init__(
        self, outbox: Outbox, sender: Sender, policy: RetryPolicy, *, linger: float = 2.0
    ) -> None:
        self._outbox = outbox
        self._sender = sender
        self.policy = policy
        self._linger = linger
        self._lock = threading.Lock()
        self._lanes: dict[str, _Lane] = {}

    def submit(self, delivery: Delivery) -> None:
        """Queue a pending delivery behind the ones already waiting for its receiver."""
        thread = None
        with self._lock:
            lane = self._lanes.get(delivery.url)
            if lane is None:
                lane = _Lane(delivery.url, threading.Condition(self._lock))
                self._lanes[delivery.url] = lane
                thread = threading.Thread(
                    target=self._run, args=(lane,), name="ingram-mock-webhooks", daemon=True
                )
            lane.queue.append(delivery.id)
            lane.wake.notify()
        if thread is not None:
            thread.start()

    def start(self) -> None:
        """Nothing to do: a receiver's thread starts with its first event."""

    def clear(self) -> None:
        """Forget every queued send (reset); an attempt in flight finishes and is dropped."""
        with self._lock:
            for lane in self._lanes.values():
                lane.queue.clear()
                lane.wake.notify()

    # -- one lane's thread --------------------------------------------------------------

    def _run(self, lane: _Lane) -> None:
        while (delivery_id := self._head(lane)) is not None:
            delivery = self._outbox.begin(delivery_id)
            if delivery is None:  # dropped by a reset
                self._pop(lane, delivery_id)
                continue
            try:
                retry = self._attempt(delivery)
            finally:
                self._outbox.end()
            if retry:
                self._back_off(lane, delivery)
            else:
                self._pop(lane, delivery_id)

    def _head(self, lane: _Lane) -> str | None:
        """The next delivery id for this receiver; None after `linger` idle seconds (the
        lane is gone then, and the next event for the receiver starts a new thread)."""
        with self._lock:
            while not lane.queue:
                if not lane.wake.wait(self._linger) and not lane.queue:
                    del self._lanes[lane.url]
                    return None
            return lane.queue[0]

    def _pop(self, lane: _Lane, delivery_id: str) -> None:
        with self._lock:
            if lane.queue and lane.queue[0] == delivery_id:  # a reset may have emptied it
                lane.queue.popleft()

    def _back_off(self, lane: _Lane, delivery: Delivery) -> None:
        """Wait before retrying the head; a reset that drops it cuts the wait short."""
        failures = len(delivery.attempts) % self.policy.max_attempts
        with self._lock:
            lane.wake.wait_for(
                lambda: not lane.queue or lane.queue[0] != delivery.id,
                self.policy.backoff(failures),
            )

    def _attempt(self, delivery: Delivery) -> bool:
        """One POST, kept in the delivery log; True when the delivery is to be retried."""
        status: int | None = None
        error = ""
        broken = False
        try:
            body = orjson.dumps(delivery.body)
            headers = {
                "Content-Type": "application/json",
                "x-hub-signature": signature(delivery.secret, delivery.event_id),
                "User-Agent": "ingram-mock-webhooks",
            }
            status = self._sender.send(delivery.url, body, headers, self.policy.timeout)
        except (OSError, ValueError) as exc:
            error = f"{type(exc).__name__}: {exc}"
        except Exception as exc:  # a bug must not stop this receiver's queue: park it as dead
            log.exception("webhook delivery %s failed unexpectedly", delivery.id)
            error, broken = f"internal error: {type(exc).__name__}: {exc}", True
        attempts = len(delivery.attempts) + 1
        if status is not None and 200 <= status < 300:
            state = DELIVERED
        elif broken or attempts % self.policy.max_attempts == 0:
            state = DEAD
        else:
            state = PENDING
        kept = self._outbox.record(delivery, Attempt(now_text(), status, error), state)
        return kept and state == PENDING
