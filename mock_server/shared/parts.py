"""The rest of the shared state in Redis: counter, clock offset, token key, v7 queue, violations.

Each is a small adapter for a port or a seam the in-memory wiring already has
(`Counter`, `clock.Offset`, `intake.SubmissionQueue`, `ViolationLog`), so the code that
uses them does not know whether the state is shared.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path
from typing import Any

import orjson

from mock_server.codec import submission_from_plain, submission_to_plain
from mock_server.domain.numbers import START
from mock_server.intake import Submission
from mock_server.journal import ViolationLog, ViolationRecord
from mock_server.shared.connection import guarded
from mock_server.shared.orders import RedisOrderStore


class RedisCounter:
    """`INCR`: unique across processes. Survives `reset`, like the in-memory sequence."""

    def __init__(self, client: Any, namespace: str, start: int = START) -> None:
        self._client = client
        self._key = f"{namespace}:seq"
        self._start = start

    def take(self) -> int:
        with guarded("counter"):
            return self._start + int(self._client.incr(self._key)) - 1

    def peek(self) -> int:
        with guarded("counter"):
            return self._start + int(self._client.get(self._key) or 0)

    def skip_to(self, value: int) -> None:
        script = (
            "local v = tonumber(redis.call('GET', KEYS[1]) or '0') "
            "if v < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) end return 1"
        )
        with guarded("counter"):
            self._client.eval(script, 1, self._key, max(0, value - self._start))


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


def shared_token_key(client: Any, namespace: str) -> bytes:
    """The token-signing key, created by the first process: a token any one issued is
    accepted by all."""
    key = f"{namespace}:token-key"
    with guarded("token key"):
        client.set(key, secrets.token_bytes(32), nx=True)
        value = client.get(key)
    return bytes(value)


# Claims the oldest waiting submission; first puts back claims that lapsed (their
# process died or lost Redis while creating the order).
_CLAIM = """
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])
for _, item in ipairs(expired) do
  redis.call('ZREM', KEYS[2], item)
  redis.call('LPUSH', KEYS[1], item)
end
local item = redis.call('LPOP', KEYS[1])
if not item then return false end
redis.call('ZADD', KEYS[2], ARGV[2], item)
return item
"""


class RedisSubmissionQueue:
    """v7 submissions in a Redis list; a claimed one sits in a sorted set until done."""

    def __init__(
        self,
        client: Any,
        namespace: str,
        *,
        claim_seconds: float = 30.0,
        poll: float = 0.1,
        store: RedisOrderStore | None = None,
    ) -> None:
        self._store = store  # ends a claim in the commit that creates its order
        self._claim_seconds = claim_seconds  # a claim not done by then returns to the queue
        self._client = client
        self._waiting = f"{namespace}:intake"
        self._claimed = f"{namespace}:intake:claimed"
        self._claim = client.register_script(_CLAIM)
        self._poll = poll
        self._raw: dict[str, bytes] = {}  # confirmation number -> claimed item

    def put(self, submission: Submission) -> None:
        item = orjson.dumps(
            submission_to_plain(
                submission.confirmation_number, submission.caller, submission.command
            )
        )
        with guarded("intake"):
            self._client.rpush(self._waiting, item)

    def take(self, timeout: float) -> Submission | None:
        deadline = time.monotonic() + timeout
        while True:
            now = time.time()
            with guarded("intake"):
                item = self._claim(
                    keys=[self._waiting, self._claimed], args=[now, now + self._claim_seconds]
                )
            if item is not None:
                submission = Submission(*submission_from_plain(orjson.loads(item)))
                self._raw[submission.confirmation_number] = item
                if self._store is not None:
                    self._store.bind_claim(self._claimed, item)
                return submission
            if time.monotonic() >= deadline:
                return None
            time.sleep(self._poll)

    def put_back(self, submission: Submission) -> None:
        item = self._raw.pop(submission.confirmation_number, None)
        if self._store is not None:
            self._store.bind_claim(self._claimed, None)
        if item is not None:
            with guarded("intake"):
                pipe = self._client.pipeline()
                pipe.zrem(self._claimed, item)
                pipe.lpush(self._waiting, item)
                pipe.execute()

    def done(self, submission: Submission) -> None:
        item = self._raw.pop(submission.confirmation_number, None)
        if self._store is not None:
            self._store.bind_claim(self._claimed, None)
        if item is not None:
            with guarded("intake"):
                self._client.zrem(self._claimed, item)

    def pending(self) -> list[Submission]:
        with guarded("intake"):
            items = [
                *self._client.zrange(self._claimed, 0, -1),
                *self._client.lrange(self._waiting, 0, -1),
            ]
        return [Submission(*submission_from_plain(orjson.loads(i))) for i in items]

    def clear(self) -> int:
        with guarded("intake"):
            pipe = self._client.pipeline()
            pipe.llen(self._waiting)
            pipe.delete(self._waiting, self._claimed)
            count, _ = pipe.execute()
        self._raw.clear()
        return int(count)


class RedisViolationLog(ViolationLog):
    """The recent violations of every process, newest kept, with one shared total."""

    def __init__(self, client: Any, namespace: str, size: int, report: Path | None = None) -> None:
        super().__init__(size, report)
        self._client = client
        self._list = f"{namespace}:violations"
        self._total = f"{namespace}:violations:total"
        self._size = size

    def extend(self, items: list[ViolationRecord]) -> None:
        if not items:
            return
        with guarded("violations"):
            pipe = self._client.pipeline()
            pipe.rpush(self._list, *[json.dumps(asdict(v)) for v in items])
            pipe.ltrim(self._list, -self._size, -1)
            pipe.incrby(self._total, len(items))
            pipe.execute()
        self._append_report(items)

    def add(self, item: ViolationRecord) -> None:
        self.extend([item])

    def items(self) -> list[ViolationRecord]:
        with guarded("violations"):
            raw = self._client.lrange(self._list, 0, -1)
        return [ViolationRecord(**json.loads(r)) for r in raw]

    @property
    def total(self) -> int:
        with guarded("violations"):
            return int(self._client.get(self._total) or 0)

    @total.setter
    def total(self, value: int) -> None:
        return None  # the shared total is kept in Redis; the base class's counter is unused

    def clear(self, *, keep_report: bool = False) -> None:
        with guarded("violations"):
            self._client.delete(self._list, self._total)
        super().clear(keep_report=keep_report)
