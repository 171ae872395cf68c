"""Webhook registrations and the delivery outbox in Redis, shared by every mock process.

An event is published by the process whose unit of work produced it, once; it lands in
the shared outbox, and any process's delivery thread may send it. One process at a time
holds a delivery: a claim (a server-side script) moves its due time past a lease, so an
attempt round is made by one process only; if that process dies mid-attempt, the lease
lapses and another takes the delivery over. In the shared outbox deliveries go out in the
order they came due and one at a time per receiver, as in one process: a receiver's head
(in flight, or waiting for its retry) holds back that receiver's later events only.

Keys: `:wh:reg` hash customer ("*": the default) -> registration; `:wh:d` hash id ->
delivery; `:wh:due` sorted set id -> when due (or claimed until); `:wh:done` and
`:wh:dead` lists of ids, bounded (the ids they drop leave the hash too).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import asdict
from typing import Any

import orjson

from mock_server.domain.ports import StoreUnavailable
from mock_server.store.connection import guarded
from mock_server.webhooks.outbox import DEAD, DELIVERED, PENDING, Attempt, Delivery, Outbox
from mock_server.webhooks.registry import Registration, Registry
from mock_server.webhooks.senders import Sender
from mock_server.webhooks.worker import DeliveryWorkers, RetryPolicy

log = logging.getLogger(__name__)
_DEFAULT = "*"

# One delivery at a time per receiver, in the order they came due: a receiver whose head
# is in flight or waiting to be retried (`:wh:busy` url -> id) gets nothing else meanwhile.
# KEYS: due, deliveries, urls, busy. ARGV: now, claim-until.
_CLAIM = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 50)
for _, id in ipairs(due) do
  local url = redis.call('HGET', KEYS[3], id) or ''
  local head = redis.call('HGET', KEYS[4], url)
  if head and head ~= id and redis.call('ZSCORE', KEYS[1], head) == false then
    redis.call('HDEL', KEYS[4], url)  -- a head that a reset took away
    head = false
  end
  if not head or head == id then
    redis.call('HSET', KEYS[4], url, id)
    redis.call('ZADD', KEYS[1], ARGV[2], id)
    return redis.call('HGET', KEYS[2], id)
  end
end
return false
"""

# One registration, found by its id, removed (only if it is still there). KEYS: registrations.
# ARGV: id.
_REMOVE_REGISTRATION = """
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  local ok, registration = pcall(cjson.decode, all[i + 1])
  if ok and registration['id'] == ARGV[1] then
    redis.call('HDEL', KEYS[1], all[i])
    return 1
  end
end
return 0
"""

# KEYS: due, deliveries, done, dead, urls, busy. ARGV: id, json, state, bound, url.
_RECORD = """
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
if ARGV[3] == 'pending' then return 1 end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[5], ARGV[1])
if redis.call('HGET', KEYS[6], ARGV[5]) == ARGV[1] then redis.call('HDEL', KEYS[6], ARGV[5]) end
local list = KEYS[3]
if ARGV[3] == 'dead' then list = KEYS[4] end
redis.call('RPUSH', list, ARGV[1])
while redis.call('LLEN', list) > tonumber(ARGV[4]) do
  redis.call('HDEL', KEYS[2], redis.call('LPOP', list))
end
return 1
"""


def _encode(delivery: Delivery) -> bytes:
    return orjson.dumps(asdict(delivery))


def _decode(raw: bytes) -> Delivery:
    data = orjson.loads(raw)
    data["attempts"] = [Attempt(**a) for a in data.get("attempts", [])]
    return Delivery(**data)


class RedisRegistry(Registry):
    def __init__(self, client: Any, namespace: str) -> None:
        super().__init__()
        self._client = client
        self._key = f"{namespace}:wh:reg"
        self._remove = client.register_script(_REMOVE_REGISTRATION)

    def register(self, url: str, secret: str, customer_number: str | None = None) -> Registration:
        registration = Registration(url, secret, customer_number or None)
        with guarded("webhook registrations"):
            self._client.hset(
                self._key, customer_number or _DEFAULT, orjson.dumps(asdict(registration))
            )
        return registration

    def all(self) -> list[Registration]:
        with guarded("webhook registrations"):
            values = self._client.hvals(self._key)
        return [Registration(**orjson.loads(v)) for v in values]

    def clear(self) -> None:
        with guarded("webhook registrations"):
            self._client.delete(self._key)

    def remove(self, registration_id: str) -> bool:
        with guarded("webhook registrations"):
            return bool(self._remove(keys=[self._key], args=[registration_id]))

    def replace(self, registrations: list[Registration]) -> None:
        with guarded("webhook registrations"):
            pipe = self._client.pipeline()
            pipe.delete(self._key)
            for r in registrations:
                pipe.hset(self._key, r.customer_number or _DEFAULT, orjson.dumps(asdict(r)))
            pipe.execute()

    def for_customer(self, customer_number: str) -> Registration | None:
        with guarded("webhook registrations"):
            own, default = self._client.hmget(self._key, [customer_number, _DEFAULT])
        found = own or default
        return Registration(**orjson.loads(found)) if found else None


