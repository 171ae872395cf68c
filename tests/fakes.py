"""Recording fakes for the domain's ports: tests observe side effects without I/O or sleeping."""

from __future__ import annotations

from mock_server.domain.events import EventKind, OrderEvent


class RecordingSink:
    """Keeps every event published to it."""

    def __init__(self) -> None:
        self.events: list[OrderEvent] = []

    def publish(self, event: OrderEvent) -> None:
        self.events.append(event)

    def kinds(self, order_number: str | None = None) -> list[EventKind]:
        return [
            e.kind
            for e in self.events
            if order_number is None or (e.order is not None and e.order.number == order_number)
        ]
