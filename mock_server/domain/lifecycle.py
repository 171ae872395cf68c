"""How orders move with time: the 24-hour hold window, restocking, shipping, delivery.

`settle(order, now)` applies, in time order, every step that is due by `now` and returns
the events those steps produced. It is idempotent: settling twice emits nothing new.
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta

from mock_server.domain.events import EventKind, OrderEvent, order_event
from mock_server.domain.models import MAX_SERIALS, Order, OrderLine, Shipment
from mock_server.domain.status import HoldState, check_transition

HOLD_WINDOW = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class Pace:
    """Mock-time durations of each fulfilment step (configurable at start)."""

    ship_after: timedelta = timedelta(hours=4)  # ready -> shipped
    deliver_after: timedelta = timedelta(hours=20)  # shipped -> delivered
    restock_after: timedelta = timedelta(hours=72)  # backordered -> stock arrives


def void_time(order: Order) -> datetime:
    return order.created_at + HOLD_WINDOW


def open_order(order: Order, at: datetime, pace: Pace) -> list[OrderEvent]:
    """Placement without hold, or release: the order becomes final and starts moving.
    Returns the backorder event when some quantity now waits for stock."""
    if order.hold is not HoldState.OPEN:
        check_transition(order.hold, HoldState.OPEN)
    order.hold = HoldState.OPEN
    order.released_at = at
    for line in order.lines:
        line.ready_at = at
        if line.backordered:
            line.stock_arrives_at = at + pace.restock_after
    order.refresh_status(at)
    if any(line.backordered for line in order.lines):
        return [order_event(order, EventKind.BACKORDERED, at)]
    return []


def expected_dates(line: OrderLine, pace: Pace) -> tuple[datetime, datetime] | None:
    """When the part of `line` still to ship is expected to leave and to arrive, at the
    pace the mock keeps; None while the order is held, or once everything has shipped."""
    if line.shipped_quantity >= line.quantity:
        return None
    start = line.stock_arrives_at if line.backordered else line.ready_at
    if start is None:
        return None
    leaves = start + pace.ship_after
    return leaves, leaves + pace.deliver_after


def close_order(order: Order, target: HoldState, at: datetime) -> None:
    """Cancel or void a held order."""
    check_transition(order.hold, target)
    order.hold = target
    order.refresh_status(at)


def next_step(order: Order, pace: Pace) -> datetime | None:
    """When the clock next changes this order, or None if it never will."""
    if order.hold is HoldState.ON_HOLD:
        return void_time(order)
    if order.hold is not HoldState.OPEN:
        return None
    due: list[datetime] = []
    for line in order.lines:
        if line.backordered and line.stock_arrives_at is not None:
            due.append(line.stock_arrives_at)
        if line.confirmed > line.shipped_quantity and line.ready_at is not None:
            due.append(line.ready_at + pace.ship_after)
    if not due and not order.delivery_announced:
        deliveries = [s.delivered_at for line in order.lines for s in line.shipments]
        if deliveries:
            due.append(max(deliveries))
    return min(due) if due else None


def settle(order: Order, now: datetime, pace: Pace) -> list[OrderEvent]:
    """Apply every due step up to `now`; returns the events in the order they happened."""
    events: list[OrderEvent] = []
    stepped = False
    while (due := next_step(order, pace)) is not None and due <= now:
        events.extend(_apply_step(order, due, pace))
        stepped = True
    order.next_due = due  # the last step asked of the order as it now stands
    if stepped or order.settled_status is None:
        order.refresh_status(now)
    return events


def _apply_step(order: Order, at: datetime, pace: Pace) -> list[OrderEvent]:
    if order.hold is HoldState.ON_HOLD:
        close_order(order, HoldState.VOIDED, at)
        return [order_event(order, EventKind.VOIDED, at)]
    shipped_any = False
    for line in order.lines:
        if line.backordered and line.stock_arrives_at is not None and line.stock_arrives_at <= at:
            line.backordered = 0
            line.ready_at = line.stock_arrives_at
            line.stock_arrives_at = None
        waiting = line.confirmed - line.shipped_quantity
        if waiting > 0 and line.ready_at is not None and line.ready_at + pace.ship_after <= at:
            # A new list of the exact size rather than append()'s spare room: most lines
            # ship once, and a long-lived mock keeps many of them.
            shipment = make_shipment(order, line, waiting, at, pace)
            line.shipments = (*line.shipments, shipment)
            shipped_any = True
    # Invoices are raised as shipments leave (make_shipment), so both are told at once.
    events = (
        [order_event(order, EventKind.SHIPPED, at), order_event(order, EventKind.INVOICED, at)]
        if shipped_any
        else []
    )
    fully_shipped = all(line.shipped_quantity >= line.quantity for line in order.lines)
    if not shipped_any and fully_shipped and not order.delivery_announced:
        order.delivery_announced = True
        events.append(order_event(order, EventKind.DELIVERED, at))
    return events


def make_shipment(
    order: Order, line: OrderLine, quantity: int, at: datetime, pace: Pace, *, invoiced: bool = True
) -> Shipment:
    batch = len(line.shipments) + 1
    digest = hashlib.sha1(f"{order.number}/{line.ingram_line_number}/{batch}".encode()).digest()
    physical = line.unit_weight > 0  # physical goods carry serial numbers; licences do not
    return Shipment(
        quantity=quantity,
        shipped_at=at,
        in_transit=pace.deliver_after,
        seed=int.from_bytes(digest),
        serial_count=min(quantity, MAX_SERIALS) if physical else 0,
        # Interned: every shipment of the region shares one prefix string.
        invoice_prefix=sys.intern(order.number[:2]) if invoiced else "",
        carrier=line.carrier,
    )
