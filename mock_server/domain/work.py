"""One use case's unit of work: the store's lock held while orders change, the events they
produced, the snapshots that leave the lock, and the events published after it."""

from __future__ import annotations

from contextlib import AbstractContextManager

from mock_server.domain.copies import shallow_copy
from mock_server.domain.events import OrderEvent
from mock_server.domain.models import Order
from mock_server.domain.ports import EventSink


class UnitOfWork:
    """`with UnitOfWork(lock, sink) as work:` holds the store's lock; inside, `note` records
    events and `snapshot` takes detached copies; on leaving, the lock is released first and
    then every event is published, each with a snapshot of its order.

    An event shows its order as it stands at the first snapshot taken after the event was
    noted (`snapshot`, or the one taken when the work ends): the events of one settle
    share one copy, and a use case snapshots between two events only where the order
    changes between them. A class rather than a generator-based context manager: it runs
    on every request."""

    __slots__ = ("_events", "_lock", "_sink", "_twins")

    def __init__(self, lock: AbstractContextManager[object], sink: EventSink) -> None:
        self._lock = lock
        self._sink = sink
        self._events: list[OrderEvent] = []
        self._twins: list[Order | None] = []  # per event: its snapshot, once taken

    def __enter__(self) -> UnitOfWork:
        self._lock.__enter__()
        return self

    def __exit__(self, *exc_info: object) -> None:
        try:
            events = self.detached_events()
        finally:
            self._lock.__exit__(None, None, None)
        for event in events:
            self._sink.publish(event)

    def note(self, event: OrderEvent) -> None:
        self._events.append(event)
        self._twins.append(None)

    def snapshot(self, order: Order) -> Order:
        """A detached copy of `order` as it stands now, which also dresses the events
        about `order` noted since its last snapshot."""
        twin = order.snapshot()
        for i, event in enumerate(self._events):
            if self._twins[i] is None and event.order is order:
                self._twins[i] = twin
        return twin

    def discard(self, order: Order) -> None:
        """Forget every event about `order`: a draft that was never committed (a use case
        that fails still publishes its other events, such as a void found while settling)."""
        pairs = zip(self._events, self._twins, strict=True)
        kept = [(e, t) for e, t in pairs if e.order is not order]
        self._events = [e for e, _ in kept]
        self._twins = [t for _, t in kept]

    def detached_events(self) -> list[OrderEvent]:
        """Every event, in the order noted, with a snapshot instead of the live order."""
        result = []
        for i, event in enumerate(self._events):
            if event.order is not None:
                twin = self._twins[i] or self.snapshot(event.order)
                event = _with_order(event, twin)
            result.append(event)
        return result


def _with_order(event: OrderEvent, order: Order) -> OrderEvent:
    """`dataclasses.replace(event, order=order)` at a fraction of the cost (every create
    and modify detaches its events)."""
    twin = shallow_copy(event)
    object.__setattr__(twin, "order", order)  # frozen: the one way in
    return twin
