"""Domain events: what happened to an order, published to a sink (webhooks, a recorder)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from mock_server.domain.errors import FieldProblem
from mock_server.domain.models import Order


class EventKind(StrEnum):
    CREATED = "im::order_created"
    ON_HOLD = "im::order_on_hold"
    RELEASED = "im::order_released"
    MODIFIED = "im::order_modified"
    CANCELED = "im::order_canceled"
    VOIDED = "im::order_voided"
    SHIPPED = "im::order_shipped"
    DELIVERED = "im::order_delivered"
    ASYNC_CREATE_FAILED = "im::async_order_create_failed"


@dataclass(frozen=True, slots=True)
class OrderEvent:
    kind: EventKind
    at: datetime  # mock time at which it happened
    customer_number: str
    order: Order | None = None  # None only for a failed asynchronous create
    customer_order_number: str = ""
    confirmation_number: str = ""
    problems: tuple[FieldProblem, ...] = ()  # why an asynchronous create failed


def order_event(
    order: Order, kind: EventKind, at: datetime, confirmation_number: str = ""
) -> OrderEvent:
    """An event about an existing order."""
    return OrderEvent(
        kind=kind,
        at=at,
        customer_number=order.customer_number,
        order=order,
        customer_order_number=order.customer_order_number,
        confirmation_number=confirmation_number,
    )


class EventSink(Protocol):
    def publish(self, event: OrderEvent) -> None:
        """Take an event; must not block on I/O (delivery happens elsewhere)."""
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


class RecordingSink:
    """Keeps every event: the fake used by tests."""

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
