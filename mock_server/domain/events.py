"""Domain events: what happened to an order, published to an `EventSink` (see ports)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from mock_server.domain.errors import FieldProblem
from mock_server.domain.lines import RejectedLine
from mock_server.domain.models import Order


class EventKind(StrEnum):
    """What happened, spelled as `resource[].eventType` spells it.

    The published order-status names are ON_HOLD, SHIPPED, INVOICED, VOIDED and
    BACKORDERED; the v7 outcome is ASYNC_CREATED. The others are the mock's extensions:
    the portal offers an "order created" notification, and a client rehearsing a flow
    wants to hear of every change it made (released, modified, canceled) and of delivery.
    """

    CREATED = "im::order_created"  # placed by v6 (v7 placements are ASYNC_CREATED)
    ON_HOLD = "im::order_hold"
    RELEASED = "im::order_released"
    MODIFIED = "im::order_modified"
    CANCELED = "im::order_canceled"
    VOIDED = "im::order_voided"
    BACKORDERED = "im::order_backordered"  # an opened order has quantities waiting for stock
    SHIPPED = "im::order_shipped"
    INVOICED = "im::order_invoiced"  # the shipments that just left were invoiced
    DELIVERED = "im::order_delivered"
    ASYNC_CREATED = "im::async_order_create"  # the v7 outcome: the order was created
    ASYNC_CREATE_FAILED = "im::async_order_create_failed"  # the v7 outcome: it was not


# The kinds that announce an order's creation, or its failure; every other kind updates one.
CREATION_KINDS = frozenset(
    {EventKind.CREATED, EventKind.ASYNC_CREATED, EventKind.ASYNC_CREATE_FAILED}
)


@dataclass(frozen=True, slots=True)
class OrderEvent:
    kind: EventKind
    at: datetime  # mock time at which it happened
    customer_number: str
    order: Order | None = None  # None only for a failed asynchronous create
    customer_order_number: str = ""
    confirmation_number: str = ""
    problems: tuple[FieldProblem, ...] = ()  # why an asynchronous create failed
    rejected: tuple[RejectedLine, ...] = ()  # lines a create refused (the v7 outcome shows them)
    # The v7 outcome names the warehouses its lines ship from: id -> name.
    warehouse_names: Mapping[str, str] | None = None


def order_event(
    order: Order,
    kind: EventKind,
    at: datetime,
    confirmation_number: str = "",
    rejected: tuple[RejectedLine, ...] = (),
    warehouse_names: Mapping[str, str] | None = None,
) -> OrderEvent:
    """An event about an existing order."""
    return OrderEvent(
        kind=kind,
        at=at,
        customer_number=order.customer_number,
        order=order,
        customer_order_number=order.customer_order_number,
        confirmation_number=confirmation_number,
        rejected=rejected,
        warehouse_names=warehouse_names,
    )
