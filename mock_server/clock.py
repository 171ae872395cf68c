"""Time for the whole mock comes from one injectable clock.

Business rules (the 24-hour hold window, shipping progress, quote expiry) read the
clock they are given, so tests and `/__admin/clock` can move mock time without sleeping.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from mock_server.domain.ports import Clock

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


class AdjustableClock:
    """Another clock shifted by an offset that only grows: what `/__admin/clock` moves.

    Mock time never runs backwards, so no rule sees an order "un-expire".
    """

    def __init__(self, base: Clock | None = None) -> None:
        self._base = base or SystemClock()
        self._offset = timedelta(0)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            offset = self._offset
        return self._base.now() + offset

    @property
    def offset_seconds(self) -> float:
        with self._lock:
            return self._offset.total_seconds()

    def advance(self, seconds: float) -> datetime:
        if seconds < 0:
            raise ValueError("mock time only moves forward")
        with self._lock:
            self._offset += timedelta(seconds=seconds)
        return self.now()

    def reset(self) -> None:
        with self._lock:
            self._offset = timedelta(0)
