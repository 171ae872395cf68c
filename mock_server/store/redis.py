"""The Redis implementation of the domain's `OrderStore` port: optimistic, per order.

Inside `atomically()` each thread has a transaction: orders it reads are decoded once
(an identity map, so a use case sees one object per order) with the version they had;
orders it adds are kept aside. When the unit of work ends, every order whose encoding
changed, and every added one, goes to Redis in one server-side script that first checks
each version (and that each new customer PO is still unused) and only then writes all of
it: two processes changing one order cannot both win. The loser gets `StoreConflict`,
nothing of its unit is saved, and the service runs the unit again on fresh reads. Due
timers are a sorted set kept in the same script, so a due step is settled once.

Keys (under a namespace, `ingram-mock` by default): `:orders` hash number -> "version:json";
`:cust:<customer>` list of numbers, oldest first; `:customers` set; `:po` hash of
"customer<US>PO"; `:timers` sorted set number -> next due (epoch seconds); `:all` list of
every number, oldest first (snapshots).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson

from mock_server.domain.models import Order
from mock_server.domain.numbers import START
from mock_server.domain.ports import StoreConflict, StoreUnavailable
from mock_server.store.codec import order_from_plain, order_to_plain
from mock_server.store.connection import DEFAULT_NAMESPACE, guarded

_PO_SEPARATOR = "\x1f"
_DUE_BATCH = 1000  # orders settled per unit of work at most; the next tick takes the rest

# Checks every precondition, then writes everything: atomic on the Redis server.
# ARGV: namespace, n_po, po fields..., n_writes, then per write: number, expected version,
# data, due score ('' = none), customer ('' = not new), po field ('' = none); then, with
# KEYS[5], the claimed v7 submission whose order this is (its claim ends with the order).
_COMMIT = """
local orders, po, timers, customers = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local ns = ARGV[1]
local i = 2
local npo = tonumber(ARGV[i]); i = i + 1
for j = 1, npo do
  if redis.call('HEXISTS', po, ARGV[i]) == 1 then return 'po' end
  i = i + 1
end
local nw = tonumber(ARGV[i]); i = i + 1
local first = i
for j = 1, nw do
  local current = redis.call('HGET', orders, ARGV[i])
  local version = 0
  if current then version = tonumber(string.match(current, '^(%d+):')) end
  if version ~= tonumber(ARGV[i + 1]) then return 'conflict' end
  i = i + 6
end
i = first
for j = 1, nw do
  local number = ARGV[i]
  redis.call('HSET', orders, number, (tonumber(ARGV[i + 1]) + 1) .. ':' .. ARGV[i + 2])
  if ARGV[i + 3] == '' then
    redis.call('ZREM', timers, number)
  else
    redis.call('ZADD', timers, ARGV[i + 3], number)
  end
  if ARGV[i + 4] ~= '' then
    redis.call('RPUSH', ns .. ':all', number)
    redis.call('RPUSH', ns .. ':cust:' .. ARGV[i + 4], number)
    redis.call('SADD', customers, ARGV[i + 4])
  end
  if ARGV[i + 5] ~= '' then redis.call('HSET', po, ARGV[i + 5], '1') end
  i = i + 6
end
if KEYS[5] then redis.call('ZREM', KEYS[5], ARGV[i]) end
return 'ok'
"""

# Everything but the counter: order numbers are never reused, across resets too.
_RESET = """
local ns = ARGV[1]
for _, customer in ipairs(redis.call('SMEMBERS', ns .. ':customers')) do
  redis.call('UNLINK', ns .. ':cust:' .. customer)
