"""The domain's ports: what it needs from the world, stated here and implemented by adapters.

`store/` implements `OrderStore` (in memory and on Redis), `rehearsal/clock.py` implements
`Clock`, the webhook dispatcher implements `EventSink`. The domain imports only this
module, never them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from mock_server.domain.models import Order

if TYPE_CHECKING:
    from mock_server.domain.events import OrderEvent


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware (UTC)."""
        ...


class StoreConflict(Exception):
    """Another writer changed what this unit of work read: nothing was saved; run it again."""


class StoreUnavailable(Exception):
    """The store's backend cannot be reached (or stays too contended): nothing was saved."""


class OrderStore(Protocol):
    def atomically(self) -> AbstractContextManager[object]:
        """One read-modify-write unit (re-entrant). What is read and changed inside it is
        saved together when it ends; a shared store may instead raise StoreConflict on
        exit (nothing saved), and the caller runs the unit again on fresh reads."""
        ...

    def add(self, order: Order) -> None: ...

    def get(self, order_number: str) -> Order | None: ...

    def for_customer(self, customer_number: str) -> Sequence[Order]:
        """The customer's orders, oldest first; read-only, and only stable while
        `atomically()` is held. Cost depends on that customer only."""
        ...

    def has_customer_po(self, customer_number: str, customer_order_number: str) -> bool: ...

    def customer_page(self, offset: int, limit: int) -> tuple[int, list[tuple[str, int]]]:
        """(how many customers have orders, [(customer, order count)] for one page).
        For the dashboard: costs the page, not the number of orders."""
        ...

    def schedule(self, order: Order) -> None:
        """Note `order.next_due` so `due()` finds the order when its time comes."""
        ...

    def due(self, now: datetime) -> list[Order]:
        """Orders whose next timed step is at or before `now`."""
        ...

    def reset(self) -> None: ...

    def __len__(self) -> int: ...

    def __iter__(self) -> Iterator[Order]:
        """Every order, oldest first (a copy of the list: snapshots walk it)."""
        ...


class EventSink(Protocol):
    def publish(self, event: OrderEvent) -> None:
        """Take an event; called after the store's lock is released. Must not block on I/O
        (delivery happens elsewhere)."""
        ...


class NullSink:
    def publish(self, event: OrderEvent) -> None:
        return None


class FanOut:
    """Publishes each event to several sinks, in order."""

    def __init__(self, *sinks: EventSink) -> None:
        self.sinks = sinks

    def publish(self, event: OrderEvent) -> None:
        for sink in self.sinks:
            sink.publish(event)