class RedisOutbox(Outbox):
    """The delivery log of every process, in Redis."""

    def __init__(
        self, client: Any, namespace: str, history: int = 1000, max_dead_letters: int = 10_000
    ) -> None:
        super().__init__(history, max_dead_letters)
        self._client = client
        self._due = f"{namespace}:wh:due"
        self._all = f"{namespace}:wh:d"
        self._done = f"{namespace}:wh:done"
        self._dead_ids = f"{namespace}:wh:dead"
        self._urls = f"{namespace}:wh:url"
        self._busy = f"{namespace}:wh:busy"
        self._last_due = 0.0
        self._due_lock = threading.Lock()
        self._history = history
        self._max_dead_ids = max_dead_letters
        self._claim = client.register_script(_CLAIM)
        self._record = client.register_script(_RECORD)

    def add(self, delivery: Delivery) -> None:
        delivery.state = PENDING
        with self._due_lock:  # strictly increasing here: events published together keep order
            self._last_due = max(time.time(), self._last_due + 1e-6)
            due = self._last_due
        with guarded("outbox"):
            pipe = self._client.pipeline()  # MULTI/EXEC: never one without the other
            pipe.hset(self._all, delivery.id, _encode(delivery))
            pipe.hset(self._urls, delivery.id, delivery.url)
            pipe.zadd(self._due, {delivery.id: due})
            pipe.execute()

    def revive(self, delivery_id: str) -> Delivery | None:
        with guarded("outbox"):
            if not self._client.lrem(self._dead_ids, 1, delivery_id):
                return None
            raw = self._client.hget(self._all, delivery_id)
        if raw is None:
            return None
        delivery = _decode(raw)
        self.add(delivery)
        return delivery

    def _load(self, ids: list[bytes]) -> list[Delivery]:
        if not ids:
            return []
        with guarded("outbox"):
            values = self._client.hmget(self._all, ids)
        return [_decode(v) for v in values if v is not None]

    def deliveries(self) -> list[Delivery]:
        with guarded("outbox"):
            done = self._client.lrange(self._done, 0, -1)
            dead = self._client.lrange(self._dead_ids, 0, -1)
            pending = self._client.zrange(self._due, 0, -1)
        return self._load([*done, *dead, *pending])

    def undelivered(self) -> list[Delivery]:
        with guarded("outbox"):
            dead = self._client.lrange(self._dead_ids, 0, -1)
            pending = self._client.zrange(self._due, 0, -1)
        return self._load([*dead, *pending])

    def keep_dead(self, delivery: Delivery) -> None:
        delivery.state = DEAD
        with guarded("outbox"):
            pipe = self._client.pipeline()
            pipe.hset(self._all, delivery.id, _encode(delivery))
            pipe.rpush(self._dead_ids, delivery.id)
            pipe.execute()

    # -- a delivery thread's side ---------------------------------------------------------

    def claim(self, lease: float) -> Delivery | None:
        """The delivery due first, held by this process for `lease` seconds; None if none."""
        now = time.time()
        with guarded("outbox"):
            raw = self._claim(
                keys=[self._due, self._all, self._urls, self._busy], args=[now, now + lease]
            )
        return None if raw is None else _decode(raw)

    def record(self, delivery: Delivery, attempt: Attempt, state: str) -> bool:
        delivery.attempts.append(attempt)
        delivery.state = state
        bound = self._max_dead_ids if state == DEAD else self._history
        with guarded("outbox"):
            kept = self._record(
                keys=[self._due, self._all, self._done, self._dead_ids, self._urls, self._busy],
                args=[delivery.id, _encode(delivery), state, bound, delivery.url],
            )
        return bool(kept)

    def retry_at(self, delivery: Delivery, at: float) -> None:
        with guarded("outbox"):
            self._client.zadd(self._due, {delivery.id: at}, xx=True)

    def wait_idle(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while True:
            with guarded("outbox"):
                if not self._client.zcard(self._due):
                    return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)

    def reset(self) -> None:
        with guarded("outbox"):
            self._client.delete(
                self._due, self._all, self._done, self._dead_ids, self._urls, self._busy
            )


class SharedDeliveryWorker(DeliveryWorkers):
    """A few threads per process taking due deliveries from the shared outbox: a receiver
    that hangs holds up one thread for one attempt's deadline, not every delivery."""

    def __init__(
        self,
        outbox: RedisOutbox,
        sender: Sender,
        policy: RetryPolicy,
        *,
        threads: int = 4,
        poll: float = 0.05,
        linger: float = 2.0,
    ) -> None:
        super().__init__(outbox, sender, policy)
        self._shared = outbox
        self._poll = poll
        self._threads: list[threading.Thread] = []
        self._count = threads
        self._start_lock = threading.Lock()
        self._idle_limit = linger
        self._always = False  # set by start(): a serving process watches the outbox for good

    def submit(self, delivery: Delivery) -> None:
        self._spawn()  # the delivery is in the shared outbox already

    def clear(self) -> None:
        return None  # the outbox's reset drops the shared queue

    def start(self) -> None:
        self._always = True
        self._spawn()

    def _spawn(self) -> None:
        with self._start_lock:
            self._threads = [t for t in self._threads if t.is_alive()]
            while len(self._threads) < self._count:
                thread = threading.Thread(
                    target=self._loop, name="ingram-mock-webhooks-shared", daemon=True
                )
                thread.start()
                self._threads.append(thread)

    def _loop(self) -> None:
        lease = self.policy.timeout + 5.0  # longer than one attempt may take
        idle_since = time.monotonic()
        while True:
            try:
                delivery = self._shared.claim(lease)
                if delivery is None:
                    if not self._always and time.monotonic() - idle_since > self._idle_limit:
                        return  # the next event published here starts the thread again
                    time.sleep(self._poll)
                    continue
                idle_since = time.monotonic()
                if self._attempt(delivery):
                    failures = len(delivery.attempts) % self.policy.max_attempts
                    self._shared.retry_at(delivery, time.time() + self.policy.backoff(failures))
            except StoreUnavailable:
                time.sleep(1.0)  # logged where it happened; a lapsed claim is retried
            except Exception:  # keep delivering for everyone else
                log.exception("shared webhook delivery failed unexpectedly")
                time.sleep(self._poll)


__all__ = ["DELIVERED", "RedisOutbox", "RedisRegistry", "SharedDeliveryWorker"]