end
redis.call('UNLINK', ns .. ':orders', ns .. ':po', ns .. ':timers')
redis.call('UNLINK', ns .. ':customers', ns .. ':all')
return 'ok'
"""


@dataclass(slots=True)
class _Loaded:
    order: Order
    version: int
    encoded: bytes  # as read: a change shows as a different encoding
    writable: bool  # read through get()/due(); for_customer() reads are for display


@dataclass(slots=True)
class _Transaction:
    depth: int = 0
    loaded: dict[str, _Loaded] = field(default_factory=dict)
    added: list[Order] = field(default_factory=list)
    unused_pos: list[str] = field(default_factory=list)  # PO fields that must stay unused


def _encode(order: Order) -> bytes:
    return orjson.dumps(order_to_plain(order))


def _decode(raw: bytes) -> tuple[int, bytes, Order]:
    version, _, encoded = raw.partition(b":")
    return int(version), encoded, order_from_plain(orjson.loads(encoded))


def _po_field(customer_number: str, customer_order_number: str) -> str:
    return f"{customer_number}{_PO_SEPARATOR}{customer_order_number.upper()}"


class RedisOrderStore:
    def __init__(self, client: Any, namespace: str = DEFAULT_NAMESPACE) -> None:
        self._client = client
        self._ns = namespace
        self._orders = f"{namespace}:orders"
        self._po = f"{namespace}:po"
        self._timers = f"{namespace}:timers"
        self._customers = f"{namespace}:customers"
        self._commit = client.register_script(_COMMIT)
        self._reset = client.register_script(_RESET)
        self._local = threading.local()

    # -- the unit of work ---------------------------------------------------------------

    def _tx(self) -> _Transaction | None:
        return getattr(self._local, "tx", None)

    def atomically(self) -> AbstractContextManager[object]:
        return self._unit()

    @contextmanager
    def _unit(self) -> Iterator[object]:
        tx = self._tx()
        if tx is not None:  # re-entrant: the outer unit commits
            tx.depth += 1
            try:
                yield tx
            finally:
                tx.depth -= 1
            return
        tx = _Transaction(depth=1)
        self._local.tx = tx
        try:
            try:
                yield tx
            except (StoreConflict, StoreUnavailable):
                raise
            except BaseException:
                # As in memory, what a failed case changed stays (a void found while
                # settling a refused modify): save it. A conflict wins over the failure,
                # so the case runs again and fails, or not, on fresh reads.
                self._save(tx)
                raise
            self._save(tx)
        finally:
            self._local.tx = None

    def _save(self, tx: _Transaction) -> None:
        writes: list[Any] = []
        count = 0
        for number, loaded in tx.loaded.items():
            if not loaded.writable:
                continue
            encoded = _encode(loaded.order)
            if encoded != loaded.encoded:
                writes += [number, loaded.version, encoded, _score(loaded.order), "", ""]
                count += 1
        for order in tx.added:
            po = _po_field(order.customer_number, order.customer_order_number)
            po = po if order.customer_order_number else ""
            writes += [order.number, 0, _encode(order), _score(order), order.customer_number, po]
            count += 1
        if not count:
            return  # read only: nothing to check, nothing to write
        keys = [self._orders, self._po, self._timers, self._customers]
        args = [self._ns, len(tx.unused_pos), *tx.unused_pos, count, *writes]
        claim = getattr(self._local, "claim", None)
        if claim is not None and tx.added:
            keys.append(claim[0])
            args.append(claim[1])
        with guarded("commit"):
            outcome = self._commit(keys=keys, args=args)
        if outcome == b"po":
            self._local.po_taken = True  # the rerun asks Redis whether the PO is taken
        if outcome != b"ok":
            raise StoreConflict(outcome.decode())

    def bind_claim(self, claims_key: str, item: bytes | None) -> None:
        """While this thread processes a claimed v7 submission (`item` in the sorted set
        `claims_key`), the commit that creates its order also ends the claim: a process
        killed right after that commit leaves nothing to create twice. None unbinds."""
        self._local.claim = None if item is None else (claims_key, item)

    # -- reads and writes ---------------------------------------------------------------

    def add(self, order: Order) -> None:
        tx = self._tx()
        if tx is None:
            with self.atomically():
                self.add(order)
            return
        if any(o.number == order.number for o in tx.added):
            raise KeyError(f"duplicate order number {order.number}")
        tx.added.append(order)

    def get(self, order_number: str) -> Order | None:
        number = order_number.upper()
        tx = self._tx()
        if tx is not None:
            known = tx.loaded.get(number) or self._added(tx, number)
            if known is not None:
                if isinstance(known, _Loaded):
                    known.writable = True
                    return known.order
                return known
        with guarded("get"):
            raw = self._client.hget(self._orders, number)
        if raw is None:
            return None
        version, encoded, order = _decode(raw)
        if tx is not None:
            tx.loaded[number] = _Loaded(order, version, encoded, writable=True)
        return order

    def _added(self, tx: _Transaction, number: str) -> Order | None:
        return next((o for o in tx.added if o.number == number), None)

    def _load_many(self, numbers: Sequence[str], *, writable: bool) -> list[Order]:
        tx = self._tx()
        wanted = [n for n in numbers if tx is None or n not in tx.loaded]
        fetched: dict[str, bytes] = {}
        if wanted:
            with guarded("load"):
                values = self._client.hmget(self._orders, wanted)
            fetched = {n: v for n, v in zip(wanted, values, strict=True) if v is not None}
        result: list[Order] = []
        for number in numbers:
            loaded = tx.loaded.get(number) if tx is not None else None
            if loaded is None and number in fetched:
                version, encoded, order = _decode(fetched[number])
                loaded = _Loaded(order, version, encoded, writable)
                if tx is not None:
                    tx.loaded[number] = loaded
            if loaded is not None:
                loaded.writable = loaded.writable or writable
                result.append(loaded.order)
        return result

    def for_customer(self, customer_number: str) -> Sequence[Order]:
        with guarded("for_customer"):
            numbers = [
                n.decode() for n in self._client.lrange(f"{self._ns}:cust:{customer_number}", 0, -1)
            ]
        orders = self._load_many(numbers, writable=False)
        tx = self._tx()
        if tx is not None:  # orders added in this unit come last, as they are the newest
            known = set(numbers)
            orders += [
                o
                for o in tx.added
                if o.customer_number == customer_number and o.number not in known
            ]
        return orders

    def customer_page(self, offset: int, limit: int) -> tuple[int, list[tuple[str, int]]]:
        """(how many customers, [(customer, order count)] for one page, by customer number;
        the dashboard). Costs the customers, not their orders."""
        with guarded("customer_page"):
            customers = sorted(c.decode() for c in self._client.smembers(self._customers))
            page = customers[offset : offset + limit]
            pipe = self._client.pipeline(transaction=False)
            for customer in page:
                pipe.llen(f"{self._ns}:cust:{customer}")
            counts = pipe.execute() if page else []
        return len(customers), [(c, int(n)) for c, n in zip(page, counts, strict=True)]

    def has_customer_po(self, customer_number: str, customer_order_number: str) -> bool:
        po = _po_field(customer_number, customer_order_number)
        tx = self._tx()
        if tx is not None and any(
            o.customer_number == customer_number
            and o.customer_order_number.upper() == customer_order_number.upper()
            for o in tx.added
        ):
            return True
        if tx is not None and not getattr(self._local, "po_taken", False):
            # Optimistic: no round trip now; the commit checks the PO is unused, and if it
            # is not, the unit runs again and this asks Redis.
            tx.unused_pos.append(po)
            return False
        self._local.po_taken = False
        with guarded("has_customer_po"):
            used = bool(self._client.hexists(self._po, po))
        if not used and tx is not None:
            tx.unused_pos.append(po)  # the commit refuses if another process took it meanwhile
        return used

    def schedule(self, order: Order) -> None:
        """Nothing to do now: the commit writes each saved order's timer from `next_due`."""

    def due(self, now: datetime) -> list[Order]:
        with guarded("due"):
            numbers = [
                n.decode()
                for n in self._client.zrangebyscore(
                    self._timers, "-inf", now.timestamp(), start=0, num=_DUE_BATCH
                )
            ]
        orders = self._load_many(numbers, writable=True)
        return [o for o in orders if o.next_due is not None and o.next_due <= now]

    def reset(self) -> None:
        with guarded("reset"):
            self._reset(keys=[], args=[self._ns])

    def __len__(self) -> int:
        with guarded("len"):
            return int(self._client.hlen(self._orders))

    def __iter__(self) -> Iterator[Order]:
        """Every order, oldest first."""
        with guarded("scan"):
            numbers = [n.decode() for n in self._client.lrange(f"{self._ns}:all", 0, -1)]
        orders: list[Order] = []
        for start in range(0, len(numbers), 1000):
            orders += self._load_many(numbers[start : start + 1000], writable=False)
        return iter(orders)


def _score(order: Order) -> str:
    return "" if order.next_due is None else repr(order.next_due.timestamp())


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
