"""Domain events: what happened to an order, published to an `EventSink` (see ports)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

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
