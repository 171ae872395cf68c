"""Rate limits as the real API states them: every answer says how many calls are left.

The real policy: 60 GET calls per minute per endpoint, per API app (client id). Each
(client, method, endpoint) has a fixed one-minute window; every call counts, and the
answer carries `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset` (the
window's end, epoch seconds). Only `--rate-limit real` (or `N`) refuses: a GET over the
limit gets 429 with `Retry-After`. By default calls are counted and never refused, so a
CI suite hammering the mock is not throttled.

Windows run on the wall clock, not mock time: a client computes its wait from `Reset`
and `Retry-After` against its own clock and sleeps real seconds. On mock time a frozen
clock would never reopen the window, and a jump of a day would reopen it at once.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

REAL_LIMIT = 60  # GET calls per minute per endpoint per API app
WINDOW_SECONDS = 60
MAX_BUCKETS = 10_000  # distinct (client, method, endpoint) kept before starting afresh


@dataclass(frozen=True, slots=True)
class RatePolicy:
    limit: int = REAL_LIMIT
    enforce: bool = False  # refuse GETs over the limit (429); else only count

    @classmethod
    def parse(cls, text: str) -> RatePolicy:
        """`count` (or empty): the real numbers, never refused; `real`: the real policy,
        enforced; `N` (a positive integer): N calls a minute, enforced. Raises ValueError."""
        word = text.strip().lower()
        if word in ("", "count"):
            return cls()
        if word == "real":
            return cls(REAL_LIMIT, enforce=True)
        if word.isdigit() and int(word) > 0:
            return cls(int(word), enforce=True)
        raise ValueError(f"--rate-limit takes count, real or a positive number, not {text!r}")


class Verdict(NamedTuple):
    """One call's count. A tuple, not a frozen dataclass: built on every call, and a
    frozen dataclass's __init__ costs several times as much."""

    limit: int
    remaining: int
    reset: int  # epoch seconds at which the window reopens
    refused: bool
    retry_after: int  # seconds to wait when refused

    def headers(self) -> tuple[tuple[str, str], ...]:
        return (
            ("X-RateLimit-Limit", str(self.limit)),
            ("X-RateLimit-Remaining", str(self.remaining)),
            ("X-RateLimit-Reset", str(self.reset)),
        )


class RateLimiter:
    """Fixed one-minute windows per key. One lock, one dict lookup per call."""

    def __init__(self, policy: RatePolicy, wall_clock: Callable[[], float] = time.time) -> None:
        self.policy = policy
        self._now = wall_clock
        self._lock = threading.Lock()
        self._buckets: dict[tuple[str, str, str], list[int]] = {}  # key -> [window, count]

    def take(self, client: str, method: str, endpoint: str) -> Verdict:
        """Count one call and say whether it may go ahead. Only GETs are ever refused: the
        published limit is for GET calls, other methods are counted and reported alike."""
        now = self._now()
        window = int(now // WINDOW_SECONDS)
        key = (client, method, endpoint)
        limit = self.policy.limit
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None or bucket[0] != window:
                if bucket is None and len(self._buckets) >= MAX_BUCKETS:
                    self._buckets.clear()  # bounded: random tokens must not grow it forever
                bucket = self._buckets[key] = [window, 0]
            refused = self.policy.enforce and method == "GET" and bucket[1] >= limit
            if not refused:
                bucket[1] += 1
            used = bucket[1]
        reset = (window + 1) * WINDOW_SECONDS
        retry_after = max(1, math.ceil(reset - now))
        # Positional: a NamedTuple built from keywords costs about twice as much.
        return Verdict(limit, max(0, limit - used), reset, refused, retry_after)

    def reset(self) -> None:
        with self._lock:
            self._buckets.clear()
