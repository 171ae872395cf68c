"""Where orders live: the in-memory implementation of the domain's `OrderStore` port.

The store is the one place that knows how orders are indexed. Its `atomically()` block
is what makes read-modify-write sequences in the service safe under concurrent requests;
a shared backend would implement the same port with its own transactions.
"""

from __future__ import annotations

import heapq
import itertools
import threading
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import datetime

from mock_server.domain.models import Order
from mock_server.domain.ports import OrderStore

__all__ = ["InMemoryOrderStore", "OrderStore"]


class InMemoryOrderStore:
    """Dicts and a heap behind one re-entrant lock."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._orders: dict[str, Order] = {}
        self._by_customer: dict[str, list[Order]] = {}
        # customer -> its upper-cased POs. A dict used as a set: at ~100 POs per customer
        # a set's table is two to three times the size of a dict's.
        self._customer_pos: dict[str, dict[str, None]] = {}
        self._timers: list[tuple[datetime, str]] = []

    def atomically(self) -> AbstractContextManager[object]:
        return self._lock

    def add(self, order: Order) -> None:
        with self._lock:
            if order.number in self._orders:
                raise KeyError(f"duplicate order number {order.number}")
            self._orders[order.number] = order
            self._by_customer.setdefault(order.customer_number, []).append(order)
            self._customer_pos.setdefault(order.customer_number, {})[
                _upper(order.customer_order_number)
            ] = None
            self.schedule(order)

    def get(self, order_number: str) -> Order | None:
        return self._orders.get(order_number.upper())

    def for_customer(self, customer_number: str) -> Sequence[Order]:
        # No copy: callers walk it under the lock.
        return self._by_customer.get(customer_number, ())

    def customer_page(self, offset: int, limit: int) -> tuple[int, list[tuple[str, int]]]:
        """(how many customers, [(customer, order count)] for one page, first seen first).
        Walks `offset + limit` customers at most, never the orders (the dashboard)."""
        with self._lock:
            page = itertools.islice(self._by_customer.items(), offset, offset + limit)
            return len(self._by_customer), [(c, len(orders)) for c, orders in page]

    def has_customer_po(self, customer_number: str, customer_order_number: str) -> bool:
        return customer_order_number.upper() in self._customer_pos.get(customer_number, ())

    def schedule(self, order: Order) -> None:
        if order.next_due is not None:
            with self._lock:
                heapq.heappush(self._timers, (order.next_due, order.number))

    def due(self, now: datetime) -> list[Order]:
        found: dict[str, Order] = {}
        with self._lock:
            while self._timers and self._timers[0][0] <= now:
                _, number = heapq.heappop(self._timers)
                order = self._orders.get(number)
                # Stale entries (rescheduled or already settled) are skipped, not removed early.
                if order is not None and order.next_due is not None and order.next_due <= now:
                    found[number] = order
        return list(found.values())

    def reset(self) -> None:
        with self._lock:
            self._orders.clear()
            self._by_customer.clear()
            self._customer_pos.clear()
            self._timers.clear()

    def __len__(self) -> int:
        return len(self._orders)

    def __iter__(self) -> Iterator[Order]:
        with self._lock:
            return iter(list(self._orders.values()))


def _upper(text: str) -> str:
    """`text.upper()`, but the same object when it already is: POs are kept once."""
    upper = text.upper()
    return text if upper == text else upper
