"""Time for the whole mock comes from one injectable clock.

Business rules (the 24-hour hold window, shipping progress, quote expiry) read the
clock they are given, so tests and `/__admin/clock` can move mock time without sleeping.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from mock_server.domain.ports import Clock
from mock_server.store.connection import guarded

__all__ = ["AdjustableClock", "Clock", "FrozenClock", "SystemClock"]


class SystemClock:
    """Wall-clock time."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FrozenClock:
    """A clock that only moves when told to: deterministic tests."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> datetime:
        with self._lock:
            self._now += timedelta(seconds=seconds)
            return self._now


class Offset(Protocol):
    """Where the mock-time offset is kept: in this process, or shared (Redis)."""

    def get(self) -> timedelta: ...

    def add(self, seconds: float) -> None: ...

    def set(self, seconds: float) -> None: ...

    def refresh(self) -> None:
        """A new request starts on this thread: it may keep one reading until it ends."""
        ...


class LocalOffset:
    def __init__(self) -> None:
        self._offset = timedelta(0)
        self._lock = threading.Lock()

    def get(self) -> timedelta:
        with self._lock:
            return self._offset

    def add(self, seconds: float) -> None:
        with self._lock:
            self._offset += timedelta(seconds=seconds)

    def set(self, seconds: float) -> None:
        with self._lock:
            self._offset = timedelta(seconds=seconds)

    def refresh(self) -> None:
        return None


class AdjustableClock:
    """Another clock shifted by an offset that only grows: what `/__admin/clock` moves.

    Mock time never runs backwards, so no rule sees an order "un-expire".
    """

    def __init__(self, base: Clock | None = None, offset: Offset | None = None) -> None:
        self._base = base or SystemClock()
        self._offset: Offset = offset or LocalOffset()

    def keep_offset_in(self, offset: Offset) -> None:
        """Read and move the offset there from now on (processes sharing one state)."""
        self._offset = offset

    def now(self) -> datetime:
        return self._base.now() + self._offset.get()

    def new_request(self) -> None:
        """Called as each request starts: a shared offset is read once per request."""
        self._offset.refresh()

    @property
    def offset_seconds(self) -> float:
        return self._offset.get().total_seconds()

    def advance(self, seconds: float) -> datetime:
        if seconds < 0:
            raise ValueError("mock time only moves forward")
        self._offset.add(seconds)
        return self.now()

    def reset(self) -> None:
        self.set_offset(0.0)

    def set_offset(self, seconds: float) -> None:
        """Restore a saved offset (a snapshot): the one way time may be set rather than moved."""
        self._offset.set(seconds)


class RedisOffset:
    """The mock-clock offset every process reads: an advance in one is seen by all.

    A request reads it once (its first `now()`) and keeps that reading to its end: one
    round trip per request, and one instant of mock time per answer. Threads outside a
    request (the ticker, the v7 intake) read it afresh each time."""

    def __init__(self, client: Any, namespace: str) -> None:
        self._client = client
        self._key = f"{namespace}:clock"
        self._local = threading.local()

    def get(self) -> timedelta:
        kept: timedelta | None = getattr(self._local, "kept", None)
        if kept is not None:
            return kept
        with guarded("clock"):
            raw = self._client.get(self._key)
        offset = timedelta(seconds=float(raw)) if raw else timedelta(0)
        if getattr(self._local, "in_request", False):
            self._local.kept = offset
        return offset

    def refresh(self) -> None:
        self._local.in_request = True
        self._local.kept = None

    def add(self, seconds: float) -> None:
        self._local.kept = None
        with guarded("clock"):
            self._client.incrbyfloat(self._key, seconds)

    def set(self, seconds: float) -> None:
        self._local.kept = None
        with guarded("clock"):
            self._client.set(self._key, repr(float(seconds)))
