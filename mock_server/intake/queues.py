"""Where confirmed v7 submissions wait: the `SubmissionQueue` port, in this process's
memory (`LocalQueue`) or in Redis (`RedisSubmissionQueue`), side by side.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Protocol

import orjson

from mock_server.domain.commands import Caller, CreateOrder
from mock_server.domain.errors import FieldProblem
from mock_server.store.codec import submission_from_plain, submission_to_plain
from mock_server.store.connection import guarded
from mock_server.store.redis import RedisOrderStore


@dataclass(frozen=True, slots=True)
class Submission:
    confirmation_number: str
    caller: Caller
    command: CreateOrder
    # What it asked for that its region cannot honour: the confirmation answer records it,
    # the order ignores it. Not kept across processes or snapshots (the answer is gone).
    ignored: list[FieldProblem] = field(default_factory=list)


class SubmissionQueue(Protocol):
    """Where confirmed submissions wait: in this process, or shared (Redis) so any process
    may create the order and none is lost when the one that confirmed it dies."""

    def put(self, submission: Submission) -> None: ...

    def take(self, timeout: float) -> Submission | None:
        """The oldest waiting submission, claimed; None if none came within `timeout`."""
        ...

    def put_back(self, submission: Submission) -> None:
        """A claimed submission goes back to the head of the queue, unworked (a pause)."""
        ...

    def done(self, submission: Submission) -> None:
        """The claimed submission was processed: forget it."""
        ...

    def pending(self) -> list[Submission]: ...

    def clear(self) -> int: ...


class LocalQueue:
    def __init__(self) -> None:
        self._items: deque[Submission] = deque()
        self._ready = threading.Condition()

    def put(self, submission: Submission) -> None:
        with self._ready:
            self._items.append(submission)
            self._ready.notify()

    def take(self, timeout: float) -> Submission | None:
        with self._ready:
            if not self._items and timeout > 0:
                self._ready.wait_for(lambda: bool(self._items), timeout)
            return self._items.popleft() if self._items else None

    def put_back(self, submission: Submission) -> None:
        with self._ready:
            self._items.appendleft(submission)

    def done(self, submission: Submission) -> None:
        return None

    def pending(self) -> list[Submission]:
        with self._ready:
            return list(self._items)

    def clear(self) -> int:
        with self._ready:
            dropped = len(self._items)
            self._items.clear()
            return dropped


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
