"""Per-order event journal: what happened to each order, and when in mock time.

An event sink beside the webhooks (see `bootstrap`), so the domain model stays as it is
and the dashboard can show a timeline for an order whether or not anyone listens for
webhooks. Bounded twice: the most recently active `max_orders` orders keep their
journal (older ones are forgotten whole), and each keeps at most `max_events` events.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import datetime
from typing import NamedTuple

from mock_server.domain.events import OrderEvent


class TimelineEntry(NamedTuple):
    kind: str  # the event type, e.g. im::order_shipped
    at: datetime  # mock time
    confirmation_number: str


class OrderTimelines:
    def __init__(self, max_orders: int = 20_000, max_events: int = 64) -> None:
        self._orders: OrderedDict[str, list[TimelineEntry]] = OrderedDict()
        self._max_orders = max_orders
        self._max_events = max_events
        self._lock = threading.Lock()

    def publish(self, event: OrderEvent) -> None:
        if event.order is None:
            return  # a failed v7 create has no order; the delivery log shows it
        number = event.order.number
        entry = TimelineEntry(event.kind.value, event.at, event.confirmation_number)
        with self._lock:
            entries = self._orders.get(number)
            if entries is None:
                entries = self._orders[number] = []
                if len(self._orders) > self._max_orders:
                    self._orders.popitem(last=False)
            else:
                self._orders.move_to_end(number)
            entries.append(entry)
            if len(entries) > self._max_events:
                del entries[0]

    def for_order(self, order_number: str) -> list[TimelineEntry] | None:
        """The order's events, oldest first; None when its journal is not (or no longer) kept."""
        with self._lock:
            entries = self._orders.get(order_number)
            return None if entries is None else list(entries)

    def clear(self) -> None:
        with self._lock:
            self._orders.clear()

    def __len__(self) -> int:
        return len(self._orders)
