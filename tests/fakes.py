"""Recording fakes for the domain's ports: tests observe side effects without I/O or sleeping."""

from __future__ import annotations

import threading
import time

from mock_server.domain.events import EventKind, OrderEvent
from tests.receiver import Received


class RecordingSink:
    """Keeps every event published to it."""

    def __init__(self) -> None:
        self.events: list[OrderEvent] = []

    def publish(self, event: OrderEvent) -> None:
        self.events.append(event)

    def kinds(self, order_number: str | None = None) -> list[EventKind]:
        return [
            e.kind
            for e in self.events
            if order_number is None or (e.order is not None and e.order.number == order_number)
        ]


class Endpoint:
    """One receiver URL as a `RecordingSender` sees it: what arrived there, and how it answers.

    Answers `fail_status` to the first `fail_first` POSTs, then `ok_status` (as
    `tests.receiver.Receiver` does over a real socket).
    """

    def __init__(
        self,
        url: str,
        lock: threading.Lock,
        *,
        fail_first: int = 0,
        fail_status: int = 500,
        ok_status: int = 200,
    ) -> None:
        self.url = url
        self.fail_first = fail_first
        self.fail_status = fail_status
        self.ok_status = ok_status
        self._lock = lock
        self._received: list[Received] = []

    def _take(self, headers: dict[str, str], body: bytes) -> int:
        failing = len(self._received) < self.fail_first
        status = self.fail_status if failing else self.ok_status
        self._received.append(Received(headers, body, time.perf_counter(), status))
        return status

    @property
    def received(self) -> list[Received]:
        with self._lock:
            return list(self._received)

    def accepted(self) -> list[Received]:
        """The POSTs answered with a 2xx: events the receiver took."""
        return [r for r in self.received if 200 <= r.answered < 300]


class RecordingSender:
    """A webhook `Sender` that keeps every POST in memory, per URL; no socket, no sleeping.

    `endpoint(url, ...)` scripts how a URL answers; a URL never scripted answers 200.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._endpoints: dict[str, Endpoint] = {}

    def endpoint(
        self, url: str, *, fail_first: int = 0, fail_status: int = 500, ok_status: int = 200
    ) -> Endpoint:
        endpoint = Endpoint(
            url, self._lock, fail_first=fail_first, fail_status=fail_status, ok_status=ok_status
        )
        with self._lock:
            self._endpoints[url] = endpoint
        return endpoint

    def send(self, url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
        with self._lock:
            endpoint = self._endpoints.get(url)
            if endpoint is None:
                endpoint = self._endpoints[url] = Endpoint(url, self._lock)
            return endpoint._take({k.lower(): v for k, v in headers.items()}, body)
